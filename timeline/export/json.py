"""JSON exports: the Timeline itself (+ its JSON Schema) and TimelineJS3's format.

``timeline.json`` is the pydantic dump of the Timeline, validated by ``timeline.schema.json``
(JSON Schema draft 2020-12, generated from the models so the two cannot drift).
``timelinejs.json`` is the `TimelineJS3 <https://timeline.knightlab.com/docs/json-format.html>`_
data format; TimelineJS renders ``text`` fields as HTML, so every value from the articles is
HTML-escaped there.
"""

from __future__ import annotations

import json
import math
from html import escape
from json.encoder import encode_basestring as _string  # the C encoder where there is one
from collections.abc import Iterable, Iterator
from typing import Any

from timeline.export.common import (clean_text, is_coarse, is_timed, one_line, placeable, safe_url, shown_name,
                                     timeline_period, unique)
from timeline.export.labels import Labels, load_labels
from timeline.models import SCHEMA_VERSION, Entry, Precision, Timeline

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"urn:timeline:schema:timeline:{SCHEMA_VERSION}"


def _dump(obj: Any) -> str:
    """``json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)`` and a newline, byte for byte.
    With an indent, the json module encodes in pure Python (its C encoder only writes compact JSON);
    the plain values TimelineJS data holds are written here with the C string encoder instead."""
    try:
        return _indented(obj, "\n") + "\n"
    except _Unusual:
        return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


class _Unusual(Exception):
    """A value ``_indented`` leaves to the json module (a key that is not a string, a float that is not finite,
    a type other than dict, list, str, int, float, bool, None)."""


def _indented(obj: Any, newline: str) -> str:
    kind = type(obj)
    if kind is str:
        return _string(obj)
    if kind is dict:
        if not obj:
            return "{}"
        inner = newline + "  "
        if any(type(k) is not str for k in obj):
            raise _Unusual
        return "{" + inner + ("," + inner).join(f"{_string(k)}: {_indented(v, inner)}" for k, v in obj.items()) + newline + "}"
    if kind is list:
        if not obj:
            return "[]"
        inner = newline + "  "
        return "[" + inner + ("," + inner).join(_indented(v, inner) for v in obj) + newline + "]"
    if obj is None:
        return "null"
    if kind is bool:
        return "true" if obj else "false"
    if kind is int:
        return int.__repr__(obj)
    if kind is float and math.isfinite(obj):
        return float.__repr__(obj)
    raise _Unusual


def render_json(timeline: Timeline) -> str:
    """The whole Timeline as JSON (UTF-8 text, 2-space indent, fields in model order)."""
    return timeline.model_dump_json(indent=2) + "\n"


def _top_list(key: str, items: Iterable[str]) -> Iterator[str]:
    """A top-level list of a 2-space-indented dump, item by item (each item a dump of its own)."""
    first = True
    for item in items:
        yield (f'\n  "{key}": [\n    ' if first else ",\n    ") + item.replace("\n", "\n    ")
        first = False
    yield f'\n  "{key}": []' if first else "\n  ]"


def _buffered(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[bytes]:
    buffer: list[str] = []
    held = 0
    for piece in pieces:
        buffer.append(piece)
        held += len(piece)
        if held >= size:
            yield "".join(buffer).encode("utf-8")
            buffer, held = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def iter_json(timeline: Timeline) -> Iterator[bytes]:
    """``render_json``, byte for byte, one entry at a time: no string of the whole timeline is built."""
    head = timeline.model_copy(update={"entries": [], "manifest": []}).model_dump_json(indent=2) + "\n"
    entries, manifest = '\n  "entries": []', '\n  "manifest": []'
    e_at, m_at = head.index(entries), head.index(manifest)  # a newline and two spaces: never inside a string

    def pieces() -> Iterator[str]:
        yield head[:e_at]
        yield from _top_list("entries", (e.model_dump_json(indent=2) for e in timeline.entries))
        yield head[e_at + len(entries):m_at]
        yield from _top_list("manifest", (m.model_dump_json(indent=2) for m in timeline.manifest))
        yield head[m_at + len(manifest):]

    return _buffered(pieces())


def render_schema() -> str:
    """JSON Schema (draft 2020-12) of ``timeline.json``, from the pydantic models."""
    schema = Timeline.model_json_schema(mode="serialization")
    head = {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": schema.pop("title", "Timeline"),
        "version": SCHEMA_VERSION,
    }
    return _dump({**head, **schema})


# ---------------------------------------------------------------- TimelineJS3

# which date parts a precision knows; coarser precisions only state the year
_PARTS_BY_PRECISION: dict[Precision, tuple[str, ...]] = {
    Precision.MINUTE: ("year", "month", "day", "hour", "minute"),
    Precision.HOUR: ("year", "month", "day", "hour"),
    Precision.DAY: ("year", "month", "day"),
    Precision.WEEK: ("year", "month", "day"),  # the week's first day; display_date names the week
    Precision.MONTH: ("year", "month"),
    Precision.SEASON: ("year", "month"),
    Precision.QUARTER: ("year", "month"),
    Precision.HALF: ("year", "month"),
}


def timelinejs_date(entry: Entry, labels: Labels) -> dict[str, Any] | None:
    """TimelineJS date object holding only the parts the precision knows, plus a display label."""
    tv = entry.when
    if tv.start is None:
        return None
    p = tv.shown_precision
    if is_timed(tv):
        assert tv.instant is not None
        t = tv.instant  # wall clock as the source gave it; the label carries the offset
        values = {"year": t.year, "month": t.month, "day": t.day, "hour": t.hour, "minute": t.minute}
    else:
        d = tv.start
        values = {"year": d.year, "month": d.month, "day": d.day}
    parts = _PARTS_BY_PRECISION.get(p, ("year",))
    if not is_timed(tv):
        parts = tuple(k for k in parts if k in values)
    date: dict[str, Any] = {k: values[k] for k in parts}
    date["display_date"] = escape(labels.when(tv))
    return date


def timelinejs_text(entry: Entry, labels: Labels) -> str:
    out: list[str] = []
    meta = [f"{escape(labels.when(entry.when))} ({escape(labels.precision_label(entry.when))})",
            escape(entry.status.value)]
    if entry.places:
        meta.append(escape(", ".join(one_line(p) for p in entry.places)))
    out.append(f"<p>{' &middot; '.join(meta)}</p>")
    if entry.conflict is not None:
        out.append(f"<p><strong>&#9888; {escape(labels.conflict_summary(entry))}.</strong> "
                   f"{escape(one_line(entry.conflict.note))}</p>")
    for quote in unique(clean_text(s.quote).strip() for s in entry.sources):
        if quote:
            out.append(f"<blockquote>{escape(quote)}</blockquote>")
    if entry.sources:
        items = []
        for src in entry.sources:
            label = escape(one_line(src.article_title) or shown_name(src.path))
            url = safe_url(src.url)
            if url:
                label = f'<a href="{escape(url)}" rel="noopener noreferrer">{label}</a>'
            items.append(f"<li>{label} <small>({escape(shown_name(src.path))})</small></li>")
        out.append(f"<p>Sources:</p><ol>{''.join(items)}</ol>")
    return "".join(out)


def _timelinejs_event(entry: Entry, labels: Labels) -> dict[str, Any] | None:
    start = timelinejs_date(entry, labels)
    if start is None:
        return None
    headline = one_line(entry.title) or labels.phrase("untitled")
    if is_coarse(entry.when):
        headline = f"{headline} ({labels.when(entry.when)})"
    return {
        "start_date": start,
        "text": {"headline": escape(headline), "text": timelinejs_text(entry, labels)},
        "group": entry.status.value,
        "unique_id": entry.uid,
    }


def _timelinejs_title(timeline: Timeline, events: int, labels: Labels) -> dict[str, Any]:
    period = labels.period(*timeline_period(timeline))
    return {"text": {
        "headline": escape(one_line(timeline.title) or labels.phrase("timeline")),
        "text": f"<p>{escape(period)} &middot; {escape(labels.plural(events, 'entry', 'entries'))}</p>",
    }}


def timelinejs_data(timeline: Timeline, labels: Labels) -> dict[str, Any]:
    events = [ev for ev in (_timelinejs_event(e, labels) for e in placeable(timeline)) if ev is not None]
    return {"title": _timelinejs_title(timeline, len(events), labels), "events": events}


def render_timelinejs(timeline: Timeline, labels: Labels | None = None) -> str:
    """TimelineJS3 JSON: one event per placeable entry (entries without a start are skipped)."""
    return _dump(timelinejs_data(timeline, labels or load_labels()))


def iter_timelinejs(timeline: Timeline, labels: Labels | None = None) -> Iterator[bytes]:
    """``render_timelinejs``, byte for byte, one event at a time (two passes: the title counts them)."""
    labels = labels or load_labels()
    count = sum(1 for e in placeable(timeline) if timelinejs_date(e, labels) is not None)
    head = _dump({"title": _timelinejs_title(timeline, count, labels), "events": []})
    events = '\n  "events": []'
    at = head.index(events)

    def pieces() -> Iterator[str]:
        yield head[:at]
        yield from _top_list("events", (_dump(ev).rstrip("\n") for ev in (_timelinejs_event(e, labels)
                                                                            for e in placeable(timeline)) if ev is not None))
        yield head[at + len(events):]

    return _buffered(pieces())
