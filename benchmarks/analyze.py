"""The per-article steps alone: ``pipeline.analyze_article`` (resolve -> events) on N TE-3 silver articles.

    python benchmarks/analyze.py CORPUS N [--work DIR] [--profile [FILE]] [--dump FILE]

The articles are written as ``scale.py`` writes them (the same files, reused from ``--work``), read
with the real ingest (timed apart), then analysed one by one in this process. Prints the CPU seconds
of ingest and of the analysis (``time.process_time``), articles/s and characters/s of the analysis.

``--profile``: run the analysis under cProfile and print the 40 most expensive functions (by own
time and by cumulative time); with FILE, also save the stats there. ``--dump FILE``: write every
analysis (``Analysis.model_dump_json``, one per line, in article-id order) to FILE, to compare the
outputs of two versions of the code byte for byte.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import silver_folder, write_articles  # noqa: E402
from timeline.ingest import iter_ingest  # noqa: E402
from timeline.pipeline import analyze_article  # noqa: E402
from timeline.resources import load_resources  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="the corpora folder (with te3-silver/) or te3-silver itself")
    ap.add_argument("n", type=int, help="how many articles")
    ap.add_argument("--work", type=Path, default=Path("/tmp/timeline-analyze"), help="folder for the articles (reused)")
    ap.add_argument("--profile", nargs="?", const="", default=None, help="run under cProfile (optionally save stats)")
    ap.add_argument("--dump", type=Path, default=None, help="write every analysis as JSON lines to this file")
    args = ap.parse_args(argv)
    print("command:", shlex.join([sys.executable, *sys.argv]) if argv is None else shlex.join(["analyze.py", *argv]))
    if not silver_folder(args.corpus).is_dir():
        ap.error(f"{args.corpus}: no such folder")
    args.work.mkdir(parents=True, exist_ok=True)
    folder, _, _, _ = write_articles(args.corpus, args.n, args.work)

    t0 = time.process_time()
    resources = load_resources("en")
    t_load = time.process_time() - t0
    t0 = time.process_time()
    _, pairs, _ = iter_ingest([folder])
    articles = [a for _, a in pairs if a is not None and a.date is not None]
    t_ingest = time.process_time() - t0
    chars = sum(len(a.text) for a in articles)

    profiler = cProfile.Profile() if args.profile is not None else None
    t0 = time.process_time()
    if profiler:
        profiler.enable()
    analyses = [analyze_article(a, resources) for a in articles]
    if profiler:
        profiler.disable()
    t_analyze = time.process_time() - t0

    print(f"{len(articles):,} dated articles, {chars:,} chars; CPU s: load_resources {t_load:.2f}, "
          f"ingest {t_ingest:.2f}, analyze {t_analyze:.2f} ({len(articles) / t_analyze:,.0f} articles/s, "
          f"{chars / t_analyze:,.0f} chars/s); events {sum(len(a.events) for a in analyses):,}, "
          f"mentions {sum(len(a.mentions) for a in analyses):,}")
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        if args.profile:
            stats.dump_stats(args.profile)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(40)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as fh:
            for a in sorted(analyses, key=lambda x: x.article.id):
                fh.write(a.model_dump_json() + "\n")
        print(f"wrote {args.dump}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
