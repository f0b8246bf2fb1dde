"""iCalendar (RFC 5545 + RFC 7986 NAME/DESCRIPTION) export, written with the ``icalendar`` library.

Dates are honest about precision:

* day precision -> all-day event, ``DTSTART;VALUE=DATE`` with the exclusive ``DTEND`` the next day;
* a clock time with a known UTC offset -> ``DTSTART``/``DTEND`` in UTC, one hour long;
* a clock time without an offset -> all-day event on its day (the time stays in the text);
* coarser values (week, month, quarter, year ...) follow the ``coarse`` policy:
  ``"span"`` (default: an all-day event over the whole period), ``"first-day"`` (its first
  day only) or ``"skip"`` (left out); the period is always named in SUMMARY.
* values without a start (durations, sets) are never exported.

Every property value comes from the Timeline; DTSTAMP is :func:`common.build_stamp`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

from icalendar import Calendar, Event, vDuration, vText, vUri

from timeline.export.common import (
    UTC,
    build_stamp,
    clean_text,
    is_coarse,
    is_timed,
    one_line,
    placeable,
    safe_url,
    shown_name,
    span_end,
    timeline_period,
    unique,
)
from timeline.export.labels import Labels, load_labels
from timeline.models import Entry, Timeline

CoarsePolicy = Literal["span", "first-day", "skip"]
COARSE_POLICIES: tuple[str, ...] = ("span", "first-day", "skip")
PRODID = "-//timeline//Timeline export//EN"
TIMED_LENGTH = dt.timedelta(hours=1)


def event_span(entry: Entry, coarse: CoarsePolicy = "span") -> tuple[dt.date | dt.datetime, dt.date | dt.datetime] | None:
    """(DTSTART, DTEND) for an entry, or None when it is not exported."""
    tv = entry.when
    if tv.start is None:
        return None
    if is_timed(tv):
        assert tv.instant is not None
        start = tv.instant.astimezone(UTC)
        return start, start + TIMED_LENGTH
    if is_coarse(tv):
        if coarse == "skip":
            return None
        if coarse == "first-day":
            return tv.start, tv.start + dt.timedelta(days=1)
        return tv.start, span_end(tv)
    return tv.start, tv.start + dt.timedelta(days=1)


def event_summary(entry: Entry, labels: Labels) -> str:
    """The title, with the period named when the date is coarser than a day or not exact."""
    title = one_line(entry.title) or labels.phrase("untitled")
    tv = entry.when
    if is_coarse(tv) or tv.mod:
        return f"{title} ({labels.when(tv)})"
    return title


def event_description(entry: Entry, labels: Labels) -> str:
    tv = entry.when
    lines = [f"When: {labels.when(tv)} (precision: {labels.precision_label(tv)}; TimeML {tv.value})",
             f"{labels.phrase('date_found')}{labels.confidence_mark[entry.confidence]} {labels.confidence[entry.confidence]}",
             f"Status: {entry.status.value}"]
    if entry.places:
        lines.append("Places: " + ", ".join(one_line(p) for p in entry.places))
    if entry.conflict is not None:
        lines.append(f"\u26a0 {labels.conflict_summary(entry)}.")
        note = one_line(entry.conflict.note)
        if note:
            lines.append(note)
    quotes = unique(clean_text(s.quote).strip() for s in entry.sources)
    for quote in (q for q in quotes if q):
        lines += ["", quote if quote[0] in "\"\u201c\u201e\u00ab" else f"\u201c{quote}\u201d"]
    if entry.sources:
        lines += ["", "Sources:"]
        for n, src in enumerate(entry.sources, 1):
            parts = [one_line(src.article_title) or shown_name(src.path), shown_name(src.path)]
            parts = unique(p for p in parts if p)
            url = safe_url(src.url)  # javascript:, data: ... are dropped, not shown even as text
            if url:
                parts.append(url)
            phrase = f"date phrase: \u201c{one_line(src.date_text)}\u201d; " if src.date_text else ""
            lines.append(f"[{n}] " + " \u2014 ".join(parts) + f" ({phrase}{labels.confidence[src.confidence]})")
    return "\n".join(lines)


def event_categories(entry: Entry) -> list[str]:
    cats = [entry.status.value, entry.when.shown_precision.value]
    if entry.conflict is not None:
        cats.append("conflict")
    return cats


def first_url(entry: Entry) -> str | None:
    for src in entry.sources:
        url = safe_url(src.url)
        if url:
            return url
    return None


REFRESH_INTERVAL = dt.timedelta(hours=12)  # how often a subscribed calendar should fetch the feed again


def calendar_head(timeline: Timeline, coarse: CoarsePolicy = "span", calendar_name: str | None = None,
                  feed_url: str | None = None, labels: Labels | None = None) -> Calendar:
    """The calendar's own properties, without its events."""
    if coarse not in COARSE_POLICIES:
        raise ValueError(f"coarse policy must be one of {', '.join(COARSE_POLICIES)}, not {coarse!r}")
    labels = labels or load_labels()
    name = one_line(calendar_name) or one_line(timeline.title) or labels.phrase("timeline")
    period = labels.period(*timeline_period(timeline))
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # vText explicitly: icalendar 7 does not know NAME/X-WR-* as TEXT and would not escape them
    cal.add("name", vText(name))
    cal.add("x-wr-calname", vText(name))
    description = f"{one_line(timeline.title)}: timeline built from news articles, {period}."
    cal.add("description", vText(description))
    cal.add("x-wr-caldesc", vText(description))
    source = safe_url(feed_url)
    if source:  # RFC 7986: where a subscriber re-fetches the calendar, and how often
        cal.add("source", vUri(source), parameters={"VALUE": "URI"})
        cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(REFRESH_INTERVAL))  # the same, for Outlook and Apple Calendar, which read only this
    return cal


def calendar_event(entry: Entry, stamp: dt.datetime, coarse: CoarsePolicy, labels: Labels) -> Event | None:
    """One entry as a VEVENT, or None when the entry is not exported."""
    span = event_span(entry, coarse)
    if span is None:
        return None
    ev = Event()
    ev.add("uid", entry.uid)
    ev.add("sequence", entry.sequence)  # raised when a later build changes the entry
    ev.add("dtstamp", stamp)
    ev.add("dtstart", span[0])
    ev.add("dtend", span[1])
    ev.add("summary", event_summary(entry, labels))
    ev.add("description", event_description(entry, labels))
    if entry.places:
        ev.add("location", "; ".join(one_line(p) for p in entry.places))
    ev.add("categories", event_categories(entry))
    url = first_url(entry)
    if url:
        ev.add("url", url)
    ev.add("transp", "TRANSPARENT")  # news, not appointments: never shows the reader as busy
    return ev


def build_calendar(timeline: Timeline, coarse: CoarsePolicy = "span", calendar_name: str | None = None,
                   feed_url: str | None = None, source_date_epoch: str | None = None,
                   labels: Labels | None = None) -> Calendar:
    """The timeline as an icalendar ``Calendar``: one VEVENT per placeable entry. DTSTAMP is
    ``source_date_epoch`` when given, else derived from the inputs' dates (never the clock)."""
    labels = labels or load_labels()
    cal = calendar_head(timeline, coarse, calendar_name, feed_url, labels)
    stamp = build_stamp(timeline, source_date_epoch)
    for entry in placeable(timeline):
        ev = calendar_event(entry, stamp, coarse, labels)
        if ev is not None:
            cal.add_component(ev)
    return cal


_FOLD = 75  # octets: a content line is cut before it would reach this (RFC 5545 3.1), as icalendar cuts it
_END = b"END:VCALENDAR\r\n"


def fold(line: bytes) -> bytes:
    """RFC 5545 line folding of one UTF-8 content line, cut exactly where ``icalendar`` cuts it: at most
    74 octets per piece, never inside a character, and a piece never ends with the ``\\`` or ``^`` of
    an escape (icalendar issue #1501)."""
    limit = _FOLD - 1
    if len(line) <= limit:
        return line
    pieces = []
    pos, n = 0, len(line)
    while n - pos > limit:
        cut = pos + limit
        while line[cut] & 0xC0 == 0x80:  # a continuation byte: step back to the character's start
            cut -= 1
        if line[cut - 1] in b"\\^" and cut - 1 > pos:
            cut -= 1
        pieces.append(line[pos:cut])
        pos = cut
    pieces.append(line[pos:])
    return b"\r\n ".join(pieces)


def component_lines(component: Calendar | Event) -> bytes:
    """``component.to_ical()``, byte for byte, without icalendar's character-by-character folding."""
    out = []
    for name, value in component.property_items(sorted=True):
        text = (value.to_ical() if hasattr(value, "to_ical") else vText(value).to_ical())
        text = text.decode("utf-8") if isinstance(text, bytes) else text
        params = getattr(value, "params", None)
        params = params.to_ical(sorted=True) if params else b""
        params = params.decode("utf-8") if isinstance(params, bytes) else params
        line = f"{name};{params}:{text}" if params else f"{name}:{text}"
        if "\n" in line:
            raise ValueError("Content line can not contain unescaped new line characters.")
        out.append(fold(line.encode("utf-8")))
    return b"\r\n".join(out) + b"\r\n"


def iter_ics(timeline: Timeline, coarse: CoarsePolicy = "span", calendar_name: str | None = None,
             feed_url: str | None = None, source_date_epoch: str | None = None,
             labels: Labels | None = None) -> Iterator[bytes]:
    """The calendar as RFC 5545 bytes, one event at a time: the same bytes as ``build_calendar(...).to_ical()``
    without holding a calendar object of every event."""
    labels = labels or load_labels()
    head = component_lines(calendar_head(timeline, coarse, calendar_name, feed_url, labels))
    assert head.endswith(_END)
    yield head[:-len(_END)]
    stamp = build_stamp(timeline, source_date_epoch)
    dtstamp = _when_value(stamp)[1]
    for entry in placeable(timeline):
        lines = event_lines(entry, dtstamp, coarse, labels)
        if lines is not None:
            yield lines
    yield _END


def _text(value: str) -> str:
    """iCalendar TEXT escaping, as icalendar's vText writes it (RFC 5545 3.3.11)."""
    return (value.replace(r"\N", "\n").replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,")
            .replace("\r\n", r"\n").replace("\n", r"\n").replace("\r", r"\n"))


def _when_value(value: dt.date | dt.datetime) -> tuple[str, str]:
    """(parameters, value) of a DATE or a UTC DATE-TIME property."""
    if isinstance(value, dt.datetime):
        if value.utcoffset() != dt.timedelta(0):
            raise ValueError("calendar times are written in UTC")
        return "", f"{value.year:04d}{value.month:02d}{value.day:02d}T{value.hour:02d}{value.minute:02d}{value.second:02d}Z"
    return ";VALUE=DATE", f"{value.year:04d}{value.month:02d}{value.day:02d}"


def event_lines(entry: Entry, dtstamp: str, coarse: CoarsePolicy, labels: Labels) -> bytes | None:
    """``component_lines(calendar_event(...))`` written directly: the same bytes (a test compares them on
    every entry of a corpus), without an icalendar object per property. Property order is icalendar's:
    its canonical VEVENT order, then the others alphabetically."""
    span = event_span(entry, coarse)
    if span is None:
        return None
    start_params, start = _when_value(span[0])
    end_params, end = _when_value(span[1])
    lines = [
        "BEGIN:VEVENT",
        "SUMMARY:" + _text(event_summary(entry, labels)),
        f"DTSTART{start_params}:{start}",
        f"DTEND{end_params}:{end}",
        "DTSTAMP:" + dtstamp,
        "UID:" + _text(entry.uid),
        f"SEQUENCE:{int(entry.sequence)}",
        "CATEGORIES:" + ",".join(_text(c) for c in event_categories(entry)),
        "DESCRIPTION:" + _text(event_description(entry, labels)),
    ]
    if entry.places:
        lines.append("LOCATION:" + _text("; ".join(one_line(p) for p in entry.places)))
    lines.append("TRANSP:TRANSPARENT")
    url = first_url(entry)
    if url:
        lines.append("URL:" + url)
    lines.append("END:VEVENT")
    out = []
    for line in lines:
        if "\n" in line:
            raise ValueError("Content line can not contain unescaped new line characters.")
        out.append(fold(line.encode("utf-8")))
    return b"\r\n".join(out) + b"\r\n"


def render_ics(timeline: Timeline, coarse: CoarsePolicy = "span", calendar_name: str | None = None,
               feed_url: str | None = None, source_date_epoch: str | None = None, labels: Labels | None = None) -> bytes:
    """The calendar as RFC 5545 bytes: UTF-8, CRLF, lines folded at 75 octets."""
    return b"".join(iter_ics(timeline, coarse=coarse, calendar_name=calendar_name, feed_url=feed_url,
                             source_date_epoch=source_date_epoch, labels=labels))
