"""timeline.ics read back by three independent parsers: icalendar, the strict ``ical`` package
(Home Assistant's) and Mozilla ical.js (Thunderbird's, via node), plus RFC 5545 rules on the
raw bytes (CRLF, 75-octet folding, escaping) and the injection attempt in the hostile quote."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_export_json import HOSTILE_QUOTE, JS_DIR, PLACEABLE_UIDS, sample_timeline
from timeline.export.common import build_stamp, clean_text, one_line
from timeline.export.ical import event_description, event_summary, render_ics
from timeline.export.labels import load_labels
from timeline.models import Timeline

UTC = dt.timezone.utc
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
LABELS = load_labels("en")
D = dt.date

EXPECTED = {  # uid -> (DTSTART, DTEND) exactly as written
    "tl-1c2d3e4f5a6b7c89": (D(2022, 2, 24), D(2022, 2, 25)),  # day: exclusive end
    "tl-3d5e7f9a1b2c4d60": (D(2025, 5, 5), D(2025, 5, 12)),  # week 19 as a span
    "tl-7f3b2a1c9e8d6f50": (dt.datetime(2025, 5, 7, 21, 0, tzinfo=UTC), dt.datetime(2025, 5, 7, 22, 0, tzinfo=UTC)),
    "tl-0a9d3e7f6b2c8e14": (D(2025, 5, 8), D(2025, 5, 9)),  # the conflict, at the chosen date
    "tl-9e4f1a2b3c5d7e68": (D(2025, 5, 9), D(2025, 5, 10)),  # hostile
    "tl-5c1e0b9a2d7f4e31": (D(2025, 9, 1), D(2025, 10, 1)),  # September 2025
    "tl-2b8c4d6e0f1a3b57": (D(2030, 1, 1), D(2031, 1, 1)),  # 2030
}
HOSTILE_UID = "tl-9e4f1a2b3c5d7e68"


@pytest.fixture
def timeline() -> Timeline:
    return sample_timeline()


@pytest.fixture
def ics(timeline) -> bytes:
    return render_ics(timeline)


def entry(timeline: Timeline, uid: str):
    return next(e for e in timeline.entries if e.uid == uid)


def events_by_uid(raw: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(raw)
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


# ---------------------------------------------------------------- icalendar

def test_icalendar_reads_every_placeable_entry_with_exact_dates(ics):
    cal = icalendar.Calendar.from_ical(ics)
    assert [str(ev["UID"]) for ev in cal.walk("VEVENT")] == PLACEABLE_UIDS  # time order, duration left out
    for uid, ev in events_by_uid(ics).items():
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert (start, end) == EXPECTED[uid], uid
        assert type(start) is type(EXPECTED[uid][0])  # a DATE stays a DATE, never a midnight DATE-TIME
        assert not ev.errors
    for comp in cal.walk():
        assert not comp.errors


def test_calendar_properties(ics, timeline):
    cal = icalendar.Calendar.from_ical(ics)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]).startswith("-//timeline//")
    assert "NAME:Xi Jinping (习近平) in Moscow — Путин talks\\, May 2025" in unfolded(ics)
    assert "X-WR-CALNAME:Xi Jinping (习近平) in Moscow — Путин talks\\, May 2025" in unfolded(ics)
    assert str(cal["DESCRIPTION"]).startswith(timeline.title)


def test_summary_states_coarse_precision_and_categories(ics):
    evs = events_by_uid(ics)
    assert str(evs["tl-5c1e0b9a2d7f4e31"]["SUMMARY"]) == "Putin to attend SCO summit in Tianjin (天津) (September 2025)"
    assert str(evs["tl-2b8c4d6e0f1a3b57"]["SUMMARY"]).endswith("(2030)")
    assert str(evs["tl-3d5e7f9a1b2c4d60"]["SUMMARY"]).endswith("(week 19 of 2025)")
    assert str(evs["tl-1c2d3e4f5a6b7c89"]["SUMMARY"]) == "Russia invades Ukraine"
    cats = lambda uid: [str(c) for c in evs[uid].decoded("CATEGORIES")]  # noqa: E731
    assert cats("tl-0a9d3e7f6b2c8e14") == ["happened", "day", "conflict"]
    assert cats("tl-5c1e0b9a2d7f4e31") == ["scheduled", "month"]
    desc = str(evs["tl-0a9d3e7f6b2c8e14"]["DESCRIPTION"])
    assert "Sources disagree: 2025-05-07 (4 sources) vs 2025-05-08 (1 source)" in desc
    assert str(evs["tl-0a9d3e7f6b2c8e14"]["LOCATION"]) == "Moscow; Москва"
    assert str(evs["tl-0a9d3e7f6b2c8e14"]["URL"]) == "https://news.example.org/putin-xi-moscow?ref=rss&lang=en"
    assert "URL" not in evs["tl-2b8c4d6e0f1a3b57"]  # no source URL known


def test_every_event_has_uid_dtstamp_dtend(ics):
    for ev in events_by_uid(ics).values():
        assert "DTEND" in ev and "DTSTAMP" in ev and "UID" in ev
        assert ev.decoded("DTSTAMP") == dt.datetime(2025, 5, 10, tzinfo=UTC)  # latest article date


def test_dtstamp_honours_source_date_epoch(timeline, monkeypatch, tmp_path):
    assert b"DTSTAMP:20250510T180000Z" in render_ics(timeline, source_date_epoch="1746900000")
    assert b"DTSTAMP:20250510T000000Z" in render_ics(timeline, source_date_epoch="not a number")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1746900000")
    assert b"DTSTAMP:20250510T000000Z" in render_ics(timeline)  # the library never reads the environment
    from click.testing import CliRunner

    from timeline.cli import main

    result = CliRunner().invoke(main, ["build", "--format", "ics", "-o", str(tmp_path), str(SEEDS)])
    assert result.exit_code == 0, result.output
    assert b"DTSTAMP:20250510T180000Z" in (tmp_path / "timeline.ics").read_bytes()  # the command does
    no_dates = timeline.model_copy(update={"manifest": []})
    assert build_stamp(no_dates) == dt.datetime(1970, 1, 1, tzinfo=UTC)


def test_coarse_policies(timeline):
    first = events_by_uid(render_ics(timeline, coarse="first-day"))
    assert (first["tl-5c1e0b9a2d7f4e31"].decoded("DTSTART"), first["tl-5c1e0b9a2d7f4e31"].decoded("DTEND")) == (
        D(2025, 9, 1), D(2025, 9, 2))
    skipped = events_by_uid(render_ics(timeline, coarse="skip"))
    assert set(skipped) == {"tl-1c2d3e4f5a6b7c89", "tl-7f3b2a1c9e8d6f50", "tl-0a9d3e7f6b2c8e14", HOSTILE_UID}
    with pytest.raises(ValueError, match="coarse"):
        render_ics(timeline, coarse="fuzzy")  # type: ignore[arg-type]


def test_uids_are_the_entry_uids_and_stable(timeline, ics):
    assert list(events_by_uid(ics)) == PLACEABLE_UIDS
    # another build where other entries changed and one was dropped keeps every UID
    changed = timeline.model_copy(update={"entries": [
        e.model_copy(update={"title": e.title + " (updated)"}) for e in timeline.entries[1:]]})
    again = events_by_uid(render_ics(changed))
    assert set(again) == set(PLACEABLE_UIDS) - {"tl-5c1e0b9a2d7f4e31"}
    assert render_ics(sample_timeline()) == ics  # byte-identical


# ---------------------------------------------------------------- hostile text

def test_injection_stays_inside_its_property(ics, timeline):
    lines = unfolded(ics)
    assert sum(1 for ln in lines if ln == "BEGIN:VEVENT") == len(PLACEABLE_UIDS)
    assert not any(ln.startswith("SUMMARY:fake") for ln in lines)
    ev = events_by_uid(ics)[HOSTILE_UID]
    desc = str(ev["DESCRIPTION"])
    assert "\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:fake" in desc  # kept as text, newlines and all
    assert clean_text(HOSTILE_QUOTE).strip() in desc
    assert str(ev["SUMMARY"]) == 'Victory Day parade <b>on Red Square</b> {{ 7*7 }}'
    assert str(ev["LOCATION"]) == "Red Square; Moscow, Russia"


def test_text_round_trips_exactly(ics, timeline):
    evs = events_by_uid(ics)
    for e in timeline.entries:
        if e.uid not in evs:
            continue
        assert str(evs[e.uid]["SUMMARY"]) == event_summary(e, LABELS)
        assert str(evs[e.uid]["DESCRIPTION"]) == event_description(e, LABELS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=300))
def test_any_text_round_trips(text):
    base = sample_timeline()
    e = base.entries[0].model_copy(update={"title": text, "places": [text]})
    raw = render_ics(base.model_copy(update={"entries": [e]}))
    check_raw_lines(raw)
    (ev,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert str(ev["SUMMARY"]) == event_summary(e, LABELS)
    assert str(ev["LOCATION"]) == one_line(text)
    assert str(ev["SUMMARY"]).startswith((one_line(text) or "(untitled)"))


# ---------------------------------------------------------------- raw bytes

def unfolded(raw: bytes) -> list[str]:
    return raw.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def check_raw_lines(raw: bytes) -> None:
    assert raw.endswith(b"\r\n") and not raw.startswith(b"\xef\xbb\xbf")
    physical = raw[:-2].split(b"\r\n")
    for n, line in enumerate(physical, 1):
        assert b"\r" not in line and b"\n" not in line, f"bare CR/LF in line {n}"
        assert len(line) <= 75, f"line {n} is {len(line)} octets"
        line.decode("utf-8")  # folding never splits a multi-byte character
        assert line, f"empty line {n}"


def test_crlf_and_folding(ics):
    check_raw_lines(ics)
    assert any(len(ln) == 75 for ln in ics.split(b"\r\n"))  # long values really are folded
    assert b"\r\n " in ics


def test_escaping_on_the_wire(ics):
    lines = unfolded(ics)
    summary = next(ln for ln in lines if ln.startswith("SUMMARY:Путин"))
    assert summary == "SUMMARY:Путин and 习近平 hold talks in Moscow\\; joint statement on strategic stability"
    hostile = next(ln for ln in lines if ln.startswith("DESCRIPTION:") and "pwned" in ln)
    assert "\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:fake" in hostile
    assert " a\\; b\\, c \\\\ d" in hostile


# ---------------------------------------------------------------- the strict `ical` package

def test_strict_ical_package_agrees(ics):
    from ical.calendar_stream import IcsCalendarStream

    cal = IcsCalendarStream.calendar_from_ics(ics.decode("utf-8"))
    assert [ev.uid for ev in cal.events] == PLACEABLE_UIDS
    for ev in cal.events:
        assert (ev.dtstart, ev.dtend) == EXPECTED[ev.uid], ev.uid
    hostile = next(ev for ev in cal.events if ev.uid == HOSTILE_UID)
    assert clean_text(HOSTILE_QUOTE).strip() in hostile.description
    assert len(list(cal.timeline)) == len(PLACEABLE_UIDS)


# ---------------------------------------------------------------- Mozilla ical.js (node)

def icaljs(path: Path) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the ical.js client test needs Node.js")
    if not (JS_DIR / "node_modules" / "ical.js").is_dir():
        pytest.skip("tests/js/node_modules missing: run scripts/setup-browser.sh (npm ci in tests/js)")
    proc = subprocess.run([node, str(JS_DIR / "icaljs_dump.mjs"), str(path)], capture_output=True,
                          text=True, timeout=60, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _js(value) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def test_icaljs_reads_the_same_events(ics, timeline, tmp_path):
    path = tmp_path / "timeline.ics"
    path.write_bytes(ics)
    out = icaljs(path)
    events = out["events"]
    assert [e["uid"] for e in events] == PLACEABLE_UIDS
    for e in events:
        start, end = EXPECTED[e["uid"]]
        assert (e["start"], e["end"]) == (_js(start), _js(end)), e["uid"]
        assert e["isDate"] is (not isinstance(start, dt.datetime))
        assert e["dtstamp"] == "2025-05-10T00:00:00Z"
        src = entry(timeline, e["uid"])
        assert e["summary"] == event_summary(src, LABELS)
        assert e["description"] == event_description(src, LABELS)
    hostile = next(e for e in events if e["uid"] == HOSTILE_UID)
    assert hostile["location"] == "Red Square; Moscow, Russia"
    assert next(e for e in events if e["uid"] == "tl-0a9d3e7f6b2c8e14")["categories"] == ["happened", "day", "conflict"]
    assert re.search(r"Sources disagree", next(e for e in events if e["uid"] == "tl-0a9d3e7f6b2c8e14")["description"])
