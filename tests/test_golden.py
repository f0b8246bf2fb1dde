"""dist/ holds the seeds' outputs as committed golden files: a fresh build must reproduce them byte for byte.

After an intended change, run ``pytest tests/test_golden.py --update-golden`` and review the diff of dist/.
"""

import difflib
import shutil
from pathlib import Path

from timeline.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "dist"
FILES = ["timeline.ics", "timeline.json", "timeline.schema.json", "timelinejs.json", "timeline.html"]


def test_fresh_build_reproduces_dist(tmp_path, update_golden, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(ROOT)  # paths in the outputs are as a user types them: seeds/...
    _, written = build([Path("seeds")], tmp_path)
    assert sorted(p.name for p in written) == sorted(FILES)
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        for name in FILES:
            shutil.copyfile(tmp_path / name, GOLDEN / name)
    for name in FILES:
        fresh, golden = (tmp_path / name).read_bytes(), (GOLDEN / name).read_bytes()
        if fresh != golden:
            diff = "".join(difflib.unified_diff(golden.decode().splitlines(True)[:4000], fresh.decode().splitlines(True)[:4000],
                                                f"dist/{name}", f"fresh/{name}", n=1))
            raise AssertionError(f"dist/{name} differs from a fresh build (run pytest --update-golden if intended):\n{diff[:3000]}")


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    build([Path("seeds")], tmp_path / "a")
    build([Path("seeds")], tmp_path / "b")
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
