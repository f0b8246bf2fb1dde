"""The only module that knows the order of the steps: ingest -> resolve -> events -> merge -> export.

Per-article work (``analyze_article``) is a pure function of (article, resources); the batch steps
(dates of undated articles, merging) run over its results. Everything else (the CLI, the evaluation
code) calls these functions rather than the steps themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import TYPE_CHECKING
from pathlib import Path

from timeline.cache import AnalysisCache, article_key, fingerprint
from timeline.compact import AnalysisRecord, Unpacker, dumps, events_of, loads, pack
from timeline.dating import infer_date
from timeline.engine import Engine, InProcess, chunked, start_engine
from timeline.events import extract_events
from timeline.ingest import ingest, iter_ingest
from timeline.ingest.files import path_order
from timeline.merge import batch_title, filter_entries, merge_events
from timeline.models import Analysis, Article, ArticleStatus, DateSource, Entry, ManifestEntry, Timeline
from timeline.progress import Progress
from timeline.resources import Resources, load_resources
from timeline.temporal import find_mentions

if TYPE_CHECKING:
    from timeline.continuity import PreviousTimeline


def analyze_article(article: Article, resources: Resources) -> Analysis:
    """Resolve the dates of one article and extract its events (pure: same input, same output)."""
    mentions = find_mentions(article.text, article.date, resources.rules, article.body_start)
    events = extract_events(article, mentions, resources.rules, resources.events)
    return Analysis(article=article, mentions=mentions, events=events)


def analyze_batch(articles: Iterable[Article], resources: Resources) -> list[Analysis]:
    """Every article analysed, undated ones dated from the dated ones where their events allow;
    in article-id order."""
    articles = list(articles)
    analyses = [analyze_article(a, resources) for a in articles if a.date is not None]
    for article in (a for a in articles if a.date is None):
        # the reference: every analysis so far but the inferred ones (an inference never rests on another)
        reference = [x for x in analyses if x.article.date_source != DateSource.INFERRED]
        result = infer_date(article, reference, lambda a: analyze_article(a, resources), resources.events)
        analyses.append(result[0] if result else analyze_article(article, resources))  # absolute dates still count
    analyses.sort(key=lambda a: a.article.id)
    return analyses


def merge_analyses(analyses: Sequence[Analysis]) -> list[Entry]:
    """The entries of the whole batch: the same happening told by several articles becomes one entry."""
    return merge_events([e for a in analyses for e in a.events], {a.article.id: a.article for a in analyses})


SMALL_BATCH = 32  # articles to analyse per worker below which a build stays in one process


@dataclass(frozen=True)
class Execution:
    """Where and how the per-article steps run; none of it changes the outputs.

    ``jobs``: worker processes (1: this process); ``engine``: "local" or "dask" (``scheduler``: a
    dask.distributed address, else a local cluster of ``jobs`` workers); ``cache``: the SQLite
    analysis cache file (None: no cache); ``progress``: told of each article done."""

    jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    cache: Path | None = None
    progress: Progress | None = None
    chunk: int = 0  # articles per task (0: chosen by the engine)


def build_timeline(paths: Sequence[Path], user_dates: Mapping[str, dt.date] | None = None, lang: str = "en",
                   title: str | None = None, resources: Resources | None = None,
                   execution: Execution | None = None) -> Timeline:
    """Read the inputs and build the whole timeline (no files written).

    Articles are read, analysed and dropped one at a time: what is kept of each is its metadata and
    a compact record of its events (``compact``), so memory grows with the events, not the text."""
    execution = execution or Execution()
    cached = execution.cache is not None and resources is None  # own resources: their fingerprint is unknown
    store = AnalysisCache(execution.cache, fingerprint(lang)) if cached and execution.cache else None
    given = resources

    def load() -> Resources:  # only when an article must be analysed: a re-run that finds all in the cache never does
        nonlocal given
        given = given or load_resources(lang)
        return given

    try:
        manifest, records = _analyze_inputs(paths, user_dates or {}, load, execution, store)
        if store is not None:
            store.flush()
            store.prune()
    finally:
        if store is not None:
            store.close()
    records.sort(key=lambda r: r.article.id)
    events = events_of(records)
    by_id = {r.article.id: r.article for r in records}
    entries = _share_fields_sets(merge_events(events, by_id))
    return Timeline(
        title=title or batch_title(events),
        **_period(entries),
        entries=entries,
        manifest=sorted((_update_manifest(m, by_id) for m in manifest), key=lambda m: path_order(m.path)),
    )


def _share_fields_sets(entries: list[Entry]) -> list[Entry]:
    """Entries and sources made with the same fields share one ``model_fields_set`` (pydantic gives each
    instance its own set: 700 bytes, half of what a Source takes). Read-only models: no set is ever
    changed in place (``model_copy`` makes a new one)."""
    shared: dict[frozenset[str], set[str]] = {}
    for entry in entries:
        for model in (entry, *entry.sources):
            fields = model.__pydantic_fields_set__
            object.__setattr__(model, "__pydantic_fields_set__", shared.setdefault(frozenset(fields), fields))
    return entries


def _analyze_inputs(paths: Sequence[Path], user_dates: Mapping[str, dt.date], load: Callable[[], Resources],
                    execution: Execution, store: AnalysisCache | None) -> tuple[list[ManifestEntry], list[AnalysisRecord]]:
    """Every input read once, in path order; dated articles analysed by the engine (or found in the
    cache), then undated ones dated from them. Returns the manifest and one record per used article."""
    manifest, stream, count = iter_ingest(paths, user_dates)
    unpacker = Unpacker()
    done: list[tuple[int, AnalysisRecord]] = []  # (position in path order, record)
    undated: list[tuple[int, Article]] = []
    position: dict[str, int] = {}
    progress = execution.progress
    if progress is not None and progress.total is None:
        progress.total = count
    fp = store.fp if store is not None else ""

    def key(article: Article) -> str:
        return article_key(fp, article.text, article.body_start, article.date.isoformat() if article.date else "")

    def to_analyse() -> Iterator[Article]:
        for entry, article in stream:
            manifest.append(entry)
            if article is None:
                continue
            position[article.id] = len(position)
            if article.date is None:
                undated.append((position[article.id], article))
                continue
            data = store.get(key(article)) if store is not None else None
            if data is not None:
                done.append((position[article.id], unpacker.unpack(article, loads(data))))
                if progress:
                    progress.advance()
                continue
            yield article

    pending = to_analyse()
    # a few articles to analyse (a small batch, or a re-run that finds most in the cache): starting
    # worker processes would cost more than it saves
    head = list(islice(pending, SMALL_BATCH * execution.jobs if execution.engine == "local" and execution.jobs > 1 else 1))
    few = execution.engine == "local" and len(head) < SMALL_BATCH * execution.jobs
    if not head:
        engine: Engine = InProcess(None)  # type: ignore[arg-type]  # nothing to analyse: no resources loaded
    elif few:
        engine = InProcess(load())
    else:
        engine = start_engine(load(), execution.jobs, execution.engine, execution.scheduler)
    size = execution.chunk or (1 if engine.workers == 1 else 8 if execution.engine == "local" else 32)
    try:
        for chunk, results in engine.map(chunked(chain(head, pending), size)):
            for article, data in zip(chunk, results, strict=True):
                if store is not None:
                    store.put(key(article), data)
                done.append((position[article.id], unpacker.unpack(article, loads(data))))
            if progress:
                progress.advance(len(chunk))
    finally:
        engine.close()
    done.sort(key=lambda pr: pr[0])  # path order, as the batch was read: the reference of the inference
    records = [r for _, r in done]
    resources = load() if undated else None
    for _, article in undated:
        # the reference: every analysis so far but the inferred ones (an inference never rests on another)
        reference = [r for r in records if r.article.date_source != DateSource.INFERRED]
        assert resources is not None
        result = infer_date(article, reference, lambda a: analyze_article(a, resources), resources.events)
        analysis = result[0] if result else analyze_article(article, resources)  # absolute dates still count
        records.append(unpacker.unpack(analysis.article, loads(dumps(pack(analysis)))))
        if progress:
            progress.advance()
    return manifest, records


def _period(entries: Sequence[Entry]) -> dict[str, dt.date | None]:
    """First and last day the entries cover."""
    starts = [e.when.start for e in entries if e.when.start]
    ends = [e.when.end for e in entries if e.when.end]
    return {"period_start": min(starts) if starts else None,
            "period_end": (max(ends) - dt.timedelta(days=1)) if ends else None}


def _update_manifest(entry: ManifestEntry, by_id: Mapping[str, Article]) -> ManifestEntry:
    article = by_id.get(entry.article_id or "")
    if article is None:
        return entry
    if entry.sha256 is None:
        entry = entry.model_copy(update={"sha256": article.sha256 or None})
    if article.date_source == DateSource.INFERRED:
        return entry.model_copy(update={
            "status": ArticleStatus.USED, "date": article.date, "date_source": DateSource.INFERRED,
            "date_evidence": article.date_evidence,
        })
    return entry


def _fingerprints(timeline: Timeline | PreviousTimeline) -> dict[str, str]:
    """article id -> text fingerprint, from the manifest (ids may differ between builds, texts do not)."""
    return {m.article_id: m.sha256 for m in timeline.manifest if m.article_id and m.sha256}


Period = tuple[dt.date | None, dt.date | None]


def select(timeline: Timeline, min_sources: int = 1, top: int | None = None, period: Period = (None, None)) -> Timeline:
    """The timeline with only entries told by ``min_sources`` articles, that overlap ``period`` (first and
    last day, either open), and the ``top`` most salient."""
    if min_sources <= 1 and top is None and period == (None, None):
        return timeline
    entries = timeline.entries
    first, last = period
    if first or last:
        entries = [e for e in entries if e.when.start is not None and e.when.end is not None
                   and (first is None or e.when.end > first) and (last is None or e.when.start <= last)]
    entries = filter_entries(entries, min_sources, top)
    return timeline.model_copy(update={"entries": entries, **_period(entries)})


def render(paths: Sequence[Path], formats: Iterable[str], user_dates: Mapping[str, dt.date] | None = None,
           templates_dir: Path | None = None, lang: str = "en", title: str | None = None, *, min_sources: int = 1,
           top: int | None = None, coarse: str = "span", feed_url: str | None = None,
           source_date_epoch: str | None = None, execution: Execution | None = None,
           period: Period = (None, None)) -> tuple[Timeline, dict[str, bytes]]:
    """Build the timeline and render the chosen formats to memory (for standard output): {file name: bytes}."""
    from timeline.export import render_outputs

    timeline = select(build_timeline(paths, user_dates, lang, title, execution=execution), min_sources, top, period)
    return timeline, render_outputs(timeline, formats, templates_dir=templates_dir, coarse=coarse,  # type: ignore[arg-type]
                                    feed_url=feed_url, source_date_epoch=source_date_epoch)


def build(paths: Sequence[Path], out_dir: Path, formats: Iterable[str] | None = None,
          user_dates: Mapping[str, dt.date] | None = None, templates_dir: Path | None = None,
          lang: str = "en", title: str | None = None, *, min_sources: int = 1, top: int | None = None,
          coarse: str = "span", feed_url: str | None = None,
          source_date_epoch: str | None = None, execution: Execution | None = None,
          period: Period = (None, None)) -> tuple[Timeline, list[Path]]:
    """Build the timeline and write the chosen formats into ``out_dir`` (atomically). Entries that
    continue those of the previous build there keep their UIDs (see continuity.py)."""
    from timeline.continuity import carry_over, load_previous
    from timeline.export import FORMATS, write_outputs

    timeline = select(build_timeline(paths, user_dates, lang, title, execution=execution), min_sources, top, period)
    previous = load_previous(out_dir)
    if previous is not None:
        timeline = timeline.model_copy(update={"entries": carry_over(
            timeline.entries, previous, _fingerprints(timeline), _fingerprints(previous))})
    written = write_outputs(timeline, out_dir, formats or FORMATS, templates_dir=templates_dir,
                            coarse=coarse, feed_url=feed_url, source_date_epoch=source_date_epoch)  # type: ignore[arg-type]
    return timeline, written
