"""Mentions -> events: for each date that anchors something, the clause it dates, its sentence and places.

A pure function of (article, mentions, rules, event words): no state across articles, so articles can be
processed in parallel and cached. The language knowledge lives in lang/<lang>/events.toml.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from timeline.gazetteer import Gazetteer
from timeline.lang import read_toml
from timeline.models import (PRECISION_RANK, Article, DateBasis, DateSource, Event, EventStatus, Mention, Precision,
                             TimeValue, TimexType)
from timeline.temporal.compile import Rules, Table, word_set_regex
from timeline.temporal.context import SentenceIndex, in_quotation, sentence_spans

TITLE_WORDS = 14
_WORD = re.compile(r"[\w’'-]+", re.UNICODE)
_BOUNDARY_PUNCT = re.compile(r"[,;:()\[\]]|\s[—–-]\s|—|–")
_SEGMENT_LEAD = re.compile(r"[\s,;:”\"]*")
_NAME = re.compile(r"(?<![\w'’])[A-Z][\w’'.-]*[\w]")
_MID_NAME = re.compile(r"(?<=[a-z0-9,;:] )[A-Z][\w’'.-]*[\w]")
_DATELINE = re.compile(r"^[A-Z][A-Z .,]+\s*[-–—]+\s*")
# Quotes around a whole clause add nothing to a title; unbalanced ones would confuse a reader.
_STRAY = re.compile(r"^[\s,;:.—–-]+|[\s,;:.—–-]+$")


@dataclass(frozen=True)
class Stemmer:
    """A light suffix stripper (suffixes from the language's data)."""

    suffixes: tuple[str, ...]
    y_suffixes: frozenset[str]
    keep_endings: tuple[str, ...]
    possessives: tuple[str, ...]


@dataclass(frozen=True)
class NotEvent:
    """A check that a date phrase dates no happening of its sentence (events_en.toml [[not_event]])."""

    kind: str
    before: re.Pattern[str] | None = None  # matched against the sentence up to the phrase (anchored with $)
    after: re.Pattern[str] | None = None  # matched from the end of the phrase on
    phrase: re.Pattern[str] | None = None  # matched against the whole phrase
    with_other_date: bool = False  # only when another date of the sentence dates a happening

    def applies(self, text: str, sentence: tuple[int, int], mention: Mention) -> bool:
        return ((self.phrase is None or self.phrase.fullmatch(mention.text) is not None)
                and (self.before is None or self.before.search(text, sentence[0], mention.start) is not None)
                and (self.after is None or self.after.match(text, mention.end, sentence[1]) is not None))


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
    verb_like_endings: tuple[str, ...]
    possessives: tuple[str, ...]
    name_run: re.Pattern[str]  # capitalized words, with the particles a name may hold ("Bank of England")
    stemmer: Stemmer
    not_actors: frozenset[str] = frozenset()
    happening_name: re.Pattern[str] | None = None  # a run naming a war or a holiday ("World War II")
    organization_tail: re.Pattern[str] | None = None  # the rest of an organization's name after a place
    not_events: tuple[NotEvent, ...] = ()
    within_period: frozenset[str] = frozenset()  # "earlier this year": a happening inside the current period


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
        scheduled=word_set_regex(data["scheduled"]),
        reported=word_set_regex(data["reported"]),
        stopwords=frozenset(data["stopwords"]),
        synonyms={w: term for term, words in data.get("synonyms", {}).items() for w in words},
        date_words=frozenset(data["date_words"]),
        # "[Chinese] President " before a capitalized name; the demonym goes with the office
        honorific=re.compile(r"(?:\b[A-Z][a-z]+\s+)?(?:" + "|".join(re.escape(h) for h in data["honorifics"]) + r")\s+(?=[A-Z])"),
        gazetteer=places,
        leading_prep=re.compile(rf"(?:\b(?:{_words_alt(data['title_leading_words'])})\s+)+$", re.IGNORECASE),
        drop_opener=re.compile(rf"^\s*(?:{_words_alt(data['title_drop_openers'])})\s+", re.IGNORECASE),
        reduced_clause=re.compile(
            rf"[\s,;:—–-]*(?:{_words_alt(data['relative_pronouns'])})?\s*(?:(?:{_words_alt(data['subject_pronouns'])})\s+)?"
            rf"(?:\w+{adverb}\s+)?\w+{past_participle}\b", re.IGNORECASE),
        determiner=re.compile(rf"\b(?:{_words_alt(data['determiners'])})\b", re.IGNORECASE),
        ends_with_complementizer=re.compile(rf"\b(?:{_words_alt(data['complementizers'])})[\s,]*$", re.IGNORECASE),
        complementizer_punct=re.compile(rf"\b({_words_alt(data['complementizers'])})[,;:]+\s"),
        participle_start=re.compile(rf"[\s,;:—–-]*[a-z]+{participle}\b"),
        participle_suffix=data["participle_suffix"],
        verb_like_endings=tuple(data["verb_like_endings"]),
        possessives=tuple(data["possessives"]),
        name_run=re.compile(r"(?<![\w'’.-])[A-Z][\w’'.-]*[\w](?:\s+(?:(?:" + _words_alt(data["name_particles"])
                            + r")\s+)?[A-Z][\w’'.-]*[\w])*"),
        stemmer=Stemmer(tuple(stem_data["suffixes"]), frozenset(stem_data["y_suffixes"]),
                        tuple(stem_data["keep_endings"]), tuple(data["possessives"])),
        not_actors=frozenset(data.get("not_actors", [])),
        happening_name=_ending_with(data.get("happening_heads", [])),
        organization_tail=_tail_ending_with(data.get("organization_heads", [])),
        not_events=tuple(_not_event(raw) for raw in data.get("not_event", [])),
        within_period=frozenset(w.lower() for w in data.get("within_period", [])),
    )


def _not_event(raw: dict) -> NotEvent:
    def pattern(key: str) -> re.Pattern[str] | None:
        return re.compile(raw[key], re.IGNORECASE) if key in raw else None
    return NotEvent(kind=raw["kind"], before=pattern("before"), after=pattern("after"), phrase=pattern("phrase"),
                    with_other_date=bool(raw.get("with_other_date", False)))


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
    if mention.event_when is not None and mention.event_when.precision is not None and \
            PRECISION_RANK[mention.event_when.precision] <= PRECISION_RANK[Precision.YEAR]:
        return "offset"  # "three years after it was first due": a rough offset counted back from the article's date
    if mention.anchor == "previous" and quoted(text, sentence, mention):
        return "quoted-offset"  # "'just one year after launching the iPhone', he said": relative to the speaker's now
    for check in er.not_events:
        if (other_dates or not check.with_other_date) and check.applies(text, sentence, mention):
            return check.kind
    return None


def _ending_with(heads: list[str]) -> re.Pattern[str] | None:
    return re.compile(r"(?:^|\s)(?:" + "|".join(map(re.escape, heads)) + r")$") if heads else None


def _tail_ending_with(heads: list[str]) -> re.Pattern[str] | None:
    """Capitalized words right after a place that end in one of ``heads`` ("Shanghai| Cooperation Organization")."""
    if not heads:
        return None
    return re.compile(r"(?:\s+[A-Z][\w’'.-]*)*?\s+(?:" + "|".join(map(re.escape, heads)) + r")(?![\w’'])")


def stem(word: str, stemmer: Stemmer) -> str:
    """A light suffix stripper: enough to match "arrived"/"arrives"/"arriving" and "talks"/"talk"."""
    w = word.lower().replace("’", "'")
    for possessive in dict.fromkeys(p.replace("’", "'") for p in stemmer.possessives):
        if w.endswith(possessive):
            w = w[:-len(possessive)]
            break
    for suffix in stemmer.suffixes:
        if len(w) > len(suffix) + 3 and w.endswith(suffix) and not w.endswith(stemmer.keep_endings):
            return w[: -len(suffix)] + ("y" if suffix in stemmer.y_suffixes else "")
    return w


def _bare(word: str, possessives: tuple[str, ...]) -> str:
    """The word without a possessive ending ("Putin’s" -> "Putin")."""
    for possessive in possessives:
        word = word.removesuffix(possessive)
    return word


def content_terms(text: str, rules: EventRules) -> list[str]:
    """Stemmed content words; synonyms ("meeting", "talks") become one term."""
    terms = []
    for m in _WORD.finditer(text):
        word = m.group(0).strip("-'’")
        lower = word.lower()
        if len(word) < 2 or lower in rules.stopwords or word.isdigit():
            continue
        terms.append(rules.synonyms.get(lower) or stem(word, rules.stemmer))
    return terms


def _boundaries(text: str, start: int, end: int, rules: EventRules, cuts: tuple[int, ...] = ()) -> list[int]:
    points = [start, end, *(c for c in cuts if start < c < end)]
    points += [m.start() for m in _BOUNDARY_PUNCT.finditer(text, start, end)]
    points += [m.start() + 1 for m in rules.clause_openers.finditer(text, start, end)]
    return sorted(set(points))


def clause_around(text: str, sentence: tuple[int, int], start: int, end: int, rules: EventRules,
                  cuts: tuple[int, ...] = ()) -> tuple[int, int]:
    """The clause holding [start, end): from the last boundary before it to the first after it.

    A thin clause (fewer than three content words besides the date) takes in the clause before
    it (news puts the main clause first), unless that one is a quotation, else the one after.
    A clause opened by a participle ("marking ...") takes in the main clause before it.
    ``cuts`` are the ends of other date phrases: two dates in one clause date two happenings.
    """
    points = _boundaries(text, *sentence, rules, cuts)
    left = max((p for p in points if p <= start), default=sentence[0])
    right = min((p for p in points if p >= end), default=sentence[1])
    if rules.reduced_clause.match(text, left):
        # "a three-day ceasefire — unilaterally declared by Putin last month —", "the partnership that
        # it signed in 2022": the clause is about the noun phrase just before it
        before = [p for p in points if p < left]
        np_start = _noun_phrase_start(text, before[-1] if before else sentence[0], left, rules)
        if np_start is not None:
            return np_start, right
    if _set_off_after_that(text, points, left, right, start, end, rules):
        # "the air force claimed that, overnight, Russia launched bombs": the date dates the clause after it,
        # which the clause before "that" attributes
        before = [p for p in points if p < left]
        after = [p for p in points if p > right]
        return before[-1], after[0] if after else sentence[1]
    for _ in range(2):
        thin = len(content_terms(text[left:start] + " " + text[end:right], rules)) < 3
        if not thin and not rules.participle_start.match(text, left):
            break
        before = [p for p in points if p < left]
        after = [p for p in points if p > right]
        if before and not _is_quoted(text, sentence, before[-1], left):
            left = before[-1]
        elif after and thin:
            right = after[0]
        else:
            break
    return left, right


def _set_off_after_that(text: str, points: list[int], left: int, right: int, start: int, end: int,
                        rules: EventRules) -> bool:
    """The date stands alone between commas right after a "that" ("claimed that, overnight, Russia ...")."""
    if content_terms(text[left:start] + " " + text[end:right], rules):
        return False
    before = [p for p in points if p < left]
    return bool(before) and rules.ends_with_complementizer.search(text, before[-1], left) is not None


def _noun_phrase_start(text: str, seg_start: int, seg_end: int, rules: EventRules) -> int | None:
    """Where the last noun phrase opened by a determiner begins in text[seg_start:seg_end], if any."""
    found = None
    for m in rules.determiner.finditer(text, seg_start, seg_end):
        found = m.start()
    return found


def _is_quoted(text: str, sentence: tuple[int, int], start: int, end: int) -> bool:
    """True if the segment's words sit inside a quotation (a clause of someone's speech)."""
    m = _SEGMENT_LEAD.match(text, start, end)
    return in_quotation(text, sentence, m.end() if m else start)


def clause_after(text: str, sentence: tuple[int, int], pos: int, rules: EventRules) -> tuple[int, int]:
    """The clause that starts at ``pos`` ("after [the two leaders held talks in the Kremlin]")."""
    points = [p for p in _boundaries(text, pos, sentence[1], rules) if p > pos + 1]
    return pos, min(points, default=sentence[1])


def make_title(text: str, clause: tuple[int, int], mention: Mention | None, rules: EventRules) -> str:
    """The clause in the source's own words, without the date phrase, at most TITLE_WORDS words."""
    left, right = clause
    if mention is not None and left <= mention.start and mention.end <= right and mention.kind != "holiday":
        before = rules.leading_prep.sub("", text[left:mention.start])
        raw = before + " " + text[mention.end:right]
    else:
        raw = text[left:right]
    raw = rules.drop_opener.sub("", raw)
    raw = re.sub(r"\s+([,;:.])", r"\1", " ".join(raw.split()))
    # "that, , Russia" once the date is out
    raw = rules.complementizer_punct.sub(r"\1 ", re.sub(r"([,;:])[,;:]+", r"\1", raw))
    raw = rules.honorific.sub("", raw)
    words = _DATELINE.sub("", _STRAY.sub("", raw)).split()
    title = " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")
    title = _STRAY.sub("", _balance_quotes(title)).strip()
    return title[:1].upper() + title[1:]


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


def extract_events(article: Article, mentions: list[Mention], rules: Rules, er: EventRules) -> list[Event]:
    """One event per (clause, date): title, quote (the sentence), status, places and matching terms; plus the
    article's main event (its headline and lead sentence), at the publication date when no phrase dates it."""
    text = article.text
    sentences = SentenceIndex(sentence_spans(text, article.body_start, rules.language))
    events: list[Event] = []
    seen: set[tuple[int, int, str]] = set()
    known = _names_inside_sentences(text, er)
    dating = _dating_mentions(article, mentions, sentences, er)
    # a recurring date in a sentence that also dates something is tied to that date, not context
    dated_sentences = {sentences.at(m.start) for m in dating if (m.event_when or m.timex).start is not None}
    for mention in dating:
        when = mention.event_when or mention.timex
        sentence = sentences.at(mention.start)
        if when.start is None and sentence in dated_sentences:
            continue
        if mention.event_when is not None:
            clauses = [clause_after(text, sentence, _skip_word(text, mention.end), er)]
        else:
            cuts = tuple(m.end for m in dating if m is not mention and sentence[0] <= m.start < sentence[1]
                         and (m.timex.start or m.event_when))
            clauses = [clause_around(text, sentence, mention.start, mention.end, er, cuts)]
            main = _participial_main_clause(text, sentence, mention, er)
            if main:
                clauses.append(clause_around(text, sentence, main[0], main[0], er) if main[0] < main[1] else main)
        for clause in clauses:
            moment = when.instant.astimezone(dt.timezone.utc).isoformat() if when.instant else str(when.start)
            key = (*clause, moment)
            if when.start is None:  # recurring: one per sentence and value ("Victory Day ... on May 9")
                key = (*sentence, when.value)
            same_sentence_instant = any(k[2] == key[2] and sentence[0] <= k[0] < sentence[1] for k in seen)
            if key in seen or (when.instant and same_sentence_instant):
                continue
            seen.add(key)
            events.append(_event(article, mention, when, sentence, clause, er, sentences.before(mention.start),
                                 rules.tables.get("holiday"), known))
    return _with_main_event(article, events, sentences, er, rules.tables.get("holiday"), known)


def _dating_mentions(article: Article, mentions: list[Mention], sentences: SentenceIndex, er: EventRules) -> list[Mention]:
    """The mentions that date a happening: not background ("now", "this year"), not a comparison baseline, a
    hope, a forecast or a name (events_en.toml [[not_event]])."""
    text = article.text
    candidates = [m for m in mentions
                  if not _is_background(m, m.event_when or m.timex, article, sentences.at(m.start), er.within_period)]
    plain = [m for m in candidates if not_event_kind(text, sentences.at(m.start), m, er, other_dates=False) is None]
    # dates that pass even the checks that need another date: they date the sentence's own happening
    strong = {sentences.at(m.start) for m in plain if (m.event_when or m.timex).start is not None
              and not_event_kind(text, sentences.at(m.start), m, er) is None}
    kept = [m for m in plain if sentences.at(m.start) not in strong
            or not_event_kind(text, sentences.at(m.start), m, er) is None]
    return kept


LEAD_SENTENCES = 3  # the headline's lead sentence is one of the article's first sentences
LEAD_MIN_WORDS = 6  # shorter lines are datelines, bylines or captions
RECENT_DAYS = 45  # a lead sentence's date this close before publication dates the article's main event
NEXT_DAY_DAYS = 7  # a day named by the sentence after an undated lead, this close before publication, dates it


def _with_main_event(article: Article, events: list[Event], sentences: SentenceIndex, er: EventRules,
                     occasions: Table | None, known: frozenset[str]) -> list[Event]:
    """Mark the article's main event: what its headline and lead sentence report.

    A date of the lead sentence that falls shortly before publication ("today", "on Tuesday", "last
    week") dates it; otherwise (no date phrase, or only an older one: "begun two years ago") it is a new
    event at the publication date. Its title is the article's headline, when there is one."""
    if article.date is None:
        return events
    lead = _lead_sentence(article, sentences, er)
    if lead is None:
        return events
    headline = _headline_title(article.title)
    wanted = set(content_terms(article.title or "", er))
    recent = [i for i, e in enumerate(events) if (e.quote_start, e.quote_end) == lead and _recent(e.when, article.date)]
    if recent:
        best = max(recent, key=lambda i: (len(wanted.intersection(events[i].terms)), -i))
        update: dict[str, object] = {"headline": True}
        if headline:
            update["title"] = headline
        return [e.model_copy(update=update) if i == best else e for i, e in enumerate(events)]
    return [*events, _publication_event(article, lead, er, headline, occasions, known, _next_day(article, events, sentences, lead))]


def _next_day(article: Article, events: list[Event], sentences: SentenceIndex, lead: tuple[int, int]) -> Event | None:
    """The one event of the sentence after an undated lead, when it is dated to a day of the week before
    publication: the day the text makes clear ("Boeing have unveiled their new 787 Dreamliner. Sunday was chosen
    as its date matches ..."; "... has made its maiden flight. The take-off, at 08:30 UTC, was normal")."""
    index = sentences.spans.index(lead)
    if index + 1 >= len(sentences.spans) or article.date is None:
        return None
    after = sentences.spans[index + 1]
    there = [e for e in events if (e.quote_start, e.quote_end) == after]
    if len({e.mention.start for e in there}) != 1:
        return None
    when = there[0].when
    fine = when.precision is not None and PRECISION_RANK[when.precision] >= PRECISION_RANK[Precision.DAY]
    near = when.start is not None and article.date - dt.timedelta(days=NEXT_DAY_DAYS) <= when.start <= article.date
    return there[0] if fine and near else None


def _lead_sentence(article: Article, sentences: SentenceIndex, er: EventRules) -> tuple[int, int] | None:
    """The first sentence of the body (not a dateline, byline or caption), unless it shares no word with the
    headline and one of the next few does ("The iPhone only made its appearance as a prototype." before the
    sentence about Cisco's lawsuit)."""
    text = article.text
    first = [s for s in sentences.spans if len(text[s[0]:s[1]].split()) >= LEAD_MIN_WORDS
             and any(c.islower() for c in text[s[0]:s[1]])][:LEAD_SENTENCES]
    if not first:
        return None
    wanted = set(content_terms(article.title or "", er))
    shared = [len(wanted.intersection(content_terms(text[s[0]:s[1]], er))) for s in first]
    if shared[0] or not any(shared):
        return first[0]
    return first[shared.index(max(shared))]


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
                       occasions: Table | None, known: frozenset[str], dated: Event | None = None) -> Event:
    """The main event of an article whose lead sentence has no recent date: at the day ``dated`` gives, else at
    the publication date, quoting the lead sentence. Then its date phrase is empty (at the start of the quote):
    no words of the text date it."""
    text = article.text
    day = article.date
    assert day is not None
    when = TimeValue(value=day.isoformat(), type=TimexType.DATE, precision=Precision.DAY, start=day,
                     end=day + dt.timedelta(days=1), edtf=day.isoformat())
    mention = Mention(start=lead[0], end=lead[0], text="", timex=when, rule="", anchor="dct", tense="past")
    basis = DateBasis.INFERRED if article.date_source == DateSource.INFERRED else DateBasis.PUBLICATION_DEFAULT
    quote = lead
    if dated is not None:  # the quote takes in the sentence whose phrase dates it
        when, mention, basis = dated.when, dated.mention, dated.dated_by
        quote = (lead[0], dated.quote_end)
    clause = clause_around(text, lead, lead[0], lead[0], er)
    sentence_text = text[quote[0]:quote[1]]
    return Event(
        article_id=article.id,
        when=when,
        mention=mention,
        title=headline or make_title(text, clause, None, er),
        quote=sentence_text,
        quote_start=quote[0],
        quote_end=quote[1],
        status=EventStatus.REPORTED if er.reported.search(sentence_text) else EventStatus.HAPPENED,
        places=_places(text, lead, er),
        terms=sorted(set(content_terms(text[clause[0]:clause[1]] + " " + (article.title or ""), er))),
        context=sorted(set(content_terms(sentence_text, er))),
        names=_names(text, clause, lead[0], er),
        actors=_actors(text, lead, er, occasions, known),
        dated_by=basis,
        headline=True,
    )


def date_basis(mention: Mention, article: Article) -> DateBasis:
    """How the mention's date was found: stated, counted from the article's date or from another event."""
    if mention.event_when is not None or mention.anchor == "previous":
        return DateBasis.EVENT
    if mention.anchor == "dct":
        return DateBasis.INFERRED if article.date_source == DateSource.INFERRED else DateBasis.PUBLICATION
    return DateBasis.ABSOLUTE


def _skip_word(text: str, pos: int) -> int:
    """Past the word after a phrase ("a day| after| the talks" -> start of "the talks")."""
    m = re.match(r"\s*\w+\s+", text[pos:pos + 40])
    return pos + (m.end() if m else 0)


def _event(article: Article, mention: Mention, when: TimeValue, sentence: tuple[int, int],
           clause: tuple[int, int], er: EventRules, previous: tuple[int, int] | None, occasions: Table | None,
           known: frozenset[str]) -> Event:
    text = article.text
    clause_text = text[clause[0]:clause[1]]
    sentence_text = text[sentence[0]:sentence[1]]
    places = _places(text, sentence, er)
    date_free = text[clause[0]:max(clause[0], mention.start)] + " " + text[min(mention.end, clause[1]):clause[1]]
    if not (clause[0] <= mention.start and mention.end <= clause[1]) or mention.kind == "holiday":
        date_free = clause_text
    around = text[previous[0]:sentence[1]] if previous else sentence_text
    return Event(
        article_id=article.id,
        when=when,
        mention=mention,
        title=make_title(text, clause, mention, er),
        quote=sentence_text,
        quote_start=sentence[0],
        quote_end=sentence[1],
        status=_status(clause_text, mention, er),
        places=places,
        terms=sorted(set(content_terms(date_free, er))),
        context=sorted(set(content_terms(around, er))),
        names=_names(text, clause, sentence[0], er),
        actors=_actors(text, sentence, er, occasions, known),
        dated_by=date_basis(mention, article),
    )


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
