"""Events of all articles -> timeline entries: the same event told by several articles becomes one entry.

Matching is by date compatibility plus content similarity: IDF-weighted cosine of the clause
words, of the sentence words, and shared names. Candidate pairs come from an inverted index over
each event's rarest words inside a date block, so the work grows with the number of events, not
its square. A small weighted overlap is enough here: clauses are short, shared rare words
("four-day", "arrive") identify a happening, and it needs no model or extra dependency.

After same-date merging, groups that are the same happening on nearby days (one article says
Xi arrived Thursday, four say Wednesday) are joined and flagged as a date conflict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import NamedTuple

from timeline.models import (
    PRECISION_RANK, Article, Conflict, DateClaim, Entry, Event, EventStatus, Precision, Source, TimeValue,
)

CLAUSE_LINK = 0.35        # clause similarity that alone makes two same-date events one
MIXED_LINK = 0.30         # or: mean of clause and sentence similarity
COARSE_CLAUSE_LINK = 0.50  # the same, when the shared date is a month or a year
COARSE_MIXED_LINK = 0.45
NAMED_LINK = 0.20         # or: a shared name (Xi, Putin) and this much clause or sentence similarity
HISTORY_YEARS = 10        # a year-or-coarser date this long before the articles is history
HISTORY_LINK = 0.10       # sentence similarity enough to join two mentions of the same historical year
BACK_REFERENCE_LINK = 0.15  # "a day after <clause>": clause similarity enough to join the happening named
CONFLICT_LINK = 0.50      # clause similarity for one happening reported on different days
CONFLICT_WINDOW_DAYS = 3  # how far apart two reported days of one event may be
INDEX_TERMS = 6           # rarest clause words per event used (with its names) to find candidates
CONFLICT_KEYS = 4         # rarest clause words used to find the same happening on other days
POSTINGS_LIMIT = 64       # compare with at most this many earlier events per word (keeps big batches linear)
PLAUSIBLE = 0.10          # share of the clause cosine that the shared rarest words must reach before a full test
NAMED_DAY_GROUPS = 24     # a shared name alone joins groups only on a day with at most this many groups
CANDIDATES = 24           # and with at most this many events per event, those sharing the most words first
RARE_POSTINGS = 8         # a word or name met in at most this many earlier events of a block nominates alone;
                          # a commoner one ("said", "Trump" on a busy day) only together with another shared word


def date_key(value: TimeValue) -> str:
    """Events can only be the same if they share this key: the day for day/time values, else the value."""
    if value.precision in (Precision.DAY, Precision.HOUR, Precision.MINUTE) and value.start:
        return value.start.isoformat()
    return value.value


def idf_weights(events: list[Event]) -> dict[str, float]:
    df = Counter(chain.from_iterable({*e.terms, *e.context, *e.names} for e in events))  # one C-level count
    n = len(events) + 1
    return {t: math.log(n / c) + 0.1 for t, c in df.items()}


class _Vocabulary(NamedTuple):
    """The batch's words as dense ids, rarest first (ties by word), with their squared weights by id.
    Comparing events then intersects sets of small ints and sums list items: no string hashing or
    comparison in the hot loop, and an event's rarest words are simply its smallest ids."""

    ids: dict[str, int]
    w2: list[float]


def _vocabulary(idf: Mapping[str, float]) -> _Vocabulary:
    words = sorted(idf, key=lambda t: (-idf[t], t))
    return _Vocabulary({t: i for i, t in enumerate(words)}, [idf[t] * idf[t] for t in words])


class _Features(NamedTuple):
    """An event's word sets (as vocabulary ids) and their weights, computed once per merge (not once per
    comparison). A named tuple: built once per event, read millions of times."""

    terms: frozenset[int]
    context: frozenset[int]
    names: frozenset[int]
    terms_inv: float  # 1 / norm of the clause words (0 for none), so a cosine is two multiplications
    context_inv: float
    sentence: tuple[str, int]
    rare: tuple[int, ...]  # the rarest clause words
    rare_set: frozenset[int]
    keys: tuple[int, ...]  # same-date index keys: the rare words, then the names


def _inverse_norm(ids: frozenset[int], w2: list[float]) -> float:
    norm = math.sqrt(sum(map(w2.__getitem__, ids)))
    return 1.0 / norm if norm else 0.0


def _features(e: Event, vocab: _Vocabulary) -> _Features:
    word = vocab.ids.__getitem__  # every word of the batch has an id
    terms, context, names = frozenset(map(word, e.terms)), frozenset(map(word, e.context)), frozenset(map(word, e.names))
    rare = tuple(sorted(terms)[:INDEX_TERMS])
    return _Features(terms, context, names, _inverse_norm(terms, vocab.w2), _inverse_norm(context, vocab.w2),
                     (e.article_id, e.quote_start), rare, frozenset(rare), (*rare, *sorted(names)))


def _cosine(a: frozenset[int], b: frozenset[int], inv_a: float, inv_b: float, w2: list[float]) -> float:
    return sum(map(w2.__getitem__, a & b)) * inv_a * inv_b


def _plausible(a: _Features, b: _Features, w2: list[float]) -> bool:
    """A cheap pre-test on the few rarest clause words: the part of the clause cosine they carry. Nearly all
    pairs that ``_same`` joins pass it and most others fail, so the full test (two larger set intersections)
    is skipped for most candidates (figures: benchmarks/README.md)."""
    return sum(map(w2.__getitem__, a.rare_set & b.rare_set)) * a.terms_inv * b.terms_inv >= PLAUSIBLE


def _same(a: _Features, b: _Features, w2: list[float], coarse: bool = False) -> bool:
    """Same happening? ``coarse``: the shared date is a month or a year, far weaker evidence than a shared
    day, so the words must agree more and a shared name alone with some overlap is not enough (day
    thresholds on year blocks join more unrelated pairs than related ones)."""
    if a.sentence == b.sentence:
        return False  # two clauses of one sentence were split apart on purpose
    weight = w2.__getitem__  # inlined cosines: this runs about once per candidate pair
    clause = sum(map(weight, a.terms & b.terms)) * a.terms_inv * b.terms_inv
    if clause >= (COARSE_CLAUSE_LINK if coarse else CLAUSE_LINK):
        return True
    sentence = sum(map(weight, a.context & b.context)) * a.context_inv * b.context_inv
    if (clause + sentence) / 2 >= (COARSE_MIXED_LINK if coarse else MIXED_LINK):
        return True
    return not coarse and not a.names.isdisjoint(b.names) and max(clause, sentence) >= NAMED_LINK


def same_happening(a: Event, b: Event, idf: dict[str, float]) -> bool:
    """Do two events on the same date tell the same happening?"""
    # a vocabulary of these two events' words only (words missing from ``idf`` weigh 0), not of the whole batch
    vocab = _vocabulary({t: idf.get(t, 0.0) for e in (a, b) for t in chain(e.terms, e.context, e.names)})
    return _same(_features(a, vocab), _features(b, vocab), vocab.w2)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while (up := parent[i]) != i:
            parent[i] = i = parent[up]  # path halving
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)

    def join_roots(self, ri: int, rj: int) -> int:
        """Join two distinct roots; the smaller index stays the root (so roots do not depend on link order)."""
        self.parent[max(ri, rj)] = root = min(ri, rj)
        return root

    def groups(self, n: int) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(n):
            out[self.find(i)].append(i)
        return list(out.values())


def _blocks(keys: list[str]) -> dict[str, list[int]]:
    """Event indexes by date key, each block in event order."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        blocks[key].append(i)
    return blocks


def _candidates(index: dict[int, list[int]], keys: Iterable[int], distinct: bool) -> list[int]:
    """Earlier events sharing index words, ascending: all of them, or the CANDIDATES sharing the most words
    (ties: the first met, as ``Counter.most_common`` keeps them). Each word looks back at POSTINGS_LIMIT events.
    An event sharing a single word is a candidate only if that word is rare in the block: on a busy day one
    shared common word nominates hundreds of events and almost never the same happening, while a rare one
    nominates few and often the right one.

    ``distinct``: no event of the block lists a word twice among its keys, nor do ``keys``; then an event's
    count is the number of postings holding it, and the candidates are found without counting."""
    postings = [index[k] for k in keys if k in index]
    if distinct:
        picked = _rare_or_shared_twice(postings)
        if len(picked) <= CANDIDATES:
            return sorted(picked)
    return _most_shared(postings)


def _rare_or_shared_twice(postings: list[list[int]]) -> set[int]:
    """The events of the rare postings and those in two or more windows of the common ones: the events sharing
    more than one word or a rare one, when no posting holds an event twice. Set operations, not a count of
    every window's events (most of which are in one common window only and are never candidates)."""
    picked: set[int] = set()
    seen: set[int] = set()
    for p in postings:
        if len(p) <= RARE_POSTINGS:
            picked.update(p)
        else:
            window = p[-POSTINGS_LIMIT:]
            picked |= seen.intersection(window)
            seen.update(window)
    return picked


def _most_shared(postings: list[list[int]]) -> list[int]:
    """``_candidates`` by counting: the CANDIDATES events in the most windows, in the order first met on ties."""
    shared = Counter(chain.from_iterable([p[-POSTINGS_LIMIT:] for p in postings]))
    rare = {j for p in postings if len(p) <= RARE_POSTINGS for j in p}
    picked = [j for j, n in shared.items() if n > 1 or j in rare]
    if len(picked) <= CANDIDATES:
        return sorted(picked)
    return sorted(sorted(picked, key=shared.__getitem__, reverse=True)[:CANDIDATES])  # a stable sort, like most_common


def _link_same_date(keys: list[str], days: list[int | None], feats: list[_Features], w2: list[float],
                    uf: _UnionFind) -> None:
    """Link same-date events; candidates come from an inverted index of rare words and names inside each
    date block, each word looking back at a bounded number of earlier events."""
    find, weight = uf.find, w2.__getitem__
    # ``_plausible`` inlined over flat lists: it runs once per candidate (a million times at 10,000 articles)
    rare_sets, terms_inv = [f.rare_set for f in feats], [f.terms_inv for f in feats]
    for members in _blocks(keys).values():
        coarse = days[members[0]] is None  # a block shares one date key, so one precision class
        distinct = all(feats[i].names.isdisjoint(feats[i].rare_set) for i in members)  # keys are rare words, then names
        index: dict[int, list[int]] = defaultdict(list)
        for i in members:
            f = feats[i]
            rare, inv = f.rare_set, f.terms_inv
            root = find(i)  # kept current as i's group grows, instead of one find per candidate
            for j in _candidates(index, f.keys, distinct):
                if (sum(map(weight, rare & rare_sets[j])) * inv * terms_inv[j] >= PLAUSIBLE
                        and (other := find(j)) != root and _same(f, feats[j], w2, coarse)):
                    root = uf.join_roots(root, other)
            for k in f.keys:
                index[k].append(i)


def _day(e: Event) -> int | None:
    """The day of a day-or-finer value, as a day number (cheap to subtract and compare)."""
    return e.when.start.toordinal() if e.when.precision in (Precision.DAY, Precision.HOUR, Precision.MINUTE) else None


def _link_conflicts(events: list[Event], days: list[int | None], feats: list[_Features], w2: list[float],
                    uf: _UnionFind) -> None:
    """Join groups a few days apart whose clauses tell the same happening, from different articles
    (one article says Xi arrived Thursday, four say Wednesday): one event with disputed dates.

    Candidates come from an inverted index of rare clause words over a sliding window of days."""
    dated = sorted((d, i) for i, d in enumerate(days) if d is not None)
    articles: dict[int, set[str]] = defaultdict(set)
    for i, e in enumerate(events):
        articles[uf.find(i)].add(e.article_id)
    index: dict[int, list[tuple[int, int]]] = defaultdict(list)
    pairs = []
    for day, i in dated:
        f = feats[i]
        keys = f.rare[:CONFLICT_KEYS]
        seen: set[int] = set()
        for k in keys:
            for other_day, j in reversed(index[k][-POSTINGS_LIMIT:]):
                if day - other_day > CONFLICT_WINDOW_DAYS:
                    break
                if other_day == day or j in seen:
                    continue
                seen.add(j)
                score = _cosine(f.terms, feats[j].terms, f.terms_inv, feats[j].terms_inv, w2)
                if score >= CONFLICT_LINK:
                    pairs.append((-score, j, i))
        for k in keys:
            index[k].append((day, i))
    for _, i, j in sorted(pairs):
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj or articles[ri] & articles[rj]:
            continue  # an article does not give two dates for one event
        uf.union(ri, rj)
        articles[uf.find(ri)] = articles[ri] | articles[rj]


def _source(event: Event, article: Article) -> Source:
    # plain validation: faster than model_construct with pydantic-core, and it checks the types
    return Source(
        article_id=article.id, path=article.path, article_title=article.title, url=article.url,
        when=event.when, date_text=event.mention.text, date_start=event.mention.start, date_end=event.mention.end,
        quote=event.quote, quote_start=event.quote_start, quote_end=event.quote_end,
    )


def _conflict(events: list[Event], keys: list[str]) -> tuple[str, Conflict | None]:
    """The best-supported date key (most distinct articles, then earliest) and any dispute."""
    if len(set(keys)) == 1:
        return keys[0], None
    support: dict[str, set[str]] = defaultdict(set)
    for e, key in zip(events, keys):
        support[key].add(e.article_id)
    ranked = sorted(support.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    chosen = ranked[0][0]
    claims = [DateClaim(value=k, article_ids=sorted(v)) for k, v in ranked]
    others = "; ".join(f"{c.value} ({len(c.article_ids)} article{'s' if len(c.article_ids) > 1 else ''})" for c in claims[1:])
    note = f"Sources disagree on the date: {chosen} ({len(ranked[0][1])} articles) vs {others}."
    return chosen, Conflict(chosen=chosen, claims=claims, note=note)


def _best_title(events: list[Event], idf: dict[str, float], status: EventStatus) -> Event:
    """The most informative source: one that tells it as it stands (status), with the terms
    most shared with the group, then the longest."""
    if len(events) == 1:
        return events[0]
    # dict.fromkeys, not set: each term once, summed in the event's own order, so the float sum (and the
    # title picked on near-ties) is the same in every run whatever Python's string hash seed.
    counts: Counter[str] = Counter()
    for e in events:
        counts.update(dict.fromkeys(e.terms, 1))

    def score(e: Event) -> tuple[float, int, str, int]:
        shared = sum(idf.get(t, 0.0) * (counts[t] - 1) for t in dict.fromkeys(e.terms))
        return (e.status != status, -shared, -len(e.terms), e.article_id, e.quote_start)

    return min(events, key=score)


def _status(statuses: set[EventStatus]) -> EventStatus:
    """A later report that it happened outranks an earlier one that it was expected."""
    for status in (EventStatus.HAPPENED, EventStatus.REPORTED, EventStatus.SCHEDULED, EventStatus.RECURRING):
        if status in statuses:
            return status
    return EventStatus.HAPPENED


def _uid(events: list[Event], articles: dict[str, Article], chosen: str) -> str:
    """Stable across runs: derived from the date and the founding source (smallest article fingerprint + offset)."""
    founder = min(events, key=lambda e: (articles[e.article_id].sha256 or e.article_id, e.quote_start))
    return _founded_uid(founder, articles[founder.article_id], chosen)


def _founded_uid(founder: Event, article: Article, chosen: str) -> str:
    seed = f"{chosen}|{article.sha256 or founder.article_id}|{founder.quote_start}|{founder.mention.start}"
    return hashlib.sha256(seed.encode()).hexdigest()[:24] + "@timeline"


def _entry(group: list[Event], group_keys: list[str], articles: dict[str, Article], idf: dict[str, float]) -> Entry:
    """One entry from a group of events and their date keys (computed once per merge, not per use)."""
    if len(group) == 1:
        return _single_entry(group[0], group_keys[0], articles)
    return _group_entry(group, group_keys, articles, idf)


def _group_entry(group: list[Event], group_keys: list[str], articles: dict[str, Article], idf: dict[str, float]) -> Entry:
    ordered = sorted(zip(group, group_keys), key=lambda ek: (ek[0].article_id, ek[0].quote_start, ek[0].mention.start))
    events, keys = [e for e, _ in ordered], [k for _, k in ordered]
    chosen, conflict = _conflict(events, keys)
    supporting = [e for e, key in zip(events, keys) if key == chosen]
    when = min((e.when for e in supporting), key=lambda v: (-PRECISION_RANK.get(v.precision, 0) if v.precision else 0, v.value))
    status = _status({e.status for e in events})
    best = _best_title(supporting, idf, status)
    places = list(dict.fromkeys(p for e in events for p in e.places))
    mentions = Counter(a for e in events for a in dict.fromkeys(e.actors))
    actors = _without_short_forms(sorted(mentions, key=lambda a: (-mentions[a], a)))[:8]
    n_sources = len({e.article_id for e in events})
    # independent sources first; among equals, what happened before what is expected
    salience = round(n_sources + 0.1 * (status == EventStatus.HAPPENED), 4)
    return Entry(
        uid=_uid(events, articles, chosen), when=when, title=best.title, status=status, places=places, actors=actors,
        sources=[_source(e, articles[e.article_id]) for e in events], conflict=conflict, salience=salience,
    )


def _without_short_forms(actors: list[str]) -> list[str]:
    """"Putin" and "Xi" drop out when "Vladimir Putin" and "Xi Jinping" are listed: one name per person."""
    if len(actors) < 2:
        return actors
    padded = [f" {a} " for a in actors]
    return [a for a in actors if not any(f" {a} " in p and p != f" {a} " for p in padded)]


def _single_entry(e: Event, key: str, articles: dict[str, Article]) -> Entry:
    """What ``_entry`` makes of a group of one event (most entries of a big batch), without the group work."""
    status, article = e.status, articles[e.article_id]  # _status of one status is that status; the founder is e
    return Entry(
        uid=_founded_uid(e, article, key), when=e.when, title=e.title, status=status, places=list(dict.fromkeys(e.places)),
        actors=_without_short_forms(sorted(set(e.actors)))[:8], sources=[_source(e, article)], conflict=None,
        salience=round(1 + 0.1 * (status == EventStatus.HAPPENED), 4),
    )


def _group_date(members: list[int], keys: list[str]) -> str:
    """The date key most of a group's events give (ties: the smallest)."""
    if len(members) == 1:
        return keys[members[0]]
    counts = Counter(keys[i] for i in members)
    return min(counts, key=lambda k: (-counts[k], k))


def _link_named(keys: list[str], days: list[int | None], feats: list[_Features], uf: _UnionFind) -> None:
    """Groups whose best-supported date is the same and whose clauses name the same person or body
    (Xi, Putin, Victory Day) are parts of one happening told differently: "talks concluded",
    "signed a joint statement", "Xi hailed the deeper trust". Runs after conflicts are joined, so
    an arrival disputed between Wednesday and Thursday stays apart from Thursday's talks.
    Only on days (two things Putin did in January are rarely one happening), and only on days with few
    groups: in one story's coverage the day's groups naming Xi tell one visit, while in a news archive a
    day holds hundreds of groups and a shared name alone tells nothing (such links chain unrelated events
    into entries of thousands of sources)."""
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(keys)):
        members[uf.find(i)].append(i)
    by_date: dict[str, list[int]] = defaultdict(list)
    for root, idx in members.items():
        if days[root] is not None:
            by_date[_group_date(idx, keys)].append(root)
    for roots in by_date.values():
        if len(roots) > NAMED_DAY_GROUPS:
            continue
        index: dict[int, list[int]] = defaultdict(list)
        sentences = {root: {feats[i].sentence for i in members[root]} for root in roots}
        for root in roots:
            names = set().union(*(feats[i].names for i in members[root]))
            for other in sorted(set(chain.from_iterable([index[n] for n in names if n in index]))):
                if uf.find(other) != uf.find(root) and sentences[root].isdisjoint(sentences[other]):
                    uf.union(root, other)
            for n in names:
                index[n].append(root)


def _link_back_references(events: list[Event], keys: list[str], feats: list[_Features], w2: list[float],
                          uf: _UnionFind) -> None:
    """ "The parade came a day after the two leaders held talks": the clause names a happening the
    report takes as known, so it joins the same-day group it resembles most, if any resembles it."""
    by_key = _blocks(keys)
    sizes = Counter(uf.find(i) for i in range(len(events)))
    for i, e in enumerate(events):
        if e.mention.event_when is None or sizes[uf.find(i)] > 1:
            continue
        scored = [(_cosine(feats[i].terms, feats[j].terms, feats[i].terms_inv, feats[j].terms_inv, w2), j)
                  for j in by_key[keys[i]][:POSTINGS_LIMIT] if uf.find(j) != uf.find(i)]
        best = max(scored, default=(0.0, -1))
        if best[0] >= BACK_REFERENCE_LINK:
            uf.union(i, best[1])


def _link_history(events: list[Event], feats: list[_Features], w2: list[float], uf: _UnionFind,
                  latest: dt.date | None) -> None:
    """News points at history by its landmarks: year-or-coarser dates long before the articles ("1945",
    "Eighty years ago") that share some sentence words are one historical reference, told twice."""
    if latest is None:
        return
    by_value: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(events):
        coarse = e.when.precision is not None and PRECISION_RANK[e.when.precision] <= PRECISION_RANK[Precision.YEAR]
        if coarse and e.when.start is not None and latest.year - e.when.start.year > HISTORY_YEARS:
            by_value[e.when.value].append(i)
    for members in by_value.values():
        for a, i in enumerate(members[:POSTINGS_LIMIT]):
            for j in members[a + 1:POSTINGS_LIMIT]:
                fi, fj = feats[i], feats[j]
                if uf.find(i) != uf.find(j) and fi.sentence != fj.sentence and (
                        _cosine(fi.context, fj.context, fi.context_inv, fj.context_inv, w2) >= HISTORY_LINK):
                    uf.union(i, j)


def merge_events(events: list[Event], articles: dict[str, Article]) -> list[Entry]:
    """Group events across articles, flag date conflicts, and order the entries in time.

    Recurring dates ("Victory Day is celebrated on May 9") are grouped by their value into context
    entries with no place in time; they sort after the dated entries."""
    placeable = [e for e in events if e.when.start is not None]
    idf = idf_weights(placeable)
    vocab = _vocabulary(idf)
    w2 = vocab.w2
    feats = [_features(e, vocab) for e in placeable]
    keys = [date_key(e.when) for e in placeable]
    days = [_day(e) for e in placeable]
    uf = _UnionFind(len(placeable))
    _link_same_date(keys, days, feats, w2, uf)
    _link_conflicts(placeable, days, feats, w2, uf)
    _link_named(keys, days, feats, uf)
    _link_back_references(placeable, keys, feats, w2, uf)
    _link_history(placeable, feats, w2, uf, max((a.date for a in articles.values() if a.date), default=None))
    del feats, vocab, w2  # the word sets weigh more than the entries: free them before the entries are made
    entries = [_entry([placeable[i] for i in g], [keys[i] for i in g], articles, idf) for g in uf.groups(len(placeable))]
    recurring: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.when.start is None and e.status == EventStatus.RECURRING:
            recurring[e.when.value].append(e)
    entries += [_entry(group, [date_key(e.when) for e in group], articles, idf_weights(group))
                for group in recurring.values()]
    return sorted(entries, key=Entry.sort_key)


def filter_entries(entries: list[Entry], min_sources: int = 1, top: int | None = None) -> list[Entry]:
    """Keep entries told by at least ``min_sources`` articles, then the ``top`` most salient, in time order."""
    kept = [e for e in entries if len({s.article_id for s in e.sources}) >= min_sources]
    if top is not None:
        kept = sorted(kept, key=lambda e: (-e.salience, e.sort_key()))[:top]
    return sorted(kept, key=Entry.sort_key)


def batch_title(events: Iterable[Event]) -> str:
    """The timeline's title when none is given: the place its events name most."""
    places = [p for e in events for p in e.places]
    top = max(sorted(set(places)), key=places.count) if places else None
    return f"Timeline: {top}" if top else "Timeline"
