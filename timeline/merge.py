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
from dataclasses import dataclass

from timeline.models import (
    PRECISION_RANK, Article, Conflict, DateClaim, Entry, Event, EventStatus, Precision, Source, TimeValue,
)

CLAUSE_LINK = 0.35        # clause similarity that alone makes two same-date events one
MIXED_LINK = 0.30         # or: mean of clause and sentence similarity
NAMED_LINK = 0.20         # or: a shared name (Xi, Putin) and this much clause or sentence similarity
HISTORY_YEARS = 10        # a year-or-coarser date this long before the articles is history
HISTORY_LINK = 0.10       # sentence similarity enough to join two mentions of the same historical year
BACK_REFERENCE_LINK = 0.15  # "a day after <clause>": clause similarity enough to join the happening named
CONFLICT_LINK = 0.50      # clause similarity for one happening reported on different days
CONFLICT_WINDOW_DAYS = 3  # how far apart two reported days of one event may be
INDEX_TERMS = 6           # rarest clause words per event used (with its names) to find candidates
CONFLICT_KEYS = 4         # rarest clause words used to find the same happening on other days
POSTINGS_LIMIT = 64       # compare with at most this many earlier events per word (keeps big batches linear)
CANDIDATES = 24           # and with at most this many events per event, those sharing the most words first


def date_key(value: TimeValue) -> str:
    """Events can only be the same if they share this key: the day for day/time values, else the value."""
    if value.precision in (Precision.DAY, Precision.HOUR, Precision.MINUTE) and value.start:
        return value.start.isoformat()
    return value.value


def idf_weights(events: list[Event]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for e in events:
        df.update(set(e.terms) | set(e.context) | set(e.names))
    n = len(events) + 1
    return {t: math.log(n / c) + 0.1 for t, c in df.items()}


@dataclass(frozen=True, slots=True)
class _Features:
    """An event's word sets and their weights, computed once per merge (not once per comparison)."""

    terms: frozenset[str]
    context: frozenset[str]
    names: frozenset[str]
    terms_norm: float
    context_norm: float
    sentence: tuple[str, int]
    rare: tuple[str, ...]  # index keys: the rarest clause words


def _features(e: Event, w2: dict[str, float]) -> _Features:
    terms, context = frozenset(e.terms), frozenset(e.context)
    weight = w2.__getitem__  # every word of the batch has a weight
    rare = tuple(sorted(sorted(terms), key=weight, reverse=True)[:INDEX_TERMS])  # rarest first, ties by word
    return _Features(terms, context, frozenset(e.names), math.sqrt(sum(map(weight, terms))),
                     math.sqrt(sum(map(weight, context))), (e.article_id, e.quote_start), rare)


def _cosine(a: frozenset[str], b: frozenset[str], na: float, nb: float, w2: dict[str, float]) -> float:
    if not na or not nb:
        return 0.0
    return sum(map(w2.__getitem__, a & b)) / (na * nb)  # every word of a batch has a weight


def _same(a: _Features, b: _Features, w2: dict[str, float]) -> bool:
    if a.sentence == b.sentence:
        return False  # two clauses of one sentence were split apart on purpose
    clause = _cosine(a.terms, b.terms, a.terms_norm, b.terms_norm, w2)
    if clause >= CLAUSE_LINK:
        return True
    sentence = _cosine(a.context, b.context, a.context_norm, b.context_norm, w2)
    if (clause + sentence) / 2 >= MIXED_LINK:
        return True
    return not a.names.isdisjoint(b.names) and max(clause, sentence) >= NAMED_LINK


def same_happening(a: Event, b: Event, idf: dict[str, float]) -> bool:
    """Do two events on the same date tell the same happening?"""
    w2 = {t: v * v for t, v in idf.items()}
    w2 = defaultdict(float, w2)  # words of either event may be missing from ``idf``
    return _same(_features(a, w2), _features(b, w2), w2)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)

    def groups(self, n: int) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(n):
            out[self.find(i)].append(i)
        return list(out.values())


def _link_same_date(events: list[Event], feats: list[_Features], w2: dict[str, float], uf: _UnionFind) -> None:
    """Link same-date events; candidates come from an inverted index of rare words and names inside each
    date block, each word looking back at a bounded number of earlier events."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(events):
        blocks[date_key(e.when)].append(i)
    for members in blocks.values():
        index: dict[str, list[int]] = defaultdict(list)
        for i in members:
            f = feats[i]
            keys = (*f.rare, *f.names)
            shared = Counter(j for k in keys for j in index[k][-POSTINGS_LIMIT:])
            # the events sharing the most rare words first; a bounded number of them
            best = shared.most_common(CANDIDATES) if len(shared) > CANDIDATES else shared.items()
            for j, _ in sorted(best):
                if uf.find(i) != uf.find(j) and _same(f, feats[j], w2):
                    uf.union(i, j)
            for k in keys:
                index[k].append(i)


def _day(e: Event) -> dt.date | None:
    return e.when.start if e.when.precision in (Precision.DAY, Precision.HOUR, Precision.MINUTE) else None


def _link_conflicts(events: list[Event], feats: list[_Features], w2: dict[str, float], uf: _UnionFind) -> None:
    """Join groups a few days apart whose clauses tell the same happening, from different articles
    (one article says Xi arrived Thursday, four say Wednesday): one event with disputed dates.

    Candidates come from an inverted index of rare clause words over a sliding window of days."""
    dated = sorted(((d, i) for i, e in enumerate(events) if (d := _day(e)) is not None))
    articles: dict[int, set[str]] = defaultdict(set)
    for i, e in enumerate(events):
        articles[uf.find(i)].add(e.article_id)
    index: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    window = dt.timedelta(days=CONFLICT_WINDOW_DAYS)
    pairs = []
    for day, i in dated:
        f = feats[i]
        keys = f.rare[:CONFLICT_KEYS]
        seen: set[int] = set()
        for k in keys:
            for other_day, j in reversed(index[k][-POSTINGS_LIMIT:]):
                if day - other_day > window:
                    break
                if other_day == day or j in seen:
                    continue
                seen.add(j)
                score = _cosine(f.terms, feats[j].terms, f.terms_norm, feats[j].terms_norm, w2)
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
    # built from already-validated models: skip re-validation (a large share of merge time at scale)
    return Source.model_construct(
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
    counts: Counter[str] = Counter()
    for e in events:
        counts.update(set(e.terms))

    def score(e: Event) -> tuple[float, int, str, int]:
        shared = sum(idf.get(t, 0.0) * (counts[t] - 1) for t in set(e.terms))
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
    seed = f"{chosen}|{articles[founder.article_id].sha256 or founder.article_id}|{founder.quote_start}|{founder.mention.start}"
    return hashlib.sha256(seed.encode()).hexdigest()[:24] + "@timeline"


def _entry(group: list[Event], articles: dict[str, Article], idf: dict[str, float], n_articles: int) -> Entry:
    events = sorted(group, key=lambda e: (e.article_id, e.quote_start, e.mention.start))
    keys = [date_key(e.when) for e in events]
    chosen, conflict = _conflict(events, keys)
    supporting = [e for e, key in zip(events, keys) if key == chosen]
    when = min((e.when for e in supporting), key=lambda v: (-PRECISION_RANK.get(v.precision, 0) if v.precision else 0, v.value))
    status = _status({e.status for e in events})
    best = _best_title(supporting, idf, status)
    places = list(dict.fromkeys(p for e in events for p in e.places))
    mentions = Counter(a for e in events for a in dict.fromkeys(e.actors))
    actors = sorted(mentions, key=lambda a: (-mentions[a], a))[:8]
    n_sources = len({e.article_id for e in events})
    # independent sources first; among equals, what happened before what is expected
    salience = round(n_sources + 0.1 * (status == EventStatus.HAPPENED), 4)
    # built from validated parts: skip re-validation (a large share of merge time at scale)
    return Entry.model_construct(
        uid=_uid(events, articles, chosen), when=when, title=best.title, status=status, places=places, actors=actors,
        sources=[_source(e, articles[e.article_id]) for e in events], conflict=conflict, salience=salience,
    )


def sort_key(entry: Entry) -> tuple:
    """Time order; a coarser value sorts before the finer ones it contains (September before 1 September)."""
    when = entry.when
    start = when.start or dt.date.max
    rank = PRECISION_RANK.get(when.precision, 99) if when.precision else 99
    instant = when.instant.astimezone(dt.timezone.utc).isoformat() if when.instant else ""
    return (start, rank, instant, entry.title, entry.uid)


def _link_named(events: list[Event], feats: list[_Features], uf: _UnionFind) -> None:
    """Groups whose best-supported date is the same and whose clauses name the same person or body
    (Xi, Putin, Victory Day) are parts of one happening told differently: "talks concluded",
    "signed a joint statement", "Xi hailed the deeper trust". Runs after conflicts are joined, so
    an arrival disputed between Wednesday and Thursday stays apart from Thursday's talks."""
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(events)):
        members[uf.find(i)].append(i)
    by_date: dict[str, list[int]] = defaultdict(list)
    for root, idx in members.items():
        keys = Counter(date_key(events[i].when) for i in idx)
        by_date[min(keys, key=lambda k: (-keys[k], k))].append(root)
    for roots in by_date.values():
        index: dict[str, list[int]] = defaultdict(list)
        sentences = {root: {feats[i].sentence for i in members[root]} for root in roots}
        for root in roots:
            names = {n for i in members[root] for n in feats[i].names}
            for other in sorted({o for n in names for o in index[n][-POSTINGS_LIMIT:]}):
                if uf.find(other) != uf.find(root) and sentences[root].isdisjoint(sentences[other]):
                    uf.union(root, other)
            for n in names:
                index[n].append(root)


def _link_back_references(events: list[Event], feats: list[_Features], w2: dict[str, float], uf: _UnionFind) -> None:
    """ "The parade came a day after the two leaders held talks": the clause names a happening the
    report takes as known, so it joins the same-day group it resembles most, if any resembles it."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(events):
        by_key[date_key(e.when)].append(i)
    sizes = Counter(uf.find(i) for i in range(len(events)))
    for i, e in enumerate(events):
        if e.mention.event_when is None or sizes[uf.find(i)] > 1:
            continue
        scored = [(_cosine(feats[i].terms, feats[j].terms, feats[i].terms_norm, feats[j].terms_norm, w2), j)
                  for j in by_key[date_key(e.when)][:POSTINGS_LIMIT] if uf.find(j) != uf.find(i)]
        best = max(scored, default=(0.0, -1))
        if best[0] >= BACK_REFERENCE_LINK:
            uf.union(i, best[1])


def _link_history(events: list[Event], feats: list[_Features], w2: dict[str, float], uf: _UnionFind,
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
                        _cosine(fi.context, fj.context, fi.context_norm, fj.context_norm, w2) >= HISTORY_LINK):
                    uf.union(i, j)


def merge_events(events: list[Event], articles: dict[str, Article]) -> list[Entry]:
    """Group events across articles, flag date conflicts, and order the entries in time.

    Recurring dates ("Victory Day is celebrated on May 9") are grouped by their value into context
    entries with no place in time; they sort after the dated entries."""
    placeable = [e for e in events if e.when.start is not None]
    idf = idf_weights(placeable)
    w2 = {t: v * v for t, v in idf.items()}
    feats = [_features(e, w2) for e in placeable]
    uf = _UnionFind(len(placeable))
    _link_same_date(placeable, feats, w2, uf)
    _link_conflicts(placeable, feats, w2, uf)
    _link_named(placeable, feats, uf)
    _link_back_references(placeable, feats, w2, uf)
    _link_history(placeable, feats, w2, uf, max((a.date for a in articles.values() if a.date), default=None))
    entries = [_entry([placeable[i] for i in g], articles, idf, len(articles)) for g in uf.groups(len(placeable))]
    recurring: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.when.start is None and e.status == EventStatus.RECURRING:
            recurring[e.when.value].append(e)
    entries += [_entry(group, articles, idf_weights(group), len(articles)) for group in recurring.values()]
    return sorted(entries, key=sort_key)


def filter_entries(entries: list[Entry], min_sources: int = 1, top: int | None = None) -> list[Entry]:
    """Keep entries told by at least ``min_sources`` articles, then the ``top`` most salient, in time order."""
    kept = [e for e in entries if len({s.article_id for s in e.sources}) >= min_sources]
    if top is not None:
        kept = sorted(kept, key=lambda e: (-e.salience, sort_key(e)))[:top]
    return sorted(kept, key=sort_key)
