"""Metadata: the article's date, title, source and URL from YAML front matter and header lines,
read strictly and never against the clock (see lang/<lang>/headers.toml for the shapes)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import dateparser
import yaml

from timeline.errors import InputError
from timeline.ingest.tables import IngestTables
from timeline.models import DateSource

HEADER_SCAN_LINES = 20  # a header block longer than this is body text, not a header
MAX_DATE_CHARS = 100  # a longer header value is no date: refused before dateparser (whose work grows with it)
SHOWN_CHARS = 120  # header text quoted in a message is cut to this many characters
# Fixed reference times: a value whose reading depends on the reference is relative.
_BASES = (dt.datetime(2000, 1, 1), dt.datetime(2001, 7, 15))


class _DateProblem(Exception):
    """A header value that is not a usable date; the message says why in plain words."""


_ISO_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s?(?:Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?)?", re.IGNORECASE)
_PARTIAL_ISO_RE = re.compile(r"\d{4}(?:-\d{1,2})?")
_NUMERIC_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})")
_YEAR_RE = re.compile(r"(?<!\d)\d{4}(?!\d)")
_WORD_RE = re.compile(r"[^\W\d_]+")
_HINT = "write it as YYYY-MM-DD (e.g. 2025-05-08) or pass --date"


def _day_month(d: dt.date) -> str:
    return f"{d.day} {d:%B}"


def _make_date(year: int, month: int, day: int, value: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            why = f"month {month} does not exist"
        else:
            why = f"day {day} does not exist in {dt.date(year, month, 1):%B} {year}" if year >= 1 else "year 0 does not exist"
        raise _DateProblem(f'impossible date "{value}": {why}') from None


def parse_date(value: str, tables: IngestTables) -> dt.date:
    """Read one absolute date from a header value, strictly; raise _DateProblem otherwise."""
    value = value.strip().strip("*_").strip()
    if not value:
        raise _DateProblem("empty date")
    if len(value) > MAX_DATE_CHARS:
        raise _DateProblem(f"{len(value):,} characters are too long for a date (at most {MAX_DATE_CHARS}); {_HINT}")
    if m := _ISO_RE.fullmatch(value):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), value)
    if _PARTIAL_ISO_RE.fullmatch(value):
        raise _DateProblem(f'"{value}" is not a full date (day, month and year needed); {_HINT}')
    if m := _NUMERIC_RE.fullmatch(value):
        a, b, year = int(m[1]), int(m[2]), m[3]
        if len(year) != 4:
            raise _DateProblem(f'ambiguous date "{value}": two-digit year; {_HINT}')
        if a > 12 and b > 12:
            raise _DateProblem(f'impossible date "{value}": neither {a} nor {b} is a month')
        if a != b and a <= 12 and b <= 12:
            raise _DateProblem(
                f'ambiguous date "{value}": could be {_day_month(_make_date(int(year), b, a, value))} or '
                f"{_day_month(_make_date(int(year), a, b, value))} {year}; {_HINT}"
            )
        day, month = (a, b) if a > 12 or a == b else (b, a)
        return _make_date(int(year), month, day, value)
    if not _YEAR_RE.search(value):
        raise _DateProblem(f'"{value}" is not a full date with a year; {_HINT}')
    results = []
    for base in _BASES:
        settings = {"STRICT_PARSING": True, "RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "DATE_ORDER": "YMD"}
        try:
            results.append(dateparser.parse(value, settings=settings, languages=list(tables.languages)))
        except Exception:  # noqa: BLE001 - dateparser fails in many ways on odd input; all mean "unreadable"
            results.append(None)
    if results[0] is None or results[1] is None:
        raise _DateProblem(f'cannot read "{value}" as a date; {_HINT}')
    if results[0] != results[1]:
        raise _DateProblem(f'"{value}" is a relative date, it cannot date an article; {_HINT}')
    parsed = results[0].date()
    for word in _WORD_RE.findall(value.lower()):
        if word in tables.weekday_index and tables.weekday_index[word] != parsed.weekday():
            raise _DateProblem(f'"{value}" does not agree with itself: {_day_month(parsed)} {parsed.year} was a {parsed:%A}')
    return parsed


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _is_date(value: str, tables: IngestTables) -> bool:
    try:
        parse_date(value, tables)
    except _DateProblem:
        return False
    return True


class _Claim(NamedTuple):
    """One date found in the file, with where it was found."""

    date: dt.date
    role: str  # "date" or "updated"
    source: DateSource
    where: str  # "header line 1", "front matter line 2", "HTML meta"
    evidence: str  # where + the text found there
    value: str
    line: int | None


class _Problem(NamedTuple):
    role: str
    problem: str
    line: int | None


@dataclass
class Meta:
    """What the header / front matter / HTML meta said; filled while scanning one file."""

    tables: IngestTables
    body_start: int = 0
    fields: dict[str, str] = field(default_factory=dict)
    claims: list[_Claim] = field(default_factory=list)
    problems: list[_Problem] = field(default_factory=list)

    def note_field(self, name: str, value: str) -> None:
        value = value.strip()
        if value and name in ("title", "source", "url"):
            self.fields.setdefault(name, value)

    def note_date(self, role: str, value: str, source: DateSource, where: str, found: str, line: int | None) -> None:
        evidence = f'{where}: "{_cut(found)}"'
        try:
            self.claims.append(_Claim(parse_date(value, self.tables), role, source, where, evidence, value.strip(), line))
        except _DateProblem as exc:
            self.problems.append(_Problem(role, f"{evidence}: {exc}", line))


# ---------------------------------------------------------------- front matter


class _FrontMatterLoader(yaml.SafeLoader):
    """A YAML loader for front matter that cannot fail on a value: every scalar is the text as written,
    whatever its tag (``!!timestamp 2025-02-30``, ``!!int 0x``, ``!!bool maybe``, a 5,000-digit number,
    ``!custom x``), so a date gets our own message and line, and odd values of keys we do not read
    cost nothing. Only ``null`` (and an empty value) is None; collections of any tag are lists and dicts."""


def _scalar_text(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag == "tag:yaml.org,2002:null" else loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


for _tag in ("int", "float", "bool", "timestamp", "binary", "str", "value", "set", "omap", "pairs", "seq", "map"):
    _FrontMatterLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _scalar_text)
_FrontMatterLoader.add_constructor(None, _scalar_text)  # any other tag, explicit or unknown
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:null",
                                   lambda loader, node: None if isinstance(node, yaml.ScalarNode) else _scalar_text(loader, node))
_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _text(value: object) -> str:
    """A front matter value as text; a lone surrogate escape ("\\ud800") becomes U+FFFD (it is no character)."""
    return _SURROGATES.sub("\ufffd", str(value))


_FENCE_RE = re.compile(r"---[ \t]*\n")
_FENCE_END_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.MULTILINE)


def read_front_matter(text: str, shown: str, meta: Meta) -> int:
    """Parse a leading ``---`` YAML block; return where the text after it starts (0 if none)."""
    if not _FENCE_RE.match(text):
        return 0
    end = _FENCE_END_RE.search(text, _FENCE_RE.match(text).end())
    if end is None:
        return 0  # a lone "---" is a Markdown rule, not front matter
    block = text[_FENCE_RE.match(text).end() : end.start()]
    try:
        data = yaml.load(block, Loader=_FrontMatterLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(shown, f"front matter is not valid YAML: {problem}", line) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(shown, "front matter between the --- lines must be key: value pairs", 2)
    block_lines = block.split("\n")
    fm_fields = meta.tables.front_matter_field
    for key, value in data.items():
        if isinstance(key, (dict, list)):
            continue
        key = _text(key)
        name = fm_fields.get(key.strip().lower())
        if name is None or value is None or isinstance(value, (dict, list)):
            continue
        value = _text(value)
        line = next(
            (i + 2 for i, ln in enumerate(block_lines) if re.match(rf"\s*['\"]?{re.escape(key)}['\"]?\s*:", ln)),
            None,
        )
        if name in ("date", "updated"):
            found = block_lines[line - 2].strip() if line else f"{key}: {value}"
            where = f"front matter line {line}" if line else "front matter"
            meta.note_date(name, value, DateSource.FRONT_MATTER, where, found, line)
        else:
            meta.note_field(name, value)
    return end.end()


# ---------------------------------------------------------------- header lines


def read_header_lines(text: str, start: int, meta: Meta) -> int:
    """Scan ``Label: value`` lines (and the glued `` date 2025-05-08 Body...``) from ``start``.

    Returns the index where the body starts: the first non-blank character that is not header.
    """
    tables = meta.tables
    pos, seen = start, 0
    line_no = text.count("\n", 0, start) + 1
    while pos < len(text) and seen < HEADER_SCAN_LINES:
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        line = text[pos:end]
        if not line.strip():
            pos, line_no = end + 1, line_no + 1
            continue
        seen += 1
        m = tables.colon_re.fullmatch(line)
        bare = tables.bare_re.match(line)
        if m and bare and bare.end() < len(line) and not _is_date(m["value"], tables):
            m = None  # "Date: 2025-05-08 First sentence...": the body is glued after the date
        if m:
            name = tables.label_field[re.sub(r"\s+", " ", m["label"].lower())]
            value = m["value"].strip().strip("*_").strip()
            if name in ("date", "updated"):
                if value:
                    meta.note_date(name, value, DateSource.HEADER, f"header line {line_no}", line.strip(), line_no)
            else:
                meta.note_field(name, value)
        elif m := bare:
            name = tables.label_field[re.sub(r"\s+", " ", m["label"].lower())]
            header_text = line[: m.end("value")].strip()
            meta.note_date(name, m["value"], DateSource.HEADER, f"header line {line_no}", header_text, line_no)
            if m.end() < len(line):  # the first sentence is glued to the header
                return pos + m.end()
        else:
            return pos + len(line) - len(line.lstrip())
        pos, line_no = end + 1, line_no + 1
    if seen >= HEADER_SCAN_LINES:
        return pos
    return len(text)


def guess_source(text: str, body_start: int, tables: IngestTables) -> str | None:
    """The outlet a dateline names ("MOSCOW (Reuters) —"), if any."""
    for rx in (tables.dateline3_re, tables.dateline_paren_re):
        if m := rx.match(text, body_start):
            outlet = re.sub(r"\s+", " ", m["outlet"])
            return next((o for o in tables.outlets if o.lower() == outlet.lower()), outlet)
    return None


def choose_date(meta: Meta, shown: str, user_date: dt.date | None) -> tuple[dt.date | None, DateSource, str]:
    """The article's date, where it came from and the evidence; InputError for an unusable or
    contradictory publication date unless the user gave one."""
    primary = [c for c in meta.claims if c.role == "date"]
    updated = [c for c in meta.claims if c.role == "updated"]
    bad = [p for p in meta.problems if p.role == "date"]
    if user_date is not None:
        notes = []
        for c in primary or updated:
            if c.date != user_date:
                notes.append(f"overrides {c.evidence}")
        notes += [f"overrides unreadable {p.problem}" for p in bad]
        evidence = f"given by the user (--date {user_date.isoformat()})"
        return user_date, DateSource.USER, "; ".join([evidence, *notes])
    if bad:
        first = bad[0]
        raise InputError(shown, first.problem, first.line)
    distinct = {c.date for c in primary}
    if len(distinct) > 1:
        a = primary[0]
        b = next(c for c in primary if c.date != a.date)
        raise InputError(
            shown,
            f'two different dates: "{a.value}" ({a.where}) and "{b.value}" ({b.where}); '
            "keep one, or pass --date",
            b.line,
        )
    if primary:
        c = primary[0]
        return c.date, c.source, c.evidence
    if updated:
        c = updated[0]
        return c.date, c.source, f"{c.evidence} (no publication date given; using the update date)"
    why = "no date in a header, front matter or HTML meta"
    unused = [p.problem for p in meta.problems]
    return None, DateSource.NONE, "; ".join([why, *unused])


# ---------------------------------------------------------------- a headline as the first line

HEADLINE_MAX_WORDS = 20
HEADLINE_MAX_CHARS = 150
_HEADLINE_END = ".,;:"  # a line ending so is a sentence or a label, not a headline
_MD_HEADING = re.compile(r"#{1,6}[ \t]+")


def _is_date_line(line: str, tables: IngestTables) -> bool:
    if tables.bare_re.match(line):
        return True
    m = tables.colon_re.fullmatch(line)
    return bool(m) and tables.label_field.get(re.sub(r"\s+", " ", m["label"].lower())) in ("date", "updated")


def read_headline(text: str, start: int, meta: Meta) -> int:
    """A first line that reads as a headline becomes the title; returns where the text goes on.

    A headline is short (at most 20 words and 150 characters, at least 3 words), starts with a
    capital, a digit or a quote, does not end like a sentence or a label (. , ; :), is no header
    line itself, and is followed by a blank line or a date line ("Port strike ends\\n\\nHOUSTON..."
    or "Port strike ends\\nDate: 2025-03-15"). A Markdown heading ("# Port strike ends") counts.
    The headline's own words are then not scanned for dates (they repeat the body's).
    """
    tables = meta.tables
    pos = start
    while pos < len(text) and text[pos] in " \t\n":
        pos += 1
    nl = text.find("\n", pos)
    end = len(text) if nl < 0 else nl
    line = text[pos:end].strip()
    heading = _MD_HEADING.match(line)
    title = line[heading.end():].strip() if heading else line
    words = title.split()
    if (not 3 <= len(words) <= HEADLINE_MAX_WORDS or len(title) > HEADLINE_MAX_CHARS or title[-1] in _HEADLINE_END
            or not (title[0].isupper() or title[0].isdigit() or title[0] in "\"'“‘")
            or tables.colon_re.fullmatch(line) or tables.bare_re.match(line)):
        return start
    if nl < 0:
        return start  # a one-line file is its own body
    nxt_end = text.find("\n", nl + 1)
    nxt = text[nl + 1: len(text) if nxt_end < 0 else nxt_end]
    if nxt.strip() and not _is_date_line(nxt, tables):
        return start
    meta.note_field("title", title)
    return nl + 1
