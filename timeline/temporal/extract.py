"""Text -> mentions: run the rules, keep the longest non-overlapping matches, resolve them in order.

Resolution runs left to right so anaphora ("a day earlier", "that day") can use the last
mentioned date. The only inputs are the text, the article date and the rules: no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from timeline.models import Mention, Precision, TimeValue, TimexType
from timeline.temporal.compile import Rule, Rules
from timeline.temporal.context import (QuoteTracker, SentenceIndex, TenseMarkers, article_local_zone, local_zone,
                                       sentence_markers, sentence_spans, tense_near)
from timeline.temporal.resolve import Context, resolve
from timeline.temporal.slots import fill


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    rule: Rule
    match: re.Match[str]


def find_candidates(text: str, rules: Rules, begin: int = 0) -> list[Candidate]:
    """All rule matches, reduced to the longest non-overlapping ones (ties: earlier rule wins).

    Each rule runs only on windows around the words it needs (see prefilter.py).
    """
    found: list[Candidate] = []
    all_rules = rules.rules
    for index, spans in rules.prefilter.windows(text, begin).items():
        rule = all_rules[index]
        regex = rule.regex
        has_t = "t" in regex.groupindex
        seen_end = -1
        for lo, hi in spans:
            for m in regex.finditer(text, max(lo, seen_end), hi):
                start, end = m.span("t") if has_t and m.group("t") is not None else m.span()
                if end > start:
                    found.append(Candidate(start, end, rule, m))
                seen_end = m.end()
    found.sort(key=lambda c: (-(c.end - c.start), c.rule.index, c.start))
    taken: list[Candidate] = []
    occupied = bytearray(len(text) + 1)
    for cand in found:
        if any(occupied[cand.start:cand.end]):
            continue
        occupied[cand.start:cand.end] = b"\x01" * (cand.end - cand.start)
        taken.append(cand)
    taken.sort(key=lambda c: c.start)
    return taken


_OPENING_QUOTE = ('"', "“", "`", "'", "‘")


def _quoted_title(text: str, start: int, end: int) -> bool:
    """ 'ABC's "This Week"', '"60 Minutes"': a quoted phrase in title case names a show or a work, not a time."""
    if start == 0 or text[start - 1] not in _OPENING_QUOTE:
        return False
    words = text[start:end].split()
    return len(words) > 1 and all(w[0].isupper() for w in words if w[0].isalpha())


def _postmod(text: str, cand: Candidate, limit: int, rules: Rules) -> tuple[int, str | None]:
    """The mention's end and mod once the words after it that belong to it are taken in ("the next year or so":
    APPROX; "1994 or later": ON_OR_AFTER), unless they reach into the next candidate (``limit``)."""
    regex = rules.language.postmod
    if regex is None or cand.rule.type in (TimexType.SET, None):
        return cand.end, None
    m = regex.match(text, cand.end, min(limit, cand.end + 24))
    if m is None:
        return cand.end, None
    return m.end(), rules.tables["postmod"].get(m.group("w"))


def _anchor_kind(value_template: str, timex_type: TimexType) -> str:
    if timex_type in (TimexType.DURATION, TimexType.SET):
        return "none"
    if value_template.startswith("UNDEF-LAST"):
        return "previous"
    if value_template.startswith("UNDEF") or "{year|orundef}" in value_template:
        return "dct"
    return "absolute"


class _Memory:
    """The last mentioned day, month and year, for anaphora."""

    def __init__(self) -> None:
        self.day: dt.date | None = None
        self.month: tuple[int, int] | None = None
        self.year: int | None = None
        self.quarter: tuple[int, int] | None = None

    def remember(self, value: TimeValue) -> None:
        if value.start is None or value.precision is None or value.value.startswith("XXXX"):
            return
        if value.precision.value in ("day", "hour", "minute"):
            self.day = value.start
        if value.precision.value in ("day", "hour", "minute", "week", "month"):
            self.month = (value.start.year, value.start.month)
        if value.precision.value == "quarter" and not value.value.startswith("FY"):
            self.quarter = (value.start.year, (value.start.month - 1) // 3 + 1)
        self.year = value.start.year


MAX_MENTIONS_PER_SENTENCE = 200  # date phrases read from one sentence; the rest of a longer list is not read


def find_mentions(text: str, dct: dt.date | None, rules: Rules, begin: int = 0,
                  sentences: SentenceIndex | None = None) -> list[Mention]:
    """Temporal expressions in ``text[begin:]`` with offsets into ``text`` and resolved values.

    Relative expressions that need the article date are dropped when ``dct`` is None. ``sentences``: the
    text's ``sentence_spans`` from ``begin``, when the caller has them already.
    """
    language = rules.language
    if sentences is None:
        sentences = SentenceIndex(sentence_spans(text, begin, language))
    gazetteer = rules.places
    memory = _Memory()
    mentions: list[Mention] = []
    markers: dict[tuple[int, int], TenseMarkers] = {}
    quotes = QuoteTracker(text)
    per_sentence: dict[tuple[int, int], int] = {}
    article_zone: list[str | None] = []  # the article's most named zone, found once if a mention needs it

    def most_named_zone() -> str | None:
        if not article_zone:
            article_zone.append(article_local_zone(text, begin, gazetteer))
        return article_zone[0]

    candidates = find_candidates(text, rules, begin)
    for i, cand in enumerate(candidates):
        rule, m = cand.rule, cand.match
        if rule.type is None or _quoted_title(text, cand.start, cand.end):
            continue  # a negative rule's match ("seats a week") only keeps shorter rules off its span
        end, post_mod = _postmod(text, cand, candidates[i + 1].start if i + 1 < len(candidates) else len(text), rules)
        sentence = sentences.at(cand.start)
        if per_sentence.get(sentence, 0) >= MAX_MENTIONS_PER_SENTENCE:
            continue  # a "sentence" of thousands of dates is a table or noise: work and memory stay bounded
        forced = fill(rule.tense, m, rule, rules) if rule.tense else ""
        soft = forced.startswith("~")  # "~future": the default tense, but near dates stay near ("by Jan. 14")
        relative = "exclusive" if forced.endswith("!") else "this" if forced == "this" else ""
        forced = {"this": "present"}.get(forced, forced).strip("~!")
        if not forced and sentence not in markers:
            markers[sentence] = sentence_markers(text, sentence, language)
        quoted = quotes.at(sentence, cand.start)
        tense = forced or tense_near(text, sentence, cand.start, cand.end, language, markers.get(sentence), quoted)
        zone = fill(rule.zone, m, rule, rules) if rule.zone else ""
        if zone == "LOCAL":
            zone = local_zone(text, sentence, begin, gazetteer, most_named_zone) or ""
        ctx = Context(dct, tense, memory.day, memory.month, memory.year, last_quarter=memory.quarter,
                      tense_forced=bool(forced) and not soft, relative=relative)
        value = resolve(fill(rule.value, m, rule, rules), rule.type, ctx,
                        (fill(rule.mod, m, rule, rules) if rule.mod else None) or post_mod, zone or None)
        if value is None or not value.value or "UNDEF" in value.value or "{" in value.value:
            continue
        event_when = None
        if rule.event:
            event_when = resolve(fill(rule.event, m, rule, rules), TimexType.DATE, ctx)
            if event_when is not None and event_when.start is None:
                event_when = None
        per_sentence[sentence] = per_sentence.get(sentence, 0) + 1
        mentions.append(Mention(
            start=cand.start, end=end, text=text[cand.start:end], timex=value, rule=rule.name,
            anchor=_anchor_kind(rule.value, rule.type), event_when=event_when, kind=rule.kind,  # type: ignore[arg-type]
            tense=tense, quoted=quoted,
        ))
        # "Victory Day parade" names an occasion, not a reference time; "a year ago" said of a quarter
        # (kind quarter_comparison) and "the year-ago quarter" (remember = false) are comparison points.
        if rule.remember and rule.kind != "holiday" and not (rule.kind == "quarter_comparison" and value.precision == Precision.QUARTER):
            memory.remember(value)
    return mentions
