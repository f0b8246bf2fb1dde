"""Read and write TimeML (TempEval-3 style) documents.

``read_timeml`` gives the plain text of the ``<TEXT>`` element (tags stripped, entities decoded,
whitespace kept exactly) and the gold TIMEX3 annotations inside it as character offsets into that
text, plus the document creation time (the TIMEX3 with ``functionInDocument="CREATION_TIME"``,
usually inside ``<DCT>`` outside ``<TEXT>``). The DCT timex is never listed among ``timexes``.

Offsets are relative to the full content of ``<TEXT>``, including the newline that usually
follows the opening tag (the TempEval-3 scorer drops that one newline before tokenizing; it
compares tokens, not offsets, so keeping it changes nothing there and keeps offsets simple).

``write_timeml`` is the inverse for system output: the text with TIMEX3 tags inserted, so that
``read_timeml(write_timeml(text, dct, mentions))`` gives back ``text`` and the mentions' offsets.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

from timeline.errors import InputError
from timeline.models import Mention

__all__ = ["GoldTimex", "TimeMLDoc", "read_timeml", "write_timeml", "mentions_to_jsonl", "parse_dct_value"]


@dataclass(frozen=True)
class GoldTimex:
    """One gold TIMEX3 inside ``<TEXT>``; ``TimeMLDoc.text[start:end] == text``."""

    start: int
    end: int
    text: str
    tid: str
    type: str
    value: str
    mod: str | None = None
    anchor_time_id: str | None = None


@dataclass
class TimeMLDoc:
    doc_id: str
    text: str
    dct: dt.date | None
    timexes: list[GoldTimex] = field(default_factory=list)
    path: str | None = None
    dct_value: str | None = None  # the raw value attribute of the CREATION_TIME timex


_DATE_RE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")


def parse_dct_value(value: str | None) -> dt.date | None:
    """The calendar day of a CREATION_TIME value (``1998-01-08``, ``1998-01-08T14:30``, ``19980108``)."""
    if not value:
        return None
    m = _DATE_RE.match(value.strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _looks_like_xml(s: str) -> bool:
    return s.lstrip("\ufeff \t\r\n").startswith("<")


def read_timeml(path_or_text: str | Path) -> TimeMLDoc:
    """Parse a TimeML document given as a path or as the XML text itself.

    Raises ``InputError`` if the document is not well-formed XML or has no ``<TEXT>`` element.
    """
    path: str | None = None
    if isinstance(path_or_text, Path) or not _looks_like_xml(path_or_text):
        path = str(path_or_text)
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            raise InputError(path, f"cannot read: {e.strerror or e}") from e
        source = path
    else:
        data = path_or_text.encode("utf-8")
        source = "<string>"
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        line = e.position[0] if getattr(e, "position", None) else None
        raise InputError(source, f"not well-formed TimeML: {e}", line) from e

    text_el = root if root.tag == "TEXT" else root.find(".//TEXT")
    if text_el is None:
        raise InputError(source, "no <TEXT> element")

    dct_value: str | None = None
    for el in root.iter("TIMEX3"):
        if el.get("functionInDocument") == "CREATION_TIME":
            dct_value = el.get("value")
            dct_tid = el.get("tid")
            break
    else:
        dct_tid = None

    docid_el = root.find(".//DOCID")
    if docid_el is not None and (docid_el.text or "").strip():
        doc_id = docid_el.text.strip()
    elif path is not None:
        doc_id = Path(path).name.removesuffix(".tml").removesuffix(".xml")
    else:
        doc_id = "doc"

    parts: list[str] = []
    pos = 0

    raw: list[tuple[int, int, ET.Element]] = []

    def walk(el: ET.Element) -> None:
        nonlocal pos
        start = pos
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        if el.tag == "TIMEX3" and el is not text_el:
            if el.get("functionInDocument") == "CREATION_TIME" or (dct_tid and el.get("tid") == dct_tid):
                return
            raw.append((start, pos, el))

    walk(text_el)
    text = "".join(parts)
    timexes = [
        GoldTimex(
            start=a,
            end=b,
            text=text[a:b],
            tid=el.get("tid", ""),
            type=el.get("type", ""),
            value=el.get("value", ""),
            mod=el.get("mod") or None,
            anchor_time_id=el.get("anchorTimeID") or None,
        )
        for a, b, el in sorted(raw, key=lambda r: (r[0], -r[1]))
    ]
    return TimeMLDoc(doc_id=doc_id, text=text, dct=parse_dct_value(dct_value), timexes=timexes, path=path, dct_value=dct_value)


# --------------------------------------------------------------------------- writing

# Characters XML 1.0 cannot carry at all, not even as character references.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape_text(s: str) -> str:
    # \r must be a character reference or the parser turns \r\n into \n and offsets shift.
    s = _XML_INVALID.sub(" ", s)
    return escape(s).replace("\r", "&#13;")


def _attr(name: str, value: str) -> str:
    return f" {name}={quoteattr(_XML_INVALID.sub(' ', value))}"


def _timex_open(tid: str, m: Mention) -> str:
    tv = m.timex
    relative = m.anchor in ("dct", "previous")
    s = "<TIMEX3" + _attr("tid", tid) + _attr("type", str(tv.type)) + _attr("value", tv.value)
    if tv.mod:
        s += _attr("mod", tv.mod)
    s += _attr("temporalFunction", "true" if relative else "false")
    s += _attr("functionInDocument", "NONE")
    if m.anchor == "dct":
        s += _attr("anchorTimeID", "t0")
    return s + ">"


def write_timeml(text: str, dct: dt.date | None, mentions: Iterable[Mention], doc_id: str | None = None) -> str:
    """A TimeML document: ``text`` inside ``<TEXT>`` with one TIMEX3 per mention, plus the DCT as t0.

    Mentions are numbered t1.. in text order. Properly nested mentions are written nested; a mention
    that crosses another one's boundary (or falls outside the text, or is empty) cannot be written in
    XML and is left out. Characters XML 1.0 cannot represent (C0 controls other than tab/newline/CR)
    are written as spaces so offsets stay the same; ``\\r`` is kept as ``&#13;``.
    """
    if isinstance(dct, dt.datetime):
        dct = dct.date()
    ordered = sorted(
        (m for m in mentions if 0 <= m.start < m.end <= len(text)),
        key=lambda m: (m.start, -m.end),
    )
    out: list[str] = []
    stack: list[int] = []  # end offsets of the open tags, innermost last
    pos = 0
    n = 0

    def close_until(limit: int) -> None:
        nonlocal pos
        while stack and stack[-1] <= limit:
            end = stack.pop()
            out.append(_escape_text(text[pos:end]))
            out.append("</TIMEX3>")
            pos = end

    for m in ordered:
        close_until(m.start)
        if stack and m.end > stack[-1]:
            continue  # crosses an open tag's boundary: not representable
        out.append(_escape_text(text[pos : m.start]))
        pos = m.start
        n += 1
        out.append(_timex_open(f"t{n}", m))
        stack.append(m.end)
    close_until(len(text))
    out.append(_escape_text(text[pos:]))

    head = ['<?xml version="1.0" encoding="UTF-8"?>', "<TimeML>"]
    if doc_id is not None:
        head.append(f"<DOCID>{_escape_text(doc_id)}</DOCID>")
    if dct is not None:
        v = dct.isoformat()
        head.append(
            '<DCT><TIMEX3 tid="t0" type="DATE"' + _attr("value", v)
            + ' temporalFunction="false" functionInDocument="CREATION_TIME">' + v + "</TIMEX3></DCT>"
        )
    return "\n".join(head) + "\n<TEXT>" + "".join(out) + "</TEXT>\n</TimeML>\n"


def mentions_to_jsonl(mentions: Iterable[Mention]) -> str:
    """One JSON object per line: start, end, text, type, value, precision, mod, rule."""
    lines = []
    for m in mentions:
        tv = m.timex
        obj = {
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "type": str(tv.type),
            "value": tv.value,
            "precision": str(tv.precision) if tv.precision is not None else None,
            "mod": tv.mod,
            "rule": m.rule,
        }
        lines.append(json.dumps(obj, ensure_ascii=False) + "\n")
    return "".join(lines)
