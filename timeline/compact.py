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

import base64
import json
from array import array
import typing
from enum import Enum
from collections import Counter, namedtuple
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from pydantic import BaseModel

from timeline.briefing import ArticleFacts, Headline, distinct_quotes
from timeline.models import Analysis, Article, Event, Mention, TimeValue

PACK_VERSION = 2


def _record_class(model: type[BaseModel]) -> type[tuple]:
    """A named tuple with the model's field names: read-only, compact, quick to make."""
    cls = namedtuple(f"{model.__name__}Record", tuple(model.model_fields), module=__name__)  # type: ignore[misc]
    cls.__doc__ = f"A read-only stand-in for a pydantic {model.__name__}: the same attribute names."
    return cls


EventRecord = _record_class(Event)
MentionRecord = _record_class(Mention)
# without its text: what the batch steps read of it was read with its analysis (the facts)
ArticleRecord = namedtuple("ArticleRecord", tuple(f for f in Article.model_fields if f != "text"),  # type: ignore[misc]
                           module=__name__)
ArticleRecord.__doc__ = "A read-only stand-in for a pydantic Article without its text: the same attribute names."


class AnalysisRecord(NamedTuple):
    """``Analysis`` as the batch steps read it: the article (without its text), its events (no mentions)
    and what the briefing reads of its text (``briefing.ArticleFacts``, its word counts summed into
    ``Unpacker.case``)."""

    article: Any
    events: tuple[Any, ...]
    facts: Any = None

    def model_copy(self, update: dict[str, Any] | None = None) -> AnalysisRecord:
        """As pydantic's: a copy with some fields replaced (the batch steps call it on analyses)."""
        return self._replace(**(update or {}))


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


if next(iter(Event.model_fields)) != "article_id":
    raise TypeError("compact: Event.article_id must stay the first field")  # events() puts it first
_EVENT_FIELDS = tuple(f for f in Event.model_fields if f != "article_id")
_EVENT_KINDS = _kinds(Event, _EVENT_FIELDS)
_MENTION_KINDS = _kinds(Mention, MentionRecord._fields)


class _Plan(NamedTuple):
    """Which positions of a packed row need decoding, by kind (the rest are kept as they are)."""

    strings: tuple[int, ...]
    words: tuple[int, ...]
    timexes: tuple[int, ...]
    enums: tuple[tuple[int, Any], ...]
    mentions: tuple[int, ...]


def _plan(kinds: Sequence[tuple[str, Any]]) -> _Plan:
    def where(kind: str) -> tuple[int, ...]:
        return tuple(i for i, (k, _) in enumerate(kinds) if k == kind)

    return _Plan(where(_PLAIN), where(_WORDS), where(_TIMEX), tuple((i, e) for i, (k, e) in enumerate(kinds) if k == _ENUM),
                 where(_MENTION))


_EVENT_PLAN, _MENTION_PLAN = _plan(_EVENT_KINDS), _plan(_MENTION_KINDS)


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
            out.append(_pack_model(value, MentionRecord._fields, _MENTION_KINDS, timexes))
        elif kind == _ENUM:
            out.append(value.value)
        else:
            out.append(value)
    return out


def pack(analysis: Analysis, facts: ArticleFacts) -> dict[str, Any]:
    """An analysis's events as plain lists (JSON-able): field values in model order, each distinct date
    value once; and the briefing's facts of its article. The article's own fields are not included (the
    reader has them)."""
    timexes: dict[str, int] = {}
    events = [_pack_model(e, _EVENT_FIELDS, _EVENT_KINDS, timexes) for e in analysis.events]
    return {"v": PACK_VERSION, "timex": list(timexes), "events": events, "facts": pack_facts(analysis, facts)}


def pack_facts(analysis: Analysis, facts: ArticleFacts) -> list[Any]:
    """[headline, its terms (sorted), lead span, second span, names, the content words of each distinct
    event sentence (in event order), the body's word counts]."""
    h = facts.headline
    quotes = distinct_quotes(analysis.events)
    if set(quotes) != set(facts.quote_terms):
        raise ValueError("compact: the facts were not read from these events")
    return [h.text, sorted(h.terms), h.lead, h.second, list(facts.names), [facts.quote_terms[q] for q in quotes],
            facts.words]


def pack_sketch(sk: Any) -> list[str | None]:
    """A near-duplicate sketch (``neardup.Sketch``) as two base64 strings: shingle hashes, signature."""
    return [base64.b64encode(sk.hashes.tobytes()).decode("ascii"),
            None if sk.signature is None else base64.b64encode(sk.signature.tobytes()).decode("ascii")]


def unpack_sketch(packed: Sequence[str | None]) -> Any:
    from timeline.neardup import Sketch

    hashes, signature = (None if p is None else array("Q", base64.b64decode(p)) for p in packed)
    return Sketch(hashes if hashes is not None else array("Q"), signature)


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
        self.case: Counter[str] = Counter()  # the word counts of every article unpacked (briefing.Names)

    def word(self, s: str) -> str:
        return self._strings.setdefault(s, s)

    def timex(self, key: str) -> TimeValue:
        value = self._timexes.get(key)
        if value is None:
            value = self._timexes[key] = TimeValue.model_validate_json(key)
        return value

    def _values(self, row: Sequence[Any], plan: _Plan, timexes: list[TimeValue]) -> list[Any]:
        keep = self._strings.setdefault
        values = list(row)
        for i in plan.strings:
            v = values[i]
            if v.__class__ is str:
                values[i] = keep(v, v)
        for i in plan.words:
            v = values[i]
            if v is not None:
                values[i] = tuple([keep(w, w) for w in v])
        for i in plan.timexes:
            v = values[i]
            if v is not None:
                values[i] = timexes[v]
        for i, enum in plan.enums:
            v = values[i]
            if v is not None:
                values[i] = enum(v)
        for i in plan.mentions:
            v = values[i]
            if v is not None:
                values[i] = MentionRecord._make(self._values(v, _MENTION_PLAN, timexes))
        return values

    def events(self, packed: dict[str, Any], article_id: str) -> tuple[Any, ...]:
        timexes = [self.timex(key) for key in packed["timex"]]
        article_id = self.word(article_id)
        make = EventRecord._make
        return tuple(make((article_id, *self._values(row, _EVENT_PLAN, timexes))) for row in packed["events"])

    def article(self, article: Article) -> Any:
        return ArticleRecord._make(getattr(article, f) for f in ArticleRecord._fields)

    def facts(self, packed: list[Any], events: Sequence[Any]) -> ArticleFacts:
        """The facts, their word counts summed into ``case`` (the batch needs only the sum)."""
        text, terms, lead, second, names, quote_terms, words = packed
        keep = self._strings.setdefault
        self.case.update(words)
        return ArticleFacts(
            Headline(text, frozenset([keep(t, t) for t in terms]), tuple(lead) if lead else None,
                     tuple(second) if second else None),
            tuple([keep(n, n) for n in names]),
            {q: tuple([keep(t, t) for t in ts]) for q, ts in zip(distinct_quotes(events), quote_terms, strict=True)},
            None)

    def unpack(self, article: Article, packed: dict[str, Any]) -> AnalysisRecord:
        events = self.events(packed, article.id)
        return AnalysisRecord(self.article(article), events, self.facts(packed["facts"], events))


def events_of(records: Iterable[AnalysisRecord]) -> list[Any]:
    return [e for r in records for e in r.events]
