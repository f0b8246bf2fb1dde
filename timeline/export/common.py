"""Shared helpers for every export format: ordering, human date labels, text hygiene, build stamp.

Everything here is a pure function of its arguments (the Timeline; for the build stamp, a
``SOURCE_DATE_EPOCH`` the caller passes), so the same input gives byte-identical outputs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from timeline.models import PRECISION_RANK, Entry, EventStatus, Precision, Timeline, TimeValue, TimexType

UTC = dt.timezone.utc

#: Precisions finer than a calendar day that carry a clock time.
TIMED = frozenset({Precision.HOUR, Precision.MINUTE})
#: Precisions coarser than a day: the value covers a span of days (week, month, year ...).
COARSE = frozenset(p for p in Precision if PRECISION_RANK[p] < PRECISION_RANK[Precision.DAY])

PRECISION_LABELS: dict[Precision, str] = {
    Precision.MILLENNIUM: "millennium only",
    Precision.CENTURY: "century only",
    Precision.DECADE: "decade only",
    Precision.YEAR: "year only",
    Precision.HALF: "half-year only",
    Precision.QUARTER: "quarter only",
    Precision.SEASON: "season only",
    Precision.MONTH: "month only",
    Precision.WEEK: "week only",
    Precision.DAY: "exact day",
    Precision.HOUR: "hour",
    Precision.MINUTE: "exact time",
}

STATUS_LABELS: dict[EventStatus, str] = {
    EventStatus.HAPPENED: "happened",
    EventStatus.SCHEDULED: "scheduled",
    EventStatus.REPORTED: "reported",
    EventStatus.RECURRING: "recurring",
}

# TimeML mod -> words put around the date label
_MOD_PREFIX = {
    "APPROX": "about ",
    "START": "early ",
    "MID": "mid-",
    "END": "late ",
    "BEFORE": "before ",
    "AFTER": "after ",
    "ON_OR_BEFORE": "on or before ",
    "ON_OR_AFTER": "on or after ",
    "LESS_THAN": "less than ",
    "MORE_THAN": "more than ",
    "EQUAL_OR_LESS": "at most ",
    "EQUAL_OR_MORE": "at least ",
}
_HALVES = {1: "first half", 2: "second half"}
_SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "AU": "autumn", "WI": "winter"}
_ORDINAL_QUARTER = {1: "first", 2: "second", 3: "third", 4: "fourth"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")


def clean_text(text: str | None) -> str:
    """Untrusted text made safe for every format: newlines normalised to ``\\n``, other control
    characters (which break iCalendar lines, XML and terminals) removed. Escaping is each
    writer's job; this only removes what no format can carry."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def one_line(text: str | None) -> str:
    """``clean_text`` folded onto one line (titles, summaries)."""
    return " ".join(clean_text(text).split())


_URL_SAFE = "!#$&'()*+,/:;=?@-._~%"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for an href or an iCalendar URI, else None.

    Other schemes (``javascript:``, ``data:``, ``file:``) are dropped; characters a URL may not
    contain (spaces, ``<``, ``>``, quotes, non-ASCII ...) are percent-encoded; existing escapes stay."""
    url = one_line(url)
    if not re.match(r"(?i)https?://[^/?#\s]", url):
        return None
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():  # internationalised host name -> punycode, as browsers send it
        try:
            netloc = netloc.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    rest = url[len(parts.scheme) + 3 + len(parts.netloc):]
    return f"{parts.scheme}://{quote(netloc, safe=_URL_SAFE + '[]')}{quote(rest, safe=_URL_SAFE)}"


# ---------------------------------------------------------------- precision and ordering

def is_timed(tv: TimeValue) -> bool:
    """True when the value is a real instant (clock time with a known UTC offset)."""
    return tv.timed


def is_coarse(tv: TimeValue) -> bool:
    return tv.shown_precision in COARSE


def precision_label(tv_or_precision: TimeValue | Precision | None) -> str:
    if isinstance(tv_or_precision, TimeValue):
        if tv_or_precision.start is None:  # not a point in time at all
            return {TimexType.DURATION: "duration", TimexType.SET: "repeating"}.get(
                tv_or_precision.type, "not anchored")
        p = tv_or_precision.shown_precision
    elif tv_or_precision is None:
        return "unknown precision"
    else:
        p = Precision(tv_or_precision)
    return PRECISION_LABELS[p]


def span_end(tv: TimeValue) -> dt.date:
    """Exclusive last day of an anchored value; at least one day after ``start``."""
    assert tv.start is not None
    if tv.end is not None and tv.end > tv.start:
        return tv.end
    return tv.start + dt.timedelta(days=1)


def placeable(timeline: Timeline) -> list[Entry]:
    """Entries that can go on a calendar (they have a start day), in time order."""
    return sorted((e for e in timeline.entries if e.when.start is not None), key=Entry.sort_key)


def unplaced(timeline: Timeline) -> list[Entry]:
    """Entries without a start (durations, sets): listed, never put on a calendar."""
    return [e for e in timeline.entries if e.when.start is None]


# ---------------------------------------------------------------- human labels

def format_date(d: dt.date, weekday: bool = True) -> str:
    """``Thursday 8 May 2025`` (no locale: the same bytes on every machine)."""
    text = f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    return f"{_WEEKDAYS[d.weekday()]} {text}" if weekday else text


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_offset(offset: dt.timedelta | None) -> str:
    """``UTC``, ``UTC+03:00``, ``UTC−04:00`` (a real minus sign, as typeset)."""
    if offset is None:
        return ""
    if not offset:
        return "UTC"
    sign = "+" if offset > dt.timedelta(0) else "\u2212"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _coarse_label(tv: TimeValue, p: Precision) -> str:
    start = tv.start
    value = tv.value or ""
    if start is None:
        return value
    end = span_end(tv)
    if p == Precision.WEEK:
        iso = start.isocalendar()
        return f"week {iso.week} of {iso.year}"
    if p == Precision.MONTH:
        return f"{_MONTHS[start.month - 1]} {start.year}"
    if p == Precision.SEASON:
        m = re.search(r"-(SP|SU|FA|AU|WI)$", value)
        season = _SEASONS[m.group(1)] if m else "season"
        return f"{season} {start.year}"
    if p == Precision.QUARTER:
        return f"{_ORDINAL_QUARTER[(start.month - 1) // 3 + 1]} quarter of {start.year}"
    if p == Precision.HALF:
        return f"{_HALVES[1 if start.month <= 6 else 2]} of {start.year}"
    if p == Precision.YEAR:
        return str(start.year)
    if p == Precision.DECADE:
        return f"the {start.year - start.year % 10}s"
    last = end - dt.timedelta(days=1)
    return f"{start.year}\u2013{last.year}"  # century, millennium: the years spelled out


def _recurring_or_raw(value: str | None) -> str:
    """ "XXXX-05-09" -> "every year on 9 May"; other values as they are."""
    m = re.fullmatch(r"XXXX-(\d\d)-(\d\d)", value or "")
    if m and 1 <= int(m.group(1)) <= 12:
        return f"every year on {int(m.group(2))} {_MONTHS[int(m.group(1)) - 1]}"
    m = re.fullmatch(r"XXXX-(\d\d)", value or "")
    if m and 1 <= int(m.group(1)) <= 12:
        return f"every year in {_MONTHS[int(m.group(1)) - 1]}"
    return value or "undated"


def format_when(tv: TimeValue) -> str:
    """Human label that states no more than is known.

    ``Thursday 8 May 2025`` (day), ``night of Wednesday 7 May 2025`` (TimeML's TNI), ``September 2025``
    (month), ``2030`` (year), ``week 19 of 2025``, ``7 May 2025, 17:00 UTC−04:00`` (a clock time, in the
    offset the source gave);
    TimeML mods are spelled out (``about``, ``early``, ``late`` ...). Unanchored values
    (durations) fall back to their TimeML value.
    """
    p = tv.shown_precision
    if is_timed(tv):
        t = tv.instant
        assert t is not None
        label = f"{format_date(t.date(), weekday=False)}, {t:%H:%M} {format_offset(t.utcoffset())}"
    elif p in TIMED and tv.start is not None:
        m = re.search(r"T(\d{2}):?(\d{2})?", tv.value or "")
        clock = f", {m.group(1)}:{m.group(2) or '00'} (local time)" if m else ""
        label = f"{format_date(tv.start, weekday=False)}{clock}"
    elif tv.start is None:
        label = format_duration(tv.value) if tv.type == TimexType.DURATION else _recurring_or_raw(tv.value)
    elif p in COARSE:
        label = _coarse_label(tv, p)
    else:
        label = format_date(tv.start)
        part = _PART_OF_DAY.get((tv.value or "")[-3:])
        if part:  # "overnight" = 2025-05-07TNI: the night of that day, still a day on the timeline
            label = f"{part} of {label}"
    prefix = _MOD_PREFIX.get((tv.mod or "").upper(), "")
    return prefix + label


_PART_OF_DAY = {"TMO": "morning", "TAF": "afternoon", "TEV": "evening", "TNI": "night", "TDT": "daytime"}


_DURATION_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day", "H": "hour", "MIN": "minute", "S": "second"}


def format_duration(value: str | None) -> str:
    """``P4D`` -> ``4 days``, ``P1Y6M`` -> ``1 year 6 months``, ``PT3H`` -> ``3 hours``; other values unchanged."""
    m = re.fullmatch(r"P(?:(\d+|X)Y)?(?:(\d+|X)M)?(?:(\d+|X)W)?(?:(\d+|X)D)?(?:T(?:(\d+|X)H)?(?:(\d+|X)M)?(?:(\d+|X)S)?)?",
                     value or "")
    if not m or not any(m.groups()):
        return value or "undated"
    parts = []
    for amount, unit in zip(m.groups(), ("year", "month", "week", "day", "hour", "minute", "second")):
        if amount == "X":
            parts.append(f"some {unit}s")
        elif amount is not None:
            parts.append(plural(int(amount), unit))
    return " ".join(parts)


def format_period(start: dt.date | None, end: dt.date | None) -> str:
    """The period a timeline covers, e.g. ``7 May 2025 – 30 September 2030``."""
    if start is None and end is None:
        return "no dated entries"
    if start is None or end is None or start == end:
        return format_date(start or end, weekday=False)  # type: ignore[arg-type]
    return f"{format_date(start, weekday=False)} \u2013 {format_date(end, weekday=False)}"


def timeline_period(timeline: Timeline) -> tuple[dt.date | None, dt.date | None]:
    """The period the timeline states, else the first start and last (inclusive) day of its entries."""
    if timeline.period_start or timeline.period_end:
        return timeline.period_start, timeline.period_end
    entries = placeable(timeline)
    if not entries:
        return None, None
    last = max(span_end(e.when) for e in entries) - dt.timedelta(days=1)
    return entries[0].when.start, last


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 source``, ``4 sources``; ``many`` for irregular plurals (``entry``/``entries``)."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def conflict_summary(entry: Entry) -> str:
    """``Sources disagree: 2025-05-07 (4 sources) vs 2025-05-08 (1 source)``; '' without a conflict."""
    if entry.conflict is None:
        return ""
    claims = sorted(entry.conflict.claims, key=lambda c: (-len(c.article_ids), c.value))
    parts = [f"{one_line(c.value)} ({plural(len(c.article_ids), 'source')})" for c in claims]
    return "Sources disagree: " + " vs ".join(parts)


# ---------------------------------------------------------------- reproducible build stamp

FALLBACK_STAMP = dt.datetime(1970, 1, 1, tzinfo=UTC)


def build_stamp(timeline: Timeline, source_date_epoch: str | None = None) -> dt.datetime:
    """The one timestamp an export carries (iCalendar DTSTAMP), never read from the clock.

    1. ``source_date_epoch`` (the SOURCE_DATE_EPOCH of reproducible-builds.org, which the CLI reads
       from its environment) when it is an integer;
    2. else midnight UTC of the latest publication date among the inputs (manifest dates,
       which are the article dates);
    3. else 1970-01-01T00:00:00Z.
    """
    raw = (source_date_epoch or "").strip()
    if raw:
        try:
            return dt.datetime.fromtimestamp(int(raw), tz=UTC)
        except (ValueError, OverflowError, OSError):
            pass  # an unusable value is ignored, as reproducible-builds tools do
    dates = [m.date for m in timeline.manifest if m.date is not None]
    if dates:
        return dt.datetime.combine(max(dates), dt.time(0, 0), tzinfo=UTC)
    return FALLBACK_STAMP


def unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
