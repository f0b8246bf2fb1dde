"""Files and folders -> Article: decoded text, where the body starts, and the article's date.

Three public functions, all pure (no clock, no global state beyond the read-only tables):

* ``collect_paths`` turns what the user typed into a sorted list of files, and reports what it
  could not walk (missing paths, symlink loops, unreadable folders) as skipped manifest entries.
* ``read_article`` reads one file, refusing empty, binary and oversized files with an
  ``InputError`` in plain words, and reads its header / front matter / HTML meta for a date.
* ``ingest`` does both for a whole batch and accounts for every input in the manifest.

The header labels, date shapes and file signatures live in ``timeline/data/*.toml``.
``Article.text`` is the decoded file with only the BOM removed and line ends turned into ``\\n``
(for raw HTML: the visible text), so every offset computed later indexes into it.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import hashlib
import os
import re
import stat
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import dateparser
import yaml

from timeline.errors import InputError, RuleError, UserError
from timeline.lang import read_toml
from timeline.models import Article, ArticleStatus, DateSource, ManifestEntry

__all__ = ["collect_paths", "ingest", "read_article"]

DEFAULT_MAX_BYTES = 20_000_000
_HEADER_SCAN_LINES = 20  # a header block longer than this is body text, not a header
_CONTROL_SAMPLE = 8192  # characters checked for control codes
_CONTROL_LIMIT = 0.05  # more than 5% control characters -> binary
_FIELDS = ("date", "updated", "title", "source", "url", "author")
# Fixed reference times: a value whose reading depends on the reference is relative.
_BASES = (dt.datetime(2000, 1, 1), dt.datetime(2001, 7, 15))


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class _Tables:
    languages: tuple[str, ...]
    label_field: dict[str, str]  # lower-case header label -> field
    front_matter_field: dict[str, str]
    html_meta_field: dict[str, str]
    colon_re: re.Pattern[str]
    bare_re: re.Pattern[str]
    weekday_index: dict[str, int]
    outlets: tuple[str, ...]
    dateline3_re: re.Pattern[str]
    dateline_paren_re: re.Pattern[str]
    folder_extensions: frozenset[str]
    signatures: tuple[tuple[bytes, str], ...]
    html_hidden: frozenset[str]
    html_paragraph: frozenset[str]
    html_line: frozenset[str]
    html_cell: frozenset[str]


def _data_file(name: str) -> dict[str, Any]:
    if name == "headers.toml":
        return read_toml("en", name)
    text = resources.files("timeline").joinpath("data", name).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"timeline/data/{name}: {exc}") from exc


def _strings(name: str, table: Mapping[str, Any], key: str) -> list[str]:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(f"timeline/data/{name}: {key!r} must be a list of non-empty strings")
    return value


def _field_map(name: str, data: Mapping[str, Any], section: str) -> dict[str, str]:
    table = data.get(section)
    if not isinstance(table, dict):
        raise RuleError(f"timeline/data/{name}: missing table [{section}]")
    mapping: dict[str, str] = {}
    for fld, _ in table.items():
        if fld not in _FIELDS:
            raise RuleError(f"timeline/data/{name}: [{section}] {fld!r} is not one of {', '.join(_FIELDS)}")
        for label in _strings(name, table, fld):
            key = label.strip().lower()
            if key in mapping and mapping[key] != fld:
                raise RuleError(f"timeline/data/{name}: [{section}] label {label!r} is listed for both {mapping[key]} and {fld}")
            mapping[key] = fld
    return mapping


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


@cache
def _tables() -> _Tables:
    """Load and check the data tables once; the result is never mutated."""
    hname, fname = "headers.toml", "file_types.toml"
    headers, types = _data_file(hname), _data_file(fname)
    label_field = _field_map(hname, headers, "labels")
    names = headers.get("names", {})
    months = _strings(hname, names, "month")
    weekdays = names.get("weekday")
    if not isinstance(weekdays, list) or len(weekdays) != 7:
        raise RuleError(f"timeline/data/{hname}: [names] weekday must list 7 days, Monday first")
    weekday_index = {w.lower(): i for i, day in enumerate(weekdays) for w in day}
    month_alt, weekday_alt = f"(?:{_alternation(months)})", f"(?:{_alternation(list(weekday_index))})"
    shapes = []
    for i, shape in enumerate(_strings(hname, headers, "bare_date_shapes")):
        pattern = shape.replace("{month}", month_alt).replace("{weekday}", weekday_alt)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RuleError(f"timeline/data/{hname}: bare_date_shapes[{i}] {shape!r}: {exc}") from exc
        shapes.append(f"(?:{pattern})")
    date_labels = [k for k, v in label_field.items() if v in ("date", "updated")]
    # Markdown emphasis around a label ("**Date:** ...") is tolerated.
    colon_re = re.compile(
        rf"[ \t]*[*_]{{0,2}}(?P<label>{_alternation(list(label_field))})[*_]{{0,2}}[ \t]*:[*_]{{0,2}}[ \t]*(?P<value>.*)",
        re.IGNORECASE,
    )
    bare_re = re.compile(
        rf"[ \t]*[*_]{{0,2}}(?P<label>{_alternation(date_labels)})[*_]{{0,2}}(?:[ \t]*:[*_]{{0,2}}[ \t]*|[ \t]+)"
        rf"(?P<value>{'|'.join(shapes)})(?=\s|$)[ \t]*",
        re.IGNORECASE,
    )
    outlets = tuple(_strings(hname, headers.get("dateline", {}), "outlets"))
    outlet_alt = _alternation(outlets)
    dateline3_re = re.compile(rf"[ \t]*[^\n.!?]{{1,40}}\n[ \t]*(?P<outlet>{outlet_alt})[ \t]*\n[ \t]*[—–-]{{1,2}}[ \t]*\n")
    dateline_paren_re = re.compile(rf"[ \t]*[A-Z][A-Za-z .,'’-]{{1,40}}\((?P<outlet>{outlet_alt})\)\s*[—–-]")
    signatures = []
    for kind, hexa in types.get("signatures", {}).items():
        try:
            signatures.append((bytes.fromhex(hexa), kind))
        except (TypeError, ValueError) as exc:
            raise RuleError(f"timeline/data/{fname}: [signatures] {kind!r}: not hex bytes ({exc})") from exc
    html = types.get("html", {})
    exts = _strings(fname, types, "folder_extensions")
    if not all(e.startswith(".") for e in exts):
        raise RuleError(f"timeline/data/{fname}: folder_extensions must start with a dot")
    return _Tables(
        languages=tuple(_strings(hname, headers, "languages")),
        label_field=label_field,
        front_matter_field=_field_map(hname, headers, "front_matter"),
        html_meta_field=_field_map(hname, headers, "html_meta"),
        colon_re=colon_re,
        bare_re=bare_re,
        weekday_index=weekday_index,
        outlets=outlets,
        dateline3_re=dateline3_re,
        dateline_paren_re=dateline_paren_re,
        folder_extensions=frozenset(e.lower() for e in exts),
        signatures=tuple(signatures),
        html_hidden=frozenset(_strings(fname, html, "hidden")),
        html_paragraph=frozenset(_strings(fname, html, "paragraph")),
        html_line=frozenset(_strings(fname, html, "line")),
        html_cell=frozenset(_strings(fname, html, "cell")),
    )


# --------------------------------------------------------------------------- collect_paths


def _shown(path: Path | str) -> str:
    return Path(path).as_posix()


def _sort_key(path: Path | str) -> tuple[str, ...]:
    return Path(path).parts


def _skipped(path: Path | str, reason: str) -> ManifestEntry:
    return ManifestEntry(path=_shown(path), status=ArticleStatus.SKIPPED, reason=reason)


def _stat_problem(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop: the link points back to itself"
    if exc.errno == errno.ENOENT:
        return "broken symlink: it points to a file that does not exist" if path.is_symlink() else "no such file or folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot open: {exc.strerror or exc}"


def collect_paths(paths: Sequence[Path]) -> tuple[list[Path], list[ManifestEntry]]:
    """Files named directly, plus *.txt/*.md/*.markdown found recursively in named folders.

    Returns the files sorted by path (duplicates of the same typed path once) and the inputs
    that could not be walked, as skipped manifest entries with a reason. Hidden entries
    (names starting with ".") inside folders are ignored. Never raises for a bad path.
    """
    tables = _tables()
    files: dict[str, Path] = {}
    skipped: dict[str, ManifestEntry] = {}

    def skip(p: Path, reason: str) -> None:
        skipped.setdefault(_shown(p), _skipped(p, reason))

    walked: dict[tuple[int, int], Path] = {}
    for given in paths:
        root = Path(given)
        try:
            st = root.stat()
        except OSError as exc:
            skip(root, _stat_problem(exc, root))
            continue
        if stat.S_ISREG(st.st_mode):
            files.setdefault(_shown(root), root)
        elif not stat.S_ISDIR(st.st_mode):
            skip(root, "not a regular file (a device, pipe or socket)")
        else:
            # Depth-first walk with an explicit stack (no recursion limit on deep trees).
            stack: list[tuple[Path, tuple[tuple[int, int], ...]]] = [(root, ((st.st_dev, st.st_ino),))]
            if (st.st_dev, st.st_ino) in walked:
                continue  # the same folder was named twice
            walked[(st.st_dev, st.st_ino)] = root
            while stack:
                folder, ancestors = stack.pop()
                try:
                    with os.scandir(folder) as it:
                        entries = sorted(it, key=lambda e: e.name)
                except OSError as exc:
                    skip(folder, f"cannot read folder: {_stat_problem(exc, folder)}")
                    continue
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    child = folder / entry.name
                    wanted = Path(entry.name).suffix.lower() in tables.folder_extensions
                    try:
                        cst = entry.stat()  # follows symlinks
                    except OSError as exc:
                        if wanted or exc.errno == errno.ELOOP:
                            skip(child, _stat_problem(exc, child))
                        continue
                    if stat.S_ISDIR(cst.st_mode):
                        key = (cst.st_dev, cst.st_ino)
                        if key in ancestors:
                            target = walked.get(key, folder)
                            skip(child, f"symlink loop: this folder links back to {_shown(target)}")
                        elif key in walked:
                            skip(child, f"same folder as {_shown(walked[key])}, already read")
                        else:
                            walked[key] = child
                            stack.append((child, (*ancestors, key)))
                    elif wanted and stat.S_ISREG(cst.st_mode):
                        files.setdefault(_shown(child), child)
    ordered = sorted(files.values(), key=_sort_key)
    return ordered, sorted(skipped.values(), key=lambda m: _sort_key(m.path))


# --------------------------------------------------------------------------- reading bytes


def _read_bytes(path: Path, shown: str, max_bytes: int) -> bytes:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # before open(): opening a FIFO would block
            raise InputError(shown, "not a regular file (a folder, device, pipe or socket)")
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise InputError(shown, "not a regular file (a folder, device, pipe or socket)")
            if st.st_size > max_bytes:
                raise InputError(shown, f"file is too large ({st.st_size:,} bytes; the limit is {max_bytes:,} bytes)")
            raw = fh.read(max_bytes + 1)  # the size may lie (growing file, /proc): never read past the limit
    except InputError:
        raise
    except IsADirectoryError:
        raise InputError(shown, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(shown, f"cannot read file: {_stat_problem(exc, path)}") from None
    if len(raw) > max_bytes:
        raise InputError(shown, f"file is too large (more than the limit of {max_bytes:,} bytes)")
    if not raw:
        raise InputError(shown, "file is empty")
    return raw


def _decode(raw: bytes, shown: str) -> tuple[str, str]:
    """UTF-8 (BOM removed), UTF-16/32 with a BOM, else cp1252, else Latin-1 (which never fails)."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise InputError(shown, f"starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()} (byte {exc.start + len(bom)})") from None
    for magic, kind in _tables().signatures:
        if raw.startswith(magic):
            raise InputError(shown, f"not a text file: it looks like a {kind}")
    if b"\x00" in raw:
        raise InputError(shown, "not a text file: it contains NUL bytes (binary data)")
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_controls(text: str, shown: str) -> None:
    sample = text[:_CONTROL_SAMPLE]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\f\v") or ch == "\x7f")
    if controls > _CONTROL_LIMIT * len(sample):
        raise InputError(shown, f"not a text file: {controls} of its first {len(sample)} characters are control codes")


def _fingerprint(text: str) -> str:
    """sha256 of the text with trivia removed: Unicode NFC, trailing spaces, leading/trailing blank lines."""
    norm = unicodedata.normalize("NFC", text)
    norm = "\n".join(line.rstrip() for line in norm.split("\n")).strip("\n")
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- dates


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


def _parse_date(value: str) -> dt.date:
    """Read one absolute date from a header value, strictly; raise _DateProblem otherwise."""
    value = value.strip().strip("*_").strip()
    if not value:
        raise _DateProblem("empty date")
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
    tables = _tables()
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


def _is_date(value: str) -> bool:
    try:
        _parse_date(value)
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
class _Meta:
    """What the header / front matter / HTML meta said; filled while scanning one file."""

    body_start: int = 0
    fields: dict[str, str] = field(default_factory=dict)
    claims: list[_Claim] = field(default_factory=list)
    problems: list[_Problem] = field(default_factory=list)

    def note_field(self, name: str, value: str) -> None:
        value = value.strip()
        if value and name in ("title", "source", "url"):
            self.fields.setdefault(name, value)

    def note_date(self, role: str, value: str, source: DateSource, where: str, found: str, line: int | None) -> None:
        evidence = f'{where}: "{found}"'
        try:
            self.claims.append(_Claim(_parse_date(value), role, source, where, evidence, value.strip(), line))
        except _DateProblem as exc:
            self.problems.append(_Problem(role, f"{evidence}: {exc}", line))


# --------------------------------------------------------------------------- front matter


class _FrontMatterLoader(yaml.SafeLoader):
    """yaml.SafeLoader that leaves timestamps as strings, so impossible dates get our message and line."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_FENCE_RE = re.compile(r"---[ \t]*\n")
_FENCE_END_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.MULTILINE)


def _read_front_matter(text: str, shown: str, meta: _Meta) -> int:
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
    fm_fields = _tables().front_matter_field
    for key, value in data.items():
        name = fm_fields.get(str(key).strip().lower())
        if name is None or value is None or isinstance(value, (dict, list)):
            continue
        if isinstance(value, dt.datetime):
            value = value.date().isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        value = str(value)
        line = next(
            (i + 2 for i, ln in enumerate(block_lines) if re.match(rf"\s*['\"]?{re.escape(str(key))}['\"]?\s*:", ln)),
            None,
        )
        if name in ("date", "updated"):
            found = block_lines[line - 2].strip() if line else f"{key}: {value}"
            where = f"front matter line {line}" if line else "front matter"
            meta.note_date(name, value, DateSource.FRONT_MATTER, where, found, line)
        else:
            meta.note_field(name, value)
    return end.end()


# --------------------------------------------------------------------------- header lines


def _read_header_lines(text: str, start: int, meta: _Meta) -> int:
    """Scan ``Label: value`` lines (and the glued `` date 2025-05-08 Body...``) from ``start``.

    Returns the index where the body starts: the first non-blank character that is not header.
    """
    tables = _tables()
    pos, seen = start, 0
    line_no = text.count("\n", 0, start) + 1
    while pos < len(text) and seen < _HEADER_SCAN_LINES:
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        line = text[pos:end]
        if not line.strip():
            pos, line_no = end + 1, line_no + 1
            continue
        seen += 1
        m = tables.colon_re.fullmatch(line)
        bare = tables.bare_re.match(line)
        if m and bare and bare.end() < len(line) and not _is_date(m["value"]):
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
    if seen >= _HEADER_SCAN_LINES:
        return pos
    return len(text)


def _guess_source(text: str, body_start: int) -> str | None:
    tables = _tables()
    for rx in (tables.dateline3_re, tables.dateline_paren_re):
        if m := rx.match(text, body_start):
            outlet = re.sub(r"\s+", " ", m["outlet"])
            return next((o for o in tables.outlets if o.lower() == outlet.lower()), outlet)
    return None


# --------------------------------------------------------------------------- HTML


class _VisibleText(HTMLParser):
    """Visible text of an HTML page (stdlib parser), plus <title>, <meta> and canonical link."""

    def __init__(self, tables: _Tables) -> None:
        super().__init__(convert_charrefs=True)
        self.t = tables
        self.parts: list[str] = []
        self.hidden: list[str] = []
        self.pre = 0
        self.in_title = False
        self.title: list[str] = []
        self.metas: list[tuple[str, str]] = []  # (name, content) in document order
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "body":
            self.hidden = [h for h in self.hidden if h != "head"]
        if tag == "meta":
            name = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            if name and a.get("content", "").strip():
                self.metas.append((name, a["content"].strip()))
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            self.canonical = self.canonical or a["href"].strip()
        elif tag == "title":
            self.in_title = True
        if tag in self.t.html_hidden and tag not in ("meta", "link"):
            self.hidden.append(tag)
        self._block(tag)
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in self.t.html_hidden:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self.hidden:
            while self.hidden and self.hidden.pop() != tag:
                pass
        if tag == "pre" and self.pre:
            self.pre -= 1
        self._block(tag)

    def _block(self, tag: str) -> None:
        if tag in self.t.html_paragraph:
            self.parts.append("\n\n")
        elif tag in self.t.html_line:
            self.parts.append("\n")
        elif tag in self.t.html_cell:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.hidden:
            return
        self.parts.append(data if self.pre else re.sub(r"[ \t\n\f]+", " ", data))  # HTML white space; keeps &nbsp;

    def text(self) -> str:
        raw = "".join(self.parts)
        raw = re.sub(r"[ \t]*\n[ \t]*", "\n", raw)
        return re.sub(r"\n{3,}", "\n\n", raw).strip()


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:20].lower()
    return head.startswith("<!doctype html") or re.match(r"<html[\s>]", head) is not None


def _html_article(text: str, shown: str, meta: _Meta) -> str:
    parser = _VisibleText(_tables())
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # very old Pythons asserted on bad markup
        raise InputError(shown, f"cannot read the HTML: {exc}") from None
    visible = parser.text()
    if not visible:
        raise InputError(shown, "HTML page has no visible text")
    fields = _tables().html_meta_field
    title = re.sub(r"\s+", " ", "".join(parser.title)).strip()
    if title:
        meta.note_field("title", title)
    if parser.canonical:
        meta.note_field("url", parser.canonical)
    for name, content in parser.metas:
        role = fields.get(name)
        if role in ("date", "updated"):
            meta.note_date(role, content, DateSource.HEADER, f"HTML meta {name}", content, None)
        elif role:
            meta.note_field(role, content)
    return visible


# --------------------------------------------------------------------------- read_article


def _choose_date(meta: _Meta, shown: str, user_date: dt.date | None) -> tuple[dt.date | None, DateSource, str]:
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


def read_article(path: Path, user_date: dt.date | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article file. Raises InputError (path, plain-words problem, line) if it cannot be used.

    Impossible, ambiguous or relative *publication* date headers, and two different ones, raise
    InputError (line and value named) unless ``user_date`` is given, which overrides any header.
    """
    path = Path(path)
    shown = _shown(path)
    raw = _read_bytes(path, shown, max_bytes)
    text, encoding = _decode(raw, shown)
    text = _normalize_newlines(text)
    if not text.strip():
        raise InputError(shown, "file has no text (only blank space)")
    _check_controls(text, shown)
    meta = _Meta()
    if _looks_like_html(text):
        text = _html_article(text, shown, meta)
        after_front = 0
    else:
        after_front = _read_front_matter(text, shown, meta)
    body_start = _read_header_lines(text, after_front, meta)
    if not text[body_start:].strip():
        raise InputError(shown, "no article text after the header")
    date, date_source, evidence = _choose_date(meta, shown, user_date)
    source = meta.fields.get("source") or _guess_source(text, body_start)
    return Article(
        id=path.stem or path.name,
        path=shown,
        text=text,
        body_start=body_start,
        title=meta.fields.get("title"),
        source=source,
        url=meta.fields.get("url"),
        date=date,
        date_source=date_source,
        date_evidence=evidence,
        sha256=_fingerprint(text),
        encoding=encoding,
    )


# --------------------------------------------------------------------------- ingest


def _match_user_dates(user_dates: Mapping[str, dt.date], candidates: Sequence[Path]) -> dict[str, dt.date]:
    """Map each ``--date KEY=DATE`` to the input it names (file name, stem, or path as typed)."""
    found: dict[str, dt.date] = {}
    for key, value in user_dates.items():
        key_path = Path(key)
        exact = [p for p in candidates if os.path.normpath(p) == os.path.normpath(key_path)]
        if not exact:  # the same file typed differently (absolute vs relative)
            exact = [p for p in candidates if os.path.abspath(p) == os.path.abspath(key_path)]
        if not exact and len(key_path.parts) == 1:
            exact = [p for p in candidates if p.name == key] or [p for p in candidates if p.stem == key]
        if not exact:
            raise UserError(f"--date {key}={value.isoformat()}: no input file is called {key!r}")
        if len(exact) > 1:
            names = ", ".join(_shown(p) for p in exact)
            raise UserError(f"--date {key}={value.isoformat()}: {key!r} names {len(exact)} files ({names}); give the path instead")
        target = _shown(exact[0])
        if target in found and found[target] != value:
            raise UserError(f"--date gives {target} two dates: {found[target].isoformat()} and {value.isoformat()}")
        found[target] = value
    return found


def _unique_ids(paths: Sequence[Path]) -> dict[str, str]:
    """File stems; a stem used by several files gets -2, -3... in path order, never colliding."""
    stems = [p.stem or p.name for p in paths]
    taken = set(stems)
    used: set[str] = set()
    ids: dict[str, str] = {}
    for p, stem in zip(paths, stems):
        candidate, n = stem, 1
        while candidate in used or (candidate != stem and candidate in taken):
            n += 1
            candidate = f"{stem}-{n}"
        used.add(candidate)
        ids[_shown(p)] = candidate
    return ids


def ingest(
    paths: Sequence[Path], user_dates: Mapping[str, dt.date] | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Article], list[ManifestEntry]]:
    """Read every input: returns the usable articles (first of each duplicate set) and a manifest
    with one entry per input, sorted by path: used, undated, duplicate (of which id) or skipped (why).

    Raises UserError only for a ``--date`` key that names no input or several.
    """
    files, skipped = collect_paths(paths)
    targets = _match_user_dates(user_dates or {}, [*files, *(Path(m.path) for m in skipped)])
    ids = _unique_ids(files)
    articles: list[Article] = []
    manifest: list[ManifestEntry] = list(skipped)
    first_by_hash: dict[str, str] = {}
    for path in files:
        shown = _shown(path)
        try:
            article = read_article(path, targets.get(shown), max_bytes)
        except InputError as exc:
            manifest.append(_skipped(path, str(exc)))
            continue
        article = article.model_copy(update={"id": ids[shown]})
        common = dict(
            path=shown,
            article_id=article.id,
            date=article.date,
            date_source=article.date_source,
            date_evidence=article.date_evidence,
        )
        if article.sha256 in first_by_hash:
            manifest.append(ManifestEntry(status=ArticleStatus.DUPLICATE, duplicate_of=first_by_hash[article.sha256], **common))
            continue
        first_by_hash[article.sha256] = article.id
        articles.append(article)
        status = ArticleStatus.USED if article.date else ArticleStatus.UNDATED
        manifest.append(ManifestEntry(status=status, **common))
    manifest.sort(key=lambda m: _sort_key(m.path))
    return articles, manifest
