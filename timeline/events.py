"""Mentions -> events: for each date that anchors something, the clause it dates, its sentence and places.

A pure function of (article, mentions, rules, event words): no state across articles, so articles can be
processed in parallel and cached. The language knowledge lives in lang/<lang>/events.toml.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from timeline.gazetteer import Gazetteer
from timeline.lang import read_toml
from timeline.models import (PRECISION_RANK, Article, Confidence, DateSource, Event, EventStatus, Mention, Precision,
                             TimeValue, TimexType)
from timeline.temporal.compile import Rules, Table, word_set_regex
from timeline.temporal.context import SentenceIndex, in_quotation, sentence_spans
from timeline.temporal.prefilter import DIGIT, derive_anchors, gated

TITLE_WORDS = 14
ATTRIBUTION_WORDS = 6  # "Union officials said": who said it, at most this many words
SUBJECT_WORDS = 10  # a subject taken from the start of the sentence is at most this long
REPORT_WORDS = 8  # a clause this short before "that ..." is a report whose title says what was reported
PERIOD_END_GAP = 20  # "the quarter, which ended Dec. 30": at most this many characters between period and end
PRONOUN_SENTENCES = 2  # a pronoun stands for a name of its sentence or of the sentences this far before
COMPANY_SENTENCES = 4  # "the company" stands for the subject of one of the sentences this far before
PRONOUN_SUBJECT_WORDS = 6  # "It" stands for the previous sentence's subject when it is at most this long
_WORD = re.compile(r"[\w’'-]+", re.UNICODE)
# A comma inside a number ("14,000") or a spaced hyphen inside a name ("Wal - Mart") is no boundary; a parenthesis
# is none either (a clause inside one is bounded by it: see clause_around).
# gated: the same matches, most positions refused after one character test (prefilter.first_char_gate)
_BOUNDARY_PUNCT = gated(r"(?<!\d),|,(?!\d|\s\d{4}\b)|;|:(?<!\d:)|:(?!\d)|\s[—–-]\s|—|–")
_SPACED_NAME = gated(r"(?<![\w'’])[A-Z]\w*\s-\s[A-Z]")
_PARENTHESIS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_SEGMENT_LEAD = re.compile(r"[\s,;:”\"]*")
_NAME = re.compile(r"(?<![\w'’])[A-Z][\w’'.-]*[\w]")
_MID_NAME = re.compile(r"(?<=[a-z0-9,;:] )[A-Z][\w’'.-]*[\w]")
_DATELINE = re.compile(r"^[A-Z][A-Z .,]+\s*[-–—]+\s*")
# Quotes around a whole clause add nothing to a title; unbalanced ones would confuse a reader.
_LEAD_PUNCT = re.compile(r"^[\s,;:—–-]+")
_STRAY = gated(r"^[\s,;:.—–-]+|[\s,;:.—–-]+$")


@dataclass(frozen=True)
class Stemmer:
    """A light suffix stripper (suffixes from the language's data)."""

    suffixes: tuple[str, ...]
    y_suffixes: frozenset[str]
    keep_endings: tuple[str, ...]
    possessives: tuple[str, ...]
    # the possessives as a lower-cased word ends in them once "’" is written "'" (each once, in order)
    folded_possessives: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        folded = tuple(dict.fromkeys(p.replace("’", "'") for p in self.possessives))
        object.__setattr__(self, "folded_possessives", folded)


@dataclass(frozen=True)
class NotEvent:
    """A check that a date phrase dates no happening of its sentence (events_en.toml [[not_event]])."""

    kind: str
    before: re.Pattern[str] | None = None  # matched against the sentence up to the phrase (anchored with $)
    after: re.Pattern[str] | None = None  # matched from the end of the phrase on
    phrase: re.Pattern[str] | None = None  # matched against the whole phrase
    with_other_date: bool = False  # only when another date of the sentence dates a happening
    coarser_than: Precision | None = None  # only for values coarser than this ("since 2008", not "since Tuesday")
    mention_kind: str | None = None  # only for phrases of a rule of this kind
    # words (lower case) one of which every match of ``before`` holds (prefilter.derive_anchors): where the
    # sentence before the phrase holds none, the search cannot match; None: always search
    before_words: tuple[str, ...] | None = None

    def applies(self, text: str, sentence: tuple[int, int], mention: Mention, ascii_before: str | None = None) -> bool:
        """``ascii_before``: text[sentence[0]:mention.start] lower-cased when it is ASCII (else None), where
        a literal of ``before`` matches exactly as its lower-case form does (no İ, ſ or Kelvin sign)."""
        if self.mention_kind is not None and mention.kind != self.mention_kind:
            return False
        precision = (mention.event_when or mention.timex).precision
        if self.coarser_than is not None and precision is not None and \
                PRECISION_RANK[precision] >= PRECISION_RANK[self.coarser_than]:
            return False
        # the anchored tests first: the search of the words before the phrase costs the most
        return ((self.phrase is None or self.phrase.fullmatch(mention.text) is not None)
                and (self.after is None or self.after.match(text, mention.end, sentence[1]) is not None)
                and (self.before is None or (
                    (ascii_before is None or self.before_words is None or any(w in ascii_before for w in self.before_words))
                    and self.before.search(text, sentence[0], mention.start) is not None)))


@dataclass(frozen=True)
class EventRules:
    clause_openers: re.Pattern[str]
    scheduled: re.Pattern[str]
    reported: re.Pattern[str]
    stopwords: frozenset[str]
    synonyms: dict[str, str]
    date_words: frozenset[str]
    honorific: re.Pattern[str]
    gazetteer: Gazetteer
    leading_prep: re.Pattern[str]  # prepositions left at the end of a title's part before the date
    drop_opener: re.Pattern[str]  # a subordinating word at the start of a title
    reduced_clause: re.Pattern[str]  # "that it signed", "declared by": a clause about the noun phrase before it
    determiner: re.Pattern[str]
    ends_with_complementizer: re.Pattern[str]  # "... claimed that," right before a date set off by commas
    complementizer_punct: re.Pattern[str]  # "that," left with stray punctuation once a date is cut out
    participle_start: re.Pattern[str]  # a clause opened by a present participle ("marking ...")
    participle_suffix: str
    adverb_suffix: str
    verb_like_endings: tuple[str, ...]
    possessives: tuple[str, ...]
    name_run: re.Pattern[str]  # capitalized words, with the particles a name may hold ("Bank of England")
    stemmer: Stemmer
    not_actors: frozenset[str] = frozenset()
    happening_name: re.Pattern[str] | None = None  # a run naming a war or a holiday ("World War II")
    organization_tail: re.Pattern[str] | None = None  # the rest of an organization's name after a place
    not_events: tuple[NotEvent, ...] = ()
    verb_start: re.Pattern[str] | None = None  # a clause opened by a verb (after a relative pronoun or "and")
    past_verb_start: re.Pattern[str] | None = None  # ", emerged": a past-tense verb or participle after a comma
    said_before: re.Pattern[str] | None = None  # "GM said (on Friday) (that)" right before a pronoun
    relative_start: re.Pattern[str] | None = None
    relative_title: re.Pattern[str] | None = None  # "iAd, which goes live": a title that is a name and its clause
    complementizer_start: re.Pattern[str] | None = None
    complementizer_word: re.Pattern[str] | None = None
    coordinated_verb: re.Pattern[str] | None = None  # " and took": a second verb of the same subject
    attribution: re.Pattern[str] | None = None  # "Union officials said (that) ...": who said it, at a title's start
    period_end: re.Pattern[str] | None = None  # "the quarter [ended] Aug. 26": a date that ends a period
    np_link: re.Pattern[str] | None = None  # "version [of] the 777": joins a noun phrase to the one it names
    joiner_only: re.Pattern[str] | None = None  # the words between two dates cut out of a title ("March [and] June")
    verb_word: re.Pattern[str] | None = None  # a finite verb anywhere
    subject_pronoun: re.Pattern[str] | None = None  # a sentence opened by "He", "It" ...
    person_pronoun: re.Pattern[str] | None = None  # a title opened by "He"/"She"
    thing_pronoun: re.Pattern[str] | None = None  # a title opened by "It"
    company_noun: re.Pattern[str] | None = None  # a title opened by "The company"
    expletive: re.Pattern[str] | None = None  # "It is unclear whether": an "it" that stands for nothing
    within_period: frozenset[str] = frozenset()  # "earlier this year": a happening inside the current period
    modifier_after: re.Pattern[str] | None = None  # "Tuesday['s] gains": a date that stays in a title
    keep_before: re.Pattern[str] | None = None  # "has until [May 31] to": a deadline that stays in a title
    trailing_words: frozenset[str] = frozenset()  # words that cannot end a title ("... the Olympics and")
    ranking_openers: frozenset[str] = frozenset()  # "after" in "the second largest carmaker after GM"
    ranking_before: re.Pattern[str] | None = None


def _gated(regex: re.Pattern[str]) -> re.Pattern[str]:
    return gated(regex.pattern, regex.flags)


def _words_alt(words: list[str]) -> str:
    return "|".join(map(re.escape, words)) or "(?!)"


def load_event_rules(lang: str, places: Gazetteer) -> EventRules:
    """The event step's words of one language (load once and pass it on; ``places`` as the resolver has them)."""
    data = read_toml(lang, "events.toml")
    stem_data = data["stemming"]
    adverb, participle = re.escape(data["adverb_suffix"]), re.escape(data["participle_suffix"])
    past_participle = re.escape(data["past_participle_suffix"])
    return EventRules(
        clause_openers=re.compile(r"\s(?:" + "|".join(re.escape(w) for w in data["clause_openers"]) + r")\s", re.IGNORECASE),
        scheduled=_gated(word_set_regex(data["scheduled"])),
        reported=_gated(word_set_regex(data["reported"])),
        stopwords=frozenset(data["stopwords"]),
        synonyms={w: term for term, words in data.get("synonyms", {}).items() for w in words},
        date_words=frozenset(data["date_words"]),
        # "[Chinese] President " before a capitalized name; the demonym goes with the office
        honorific=gated(r"(?:\b[A-Z][a-z]+\s+)?(?:" + "|".join(re.escape(h) for h in data["honorifics"]) + r")\s+(?=[A-Z])"
                        rf"(?!(?:{_words_alt(data['honorific_name_words'] + data['organization_heads'] + data['happening_heads'])})(?![\w-]))"),
        gazetteer=places,
        leading_prep=gated(rf"(?:\b(?:{_words_alt(data['title_leading_words'])})\s+)+$", re.IGNORECASE),
        drop_opener=re.compile(rf"^\s*(?:{_words_alt(data['title_drop_openers'])})\s+", re.IGNORECASE),
        reduced_clause=re.compile(
            rf"[\s,;:—–-]*(?:{_words_alt(data['relative_pronouns'])})?\s*(?:(?:{_words_alt(data['subject_pronouns'])})\s+)?"
            rf"(?:\w+{adverb}\s+)?\w+{past_participle}\b", re.IGNORECASE),
        determiner=gated(rf"\b(?:{_words_alt(data['determiners'])})\b", re.IGNORECASE),
        ends_with_complementizer=re.compile(rf"\b(?:{_words_alt(data['complementizers'])})[\s,]*$", re.IGNORECASE),
        complementizer_punct=re.compile(rf"\b({_words_alt(data['complementizers'])})[,;:]+\s"),
        participle_start=re.compile(rf"[\s,;:—–-]*[a-z]+{participle}\b"),
        participle_suffix=data["participle_suffix"],
        adverb_suffix=data["adverb_suffix"],
        verb_like_endings=tuple(data["verb_like_endings"]),
        possessives=tuple(data["possessives"]),
        name_run=gated(r"(?<![\w'’.-])[A-Z][\w’'.-]*[\w](?:\s+(?:(?:" + _words_alt(data["name_particles"])
                       + r")\s+)?[A-Z][\w’'.-]*[\w])*"),
        stemmer=Stemmer(tuple(stem_data["suffixes"]), frozenset(stem_data["y_suffixes"]),
                        tuple(stem_data["keep_endings"]), tuple(data["possessives"])),
        not_actors=frozenset(data.get("not_actors", [])),
        happening_name=_ending_with(data.get("happening_heads", [])),
        organization_tail=_tail_ending_with(data.get("organization_heads", [])),
        not_events=tuple(_not_event(raw) for raw in data.get("not_event", [])),
        # a bare "-ed" word after a comma is rather a participle about the noun before it ("the 777, announced
        # last November"): it opens a verb clause only after "and" or a relative pronoun
        verb_start=re.compile(rf"[\s,;:—–-]*(?:(?:{_words_alt(data['relative_pronouns'] + data['coordinators'])})\s+"
                              rf"(?:\w+{adverb}\s+)?(?:{_words_alt(data['finite_verbs'])}|\w+{past_participle})"
                              rf"|(?:{_words_alt(data['subject_relatives'])})\s+(?:\w+{adverb}\s+)?"
                              rf"(?-i:[a-z]+{re.escape(data['present_suffix'])})"
                              rf"|(?:\w+{adverb}\s+)?(?:{_words_alt(data['finite_verbs'])}))\b", re.IGNORECASE),
        said_before=re.compile(rf"\b(?:{_words_alt(data['saying_verbs'])})\b[^,;:.!?\"“”]{{0,30}}?(?:\b(?:{_words_alt(data['complementizers'])})\s+)?$",
                               re.IGNORECASE),
        past_verb_start=re.compile(rf"[\s,;:—–-]*(?:\w+{adverb}\s+)?(?-i:[a-z]+{past_participle})\b"),
        coordinated_verb=re.compile(rf"\s(?:{_words_alt(data['coordinators'])})\s+(?:\w+{adverb}\s+)?"
                                    rf"(?:{_words_alt(data['finite_verbs'])}|[a-z]+{past_participle})\b"),
        attribution=re.compile(rf"(?:\S+\s+){{1,{ATTRIBUTION_WORDS}}}?(?:{_words_alt(data['saying_verbs'])})\s+"
                               rf"(?:(?:{_words_alt(data['complementizers'])})\s+)?", re.IGNORECASE),
        period_end=re.compile(rf"\b(?:{_words_alt(data['period_end_words'])})\s+$", re.IGNORECASE),
        np_link=re.compile(rf"\s(?:{_words_alt(data['noun_phrase_links'])})\s+$", re.IGNORECASE),
        joiner_only=re.compile(rf"[\s,]*(?:(?:{_words_alt(data['date_joiners'] + data['period_end_words'])})[\s,]*)*",
                               re.IGNORECASE),
        complementizer_word=gated(rf"\b(?:{_words_alt(data['complementizers'])})\s+", re.IGNORECASE),
        complementizer_start=re.compile(rf"(?:{_words_alt(data['complementizers'])})\s", re.IGNORECASE),
        relative_title=re.compile(rf"([^,;:]{{1,60}}?),\s+(?:{_words_alt(data['subject_relatives'])})\s+([^,;:]+)", re.IGNORECASE),
        relative_start=re.compile(rf"[\s,;:—–-]*(?:{_words_alt(data['relative_pronouns'])})\b", re.IGNORECASE),
        verb_word=re.compile(rf"\b(?:{_words_alt(data['finite_verbs'])}|[a-z]+{past_participle})\b"),
        subject_pronoun=re.compile(rf"(?:{_words_alt(data['subject_pronouns'])})\b", re.IGNORECASE),
        person_pronoun=re.compile(rf"(?:{_words_alt(data['person_pronouns'])})\b", re.IGNORECASE),
        thing_pronoun=re.compile(rf"(?:{_words_alt(data['thing_pronouns'])})\b", re.IGNORECASE),
        company_noun=re.compile(rf"(?:{_words_alt(data['company_nouns'])})\b", re.IGNORECASE),
        expletive=re.compile(rf"\w+\s+(?:\w+\s+){{0,3}}?(?:{_words_alt(data['expletive_followers'])})\b", re.IGNORECASE),
        within_period=frozenset(w.lower() for w in data.get("within_period", [])),
        trailing_words=frozenset(data.get("title_trailing_words", [])),
        ranking_openers=frozenset(data.get("ranking_openers", [])),
        ranking_before=re.compile(data["ranking_before"]) if "ranking_before" in data else None,
        modifier_after=re.compile(data["title_modifier_after"]),
        keep_before=re.compile(data["title_keep_before"], re.IGNORECASE) if "title_keep_before" in data else None,
    )


def _not_event(raw: dict) -> NotEvent:
    def pattern(key: str) -> re.Pattern[str] | None:
        return re.compile(raw[key], re.IGNORECASE) if key in raw else None
    return NotEvent(kind=raw["kind"], before=pattern("before"), after=pattern("after"), phrase=pattern("phrase"),
                    with_other_date=bool(raw.get("with_other_date", False)),
                    coarser_than=Precision(raw["coarser_than"]) if "coarser_than" in raw else None,
                    mention_kind=raw.get("mention_kind"),
                    before_words=_required_words(raw["before"]) if "before" in raw else None)


def _required_words(pattern: str) -> tuple[str, ...] | None:
    """ASCII words one of which every match of ``pattern`` (case-insensitive) holds, or None."""
    anchors = derive_anchors(pattern)
    if anchors is None or DIGIT in anchors:
        return None
    words = tuple(sorted(a.lstrip("=") for a in anchors))  # a whole-word anchor is also a substring
    return words if all(w.isascii() and w for w in words) else None


def quoted(text: str, sentence: tuple[int, int], mention: Mention) -> bool:
    """Inside a direct quotation, also one opened in an earlier sentence of the paragraph ("... said, "Today is
    a great day. ... today is Boeing's day."")."""
    if mention.quoted:
        return True
    before = text[text.rfind("\n", 0, sentence[0]) + 1:mention.start]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def not_event_kind(text: str, sentence: tuple[int, int], mention: Mention, er: EventRules,
                   other_dates: bool = True) -> str | None:
    """The kind of the first check saying that ``mention`` dates no happening of its sentence, if any.

    ``other_dates``: whether another date phrase of the sentence dates a happening (for checks that need one)."""
    alone, beside = not_event_kinds(text, sentence, mention, er)
    return beside if other_dates else alone


def not_event_kinds(text: str, sentence: tuple[int, int], mention: Mention, er: EventRules) -> tuple[str | None, str | None]:
    """The first not-event kind of the checks that need no other date, and of all checks."""
    if mention.event_when is not None and mention.event_when.precision is not None and \
            PRECISION_RANK[mention.event_when.precision] <= PRECISION_RANK[Precision.YEAR]:
        return "offset", "offset"  # "three years after it was first due": a rough offset back from the article's date
    if mention.anchor == "previous" and quoted(text, sentence, mention):
        return "quoted-offset", "quoted-offset"
    if mention.kind == "quarter_comparison" and mention.timex.precision == Precision.QUARTER:
        return "baseline", "baseline"  # "up from $4 million a year earlier" in an earnings report (rules.toml)  # "'one year after launching the iPhone', he said": the speaker's now
    beside = None
    before = text[sentence[0]:mention.start]
    ascii_before = before.lower() if before.isascii() else None
    for check in er.not_events:
        if check.applies(text, sentence, mention, ascii_before):
            if not check.with_other_date:
                return check.kind, beside or check.kind
            beside = beside or check.kind
    return None, beside


def _ending_with(heads: list[str]) -> re.Pattern[str] | None:
    return re.compile(r"(?:^|\s)(?:" + "|".join(map(re.escape, heads)) + r")$") if heads else None


def _tail_ending_with(heads: list[str]) -> re.Pattern[str] | None:
    """Capitalized words right after a place that end in one of ``heads`` ("Shanghai| Cooperation Organization")."""
    if not heads:
        return None
    return gated(r"(?:\s+[A-Z][\w’'.-]*)*?\s+(?:" + "|".join(map(re.escape, heads)) + r")(?![\w’'])")


def stem(word: str, stemmer: Stemmer) -> str:
    """A light suffix stripper: enough to match "arrived"/"arrives"/"arriving" and "talks"/"talk"."""
    w = word.lower().replace("’", "'")
    for possessive in stemmer.folded_possessives:
        if w.endswith(possessive):
            w = w[:-len(possessive)]
            break
    if w.endswith(stemmer.keep_endings) or not w.endswith(stemmer.suffixes):
        return w  # most words: no suffix to cut (one C-level test each instead of a loop)
    for suffix in stemmer.suffixes:
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)] + ("y" if suffix in stemmer.y_suffixes else "")
    return w


def _bare(word: str, possessives: tuple[str, ...]) -> str:
    """The word without a possessive ending ("Putin’s" -> "Putin")."""
    for possessive in possessives:
        word = word.removesuffix(possessive)
    return word


def _term(token: str, rules: EventRules) -> str | None:
    """The term of one word token, None for a stopword, a number or a single letter."""
    word = token.strip("-'’")
    lower = word.lower()
    if len(word) < 2 or lower in rules.stopwords or word.isdigit():
        return None
    return rules.synonyms.get(lower) or stem(word, rules.stemmer)


def content_terms(text: str, rules: EventRules) -> list[str]:
    """Stemmed content words; synonyms ("meeting", "talks") become one term."""
    return [term for token in _WORD.findall(text) if (term := _term(token, rules)) is not None]


class Terms:
    """``content_terms`` for the pieces of one article's text: the clauses and sentences around its dates
    overlap, so each distinct word is stemmed once. Made per article, dropped with its analysis."""

    def __init__(self, rules: EventRules) -> None:
        self.rules = rules
        self._memo: dict[str, str | None] = {}

    def __call__(self, text: str) -> list[str]:
        memo, rules = self._memo, self.rules
        terms = []
        for token in _WORD.findall(text):
            if token in memo:
                term = memo[token]
            else:
                term = memo[token] = _term(token, rules)
            if term is not None:
                terms.append(term)
        return terms


def _boundaries(text: str, start: int, end: int, rules: EventRules, cuts: tuple[int, ...] = ()) -> list[int]:
    points = [start, end, *(c for c in cuts if start < c < end)]
    inside_names = {m.start() + m.group(0).index(" - ") for m in _SPACED_NAME.finditer(text, start, end)}
    points += [m.start() for m in _BOUNDARY_PUNCT.finditer(text, start, end) if m.start() not in inside_names]
    points += [m.start() + 1 for m in rules.clause_openers.finditer(text, start, end) if not _in_ranking(text, m, start, rules)]
    if rules.coordinated_verb is not None:  # "He fought cancer in 2004 | and took six months off in early 2009"
        points += [m.start() + 1 for m in rules.coordinated_verb.finditer(text, start, end)]
    return sorted(set(points))


def _in_ranking(text: str, opener: re.Match[str], start: int, rules: EventRules) -> bool:
    """An opener that is a preposition of a ranking ("the second largest carmaker [after] General Motors")."""
    if rules.ranking_before is None or opener.group(0).strip().lower() not in rules.ranking_openers:
        return False
    return rules.ranking_before.search(text, max(start, opener.start() - RANKING_CHARS), opener.start()) is not None


RANKING_CHARS = 40  # a ranking's words ("second largest carmaker") end this close before its "after"


def clause_around(text: str, sentence: tuple[int, int], start: int, end: int, rules: EventRules,
                  cuts: tuple[int, ...] = (), terms: Terms | None = None) -> tuple[int, int]:
    """The clause holding [start, end): from the last boundary before it to the first after it.

    A thin clause (fewer than three content words besides the date) takes in the clause before
    it (news puts the main clause first), unless that one is a quotation, else the one after.
    A clause opened by a participle ("marking ...") takes in the main clause before it.
    ``cuts`` are the ends of other date phrases: two dates in one clause date two happenings.
    ``terms``: the article's ``Terms`` (else content words are read afresh).
    """
    terms = terms or Terms(rules)
    group = next((m for m in _PARENTHESIS.finditer(text, *sentence) if m.start() < start and end < m.end()), None)
    if group is not None:  # "the iPhone (which was presented on Wednesday)": the clause is inside the parenthesis
        sentence = (group.start() + 1, group.end() - 1)
    points = _boundaries(text, *sentence, rules, cuts)
    left = max((p for p in points if p <= start), default=sentence[0])
    right = min((p for p in points if p >= end), default=sentence[1])
    if subject_of(text, sentence, (left, right), rules) is not None:
        return left, right  # "The A380, the largest plane, [was set to land on Monday]": the title takes the subject
    if rules.reduced_clause.match(text, left):
        # "a three-day ceasefire — unilaterally declared by Putin last month —", "the partnership that
        # it signed in 2022": the clause is about the noun phrase just before it
        before = [p for p in points if p < left]
        np_start = _noun_phrase_start(text, before[-1] if before else sentence[0], left, rules)
        if np_start is not None:
            return np_start, right
    if _set_off_after_that(text, points, left, right, start, end, rules, terms):
        # "the air force claimed that, overnight, Russia launched bombs": the date dates the clause after it,
        # which the clause before "that" attributes
        before = [p for p in points if p < left]
        after = [p for p in points if p > right]
        return before[-1], after[0] if after else sentence[1]
    for _ in range(2):
        thin = len(terms(text[left:start] + " " + text[end:right])) < 3
        if not thin and not rules.participle_start.match(text, left):
            break
        before = [p for p in points if p < left]
        after = [p for p in points if p > right]
        if after and thin and rules.complementizer_start is not None and rules.complementizer_start.match(text, right):
            right = after[0]  # "Jobs said [Friday] | that Apple will give owners a free case": what was said
        elif before and not _is_quoted(text, sentence, before[-1], left):
            if len(before) > 1 and _is_appositive(text, before[-1], left, rules):
                left = before[-2]  # "launched the iTunes Music Store, [a online music store,] on April 28, 2003"
            else:
                left = before[-1]
            if subject_of(text, sentence, (left, right), rules) is not None:
                break  # "Deliveries to Singapore Airlines, its launch customer, [are not due | until October]"
        elif after and thin:
            right = after[0]
        else:
            break
    # "In New York Stock Exchange composite trading yesterday, | Magna shares closed at $9.625", "In a Wednesday
    # media event, | Apple released ...": the date of a framing phrase dates the main clause after it
    first = _WORD.search(text, left, right)
    frame_end = min((p for p in points if p > left and not start <= p < end), default=right)
    framing = first is not None and rules.leading_prep.fullmatch(first.group(0) + " ") is not None
    if (framing and start < frame_end and text[frame_end:frame_end + 1] == "," and rules.verb_word is not None
            and not rules.verb_word.search(text, left, frame_end)):
        if frame_end < right:
            left = frame_end
        elif after := [p for p in points if p > right]:
            left, right = right, after[0]
    return _with_what_was_said(text, sentence, left, right, points, rules)


def _with_what_was_said(text: str, sentence: tuple[int, int], left: int, right: int, points: list[int],
                        rules: EventRules) -> tuple[int, int]:
    """A short clause followed by "that ..." takes in what was said or told ("Xi has told Putin | that his
    country will stand with Moscow")."""
    after = [p for p in points if p > right]
    if (after and rules.complementizer_start is not None and rules.complementizer_start.match(text, right)
            and len(text[left:right].split()) <= REPORT_WORDS):
        return left, after[0]
    return left, right


def subject_of(text: str, sentence: tuple[int, int], clause: tuple[int, int], rules: EventRules) -> tuple[int, int] | None:
    """The subject a clause opened by a verb takes from its sentence: the noun phrase a relative pronoun stands
    for ("Singapore Airlines, [which will be the first to operate it]"), else the sentence's first words before
    its first verb ("The Boeing 787, or Dreamliner, [is a mid-sized airliner]", "He fought cancer in 2004 [and
    took six months off]"). None when the clause opens the sentence or no short subject is found."""
    left = clause[0]
    if rules.verb_start is None or left <= sentence[0]:
        return None
    if not rules.verb_start.match(text, left):
        return _subject_after_aside(text, sentence, left, rules)
    end = left
    while end > sentence[0] and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    if rules.relative_start is not None and rules.relative_start.match(text, left):
        seg_start = max((p for p in _boundaries(text, *sentence, rules) if p < end), default=sentence[0])
        begin = _antecedent_start(text, seg_start, end, rules)
        return (begin, end) if begin is not None and begin < end else None
    # the subject of the clause a "that" opens ("It should be mentioned that [the stock capital of Apple] tripled
    # in 2004, doubled in 2005"), else of the sentence
    base, that = sentence[0], None
    if rules.complementizer_word is not None:
        for that in rules.complementizer_word.finditer(text, sentence[0], end):
            base = that.end()
    if that is not None and rules.verb_word is not None and rules.verb_word.match(text, base):
        # "the update [that] was released as a beta and [is scheduled for release]": "that" is a relative
        # pronoun, and the clause is about the noun phrase before it
        np_end = len(text[:that.start()].rstrip())
        seg_start = max((p for p in _boundaries(text, *sentence, rules) if p < np_end), default=sentence[0])
        begin = _antecedent_start(text, seg_start, np_end, rules)
        return (begin, np_end) if begin is not None and begin < np_end else None
    pronoun = rules.subject_pronoun.match(text, base) if rules.subject_pronoun is not None else None
    if pronoun is not None and not (rules.expletive is not None and rules.expletive.match(text, base)):
        return base, pronoun.end()  # "He fought cancer in 2004 [and took six months off]"
    first = _BOUNDARY_PUNCT.search(text, base, end)
    stop = first.start() if first else end
    verb = rules.verb_word.search(text, base, stop) if rules.verb_word is not None else None
    if verb is not None:
        stop = verb.start()
    elif first is None:
        return None  # no verb and no boundary: the words before the clause are not a subject of their own
    while stop > base and text[stop - 1].isspace():
        stop -= 1
    words = text[base:stop].split()
    if not 1 <= len(words) <= SUBJECT_WORDS or (base == sentence[0] and not (words[0][0].isupper() or words[0][0] in "\"“")):
        return None
    if rules.drop_opener.match(text[base:stop] + " ") or rules.leading_prep.fullmatch(words[0] + " "):
        return None  # "In a ceremony, ...", "After the talks, ...": no subject
    if pronoun is not None:
        return None  # "It is unclear whether ...": no subject to take
    return base, stop


def _subject_after_aside(text: str, sentence: tuple[int, int], left: int, rules: EventRules) -> tuple[int, int] | None:
    """The subject of a past-tense verb right after a relative clause set off by commas: the name the relative
    clause is about ("Chrysler, which filed for bankruptcy on April 30, [emerged from bankruptcy on
    Wednesday]"). Elsewhere a bare "-ed" word after a comma is rather a participle ("the 777, announced ...")."""
    if rules.past_verb_start is None or rules.relative_start is None or not rules.past_verb_start.match(text, left):
        return None
    points = [p for p in _boundaries(text, *sentence, rules) if p < left]
    # the relative pronoun opening the aside that ends at ``left`` (no comma inside it: "who has led GM since 2000")
    opening = next((p for p in reversed(points) if rules.relative_start.match(text, p)), None)
    if opening is None or "," in text[opening:left].lstrip(" ,"):
        return None
    end = opening
    while end > sentence[0] and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    begin = _antecedent_start(text, max((p for p in points if p < end), default=sentence[0]), end, rules)
    return (begin, end) if begin is not None and begin < end else None


def _antecedent_start(text: str, seg_start: int, seg_end: int, rules: EventRules) -> int | None:
    """Where the noun phrase ending at seg_end begins: its determiner, else its run of capitalized words."""
    found = _noun_phrase_start(text, seg_start, seg_end, rules)
    run = None
    for m in rules.name_run.finditer(text, seg_start, seg_end):
        run = m
    if run is not None and run.end() >= seg_end - 1 and (found is None or run.start() > found):
        # "will replace [Mac OS X Snow Leopard], which ...": the name the clause follows, with a determiner
        # right before it ("[the iTunes Music Store]")
        det = rules.determiner.match(text, found) if found is not None else None
        if det is not None and not text[det.end():run.start()].strip():
            return found
        return run.start()
    return found


def _is_appositive(text: str, start: int, end: int, rules: EventRules) -> bool:
    """text[start:end] is a noun phrase set off by commas: a comma, a determiner, no verb ("[, its launch customer]")."""
    m = re.match(r"\s*,\s*", text[start:end])
    return (m is not None and rules.determiner.match(text, start + m.end()) is not None
            and not (rules.verb_word is not None and rules.verb_word.search(text, start, end)))


def _set_off_after_that(text: str, points: list[int], left: int, right: int, start: int, end: int,
                        rules: EventRules, terms: Terms) -> bool:
    """The date stands alone between commas right after a "that" ("claimed that, overnight, Russia ...")."""
    if terms(text[left:start] + " " + text[end:right]):
        return False
    before = [p for p in points if p < left]
    return bool(before) and rules.ends_with_complementizer.search(text, before[-1], left) is not None


def _noun_phrase_start(text: str, seg_start: int, seg_end: int, rules: EventRules) -> int | None:
    """Where the last noun phrase opened by a determiner begins in text[seg_start:seg_end], if any, with the
    phrase it belongs to ("[an all-freight version of] the 777")."""
    starts = [m.start() for m in rules.determiner.finditer(text, seg_start, seg_end)]
    if not starts:
        return None
    found = len(starts) - 1
    while found > 0 and rules.np_link is not None and rules.np_link.search(text, starts[found - 1], starts[found]):
        found -= 1
    return starts[found]


def _is_quoted(text: str, sentence: tuple[int, int], start: int, end: int) -> bool:
    """True if the segment's words sit inside a quotation (a clause of someone's speech)."""
    m = _SEGMENT_LEAD.match(text, start, end)
    return in_quotation(text, sentence, m.end() if m else start)


def clause_after(text: str, sentence: tuple[int, int], pos: int, rules: EventRules) -> tuple[int, int]:
    """The clause that starts at ``pos`` ("after [the two leaders held talks in the Kremlin]")."""
    points = [p for p in _boundaries(text, pos, sentence[1], rules) if p > pos + 1]
    return pos, min(points, default=sentence[1])


def make_title(text: str, clause: tuple[int, int], mention: Mention | None, rules: EventRules,
               subject: tuple[int, int] | None = None, others: tuple[Mention, ...] = (), name: str | None = None) -> str:
    """The clause in the source's own words, without its date phrases, at most TITLE_WORDS words.

    ``subject``: words of the sentence the clause takes as its subject (it opens with a verb); ``others``: other
    date phrases of the clause, cut out too ("made an appearance [in March and June]"); ``name``: who a
    pronoun opening the title stands for ("He" -> "Jobs"). A date phrase that is the clause's subject stays
    ("Sunday was chosen as ...", "Monday's email announcement marked ...")."""
    left, right = clause
    cuts = [m for m in (mention, *others) if m is not None and left <= m.start and m.end <= right and m.kind != "holiday"
            and not _modifies_noun(text, m, left, right, rules)]
    if mention in cuts and not text[left:mention.start].strip() and _opens_like_subject(text, mention.end, right, rules):
        cuts.remove(mention)
    raw, pos = "", left
    for m in sorted(cuts, key=lambda m: m.start):
        if m.start < pos:
            continue
        piece = rules.leading_prep.sub("", text[pos:m.start])
        if raw and (not piece.strip(" ,") or (rules.joiner_only is not None and rules.joiner_only.fullmatch(piece))):
            piece = ""  # "in March [and] June": the words between two cut dates go with them
        raw += piece + " "
        pos = m.end
    raw += text[pos:right]
    raw = _without_opening(rules.drop_opener, _without_opening(_LEAD_PUNCT, raw))  # ", and the company's stock ..."
    raw = _without_framing_word(raw, rules)
    if subject is not None:
        raw = text[subject[0]:subject[1]] + " " + _STRAY.sub("", raw)
    raw = " ".join(raw.split())
    if " ," in raw or " ;" in raw or " :" in raw or " ." in raw:  # the only spaces left are single ones
        raw = _SPACE_BEFORE_PUNCT.sub(r"\1", raw)
    # "that, , Russia" once the date is out
    raw = rules.complementizer_punct.sub(r"\1 ", re.sub(r"([,;:])[,;:]+", r"\1", raw))
    raw = rules.honorific.sub("", raw)
    if name:
        raw = _with_name(raw, name, rules)
    raw = _balance_brackets(raw)
    if rules.relative_title is not None and (rel := rules.relative_title.fullmatch(raw.strip())):
        raw = rel.group(1) + " " + rel.group(2)  # "iAd, which goes live" -> "iAd goes live"
    words = _without_opening(_DATELINE, _STRAY.sub("", raw)).split()
    if len(words) > TITLE_WORDS and rules.attribution is not None and (said := rules.attribution.match(" ".join(words))):
        # "Union officials said nearly 14,000 employees at four French sites had a two hour work stoppage …":
        # what was said, when the title is too long for both
        words = " ".join(words)[said.end():].split()
    while len(words) > 1 and len(words) <= TITLE_WORDS and words[-1].lower() in rules.trailing_words:
        words.pop()  # "... the summer Olympics and [the 2010 World Expo]"
    title = " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")
    title = _STRAY.sub("", _balance_quotes(title)).strip()
    return title[:1].upper() + title[1:]


def _modifies_noun(text: str, m: Mention, left: int, right: int, rules: EventRules) -> bool:
    """A date phrase that modifies the noun after it ("Tuesday's gains", "crude for January delivery", "post-...")
    or is a deadline ("has until May 31 to"): cut out of a title it would leave a hole ("reversing 's gains") or
    change what it says ("has to submit")."""
    if rules.modifier_after is not None and rules.modifier_after.match(text, m.end, right):
        return True
    if rules.keep_before is not None and rules.keep_before.search(text, max(left, m.start - 30), m.start):
        return True  # "has until May 31 to submit"
    return m.start > left and text[m.start - 1] == "-"


_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:.])")
_EMPTY_BRACKETS = re.compile(r"\s*(?:\(\s*\)|\[\s*\])")


def _without_opening(opening: re.Pattern[str], raw: str) -> str:
    """``opening.sub("", raw)`` for a pattern anchored at the start (^, no MULTILINE): one match at 0, not a scan."""
    m = opening.match(raw)
    return raw[m.end():] if m else raw


def _without_framing_word(raw: str, rules: EventRules) -> str:
    """Without an opening adverb set off by a comma ("Separately, UniFirst reported ...", "However, ...")."""
    m = re.match(r"\s*(\w+),\s+", raw)
    if m and (m.group(1).lower() in rules.stopwords or m.group(1).lower().endswith(rules.adverb_suffix)):
        return raw[m.end():]
    return raw


def _opens_like_subject(text: str, pos: int, end: int, rules: EventRules) -> bool:
    """After a date phrase that opens a clause: a possessive or a verb, so the date is what the clause is about."""
    rest = text[pos:end]
    return rest.startswith(rules.possessives) or (rules.verb_start is not None and rules.verb_start.match(text, pos) is not None
                                                  and rules.relative_start is not None
                                                  and not rules.relative_start.match(text, pos))


def _with_name(title: str, name: str, rules: EventRules) -> str:
    """The title with an opening pronoun ("He", "It", "The company") replaced by the name it stands for."""
    for pronoun in (rules.person_pronoun, rules.thing_pronoun, rules.company_noun):
        m = pronoun.match(title) if pronoun is not None else None
        if m is not None:
            return name + title[m.end():]
    return title


def _balance_brackets(raw: str) -> str:
    """Without empty brackets (a date cut out of "(2100 GMT)") or an unclosed one ("began (5 p.")."""
    if "(" in raw or "[" in raw:
        raw = _EMPTY_BRACKETS.sub("", raw)
    for opening, closing in ("()", "[]"):
        if opening not in raw and closing not in raw:
            continue  # most titles: nothing to balance
        depth, kept = 0, []
        for ch in raw:
            if ch == opening:
                depth += 1
            elif ch == closing:
                if depth == 0:
                    continue  # a closing bracket whose opening is outside the title
                depth -= 1
            kept.append(ch)
        raw = "".join(kept)
        while depth:  # cut from the last unclosed opening on
            raw, depth = raw[:raw.rindex(opening)], depth - 1
    return raw


def _balance_quotes(title: str) -> str:
    if title.count("“") != title.count("”"):
        title = title.replace("“", "").replace("”", "")
    if title.count('"') % 2:
        title = title.replace('"', "")
    return title


def _status(clause_text: str, mention: Mention, rules: EventRules) -> EventStatus:
    if mention.timex.value.startswith("XXXX-"):
        return EventStatus.RECURRING
    if mention.tense == "future" or rules.scheduled.search(clause_text):
        return EventStatus.SCHEDULED
    if rules.reported.search(clause_text):
        return EventStatus.REPORTED
    return EventStatus.HAPPENED


def _is_background(mention: Mention, when: TimeValue, article: Article, sentence: tuple[int, int],
                   within: frozenset[str] = frozenset()) -> bool:
    """Dates that frame rather than date a happening: "now", "today" in a quote, "this year"."""
    if when.value.startswith("XXXX-") and when.type != TimexType.SET:
        return False  # "Victory Day is celebrated on May 9": kept as recurring context
    if mention.kind == "deictic" or when.start is None:
        return True
    if mention.kind == "today" and quoted(article.text, sentence, mention):
        return True
    if article.date is None or mention.anchor != "dct" or when.end is None:
        return False
    if when.precision == Precision.YEAR and when.value == f"{article.date.year:04d}":
        # "This year marks the 80th anniversary"; but "earlier this year, Apple opened a data center" happened in it
        first = mention.text.split()[0].lower() if mention.text.split() else ""
        return first not in within
    # "Their diplomacy this week comes at a pivotal moment": the current week or month, in the present
    # tense, frames the article rather than dates a happening
    current = when.start <= article.date < when.end
    return current and when.precision in (Precision.WEEK, Precision.MONTH) and mention.tense == "present"


def _participial_main_clause(text: str, sentence: tuple[int, int], mention: Mention, er: EventRules) -> tuple[int, int] | None:
    """ "Arriving in Moscow on Thursday, Xi hailed ...": the date also dates the main clause."""
    first_word = _WORD.match(text, sentence[0])
    comma = text.find(",", sentence[0], sentence[1])
    if (not first_word or not first_word.group(0).lower().endswith(er.participle_suffix) or comma < 0
            or mention.end > comma):
        return None
    return comma + 1, sentence[1]


MAX_SENTENCE_CHARS = 2000  # a longer "sentence" (a list, a table, text without full stops) is read and
                           # quoted only this far around each of its dates
MAX_EVENTS_PER_SENTENCE = 25  # a sentence naming more dates than this is a list or a table, not a statement:
                              # its first 25 dated things become events, the rest none (work and outputs stay linear)


def _window(text: str, sentence: tuple[int, int], mention: Mention, limit: int = MAX_SENTENCE_CHARS) -> tuple[int, int]:
    """The sentence, or for a very long one the stretch of at most ``limit`` characters around the
    mention, cut at spaces (so the quote and every offset stay exact)."""
    start, end = sentence
    if end - start <= limit:
        return sentence
    half = max(0, (limit - (mention.end - mention.start)) // 2)
    lo, hi = max(start, mention.start - half), min(end, mention.end + half)
    cut_lo = text.find(" ", lo, mention.start) if lo > start else -1
    cut_hi = text.rfind(" ", mention.end, hi) if hi < end else -1
    return (cut_lo + 1 if cut_lo >= 0 else lo), (cut_hi if cut_hi >= 0 else hi)


def extract_events(article: Article, mentions: list[Mention], rules: Rules, er: EventRules,
                   sentences: SentenceIndex | None = None) -> list[Event]:
    """One event per (clause, date): title, quote (the sentence), status, places and matching terms; plus the
    article's main event (its headline and lead sentence), at the publication date when no phrase dates it.

    Linear in the article: each mention looks only at its own sentence (at most ``MAX_SENTENCE_CHARS``
    around it), and finds the other dates there and the events already made by bisection (mentions
    come in text order). ``sentences``: the article's sentence spans from its body start, when the caller has
    them already (``find_mentions`` reads the same)."""
    text = article.text
    if sentences is None:
        sentences = SentenceIndex(sentence_spans(text, article.body_start, rules.language))
    events: list[Event] = []
    seen: set[tuple[int, int, str]] = set()
    seen_starts: dict[str, list[int]] = {}  # key[2] (moment or value) -> sorted starts of the keys seen
    known = _names_inside_sentences(text, er)
    people = _People(text[article.body_start:], er)
    terms = Terms(er)
    dating = _dating_mentions(article, mentions, sentences, er)
    # a recurring date in a sentence that also dates something is tied to that date, not context
    dated_sentences = {sentences.at(m.start) for m in dating if (m.event_when or m.timex).start is not None}
    dating_starts = [m.start for m in dating]
    mention_starts = [m.start for m in mentions]
    per_sentence: dict[tuple[int, int], int] = {}
    for index, mention in enumerate(dating):
        when = _day_of_part(mention.event_when or mention.timex)
        full = sentences.at(mention.start)
        if when.start is None and full in dated_sentences:
            continue
        if per_sentence.get(full, 0) >= MAX_EVENTS_PER_SENTENCE:
            continue
        sentence = _window(text, full, mention)
        if mention.event_when is not None:
            clauses = [clause_after(text, sentence, _skip_word(text, mention.end), er)]
        else:
            lo, hi = bisect.bisect_left(dating_starts, sentence[0]), bisect.bisect_left(dating_starts, sentence[1])
            cuts = tuple(m.end for i, m in enumerate(dating[lo:hi], lo) if i != index
                         and (m.timex.start or m.event_when) and not _joined(text, mention, m, er))
            clauses = [clause_around(text, sentence, mention.start, mention.end, er, cuts, terms)]
            if er.period_end is not None and (er.period_end.search(text, sentence[0], mention.start)
                                              or _ends_at_next(text, mention, mentions, er)):
                # "net income rose 21% for the third quarter ended Aug. 26": the end of the period reported on
                # dates the report, the sentence's main clause
                clauses = [_lead_clause(text, sentence, er, terms)[0]]
            main = _participial_main_clause(text, sentence, mention, er)
            if main:
                clauses.append(clause_around(text, sentence, main[0], main[0], er, terms=terms) if main[0] < main[1] else main)
        previous = sentences.before(mention.start)
        if previous is not None and previous[1] - previous[0] > MAX_SENTENCE_CHARS:
            previous = (previous[1] - MAX_SENTENCE_CHARS, previous[1])
        nearby = tuple(mentions[bisect.bisect_left(mention_starts, sentence[0]):bisect.bisect_left(mention_starts, sentence[1])])
        for clause in clauses:
            moment = when.instant.astimezone(dt.timezone.utc).isoformat() if when.instant else str(when.start)
            key = (*clause, moment)
            if when.start is None:  # recurring: one per sentence and value ("Victory Day ... on May 9")
                key = (*full, when.value)
            starts = seen_starts.get(key[2], [])
            at = bisect.bisect_left(starts, full[0])
            same_sentence_instant = at < len(starts) and starts[at] < full[1]
            if key in seen or (when.instant and same_sentence_instant):
                continue
            seen.add(key)
            bisect.insort(seen_starts.setdefault(key[2], []), key[0])
            per_sentence[full] = per_sentence.get(full, 0) + 1
            events.append(_event(article, mention, when, sentence, clause, er, previous,
                                 rules.tables.get("holiday"), known, sentences, terms, people, nearby))
    return _with_main_event(article, events, sentences, er, rules.tables.get("holiday"), known, terms)


_PART_OF_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})T(?:MO|AF|EV|DT)")


def _day_of_part(when: TimeValue) -> TimeValue:
    """An entry dated by a part of a day ("this morning", "Wednesday afternoon", "in Monday morning trading") is
    on that day: the timeline's days hold no hours it does not know (the mention keeps its TimeML value,
    2008-01-09TMO). A night stays one (TNI): it runs into the next day, so which night it was is worth saying."""
    m = _PART_OF_DAY.fullmatch(when.value)
    if m is None:
        return when
    return when.model_copy(update={"value": m.group(1), "type": TimexType.DATE})


def _joined(text: str, a: Mention, b: Mention, er: EventRules) -> bool:
    """Two date phrases of one phrase ("in March [and] June"): one clause dates both."""
    first, second = (a, b) if a.start < b.start else (b, a)
    between = text[first.end:second.start]
    return er.joiner_only is not None and bool(between.strip()) and er.joiner_only.fullmatch(between) is not None


def _ends_at_next(text: str, mention: Mention, mentions: list[Mention], er: EventRules) -> Mention | None:
    """The date that ends the period ``mention`` names, right after it ("the third quarter [ended Aug. 26]").
    ``mentions`` are in text order: the few starting just after it are found by bisection."""
    if er.period_end is None:
        return None
    for other in mentions[bisect.bisect_right(mentions, mention.end, key=lambda m: m.start):]:
        if other.start - mention.end > PERIOD_END_GAP:
            break
        if er.period_end.search(text, mention.end, other.start):
            return other
    return None


def _dating_mentions(article: Article, mentions: list[Mention], sentences: SentenceIndex, er: EventRules) -> list[Mention]:
    """The mentions that date a happening: not background ("now", "this year"), not a comparison baseline, a
    hope, a forecast or a name (events_en.toml [[not_event]])."""
    text = article.text
    mentions = _one_clock_time(text, mentions)
    candidates = [m for m in mentions
                  if not _is_background(m, m.event_when or m.timex, article, sentences.at(m.start), er.within_period)]
    kinds = {id(m): not_event_kinds(text, sentences.at(m.start), m, er) for m in candidates}
    plain = [m for m in candidates if kinds[id(m)][0] is None]
    # dates that pass even the checks that need another date: they date the sentence's own happening
    strong = {sentences.at(m.start) for m in plain if (m.event_when or m.timex).start is not None and kinds[id(m)][1] is None}
    kept = [m for m in plain if sentences.at(m.start) not in strong or kinds[id(m)][1] is None]
    # "the third quarter ended Aug. 26" is one period: its end date gives no entry of its own
    ends = {id(end) for m in kept if (end := _ends_at_next(text, m, kept, er)) is not None}
    kept = [m for m in kept if id(m) not in ends]
    return kept


def _one_clock_time(text: str, mentions: list[Mention]) -> list[Mention]:
    """A clock time followed by the same time in another zone in brackets ("at 10 a.m. (0100 GMT)", "12:30 EST
    (16:30 UTC)") is one time: the one whose zone says most (_zone_rank), as one phrase over both (so a title
    cuts both)."""
    kept: list[Mention] = []
    for m in mentions:
        first = kept[-1] if kept else None
        if (first is not None and first.timex.type == TimexType.TIME and m.timex.type == TimexType.TIME
                and _BRACKETED_NEXT.fullmatch(text, first.end, m.start) and (close := _BRACKET_CLOSE.match(text, m.end))):
            inner = m if _zone_rank(m.timex) > _zone_rank(first.timex) else first
            kept[-1] = inner.model_copy(update={"start": first.start, "end": close.end(),
                                                "text": text[first.start:close.end()]})
            continue
        if first is not None and (timed := _time_on_day(text, first, m)) is not None:
            kept[-1] = timed
            continue
        kept.append(m)
    return kept


def _time_on_day(text: str, time: Mention, day: Mention) -> Mention | None:
    """A clock time that writes no day, followed closely by the day it is on ("at midday in Tokyo today",
    "at 9 a.m. on Monday"): one phrase, the time on that day. Alone, the time would take the last day mentioned
    before it. Only a time of no known zone: a moment in UTC may fall on another day than the one written."""
    if (time.timex.type != TimexType.TIME or time.anchor != "previous" or time.timex.instant is not None
            or day.timex.type != TimexType.DATE
            or day.timex.precision != Precision.DAY or day.timex.start is None
            or not _WORDS_BETWEEN.fullmatch(text, time.end, day.start)):
        return None
    m = _CLOCK_PART.match(time.timex.value)
    if m is None or time.timex.start is None:
        return None
    date = day.timex.start
    when = time.timex.model_copy(update={
        "value": date.isoformat() + m.group(1), "start": date, "end": date + dt.timedelta(days=1),
        "edtf": date.isoformat() + time.timex.edtf[10:] if time.timex.edtf else None})
    return time.model_copy(update={"end": day.end, "text": text[time.start:day.end], "timex": when,
                                   "anchor": day.anchor})


_WORDS_BETWEEN = re.compile(r"\s+(?:[\w.’'-]+\s+){0,4}")  # "in Tokyo", "local time on": no punctuation
_CLOCK_PART = re.compile(r"\d{4}-\d{2}-\d{2}(T.*)")


def _zone_rank(when: TimeValue) -> int:
    """How well a clock time says its moment: in UTC ("16:30 UTC"), in a zone of its own ("12:30 EST"), or in
    none ("10 a.m."): the text's first one is kept unless its equivalent ranks higher."""
    if when.instant is None:
        return 0
    return 2 if when.instant.utcoffset() == dt.timedelta(0) else 1


_BRACKETED_NEXT = re.compile(r"\s*\(\s*")
_BRACKET_CLOSE = re.compile(r"\s*\)")

LEAD_SENTENCES = 3  # the headline's lead sentence is one of the article's first sentences
LEAD_MIN_WORDS = 6  # shorter lines are datelines, bylines or captions
RECENT_DAYS = 45  # a lead sentence's date this close before publication dates the article's main event
NEXT_DAY_DAYS = 7  # a day named by the sentence after an undated lead, this close before publication, dates it


# publication dates whose nearby days (RECENT_DAYS before, the next day) the calendar can hold
_CALENDAR_ROOM = (dt.date.min + dt.timedelta(days=max(RECENT_DAYS, NEXT_DAY_DAYS)), dt.date.max - dt.timedelta(days=1))


def _with_main_event(article: Article, events: list[Event], sentences: SentenceIndex, er: EventRules,
                     occasions: Table | None, known: frozenset[str], terms: Terms) -> list[Event]:
    """Mark the article's main event: what its headline and lead sentence report.

    A date of the lead sentence that falls shortly before publication ("today", "on Tuesday", "last
    week") dates it; otherwise (no date phrase, or only an older one: "begun two years ago") it is a new
    event at the publication date. Its title is the article's headline, when there is one."""
    if article.date is None or not _CALENDAR_ROOM[0] <= article.date <= _CALENDAR_ROOM[1]:
        return events  # at the very ends of the calendar the day before or after cannot be written
    lead = _lead_sentence(article, sentences, terms)
    if lead is None:
        return events
    headline = _headline_title(article.title)
    wanted = set(terms(article.title or ""))
    recent = [i for i, e in enumerate(events) if lead[0] <= e.quote_start and e.quote_end <= lead[1]
              and _recent(e.when, article.date)]
    if recent:
        best = max(recent, key=lambda i: (len(wanted.intersection(events[i].terms)), -i))
        update: dict[str, object] = {"headline": True}
        if headline:
            update["title"] = headline
        return [e.model_copy(update=update) if i == best else e for i, e in enumerate(events)]
    return [*events, _publication_event(article, lead, er, headline, occasions, known, terms,
                                        _next_day(article, events, sentences, lead))]


def _next_day(article: Article, events: list[Event], sentences: SentenceIndex, lead: tuple[int, int]) -> Event | None:
    """The one event of the sentence after an undated lead, when it is dated to a day of the week before
    publication: the day the text makes clear ("Boeing have unveiled their new 787 Dreamliner. Sunday was chosen
    as its date matches ..."; "... has made its maiden flight. The take-off, at 08:30 UTC, was normal")."""
    index = sentences.spans.index(sentences.at(lead[1] - 1))
    if index + 1 >= len(sentences.spans) or article.date is None:
        return None
    after = sentences.spans[index + 1]
    there = [e for e in events if (e.quote_start, e.quote_end) == after]
    if len({e.when.value for e in there}) != 1:
        return None  # one day, however many phrases name it ("Sunday ... when written in the American format, 7/8/07")
    when = there[0].when
    fine = when.precision is not None and PRECISION_RANK[when.precision] >= PRECISION_RANK[Precision.DAY]
    near = when.start is not None and article.date - dt.timedelta(days=NEXT_DAY_DAYS) <= when.start <= article.date
    return there[0] if fine and near else None


def _lead_sentence(article: Article, sentences: SentenceIndex, terms: Terms) -> tuple[int, int] | None:
    """The first sentence of the body (not a dateline, byline or caption), unless it shares no word with the
    headline and one of the next few does ("The iPhone only made its appearance as a prototype." before the
    sentence about Cisco's lawsuit)."""
    text = article.text
    first = list(itertools.islice((s for s in sentences.spans if len(text[s[0]:s[1]].split(None, LEAD_MIN_WORDS)) >= LEAD_MIN_WORDS
                                   and any(c.islower() for c in text[s[0]:s[1]])), LEAD_SENTENCES))
    if not first:
        return None
    wanted = set(terms(article.title or ""))
    first = [_joined_initialism(text, s, sentences) for s in first]
    if not wanted:
        return first[0]  # no headline word to share: the first sentence
    shared = [len(wanted.intersection(terms(text[s[0]:s[1]]))) for s in first]
    if shared[0] or not any(shared):
        return first[0]
    return first[shared.index(max(shared))]


_INITIALISM_END = re.compile(r"(?:\b[A-Z]\.){2,}$")


def _joined_initialism(text: str, sentence: tuple[int, int], sentences: SentenceIndex) -> tuple[int, int]:
    """A sentence cut after an initialism before a parenthesis ("... EADS N.V. | (EADS) have defeated Boeing")
    goes on in the next one."""
    if not _INITIALISM_END.search(text, sentence[0], sentence[1]):
        return sentence
    index = sentences.spans.index(sentence)
    if index + 1 < len(sentences.spans) and text[sentences.spans[index + 1][0]:][:1] == "(":
        return sentence[0], sentences.spans[index + 1][1]
    return sentence


def _recent(when: TimeValue, published: dt.date) -> bool:
    """A day, week, month or quarter that began by the publication date and ended at most RECENT_DAYS before it."""
    return (when.start is not None and when.end is not None and when.precision is not None
            and PRECISION_RANK[when.precision] >= PRECISION_RANK[Precision.QUARTER]
            and when.start <= published and when.end > published - dt.timedelta(days=RECENT_DAYS))


def _headline_title(title: str | None) -> str | None:
    if not title:
        return None
    words = _STRAY.sub("", " ".join(title.split())).split()
    if not words:
        return None
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")


def _publication_event(article: Article, lead: tuple[int, int], er: EventRules, headline: str | None,
                       occasions: Table | None, known: frozenset[str], terms: Terms, dated: Event | None = None) -> Event:
    """The main event of an article whose lead sentence has no recent date: at the day ``dated`` gives, else at
    the publication date, quoting the lead sentence. Then its date phrase is empty (at the start of the quote):
    no words of the text date it."""
    text = article.text
    day = article.date
    assert day is not None
    when = TimeValue(value=day.isoformat(), type=TimexType.DATE, precision=Precision.DAY, start=day,
                     end=day + dt.timedelta(days=1), edtf=day.isoformat())
    mention = Mention(start=lead[0], end=lead[0], text="", timex=when, rule="", anchor="dct", tense="past")
    basis = Confidence.INFERRED if article.date_source == DateSource.INFERRED else Confidence.PUBLICATION_DEFAULT
    quote = lead
    if dated is not None:  # the quote takes in the sentence whose phrase dates it
        when, mention, basis = dated.when, dated.mention, dated.dated_by
        quote = (lead[0], dated.quote_end)
    clause, subject = _lead_clause(text, lead, er, terms)
    sentence_text = text[quote[0]:quote[1]]
    return Event(
        article_id=article.id,
        when=when,
        mention=mention,
        title=headline or make_title(text, clause, None, er, subject),
        quote=sentence_text,
        quote_start=quote[0],
        quote_end=quote[1],
        status=EventStatus.REPORTED if er.reported.search(sentence_text) else EventStatus.HAPPENED,
        places=_places(text, lead, er),
        terms=sorted(set(terms(text[clause[0]:clause[1]] + " " + (article.title or "")))),
        context=sorted(set(terms(sentence_text))),
        names=_names(text, clause, lead[0], er),
        actors=_actors(text, lead, er, occasions, known),
        dated_by=basis,
        headline=True,
    )


def _lead_clause(text: str, lead: tuple[int, int], er: EventRules,
                 terms: Terms | None = None) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """The main clause of a lead sentence and the subject it takes: the first clause that is not a framing
    phrase ("In a ceremony attended by ...,", "During a media event,") and has a verb or a subject it takes
    ("The Boeing 787, or Dreamliner, | is a mid-sized airliner")."""
    starts = [lead[0]] + [p + 1 for p in _boundaries(text, *lead, er) if lead[0] < p < lead[1] - 1]
    for pos in starts:
        clause = clause_around(text, lead, pos, pos, er, terms=terms)
        first = _WORD.search(text, clause[0], clause[1])
        if first is None or er.leading_prep.fullmatch(first.group(0) + " ") or er.drop_opener.match(first.group(0) + " "):
            continue
        subject = subject_of(text, lead, clause, er)
        if subject is not None or (er.verb_word is not None and er.verb_word.search(text, *clause)):
            return clause, subject
    return clause_around(text, lead, lead[0], lead[0], er, terms=terms), None


def date_basis(mention: Mention, article: Article) -> Confidence:
    """How the mention's date was found: stated, counted from the article's date or from another event."""
    if mention.event_when is not None or mention.anchor == "previous":
        return Confidence.EARLIER_DATE
    if mention.anchor == "dct":
        return Confidence.INFERRED if article.date_source == DateSource.INFERRED else Confidence.PUBLICATION
    return Confidence.ABSOLUTE


def _skip_word(text: str, pos: int) -> int:
    """Past the word after a phrase ("a day| after| the talks" -> start of "the talks")."""
    m = re.match(r"\s*\w+\s+", text[pos:pos + 40])
    return pos + (m.end() if m else 0)


def _event(article: Article, mention: Mention, when: TimeValue, sentence: tuple[int, int],
           clause: tuple[int, int], er: EventRules, previous: tuple[int, int] | None, occasions: Table | None,
           known: frozenset[str], sentences: SentenceIndex, terms: Terms, people: _People | None = None,
           mentions: tuple[Mention, ...] = ()) -> Event:
    text = article.text
    clause_text = text[clause[0]:clause[1]]
    sentence_text = text[sentence[0]:sentence[1]]
    places = _places(text, sentence, er)
    date_free = text[clause[0]:max(clause[0], mention.start)] + " " + text[min(mention.end, clause[1]):clause[1]]
    if not (clause[0] <= mention.start and mention.end <= clause[1]) or mention.kind == "holiday":
        date_free = clause_text
    around = text[previous[0]:sentence[1]] if previous else sentence_text
    subject = subject_of(text, sentence, clause, er)
    opening = subject[0] if subject is not None else clause[0]
    others = tuple(m for m in mentions if m is not mention and clause[0] <= m.start and m.end <= clause[1]
                   and (m.event_when or m.timex).start is not None  # dates, not durations ("six months")
                   and not_event_kind(text, sentence, m, er) != "name")  # a number of a name: "UAW Local 1999"
    return Event(
        article_id=article.id,
        when=when,
        mention=mention,
        title=make_title(text, clause, mention, er, subject, others,
                         _pronoun_name(text, sentences, sentence, _title_start(text, opening, clause, er), er, people,
                                       known)),
        quote=sentence_text,
        quote_start=sentence[0],
        quote_end=sentence[1],
        status=_status(clause_text, mention, er),
        places=places,
        terms=sorted(set(terms(date_free))),
        context=sorted(set(terms(around))),
        names=_names(text, clause, sentence[0], er),
        actors=_actors(text, sentence, er, occasions, known),
        dated_by=date_basis(mention, article),
    )


def _pronoun_name(text: str, sentences: SentenceIndex, sentence: tuple[int, int], pos: int, er: EventRules,
                  people: _People | None, known: frozenset[str] = frozenset()) -> str | None:
    """Who or what a pronoun at ``pos`` stands for (see person_pronouns in events.toml); None when the clause
    opens with no pronoun or nothing fits."""
    if er.person_pronoun is None or er.thing_pronoun is None or er.company_noun is None:
        return None
    i = bisect.bisect_right(sentences.starts, sentence[0]) - 1  # the sentence holding it (no scan of the list)
    index = max(i, 0)
    window = sentences.spans[max(0, index - PRONOUN_SENTENCES)][0]
    if er.person_pronoun.match(text, pos):
        surnames = people.names() if people is not None else frozenset()
        names = [w[-1] for w in _runs(text, window, pos, er) if w[-1] in surnames]
        return names[-1] if names else None
    if (noun := er.company_noun.match(text, pos)) is not None:
        if not noun.group(0)[1:].islower():
            return None  # "The Bank of New York" is a name, not "the bank" standing for one
        surnames = people.names() if people is not None else frozenset()
        named = _company_subject(text, sentences, index, er, surnames, known)
        if named is not None:
            return named
        names = [" ".join(w) for w in _runs(text, window, pos, er) if w[-1] not in surnames]
        return names[-1] if names else None
    if er.thing_pronoun.match(text, pos) and not (er.expletive and er.expletive.match(text, pos)) and \
            er.said_before is not None and er.said_before.search(text, sentence[0], pos):
        # "GM said on Friday [it] will cut 2,500 jobs": what the subject said about itself
        own = _sentence_subject(text, sentence, er)
        if own is not None and own[1] <= pos and _is_name(text[own[0]:own[1]].split(), known, er):
            return text[own[0]:own[1]]  # not "Analysts said it was the worst day"
    if er.thing_pronoun.match(text, pos) and not (er.expletive and er.expletive.match(text, pos)) and index > 0:
        before = sentences.spans[index - 1]
        subject = _sentence_subject(text, before, er)
        return text[subject[0]:subject[1]] if subject is not None else None
    return None


def _company_subject(text: str, sentences: SentenceIndex, index: int, er: EventRules,
                     surnames: frozenset[str], known: frozenset[str]) -> str | None:
    """The company "the company" stands for: the nearest earlier sentence whose subject is a name that is not a
    person's ("General Motors Corp. said ... by General Motors Acceptance Corp., the automaker said in a filing
    with the Securities and Exchange Commission. The automaker's loss ..." -> General Motors Corp.), else the
    subject of the article's first sentence, not the last name written (a regulator, a client, a rival in a
    prepositional phrase, a place). The subject is a name: capitalized words, or words whose first the article
    capitalizes inside a sentence too (``known``), so "Shares of GM fell" is no company."""
    earlier = range(index - 1, max(-1, index - 1 - COMPANY_SENTENCES), -1)
    for i in [*earlier, *([0] if index - 1 - COMPANY_SENTENCES >= 0 else [])]:
        subject = _sentence_subject(text, sentences.spans[i], er)
        if subject is None or (er.company_noun is not None and er.company_noun.match(text, subject[0])):
            continue
        words = [w for w in _PARENTHESIS.sub("", text[subject[0]:subject[1]]).split()]  # "General Motors (GM)"
        if er.determiner is not None and words and er.determiner.fullmatch(words[0]):
            words = words[1:]
        if not words or _bare(words[-1], er.possessives) in surnames:
            continue
        if _is_name(words, known, er):
            return " ".join(words)
    return None


def _is_name(words: list[str], known: frozenset[str], er: EventRules) -> bool:
    """Words that name someone, not a sentence-initial common noun ("Shares of GM", "Analysts"): capitalized
    words, an initialism ("GM"), or words whose first the article capitalizes inside a sentence (``known``)."""
    if er.determiner is not None and words and er.determiner.fullmatch(words[0]):
        words = words[1:]
    if not words:
        return False
    first = _bare(words[0], er.possessives)
    if all(w[:1].isupper() for w in words) and (len(words) > 1 or (first.isupper() and len(first) > 1)):
        return True
    return first in known and all(w[:1].isupper() or w.lower() in er.stopwords for w in words)


def _runs(text: str, start: int, end: int, er: EventRules) -> list[list[str]]:
    """Capitalized names in text[start:end], as word lists, without places, titles or common words."""
    aliases = er.gazetteer.by_alias
    found = []
    for m in er.name_run.finditer(text, start, end):
        for words in _name_parts(er.honorific.sub("", m.group(0)), er):
            while words and words[0].lower() in er.stopwords:
                words = words[1:]
            if words and " ".join(words) not in aliases and " ".join(words) not in er.not_actors:
                found.append(words)
    return found


def _sentence_subject(text: str, sentence: tuple[int, int], er: EventRules) -> tuple[int, int] | None:
    """A sentence's subject when it is a name or a named thing: its words before its first verb or comma ("The
    Boeing 787", "iPhone 4"), at most a few words, holding a capitalized word."""
    verb = er.verb_word.search(text, *sentence) if er.verb_word is not None else None
    comma = _BOUNDARY_PUNCT.search(text, *sentence)
    stop = min([m.start() for m in (verb, comma) if m is not None], default=sentence[0])
    words = text[sentence[0]:stop].split()
    if not 1 <= len(words) <= PRONOUN_SUBJECT_WORDS or not any(w[:1].isupper() for w in words[1:] + words[:1]):
        return None
    if er.person_pronoun.match(text, sentence[0]) or er.thing_pronoun.match(text, sentence[0]):
        return None
    return sentence[0], sentence[0] + len(text[sentence[0]:stop].rstrip())


class _People:
    """The people an article names (people_in), found the first time a title needs them (most never do)."""

    def __init__(self, text: str, er: EventRules) -> None:
        self._text, self._er = text, er
        self._names: frozenset[str] | None = None

    def names(self) -> frozenset[str]:
        if self._names is None:
            self._names = people_in(self._text, self._er)
        return self._names


def people_in(text: str, er: EventRules) -> frozenset[str]:
    """Surnames of the people an article names: the last word of a two- or three-word name that the article
    writes alone more often than the name's first word ("Steve Jobs ... Jobs said"; not "Apple Computer")."""
    alone: dict[str, int] = {}
    full: list[list[str]] = []
    for m in er.name_run.finditer(text):
        for words in _name_parts(er.honorific.sub("", m.group(0)), er):
            if len(words) == 1:
                alone[words[0]] = alone.get(words[0], 0) + 1
            else:
                full.append(words)
    return frozenset(w[-1] for w in full if 2 <= len(w) <= 3 and alone.get(w[-1], 0) > alone.get(w[0], 0))


def _title_start(text: str, opening: int, clause: tuple[int, int], er: EventRules) -> int:
    """Where a title's words begin: past punctuation and a dropped opener ("which", "and")."""
    m = _SEGMENT_LEAD.match(text, opening, clause[1])
    pos = m.end() if m else opening
    dropped = er.drop_opener.match(text[pos:clause[1]])
    return pos + (dropped.end() if dropped else 0)


def _actors(text: str, sentence: tuple[int, int], er: EventRules, occasions: Table | None = None,
            known: frozenset[str] = frozenset()) -> list[str]:
    """Runs of capitalized words ("Vladimir Putin", "Shanghai Cooperation Organization"), without office
    titles or leading demonyms, cut at possessives and date words ("Putin’s February 2022 invasion"), that
    are not a place, a named day, a war or holiday, or a lone capitalized first word. ``known``: the words
    the article capitalizes inside sentences, so a sentence-initial "Putin said" still names Putin."""
    aliases = er.gazetteer.by_alias
    found: list[str] = []
    for m in er.name_run.finditer(text, sentence[0], sentence[1]):
        initial = _opens_sentence(text, m.start(), sentence[0])
        for n, words in enumerate(_name_parts(er.honorific.sub("", m.group(0)), er)):
            if " ".join(words) in aliases:  # a place, whole ("the Russian Federation")
                continue
            while words and (words[0].lower() in er.stopwords or _is_demonym(words[0], aliases, er)):
                words = words[1:]
            run = " ".join(words)
            if (not run or run in aliases or run in er.not_actors
                    or (occasions is not None and occasions.get(run))
                    or (er.happening_name is not None and er.happening_name.search(run))
                    or (len(words) == 1 and ("-" in run or (n == 0 and initial and run not in known)))
                    or any(w.isupper() and len(w) > 4 for w in words)):  # shouted headings ("JOINT STATEMENT")
                continue
            found.append(run)
    return list(dict.fromkeys(found))


def _name_parts(run: str, er: EventRules) -> list[list[str]]:
    """A capitalized run split into names: a possessive ends one ("Soviet Union’s| World War II") and a date
    word is no part of any ("Putin’s| February")."""
    parts: list[list[str]] = [[]]
    for word in run.split():
        bare = _bare(word, er.possessives)
        if bare.lower() in er.date_words:
            parts.append([])
            continue
        parts[-1].append(bare)
        if bare != word:
            parts.append([])
    return [p for p in parts if p]


def _names_inside_sentences(text: str, er: EventRules) -> frozenset[str]:
    """Capitalized words the article writes after a lowercase word or a comma: names, not sentence openers."""
    return frozenset(_bare(m.group(0), er.possessives) for m in _MID_NAME.finditer(text))


def _places(text: str, sentence: tuple[int, int], er: EventRules) -> list[str]:
    """Countries, cities and landmarks named in the sentence, except a place that begins an organization's
    name ("Shanghai Cooperation Organization")."""
    tail = er.organization_tail
    return list(dict.fromkeys(h.name for h in er.gazetteer.find(text, *sentence)
                              if h.kind != "region" and not (tail is not None and tail.match(text, h.end, sentence[1]))))


def _is_demonym(word: str, aliases: dict[str, tuple[str, str, str | None]], er: EventRules) -> bool:
    entry = aliases.get(_bare(word, er.possessives))
    return entry is not None and entry[0] != word


def _opens_sentence(text: str, pos: int, sentence_start: int) -> bool:
    """At the start of the sentence or of a quotation inside it: capitalized for grammar, not a name."""
    return pos == sentence_start or text[max(sentence_start, pos - 2):pos].strip() in ("“", '"', "‘", "(")


def _names(text: str, clause: tuple[int, int], sentence_start: int, er: EventRules) -> list[str]:
    """Capitalized words of the clause that are not countries, common words or a sentence-initial verb,
    plus the cities and landmarks it names (a parade "on Red Square" is that parade)."""
    hits = er.gazetteer.find(text, *clause)
    covered = {i for h in hits for i in range(h.start, h.end)}
    names = {h.name for h in hits if h.kind in ("city", "landmark")}
    for m in _NAME.finditer(text, clause[0], clause[1]):
        word = m.group(0)
        if m.start() in covered or word.lower() in er.stopwords:
            continue
        if m.start() == sentence_start and word.lower().endswith(er.verb_like_endings):
            continue  # "Arriving in Moscow ...": a sentence-initial verb, not a name
        names.add(_bare(word.replace("’", "'"), er.possessives))
    return sorted(names)
