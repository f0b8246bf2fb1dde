"""Command line: thin commands over the library. One place (``handle_errors``) turns problems into
plain messages and exit codes; a traceback only with --debug."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import io
import os
import re
import signal
import sys
import traceback
from collections import Counter
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from timeline.errors import TimelineError, UserError
from timeline.models import ArticleStatus, DateSource, ManifestEntry, Timeline

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3  # documented in "timeline build --help" and README
EXIT_SIGNAL = 128  # + the signal's number: 130 after Ctrl-C (SIGINT), 143 after SIGTERM, as shells report them

# What must never reach a terminal raw: control characters (escape sequences set the window title,
# clear the screen, move the cursor; a newline in a file name would forge a line of its own), C1
# controls, line/paragraph separators, invisible format and bidi characters (U+202E makes a name
# read backwards) and lone surrogates.
_MAYBE_UNSAFE = re.compile(r"[^\x20-\x7e]")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(m: re.Match[str]) -> str:
    ch = m.group()
    if unicodedata.category(ch) not in _UNSAFE_CATEGORIES:
        return ch
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def terminal_safe(text: str) -> str:
    """One message line fit for a terminal: each unsafe character (a newline too) shown as an escape
    (``\\x1b``, ``\\n``, ``\\u202e``), never sent raw and never dropped (the name in a message must
    still say which file)."""
    return _MAYBE_UNSAFE.sub(_escaped, text)


def say(text: str, err: bool = False) -> None:
    """One line on stdout (or stderr), terminal-safe; a closed stream is not an error."""
    click.echo(terminal_safe(text), err=err)


class _Signalled(BaseException):
    """SIGTERM while the command runs: unwinds like Ctrl-C (temp files removed, nothing half-replaced)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_signalled(signum: int, _frame: object) -> None:
    raise _Signalled(signum)


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While the command runs, SIGTERM raises (so cleanup runs) instead of ending the process at once."""
    if not hasattr(signal, "SIGTERM") or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    try:
        previous = signal.signal(signal.SIGTERM, _raise_signalled)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn user errors into one line on stderr and exit code 2; unexpected errors into exit code 3;
    Ctrl-C into exit code 130 (SIGTERM: 143), with one line and no traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(click.get_current_context().params.get("debug"))
        try:
            with _sigterm_unwinds():
                return fn(*args, **kwargs)
        except KeyboardInterrupt:
            if debug:
                traceback.print_exc()
            say("interrupted (Ctrl-C): outputs that were not yet replaced are left as they were", err=True)
            sys.exit(EXIT_SIGNAL + signal.SIGINT)
        except _Signalled as exc:
            say(f"stopped by signal {exc.signum}: outputs that were not yet replaced are left as they were", err=True)
            sys.exit(EXIT_SIGNAL + exc.signum)
        except (UserError, OSError) as exc:
            if debug:
                traceback.print_exc()
            say(f"error: {_plain(exc)}", err=True)
            sys.exit(EXIT_USAGE)
        except TimelineError as exc:
            if debug:
                traceback.print_exc()
            say(f"internal error: {exc}", err=True)
            sys.exit(EXIT_BUG)
        except Exception as exc:  # noqa: BLE001 - last resort: one readable line instead of a traceback
            if debug:
                traceback.print_exc()
            say(f"internal error: {type(exc).__name__}: {exc} (run again with --debug for details)", err=True)
            sys.exit(EXIT_BUG)

    return wrapper


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """A build makes millions of small objects that form no reference cycles; left on, Python's cycle
    collector rescans the whole growing batch over and over (a third of the merge time at 10,000
    articles). The command, not the library, decides this for its own process."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _source_date_epoch() -> str | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): the calendar's DTSTAMP, when the environment sets it."""
    return os.environ.get("SOURCE_DATE_EPOCH")


def _plain(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return str(exc)


def _parse_user_dates(values: tuple[str, ...]) -> dict[str, dt.date]:
    dates: dict[str, dt.date] = {}
    for value in values:
        name, sep, day = value.rpartition("=")
        if not sep or not name:
            raise UserError(f"--date {value!r}: write it as FILE=YYYY-MM-DD, e.g. --date seeds/000.txt=2025-05-08")
        try:
            dates[name] = dt.date.fromisoformat(day)
        except ValueError:
            raise UserError(f"--date {value!r}: {day!r} is not a date in the form YYYY-MM-DD") from None
    return dates


def _parse_formats(value: str) -> list[str]:
    from timeline.export import ALL_FORMATS

    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown or not formats:
        raise UserError(f"--format {value!r}: choose one or more of {', '.join(ALL_FORMATS)}, separated by commas")
    return formats


def _manifest_message(m: ManifestEntry) -> str | None:
    """What a user should hear about one input that was not used as is (None for a used one)."""
    if m.status == ArticleStatus.SKIPPED:
        reason = m.reason or "could not be read"
        return reason if reason.startswith(m.path) else f"{m.path}: {reason}"
    if m.status == ArticleStatus.DUPLICATE:
        return f"{m.path}: same text as {m.duplicate_of} (the same article under another name); counted once"
    if m.status == ArticleStatus.UNDATED:
        return (f"{m.path}: no date in its header and none could be inferred from the other articles; "
                "only its absolute dates are used (give one with --date FILE=YYYY-MM-DD)")
    if m.reason:  # used, with something to say (a linked page that could not be fetched)
        return f"{m.path}: {m.reason}"
    return None


def summary_line(timeline: Timeline, written: list[Path]) -> str:
    """One line a newcomer can read: what was read, used, skipped; how many entries; which files."""
    counts = Counter(m.status for m in timeline.manifest)
    inferred = sum(1 for m in timeline.manifest if m.date_source == DateSource.INFERRED)
    conflicts = sum(1 for e in timeline.entries if e.conflict)
    copies = sum(1 for m in timeline.manifest if m.copy_of)
    notes = [f"{inferred} dated by inference"] if inferred else []
    notes += [f"{copies} near-duplicate cop{'y' if copies == 1 else 'ies'} of another"] if copies else []
    parts = [
        f"{len(timeline.manifest)} input(s) read",
        f"{counts[ArticleStatus.USED]} used" + (f" ({', '.join(notes)})" if notes else ""),
        f"{counts[ArticleStatus.DUPLICATE]} duplicate",
        f"{counts[ArticleStatus.SKIPPED]} skipped",
        f"{counts[ArticleStatus.UNDATED]} undated",
    ]
    events = f"{len(timeline.entries)} timeline entries ({conflicts} with disputed dates)"
    files = ", ".join(str(p) for p in written) or "nothing written"
    return f"{'; '.join(parts)}. {events}. Wrote {files}."


class _Group(click.Group):
    """Ctrl-C anywhere (even while options are parsed) exits 130, not click's 1 (the --strict code)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            say("interrupted (Ctrl-C)", err=True)
            sys.exit(EXIT_SIGNAL + signal.SIGINT)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline")
def main() -> None:
    """Turn news articles into an ordered timeline of events, with every date traced to its sentence.

    \b
    Start here:
      timeline build                 read seeds/ and write dist/timeline.ics, .json, .html
      timeline build my-articles/ -o out/
      timeline build --format ics -o - > news.ics
      timeline annotate article.txt --date 2025-05-08 --format jsonl
      timeline eval path/to/gold-timeml/
      timeline eval-timeline path/to/semeval-corpus/ --out timelines/

    Run "timeline COMMAND --help" for the options of each command.
    """


@main.command()
@click.argument("paths", nargs=-1, type=str)
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("dist"), show_default=True,
              help="Folder to write the outputs into (created if missing).")
@click.option("--format", "formats", default="ics,json,html,timelinejs", show_default=True,
              help="Which outputs to write, comma-separated: ics, json (with its schema), html, timelinejs; "
                   "also csv (one row per entry and source) and md (a Markdown briefing).")
@click.option("--date", "dates", multiple=True, metavar="FILE=YYYY-MM-DD",
              help="Give an article's publication date yourself (overrides its header). Repeat for several files.")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder with your own copy of the HTML templates (timeline.html.j2 ...), used before the built-in ones.")
@click.option("--title", default=None,
              help="Title of the timeline (default: the person or organization the headlines name most).")
@click.option("--min-sources", type=click.IntRange(min=1), default=1, show_default=True,
              help="Keep only entries reported by at least this many articles.")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Keep only the K most important entries, still in time order: those reported by more articles, "
                   "told in headlines and first sentences, and about the names the batch is about.")
@click.option("--about", default=None, metavar="NAME",
              help="Keep only the entries that involve NAME (a person or organization), written in full or in a "
                   "short form the articles use: --about \"General Motors\" also keeps \"GM\", not \"Motors\".")
@click.option("--coarse", type=click.Choice(["span", "first-day", "skip"]), default="span", show_default=True,
              help="Calendar entries known only to the week, month or year: an all-day span over the whole "
                   "period, an all-day event on its first day, or left out of the .ics.")
@click.option("--feed-url", default=None, metavar="URL",
              help="Where you publish timeline.ics (https://...): written into the calendar so that subscribers "
                   "know where to fetch it again, and how often (every 12 hours).")
@click.option("--from", "date_from", default=None, metavar="YYYY-MM-DD",
              help="Keep only entries that reach this day or later.")
@click.option("--to", "date_to", default=None, metavar="YYYY-MM-DD",
              help="Keep only entries that begin on this day or earlier.")
@click.option("--fetch", "fetch_pages", is_flag=True,
              help="Download the page each feed item links to and use its main text (instead of the feed's "
                   "summary); a page that cannot be fetched is named on stderr and the summary is used.")
@click.option("--strict", is_flag=True, help="Exit with code 1 if any input was skipped, duplicated or left undated.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for the per-article steps (default: this machine's cores; 1: no workers). "
                   "The outputs are the same whatever the number.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: worker processes on this machine; dask: tasks on a dask.distributed cluster "
                   "(pip install 'timeline[dask]'), a local one of --jobs workers unless --scheduler is given.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="With --engine dask: the address of a running Dask scheduler.")
@click.option("--cache", "cache_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The analysis cache (SQLite) that lets a re-run analyse only new or changed articles "
                   "(default: .timeline/cache.sqlite beside the output folder).")
@click.option("--no-cache", is_flag=True, help="Analyse every article again and keep no cache.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no warnings; only errors and the summary line.")
@click.option("--debug", is_flag=True, help="Show a full traceback when something goes wrong.")
@handle_errors
def build(paths: tuple[str, ...], out_dir: Path, formats: str, dates: tuple[str, ...], templates_dir: Path | None,
          title: str | None, min_sources: int, top: int | None, about: str | None, coarse: str, feed_url: str | None,
          date_from: str | None, date_to: str | None, fetch_pages: bool, strict: bool, jobs: int | None, engine: str,
          scheduler: str | None, cache_path: Path | None, no_cache: bool, quiet: bool, debug: bool) -> None:
    """Build the timeline from article files or folders (default: seeds/) into dist/.

    PATHS are articles (.txt, .md, saved web pages .html/.htm), RSS/Atom feeds, record files
    (.jsonl, .jsonl.gz, .csv with a text or html column), folders searched for them, or http(s)
    URLs of feeds and pages. A feed or record file gives one article per item. An article's
    date comes from its header (" date 2025-05-08 ...", "Date: May 8, 2025", "Published: ..."),
    YAML front matter, a page's JSON-LD or <meta>, a feed item's date, a record's date field,
    from --date, or is inferred from the other articles when they report the same events.
    Inputs that cannot be used are listed in the outputs' manifest and the build goes on;
    near-duplicates (syndicated copies) are listed as copies and count as one source.

    \b
    Outputs in the output folder:
      timeline.ics          calendar to import (all-day events for dates, timed events for times)
      timeline.json         every entry with its sources, quotes and character offsets
      timeline.schema.json  the JSON Schema of timeline.json
      timelinejs.json       data for a TimelineJS3 embed
      timeline.html         a printable briefing sheet

    \b
    Exit codes:
      0  done (inputs that could not be used are listed; the build still completes)
      1  --strict was given and an input was skipped, duplicated or left undated
      2  a problem you can fix: no input exists, a bad option, an output folder that is a file
         or cannot be written, a folder in the way of an output, -o - with standard output
         closed, another build writing to the same folder for over 10 minutes (nothing is
         replaced then)
      3  a bug in timeline itself (please report it with the output of --debug)
      130  interrupted with Ctrl-C (143: stopped by SIGTERM)
    """
    from timeline.export.common import valid_url
    from timeline.pipeline import build as run_build

    inputs = _inputs(paths)
    chosen = _parse_formats(formats)
    user_dates = _parse_user_dates(dates)
    if feed_url is not None and not valid_url(feed_url):
        raise UserError(f"--feed-url {feed_url!r}: give the full address of the calendar, starting with https:// "
                        "(e.g. https://example.org/news.ics)")
    period = _parse_period(date_from, date_to)
    if no_cache and cache_path is not None:
        raise UserError("--cache and --no-cache contradict each other: give one")
    to_stdout = str(out_dir) == "-"
    if not to_stdout and out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir}: the output folder is a file; give a folder with -o")
    if not no_cache and cache_path is None and not to_stdout:
        cache_path = _default_cache(out_dir)
    with _execution(jobs, engine, scheduler, None if no_cache else cache_path, quiet) as execution:
        if to_stdout:
            _build_to_stdout(inputs, chosen, user_dates, templates_dir, title, min_sources, top, about, coarse,
                             feed_url, fetch_pages, period, execution, quiet)
            return
        _require_some_input(inputs)
        with _cycle_collector_paused():
            timeline, written = run_build(inputs, out_dir, chosen, user_dates, templates_dir, title=title,
                                          min_sources=min_sources, top=top, about=about, coarse=coarse, feed_url=feed_url,
                                          source_date_epoch=_source_date_epoch(), fetch_pages=fetch_pages,
                                          execution=execution, period=period,
                                          on_wait=lambda message: say(f"waiting: {message}", err=True))
    _warn(timeline, quiet)
    say(summary_line(timeline, written))
    if strict and any(m.status != ArticleStatus.USED for m in timeline.manifest):
        sys.exit(EXIT_SKIPPED)


def _inputs(paths: tuple[str, ...]) -> list[Path | str]:
    """What the user typed: http(s) URLs stay strings (fetched), everything else is a path (default: seeds/)."""
    from timeline.ingest.fetch import is_url

    return [p if is_url(p) else Path(p) for p in paths] or [Path("seeds")]


def _require_some_input(paths: list[Path | str]) -> None:
    """A mistyped folder must not replace a good dist/ with an empty timeline."""
    if not any(isinstance(p, str) or p.exists() for p in paths):
        shown = ", ".join(str(p) for p in paths)
        raise UserError(f"{shown}: no such file or folder; nothing was built (give article files or folders)")


def _parse_period(date_from: str | None, date_to: str | None) -> tuple[dt.date | None, dt.date | None]:
    days = []
    for option, value in (("--from", date_from), ("--to", date_to)):
        try:
            days.append(dt.date.fromisoformat(value) if value else None)
        except ValueError:
            raise UserError(f"{option} {value!r}: write the day as YYYY-MM-DD") from None
    if days[0] and days[1] and days[0] > days[1]:
        raise UserError(f"--from {date_from} is after --to {date_to}: nothing could be kept")
    return days[0], days[1]


def _default_cache(out_dir: Path) -> Path | None:
    """The cache beside the output folder, or none where that folder cannot be made (a build never fails
    for want of its cache: the output folder's own problems are reported as such)."""
    from timeline.cache import default_path

    path = default_path(out_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


def _warn(timeline: Timeline, quiet: bool) -> None:
    if quiet:
        return
    for m in timeline.manifest:
        if message := _manifest_message(m):
            say(f"warning: {message}", err=True)


@contextmanager
def _execution(jobs: int | None, engine: str, scheduler: str | None,
               cache_path: Path | None, quiet: bool) -> Iterator[Any]:
    """Where the per-article steps run, and a progress bar on stderr when it is a terminal."""
    from timeline.engine import default_jobs
    from timeline.pipeline import Execution
    from timeline.progress import Progress

    if scheduler and engine != "dask":
        raise UserError("--scheduler needs --engine dask")
    stream = sys.stderr
    progress = Progress(stream) if not quiet and stream.isatty() else None
    try:
        yield Execution(jobs=jobs or default_jobs(), engine=engine, scheduler=scheduler, cache=cache_path,
                        progress=progress)
    finally:
        if progress is not None:
            progress.close()


def _build_to_stdout(paths: list[Path | str], formats: list[str], user_dates: dict[str, dt.date],
                     templates_dir: Path | None, title: str | None, min_sources: int, top: int | None,
                     about: str | None, coarse: str, feed_url: str | None, fetch_pages: bool = False,
                     period: tuple[dt.date | None, dt.date | None] = (None, None), execution: Any = None,
                     quiet: bool = False) -> None:
    """-o -: one format, written to standard output (messages still go to stderr)."""
    from timeline.export import FILES
    from timeline.pipeline import render

    _require_some_input(paths)
    if len(formats) != 1:
        raise UserError("-o - writes one output to standard output: choose it with --format (ics, json, html, timelinejs, csv or md)")
    if not _stdout_open():
        raise UserError("-o -: standard output is closed, so there is nowhere to write the output "
                        "(redirect it to a file, or give a folder with -o)")
    with _cycle_collector_paused():
        timeline, rendered = render(list(paths), formats, user_dates, templates_dir, title=title, min_sources=min_sources,
                                    top=top, about=about, coarse=coarse, feed_url=feed_url,
                                    source_date_epoch=_source_date_epoch(), fetch_pages=fetch_pages,
                                    execution=execution, period=period)
    _warn(timeline, quiet)
    try:
        sys.stdout.buffer.write(rendered[FILES[formats[0]][0]])
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away ("| head"): say so once, and keep Python quiet at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise UserError("-o -: standard output was closed before the whole output was written") from None


def _stdout_open() -> bool:
    """False when the process was started with standard output closed (``>&-``)."""
    if sys.stdout is None:
        return False
    try:
        os.fstat(sys.stdout.fileno())
    except (io.UnsupportedOperation, AttributeError, ValueError):
        return True  # no file descriptor (a test runner's buffer): writable as far as we know
    except OSError:
        return False
    return True


def _snapshot(paths: tuple[Path, ...]) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file under the watched paths: what a rebuild would read."""
    from timeline.ingest import collect_paths, load_tables

    files, _ = collect_paths(list(paths), load_tables())
    seen: dict[str, tuple[int, int]] = {}
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        seen[str(f)] = (st.st_size, st.st_mtime_ns)
    return seen


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("dist"),
              show_default=True, help="Folder to write the outputs into (created if missing).")
@click.option("--interval", type=click.FloatRange(min=0.05), default=2.0, show_default=True,
              help="Seconds between two looks at the folders.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for the per-article steps (default: this machine's cores).")
@click.option("--cache", "cache_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The analysis cache (default: .timeline/cache.sqlite beside the output folder).")
@click.option("--max-builds", type=click.IntRange(min=1), default=None,
              help="Stop after this many builds (default: watch until interrupted with Ctrl-C).")
@click.option("-q", "--quiet", is_flag=True, help="Only the summary line of each build.")
@click.option("--debug", is_flag=True, help="Show a full traceback when something goes wrong.")
@handle_errors
def watch(paths: tuple[Path, ...], out_dir: Path, interval: float, jobs: int | None, cache_path: Path | None,
          max_builds: int | None, quiet: bool, debug: bool) -> None:
    """Build the timeline from PATHS, then build it again whenever files there are added, changed or removed.

    The folders are looked at every --interval seconds (polling: it works on every file system,
    network shares included); a change is built once the files have stopped changing for one
    interval. Thanks to the analysis cache, a rebuild analyses only the new or changed articles.
    Stop with Ctrl-C.
    """
    import time

    from timeline.pipeline import build as run_build

    _require_some_input(paths)
    cache_path = cache_path or _default_cache(out_dir)
    builds, built, last = 0, None, None
    try:
        while True:
            seen = _snapshot(paths)
            if seen != built and seen == last:  # changed since the last build, and settled for one interval
                with _execution(jobs, "local", None, cache_path, quiet) as execution, _cycle_collector_paused():
                    timeline, written = run_build(list(paths), out_dir, execution=execution,
                                                  source_date_epoch=_source_date_epoch(),
                                                  on_wait=lambda message: say(f"waiting: {message}", err=True))
                _warn(timeline, quiet)
                say(summary_line(timeline, written))
                built, builds = seen, builds + 1
                if max_builds is not None and builds >= max_builds:
                    return
            last = seen
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo(f"stopped after {builds} build(s)", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--date", "date", required=True, metavar="YYYY-MM-DD",
              help="The articles' publication date: relative dates (\"Thursday\", \"last month\") resolve against it.")
@click.option("--format", "fmt", type=click.Choice(["timeml", "jsonl"]), default="jsonl", show_default=True,
              help="timeml: the text with TIMEX3 tags; jsonl: one JSON object per date phrase.")
@click.option("--debug", is_flag=True, help="Show a full traceback when something goes wrong.")
@handle_errors
def annotate(files: tuple[Path, ...], date: str, fmt: str, debug: bool) -> None:
    """Find and resolve the date phrases of article FILES and print them (no timeline, no files written).

    Each phrase comes with its character offsets, its type (DATE, TIME, DURATION, SET), its
    normalized TimeML value, its precision and the name of the rule that produced it.
    """
    from timeline.evaluation.timeml import mentions_to_jsonl, write_timeml
    from timeline.ingest import read_article
    from timeline.temporal import find_mentions, load_rules

    try:
        dct = dt.date.fromisoformat(date)
    except ValueError:
        raise UserError(f"--date {date!r}: write the date as YYYY-MM-DD") from None
    rules = load_rules("en")
    for path in files:
        article = read_article(path, user_date=dct)
        mentions = find_mentions(article.text, dct, rules, article.body_start)
        if fmt == "jsonl":
            click.echo(mentions_to_jsonl(mentions), nl=False)
        else:
            click.echo(write_timeml(article.text, dct, mentions, doc_id=article.id))


@main.command(name="eval")
@click.argument("gold_dirs", metavar="GOLD...", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--errors", is_flag=True, help="List every error (missed, spurious, wrong span, wrong value, wrong type).")
@click.option("--kinds", default=None, metavar="KIND,...",
              help="With --errors: only these kinds, comma-separated (missed, spurious, span, value, type, crash).")
@click.option("--classes", type=click.IntRange(min=0), default=30, show_default=True,
              help="How many of the most frequent error classes to list (0: none).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only score the first N documents of each set.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the scores as JSON to this file (a list, one object per set).")
@click.option("--debug", is_flag=True, help="Show a full traceback when something goes wrong.")
@handle_errors
def eval_command(gold_dirs: tuple[Path, ...], errors: bool, kinds: str | None, classes: int, limit: int | None,
                 json_path: Path | None, debug: bool) -> None:
    """Score the date resolver on gold corpora (TempEval-3 measures): GOLD... is one or more sets, one report each.

    Each GOLD is a folder (searched recursively) or a file: TimeML .tml files (TempEval-3 TBAQ),
    whose CREATION_TIME is the article date, or CAT .xml files (MEANTIME), whose creation-time
    TIMEX3 is the article date and whose unannotated tail is not scored. Prints strict and relaxed
    span precision/recall/F1, value F1, type F1 and anchoring (value accuracy of the matched gold
    dates that need an anchor), for the set and per first-level folder (TimeBank, AQUAINT; MEANTIME
    topics), and the most frequent error classes. Example:

        timeline eval CORPUS/tbaq CORPUS/meantime
    """
    import json
    import time

    from timeline.evaluation.tempeval import evaluate, format_report
    from timeline.temporal import load_rules

    started = time.perf_counter()
    rules = load_rules("en")
    load_seconds = time.perf_counter() - started
    chosen = set(kinds.split(",")) if kinds else None
    reports = []
    for i, gold_dir in enumerate(gold_dirs):
        report = evaluate(gold_dir, rules, limit=limit)
        report.rules_seconds = load_seconds  # loaded once for all the sets
        reports.append(report)
        if i:
            click.echo("")
        click.echo(format_report(report, errors=errors, classes=classes, kinds=chosen))
    if json_path is not None:
        data = [r.as_dict() for r in reports]
        json_path.write_text(json.dumps(data[0] if len(data) == 1 else data, indent=2) + "\n", encoding="utf-8")


@main.command(name="eval-timeline")
@click.argument("corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the system timelines, one file per entity in the task's format.")
@click.option("--entity", "entities", multiple=True, help="Target entity (repeat for several); default: the corpus's list.")
@click.option("--gold", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of gold timelines; default: found next to the corpus.")
@click.option("--no-dct-fallback", is_flag=True,
              help="Only events dated by a date phrase (not the undated ones anchored to the article's date).")
@click.option("--debug", is_flag=True, help="Show a full traceback when something goes wrong.")
@handle_errors
def eval_timeline(corpus_dir: Path, out_dir: Path, entities: tuple[str, ...], gold: Path | None,
                  no_dct_fallback: bool, debug: bool) -> None:
    """Build entity timelines from SemEval-2015 Task 4 articles and score them (Track A, raw text).

    CORPUS_DIR is a corpus of the task (CAT XML articles, its target-entity list and, next to it,
    the gold timelines). Writes one timeline per entity to --out in the task's own format, so the
    official scorer can read them too, and prints precision, recall and F1 (temporal awareness).
    """
    from timeline.evaluation.semeval import format_report, run_track_a

    try:
        written, report = run_track_a(corpus_dir, out_dir, entities, gold, dct_fallback=not no_dct_fallback)
    except ValueError:
        raise UserError("no target entities found in the corpus: give them with --entity") from None
    click.echo(f"wrote {len(written)} timeline(s) to {out_dir}")
    if report is not None:
        click.echo(format_report(report))
