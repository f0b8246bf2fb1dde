#!/usr/bin/env python3
"""Does any text shape make ``timeline build`` grow faster than its input? (outside the unit suite)

    python benchmarks/scaling.py                  # every shape at its default n, 2n, 4n
    python benchmarks/scaling.py --scale 4        # every n four times larger
    python benchmarks/scaling.py --shape no_spaces --shape date_header --timeout 120

For each shape one article is generated at sizes n, 2n and 4n and built with the real command
(``timeline build FILE -o DIR``, called in a fresh child process after a warm-up build, so rule
loading and imports are not timed). The table gives the CPU seconds of each build, its peak RSS
and the ratio per doubling (2n/n, 4n/2n). The bar is a ratio of at most 2.5 (linear or n log n
work doubles; quadratic work quadruples). A build that takes longer than ``--timeout`` seconds is
stopped and shown as ``>T``. Exit code 1 when a ratio is over the bar or a build timed out.

Shapes (what a hostile or merely unlucky input looks like):

* ``no_spaces``         a pasted CSV row ``7,7,7,...`` (n = KB of text), no space anywhere
* ``dates_in_sentence`` one sentence listing n dates (``May 1, 2025, May 2, 2025, ...``)
* ``dated_sentences``   n ordinary sentences, each with its own date
* ``prose``             n KB of ordinary prose with a date now and then
* ``date_header``       a ``Date:`` header line of n KB (a date, then noise) before a short body

CPU time (``time.process_time``) is reported rather than wall time: the figures stay comparable on a
shared machine, but they are still only indicative there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import resource
import shlex
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = "Date: 2025-05-08\n\n"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
PROSE = ("The delegation met officials in the capital to discuss trade, energy and security. "
         "Ministers said the talks were constructive and that further meetings would follow. "
         "Analysts noted that the agreement leaves many questions open for the coming months. ")


def _day(i: int) -> dt.date:
    return dt.date(2000, 1, 1) + dt.timedelta(days=i % 9000)


def no_spaces(n: int) -> str:
    return HEADER + "7," * (n * 1024 // 2) + "7\n"


def dates_in_sentence(n: int) -> str:
    days = ", ".join(f"{MONTHS[d.month - 1]} {d.day}, {d.year}" for d in map(_day, range(n)))
    return HEADER + f"The committee met on {days} in Moscow.\n"


def dated_sentences(n: int) -> str:
    lines = [f"On {MONTHS[d.month - 1]} {d.day}, {d.year}, minister {i % 97} met envoy {i % 89} in Moscow to sign deal {i}."
             for i, d in enumerate(map(_day, range(n)))]
    return HEADER + " ".join(lines) + "\n"


def prose(n: int) -> str:
    paragraph = PROSE * 3 + "On May 7, 2025, the envoy arrived in Moscow. "
    count = n * 1024 // len(paragraph) + 1
    return HEADER + "\n\n".join(paragraph for _ in range(count)) + "\n"


def date_header(n: int) -> str:
    noise = "May 8, 2025 " + "2025 " * (n * 1024 // 5)
    return f"Date: {noise}\n\nOn May 8, 2025, the talks ended in Moscow.\n"


#: shape -> (text for size n, default n, what n counts)
SHAPES = {
    "no_spaces": (no_spaces, 10, "KB"),
    "dates_in_sentence": (dates_in_sentence, 250, "dates"),
    "dated_sentences": (dated_sentences, 2500, "sentences"),
    "prose": (prose, 1000, "KB"),
    "date_header": (date_header, 20, "KB"),
}
BAR = 2.5


def _child(text: str, conn) -> None:  # runs in a fresh process
    import contextlib
    import io

    from timeline.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        _timed_build(text, conn, main)


def _timed_build(text: str, conn, main) -> None:

    with tempfile.TemporaryDirectory(prefix="scaling-") as tmp:
        root = Path(tmp)
        (root / "warm.txt").write_text(HEADER + "On May 8, 2025, the talks ended in Moscow.\n", encoding="utf-8")
        main(["build", str(root / "warm.txt"), "-o", str(root / "warm")], standalone_mode=False)
        article = root / "article.txt"
        article.write_text(text, encoding="utf-8")
        started = time.process_time()
        main(["build", str(article), "-o", str(root / "out")], standalone_mode=False)
        seconds = time.process_time() - started
    conn.send((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(text: str, timeout: float) -> tuple[float | None, float | None]:
    """(CPU seconds, peak RSS in MB) of one build in a child process; (None, None) on timeout."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(text, child))
    proc.start()
    child.close()
    if parent.poll(timeout):
        try:
            result = parent.recv()
        except EOFError:
            result = (None, None)
    else:
        result = (None, None)
    if proc.is_alive():
        proc.kill()
    proc.join()
    if result == (None, None) and proc.exitcode not in (0, -9, None):
        raise RuntimeError(f"the build failed (exit code {proc.exitcode})")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", action="append", choices=list(SHAPES), help="only this shape (repeatable)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every default n (default 1)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a build is stopped (default 300)")
    opts = parser.parse_args(argv)

    rows, failed = [], False
    print(f"{'shape':<18} {'n':>11} {'t(n)':>8} {'t(2n)':>8} {'t(4n)':>8} {'2n/n':>6} {'4n/2n':>6} {'RSS 4n':>8}  bar {BAR}x")
    for name in opts.shape or SHAPES:
        make, default, unit = SHAPES[name]
        n = max(1, round(default * opts.scale))
        times, rss = [], None
        for k in (1, 2, 4):
            seconds, peak = measure(make(n * k), opts.timeout) if (not times or times[-1] is not None) else (None, None)
            times.append(seconds)
            rss = peak if peak is not None else rss
        ratios = [b / a if a and b else None for a, b in zip(times, times[1:])]
        ok = all(r is not None and r <= BAR for r in ratios)
        failed |= not ok
        shown = [f"{t:.2f}" if t is not None else f">{opts.timeout:.0f}" for t in times]
        shown_r = [f"{r:.1f}x" if r is not None else "-" for r in ratios]
        row = f"{name:<18} {f'{n} {unit}':>11} {shown[0]:>8} {shown[1]:>8} {shown[2]:>8} {shown_r[0]:>6} {shown_r[1]:>6} " \
              f"{(f'{rss:.0f} MB' if rss else '-'):>8}  {'ok' if ok else 'OVER'}"
        rows.append(row)
        print(row, flush=True)
    print(f"\n(CPU seconds of `timeline build` per article; measured under load on a shared machine)\n"
          f"command: python benchmarks/scaling.py {shlex.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
