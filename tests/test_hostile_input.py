"""Hostile and messy input, end to end: the real ``timeline build`` command on folders the tests
build themselves (nothing binary is committed). Every input is accounted for in the manifest of
timeline.json and timeline.html, every problem is one plain line on stderr naming the file, the
outputs are replaced all at once or not at all, and article text never takes over an output.

The ingest-level details (each encoding, each header form) are in test_ingest.py; here the
assertions are on what a user sees: exit codes, stderr, the summary line and the written files.
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import timeline.ingest.files as ingest_mod
from timeline.cli import main
from timeline.export.common import clean_text, one_line

REPO = Path(__file__).resolve().parents[1]
OUTPUTS = ["timeline.ics", "timeline.json", "timeline.schema.json", "timeline.html", "timelinejs.json"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


# ---------------------------------------------------------------- helpers


def write(root: Path, rel: str, data: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8"))
    else:
        path.write_bytes(data)
    return path


def cli(*args: str):
    """Run ``timeline`` in-process; stdout and stderr apart; exceptions are failures, not results."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def run(*args: str, cwd: Path, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """Run ``python -m timeline`` as a real process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run([sys.executable, "-m", "timeline", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, env=env, **kw)


def load_json(out: Path) -> dict:
    data = json.loads((out / "timeline.json").read_text("utf-8"))
    schema = json.loads((out / "timeline.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    return data


class _ManifestTable(HTMLParser):
    """Cells of the rows of the sheet's "Input files" table: (row class, [cell texts])."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.rows: list[tuple[str, list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("class") == "manifest":
            self.inside = True
        elif self.inside and tag == "tr" and (a.get("class") or "").startswith("m-"):
            self.rows.append((a["class"][2:], []))
        elif self.inside and tag == "td" and self.rows:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "section":
            self.inside = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1][1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def html_manifest(out: Path) -> list[tuple[str, str, str]]:
    """(path, status, note) of every row of the HTML sheet's "Input files" table."""
    parser = _ManifestTable()
    parser.feed((out / "timeline.html").read_text("utf-8"))
    rows = []
    for status, cells in parser.rows:
        path, shown_status, _date, _source, note = cells
        assert shown_status == status
        rows.append((path, status, note))
    return rows


def ics_events(out: Path):
    from icalendar import Calendar

    cal = Calendar.from_ical((out / "timeline.ics").read_bytes())
    return [c for c in cal.walk() if c.name == "VEVENT"]


def strict_ical_events(out: Path):
    from ical.calendar_stream import IcsCalendarStream

    return IcsCalendarStream.calendar_from_ics((out / "timeline.ics").read_text("utf-8")).events


def check_outputs_parse(out: Path) -> dict:
    """Every output parses; the ICS carries one event per placeable JSON entry. Returns timeline.json."""
    data = load_json(out)
    placeable = [e for e in data["entries"] if e["when"]["start"] is not None]
    events = ics_events(out)
    assert sorted(str(e["UID"]) for e in events) == sorted(e["uid"] for e in placeable)
    assert len(strict_ical_events(out)) == len(placeable)
    tljs = json.loads((out / "timelinejs.json").read_text("utf-8"))
    assert len(tljs["events"]) == len(placeable)
    page = (out / "timeline.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    return data


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry of the folder, hidden ones included (a leftover temp file shows up here)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------- the messy folder

A_TEXT = "Date: 2025-05-08\n\nOn May 6, 2025, the delegation left Beijing for Moscow.\n"
BOM_SENTENCE = "On May 7, 2025, Xi arrived at Vnukovo airport, “a warm welcome,” officials said."
UTF16_SENTENCE = "On May 9, 2025, a parade crossed Red Square as Путин and 习近平 watched."
CP1252_SENTENCE = "On May 10, 2025, the envoys met at a café in Moscow – “we agree,” one said."
HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Envoys in Minsk</title>
<meta property="article:published_time" content="2025-05-08T09:00:00+03:00">
<script>var tracking = "On May 1, 2025, nothing happened.";</script><style>p{color:red}</style></head>
<body><nav>Home | World</nav><article><h1>Envoys in Minsk</h1>
<p>On May 5, 2025, envoys met in Minsk to prepare the visit.</p></article></body></html>
"""


def build_messy_folder(root: Path) -> Path:
    """Every kind of messy input of issue 6, in one folder tree (built here, nothing committed)."""
    src = root / "in"
    write(src, "a.txt", A_TEXT)
    write(src, "sub/copy-of-a.md", A_TEXT.replace("\n", "\r\n") + "\n\n")  # same article, other name and line ends
    write(src, "bom.txt", b"\xef\xbb\xbf" + f"Date: 2025-05-08\n\n{BOM_SENTENCE}\n".encode())
    write(src, "utf16.txt", f"Date: 2025-05-09\r\n\r\n{UTF16_SENTENCE}\r\n".encode("utf-16"))
    write(src, "cp1252.txt", f"Date: 2025-05-10\n\n{CP1252_SENTENCE}\n".encode("cp1252"))
    write(src, "empty.txt", b"")
    write(src, "image.txt", PNG)
    with (src / "huge.txt").open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: 100 MB that use no disk
    write(src, "impossible.txt", "date 2025-13-45 The talks happened on May 7, 2025.\n")
    write(src, "conflict.txt", "Date: 2025-05-08\nPublished: 2025-05-09\n\nThe talks happened on May 7, 2025.\n")
    write(src, "page.txt", HTML_PAGE)
    write(src, "locked.txt", "Date: 2025-05-08\n\nOn May 3, 2025, a secret meeting took place.\n")
    write(src, "sub/deeper/deepest/deep.md", "Date: 2025-05-08\n\nOn May 4, 2025, advance teams reached Moscow.\n")
    write(src, "undated.txt", "Analysts doubt the talks will change much.\n")
    write(src, "notes.csv", "not,an,article\n")  # not an article extension: not read from a folder
    (src / "sub" / "loop").symlink_to(src, target_is_directory=True)
    (src / "self.txt").symlink_to(src / "self.txt")
    return src


def deny_locked(monkeypatch) -> None:
    """Tests run as root, who reads a mode-000 file anyway: simulate the permission error."""
    real_open = open

    def fake_open(path, mode="r", *args, **kwargs):
        if Path(path).name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(ingest_mod, "open", fake_open, raising=False)


EXPECTED_WARNINGS = [
    'warning: in/conflict.txt:2: two different dates: "2025-05-08" (header line 1) and "2025-05-09" (header line 2); '
    "keep one, or pass --date",
    "warning: in/empty.txt: file is empty",
    "warning: in/huge.txt: file is too large (104,857,600 bytes; the limit is 20,000,000 bytes)",
    "warning: in/image.txt: not a text file: it looks like a PNG image",
    'warning: in/impossible.txt:1: header line 1: "date 2025-13-45": impossible date "2025-13-45": month 13 does not exist',
    "warning: in/locked.txt: cannot read file: permission denied",
    "warning: in/self.txt: symlink loop: the link points back to itself",
    "warning: in/sub/copy-of-a.md: same text as a (the same article under another name); counted once",
    "warning: in/sub/loop: symlink loop: this folder links back to in",
    "warning: in/undated.txt: no date in its header and none could be inferred from the other articles; "
    "only its absolute dates are used (give one with --date FILE=YYYY-MM-DD)",
    "warning: nope/articles: no such file or folder",
]

EXPECTED_MANIFEST = {  # path -> (status, date, date_source)
    "in/a.txt": ("used", "2025-05-08", "header"),
    "in/bom.txt": ("used", "2025-05-08", "header"),
    "in/conflict.txt": ("skipped", None, "none"),
    "in/cp1252.txt": ("used", "2025-05-10", "header"),
    "in/empty.txt": ("skipped", None, "none"),
    "in/huge.txt": ("skipped", None, "none"),
    "in/image.txt": ("skipped", None, "none"),
    "in/impossible.txt": ("skipped", None, "none"),
    "in/locked.txt": ("skipped", None, "none"),
    "in/page.txt": ("used", "2025-05-08", "header"),
    "in/self.txt": ("skipped", None, "none"),
    "in/sub/copy-of-a.md": ("duplicate", "2025-05-08", "header"),
    "in/sub/deeper/deepest/deep.md": ("used", "2025-05-08", "header"),
    "in/sub/loop": ("skipped", None, "none"),
    "in/undated.txt": ("undated", None, "none"),
    "in/utf16.txt": ("used", "2025-05-09", "header"),
    "nope/articles": ("skipped", None, "none"),
}

SUMMARY = ("17 input(s) read; 6 used; 1 duplicate; 9 skipped; 1 undated. 6 timeline entries (0 with disputed dates). "
           "Wrote out/timeline.ics, out/timeline.json, out/timeline.schema.json, out/timeline.html, out/timelinejs.json.\n")


@pytest.fixture
def messy(tmp_path, monkeypatch):
    build_messy_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    deny_locked(monkeypatch)
    return tmp_path


def test_messy_folder_every_input_accounted_for(messy):
    result = cli("build", "in", "nope/articles", "-o", "out")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == SUMMARY
    lines = result.stderr.splitlines()
    assert lines == EXPECTED_WARNINGS  # each problem once, file named, in path order
    assert "Traceback" not in result.stderr
    out = messy / "out"
    assert snapshot(out).keys() == set(OUTPUTS)

    data = check_outputs_parse(out)
    manifest = {m["path"]: m for m in data["manifest"]}
    assert {p: (m["status"], m["date"], m["date_source"]) for p, m in manifest.items()} == EXPECTED_MANIFEST
    # the JSON manifest carries the same reasons the user was told
    for line in EXPECTED_WARNINGS:
        path = re.match(r"warning: ([^:]+)", line)[1]
        m = manifest[path]
        if m["status"] == "skipped":
            assert line.endswith(m["reason"].removeprefix(path).lstrip(":0123456789 ")), path
    assert manifest["in/sub/copy-of-a.md"]["duplicate_of"] == "a"
    assert manifest["in/page.txt"]["date_evidence"] == 'HTML meta article:published_time: "2025-05-08T09:00:00+03:00"'

    # the HTML sheet lists the same inputs with the same status and reason
    rows = html_manifest(out)
    assert [(p, s) for p, s, _ in rows] == [(p, v[0]) for p, v in sorted(EXPECTED_MANIFEST.items())]
    notes = {p: n for p, _, n in rows}
    assert notes["in/huge.txt"] == "in/huge.txt: file is too large (104,857,600 bytes; the limit is 20,000,000 bytes)"
    assert notes["in/sub/copy-of-a.md"] == "duplicate of a"
    assert notes["in/sub/loop"] == "symlink loop: this folder links back to in"

    # every encoding decoded right: the quotes are the exact sentences
    quotes = {s["quote"] for e in data["entries"] for s in e["sources"]}
    assert {BOM_SENTENCE, UTF16_SENTENCE, CP1252_SENTENCE} <= quotes
    # raw HTML: only the visible text (no script, no style, no markup)
    by_path = {s["path"]: s for e in data["entries"] for s in e["sources"]}
    assert by_path["in/page.txt"]["quote"] == "On May 5, 2025, envoys met in Minsk to prepare the visit."
    assert by_path["in/page.txt"]["article_title"] == "Envoys in Minsk"
    assert not any("nothing happened" in q or "<" in q for q in quotes)
    # the duplicate is one source, not two
    left = [e for e in data["entries"] if e["when"]["value"] == "2025-05-06"]
    assert len(left) == 1 and [s["path"] for s in left[0]["sources"]] == ["in/a.txt"]
    assert not any(s["path"] == "in/sub/copy-of-a.md" for e in data["entries"] for s in e["sources"])
    # nested folders are read
    assert "in/sub/deeper/deepest/deep.md" in by_path
    assert [e["when"]["value"] for e in data["entries"]] == [
        "2025-05-04", "2025-05-05", "2025-05-06", "2025-05-07", "2025-05-09", "2025-05-10"]


def test_strict_exits_1_when_anything_is_skipped_and_still_writes(messy):
    result = cli("build", "in", "-o", "out", "--strict")
    assert result.exit_code == 1
    assert result.stdout.startswith("16 input(s) read; 6 used; 1 duplicate; 8 skipped; 1 undated.")
    assert len(result.stderr.splitlines()) == len(EXPECTED_WARNINGS) - 1
    assert snapshot(messy / "out").keys() == set(OUTPUTS)


def test_strict_exits_0_when_every_input_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "in/a.txt", A_TEXT)
    result = cli("build", "in", "-o", "out", "--strict")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == ("1 input(s) read; 1 used; 0 duplicate; 0 skipped; 0 undated. 1 timeline entries "
                             "(0 with disputed dates). Wrote out/timeline.ics, out/timeline.json, "
                             "out/timeline.schema.json, out/timeline.html, out/timelinejs.json.\n")


def test_messy_folder_in_a_real_process_without_exhausting_memory(tmp_path):
    """The same folder through ``python -m timeline``: same messages; the 100 MB file is refused
    by its size, so the process's peak memory stays far below 100 MB of extra data."""
    build_messy_folder(tmp_path)
    (tmp_path / "in" / "locked.txt").unlink()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = subprocess.Popen([sys.executable, "-m", "timeline", "build", "in", "nope/articles", "-o", "out", "--strict"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stderr.decode()
    assert stderr.decode("utf-8").splitlines() == [w for w in EXPECTED_WARNINGS if "locked.txt" not in w]
    assert stdout.decode().startswith("16 input(s) read; 6 used; 1 duplicate; 8 skipped; 1 undated.")
    check_outputs_parse(tmp_path / "out")


def test_huge_file_peak_memory(tmp_path):
    """A 100 MB article is refused by its size before it is read: the build's peak memory is that of a
    build without it (within a few MB), far below the file's size."""
    with (tmp_path / "huge.txt").open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    write(tmp_path, "a.txt", A_TEXT)

    def peak_rss(*paths: str) -> tuple[int, str, str]:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen([sys.executable, "-m", "timeline", "build", *paths, "-o", "out"],
                                cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        out_b, err_b = proc.stdout.read(), proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, err_b.decode()
        return usage.ru_maxrss, out_b.decode(), err_b.decode()  # Linux: KiB

    baseline, _, _ = peak_rss("a.txt")
    with_huge, out, err = peak_rss("huge.txt", "a.txt")
    assert err == "warning: huge.txt: file is too large (104,857,600 bytes; the limit is 20,000,000 bytes)\n"
    assert out.startswith("2 input(s) read; 1 used; 0 duplicate; 1 skipped; 0 undated.")
    assert with_huge - baseline < 20 * 1024, f"peak RSS {with_huge} KiB vs {baseline} KiB without the huge file"


def test_thousands_of_files_in_nested_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for i in range(2000):
        write(tmp_path, f"in/d{i % 7}/e{i % 3}/f{i:04d}.txt", f"Note n{i}: nothing dated here.\n")
    write(tmp_path, "in/d0/dated.md", A_TEXT)
    write(tmp_path, "in/d6/e2/copy.txt", "Note n5: nothing dated here.\n")
    started = time.perf_counter()
    result = cli("build", "in", "-o", "out")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("2002 input(s) read; 1 used; 1 duplicate; 0 skipped; 2000 undated. 1 timeline entries")
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2001 and len(set(warnings)) == 2001
    assert "warning: in/d6/e2/copy.txt: same text as d5/e2/f0005 (the same article under another name); counted once" in warnings
    data = check_outputs_parse(tmp_path / "out")
    assert len(data["manifest"]) == 2002
    assert [m["path"] for m in data["manifest"]] == sorted((m["path"] for m in data["manifest"]),
                                                           key=lambda p: Path(p).parts)
    assert len(html_manifest(tmp_path / "out")) == 2002
    assert elapsed < 60


# ---------------------------------------------------------------- paths and output folders


def test_path_that_does_not_exist(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.txt", A_TEXT)
    result = cli("build", "a.txt", "no/such/folder", "-o", "out")
    assert result.exit_code == 0
    assert result.stderr == "warning: no/such/folder: no such file or folder\n"
    assert result.stdout.startswith("2 input(s) read; 1 used; 0 duplicate; 1 skipped; 0 undated.")
    data = check_outputs_parse(tmp_path / "out")
    m = next(m for m in data["manifest"] if m["path"] == "no/such/folder")
    assert {k: m[k] for k in ("path", "status", "reason", "date", "date_source")} == {
        "path": "no/such/folder", "status": "skipped", "reason": "no such file or folder", "date": None,
        "date_source": "none"}
    assert cli("build", "a.txt", "no/such/folder", "-o", "out", "--strict").exit_code == 1


def test_only_missing_paths_build_nothing(tmp_path, monkeypatch):
    """A typo in the only folder must not replace a good dist/ with an empty timeline."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "out/timeline.json", "{}")
    result = cli("build", "artcles", "-o", "out")
    assert result.exit_code == 2
    assert result.stderr == "error: artcles: no such file or folder; nothing was built (give article files or folders)\n"
    assert (tmp_path / "out/timeline.json").read_text() == "{}"


@pytest.mark.parametrize("debug", [False, True])
def test_output_folder_is_a_file(tmp_path, monkeypatch, debug):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.txt", A_TEXT)
    write(tmp_path, "out", "I am a file\n")
    result = cli("build", "a.txt", "-o", "out", *(["--debug"] if debug else []))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.endswith("error: out: the output folder is a file; give a folder with -o\n")
    assert ("Traceback" in result.stderr) is debug
    assert (tmp_path / "out").read_text() == "I am a file\n"


def test_output_folder_is_a_file_real_process(tmp_path):
    write(tmp_path, "a.txt", A_TEXT)
    write(tmp_path, "out", "I am a file\n")
    proc = run("build", "a.txt", "-o", "out", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        2, "", "error: out: the output folder is a file; give a folder with -o\n")
    proc = run("build", "a.txt", "-o", "out/sub", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr == "error: out/sub: Not a directory\n"


def test_output_folder_not_writable_simulated(tmp_path, monkeypatch):
    """As root every folder is writable: make creating any file in out/ fail with EACCES."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.txt", A_TEXT)
    out = tmp_path / "out"
    out.mkdir()
    real_open = os.open

    def denied(path, flags, *args, **kwargs):
        p = Path(os.path.abspath(path))
        if (p == out or p.parent == out) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    result = cli("build", "a.txt", "-o", "out")
    assert result.exit_code == 2
    assert result.stderr == "error: out: cannot write timeline.ics there: Permission denied\n"
    assert result.stdout == ""
    assert list(out.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into mode-555 folders; see the simulated test")
def test_output_folder_not_writable_chmod(tmp_path):
    write(tmp_path, "a.txt", A_TEXT)
    (tmp_path / "out").mkdir(mode=0o555)
    try:
        proc = run("build", "a.txt", "-o", "out", cwd=tmp_path)
    finally:
        (tmp_path / "out").chmod(0o755)
    assert (proc.returncode, proc.stderr) == (2, "error: out: cannot write timeline.ics there: Permission denied\n")


def test_internal_error_is_one_line_traceback_only_with_debug(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.txt", A_TEXT)

    def broken(*args, **kwargs):
        raise RuntimeError("resolver exploded")

    monkeypatch.setattr("timeline.pipeline.build_timeline", broken)
    result = cli("build", "a.txt", "-o", "out")
    assert result.exit_code == 3
    assert result.stderr == "internal error: RuntimeError: resolver exploded (run again with --debug for details)\n"
    result = CliRunner().invoke(main, ["build", "a.txt", "-o", "out", "--debug"])
    assert result.exit_code == 3  # the documented code, with the traceback printed
    assert "Traceback" in result.stderr and "resolver exploded" in result.stderr


# ---------------------------------------------------------------- atomic outputs


def _first_build(root: Path) -> dict[str, bytes]:
    write(root, "in/a.txt", A_TEXT)
    result = cli("build", "in", "-o", "dist")
    assert result.exit_code == 0, result.stderr
    write(root, "in/b.txt", "Date: 2025-05-09\n\nOn May 9, 2025, the parade was held in Moscow.\n")
    before = snapshot(root / "dist")
    assert before.keys() == set(OUTPUTS)
    return before


def test_last_writer_failing_leaves_previous_dist_intact(tmp_path, monkeypatch):
    """Disk full while writing the last output: nothing is replaced, no temp file is left."""
    monkeypatch.chdir(tmp_path)
    before = _first_build(tmp_path)
    real_fsync, calls = os.fsync, []

    def full_on_last(fd):
        calls.append(fd)
        if len(calls) == len(OUTPUTS):  # one fsync per staged output; the last one fails
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_on_last)
    result = cli("build", "in", "-o", "dist")
    assert result.exit_code == 2
    assert result.stderr == "error: dist: cannot write timelinejs.json there: No space left on device\n"
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path / "dist") == before  # every old file, whole; nothing else


def test_failed_rename_keeps_each_file_whole(tmp_path, monkeypatch):
    """A rename failing half-way (after the others): each file is the old or the new one, whole."""
    monkeypatch.chdir(tmp_path)
    before = _first_build(tmp_path)
    real_replace = os.replace

    def failing(src, dst, *a, **kw):
        if Path(dst).name == "timelinejs.json":
            raise OSError(errno.EIO, "Input/output error", str(src))
        return real_replace(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", failing)
    result = cli("build", "in", "-o", "dist")
    assert result.exit_code == 2
    assert result.stderr == "error: dist: cannot write timelinejs.json there: Input/output error\n"
    after = snapshot(tmp_path / "dist")
    assert after.keys() == before.keys()  # no temp file left
    assert after["timelinejs.json"] == before["timelinejs.json"]
    assert b"parade" in after["timeline.json"]
    json.loads(after["timeline.json"])


HANG_WHILE_WRITING = """
import os, sys, time
from pathlib import Path
real_fsync, calls = os.fsync, []
def fsync(fd):
    calls.append(fd)
    if len(calls) == 3:  # two outputs written, the third half-way: tell the test, then hang
        Path(sys.argv[1]).write_text("writing")
        time.sleep(600)
    return real_fsync(fd)
os.fsync = fsync
from timeline.cli import main
main(sys.argv[2:], prog_name="timeline")
"""


def test_killed_build_leaves_previous_dist_intact(tmp_path, monkeypatch):
    """SIGKILL while the outputs are being written: the old dist/ is intact, no temp file appears."""
    monkeypatch.chdir(tmp_path)
    before = _first_build(tmp_path)
    marker = tmp_path / "writing.marker"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", HANG_WHILE_WRITING, str(marker), "build", "in", "-o", "dist"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the build never started writing"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(tmp_path / "dist") == before
    # and the next build goes through
    result = cli("build", "in", "-o", "dist")
    assert result.exit_code == 0, result.stderr
    assert snapshot(tmp_path / "dist").keys() == set(OUTPUTS)


def test_killed_at_random_points_never_leaves_a_broken_dist(tmp_path):
    """A real build of a larger batch killed at several moments: every file parses, none is partial."""
    for i in range(60):
        write(tmp_path, f"in/a{i:02d}.txt", f"Date: 2025-05-08\n\nOn May {1 + i % 28}, 2025, convoy {i} reached "
                                             f"Moscow after talks in Minsk.\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    assert run("build", "in", "-o", "dist", cwd=tmp_path).returncode == 0
    for delay in (0.3, 0.8, 1.5, 2.5):
        proc = subprocess.Popen([sys.executable, "-m", "timeline", "build", "in", "-o", "dist"], cwd=tmp_path,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        names = sorted(p.name for p in (tmp_path / "dist").iterdir())
        assert names == sorted(OUTPUTS), names
        check_outputs_parse(tmp_path / "dist")


# ---------------------------------------------------------------- no injection

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '"><img src=x onerror="window.__pwned=2">'
MUSTACHE = "{{ 7*7 }}"
JINJA_BLOCK = "{% for x in range(3) %}X{% endfor %}"
ICS_BREAK = "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:fake"
HOSTILE_TITLE = f"Talks {SCRIPT} {IMG}{ICS_BREAK}"
HOSTILE_NAME = '"><img src=x onerror=window.__pwned=3> {{ 7*7 }}\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:fake.txt'


def build_hostile(root: Path) -> Path:
    src = root / "in"
    write(src, "hostile.txt", (
        f"---\ntitle: {json.dumps(HOSTILE_TITLE)}\n"  # a JSON string is a YAML string: \r\n become real CR LF
        'url: "javascript:window.__pwned=4"\ndate: 2025-05-08\n---\n'
        f"On May 8, 2025, the envoy in Moscow wrote {SCRIPT} and {IMG} and {MUSTACHE} and {JINJA_BLOCK}"
        f" before the talks.{ICS_BREAK} in Moscow on May 8, 2025.\r\n\r\n"
        "On May 7, 2025, delegates arrived in Moscow {{ 7*7 }} </style></textarea><!-- .\n"))
    write(src, HOSTILE_NAME, "Date: 2025-05-08\n\nOn May 6, 2025, a courier left Beijing with <b>bold</b> claims.\n")
    return src


@pytest.fixture
def hostile_out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    build_hostile(root)
    proc = run("build", "in", "-o", "out", "--strict", cwd=root)
    assert (proc.returncode, proc.stderr) == (0, "")
    return root / "out"


def test_hostile_text_json_and_ics(hostile_out):
    data = check_outputs_parse(hostile_out)
    quotes = [s["quote"] for e in data["entries"] for s in e["sources"]]
    envoy = next(q for q in quotes if "envoy" in q)
    assert SCRIPT in envoy and IMG in envoy and MUSTACHE in envoy and JINJA_BLOCK in envoy
    titles = {s["article_title"] for e in data["entries"] for s in e["sources"]}
    assert HOSTILE_TITLE in titles
    assert {s["url"] for e in data["entries"] for s in e["sources"]} == {None, "javascript:window.__pwned=4"}

    raw = (hostile_out / "timeline.ics").read_bytes()
    assert b"javascript:" not in raw  # unsafe URL schemes never reach the calendar
    lines = raw.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == len(data["entries"]) == lines.count(b"END:VEVENT") == 3
    assert b"BEGIN:VEVENT" in raw.replace(b"\r\n ", b"")  # the payload is there, escaped inside a property
    assert not any(ln.startswith(b"SUMMARY:fake") for ln in lines)  # ... and never starts a line of its own
    assert all(b"\r" not in ln and b"\n" not in ln for ln in lines)
    events = {str(e["UID"]): e for e in ics_events(hostile_out)}
    for entry in data["entries"]:
        ev = events[entry["uid"]]
        assert str(ev["SUMMARY"]).startswith(one_line(entry["title"]).rstrip("…"))
        for src in entry["sources"]:
            assert clean_text(src["quote"]).strip() in str(ev["DESCRIPTION"])  # intact, inside its property
            assert one_line(src["path"]) in str(ev["DESCRIPTION"])
            assert one_line(src["article_title"] or src["path"]) in str(ev["DESCRIPTION"])
    strict = {ev.uid: ev for ev in strict_ical_events(hostile_out)}
    assert strict.keys() == events.keys()
    assert any(envoy in ev.description for ev in strict.values())
    assert any("END:VEVENT BEGIN:VEVENT SUMMARY:fake.txt" in ev.description for ev in strict.values())

    tljs = (hostile_out / "timelinejs.json").read_text("utf-8")
    assert "<script>" not in tljs and "<img" not in tljs and "javascript:" not in tljs
    assert "&lt;script&gt;" in tljs


def test_hostile_text_html_source_is_escaped(hostile_out):
    page = (hostile_out / "timeline.html").read_text("utf-8")
    assert "<script" not in page and "<img" not in page and "javascript:" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert MUSTACHE in page and JINJA_BLOCK in page and "49" not in page and "XXX" not in page
    assert "\r" not in page
    paths = [p for p, _, _ in html_manifest(hostile_out)]
    assert paths == ["in/" + one_line(HOSTILE_NAME), "in/hostile.txt"]


@pytest.mark.browser
def test_hostile_text_in_chromium_runs_nothing_and_requests_nothing(hostile_out):
    sync_api = pytest.importorskip("playwright.sync_api")
    from test_export_json import launch_chromium  # the shared Chromium settings

    page_url = (hostile_out / "timeline.html").as_uri()
    requests, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url == page_url else r.abort())
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_url, wait_until="load")
            page.wait_for_timeout(300)
            state = page.evaluate("""() => ({
                pwned: typeof window.__pwned,
                scripts: document.scripts.length,
                imgs: document.images.length,
                handlers: [...document.querySelectorAll('*')].filter(
                    el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
                text: document.body.innerText,
            })""")
        finally:
            browser.close()
    assert requests == [page_url]
    assert errors == []
    assert state["pwned"] == "undefined"
    assert (state["scripts"], state["imgs"], state["handlers"]) == (0, 0, 0)
    text = state["text"]
    for literal in (SCRIPT, IMG, MUSTACHE, JINJA_BLOCK, "<script>", "{{ 7*7 }}",
                    "END:VEVENT BEGIN:VEVENT SUMMARY:fake"):
        assert literal in text, literal
    assert "49" not in text and "XXX" not in text


# ---------------------------------------------------------------- extreme dates

EXTREME = """Date: 2025-05-08

On May 8, 2025, archaeologists said the settlement was founded in 3000 BC.
The city was sacked in 44 BC and rebuilt in 200 AD.
Engineers want the vault to last until the year 10000.
Prices rose sharply in the 1990s.
The probe will reach the outer planets in 2999, officials said.
A time capsule will be opened in 9999.
The temple dates from the 5th century BC.
Nothing happened in year 0.
In 1 BC and in 1 AD, the legions marched.
"""


def test_extreme_dates_are_represented_or_left_out_never_wrong(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "in/extreme.txt", EXTREME)
    result = cli("build", "in", "-o", "out", "--strict")
    assert (result.exit_code, result.stderr) == (0, "")
    data = check_outputs_parse(tmp_path / "out")
    got = sorted((e["when"]["value"], e["when"]["precision"], e["sources"][0]["date_text"]) for e in data["entries"])
    # every entry's date is what its own phrase says; BC years, years past 9999 and bare
    # numbers past 2100 are never placed on the calendar (a Python date cannot hold them)
    for value, precision, phrase in got:
        start = next(e["when"]["start"] for e in data["entries"] if e["when"]["value"] == value)
        if phrase == "May 8, 2025":
            assert (value, precision) == ("2025-05-08", "day")
        elif phrase == "the 1990s":
            assert (value, precision, start) == ("199", "decade", "1990-01-01")
        elif phrase in ("200 AD", "1 AD"):
            assert value == f"{int(phrase.split()[0]):04d}" and precision == "year"
        else:
            pytest.fail(f"unexpected entry {value} from {phrase!r}")
    assert ("199", "decade", "the 1990s") in got
    assert not any(v.startswith(("-", "3000", "2999", "9999", "1000")) for v, _, _ in got)
    html_text = (tmp_path / "out" / "timeline.html").read_text("utf-8")
    assert "the 1990s" in html_text and "decade only" in html_text

    # annotate states the value it found for each phrase, BC in astronomical numbering
    ann = cli("annotate", "in/extreme.txt", "--date", "2025-05-08")
    assert ann.exit_code == 0, ann.stderr
    found = {m["text"]: m["value"] for m in map(json.loads, ann.stdout.splitlines())}
    assert found["3000 BC"] == "-2999" and found["44 BC"] == "-0043" and found["200 AD"] == "0200"
    assert found["the 1990s"] == "199"
    assert not any(t in found for t in ("10000", "1000", "0000", "2999", "9999"))


def test_one_bc_is_year_zero(tmp_path):
    write(tmp_path, "a.txt", "Date: 2025-05-08\n\nThe legions marched in 1 BC.\n")
    ann = cli("annotate", str(tmp_path / "a.txt"), "--date", "2025-05-08")
    assert json.loads(ann.stdout.splitlines()[0])["value"] == "0000"


def test_month_day_with_an_unreadable_year_is_not_this_year(tmp_path):
    write(tmp_path, "a.txt", "Date: 2025-05-08\n\nThe vault will open on May 8, 10000.\n")
    ann = cli("annotate", str(tmp_path / "a.txt"), "--date", "2025-05-08")
    assert "2025-05-08" not in ann.stdout
