"""Speed of the cross-article merge (``timeline.merge.merge_events``) at news-archive scale.

    python benchmarks/merge.py [N] [--events-per-article K] [--seed S] [--profile]

Synthesizes N articles (default 10,000) with about K events each (default 15, Poisson-like spread
5..25), deterministic for a seed. Each event is what ``extract_events`` produces: a date (80% a day
over one year, 12% a month, 8% a year), a clause's content terms (6..14 words drawn from a Zipf
distribution over a 30,000-word vocabulary, so common words are shared by thousands of events and
rare words by a few), sentence context (the clause terms plus 8..20 more words), and 0..3 names
(Zipf over 3,000 names). Every fifth event re-tells an earlier event from another article (same
date +-0..2 days, most of its words) so real merges happen. Only ``merge_events`` is timed; the
synthetic batch is built first. Prints events, entries, seconds, events/s, the merge's pairwise precision and recall against
the synthetic truth (which event retells which) and the command line.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import platform
import random
import shlex
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timeline.merge import merge_events  # noqa: E402
from timeline.models import Article, Entry, Event, Mention, Precision, TimeValue, TimexType  # noqa: E402

YEAR_START = dt.date(2025, 1, 1)
VOCAB = 30_000
NAMES = 3_000


def _zipf_sampler(n: int, s: float, rng: random.Random):
    cumulative = list(itertools.accumulate(1.0 / (k ** s) for k in range(1, n + 1)))
    total = cumulative[-1]
    return lambda: bisect.bisect_left(cumulative, rng.random() * total)


def _when(rng: random.Random, day: dt.date | None = None) -> TimeValue:
    r = rng.random()
    day = day or YEAR_START + dt.timedelta(days=rng.randrange(365))
    if day is not None and r < 0.80:
        return TimeValue(value=day.isoformat(), type=TimexType.DATE, precision=Precision.DAY,
                         start=day, end=day + dt.timedelta(days=1))
    if r < 0.92:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return TimeValue(value=start.strftime("%Y-%m"), type=TimexType.DATE, precision=Precision.MONTH, start=start, end=end)
    return TimeValue(value=str(day.year), type=TimexType.DATE, precision=Precision.YEAR,
                     start=dt.date(day.year, 1, 1), end=dt.date(day.year + 1, 1, 1))


def synthesize(n_articles: int, per_article: int, seed: int) -> tuple[list[Event], dict[str, Article], list[int]]:
    """Events, their articles, and for each event the happening it tells (its truth cluster)."""
    rng = random.Random(seed)
    word = _zipf_sampler(VOCAB, 1.05, rng)
    name = _zipf_sampler(NAMES, 1.1, rng)
    events: list[Event] = []
    happening: list[int] = []
    articles: dict[str, Article] = {}
    for a in range(n_articles):
        aid = f"a{a:06d}"
        published = YEAR_START + dt.timedelta(days=rng.randrange(365))
        articles[aid] = Article(id=aid, path=f"/synthetic/{aid}.txt", text="", date=published, sha256=f"{a:064x}")
        k = max(1, min(3 * per_article, int(rng.gauss(per_article, per_article / 3))))
        for j in range(k):
            if events and rng.random() < 0.2:  # another article retells an earlier event
                b = rng.randrange(max(0, len(events) - 5000), len(events))
                base, told = events[b], happening[b]
                shift = rng.choice((0, 0, 0, 0, 1, 2))
                day = (base.when.start + dt.timedelta(days=shift)) if base.when.start else None
                when = _when(rng, day) if shift else base.when
                terms = [t for t in base.terms if rng.random() < 0.8] + [f"w{word()}" for _ in range(rng.randrange(3))]
                names = list(base.names)
            else:
                when = _when(rng)
                terms = [f"w{word()}" for _ in range(rng.randrange(6, 15))]
                names = [f"N{name()}" for _ in range(rng.randrange(4))]
                told = len(events)
            context = terms + [f"w{word()}" for _ in range(rng.randrange(8, 21))]
            start = 100 * j
            mention = Mention(start=start, end=start + 10, text="on Monday", timex=when, rule="synthetic")
            events.append(Event(
                article_id=aid, when=when, mention=mention, title=" ".join(terms[:8]), quote=" ".join(context),
                quote_start=start, quote_end=start + 90, places=[], terms=sorted(set(terms)),
                context=sorted(set(context)), names=sorted(set(names)),
            ))
            happening.append(told)
    return events, articles, happening


def _pairs(sizes) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pair_scores(entries: list[Entry], events: list[Event], happening: list[int]) -> tuple[float, float]:
    """Pairwise precision and recall of the merge against the synthetic truth: of the event pairs put in
    one entry, how many tell one happening; of the pairs telling one happening, how many share an entry."""
    truth = {(e.article_id, e.quote_start): h for e, h in zip(events, happening)}
    merged = _pairs(len(entry.sources) for entry in entries)
    correct = sum(_pairs(Counter(truth[(s.article_id, s.quote_start)] for s in entry.sources).values()) for entry in entries)
    relevant = _pairs(Counter(happening).values())
    return (correct / merged if merged else 1.0), (correct / relevant if relevant else 1.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=10_000, help="number of articles (default 10000)")
    ap.add_argument("--events-per-article", type=int, default=15)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    events, articles, happening = synthesize(args.n, args.events_per_article, args.seed)
    built = time.perf_counter() - t0

    if args.profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        entries = prof.runcall(merge_events, events, articles)
        seconds = time.perf_counter() - t0
        pstats.Stats(prof).sort_stats("cumulative").print_stats(15)
    else:
        t0 = time.perf_counter()
        entries = merge_events(events, articles)
        seconds = time.perf_counter() - t0

    precision, recall = pair_scores(entries, events, happening)
    multi = sum(1 for e in entries if len({s.article_id for s in e.sources}) > 1)
    print(f"command:  python {shlex.join(['benchmarks/merge.py', *(argv if argv is not None else sys.argv[1:])])}")
    print(f"python:   {platform.python_version()} on {platform.machine()}")
    print(f"articles: {len(articles):,}   events: {len(events):,}   (synthesized in {built:.1f} s)")
    print(f"entries:  {len(entries):,}   multi-source entries: {multi:,}")
    print(f"merge:    {seconds:.2f} s   {len(events) / seconds:,.0f} events/s")
    print(f"quality:  pairwise precision {precision:.3f}, recall {recall:.3f} against the synthetic truth")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
