"""Compact forms of the per-article results, for batches too big to hold as pydantic models.

A pydantic ``Event`` with its ``Mention`` and two ``TimeValue`` objects takes about 7 KB in memory;
an archive of 100,000 articles has half a million of them. The batch steps (dates of undated
articles, merging) only *read* the events' fields, so the build keeps each event as a read-only
record with the same attribute names (``Record``: slots, tuples instead of lists, every word and
date value stored once per build), about a fifth of the size. Entries and their sources, which
the exporters read, are still the pydantic models.

``pack`` turns what ``analyze_article`` returns into plain JSON-able lists (small to send between
processes, and what the cache stores); ``Unpacker.unpack`` makes records of them. Both follow the
models' own field lists, so a field added to ``Event`` or ``Mention`` travels without a change here.
"""

from __future__ import annotations

import json
import typing
from enum import Enum
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from pydantic import BaseModel

from timeline.models import Analysis, Article, Event, Mention, TimeValue

PACK_VERSION = 1


class Record:
    """A read-only stand-in for a pydantic model instance: the same attribute names, in slots."""

    __slots__ = ()
    fields: tuple[str, ...] = ()

    def __init__(self, *values: Any) -> None:
        for name, value in zip(self.fields, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.fields)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), tuple(getattr(self, n) for n in self.fields)


def _record_class(model: type[BaseModel], leave_out: tuple[str, ...] = ()) -> type[Record]:
    fields = tuple(f for f in model.model_fields if f not in leave_out)
    return type(f"{model.__name__}Record", (Record,), {"__slots__": fields, "fields": fields, "__module__": __name__})


EventRecord = _record_class(Event)
MentionRecord = _record_class(Mention)
ArticleRecord = _record_class(Article)  # ``text`` is kept empty: the batch steps never read it


class AnalysisRecord(NamedTuple):
    """``Analysis`` as the batch steps read it: the article (without its text) and its events."""

    article: Any
    events: tuple[Any, ...]


# --------------------------------------------------------------------------- the fields' kinds

_TIMEX, _MENTION, _WORDS, _ENUM, _PLAIN = "timex", "mention", "words", "enum", "plain"


def _kinds(model: type[BaseModel], fields: Sequence[str]) -> tuple[tuple[str, Any], ...]:
    """(kind, enum class or None) of each field, from its type annotation."""
    hints = typing.get_type_hints(model)
    kinds: list[tuple[str, Any]] = []
    for name in fields:
        hint = hints[name]
        args = set(typing.get_args(hint)) | {hint}
        enums = [a for a in args if isinstance(a, type) and issubclass(a, Enum)]
        if TimeValue in args:
            kinds.append((_TIMEX, None))
        elif Mention in args:
            kinds.append((_MENTION, None))
        elif typing.get_origin(hint) is list:
            if typing.get_args(hint) != (str,):
                raise TypeError(f"compact: {model.__name__}.{name} is a list of something other than str")
            kinds.append((_WORDS, None))
        elif enums:
            kinds.append((_ENUM, enums[0]))
        elif any(isinstance(a, type) and issubclass(a, BaseModel) for a in args):
            raise TypeError(f"compact: {model.__name__}.{name} holds a model this module does not know")
        else:
            kinds.append((_PLAIN, None))
    return tuple(kinds)


_EVENT_FIELDS = tuple(f for f in Event.model_fields if f != "article_id")
_EVENT_KINDS = _kinds(Event, _EVENT_FIELDS)
_MENTION_KINDS = _kinds(Mention, MentionRecord.fields)


# --------------------------------------------------------------------------- pack


def _pack_model(model: BaseModel, fields: Sequence[str], kinds: Sequence[tuple[str, Any]],
                timexes: dict[str, int]) -> list[Any]:
    out: list[Any] = []
    for name, (kind, _) in zip(fields, kinds):
        value = getattr(model, name)
        if value is None:
            out.append(None)
        elif kind == _TIMEX:
            key = value.model_dump_json()
            out.append(timexes.setdefault(key, len(timexes)))
        elif kind == _MENTION:
            out.append(_pack_model(value, MentionRecord.fields, _MENTION_KINDS, timexes))
        elif kind == _ENUM:
            out.append(value.value)
        else:
            out.append(value)
    return out


def pack(analysis: Analysis) -> dict[str, Any]:
    """An analysis's events as plain lists (JSON-able): field values in model order, each distinct date
    value once. The article's own fields are not included (the reader has them)."""
    timexes: dict[str, int] = {}
    events = [_pack_model(e, _EVENT_FIELDS, _EVENT_KINDS, timexes) for e in analysis.events]
    return {"v": PACK_VERSION, "timex": list(timexes), "events": events}


def dumps(packed: dict[str, Any]) -> bytes:
    return json.dumps(packed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes) -> dict[str, Any]:
    packed = json.loads(data)
    if not isinstance(packed, dict) or packed.get("v") != PACK_VERSION:
        raise ValueError("not a packed analysis of this version")
    return packed


# --------------------------------------------------------------------------- unpack


class Unpacker:
    """Makes records of packed analyses, keeping one copy of each word and each date value per build."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._timexes: dict[str, TimeValue] = {}

    def word(self, s: str) -> str:
        return self._strings.setdefault(s, s)

    def timex(self, key: str) -> TimeValue:
        value = self._timexes.get(key)
        if value is None:
            value = self._timexes[key] = TimeValue.model_validate_json(key)
        return value

    def _values(self, row: Sequence[Any], kinds: Sequence[tuple[str, Any]], timexes: list[TimeValue]) -> list[Any]:
        word = self.word
        out: list[Any] = []
        for value, (kind, enum) in zip(row, kinds, strict=True):
            if value is None:
                out.append(None)
            elif kind == _TIMEX:
                out.append(timexes[value])
            elif kind == _MENTION:
                out.append(MentionRecord(*self._values(value, _MENTION_KINDS, timexes)))
            elif kind == _WORDS:
                out.append(tuple(map(word, value)))
            elif kind == _ENUM:
                out.append(enum(value))
            else:
                out.append(word(value) if isinstance(value, str) else value)
        return out

    def events(self, packed: dict[str, Any], article_id: str) -> tuple[Any, ...]:
        timexes = [self.timex(key) for key in packed["timex"]]
        article_id = self.word(article_id)
        at = EventRecord.fields.index("article_id")
        return tuple(EventRecord(*values[:at], article_id, *values[at:])
                     for values in (self._values(row, _EVENT_KINDS, timexes) for row in packed["events"]))

    def article(self, article: Article) -> Any:
        return ArticleRecord(*("" if f == "text" else getattr(article, f) for f in ArticleRecord.fields))

    def unpack(self, article: Article, packed: dict[str, Any]) -> AnalysisRecord:
        return AnalysisRecord(self.article(article), self.events(packed, article.id))


def events_of(records: Iterable[AnalysisRecord]) -> list[Any]:
    return [e for r in records for e in r.events]
