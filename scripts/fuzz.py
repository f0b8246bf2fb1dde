#!/usr/bin/env python3
"""Long fuzz campaign over the whole pipeline (outside the unit suite).

Runs the property of ``tests/test_fuzz.py`` (random Unicode articles, random headers and dates,
random encodings and line ends -> ``build_timeline`` -> ``write_outputs``; no crash, outputs
parse, offsets slice the ingested text), or with ``--property inputs`` that of
``tests/test_fuzz_inputs.py`` (file names as any bytes, front matter with tags and odd scalars,
URLs, long and escape-laden header lines -> ``timeline build``; exit 0, every file in the manifest,
nothing raw on the terminal, no bidi control in HTML or ICS), for many more examples than the suite does, in parallel
batches with different seeds. A failing example does not stop the campaign: failures are grouped
by where they were raised (exception type + innermost frame in ``timeline/`` or the test), and
the shortest example of each group is printed, ready to paste into a regression test.

    .venv/bin/python scripts/fuzz.py --examples 5000            # all CPUs
    .venv/bin/python scripts/fuzz.py --examples 500 --jobs 1 --seed 7
    .venv/bin/python scripts/fuzz.py --property inputs --examples 2000   # names, front matter, URLs, headers

Exit code 0 when no example failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _signature(exc: BaseException) -> str:
    """Exception type + the innermost frame in timeline/ (else in the test) + the message's first words."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/timeline/" in f.filename] or [f for f in frames if "test_fuzz" in f.filename] or frames
    where = f"{Path(ours[-1].filename).relative_to(ROOT) if ours[-1].filename.startswith(str(ROOT)) else ours[-1].filename}:{ours[-1].lineno}" if ours else "?"
    first = re.sub(r"\d+", "N", (str(exc).splitlines() or [""])[0])  # offsets and counts vary per example
    return f"{type(exc).__name__} at {where}: {first[:100]}"


def _property(name: str):
    """(hypothesis ``given`` decorator, check function) of the property called ``name``."""
    if name == "inputs":  # file names, front matter, URLs, header lines (tests/test_fuzz_inputs.py)
        import test_fuzz_inputs

        return test_fuzz_inputs.inputs, test_fuzz_inputs.check_inputs
    import test_fuzz  # article texts, encodings, dates (tests/test_fuzz.py)

    return test_fuzz.pipeline_inputs, test_fuzz.check_pipeline


def run_batch(args: tuple[int, int, str]) -> dict:
    """Run ``examples`` examples of property ``name`` with ``seed``; return counts and the failures found (grouped)."""
    seed, examples, name = args
    from hypothesis import HealthCheck, Phase, settings
    from hypothesis import seed as hseed

    given, check = _property(name)
    tried = 0
    failures: dict[str, dict] = {}

    @hseed(seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given
    def campaign(**example):
        nonlocal tried
        tried += 1
        try:
            check(**example)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, the campaign goes on
            sig = _signature(exc)
            shown = repr(example)
            entry = failures.setdefault(sig, {"count": 0, "example": shown, "traceback": traceback.format_exc()})
            entry["count"] += 1
            if len(shown) < len(entry["example"]):
                entry["example"], entry["traceback"] = shown, traceback.format_exc()

    campaign()
    return {"seed": seed, "tried": tried, "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5000, help="total examples to try (default 5000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: CPUs)")
    parser.add_argument("--batch", type=int, default=200, help="examples per batch; each batch has its own seed")
    parser.add_argument("--seed", type=int, default=0, help="first seed (batch i uses seed + i)")
    parser.add_argument("--json", type=Path, default=None, help="also write the result as JSON here")
    parser.add_argument("--property", choices=["pipeline", "inputs"], default="pipeline",
                        help="pipeline: article texts, encodings and dates (tests/test_fuzz.py); inputs: file names, "
                             "front matter, URLs and header lines (tests/test_fuzz_inputs.py)")
    opts = parser.parse_args(argv)

    batches, left, i = [], opts.examples, 0
    while left > 0:
        n = min(opts.batch, left)
        batches.append((opts.seed + i, n, opts.property))
        left, i = left - n, i + 1
    started = time.monotonic()
    tried, failures = 0, {}
    with multiprocessing.get_context("spawn").Pool(max(1, opts.jobs)) as pool:
        for result in pool.imap_unordered(run_batch, batches):
            tried += result["tried"]
            for sig, f in result["failures"].items():
                agg = failures.setdefault(sig, {"count": 0, "example": f["example"], "traceback": f["traceback"],
                                                "seed": result["seed"]})
                agg["count"] += f["count"]
                if len(f["example"]) < len(agg["example"]):
                    agg.update(example=f["example"], traceback=f["traceback"], seed=result["seed"])
            print(f"  seed {result['seed']}: {result['tried']} examples, {sum(f['count'] for f in result['failures'].values())} failing;"
                  f" total {tried}/{opts.examples} in {time.monotonic() - started:.0f}s", flush=True)
    elapsed = time.monotonic() - started
    failed = sum(f["count"] for f in failures.values())
    print(f"\nfuzz campaign: {tried} examples in {elapsed:.0f}s with {opts.jobs} job(s), seeds {opts.seed}.."
          f"{opts.seed + len(batches) - 1}: {failed} failing example(s), {len(failures)} distinct failure(s)")
    for sig, f in sorted(failures.items(), key=lambda kv: -kv[1]["count"]):
        print(f"\n== {f['count']}x {sig} (seed {f['seed']})\nshortest example: {f['example']}\n{f['traceback']}")
    if opts.json:
        opts.json.write_text(json.dumps({"examples": tried, "seconds": round(elapsed), "jobs": opts.jobs,
                                         "failing_examples": failed, "failures": failures}, indent=2, default=str))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
