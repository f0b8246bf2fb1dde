"""The tables ingest reads: header labels and date shapes (lang/<lang>/headers.toml), file signatures
and HTML tags (data/file_types.toml), checked and compiled once per batch."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from timeline.errors import RuleError
from timeline.lang import read_toml

HEADERS = "headers.toml"
FIELDS = ("date", "updated", "title", "source", "url", "author")


@dataclass(frozen=True)
class IngestTables:
    """What ingest recognises, compiled from lang/<lang>/headers.toml and data/file_types.toml."""

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
    record_field: dict[str, str]  # lower-case record key -> "field:rank" (data/file_types.toml [records])


def _data_file(name: str, lang: str) -> dict[str, Any]:
    if name == HEADERS:
        return read_toml(lang, name)
    text = resources.files("timeline").joinpath("data", name).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"timeline/data/{name}: {exc}") from exc


def _strings(name: str, table: Mapping[str, Any], key: str) -> list[str]:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(f"{name}: {key!r} must be a list of non-empty strings")
    return value


def _field_map(name: str, data: Mapping[str, Any], section: str) -> dict[str, str]:
    table = data.get(section)
    if not isinstance(table, dict):
        raise RuleError(f"{name}: missing table [{section}]")
    mapping: dict[str, str] = {}
    for fld, _ in table.items():
        if fld not in FIELDS:
            raise RuleError(f"{name}: [{section}] {fld!r} is not one of {', '.join(FIELDS)}")
        for label in _strings(name, table, fld):
            key = label.strip().lower()
            if key in mapping and mapping[key] != fld:
                raise RuleError(f"{name}: [{section}] label {label!r} is listed for both {mapping[key]} and {fld}")
            mapping[key] = fld
    return mapping


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def load_tables(lang: str = "en") -> IngestTables:
    """Load and check the tables (load once per batch and pass them on; the result is never mutated)."""
    hname, fname = HEADERS, "file_types.toml"
    headers, types = _data_file(hname, lang), _data_file(fname, lang)
    label_field = _field_map(hname, headers, "labels")
    names = headers.get("names", {})
    months = _strings(hname, names, "month")
    weekdays = names.get("weekday")
    if not isinstance(weekdays, list) or len(weekdays) != 7:
        raise RuleError(f"timeline/lang/{lang}/{hname}: [names] weekday must list 7 days, Monday first")
    weekday_index = {w.lower(): i for i, day in enumerate(weekdays) for w in day}
    month_alt, weekday_alt = f"(?:{_alternation(months)})", f"(?:{_alternation(list(weekday_index))})"
    shapes = []
    for i, shape in enumerate(_strings(hname, headers, "bare_date_shapes")):
        pattern = shape.replace("{month}", month_alt).replace("{weekday}", weekday_alt)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RuleError(f"timeline/lang/{lang}/{hname}: bare_date_shapes[{i}] {shape!r}: {exc}") from exc
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
    return IngestTables(
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
        record_field=_record_fields(fname, types),
    )


RECORD_FIELDS = ("text", "html", "date", "updated", "title", "url", "source", "author", "id")


def _record_fields(name: str, types: Mapping[str, Any]) -> dict[str, str]:
    table = types.get("records")
    if not isinstance(table, dict):
        raise RuleError(f"timeline/data/{name}: missing table [records]")
    out: dict[str, str] = {}
    for fld in table:
        if fld not in RECORD_FIELDS:
            raise RuleError(f"timeline/data/{name}: [records] {fld!r} is not one of {', '.join(RECORD_FIELDS)}")
        for rank, key in enumerate(_strings(name, table, fld)):
            k = key.strip().lower()
            if k in out and not out[k].startswith(fld + ":"):
                raise RuleError(f"timeline/data/{name}: [records] key {key!r} is listed for both {out[k].split(':')[0]} and {fld}")
            out.setdefault(k, f"{fld}:{rank}")
    return out
