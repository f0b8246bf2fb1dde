"""Property tests over the whole pipeline: random Unicode articles with random header lines and
dates, in random encodings and line ends, go through ``build_timeline`` and ``write_outputs``.

For every generated folder: nothing crashes (only InputError-style skips, listed in the
manifest), every input is in the manifest once, the ICS parses (icalendar) to one event per
placeable entry, timeline.json validates against its schema, the HTML carries no active
markup, and every reported offset slices the ingested text (``read_article(...).text``) to
the reported text.

The same strategy and check run much longer from ``scripts/fuzz.py --examples N``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from html.parser import HTMLParser
from functools import cache
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.export import write_outputs
from timeline.export.json import render_schema
from timeline.ingest import read_article
from timeline.models import ArticleStatus, Timeline
from timeline.pipeline import build_timeline

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Jan.", "Sept", "may"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PAYLOADS = ["<script>window.__pwned=1</script>", '"><img src=x onerror="window.__pwned=2">', "{{ 7*7 }}",
            "{% for x in range(3) %}X{% endfor %}", "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:fake",
            "\\n;,\\", "\u202e\u2028\u2029\x0b\x0c\x85", "&amp;&lt;", "]]>", "\x1b[2J"]
WORDS = ["the", "talks", "Moscow", "Xi", "Putin", "parade", "signed", "will", "meet", "said", "on", "in", "last",
         "next", "ago", "after", "before", "until", "since", "week", "month", "year", "days", "Beijing", "“", "”",
         "\"", ",", ".", "—", "BC", "AD", "century", "decade", "1990s", "today", "tomorrow", "yesterday"]

# ---------------------------------------------------------------- strategies

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
years = st.one_of(st.integers(1, 9999), st.integers(1900, 2100), st.integers(-5000, 20000))
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


@st.composite
def date_phrase(draw) -> str:
    """A date written the way articles (and fuzzers) write them, valid or not."""
    d = draw(dates)
    y = draw(years)
    return draw(st.sampled_from([
        f"{d:%Y-%m-%d}", f"{draw(st.sampled_from(MONTHS))} {d.day}, {y}", f"{d.day} {draw(st.sampled_from(MONTHS))} {y}",
        f"{draw(st.sampled_from(WEEKDAYS))}", f"last {draw(st.sampled_from(WEEKDAYS))}", f"in {y}",
        f"{abs(y)} BC", f"the year {y}", f"the {abs(y) // 10 * 10}s", f"{draw(st.integers(0, 99))} years ago",
        f"{draw(st.integers(0, 40))} days later", f"{y}-{draw(st.integers(0, 19)):02d}-{draw(st.integers(0, 39)):02d}",
        f"{draw(st.sampled_from(MONTHS))} {draw(st.integers(0, 40))}", f"at {draw(st.integers(0, 30))}:{draw(st.integers(0, 70)):02d} GMT",
        f"{draw(st.integers(1, 25))}th century", f"{draw(st.integers(1, 31))}/{draw(st.integers(1, 31))}/{y}",
        f"Q{draw(st.integers(0, 5))} {y}", f"spring {y}", f"{y} AD", "today", "next year", "this week",
    ]))


@st.composite
def header_line(draw) -> str:
    label = draw(st.sampled_from(["Date", "date", "Published", "Updated", "Title", "Source", "URL", "By",
                                  "**Date:**", "Posted on", "Last modified", "Headline"]))
    sep = draw(st.sampled_from([": ", " ", ":", ":\t", ": **"]))
    value = draw(st.one_of(date_phrase(), any_text, st.sampled_from(PAYLOADS), st.just("2025-05-08"),
                           st.just("2025-13-45"), st.just("javascript:alert(1)"), st.just("https://example.org/a b")))
    return f"{label}{sep}{value}"


@st.composite
def sentence(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=10))
    pieces = [draw(st.sampled_from(["On", "In", "By", "Since", ""])), draw(date_phrase()), ",", *words]
    if draw(st.booleans()):
        pieces.insert(draw(st.integers(0, len(pieces))), draw(st.sampled_from(PAYLOADS)))
    if draw(st.booleans()):
        pieces.insert(draw(st.integers(0, len(pieces))), draw(any_text))
    return " ".join(p for p in pieces if p) + draw(st.sampled_from([".", "!", "?", "", "...", ".\u201d"]))


@st.composite
def article_text(draw) -> str:
    parts: list[str] = []
    if draw(st.integers(0, 5)) == 0:
        fm = draw(st.lists(st.sampled_from(["date: 2025-05-08", "title: x", "date: 2025-02-30", "published: May 8, 2025",
                                            "url: javascript:x", "a: [", "title: \"<b>\\r\\nEND:VEVENT\""]), max_size=3))
        parts.append("---\n" + "\n".join(fm) + "\n---")
    parts += draw(st.lists(header_line(), max_size=4))
    if draw(st.booleans()):
        parts.append("")
    parts += draw(st.lists(st.one_of(sentence(), any_text), min_size=0, max_size=6))
    text = "\n".join(parts)
    if draw(st.integers(0, 7)) == 0:  # raw HTML
        body = "".join(f"<p>{p}</p>" for p in parts)
        text = f"<!DOCTYPE html><html><head><title>{draw(any_text)}</title>" \
               f"<meta property=\"article:published_time\" content=\"{draw(date_phrase())}\"></head><body>{body}</body></html>"
    return text


def encode(text: str, encoding: str, newline: str) -> bytes:
    text = text.replace("\r\n", "\n").replace("\n", newline) if newline != "keep" else text
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


FILE_NAMES = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"), min_size=1, max_size=12).filter(
    lambda s: s not in (".", "..") and not s.startswith(".") and len(s.encode("utf-8")) < 200)

files = st.lists(
    st.tuples(
        st.one_of(FILE_NAMES, st.sampled_from(["a", "b", "c", "sub/d", "sub/deeper/e"])),
        st.sampled_from([".txt", ".md", ".markdown", ".TXT"]),
        article_text(),
        st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252", "latin-1"]),
        st.sampled_from(["\n", "\r\n", "\r", "keep"]),
    ),
    min_size=1, max_size=4,
)

# ---------------------------------------------------------------- the property


@cache
def _schema() -> dict:
    return json.loads(render_schema())


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section", "article",
                "h1", "h2", "h3", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "time", "span",
                "a", "sup", "strong", "blockquote", "div", "dl", "dt", "dd", "abbr", "small", "em", "b", "br", "nav",
                "details", "summary", "figure", "figcaption", "caption", "col", "colgroup", "hr", "svg", "path"}


class _ActiveMarkup(HTMLParser):
    """Collects whatever in a page could run or load something: unknown tags, on* handlers,
    links that are not same-page anchors or http(s)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "xlink:href") and not re.match(r"(#|https?://)", value or ""):
                self.problems.append(f"{tag} {name}={value!r}")


def active_markup(page: str) -> list[str]:
    parser = _ActiveMarkup()
    parser.feed(page)
    parser.close()
    return parser.problems


def check_pipeline(specs, duplicate_first: bool, user_date: dt.date | None) -> Timeline:
    """Write the files, build, export, and check every invariant. Returns the timeline."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        root = Path(tmp)
        src = root / "in"
        written: list[Path] = []
        for name, ext, text, encoding, newline in specs:
            path = src / f"{name}{ext}"
            if path.exists() or any(p == path.parent or path in p.parents for p in written):
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(encode(text, encoding, newline))
            written.append(path)
        if duplicate_first:
            copy = src / "zz-copy.txt"
            copy.write_bytes(written[0].read_bytes())
            written.append(copy)
        user_dates = {written[0].as_posix(): user_date} if user_date else {}
        timeline = build_timeline([src], user_dates)

        # every input accounted for, once
        assert sorted(m.path for m in timeline.manifest) == sorted(p.as_posix() for p in written)
        for m in timeline.manifest:
            if m.status == ArticleStatus.SKIPPED:
                assert m.reason
                assert "a bug in timeline" not in m.reason, m.reason  # the fault boundary must not hide a crash
            if m.status == ArticleStatus.DUPLICATE:
                assert m.duplicate_of
        used = {m.article_id for m in timeline.manifest if m.status in (ArticleStatus.USED, ArticleStatus.UNDATED)}

        # every offset slices the ingested text to the reported text
        texts: dict[str, str] = {}
        for entry in timeline.entries:
            assert entry.sources
            for s in entry.sources:
                assert s.article_id in used
                text = texts.get(s.path)
                if text is None:
                    text = texts[s.path] = read_article(Path(s.path), user_date=dt.date(2000, 1, 1)).text  # the date never changes the text
                assert text[s.date_start:s.date_end] == s.date_text
                assert text[s.quote_start:s.quote_end] == s.quote
                assert s.quote_start <= s.date_start and s.date_end <= s.quote_end or s.quote == ""  # date inside quote
            if entry.when.start is not None and entry.when.end is not None:
                assert entry.when.start < entry.when.end

        # the outputs parse
        out = root / "out"
        write_outputs(timeline, out)
        data = json.loads((out / "timeline.json").read_text("utf-8"))
        jsonschema.validate(data, _schema(), cls=jsonschema.Draft202012Validator)
        assert Timeline.model_validate(data) == timeline
        from icalendar import Calendar

        cal = Calendar.from_ical((out / "timeline.ics").read_bytes())
        events = [c for c in cal.walk() if c.name == "VEVENT"]
        placeable = [e for e in timeline.entries if e.when.start is not None]
        assert sorted(str(e["UID"]) for e in events) == sorted(e.uid for e in placeable)
        tljs = json.loads((out / "timelinejs.json").read_text("utf-8"))
        assert len(tljs["events"]) == len(placeable)
        page = (out / "timeline.html").read_text("utf-8")
        assert active_markup(page) == []
        assert sorted(p.name for p in out.iterdir()) == sorted(
            ["timeline.ics", "timeline.json", "timeline.schema.json", "timeline.html", "timelinejs.json"])
        return timeline


pipeline_inputs = given(
    specs=files,
    duplicate_first=st.booleans(),
    user_date=st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@pipeline_inputs
def test_pipeline_never_crashes_and_outputs_parse(specs, duplicate_first, user_date):
    check_pipeline(specs, duplicate_first, user_date)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sentences=st.lists(sentence(), min_size=1, max_size=8), date=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_dated_sentences_offsets_and_outputs(sentences, date):
    """Denser in dates than the test above: one dated article of generated dated sentences."""
    timeline = check_pipeline([("article", ".txt", f"Date: {date.isoformat()}\n\n" + " ".join(sentences), "utf-8", "\n")],
                              False, None)
    [m] = timeline.manifest
    assert m.status == ArticleStatus.USED or m.reason.endswith(("control codes", "NUL bytes (binary data)"))
