"""A briefing, not a dump: how much each entry matters, the batch's main subject, entries about one name.

``rank`` scores every entry by what an editor looks for when each entry may have one source only: the
articles that report it, whether it is an article's headline or lead event, and whether it involves the
names the batch is about (``Salience``). ``--top K`` keeps the K highest, the sheet's "at a glance" lists
the highest of each period, and ``batch_title`` names the batch after the name its headlines give most.
``about`` keeps the entries that involve one name, written in full or in a short form the batch uses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from timeline.events import EventRules, content_terms
from timeline.models import PRECISION_RANK, Analysis, Article, Entry, EventStatus, Precision, Source
from timeline.signature import SignatureWords, acronym, people
from timeline.temporal.context import sentence_spans
from timeline.temporal.compile import LanguageData

# weights of what makes an entry worth a briefing line (see ``Salience``)
W_ARTICLE = 1.0      # each article that reports it
W_HEADLINE = 1.5     # it is what an article's headline says (share of the headline's words its sentence holds)
W_LEAD = 0.75        # it is told in an article's first sentence (half for the second)
W_CENTRAL = 1.0      # it involves the names most of the batch's articles name (share of the articles)
W_DAY = 0.3          # it is dated to a day or finer (a happening, not a period)
W_HISTORY = 0.5      # taken off a year-or-coarser date long before the batch: background, not news
W_HAPPENED = 0.1     # among equals, what happened before what is expected
W_CONFLICT = 0.2     # a disputed date is worth a reader's look
HISTORY_YEARS = 10
NEWS_DAYS = 14       # a source dating its happening this close to its article's day reports news
NEAR_WEIGHT, FAR_WEIGHT = 0.5, 0.2  # ... within a year of it, and further: background
TITLE_SHARE = 0.75   # a second name joins the title when its headlines are at least this share of the first's
TITLE_MIN_ARTICLES = 2  # a name must head at least this many articles to title the batch
_CAPITALIZED = re.compile(r"(?<![\w’'-])[A-Z][\w’'.&-]*(?:\s+[A-Z][\w’'.&-]*)*")


@dataclass(frozen=True)
class Headline:
    """An article's headline (its title, else its first sentence) and lead sentences, as found in its text."""

    text: str
    terms: frozenset[str]
    lead: tuple[int, int] | None      # the first sentence of the body
    second: tuple[int, int] | None    # the second


def headline(article: Article, language: LanguageData, rules: EventRules) -> Headline:
    """An article's headline and lead sentences."""
    spans = sentence_spans(article.text, article.body_start, language)[:2]
    lead = spans[0] if spans else None
    text = article.title or (article.text[lead[0]:lead[1]] if lead else "")
    return Headline(text, frozenset(content_terms(text, rules)), lead, spans[1] if len(spans) > 1 else None)




class ArticleFacts(NamedTuple):
    """What the briefing reads of one article's text, read with its analysis (``article_facts``: a pure
    function of the article, its events and the language data), so the batch steps need no text."""

    headline: Headline
    names: tuple[str, ...]  # the body's capitalized runs as names, and their parts around a particle
    quote_terms: Mapping[str, tuple[str, ...]]  # each of its events' sentences -> its content words
    words: Counter[str] | None  # how often the body writes each word (case kept); None once summed into the batch's


def body_words(article: Article) -> Counter[str]:
    """How often the body writes each word, as written ("Shares" and "shares" apart)."""
    return Counter(_WORDS.findall(article.text, article.body_start))


_WORDS = re.compile(r"[\w’'-]+")


def body_names(article: Article, rules: EventRules) -> tuple[str, ...]:
    """The names of the body's capitalized runs (``Names``), each once, in order."""
    names: dict[str, None] = {}
    body = article.text[article.body_start:]
    for m in rules.name_run.finditer(body):
        run = _bare_name(m.group(0), rules)
        # "Shares of GM": the run, and its parts around a particle ("Bank of England" stays whole too)
        for part in (run, *(_bare_name(p, rules) for p in re.split(r"\s+[a-z]+\s+", run) if p != run)):
            if part:
                names[part] = None
    return tuple(names)


def distinct_quotes(events: Iterable[Any]) -> list[str]:
    return list(dict.fromkeys(e.quote for e in events))


def article_facts(article: Article, events: Sequence[Any], language: LanguageData, rules: EventRules) -> ArticleFacts:
    return ArticleFacts(headline(article, language, rules), body_names(article, rules),
                        {q: tuple(content_terms(q, rules)) for q in distinct_quotes(events)}, body_words(article))


def facts_of(analysis: Any, language: LanguageData, rules: EventRules) -> ArticleFacts:
    """The facts a record carries (read with its analysis), else read from its article's text now."""
    facts = getattr(analysis, "facts", None)
    return facts if facts is not None else article_facts(analysis.article, analysis.events, language, rules)


class Names:
    """The batch's people and organizations as families of one name's forms ("Steve Jobs"/"Jobs",
    "General Motors"/"GM"/"General Motors Corp."), with the articles that name each family.

    The names are the events' actors and the capitalized runs of the articles' bodies ("Airbus won ..." at
    the start of a sentence is still Airbus), less places, grammar words and one-word runs the batch writes
    in lower case at least as often ("Shares fell" beside "shares")."""

    def __init__(self, analyses: Sequence[Analysis], words: SignatureWords, rules: EventRules,
                 facts: Sequence[ArticleFacts], case: Counter[str] | None = None) -> None:
        """``facts``: each analysis's (``facts_of``); ``case``: the batch's word counts (``body_words`` summed
        over the articles) when summed as they were read, else summed here from the facts."""
        self.words = words
        named: dict[str, set[str]] = defaultdict(set)  # name -> ids of the articles that name it
        actors: set[str] = set()
        summed = case is None
        case = Counter() if case is None else case
        for x, known in zip(analyses, facts, strict=True):
            for e in x.events:
                for a in e.actors:
                    named[a].add(x.article.id)
                    actors.add(a)
            for part in known.names:
                named[part].add(x.article.id)
            if summed:
                if known.words is None:
                    raise ValueError("the batch's word counts were summed as read: pass them as case")
                case.update(known.words)
        self.persons = people([list(actors)], words.organization_endings)
        places = rules.gazetteer.by_alias
        kept = {n for n in named if n in actors or (
            n not in places and not all(w.lower() in rules.stopwords for w in n.split())
            and (" " in n or n.isupper() or case[n] > case[n.lower()]))}
        self.family: dict[str, str] = {}
        # a person's family is headed by the full name ("Steve Jobs" <- "Jobs"), an organization's by its
        # shortest form ("Airbus" <- "Airbus A380", "Airbus Industrie"; "General Motors" <- "GM"), looked up
        # by words and initials (never against every family: batches of thousands of names)
        surnames: dict[str, str] = {}
        for name in sorted(n for n in kept if n in self.persons and " " in n):
            self.family[name] = name
            surnames.setdefault(name.split()[-1], name)
        initials: dict[str, str] = {}
        for name in sorted((n for n in kept if n not in self.family), key=lambda n: (len(n.split()), n)):
            parts = name.split()
            if name in self.persons and name in surnames:
                head = self.family[surnames[name]]
            elif name.isupper() and name in initials:
                head = initials[name]
            elif acronym(name) in self.family and acronym(name) not in self.persons:
                head = self.family[acronym(name)]
            else:
                prefix = next((" ".join(parts[:k]) for k in range(1, len(parts))
                               if " ".join(parts[:k]) in self.family and " ".join(parts[:k]) not in self.persons), None)
                head = self.family[prefix] if prefix else name
            self.family[name] = head
            if acronym(name):
                initials.setdefault(acronym(name), head)
        self.articles: dict[str, set[str]] = defaultdict(set)
        self.forms: dict[str, set[str]] = defaultdict(set)
        for name, head in self.family.items():
            self.articles[head] |= named[name]
            self.forms[head].add(name)

    def central(self) -> dict[str, float]:
        """Each family's share of the batch's articles."""
        n = len({a for ids in self.articles.values() for a in ids}) or 1
        return {head: len(ids) / n for head, ids in self.articles.items()}

    def heads_of(self, actors: Iterable[str]) -> set[str]:
        return {self.family.get(a, a) for a in actors}


def _bare_name(run: str, rules: EventRules) -> str:
    """A capitalized run as a name: without office titles when a full name is left ("Chinese President Xi
    Jinping" -> "Xi Jinping"; "General Motors" stays), a possessive, or leading grammar words and demonyms."""
    bare = rules.honorific.sub("", run)
    words = (bare if len(bare.split()) > 1 else run).removesuffix("’s").removesuffix("'s").split()
    aliases = rules.gazetteer.by_alias
    while words and (words[0].lower() in rules.stopwords or (words[0] in aliases and aliases[words[0]][0] != words[0])):
        words = words[1:]
    return " ".join(words)


def _history(entry: Entry, first: int | None) -> bool:
    when = entry.when
    coarse = when.precision is not None and PRECISION_RANK[when.precision] <= PRECISION_RANK[Precision.YEAR]
    return coarse and first is not None and when.start is not None and first - when.start.year > HISTORY_YEARS


def news_weight(source: Source, article: Article | None) -> float:
    """How much a source reports news rather than background: 1 when the date it gives is within NEWS_DAYS
    of its article's publication, NEAR_WEIGHT within a year, FAR_WEIGHT further ("the 1991 agreement" in a
    2006 article is background, however many articles repeat it). Undated articles and dateless values
    (recurring dates) count NEAR_WEIGHT."""
    when = source.when
    if article is None or article.date is None or when.start is None or when.end is None:
        return NEAR_WEIGHT
    last = when.end - dt.timedelta(days=1)
    gap = 0 if when.start <= article.date <= last else min(abs((article.date - when.start).days),
                                                           abs((article.date - last).days))
    return 1.0 if gap <= NEWS_DAYS else NEAR_WEIGHT if gap <= 366 else FAR_WEIGHT


@dataclass(frozen=True)
class BatchFacts:
    """What ``rank`` and ``batch_title`` both read of a batch's articles (its headlines and its names):
    read once per build (``read_batch``), not once per use."""

    heads: dict[str, Headline]
    names: Names
    quote_terms: dict[str, tuple[str, ...]]  # an event sentence -> its content words


def read_batch(analyses: Sequence[Analysis], language: LanguageData, rules: EventRules,
               words: SignatureWords, case: Counter[str] | None = None) -> BatchFacts:
    """``case``: the batch's word counts when summed as the articles were read (records whose facts no
    longer hold their own)."""
    facts = [facts_of(a, language, rules) for a in analyses]
    quote_terms: dict[str, tuple[str, ...]] = {}
    for known in facts:
        quote_terms.update(known.quote_terms)
    return BatchFacts({a.article.id: known.headline for a, known in zip(analyses, facts)},
                      Names(analyses, words, rules, facts, case), quote_terms)


def rank(entries: list[Entry], analyses: Sequence[Analysis], language: LanguageData, rules: EventRules,
         words: SignatureWords, facts: BatchFacts | None = None) -> list[Entry]:
    """The entries with their salience (same order). Each source counts as news by ``news_weight``; then
    salience = W_ARTICLE x the reporting articles (each by its news weight) + W_HEADLINE x how much of an
    article's headline the entry's sentence says + W_LEAD if told in an article's first sentence (half in
    its second), both as news + W_CENTRAL x the largest share of the batch's articles naming one of its
    people or organizations + W_DAY for a day or finer + W_HAPPENED if it happened + W_CONFLICT if disputed
    - W_HISTORY for a year-or-coarser date more than HISTORY_YEARS before the batch. Every part works with
    one source per entry; reports from several articles add up."""
    facts = facts or read_batch(analyses, language, rules, words)
    heads, names = facts.heads, facts.names
    central = names.central()
    quote_terms = facts.quote_terms
    by_id = {a.article.id: a.article for a in analyses}
    years = [a.article.date.year for a in analyses if a.article.date]
    first = min(years) if years else None
    ranked = []
    for entry in entries:
        reports: dict[str, float] = {}
        headline = lead = 0.0
        for s in entry.sources:
            weight = news_weight(s, by_id.get(s.article_id))
            reports[s.article_id] = max(reports.get(s.article_id, 0.0), weight)
            h = heads.get(s.article_id)
            if h is None:
                continue
            if h.terms:
                if (terms := quote_terms.get(s.quote)) is None:  # an entry not made of these analyses' events
                    terms = quote_terms[s.quote] = tuple(content_terms(s.quote, rules))
                headline = max(headline, weight * len(h.terms.intersection(terms)) / len(h.terms))
            if h.lead and h.lead[0] <= s.quote_start < h.lead[1]:
                lead = max(lead, weight)
            elif h.second and h.second[0] <= s.quote_start < h.second[1]:
                lead = max(lead, 0.5 * weight)
        centrality = max((central.get(f, 0.0) for f in names.heads_of(entry.actors)), default=0.0)
        day = entry.when.start is not None and PRECISION_RANK[entry.when.shown_precision] >= PRECISION_RANK[Precision.DAY]
        score = (W_ARTICLE * sum(reports.values()) + W_HEADLINE * headline + W_LEAD * lead + W_CENTRAL * centrality
                 + W_DAY * day + W_HAPPENED * (entry.status == EventStatus.HAPPENED)
                 + W_CONFLICT * (entry.conflict is not None) - W_HISTORY * _history(entry, first))
        ranked.append(entry.model_copy(update={"salience": round(score, 3)}))
    return ranked


def top(entries: list[Entry], k: int) -> list[Entry]:
    """The ``k`` most salient entries (ties: in time order), in time order."""
    return sorted(sorted(entries, key=lambda e: (-e.salience, e.sort_key()))[:k], key=Entry.sort_key)


def batch_title(analyses: Sequence[Analysis], words: SignatureWords, language: LanguageData, rules: EventRules,
                prefix: str = "Timeline", facts: BatchFacts | None = None) -> str:
    """The batch's main subject: the person or organization most of its headlines (titles, else first
    sentences) name, in the form they use most; "A and B" when a second comes close (TITLE_SHARE). With no
    name heading TITLE_MIN_ARTICLES articles, the place they name most; else just the prefix."""
    facts = facts or read_batch(analyses, language, rules, words)
    heads, names = facts.heads, facts.names
    per_head: Counter[str] = Counter()
    form_use: Counter[str] = Counter()
    for a in analyses:
        found = {}
        for form in _names_in(heads[a.article.id].text, names.family, rules):
            head = names.family[form]
            if head not in found or len(form) > len(found[head]):
                found[head] = form
        for head, form in found.items():
            per_head[head] += 1
            form_use[form] += 1
    ranked = sorted(per_head, key=lambda h: (-per_head[h], -len(names.articles.get(h, ())), h))
    if ranked and per_head[ranked[0]] >= TITLE_MIN_ARTICLES:
        best = [ranked[0]]
        if len(ranked) > 1 and per_head[ranked[1]] >= TITLE_SHARE * per_head[ranked[0]]:
            best.append(ranked[1])
        shown = [max(names.forms[h], key=lambda f: (form_use[f], len(f), f)) for h in best]
        return f"{prefix}: {' and '.join(shown)}"
    places = Counter(p for a in analyses for p in dict.fromkeys(
        h.name for h in rules.gazetteer.find(heads[a.article.id].text) if h.kind != "region"))
    if places:
        return f"{prefix}: {min(places, key=lambda p: (-places[p], p))}"
    return prefix


def _names_in(text: str, known: Mapping[str, str], rules: EventRules) -> list[str]:
    """The known names a text holds, longest first inside each capitalized run ("General Motors" in "General
    Motors files for bankruptcy", not also "Motors"), each run read from left to right."""
    found = []
    for m in rules.name_run.finditer(text):
        parts = m.group(0).removesuffix("’s").removesuffix("'s").split()
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                candidate = " ".join(parts[i:j])
                if candidate in known:
                    found.append(candidate)
                    i = j
                    break
            else:
                i += 1
    return found


def about_forms(name: str, entries: Iterable[Entry], words: SignatureWords) -> set[str]:
    """The ways the batch writes ``name``: as given; without a corporate suffix; its initials ("GM" for
    "General Motors"); the batch's names it is the initials of ("General Motors" for "GM"); longer names that
    start with it ("General Motors Corp."), and for a person the surname the batch uses alone ("Jobs")."""
    name = " ".join(name.split())
    entries = list(entries)
    actors = {a for e in entries for a in e.actors}
    persons = people([list(actors)], words.organization_endings)
    # the names to look among: the people and bodies of the entries, and the capitalized runs of their quotes
    # (a name at the start of a sentence is not always among the actors)
    runs = {m.group(0) for e in entries for s in e.sources for m in _CAPITALIZED.finditer(s.quote)}
    forms = {name}
    bare = " ".join(p for p in name.split() if p not in words.suffixes and p.rstrip(".") not in words.suffixes) or name
    forms.add(bare)
    if acronym(bare) and name not in persons:
        forms.add(acronym(bare))
    parts = bare.split()
    for a in actors | runs:
        a_parts = a.split()
        if name.isupper() and acronym(a) == name:
            forms.add(a)
        elif a_parts[:len(parts)] == parts:
            forms.add(a)
        elif name in persons and len(a_parts) == 1 and len(parts) > 1 and a_parts == parts[-1:]:
            forms.add(a)
    return forms


def about(entries: list[Entry], name: str, words: SignatureWords) -> list[Entry]:
    """The entries that involve ``name`` (any form of it in their title, people and organizations, or quotes)."""
    forms = about_forms(name, entries, words)
    pattern = re.compile(r"(?<![\w’'-])(?:" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) + r")(?![\w-])")
    return [e for e in entries if pattern.search(e.title) or any(pattern.fullmatch(a) or pattern.search(a) for a in e.actors)
            or any(pattern.search(s.quote) for s in e.sources)]
