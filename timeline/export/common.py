"""Shared helpers for every export format: which entries go where, text hygiene, URLs, build stamp.
(Human labels in a language: labels.py.)

Everything here is a pure function of its arguments (the Timeline; for the build stamp, a
``SOURCE_DATE_EPOCH`` the caller passes), so the same input gives byte-identical outputs.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from urllib.parse import SplitResult, quote, urlsplit

from timeline.models import PRECISION_RANK, Entry, Precision, Timeline, TimeValue

UTC = dt.timezone.utc

#: Precisions finer than a calendar day that carry a clock time.
TIMED = frozenset({Precision.HOUR, Precision.MINUTE})
#: Precisions coarser than a day: the value covers a span of days (week, month, year ...).
COARSE = frozenset(p for p in Precision if PRECISION_RANK[p] < PRECISION_RANK[Precision.DAY])

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")


# Invisible characters that change how the text around them is shown: bidi embeddings, overrides,
# isolates and marks (U+202E makes "invoice\u202etxt.exe" read "invoiceexe.txt"), zero-width and other
# format characters, and tag characters (invisible text), except inside an emoji flag sequence.
_INVISIBLE = re.compile("[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
                        "|(\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F)|[\U000E0000-\U000E007F]")


def clean_text(text: str | None) -> str:
    """Untrusted text made safe for every format that is shown to people (HTML, ICS, TimelineJS): newlines
    normalised to ``\\n``, other control characters (which break iCalendar lines, XML and terminals)
    removed, and invisible bidi and format characters removed, so no text reads backwards or hides
    text. Escaping is each writer's job; this only removes what no display should carry.
    timeline.json is data and keeps the text as written."""
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    # most text holds nothing to remove: a search is much cheaper than a substitution with a callback
    if not text.isascii() and _INVISIBLE.search(text):
        text = _INVISIBLE.sub(lambda m: m.group(1) or "", text)
    return text


def one_line(text: str | None) -> str:
    """``clean_text`` folded onto one line (titles, summaries)."""
    return " ".join(clean_text(text).split())


@functools.lru_cache(maxsize=1 << 14)  # a source's path is shown in every entry it tells, in every format
def shown_name(path: str | None) -> str:
    """A file name for display: on one line, each invisible bidi or format character shown as ``<U+202E>``
    (a name must be findable, so what it holds is said rather than dropped)."""
    name = " ".join(_CONTROL.sub("", (path or "").replace("\r", "\n")).split())
    return _INVISIBLE.sub(lambda m: m.group(1) or "".join(f"<U+{ord(c):04X}>" for c in m.group()), name)


_URL_SAFE = "!#$&'()*+,/:;=?@-._~%"


def _http_parts(url: str) -> SplitResult | None:
    """The parts of an http(s) URL with a host a browser could reach, else None (never raises: a
    bracket that opens no IPv6 address, ``https://[x``, makes ``urlsplit`` raise ValueError)."""
    if not re.match(r"(?i)https?://[^/?#\s]", url):
        return None
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises ValueError for a port that is no number 0-65535
    except ValueError:
        return None
    if not host or re.search(r"[\s\x00-\x1f\x7f]", parts.netloc):
        return None
    return parts


def valid_url(url: str) -> bool:
    """True for an http(s) URL with a reachable-looking host, written without spaces or control characters."""
    return url == url.strip() and not re.search(r"[\s\x00-\x1f\x7f]", url) and _http_parts(url) is not None


@functools.lru_cache(maxsize=1 << 14)  # as shown_name: one article's URL, many entries
def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for an href or an iCalendar URI, else None.

    Other schemes (``javascript:``, ``data:``, ``file:``) are dropped; characters a URL may not
    contain (spaces, ``<``, ``>``, quotes, non-ASCII ...) are percent-encoded; existing escapes stay."""
    url = one_line(url)
    parts = _http_parts(url)
    if parts is None:
        return None
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


# ---------------------------------------------------------------- clock offsets and periods

def format_offset(offset: dt.timedelta | None) -> str:
    """``UTC``, ``UTC+03:00``, ``UTC−04:00`` (a real minus sign, as typeset)."""
    if offset is None:
        return ""
    if not offset:
        return "UTC"
    sign = "+" if offset > dt.timedelta(0) else "\u2212"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def timeline_period(timeline: Timeline) -> tuple[dt.date | None, dt.date | None]:
    """The period the timeline states, else the first start and last (inclusive) day of its entries."""
    if timeline.period_start or timeline.period_end:
        return timeline.period_start, timeline.period_end
    entries = placeable(timeline)
    if not entries:
        return None, None
    last = max(span_end(e.when) for e in entries) - dt.timedelta(days=1)
    return entries[0].when.start, last


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
