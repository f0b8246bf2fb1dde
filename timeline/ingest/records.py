"""Record files (CMS exports, news-API dumps) -> one record at a time.

``.jsonl`` / ``.ndjson`` (one JSON object per line), the same gzip-compressed (``.jsonl.gz``), and
``.csv`` with a header row. Each reader is a generator: it holds one record in memory, never the
whole file, so a large dump streams. Field names are mapped case-insensitively through the
``[records]`` table of ``timeline/data/file_types.toml`` (``text`` or ``html``, ``date`` or
``published``, ``title``, ``url``, ``source``, ``id``...); a nested ``{"name": ...}`` (NewsAPI's
``source``) gives its name.

A record that cannot be used (not JSON, not an object, no text) is yielded with ``problem`` set,
so the manifest can account for it; a file that cannot be read past some point yields one last
record with the problem and the line where reading stopped.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["RECORD_SUFFIXES", "Record", "iter_records", "record_suffix"]

RECORD_SUFFIXES = (".jsonl.gz", ".ndjson.gz", ".jsonl", ".ndjson", ".csv")
NO_TEXT_COLUMN = "no text column"
MAX_LINE = 20_000_000  # characters of one JSON line / CSV field: larger is refused, not read into memory


@dataclass(frozen=True)
class Record:
    line: int  # line where the record starts (1-based)
    fields: dict[str, str]  # mapped field -> value (text, html, date, updated, title, url, source, id, author)
    problem: str | None = None


def record_suffix(path: Path | str) -> str | None:
    name = Path(path).name.lower()
    return next((s for s in RECORD_SUFFIXES if name.endswith(s)), None)


def _value(v: Any) -> str | None:
    if isinstance(v, dict):
        v = v.get("name") or v.get("title") or v.get("url")
    if isinstance(v, list):
        parts = [p for p in (_value(x) for x in v) if p]
        return ", ".join(parts) if parts else None
    if v is None or isinstance(v, bool):
        return None
    s = str(v).strip()
    return s or None


def map_fields(raw: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, str]:
    """Mapped fields of one record; the first listed name of a field wins when several are present."""
    out: dict[str, tuple[int, str]] = {}
    for key, value in raw.items():
        hit = names.get(str(key).strip().lower())
        if hit is None:
            continue
        fld, rank = hit.split(":") if ":" in hit else (hit, "0")
        text = _value(value)
        if text is not None and (fld not in out or int(rank) < out[fld][0]):
            out[fld] = (int(rank), text)
    return {k: v for k, (_, v) in out.items()}


def _open_text(path: Path) -> IO[str]:
    raw: IO[bytes] = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")


def _problem_of(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text from here on (record files must be UTF-8)"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error, EOFError)):
        return f"the gzip data is damaged or cut short ({exc})"
    if isinstance(exc, csv.Error):
        return f"not valid CSV ({exc})"
    return f"cannot read further: {exc}"


def iter_records(path: Path, names: Mapping[str, str]) -> Iterator[Record]:
    """Records of one file, in file order. Raises OSError only if the file cannot be opened."""
    suffix = record_suffix(path) or ""
    if suffix == ".csv":
        yield from _iter_csv(path, names)
    else:
        yield from _iter_jsonl(path, names)


def _iter_jsonl(path: Path, names: Mapping[str, str]) -> Iterator[Record]:
    line_no = 0
    with _open_text(path) as fh:
        try:
            while True:
                line = fh.readline(MAX_LINE + 1)
                if not line:
                    return
                line_no += 1
                if len(line) > MAX_LINE:
                    yield Record(line_no, {}, f"line {line_no} is longer than {MAX_LINE:,} characters; the rest of the file was not read")
                    return
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield Record(line_no, {}, f"line {line_no} is not JSON ({exc.args[0] if exc.args else exc})")
                    continue
                if not isinstance(obj, dict):
                    yield Record(line_no, {}, f"line {line_no} is a JSON {type(obj).__name__}, not an object with fields")
                    continue
                yield Record(line_no, map_fields(obj, names))
        except (UnicodeDecodeError, OSError, EOFError, zlib.error) as exc:
            yield Record(line_no + 1, {}, f"line {line_no + 1}: {_problem_of(exc)}; the rest of the file was not read")


def _iter_csv(path: Path, names: Mapping[str, str]) -> Iterator[Record]:
    csv.field_size_limit(MAX_LINE)
    with _open_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
            if header is None:
                return
            columns: Sequence[str] = [h.strip() for h in header]
            mapped = {c: names.get(c.lower()) for c in columns}
            if not any(m and m.split(":")[0] in ("text", "html") for m in mapped.values()):
                yield Record(1, {}, f"{NO_TEXT_COLUMN}: the header ({', '.join(columns)[:200]}) names none of the "
                             "text/html columns timeline reads")
                return
            start = reader.line_num + 1
            for row in reader:
                if not any(cell.strip() for cell in row):
                    start = reader.line_num + 1
                    continue
                if len(row) > len(columns):
                    yield Record(start, {}, f"line {start} has {len(row)} cells but the header names {len(columns)}")
                else:
                    yield Record(start, map_fields(dict(zip(columns, row)), names))
                start = reader.line_num + 1
        except (UnicodeDecodeError, csv.Error, OSError, EOFError, zlib.error) as exc:
            yield Record(reader.line_num + 1, {}, f"line {reader.line_num + 1}: {_problem_of(exc)}; the rest of the file was not read")

