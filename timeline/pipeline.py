"""The only module that knows the order of the steps: ingest -> resolve -> events -> merge -> export.

Per-article work (``analyze_article``) is a pure function of (article, resources); the batch steps
(dates of undated articles, merging) run over its results. Everything else (the CLI, the evaluation
code) calls these functions rather than the steps themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.cache import AnalysisCache, article_key, fingerprint
from timeline.compact import AnalysisRecord, Unpacker, dumps, loads, pack, unpack_sketch
from timeline.dating import infer_date
from timeline.engine import Engine, InProcess, chunked, start_engine
from timeline.errors import UserError
from timeline.events import extract_events
from timeline import briefing
from timeline.ingest import folder_extensions, ingest_records, iter_ingest
from timeline.ingest.batch import manifest_order
from timeline.merge import merge_events
from timeline.models import Analysis, Article, ArticleStatus, DateSource, Entry, ManifestEntry, Timeline
from timeline.neardup import Copy, Sketch, attach_copies, copies_among, fold_copies, sketch
from timeline.progress import Progress
from timeline.resources import Resources, load_resources
from timeline.temporal import find_mentions
from timeline.temporal.context import SentenceIndex, sentence_spans

if TYPE_CHECKING:
    from timeline.continuity import PreviousTimeline


def analyze_article(article: Article, resources: Resources) -> Analysis:
    """Resolve the dates of one article and extract its events (pure: same input, same output)."""
    # both steps read the same sentences: split once
    sentences = SentenceIndex(sentence_spans(article.text, article.body_start, resources.rules.language))
    mentions = find_mentions(article.text, article.date, resources.rules, article.body_start, sentences)
    events = extract_events(article, mentions, resources.rules, resources.events, sentences)
    return Analysis(article=article, mentions=mentions, events=events)


def failure_reason(exc: BaseException) -> str:
    """What the manifest says of an article whose analysis raised: the fault boundary of one article
    (whatever its input, one article never takes the batch down; the exception is still a bug)."""
    reason = (f"could not be analysed ({type(exc).__name__}: {exc}); this is a bug in timeline, "
              "please report it with this file; the rest of the batch was built")
    return reason.encode("utf-8", "replace").decode("utf-8")  # no lone surrogate from the input


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


def merge_analyses(analyses: Sequence[Analysis], resources: Resources | None = None,
                   facts: briefing.BatchFacts | None = None) -> list[Entry]:
    """The entries of the whole batch: the same happening told by several articles becomes one entry;
    each entry scored by how much a briefing needs it (briefing.rank; ``facts``: its reading of the
    batch's headlines and names, if already made)."""
    resources = resources or load_resources("en")
    entries = merge_events([e for a in analyses for e in a.events], {a.article.id: a.article for a in analyses},
                           resources.merge)
    return briefing.rank(entries, analyses, resources.rules.language, resources.events, resources.merge, facts)


Input = Path | str | Mapping[str, Any]
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


def build_timeline(inputs: Sequence[Input], user_dates: Mapping[str, dt.date] | None = None, lang: str = "en",
                   title: str | None = None, resources: Resources | None = None, *,
                   fetch_pages: bool = False, execution: Execution | None = None) -> Timeline:
    """Read the inputs and build the whole timeline (no files written); the Python API.

    ``inputs``: files and folders (paths), http(s) URLs of feeds or pages (strings), and in-memory
    records (dicts with ``text`` or ``html``, and optionally ``date``, ``title``, ``url``,
    ``source``, ``id``). Returns the pydantic ``Timeline``; ``Timeline.entries`` in time order.

    Articles are read, analysed and dropped one at a time: what is kept of each is its metadata, the
    sketch that finds near-duplicates and a compact record of its events (``compact``), so memory
    grows with the events, not the text. ``execution`` says where the per-article steps run.
    """
    execution = execution or Execution()
    cached = execution.cache is not None and resources is None  # own resources: their fingerprint is unknown
    store = AnalysisCache(execution.cache, fingerprint(lang)) if cached and execution.cache else None
    given = resources

    def load() -> Resources:  # only when an article must be analysed: a re-run that finds all in the cache never does
        nonlocal given
        given = given or load_resources(lang)
        return given

    failed: dict[str, str] = {}  # article id -> why its analysis failed (the fault boundary of one article)
    try:
        manifest, analyses, sketches, case = _analyze_inputs(inputs, user_dates or {}, load, execution, store, fetch_pages,
                                                       failed)
        if store is not None:
            store.flush()
            store.prune()
    finally:
        if store is not None:
            store.close()
    # a batch step on the texts: near-duplicates (syndicated copies, light rewrites) of one story
    copies = {k: c for k, c in copies_among(sketches).items() if c.source_id not in failed}
    del sketches
    analyses.sort(key=lambda a: a.article.id)
    analyses, folded = fold_copies(analyses, copies)
    resources = load()
    facts = briefing.read_batch(analyses, resources.rules.language, resources.events, resources.merge, case)
    entries = _share_fields_sets(attach_copies(merge_analyses(analyses, resources, facts), folded))
    by_id = {a.article.id: a.article for a in analyses}
    return Timeline(
        title=title or briefing.batch_title(analyses, resources.merge, resources.rules.language, resources.events,
                                            facts=facts),
        **_period(entries),
        entries=entries,
        manifest=[_update_manifest(m, by_id, copies, failed) for m in manifest],
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


def _analyze_inputs(inputs: Sequence[Input], user_dates: Mapping[str, dt.date], load: Callable[[], Resources],
                    execution: Execution, store: AnalysisCache | None, fetch_pages: bool, failed: dict[str, str],
                    ) -> tuple[list[ManifestEntry], list[AnalysisRecord], list[tuple[str, Sketch, dt.date | None, int]],
                               Counter[str]]:
    """Every input read once, in order; dated articles analysed by the engine (or found in the cache),
    then undated ones dated from them. Returns the manifest (files in path order, then in-memory
    records), one record per used article, each used article's near-duplicate sketch, and the word counts of
    all used articles (briefing.Names). An article whose
    analysis raised is left out and ``failed[its id]`` says why."""
    files = [p for p in inputs if not isinstance(p, Mapping)]
    given_records = [p for p in inputs if isinstance(p, Mapping)]
    manifest: list[ManifestEntry] = []
    more_manifest: list[ManifestEntry] = []
    pairs: Iterable[tuple[ManifestEntry, Article | None]] = ()
    count = 0
    if files or not given_records:
        walked, pairs, count = iter_ingest(files, user_dates, fetch_pages=fetch_pages)
        manifest.extend(walked)
    more: list[Article] = []
    if given_records:
        more, more_manifest = ingest_records(given_records)
        count += len(more)
    unpacker = Unpacker()
    done: list[tuple[int, AnalysisRecord]] = []  # (position in reading order, record)
    undated: list[tuple[int, Article]] = []
    sketches: list[tuple[str, Sketch, dt.date | None, int]] = []
    position: dict[str, int] = {}
    progress = execution.progress
    if progress is not None and progress.total is None:
        progress.total = count
    fp = store.fp if store is not None else ""

    def key(article: Article) -> str:
        return article_key(fp, article.text, article.body_start, article.date.isoformat() if article.date else "")

    def took(article: Article, packed: dict[str, Any]) -> None:
        """One dated article's analysis and sketch (computed by the engine, or found in the cache)."""
        done.append((position[article.id], unpacker.unpack(article, packed)))
        sketches.append((article.id, unpack_sketch(packed["sketch"]), article.date, len(article.text) - article.body_start))

    def used() -> Iterator[Article]:
        for entry, article in pairs:
            manifest.append(entry)
            if article is not None:
                yield article
        yield from more

    def to_analyse() -> Iterator[Article]:
        for article in used():
            position[article.id] = len(position)
            if article.date is None:
                body = article.text[article.body_start:]
                sketches.append((article.id, sketch(body), article.date, len(body)))
                undated.append((position[article.id], article))
                continue
            data = store.get(key(article)) if store is not None else None
            if data is not None:
                took(article, loads(data))
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
                packed = loads(data)
                if "failed" in packed:  # the engine's fault boundary (engine.analyze_packed): not cached
                    failed[article.id] = packed["failed"]
                    continue
                if store is not None:
                    store.put(key(article), data)
                took(article, packed)
            if progress:
                progress.advance(len(chunk))
    finally:
        engine.close()
    done.sort(key=lambda pr: pr[0])  # reading order, as the batch was read: the reference of the inference
    records = [r for _, r in done]
    resources = load() if undated else None
    for _, article in undated:
        # the reference: every analysis so far but the inferred ones (an inference never rests on another)
        reference = [r for r in records if r.article.date_source != DateSource.INFERRED]
        assert resources is not None
        try:
            result = infer_date(article, reference, lambda a: analyze_article(a, resources), resources.events)
            analysis = result[0] if result else analyze_article(article, resources)  # absolute dates still count
            facts = briefing.article_facts(analysis.article, analysis.events, resources.rules.language, resources.events)
        except Exception as exc:  # noqa: BLE001 - the fault boundary of one article
            failed[article.id] = failure_reason(exc)
            continue
        records.append(unpacker.unpack(analysis.article, loads(dumps(pack(analysis, facts)))))
        if progress:
            progress.advance()
    manifest.sort(key=lambda m: manifest_order(m.path))
    return [*manifest, *more_manifest], records, sketches, unpacker.case


def require_usable(timeline: Timeline, inputs: Sequence[Input]) -> None:
    """An empty build must never replace real outputs: UserError (exit 2) when no input could be used,
    naming what was found and why each was skipped."""
    if any(m.status in (ArticleStatus.USED, ArticleStatus.UNDATED) for m in timeline.manifest):
        return
    given = ", ".join(str(p) for p in inputs if not isinstance(p, Mapping)) or "the records given"
    if not timeline.manifest:
        raise UserError(f"{given}: no article files found (inside folders timeline reads {', '.join(folder_extensions())}; "
                        "name other files directly); nothing was built and earlier outputs are left as they were")
    shown = "; ".join(f"{m.path}: {(m.reason or m.status.value).removeprefix(m.path + ': ')}" for m in timeline.manifest[:5])
    more = f"; and {len(timeline.manifest) - 5} more" if len(timeline.manifest) > 5 else ""
    raise UserError(f"no usable input: {len(timeline.manifest)} input(s) found in {given}, none could be used "
                    f"({shown}{more}); nothing was built and earlier outputs are left as they were")


def _period(entries: Sequence[Entry]) -> dict[str, dt.date | None]:
    """First and last day the entries cover."""
    starts = [e.when.start for e in entries if e.when.start]
    ends = [e.when.end for e in entries if e.when.end]
    return {"period_start": min(starts) if starts else None,
            "period_end": (max(ends) - dt.timedelta(days=1)) if ends else None}


def _update_manifest(entry: ManifestEntry, by_id: Mapping[str, Article], copies: Mapping[str, Copy],
                     failed: Mapping[str, str]) -> ManifestEntry:
    if entry.article_id in failed and entry.status != ArticleStatus.DUPLICATE:
        return entry.model_copy(update={"status": ArticleStatus.SKIPPED, "reason": failed[entry.article_id]})
    article = by_id.get(entry.article_id or "")
    if article is None:
        return entry
    copy = copies.get(article.id) if entry.status != ArticleStatus.DUPLICATE else None
    if copy is not None:
        entry = entry.model_copy(update={"copy_of": copy.source_id, "similarity": copy.jaccard})
    if entry.sha256 is None:
        entry = entry.model_copy(update={"sha256": article.sha256 or None})
    if article.date_source == DateSource.INFERRED:
        return entry.model_copy(update={
            "status": ArticleStatus.USED, "date": article.date, "date_source": DateSource.INFERRED,
            "date_evidence": article.date_evidence,
        })
    return entry


def _about_title(about: str | None) -> str | None:
    """A timeline kept to one name is titled after it, as the user wrote it."""
    return f"Timeline: {' '.join(about.split())}" if about and about.strip() else None


def _fingerprints(timeline: Timeline | PreviousTimeline) -> dict[str, str]:
    """article id -> text fingerprint, from the manifest (ids may differ between builds, texts do not)."""
    return {m.article_id: m.sha256 for m in timeline.manifest if m.article_id and m.sha256}


Period = tuple[dt.date | None, dt.date | None]


def select(timeline: Timeline, min_sources: int = 1, top: int | None = None, about: str | None = None,
           resources: Resources | None = None, period: Period = (None, None)) -> Timeline:
    """The timeline with only the entries that involve ``about`` (a name, in any form the batch writes it:
    briefing.about), told by ``min_sources`` articles, that overlap ``period`` (first and last day, either
    open), then the ``top`` most salient."""
    if min_sources <= 1 and top is None and not about and period == (None, None):
        return timeline
    entries = [e for e in timeline.entries if len({s.article_id for s in e.sources}) >= min_sources]
    first, last = period
    if first or last:
        entries = [e for e in entries if e.when.start is not None and e.when.end is not None
                   and (first is None or e.when.end > first) and (last is None or e.when.start <= last)]
    if about:
        entries = briefing.about(entries, about, (resources or load_resources("en")).merge)
    if top is not None:
        entries = briefing.top(entries, top)
    return timeline.model_copy(update={"entries": entries, **_period(entries)})


def render(paths: Sequence[Input], formats: Iterable[str], user_dates: Mapping[str, dt.date] | None = None,
           templates_dir: Path | None = None, lang: str = "en", title: str | None = None, *, min_sources: int = 1,
           top: int | None = None, about: str | None = None, coarse: str = "span", feed_url: str | None = None,
           source_date_epoch: str | None = None, fetch_pages: bool = False, execution: Execution | None = None,
           period: Period = (None, None)) -> tuple[Timeline, dict[str, bytes]]:
    """Build the timeline and render the chosen formats to memory (for standard output): {file name: bytes}."""
    from timeline.export import render_outputs

    full = build_timeline(paths, user_dates, lang, title or _about_title(about), fetch_pages=fetch_pages,
                          execution=execution)
    require_usable(full, paths)
    timeline = select(full, min_sources, top, about, load_resources(lang) if about else None, period)
    return timeline, render_outputs(timeline, formats, templates_dir=templates_dir, coarse=coarse,  # type: ignore[arg-type]
                                    feed_url=feed_url, source_date_epoch=source_date_epoch)


def build(paths: Sequence[Input], out_dir: Path, formats: Iterable[str] | None = None,
          user_dates: Mapping[str, dt.date] | None = None, templates_dir: Path | None = None,
          lang: str = "en", title: str | None = None, *, min_sources: int = 1, top: int | None = None,
          about: str | None = None, coarse: str = "span", feed_url: str | None = None,
          source_date_epoch: str | None = None, fetch_pages: bool = False, execution: Execution | None = None,
          period: Period = (None, None), on_wait: Callable[[str], None] | None = None) -> tuple[Timeline, list[Path]]:
    """Build the timeline and write the chosen formats into ``out_dir`` (atomically). Entries that
    continue those of the previous build there keep their UIDs (see continuity.py).

    The folder is held from reading the previous build to the last rename: another build into it
    waits (``on_wait`` is told why), so two builds never leave a mixed set of outputs."""
    from timeline.continuity import carry_over, load_previous
    from timeline.export import FORMATS, output_lock, write_outputs

    full = build_timeline(paths, user_dates, lang, title or _about_title(about), fetch_pages=fetch_pages,
                          execution=execution)
    require_usable(full, paths)  # before anything is written: an empty build leaves the old outputs
    timeline = select(full, min_sources, top, about, load_resources(lang) if about else None, period)
    with output_lock(out_dir, on_wait):
        previous = load_previous(out_dir)
        if previous is not None:
            timeline = timeline.model_copy(update={"entries": carry_over(
                timeline.entries, previous, _fingerprints(timeline), _fingerprints(previous))})
        written = write_outputs(timeline, out_dir, formats or FORMATS, templates_dir=templates_dir,
                                coarse=coarse, feed_url=feed_url, source_date_epoch=source_date_epoch)  # type: ignore[arg-type]
    return timeline, written
