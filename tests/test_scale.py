"""Builds at scale give the same bytes whatever runs them: one process, worker processes, a Dask cluster,
a cold or a warm analysis cache; the cache survives two builds at once and a build killed mid-way;
the calendar streams the bytes icalendar would write; big sheets show the most important entries."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.cache import AnalysisCache, article_key, fingerprint
from timeline.cli import main
from timeline.export import FILES, FORMATS
from timeline.pipeline import SMALL_BATCH, Execution, build, build_timeline
from timeline.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATED = sorted(p for p in SEEDS.glob("*.txt") if p.read_text(encoding="utf-8").startswith(" date "))
OUTPUTS = [name for fmt in FORMATS for name in FILES[fmt]]  # the default outputs
STAMP = "1746900000"


def write_corpus(folder: Path, n: int) -> Path:
    """n distinct dated articles: the dated seeds again and again, copy k a week later than copy k-1
    (weekdays keep their meaning) with a line naming the copy."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        seed = DATED[i % len(DATED)]
        k = i // len(DATED)
        text = seed.read_text(encoding="utf-8")
        day = dt.date.fromisoformat(text[6:16]) + dt.timedelta(weeks=k)
        (folder / f"{seed.stem}.c{k:03d}.txt").write_text(
            f" date {day.isoformat()}{text[16:]}\n\ncopy {k} of the seed\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # more articles than a two-worker build keeps in one process, so the worker processes really run
    return write_corpus(tmp_path_factory.mktemp("corpus") / "articles", SMALL_BATCH * 2 + 6)


def outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("one-process")
    build([corpus], out, source_date_epoch=STAMP, execution=Execution(jobs=1))
    return outputs(out)


def test_worker_processes_give_the_same_bytes_as_one_process(corpus: Path, reference: dict[str, bytes],
                                                            tmp_path: Path) -> None:
    build([corpus], tmp_path, source_date_epoch=STAMP, execution=Execution(jobs=2, chunk=3))
    assert outputs(tmp_path) == reference


def test_a_warm_cache_gives_the_same_bytes_and_analyses_only_new_articles(corpus: Path, reference: dict[str, bytes],
                                                                          tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    build([corpus], tmp_path / "cold", source_date_epoch=STAMP, execution=Execution(cache=cache))
    assert outputs(tmp_path / "cold") == reference
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM analyses").fetchone()[0] == len(list(corpus.iterdir()))
    build([corpus], tmp_path / "warm", source_date_epoch=STAMP, execution=Execution(jobs=2, cache=cache))
    assert outputs(tmp_path / "warm") == reference

    new = write_corpus(tmp_path / "new", len(DATED) * 30)  # copies up to 29: those past the corpus's are new
    seen = Progress(io.StringIO())
    with AnalysisCache(cache, fingerprint("en")) as store:
        before = store.db.execute("SELECT count(*) FROM analyses").fetchone()[0]
    build([new], tmp_path / "more", source_date_epoch=STAMP, execution=Execution(cache=cache, progress=seen))
    with sqlite3.connect(cache) as db:
        after = db.execute("SELECT count(*) FROM analyses").fetchone()[0]
    assert after - before == len(DATED) * 30 - len(list(corpus.iterdir()))
    assert seen.done == len(DATED) * 30


def test_near_duplicates_found_the_same_from_the_cache_and_the_workers(corpus: Path, tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "with-copy", SMALL_BATCH * 2 + 6)
    seed = DATED[0].read_text(encoding="utf-8")
    (folder / "zz-copy.txt").write_text(seed.replace("\n\n", "\n\nA line another outlet added.\n\n", 1), encoding="utf-8")
    plain = build_timeline([folder])
    assert any(m.copy_of for m in plain.manifest)
    cache = tmp_path / "c.sqlite"
    for execution in (Execution(jobs=2, cache=cache), Execution(cache=cache), Execution(jobs=2, cache=cache)):
        assert build_timeline([folder], execution=execution) == plain


def test_the_key_changes_with_text_date_body_and_fingerprint() -> None:
    base = article_key("fp", "text", 0, "2025-05-08")
    assert len({base, article_key("fp2", "text", 0, "2025-05-08"), article_key("fp", "text.", 0, "2025-05-08"),
                article_key("fp", "text", 1, "2025-05-08"), article_key("fp", "text", 0, "2025-05-09")}) == 5
    assert fingerprint("en") == fingerprint("en")


def test_entries_of_older_code_are_pruned(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with AnalysisCache(path, "old") as store:
        store.put("k1", b"{}")
    with AnalysisCache(path, "new") as store:
        store.put("k2", b"{}")
        store.flush()
        assert store.prune() == 1
        assert store.get("k1") is None and store.get("k2") == b"{}"


def test_a_broken_cache_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 500)
    with AnalysisCache(path, "fp") as store:
        store.put("k", b"{}")
    assert list(tmp_path.glob("c.sqlite.broken-*"))
    with AnalysisCache(path, "fp") as store:
        assert store.get("k") == b"{}"


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "timeline", "build", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": STAMP}


def _integrity(cache: Path) -> str:
    with sqlite3.connect(cache) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def test_two_builds_on_one_cache_at_once(corpus: Path, reference: dict[str, bytes], tmp_path: Path) -> None:
    cache = tmp_path / "shared.sqlite"
    procs = [subprocess.Popen(_cli(str(corpus), "-o", str(tmp_path / f"out{i}"), "--cache", str(cache), "--jobs", "1",
                                   "--quiet"), env=_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()
    assert outputs(tmp_path / "out0") == outputs(tmp_path / "out1") == reference
    assert _integrity(cache) == "ok"
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM analyses").fetchone()[0] == len(list(corpus.iterdir()))


def test_a_killed_build_leaves_a_usable_cache(corpus: Path, reference: dict[str, bytes], tmp_path: Path) -> None:
    cache = tmp_path / "c.sqlite"
    proc = subprocess.Popen(_cli(str(corpus), "-o", str(tmp_path / "killed"), "--cache", str(cache), "--jobs", "1",
                                 "--quiet"), env=_env(), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    rows = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(cache, timeout=5) as db:
                rows = db.execute("SELECT count(*) FROM analyses").fetchone()[0]
        except sqlite3.OperationalError:
            rows = 0
        if rows >= 4:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the build ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert rows >= 4 and _integrity(cache) == "ok"
    result = subprocess.run(_cli(str(corpus), "-o", str(tmp_path / "again"), "--cache", str(cache), "--quiet"),
                            env=_env(), cwd=ROOT, capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr.decode()
    assert outputs(tmp_path / "again") == reference
    assert not (tmp_path / "killed" / "timeline.json").exists()  # nothing half-written either


def test_dask_cluster_gives_the_same_bytes(corpus: Path, reference: dict[str, bytes], tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    build([corpus], tmp_path, source_date_epoch=STAMP, execution=Execution(engine="dask", jobs=2, chunk=8))
    assert outputs(tmp_path) == reference


def test_dask_on_a_running_scheduler(corpus: Path, reference: dict[str, bytes], tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster:
        result = CliRunner().invoke(main, ["build", str(corpus), "-o", str(tmp_path), "--engine", "dask",
                                           "--scheduler", cluster.scheduler_address, "--no-cache", "--quiet"],
                                    env={"SOURCE_DATE_EPOCH": STAMP})
    assert result.exit_code == 0, result.output
    assert outputs(tmp_path) == reference


def test_scheduler_needs_dask_engine(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(SEEDS), "-o", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "--scheduler needs --engine dask" in result.stderr


# --------------------------------------------------------------------------- the calendar, streamed


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \\^;,:é“—€😀\t", max_size=400))
def test_folding_cuts_where_icalendar_cuts(line: str) -> None:
    from icalendar.parser.string import _foldline

    from timeline.export.ical import fold

    assert fold(line.encode("utf-8")) == _foldline(line).encode("utf-8")


def test_streamed_calendar_is_icalendars_calendar(corpus: Path) -> None:
    from timeline.export.ical import build_calendar, render_ics

    timeline = build_timeline([corpus, SEEDS])
    assert render_ics(timeline, source_date_epoch=STAMP, feed_url="https://example.org/a;b,c.ics") == build_calendar(
        timeline, source_date_epoch=STAMP, feed_url="https://example.org/a;b,c.ics").to_ical()


def test_direct_calendar_writer_matches_icalendar_on_awkward_text() -> None:
    from timeline.export.ical import build_calendar, render_ics

    timeline = build_timeline([SEEDS])
    awkward = ["back\\slash; semi, comma", "line\nbreak\r\nand\rreturn \\N", "é“quoted”—😀 " * 9, "^caret" * 30]
    entries = [e.model_copy(update={"title": awkward[i % 4], "places": [awkward[(i + 1) % 4]],
                                    "uid": f"{i},{awkward[0]}@x"}) for i, e in enumerate(timeline.entries)]
    odd = timeline.model_copy(update={"entries": entries, "title": awkward[1]})
    for coarse in ("span", "first-day", "skip"):
        assert render_ics(odd, coarse=coarse, source_date_epoch=STAMP) == build_calendar(
            odd, coarse=coarse, source_date_epoch=STAMP).to_ical()


def test_streamed_json_is_the_whole_dump(corpus: Path, tmp_path: Path) -> None:
    from timeline.export.json import iter_json, iter_timelinejs, render_json, render_timelinejs

    for timeline in (build_timeline([corpus, SEEDS]), build_timeline([SEEDS]), build_timeline([tmp_path / "none"])):
        assert b"".join(iter_json(timeline)) == render_json(timeline).encode("utf-8")
        assert b"".join(iter_timelinejs(timeline)) == render_timelinejs(timeline).encode("utf-8")


# --------------------------------------------------------------------------- the sheet, the filters, the bar


def test_a_big_sheet_shows_the_most_important_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    from timeline.export import html

    timeline = build_timeline([SEEDS])
    monkeypatch.setattr(html, "SHEET_ENTRIES", 3)
    sheet = html.build_sheet(timeline)
    dated = html.placeable(timeline)
    assert len(sheet.entries) == 3 and sheet.left_out == len(dated) - 3 and sheet.total_entries == len(dated)
    top = sorted(dated, key=lambda e: (-e.salience, e.sort_key()))[:3]
    assert [v.entry.uid for v in sheet.entries] == [e.uid for e in sorted(top, key=lambda e: e.sort_key())]
    page = html.render_html(timeline)
    assert f"most important of {len(dated)} dated entries" in page and "--from YYYY-MM-DD" in page


def test_from_and_to_keep_entries_that_overlap_the_days(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(SEEDS), "-o", str(tmp_path), "--from", "2025-05-09",
                                       "--to", "2025-05-09", "--format", "json", "--quiet"])
    assert result.exit_code == 0, result.output
    starts = re.findall(r'"start": "([0-9-]+)"', (tmp_path / "timeline.json").read_text())
    ends = re.findall(r'"end": "([0-9-]+)"', (tmp_path / "timeline.json").read_text())
    assert starts and all(s <= "2025-05-09" for s in starts) and all(e > "2025-05-09" for e in ends)
    bad = CliRunner().invoke(main, ["build", str(SEEDS), "-o", str(tmp_path), "--from", "2025-05-10", "--to", "2025-05-01"])
    assert bad.exit_code == 2


def test_progress_bar_counts_rate_and_time_left() -> None:
    now = [0.0]
    out = io.StringIO()
    bar = Progress(out, total=100, clock=lambda: now[0])
    now[0] = 10.0
    bar.advance(25)
    assert "25/100 articles" in out.getvalue() and "2.5 articles/s" in out.getvalue() and "ETA 0:30" in out.getvalue()
    bar.close()
    assert out.getvalue().endswith("\r")


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(SEEDS), "-o", str(tmp_path)])
    assert result.exit_code == 0 and "\r" not in result.stderr and "articles/s" not in result.stderr
    quiet = CliRunner().invoke(main, ["build", str(SEEDS), "-o", str(tmp_path), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_watch_rebuilds_when_a_file_arrives(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    first, second = DATED[0], DATED[1]
    (src / first.name).write_bytes(first.read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "timeline", "watch", str(src), "-o", str(out), "--interval", "0.2",
                             "--max-builds", "2", "--quiet", "--jobs", "1"], cwd=ROOT, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (out / "timeline.json").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (out / "timeline.json").exists(), "no first build"
        assert second.stem not in (out / "timeline.json").read_text()
        (src / second.name).write_bytes(second.read_bytes())
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr.decode()
    assert stdout.decode().count("input(s) read") == 2
    assert second.stem in (out / "timeline.json").read_text()
