"""UIDs stay stable across builds; changed entries keep their UID with a higher SEQUENCE."""

import json
import shutil
from pathlib import Path

from timeline.pipeline import build

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _entries(out: Path) -> dict[str, dict]:
    data = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    return {e["uid"]: e for e in data["entries"]}


def test_rebuild_in_place_changes_nothing(tmp_path):
    build([SEEDS], tmp_path)
    first = (tmp_path / "timeline.ics").read_bytes()
    build([SEEDS], tmp_path)
    assert (tmp_path / "timeline.ics").read_bytes() == first


def test_adding_an_article_keeps_uids_of_unchanged_entries(tmp_path):
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    out = tmp_path / "out"
    build([articles], out)
    before = _entries(out)
    (articles / "005_extra.txt").write_text(
        " date 2025-05-10 Officials said on Friday that Xi attended the parade on Red Square in Moscow.\n"
        "Separately, a new bridge opened in Lisbon on Saturday.\n", encoding="utf-8")
    build([articles], out)
    after = _entries(out)
    unchanged = [uid for uid, e in before.items() if uid in after and after[uid]["sources"] == e["sources"]]
    assert len(unchanged) >= len(before) - 2  # only entries the new article joins may change
    for uid in unchanged:
        assert after[uid]["sequence"] == before[uid]["sequence"]
    parade = [e for e in after.values() if e["when"]["value"] == "2025-05-09"]
    assert len(parade) == 1
    assert parade[0]["uid"] in before, "the parade entry keeps its UID"
    assert parade[0]["sequence"] == before[parade[0]["uid"]]["sequence"] + 1
    assert any(s["article_id"] == "005_extra" for s in parade[0]["sources"])
    assert set(before) <= set(after)


def test_ics_carries_the_sequence(tmp_path):
    import icalendar

    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    out = tmp_path / "out"
    build([articles], out)
    (articles / "005_extra.txt").write_text(
        " date 2025-05-10 Officials said on Friday that Xi attended the parade on Red Square in Moscow.\n", encoding="utf-8")
    build([articles], out)
    [parade] = [e for e in _entries(out).values() if e["when"]["value"] == "2025-05-09"]
    cal = icalendar.Calendar.from_ical((out / "timeline.ics").read_bytes())
    sequences = {str(ev["UID"]): int(ev["SEQUENCE"]) for ev in cal.walk("VEVENT")}
    assert sequences[parade["uid"]] == 1
    assert sorted(set(sequences.values())) == [0, 1]
