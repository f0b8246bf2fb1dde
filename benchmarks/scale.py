"""Whole builds at archive scale: the `timeline` command on N real news articles, run as a subprocess.

    python benchmarks/scale.py CORPUS N [--work DIR] [--runs jobs1,jobs2,warm,dask] [--keep]

CORPUS is the folder of corpora (its ``te3-silver/`` is used) or the ``te3-silver`` folder itself.
N articles are written as ``.txt`` files with a `` date YYYY-MM-DD`` header line (the TimeML
document creation time) followed by the text of ``<TEXT>``. Past the corpus's 2,452 articles the
texts repeat, copy k with its date shifted by k whole weeks (so weekdays, and what "Thursday"
means, stay right) and a last line ``scale-benchmark copy k`` keeping every copy a distinct article.
A further 1% (at least one) is written aside for the warm run. The articles are written once per
work folder and reused while N and the corpus are the same.

Then, each as a fresh ``python -m timeline build`` process with SOURCE_DATE_EPOCH set:

  jobs1   cold build, ``--jobs 1`` (a fresh cache)
  jobs2   cold build, ``--jobs 2`` (a fresh cache)
  warm    the 1% new articles moved into the input folder, ``--jobs 2`` on jobs2's cache and output folder
  dask    cold build, ``--engine dask --jobs 2 --no-cache`` (a local cluster of two worker processes)

and prints, for each: wall seconds, articles/s and characters/s (of the input texts), CPU seconds
of the process tree, peak memory (the largest process's maxrss from ``wait4``, and the peak sum over
the process tree of proportional set sizes, sampled from /proc every 0.1 s), the build's own summary
line, the load average around the run, and whether the outputs are byte-identical to jobs1's.
An option the command does not have yet (``--jobs``, ``--cache``, ``--engine``, ``--quiet``) is
reported as not implemented: jobs1 then runs as the command is (one process), warm re-runs the
whole build. Timings on a shared machine vary: say how loaded it was (the load averages printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import math
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timeline.evaluation.timeml import read_timeml  # noqa: E402

CORPUS_ARTICLES = 2452  # TE-3 silver
MARKER = "scale-benchmark copy {k}"
OUTPUTS = ("timeline.ics", "timeline.json", "timeline.schema.json", "timelinejs.json", "timeline.html")
RUNS = ("jobs1", "jobs2", "warm", "dask")
LAYOUT_VERSION = 1  # bump when the written articles change shape


# --------------------------------------------------------------------------- the articles


def silver_folder(corpus: Path) -> Path:
    return corpus / "te3-silver" if (corpus / "te3-silver").is_dir() else corpus


def load_silver(folder: Path) -> list[tuple[str, dt.date, str]]:
    """(doc id, creation date, text) of every dated TimeML file, in path order."""
    docs = []
    for path in sorted(folder.rglob("*.tml")):
        doc = read_timeml(path)
        text = doc.text.strip()
        if doc.dct is not None and text:
            docs.append((doc.doc_id, doc.dct, text))
    return docs


def article(docs: list[tuple[str, dt.date, str]], i: int) -> tuple[str, str]:
    """The i-th benchmark article: (file name, text)."""
    doc_id, dct, text = docs[i % len(docs)]
    k = i // len(docs)
    date = dct + dt.timedelta(weeks=k)
    body = f" date {date.isoformat()} {text}\n"
    if k:
        body += "\n" + MARKER.format(k=k) + "\n"
    return f"{doc_id}.c{k:03d}.txt", body


def write_articles(corpus: Path, n: int, work: Path) -> tuple[Path, Path, int, int]:
    """articles/ (N files in folders of one copy each) and pending/ (the 1% for the warm run):
    returns both folders and the characters of each set."""
    extra = max(1, math.ceil(n / 100))
    stamp = {"layout": LAYOUT_VERSION, "corpus": str(silver_folder(corpus).resolve()), "n": n, "extra": extra}
    articles, pending, stamp_file = work / "articles", work / "pending", work / "articles.json"
    if stamp_file.exists():
        saved = json.loads(stamp_file.read_text())
        if {k: saved.get(k) for k in stamp} == stamp:
            _restore_pending(articles, pending)
            return articles, pending, saved["chars"], saved["extra_chars"]
    for folder in (articles, pending):
        shutil.rmtree(folder, ignore_errors=True)
    t0 = time.perf_counter()
    docs = load_silver(silver_folder(corpus))
    if not docs:
        raise SystemExit(f"error: no dated .tml files under {silver_folder(corpus)}")
    chars = extra_chars = 0
    for i in range(n + extra):
        name, text = article(docs, i)
        folder = (articles if i < n else pending) / f"c{i // len(docs):03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
        if i < n:
            chars += len(text)
        else:
            extra_chars += len(text)
    stamp.update(chars=chars, extra_chars=extra_chars)
    stamp_file.write_text(json.dumps(stamp) + "\n")
    print(f"wrote {n:,} articles ({chars:,} chars) and {extra:,} more for the warm run into {work} "
          f"in {time.perf_counter() - t0:.1f}s (from {len(docs):,} corpus articles)")
    return articles, pending, chars, extra_chars


def _new_folder(articles: Path) -> Path:
    return articles / "new"


def _move_pending_in(articles: Path, pending: Path) -> None:
    shutil.move(str(pending), str(_new_folder(articles)))


def _restore_pending(articles: Path, pending: Path) -> None:
    if _new_folder(articles).exists() and not pending.exists():
        shutil.move(str(_new_folder(articles)), str(pending))


# --------------------------------------------------------------------------- measuring a process tree


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:  # no smaps_rollup: resident pages
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except OSError:
        return 0


class TreeSampler(threading.Thread):
    """Peak of the summed PSS of a process and all its descendants (Linux /proc), every ``interval`` s."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb, self.peak_procs = 0, 0
        self._halt = threading.Event()

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self._halt.is_set():
            children = _children_map()
            tree, todo = [], [self.pid]
            while todo:
                p = todo.pop()
                tree.append(p)
                todo.extend(children.get(p, ()))
            total = sum(_pss_kb(p) for p in tree)
            if total > self.peak_kb:
                self.peak_kb, self.peak_procs = total, len(tree)
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


@dataclass
class Result:
    name: str
    argv: list[str]
    wall: float = 0.0
    cpu: float = 0.0
    maxrss_mb: float = 0.0
    tree_mb: float = 0.0
    tree_procs: int = 0
    rc: int = 0
    summary: str = ""
    stderr_tail: str = ""
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    notes: list[str] = field(default_factory=list)


def run_build(name: str, argv: list[str], env: dict[str, str], log_dir: Path, timeout: float) -> Result:
    result = Result(name, argv, load_before=os.getloadavg())
    out_path, err_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=log_dir)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.stop()
        result.wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    result.rc = proc.returncode
    result.cpu = usage.ru_utime + usage.ru_stime  # the process and its waited-for descendants
    result.maxrss_mb = usage.ru_maxrss / 1024  # KiB on Linux: the largest single process of the tree
    result.tree_mb, result.tree_procs = sampler.peak_kb / 1024, sampler.peak_procs
    result.load_after = os.getloadavg()
    stdout = out_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    result.summary = stdout[-1] if stdout else ""
    stderr = [line for line in err_path.read_text(encoding="utf-8", errors="replace").splitlines()
              if not line.startswith("warning:")]
    result.stderr_tail = "\n".join(stderr[-5:])
    if result.rc == -9 and result.wall >= timeout:
        result.notes.append(f"killed after the {timeout:.0f}s timeout")
    return result


# --------------------------------------------------------------------------- the command's options


def build_options(python: str) -> set[str]:
    """The long options `timeline build --help` lists."""
    text = subprocess.run([python, "-m", "timeline", "build", "--help"], capture_output=True, text=True,
                          cwd=ROOT, check=True).stdout
    return set(re.findall(r"(--[a-z][a-z-]+)", text))


def identical(a: Path, b: Path) -> str:
    """'identical' or which outputs differ between two output folders."""
    differ = []
    for name in OUTPUTS:
        pa, pb = a / name, b / name
        if not (pa.exists() and pb.exists()):
            differ.append(f"{name} missing")
        elif not filecmp.cmp(pa, pb, shallow=False):
            differ.append(name)
    return "identical" if not differ else "DIFFERENT: " + ", ".join(differ)


def _fmt_load(load: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.2f}" for x in load)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="the corpora folder (with te3-silver/) or te3-silver itself")
    ap.add_argument("n", type=int, help="how many articles")
    ap.add_argument("--work", type=Path, default=None,
                    help="folder for the articles and outputs, kept and reused (default: a temporary folder, removed)")
    ap.add_argument("--runs", default=",".join(RUNS), help=f"which runs, comma-separated (default: {','.join(RUNS)})")
    ap.add_argument("--python", default=sys.executable, help="the Python that has timeline installed (default: this one)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before a run is killed (default: 3600)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    args = ap.parse_args(argv)
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    if unknown := [r for r in runs if r not in RUNS]:
        ap.error(f"--runs: unknown {', '.join(unknown)} (choose from {', '.join(RUNS)})")
    if args.n < 1:
        ap.error("N must be at least 1")
    if not silver_folder(args.corpus).is_dir():
        ap.error(f"{args.corpus}: no such folder")

    print("command:", shlex.join([sys.executable, *sys.argv]) if argv is None else shlex.join(["scale.py", *argv]))
    print(f"python {platform.python_version()} on {platform.platform()}; {os.cpu_count()} CPUs; "
          f"load average {_fmt_load(os.getloadavg())} (1/5/15 min)")
    temporary = args.work is None
    work = Path(tempfile.mkdtemp(prefix="timeline-scale-")) if temporary else args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(args, runs, work)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif temporary:
            print(f"kept {work}")


def _run(args: argparse.Namespace, runs: list[str], work: Path) -> int:
    articles, pending, chars, extra_chars = write_articles(args.corpus, args.n, work)
    extra = sum(1 for _ in pending.rglob("*.txt"))
    options = build_options(args.python)
    has = {o: o in options for o in ("--jobs", "--cache", "--no-cache", "--engine", "--quiet")}
    missing = [o for o, ok in has.items() if not ok]
    print("timeline build options not implemented yet: " + (", ".join(missing) if missing else "none"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0")}
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    base = [args.python, "-m", "timeline", "build"]
    quiet = ["--quiet"] if has["--quiet"] else []

    def out(name: str) -> Path:
        folder = work / f"out-{name}"
        shutil.rmtree(folder, ignore_errors=True)
        return folder

    def cache(name: str) -> list[str]:
        if not has["--cache"]:
            return []
        path = work / f"cache-{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return ["--cache", str(path)]

    same: dict[str, str] = {}  # run -> outputs vs jobs1's, compared right after the run (warm rewrites a folder)

    def compare(name: str) -> None:
        if name != "jobs1" and (work / "out-jobs1").exists() and (work / f"out-{name}").exists():
            same[name] = identical(work / "out-jobs1", work / f"out-{name}")

    results: list[tuple[Result | str, str, int, int]] = []  # result or the run's name (not run), note, articles, chars
    for name in runs:
        if name == "jobs1":
            jobs = ["--jobs", "1"] if has["--jobs"] else []
            note = "" if jobs else "no --jobs option: one process, as the command is today"
            r = run_build(name, [*base, str(articles), "-o", str(out(name)), *jobs, *cache(name), *quiet],
                          env, logs, args.timeout)
            results.append((r, note, args.n, chars))
        elif name == "jobs2":
            if not has["--jobs"]:
                results.append((name, "not implemented (no --jobs option)", args.n, chars))
                continue
            r = run_build(name, [*base, str(articles), "-o", str(out(name)), "--jobs", "2", *cache(name), *quiet],
                          env, logs, args.timeout)
            compare(name)
            results.append((r, "", args.n, chars))
        elif name == "warm":
            source = "jobs2" if "jobs2" in runs and has["--jobs"] else "jobs1"
            if source not in runs:
                results.append((name, "needs the jobs1 or jobs2 run before it", args.n + extra, chars + extra_chars))
                continue
            jobs = ["--jobs", "2"] if has["--jobs"] else []
            warm_cache = ["--cache", str(work / f"cache-{source}.sqlite")] if has["--cache"] else []
            note = f"{extra:,} new articles on {source}'s cache and output folder"
            if not has["--cache"]:
                note += "; not implemented (no --cache option): the whole batch is analysed again"
            _move_pending_in(articles, pending)
            try:
                r = run_build(name, [*base, str(articles), "-o", str(work / f"out-{source}"), *jobs, *warm_cache, *quiet],
                              env, logs, args.timeout)
            finally:
                _restore_pending(articles, pending)
            results.append((r, note, args.n + extra, chars + extra_chars))
        elif name == "dask":
            if not has["--engine"]:
                results.append((name, "not implemented (no --engine option)", args.n, chars))
                continue
            no_cache = ["--no-cache"] if has["--no-cache"] else []
            jobs = ["--jobs", "2"] if has["--jobs"] else []
            r = run_build(name, [*base, str(articles), "-o", str(out(name)), "--engine", "dask", *jobs, *no_cache, *quiet],
                          env, logs, args.timeout)
            compare(name)
            results.append((r, "local cluster, two worker processes", args.n, chars))

    print()
    print(f"{'run':6} {'wall s':>8} {'articles/s':>11} {'chars/s':>11} {'CPU s':>8} {'maxrss MB':>10} "
          f"{'tree PSS MB':>12}  load before -> after")
    cold = {r.name: r.wall for r, *_ in results if isinstance(r, Result) and r.rc == 0 and r.name != "warm"}
    failed = 0
    for r, note, n_articles, n_chars in results:
        if not isinstance(r, Result):
            print(f"{r:6} {'-':>8} {'-':>11} {'-':>11} {'-':>8} {'-':>10} {'-':>12}  {note}")
            continue
        print(f"{r.name:6} {r.wall:8.2f} {n_articles / r.wall:11,.1f} {n_chars / r.wall:11,.0f} {r.cpu:8.1f} "
              f"{r.maxrss_mb:10.0f} {r.tree_mb:12.0f}  {_fmt_load(r.load_before)} -> {_fmt_load(r.load_after)}")
        details = [note] if note else []
        if r.rc != 0:
            failed += 1
            details.append(f"exit code {r.rc}" + (f": {r.stderr_tail}" if r.stderr_tail else ""))
        details += r.notes
        if r.tree_procs > 1:
            details.append(f"{r.tree_procs} processes at the memory peak")
        if r.rc == 0 and r.name in same:
            details.append(f"outputs vs jobs1: {same[r.name]}")
        if r.name == "jobs2" and "jobs1" in cold and r.rc == 0:
            details.append(f"speed-up over jobs1: {cold['jobs1'] / r.wall:.2f}x")
        if r.name == "warm" and r.rc == 0:
            details += [f"{cold[k] / r.wall:.1f}x faster than the cold {k}" for k in ("jobs1", "jobs2") if k in cold]
        for line in details:
            print(f"{'':6}   {line}")
        if r.summary:
            print(f"{'':6}   summary: {r.summary.split(' Wrote ')[0]}")
    print(f"\nruns' stdout/stderr in {logs}" if args.work else "")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
