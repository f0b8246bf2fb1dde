"""Speed and memory of the date resolver over a corpus, single process.

    python benchmarks/resolve.py CORPUS_DIR [--limit N] [--compare-dateparser] [--tracemalloc]

CORPUS_DIR holds .tml (TimeML: the TEXT content and DCT are used) and/or .txt files (whole file,
no DCT), searched recursively. Rules are loaded once and timed separately; all texts are read
before timing starts, so the rate is the resolver's alone. Peak memory is the process's maximum
resident set size (``ru_maxrss``); ``--tracemalloc`` adds Python-heap peaks (and slows the run).
``--compare-dateparser`` times ``dateparser.search.search_dates`` on the same texts with a fixed
RELATIVE_BASE (dateparser finds dates only, no durations/sets, and no offsets).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import resource
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timeline.evaluation.timeml import read_timeml  # noqa: E402


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def _load() -> str:
    try:
        import os

        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def load_corpus(corpus: Path, limit: int | None) -> list[tuple[str, str, dt.date | None]]:
    """(name, text, dct) for every .tml/.txt file, sorted by path."""
    files = sorted(p for p in (corpus.rglob("*") if corpus.is_dir() else [corpus]) if p.suffix in (".tml", ".txt") and p.is_file())
    if limit is not None:
        files = files[:limit]
    docs = []
    for p in files:
        if p.suffix == ".tml":
            d = read_timeml(p)
            docs.append((d.doc_id, d.text, d.dct))
        else:
            docs.append((p.name, p.read_text(encoding="utf-8", errors="replace"), None))
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--compare-dateparser", action="store_true", help="also time dateparser.search.search_dates")
    ap.add_argument("--tracemalloc", action="store_true", help="measure Python-heap peaks with tracemalloc (slower)")
    ap.add_argument("--lang", default="en")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"error: {args.corpus}: no such file or folder", file=sys.stderr)
        return 2

    print("command:", shlex.join([sys.executable, *sys.argv]) if argv is None else shlex.join(["resolve.py", *argv]))
    print(f"python {platform.python_version()} on {platform.platform()}")

    t0 = time.perf_counter()
    docs = load_corpus(args.corpus, args.limit)
    read_s = time.perf_counter() - t0
    chars = sum(len(t) for _, t, _ in docs)
    print(f"read: {len(docs)} docs, {chars:,} chars in {read_s:.2f}s; maxrss {_maxrss_mb():.1f} MB")
    if not docs:
        print("nothing to do")
        return 1

    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()

    from timeline.temporal import find_mentions, load_rules

    t0 = time.perf_counter()
    rules = load_rules(args.lang)
    rules_s = time.perf_counter() - t0
    line = f"load_rules({args.lang!r}): {rules_s * 1000:.1f} ms; maxrss {_maxrss_mb():.1f} MB"
    if args.tracemalloc:
        line += f"; python heap now {tracemalloc.get_traced_memory()[0] / 1e6:.1f} MB"
        tracemalloc.reset_peak()
    print(line)

    mentions = 0
    slowest = (0.0, "")
    t0 = time.perf_counter()
    c0 = time.process_time()
    for name, text, dct in docs:
        t1 = time.perf_counter()
        mentions += len(find_mentions(text, dct, rules))
        el = time.perf_counter() - t1
        if el > slowest[0]:
            slowest = (el, name)
    run_s = time.perf_counter() - t0
    cpu_s = time.process_time() - c0
    print(
        f"find_mentions: {len(docs)} docs in {run_s:.2f}s = {len(docs) / run_s:,.1f} docs/s, {chars / run_s:,.0f} chars/s; "
        f"{mentions:,} mentions ({mentions / len(docs):.1f}/doc); slowest doc {slowest[1]} {slowest[0] * 1000:.1f} ms"
    )
    # On a shared machine the wall clock counts other processes' turns too; the CPU time is this process's.
    print(f"  cpu time {cpu_s:.2f}s = {chars / cpu_s:,.0f} chars/s; load average {_load()}")
    line = f"peak memory: maxrss {_maxrss_mb():.1f} MB"
    if args.tracemalloc:
        line += f"; python heap peak during resolve {tracemalloc.get_traced_memory()[1] / 1e6:.1f} MB"
        tracemalloc.stop()
    print(line)

    if args.compare_dateparser:
        try:
            from dateparser.search import search_dates
        except ImportError:
            print("dateparser is not installed")
            return 1
        base = dt.datetime(2000, 1, 1)
        settings = {"RELATIVE_BASE": base}
        search_dates("warm up on May 8, 2025", languages=["en"], settings=settings)  # load its language data outside the timing
        found = 0
        t0 = time.perf_counter()
        for _, text, _ in docs:
            found += len(search_dates(text, languages=["en"], settings=settings) or [])
        dp_s = time.perf_counter() - t0
        print(
            f"dateparser.search.search_dates (RELATIVE_BASE={base.isoformat()}): {len(docs)} docs in {dp_s:.2f}s = "
            f"{len(docs) / dp_s:,.1f} docs/s, {chars / dp_s:,.0f} chars/s; {found:,} dates; "
            f"x{dp_s / run_s:.1f} the resolver's time; maxrss {_maxrss_mb():.1f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
