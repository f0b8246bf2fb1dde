"""JSON exports: timeline.json against its schema, TimelineJS3 data, and write_outputs itself.

``sample_timeline()`` below is the shared fixture data of the three ``test_export_*`` modules
(the others import it): realistic entries with Cyrillic and Chinese names, a date conflict,
month-, week- and year-precision entries, a timed entry at 2025-05-07T17:00-04:00, a duration
without a start, and a hostile quote (HTML/JS, Jinja and iCalendar injection attempts).
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import os
import threading
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import export
from timeline.export import FORMATS, write_outputs
from timeline.export.json import render_json, render_schema, render_timelinejs
from timeline.models import (
    ArticleStatus,
    Conflict,
    DateClaim,
    DateSource,
    Entry,
    EventStatus,
    ManifestEntry,
    Precision,
    Source,
    Timeline,
    TimeValue,
    TimexType,
)

REPO = Path(__file__).resolve().parents[1]
JS_DIR = REPO / "tests" / "js"
TIMELINEJS_DIST = JS_DIR / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

ICS_INJECTION = "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:fake"
HOSTILE_QUOTE = (
    'He wrote <script>window.__pwned = 1; alert(1)</script> and "><img src=x onerror="window.__pwned=2">'
    " then {{ 7*7 }} and {% if %} a; b, c \\ d" + ICS_INJECTION
)

TZ_NY = dt.timezone(-dt.timedelta(hours=4))


def tv(value: str, precision: Precision | None, start: dt.date | None = None, end: dt.date | None = None,
       instant: dt.datetime | None = None, type: TimexType = TimexType.DATE, mod: str | None = None,
       edtf: str | None = None) -> TimeValue:
    return TimeValue(value=value, type=type, precision=precision, start=start, end=end, instant=instant,
                     mod=mod, edtf=edtf or value)


def src(n: int, when: TimeValue, date_text: str, quote: str, title: str, url: str | None = None) -> Source:
    return Source(article_id=f"a{n}", path=f"seeds/{n:03d}_article.txt", article_title=title, url=url,
                  when=when, date_text=date_text, date_start=10 * n, date_end=10 * n + len(date_text),
                  quote=quote, quote_start=0, quote_end=len(quote))


D = dt.date


def sample_timeline() -> Timeline:
    """Eight entries, deliberately out of order; seven can be placed on a calendar."""
    may8 = tv("2025-05-08", Precision.DAY, D(2025, 5, 8), D(2025, 5, 9))
    may7 = tv("2025-05-07", Precision.DAY, D(2025, 5, 7), D(2025, 5, 8))
    talks_quote = ("“Both countries are conducting an independent and autonomous foreign policy,” "
                   "Путин said after talks with 习近平 concluded on Thursday.")
    entries = [
        Entry(  # month precision, scheduled, Chinese place name
            uid="tl-5c1e0b9a2d7f4e31",
            when=tv("2025-09", Precision.MONTH, D(2025, 9, 1), D(2025, 10, 1)),
            title="Putin to attend SCO summit in Tianjin (天津)",
            status=EventStatus.SCHEDULED,
            places=["Tianjin, 天津"],
            sources=[src(1, tv("2025-09", Precision.MONTH, D(2025, 9, 1), D(2025, 10, 1)), "in September",
                         "The Russian leader confirmed he'd take part in a Shanghai Cooperation Organization "
                         "summit in Tianjin, China, in September.", "Putin and Xi meet in Moscow",
                         "https://news.example.org/putin-xi-moscow")],
            salience=0.6,
        ),
        Entry(  # conflict: four sources say 7 May, one says 8 May
            uid="tl-0a9d3e7f6b2c8e14",
            when=may8,
            title="Путин and 习近平 hold talks in Moscow; joint statement on strategic stability",
            status=EventStatus.HAPPENED,
            places=["Moscow", "Москва"],
            sources=[
                src(1, may8, "on Thursday", talks_quote, "Putin and Xi meet in Moscow",
                    "https://news.example.org/putin-xi-moscow?ref=rss&lang=en"),
                src(2, may7, "on Wednesday", "Xi arrived in Moscow on Wednesday for talks with Putin.",
                    "Xi lands in Moscow — «Известия» report"),
                src(3, may7, "May 7", "The leaders met on May 7, the Kremlin said.", "Kremlin readout; 克里姆林宫"),
            ],
            conflict=Conflict(
                chosen="2025-05-08",
                claims=[DateClaim(value="2025-05-08", article_ids=["a1"]),
                        DateClaim(value="2025-05-07", article_ids=["a2", "a3", "a4", "a5"])],
                note="Resolved to 8 May: the Kremlin transcript is dated 8 May; regional reports used the arrival day.",
            ),
            salience=0.9,
        ),
        Entry(  # timed, with a UTC offset
            uid="tl-7f3b2a1c9e8d6f50",
            when=tv("2025-05-07T17:00-04:00", Precision.MINUTE, D(2025, 5, 7), D(2025, 5, 8),
                    instant=dt.datetime(2025, 5, 7, 17, 0, tzinfo=TZ_NY), type=TimexType.TIME),
            title="White House briefing on the Moscow visit",
            status=EventStatus.REPORTED,
            places=["Washington"],
            sources=[src(4, tv("2025-05-07T17:00-04:00", Precision.MINUTE, D(2025, 5, 7), D(2025, 5, 8),
                               instant=dt.datetime(2025, 5, 7, 17, 0, tzinfo=TZ_NY), type=TimexType.TIME),
                         "at 5 p.m. EDT", "The press secretary spoke at 5 p.m. EDT, according to a pool report.",
                         "Briefing schedule, 7 May", "https://news.example.org/briefing")],
        ),
        Entry(  # year precision, far future
            uid="tl-2b8c4d6e0f1a3b57",
            when=tv("2030", Precision.YEAR, D(2030, 1, 1), D(2031, 1, 1)),
            title="Bilateral trade target of $300 billion",
            status=EventStatus.SCHEDULED,
            sources=[src(5, tv("2030", Precision.YEAR, D(2030, 1, 1), D(2031, 1, 1)), "by 2030",
                         "Both sides aim to lift trade to $300 billion by 2030, officials said.", "Trade targets")],
        ),
        Entry(  # the hostile one
            uid="tl-9e4f1a2b3c5d7e68",
            when=tv("2025-05-09", Precision.DAY, D(2025, 5, 9), D(2025, 5, 10)),
            title='Victory Day parade <b>on Red Square</b> {{ 7*7 }}',
            status=EventStatus.HAPPENED,
            places=["Red Square; Moscow, Russia"],
            sources=[src(6, tv("2025-05-09", Precision.DAY, D(2025, 5, 9), D(2025, 5, 10)), "May 9",
                         HOSTILE_QUOTE, 'Parade "live" <blog> & comments',
                         "https://news.example.org/parade?a=1&b=<2>")],
        ),
        Entry(  # week precision
            uid="tl-3d5e7f9a1b2c4d60",
            when=tv("2025-W19", Precision.WEEK, D(2025, 5, 5), D(2025, 5, 12)),
            title="Leaders from more than 20 countries arrive for anniversary events",
            status=EventStatus.HAPPENED,
            sources=[src(1, tv("2025-W19", Precision.WEEK, D(2025, 5, 5), D(2025, 5, 12)), "this week",
                         "Leaders from more than 20 countries, including Lula, arrived this week.",
                         "Putin and Xi meet in Moscow", "https://news.example.org/putin-xi-moscow")],
        ),
        Entry(  # a duration: no start, never on a calendar
            uid="tl-6a7b8c9d0e1f2a34",
            when=tv("P4D", None, type=TimexType.DURATION, edtf=None),
            title="Xi's four-day state visit",
            status=EventStatus.HAPPENED,
            sources=[src(1, tv("P4D", None, type=TimexType.DURATION), "four-day",
                         "Xi's four-day trip to Moscow started Wednesday.", "Putin and Xi meet in Moscow")],
        ),
        Entry(  # day precision, earliest
            uid="tl-1c2d3e4f5a6b7c89",
            when=tv("2022-02-24", Precision.DAY, D(2022, 2, 24), D(2022, 2, 25)),
            title="Russia invades Ukraine",
            status=EventStatus.HAPPENED,
            places=["Ukraine", "Україна"],
            sources=[src(2, tv("2022-02-24", Precision.DAY, D(2022, 2, 24), D(2022, 2, 25)), "February 2022",
                         "That has played into China's mission, particularly after Putin's February 2022 invasion.",
                         "Xi lands in Moscow — «Известия» report")],
        ),
    ]
    manifest = [
        ManifestEntry(path="seeds/001_article.txt", article_id="a1", status=ArticleStatus.USED,
                      date=D(2025, 5, 8), date_source=DateSource.HEADER, date_evidence="Date: 8 May 2025"),
        ManifestEntry(path="seeds/002_article.txt", article_id="a2", status=ArticleStatus.USED,
                      date=D(2025, 5, 7), date_source=DateSource.FRONT_MATTER, date_evidence="date: 2025-05-07"),
        ManifestEntry(path="seeds/003_article.txt", article_id="a3", status=ArticleStatus.USED,
                      date=D(2025, 5, 9), date_source=DateSource.INFERRED, date_evidence="on Friday, the day after"),
        ManifestEntry(path="seeds/004_article.txt", article_id="a4", status=ArticleStatus.USED,
                      date=D(2025, 5, 7), date_source=DateSource.USER),
        ManifestEntry(path="seeds/005_article.txt", article_id="a5", status=ArticleStatus.USED,
                      date=D(2025, 5, 10), date_source=DateSource.HEADER),
        ManifestEntry(path="seeds/006_article.txt", article_id="a6", status=ArticleStatus.USED,
                      date=D(2025, 5, 9), date_source=DateSource.HEADER),
        ManifestEntry(path="seeds/007_copy.txt", article_id="a7", status=ArticleStatus.DUPLICATE,
                      duplicate_of="seeds/001_article.txt", reason="same text (sha256)",
                      date=D(2025, 5, 8), date_source=DateSource.HEADER),
        ManifestEntry(path="seeds/008_undated.txt", article_id="a8", status=ArticleStatus.UNDATED,
                      reason="no publication date in header or front matter; relative dates cannot be resolved"),
        ManifestEntry(path="seeds/009_image.jpg", status=ArticleStatus.SKIPPED,
                      reason="not text (binary file)"),
    ]
    return Timeline(title="Xi Jinping (习近平) in Moscow — Путин talks, May 2025",
                    period_start=D(2022, 2, 24), period_end=D(2030, 12, 31),
                    entries=entries, manifest=manifest)


PLACEABLE_UIDS = [  # time order of the entries with a start
    "tl-1c2d3e4f5a6b7c89", "tl-3d5e7f9a1b2c4d60", "tl-7f3b2a1c9e8d6f50", "tl-0a9d3e7f6b2c8e14",
    "tl-9e4f1a2b3c5d7e68", "tl-5c1e0b9a2d7f4e31", "tl-2b8c4d6e0f1a3b57",
]


@pytest.fixture
def timeline() -> Timeline:
    return sample_timeline()


# ---------------------------------------------------------------- timeline.json + schema

def test_json_round_trips_to_the_same_timeline(timeline):
    text = render_json(timeline)
    assert Timeline.model_validate_json(text) == timeline
    assert text.endswith("}\n")
    assert "习近平" in text and "Путин" in text  # UTF-8, not \u escapes


def test_json_validates_against_its_schema(timeline):
    schema = json.loads(render_schema())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(timeline.schema_version)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(render_json(timeline)))


def test_schema_rejects_a_broken_timeline(timeline):
    schema = json.loads(render_schema())
    doc = json.loads(render_json(timeline))
    doc["entries"][0]["when"]["precision"] = "fortnight"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(doc)
    del doc["entries"][0]["uid"]
    assert not jsonschema.Draft202012Validator(schema).is_valid(doc)


def test_json_keeps_edtf(timeline):
    doc = json.loads(render_json(timeline))
    assert {e["when"]["edtf"] for e in doc["entries"]} >= {"2025-09", "2030", "2025-W19"}


# ---------------------------------------------------------------- TimelineJS data

def test_timelinejs_events_in_order_with_honest_date_parts(timeline):
    data = json.loads(render_timelinejs(timeline))
    events = data["events"]
    assert [e["unique_id"] for e in events] == PLACEABLE_UIDS  # the duration is skipped
    by_id = {e["unique_id"]: e for e in events}
    strip = lambda d: {k: v for k, v in d.items() if k != "display_date"}  # noqa: E731
    assert strip(by_id["tl-2b8c4d6e0f1a3b57"]["start_date"]) == {"year": 2030}
    assert strip(by_id["tl-5c1e0b9a2d7f4e31"]["start_date"]) == {"year": 2025, "month": 9}
    assert strip(by_id["tl-0a9d3e7f6b2c8e14"]["start_date"]) == {"year": 2025, "month": 5, "day": 8}
    assert strip(by_id["tl-7f3b2a1c9e8d6f50"]["start_date"]) == {"year": 2025, "month": 5, "day": 7,
                                                                  "hour": 17, "minute": 0}
    assert by_id["tl-7f3b2a1c9e8d6f50"]["start_date"]["display_date"] == "7 May 2025, 17:00 UTC\u221204:00"
    assert by_id["tl-5c1e0b9a2d7f4e31"]["group"] == "scheduled"
    assert data["title"]["text"]["headline"].startswith("Xi Jinping (习近平)")


def test_timelinejs_text_is_html_escaped(timeline):
    data = json.loads(render_timelinejs(timeline))
    hostile = next(e for e in data["events"] if e["unique_id"] == "tl-9e4f1a2b3c5d7e68")
    blob = hostile["text"]["headline"] + hostile["text"]["text"]
    assert "<script" not in blob and "<img" not in blob and "<b>" not in blob
    assert "&lt;script&gt;" in blob and "&lt;img src=x" in blob
    assert "{{ 7*7 }}" in blob


def test_exports_are_deterministic(timeline, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = write_outputs(timeline, tmp_path / "a")
    b = write_outputs(sample_timeline(), tmp_path / "b")
    assert [p.name for p in a] == ["timeline.ics", "timeline.json", "timeline.schema.json",
                                   "timeline.html", "timelinejs.json"]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name


def test_write_outputs_subset_and_unknown_format(timeline, tmp_path):
    assert [p.name for p in write_outputs(timeline, tmp_path, formats=["json"])] == [
        "timeline.json", "timeline.schema.json"]
    with pytest.raises(ValueError, match="pdf"):
        write_outputs(timeline, tmp_path, formats=["json", "pdf"])
    assert FORMATS == ("ics", "json", "html", "timelinejs")


# ---------------------------------------------------------------- atomic writes

def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_failed_last_write_keeps_previous_files_and_leaves_no_temp(timeline, tmp_path, monkeypatch):
    last = write_outputs(timeline, tmp_path)[-1].name
    before = _snapshot(tmp_path)
    changed = timeline.model_copy(update={"title": "A different title"})
    real_replace = os.replace

    def failing_replace(src, dst, *args, **kwargs):
        if Path(dst).name == last:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(export.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        write_outputs(changed, tmp_path)
    after = _snapshot(tmp_path)
    assert sorted(after) == sorted(before)  # no temp file left behind
    assert after[last] == before[last]  # the failed one is the old, whole file
    assert b"A different title" in after["timeline.json"]  # earlier ones were replaced whole


def test_render_error_replaces_nothing(timeline, tmp_path, monkeypatch):
    write_outputs(timeline, tmp_path)
    before = _snapshot(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("template blew up")

    monkeypatch.setattr(export, "render_html", broken)
    with pytest.raises(RuntimeError):
        write_outputs(timeline.model_copy(update={"title": "changed"}), tmp_path)
    assert _snapshot(tmp_path) == before


# ---------------------------------------------------------------- TimelineJS3 in Chromium

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture
def http_root(tmp_path):
    """A threaded localhost HTTP server over tmp_path; yields (root, base_url)."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def launch_chromium(playwright):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing (make setup-browser installs it)")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.mark.browser
def test_timelinejs_renders_one_slide_per_event(timeline, http_root):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not (TIMELINEJS_DIST / "js" / "timeline.js").is_file():
        pytest.skip("tests/js/node_modules missing: run scripts/setup-browser.sh (npm ci in tests/js)")
    root, base = http_root
    (root / "tl").symlink_to(TIMELINEJS_DIST, target_is_directory=True)
    write_outputs(timeline, root, formats=["timelinejs"])
    (root / "index.html").write_text("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS test</title>
<link rel="stylesheet" href="/tl/css/timeline.css"><script src="/tl/js/timeline.js"></script>
<style>html,body{margin:0;height:100%} #tl{width:100%;height:700px}</style></head>
<body><div id="tl"></div><script>
window.__state = {loaded: false, error: null};
fetch('/timelinejs.json').then(r => r.json()).then(data => {
  window.__tl = new TL.Timeline('tl', data, {script_path: location.origin + '/tl/js/', hash_bookmark: false});
  window.__tl.on('loaded', () => { window.__state.loaded = true; });
}).catch(e => { window.__state.error = String(e); });
</script></body></html>""", encoding="utf-8")
    n_events = len(json.loads((root / "timelinejs.json").read_text("utf-8"))["events"])
    errors, blocked = [], []
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page()

            def route(r):
                if r.request.url.startswith(base):
                    return r.continue_()
                blocked.append(r.request.url)  # e.g. TimelineJS's Google font: not our failure
                return r.abort()

            page.route("**/*", route)
            page.on("console", lambda m: m.type == "error" and errors.append(m))
            page.on("pageerror", lambda e: errors.append(e))
            page.goto(base + "/index.html")
            page.wait_for_function("window.__state.loaded || window.__state.error", timeout=20000)
            page.wait_for_timeout(500)
            state = page.evaluate("""() => ({
                error: window.__state.error,
                slides: document.querySelectorAll('.tl-slide').length,
                titles: document.querySelectorAll('.tl-slide-titleslide').length,
                markers: document.querySelectorAll('.tl-timemarker').length,
                ids: window.__tl.config.events.map(e => e.unique_id),
                cfgErrors: window.__tl.config.messages.errors.map(String),
                pwned: window.__pwned === undefined ? null : String(window.__pwned),
            })""")
        finally:
            browser.close()
    real_errors = [e for e in errors
                   if not (hasattr(e, "location") and e.location.get("url", "").split("?")[0] in blocked)
                   and "net::ERR_FAILED" not in str(getattr(e, "text", e))]
    assert state["error"] is None
    assert state["cfgErrors"] == []
    assert state["titles"] == 1
    assert state["slides"] == n_events + 1
    assert state["markers"] == n_events
    assert sorted(state["ids"]) == sorted(PLACEABLE_UIDS)
    assert state["pwned"] is None
    assert real_errors == [], [getattr(e, "text", str(e)) for e in real_errors]


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_the_indented_writer_is_the_json_module_byte_for_byte(value):
    from timeline.export.json import _dump

    try:
        expected = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:  # a float that is not finite: the same refusal
        with pytest.raises(ValueError):
            _dump(value)
        return
    assert _dump(value) == expected
