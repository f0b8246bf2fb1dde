"""Events of all articles -> timeline entries: the same event told by several articles becomes one entry.

Matching is by date compatibility plus content similarity: IDF-weighted cosine of the clause
words, of the sentence words, and shared names. Candidate pairs come from an inverted index over
each event's rarest words inside a date block, so the work grows with the number of events, not
its square. A small weighted overlap is enough here: clauses are short, shared rare words
("four-day", "arrive") identify a happening, and it needs no model or extra dependency.

After same-date merging, groups that are the same happening on nearby days (one article says
Xi arrived Thursday, four say Wednesday) are joined and flagged as a date conflict.

Similar words do not make one happening when the reports clash (signature.py: opposite moves,
different figures, different organizations), and groups join as groups: no event of one may clash
with an event of the other, and every event of each must resemble one of the other (``_alike``), so
one event that resembles several unrelated ones cannot chain them into one entry. The steps, in
order: same date, date conflicts, shared names on one story's days, a month or year holding a day,
back references, history.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import NamedTuple

from timeline.models import (
    CONFIDENCE_RANK, PRECISION_RANK, Article, Confidence, Conflict, DateClaim, Entry, Event, EventStatus,
    Precision, Source, TimeValue,
)
from timeline.signature import (Signature, SignatureReader, SignatureWords, clash, load_signature_words, not_organizations,
                                signature)

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
SAME_DAY_CORE = 0.10      # clause or sentence similarity each event of two same-date groups needs in the other
CONFLICT_CORE = 0.20      # clause similarity every cross-day pair of two groups needs to become one disputed entry
INSTANT_TOLERANCE = dt.timedelta(hours=3)  # timed reports of one event further apart than this disagree
GROUP_SAMPLE = 64         # the every-member tests of two groups (alike, covers, clashes) read at most this many
                          # members of each, spread evenly: one happening told thousands of times stays linear
INDEX_TERMS = 6           # rarest clause words per event used (with its names) to find candidates
CONFLICT_KEYS = 4         # rarest clause words used to find the same happening on other days
POSTINGS_LIMIT = 64       # compare with at most this many earlier events per word (keeps big batches linear)
PLAUSIBLE = 0.10          # share of the clause cosine that the shared rarest words must reach before a full test
NAMED_DAY_GROUPS = 24     # a shared name alone joins groups only on a day with at most this many groups
NAMED_DAY_SHARE = 0.5     # ... that at least this share of the batch's articles report (one story's coverage)
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
        # two clauses of one sentence were split apart on purpose, unless one clause was dated twice
        # ("made its first test flight Tuesday in Everett at 18:00 UTC": a day and a time, one happening)
        return bool(a.terms) and bool(b.terms) and (a.terms <= b.terms or b.terms <= a.terms)
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
    """Groups of events: parent links, and the member list of each root with more than itself."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.groups_of: dict[int, list[int]] = {}

    def find(self, i: int) -> int:
        parent = self.parent
        while (up := parent[i]) != i:
            parent[i] = i = parent[up]  # path halving
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.join_roots(ri, rj)

    def join_roots(self, ri: int, rj: int) -> int:
        """Join two distinct roots; the smaller index stays the root (so roots do not depend on link order)."""
        root, other = (ri, rj) if ri < rj else (rj, ri)
        self.parent[other] = root
        kept, moved = self.groups_of.get(root) or [root], self.groups_of.pop(other, None) or [other]
        if len(kept) < len(moved):
            kept, moved = moved, kept
        kept.extend(moved)
        self.groups_of[root] = kept
        return root

    def members(self, root: int) -> list[int]:
        """The events of a root's group (a root's own list: do not change it)."""
        return self.groups_of.get(root) or [root]

    def groups(self, n: int) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(n):
            out[self.find(i)].append(i)
        return list(out.values())


class _Judge:
    """Whether two groups may become one: no event of one clashes with an event of the other (opposite
    moves, different figures, different organizations; see signature.py). Complete link on the clashes,
    so a group never takes in what contradicts any of its members, however a bridging event resembles
    both: "shares fell 4% after the company reported a loss" cannot carry "shares rose 3%" in with it.
    An event's signature is read the first time a join needs it (most events are never proposed)."""

    def __init__(self, events: list[Event], words: SignatureWords, anonymous: frozenset[str]) -> None:
        self.events, self.words, self.anonymous = events, words, anonymous
        self.signatures: dict[int, Signature | None] = {}
        self.reader = SignatureReader(words)

    def _signed(self, members: list[int]) -> list[Signature]:
        cache, out = self.signatures, []
        for i in members:
            if i not in cache:
                cache[i] = signature(self.events[i], self.words, self.anonymous, self.reader)
            if (sig := cache[i]) is not None:
                out.append(sig)
        return out

    def compatible(self, uf: _UnionFind, ri: int, rj: int) -> bool:
        a = self._signed(_sample(uf.members(ri)))
        if not a:
            return True
        b = self._signed(_sample(uf.members(rj)))
        return not b or not any(clash(x, y) for x in a for y in b)


def _sample(members: list[int]) -> list[int]:
    """``members``, or GROUP_SAMPLE of them spread evenly over a larger group (the first included)."""
    if len(members) <= GROUP_SAMPLE:
        return members
    step = len(members) / GROUP_SAMPLE
    return [members[int(k * step)] for k in range(GROUP_SAMPLE)]


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
                    uf: _UnionFind, judge: _Judge) -> None:
    """Link same-date events; candidates come from an inverted index of rare words and names inside each
    date block, each word looking back at a bounded number of earlier events. Two groups join only if
    none of their events clash (``_Judge``)."""
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
                        and (other := find(j)) != root and _same(f, feats[j], w2, coarse)
                        and judge.compatible(uf, root, other)
                        and _alike(uf.members(root), uf.members(other), feats, w2, SAME_DAY_CORE)):
                    root = uf.join_roots(root, other)
            for k in f.keys:
                index[k].append(i)


def _day(e: Event) -> int | None:
    """The day of a day-or-finer value, as a day number (cheap to subtract and compare)."""
    return e.when.start.toordinal() if e.when.precision in (Precision.DAY, Precision.HOUR, Precision.MINUTE) else None


def _link_conflicts(events: list[Event], dated: list[tuple[int, int]], days: list[int | None], feats: list[_Features],
                    w2: list[float], uf: _UnionFind, judge: _Judge, own_day: list[bool]) -> None:
    """Join groups a few days apart whose clauses tell the same happening, from different articles
    (one article says Xi arrived Thursday, four say Wednesday): one event with disputed dates.

    A date conflict is a strong claim, so the groups must tell one happening as groups, not through one
    pair: no clash between any of their events, every cross pair's clauses alike (CONFLICT_CORE), all
    their days within CONFLICT_WINDOW_DAYS, and not each dated by its own article's day ("fell sharply
    today" in Monday's paper and "rose sharply today" in Thursday's are two trading days, not one
    disputed one). Candidates come from an inverted index of rare clause words over a sliding window of days."""
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(events)):
        members[uf.find(i)].append(i)
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
        if ri == rj:
            continue
        a, b = members[ri], members[rj]
        if ({events[x].article_id for x in a} & {events[y].article_id for y in b}  # one article, one date
                or not judge.compatible(uf, ri, rj)
                or (all(own_day[x] for x in a) and all(own_day[y] for y in b))
                or not _covers(a, b, feats, w2, CONFLICT_CORE)):
            continue
        root = uf.join_roots(ri, rj)
        members[root] = a + b
        members.pop(ri if root == rj else rj, None)


def _alike(a: list[int], b: list[int], feats: list[_Features], w2: list[float], floor: float) -> bool:
    """Every event of each group has an event in the other whose clause or sentence it resembles (cosine >=
    ``floor``): two groups of one day join as groups, not through one event that resembles both."""
    if len(a) == 1 and len(b) == 1:
        return True  # the pair itself passed ``_same``
    a, b = _sample(a), _sample(b)

    def like(x: int, others: list[int]) -> bool:
        fx = feats[x]
        for y in others:
            fy = feats[y]
            if (_cosine(fx.terms, fy.terms, fx.terms_inv, fy.terms_inv, w2) >= floor
                    or _cosine(fx.context, fy.context, fx.context_inv, fy.context_inv, w2) >= floor):
                return True
        return False
    return all(like(x, b) for x in a) and all(like(y, a) for y in b)


def _covers(a: list[int], b: list[int], feats: list[_Features], w2: list[float], floor: float) -> bool:
    """Every event of each group has a like event (clause cosine >= ``floor``) in the other: the groups tell
    one happening as groups, not through a single bridging pair."""
    a, b = _sample(a), _sample(b)

    def like(x: int, others: list[int]) -> bool:
        fx = feats[x]
        return any(_cosine(fx.terms, feats[y].terms, fx.terms_inv, feats[y].terms_inv, w2) >= floor for y in others)
    return all(like(x, b) for x in a) and all(like(y, a) for y in b)


def _own_day(e: Event, article: Article) -> bool:
    """Dated by its own article's day ("today", "on Thursday" in Thursday's paper, or no date phrase at all)."""
    return (e.mention.anchor != "absolute" and article.date is not None and e.when.start == article.date
            and e.when.precision in (Precision.DAY, Precision.HOUR, Precision.MINUTE))


def _spread(days: list[int | None]) -> int:
    known = [d for d in days if d is not None]
    return max(known) - min(known) if known else 0


def _source(event: Event, article: Article) -> Source:
    # plain validation: faster than model_construct with pydantic-core, and it checks the types
    return Source(
        article_id=article.id, path=article.path, article_title=article.title, url=article.url,
        when=event.when, date_text=event.mention.text, date_start=event.mention.start, date_end=event.mention.end,
        quote=event.quote, quote_start=event.quote_start, quote_end=event.quote_end,
        confidence=event.dated_by,
    )


def _conflict(events: list[Event], keys: list[str], sources: list[Source]) -> tuple[str, Conflict | None]:
    """The best-supported date key (most distinct articles, then earliest) and any dispute. A source dated by
    default (no date phrase: the publication date) claims nothing when another source states a date: its
    day is where the article was published, not where it says the happening was."""
    stated = [i for i, src in enumerate(sources) if src.confidence != Confidence.PUBLICATION_DEFAULT]
    if stated and len(stated) < len(sources):
        events, keys = [events[i] for i in stated], [keys[i] for i in stated]
    if len(set(keys)) == 1:
        return keys[0], None
    # "in February" agrees with "on February 29": a coarser date that holds a finer one of the group claims nothing
    values = {e.when.value: e.when for e in events}
    holding = {v for v, when in values.items() if any(_contains(when, other) for other in values.values())}
    if holding:
        kept = [i for i, e in enumerate(events) if e.when.value not in holding]
        events, keys = [events[i] for i in kept], [keys[i] for i in kept]
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


def _contains(coarse: TimeValue, fine: TimeValue) -> bool:
    """``coarse`` is a longer period holding all of ``fine`` (2008-02 holds 2008-02-29; a day holds no time)."""
    return (coarse.start is not None and fine.start is not None and coarse.end is not None and fine.end is not None
            and PRECISION_RANK[coarse.shown_precision] < PRECISION_RANK[fine.shown_precision]
            and PRECISION_RANK[coarse.shown_precision] < PRECISION_RANK[Precision.DAY]
            and coarse.start <= fine.start and fine.end <= coarse.end)


def _time_conflict(events: list[Event], sources: list[Source]) -> tuple[Conflict, TimeValue] | None:
    """Reports of one day whose clock times are hours apart (5 p.m. ET and 9 a.m. Moscow time are
    15 hours apart): the same dispute as two days, between the instants; None if they agree."""
    timed = [i for i, e in enumerate(events) if e.when.instant is not None]
    if len(timed) < 2:
        return None
    instants = [events[i].when.instant for i in timed]
    if max(instants) - min(instants) <= INSTANT_TOLERANCE:  # type: ignore[operator, type-var]
        return None
    chosen, conflict = _conflict([events[i] for i in timed], [events[i].when.value for i in timed], [sources[i] for i in timed])
    if conflict is None:
        return None
    timed_events = [events[i] for i in timed]
    return conflict, next(e.when for e in timed_events if e.when.value == chosen)


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
    sources = [_source(e, articles[e.article_id]) for e in events]
    chosen, conflict = _conflict(events, keys, sources)
    supporting = [e for e, key in zip(events, keys) if key == chosen]
    confidence = min((src.confidence for src, key in zip(sources, keys) if key == chosen), key=CONFIDENCE_RANK.__getitem__)
    when = min((e.when for e in supporting), key=lambda v: (-PRECISION_RANK.get(v.precision, 0) if v.precision else 0, v.value))
    if conflict is None and (timed := _time_conflict(supporting, [src for src, key in zip(sources, keys) if key == chosen])):
        conflict, when = timed
    status = _status({e.status for e in events})
    best = _best_title(supporting, idf, status)
    places = list(dict.fromkeys(p for e in events for p in e.places))
    mentions = Counter(a for e in events for a in dict.fromkeys(e.actors))
    actors = _without_short_forms(sorted(mentions, key=lambda a: (-mentions[a], a)))[:8]
    return Entry(
        uid=_uid(events, articles, chosen), when=when, title=best.title, status=status, places=places, actors=actors,
        sources=sources, conflict=conflict, confidence=confidence,
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
    source = _source(e, article)
    return Entry(
        uid=_founded_uid(e, article, key), when=e.when, title=e.title, status=status, places=list(dict.fromkeys(e.places)),
        actors=_without_short_forms(sorted(set(e.actors)))[:8], sources=[source], conflict=None,
        confidence=source.confidence,
    )


def _group_date(members: list[int], keys: list[str]) -> str:
    """The date key most of a group's events give (ties: the smallest)."""
    if len(members) == 1:
        return keys[members[0]]
    counts = Counter(keys[i] for i in members)
    return min(counts, key=lambda k: (-counts[k], k))


def _link_named(events: list[Event], keys: list[str], days: list[int | None], feats: list[_Features], uf: _UnionFind,
                judge: _Judge) -> None:
    """Groups whose best-supported date is the same and whose clauses name the same person or body
    (Xi, Putin, Victory Day) are parts of one happening told differently: "talks concluded",
    "signed a joint statement", "Xi hailed the deeper trust". Runs after conflicts are joined, so
    an arrival disputed between Wednesday and Thursday stays apart from Thursday's talks.
    Only on days (two things Putin did in January are rarely one happening), and only in one story's
    coverage: on a day that at least NAMED_DAY_SHARE of the batch's articles report, with few groups. Five
    articles on a state visit that all tell its Thursday tell one visit's Thursday, and the groups naming Xi
    are parts of it; in thirty articles about a company over years, two or three report a given day, and
    the day's groups naming the company are its loss, its share price and its plant closures, three
    happenings. In a news archive a day holds hundreds of groups and a shared name alone tells nothing.
    The name must be one the group is about (named by at least half its events), not one a member
    happens to mention, so a group does not grow by what its newest member names; and no events of the
    two groups may clash (two exchanges' closing figures name "Stock Exchange" and are two happenings)."""
    batch = len({e.article_id for e in events})
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
        reporting = {events[i].article_id for root in roots for i in members[root]}
        if len(reporting) < NAMED_DAY_SHARE * batch:
            continue
        index: dict[int, list[int]] = defaultdict(list)
        sentences = {root: {feats[i].sentence for i in members[root]} for root in roots}
        for root in roots:
            names = _core_names([feats[i].names for i in members[root]])
            for other in sorted(set(chain.from_iterable([index[n] for n in names if n in index]))):
                ri, rj = uf.find(root), uf.find(other)
                if ri != rj and sentences[root].isdisjoint(sentences[other]) and judge.compatible(uf, ri, rj):
                    uf.join_roots(ri, rj)
            for n in names:
                index[n].append(root)


def _core_names(name_sets: list[frozenset[int]]) -> set[int]:
    """The names at least half of a group's events name (all names of a single event)."""
    if len(name_sets) == 1:
        return set(name_sets[0])
    counts = Counter(chain.from_iterable(name_sets))
    return {n for n, c in counts.items() if 2 * c >= len(name_sets)}


def _link_contained(events: list[Event], days: list[int | None], dated: list[tuple[int, int]], feats: list[_Features],
                    w2: list[float], uf: _UnionFind, judge: _Judge) -> None:
    """A report that gives only the month, week or year ("in February", "2007") and one that gives the day
    inside it ("on February 29") tell one happening when their clauses agree as closely as a shared month
    needs (``_same`` with ``coarse``): the coarse report joins the day's group it resembles most, and the
    entry keeps the day (a coarser date holding the chosen one claims nothing: ``_conflict``).
    Candidates: the day events sharing a rare clause word, found by date range in per-word postings."""
    postings: dict[int, tuple[list[int], list[int]]] = {}  # word -> (days ascending, their events)
    for d, i in dated:
        for k in feats[i].rare[:CONFLICT_KEYS]:
            if (p := postings.get(k)) is None:
                postings[k] = p = ([], [])
            p[0].append(d)
            p[1].append(i)
    for i, e in enumerate(events):
        when = e.when
        if days[i] is not None or when.start is None or when.end is None:
            continue
        if PRECISION_RANK[when.shown_precision] < PRECISION_RANK[Precision.YEAR]:
            continue  # a decade or a century holds too much to stand for one happening's date
        lo, hi = when.start.toordinal(), when.end.toordinal()
        f = feats[i]
        # as on one day: an event sharing one word is a candidate only if that word is rare in the period
        windows = []
        for k in f.rare[:CONFLICT_KEYS]:
            if (p := postings.get(k)) is not None:
                at = bisect_left(p[0], lo)
                end = bisect_left(p[0], hi, at, min(len(p[0]), at + POSTINGS_LIMIT))
                if end > at:
                    windows.append(p[1][at:end])
        best: tuple[float, int] | None = None
        for j in sorted(_rare_or_shared_twice(windows)):
            if f.sentence != feats[j].sentence and _plausible(f, feats[j], w2) and _same(f, feats[j], w2, coarse=True):
                score = _cosine(f.terms, feats[j].terms, f.terms_inv, feats[j].terms_inv, w2)
                if best is None or score > best[0]:
                    best = (score, j)
        if best is not None:
            ri, rj = uf.find(i), uf.find(best[1])
            if ri != rj and judge.compatible(uf, ri, rj) and _alike(uf.members(ri), uf.members(rj), feats, w2, SAME_DAY_CORE):
                uf.join_roots(ri, rj)


def _link_back_references(events: list[Event], keys: list[str], feats: list[_Features], w2: list[float],
                          uf: _UnionFind, judge: _Judge) -> None:
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
        if best[0] >= BACK_REFERENCE_LINK and judge.compatible(uf, uf.find(i), uf.find(best[1])):
            uf.union(i, best[1])


def _link_history(events: list[Event], feats: list[_Features], w2: list[float], uf: _UnionFind, judge: _Judge,
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
                if (ri := uf.find(i)) != (rj := uf.find(j)) and fi.sentence != fj.sentence and (
                        _cosine(fi.context, fj.context, fi.context_inv, fj.context_inv, w2) >= HISTORY_LINK
                        and judge.compatible(uf, ri, rj)):
                    uf.join_roots(ri, rj)


def merge_events(events: list[Event], articles: dict[str, Article], words: SignatureWords | None = None) -> list[Entry]:
    """Group events across articles, flag date conflicts, and order the entries in time.

    ``words``: the language's merge words (lang/<lang>/merge.toml), English when not given.
    Recurring dates ("Victory Day is celebrated on May 9") are grouped by their value into context
    entries with no place in time; they sort after the dated entries."""
    words = words or load_signature_words("en")
    placeable = [e for e in events if e.when.start is not None]
    idf = idf_weights(placeable)
    vocab = _vocabulary(idf)
    w2 = vocab.w2
    feats = [_features(e, vocab) for e in placeable]
    keys = [date_key(e.when) for e in placeable]
    days = [_day(e) for e in placeable]
    uf = _UnionFind(len(placeable))
    judge = _Judge(placeable, words, not_organizations(placeable, words))
    own_day = [_own_day(e, articles[e.article_id]) for e in placeable]
    _link_same_date(keys, days, feats, w2, uf, judge)
    dated = sorted((d, i) for i, d in enumerate(days) if d is not None)  # the day events, in time order
    _link_conflicts(placeable, dated, days, feats, w2, uf, judge, own_day)
    _link_named(placeable, keys, days, feats, uf, judge)
    _link_contained(placeable, days, dated, feats, w2, uf, judge)
    _link_back_references(placeable, keys, feats, w2, uf, judge)
    _link_history(placeable, feats, w2, uf, judge, max((a.date for a in articles.values() if a.date), default=None))
    del feats, vocab, w2  # the word sets weigh more than the entries: free them before the entries are made
    entries = [_entry([placeable[i] for i in g], [keys[i] for i in g], articles, idf) for g in uf.groups(len(placeable))]
    recurring: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.when.start is None and e.status == EventStatus.RECURRING:
            recurring[e.when.value].append(e)
    entries += [_entry(group, [date_key(e.when) for e in group], articles, idf_weights(group))
                for group in recurring.values()]
    return sorted(entries, key=Entry.sort_key)
