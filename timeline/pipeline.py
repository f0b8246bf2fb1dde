"""The only module that knows the order of the steps: ingest -> resolve -> events -> merge -> export.

Per-article work (``analyze_article``) is a pure function of (article, resources); the batch steps
(dates of undated articles, merging) run over its results. Everything else (the CLI, the evaluation
code) calls these functions rather than the steps themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from typing import Any

from timeline.dating import infer_date
from timeline.errors import UserError
from timeline.events import extract_events
from timeline import briefing
from timeline.ingest import folder_extensions, ingest, ingest_records
from timeline.merge import merge_events
from timeline.models import Analysis, Article, ArticleStatus, DateSource, Entry, ManifestEntry, Timeline
from timeline.neardup import Copy, attach_copies, find_copies, fold_copies
from timeline.resources import Resources, load_resources
from timeline.temporal import find_mentions


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


def merge_analyses(analyses: Sequence[Analysis], resources: Resources | None = None) -> list[Entry]:
    """The entries of the whole batch: the same happening told by several articles becomes one entry;
    each entry scored by how much a briefing needs it (briefing.rank)."""
    resources = resources or load_resources("en")
    entries = merge_events([e for a in analyses for e in a.events], {a.article.id: a.article for a in analyses},
                           resources.merge)
    return briefing.rank(entries, analyses, resources.rules.language, resources.events, resources.merge)


Input = Path | str | Mapping[str, Any]


def build_timeline(inputs: Sequence[Input], user_dates: Mapping[str, dt.date] | None = None, lang: str = "en",
                   title: str | None = None, resources: Resources | None = None, *,
                   fetch_pages: bool = False) -> Timeline:
    """Read the inputs and build the whole timeline (no files written); the Python API.

    ``inputs``: files and folders (paths), http(s) URLs of feeds or pages (strings), and in-memory
    records (dicts with ``text`` or ``html``, and optionally ``date``, ``title``, ``url``,
    ``source``, ``id``). Returns the pydantic ``Timeline``; ``Timeline.entries`` in time order.
    """
    resources = resources or load_resources(lang)
    files = [p for p in inputs if not isinstance(p, Mapping)]
    records = [p for p in inputs if isinstance(p, Mapping)]
    articles, manifest = ingest(files, user_dates or {}, fetch_pages=fetch_pages) if files or not records else ([], [])
    if records:
        more, more_manifest = ingest_records(records)
        articles, manifest = [*articles, *more], [*manifest, *more_manifest]
    # a batch step on the texts: near-duplicates (syndicated copies, light rewrites) of one story
    copies = find_copies((a.id, a.text[a.body_start:], a.date) for a in articles)
    analyses = analyze_batch(articles, resources)
    analyses, folded = fold_copies(analyses, copies)
    entries = attach_copies(merge_analyses(analyses, resources), folded)
    by_id = {a.article.id: a.article for a in analyses}
    return Timeline(
        title=title or briefing.batch_title(analyses, resources.merge, resources.rules.language, resources.events),
        **_period(entries),
        entries=entries,
        manifest=[_update_manifest(m, by_id, copies) for m in manifest],
    )


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


def _update_manifest(entry: ManifestEntry, by_id: Mapping[str, Article], copies: Mapping[str, Copy]) -> ManifestEntry:
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


def _fingerprints(timeline: Timeline) -> dict[str, str]:
    """article id -> text fingerprint, from the manifest (ids may differ between builds, texts do not)."""
    return {m.article_id: m.sha256 for m in timeline.manifest if m.article_id and m.sha256}


def select(timeline: Timeline, min_sources: int = 1, top: int | None = None, about: str | None = None,
           resources: Resources | None = None) -> Timeline:
    """The timeline with only the entries that involve ``about`` (a name, in any form the batch writes it:
    briefing.about), told by ``min_sources`` articles, then the ``top`` most salient."""
    if min_sources <= 1 and top is None and not about:
        return timeline
    entries = [e for e in timeline.entries if len({s.article_id for s in e.sources}) >= min_sources]
    if about:
        entries = briefing.about(entries, about, (resources or load_resources("en")).merge)
    if top is not None:
        entries = briefing.top(entries, top)
    return timeline.model_copy(update={"entries": entries, **_period(entries)})


def render(paths: Sequence[Input], formats: Iterable[str], user_dates: Mapping[str, dt.date] | None = None,
           templates_dir: Path | None = None, lang: str = "en", title: str | None = None, *, min_sources: int = 1,
           top: int | None = None, about: str | None = None, coarse: str = "span", feed_url: str | None = None,
           source_date_epoch: str | None = None, fetch_pages: bool = False) -> tuple[Timeline, dict[str, bytes]]:
    """Build the timeline and render the chosen formats to memory (for standard output): {file name: bytes}."""
    from timeline.export import render_outputs

    resources = load_resources(lang)
    full = build_timeline(paths, user_dates, lang, title or _about_title(about), resources, fetch_pages=fetch_pages)
    require_usable(full, paths)
    timeline = select(full, min_sources, top, about, resources)
    return timeline, render_outputs(timeline, formats, templates_dir=templates_dir, coarse=coarse,  # type: ignore[arg-type]
                                    feed_url=feed_url, source_date_epoch=source_date_epoch)


def build(paths: Sequence[Input], out_dir: Path, formats: Iterable[str] | None = None,
          user_dates: Mapping[str, dt.date] | None = None, templates_dir: Path | None = None,
          lang: str = "en", title: str | None = None, *, min_sources: int = 1, top: int | None = None,
          about: str | None = None, coarse: str = "span", feed_url: str | None = None,
          source_date_epoch: str | None = None, fetch_pages: bool = False) -> tuple[Timeline, list[Path]]:
    """Build the timeline and write the chosen formats into ``out_dir`` (atomically). Entries that
    continue those of the previous build there keep their UIDs (see continuity.py)."""
    from timeline.continuity import carry_over, load_previous
    from timeline.export import FORMATS, write_outputs

    resources = load_resources(lang)
    full = build_timeline(paths, user_dates, lang, title or _about_title(about), resources, fetch_pages=fetch_pages)
    require_usable(full, paths)  # before anything is written: an empty build leaves the old outputs
    timeline = select(full, min_sources, top, about, resources)
    previous = load_previous(out_dir)
    if previous is not None:
        timeline = timeline.model_copy(update={"entries": carry_over(
            timeline.entries, previous, _fingerprints(timeline), _fingerprints(previous))})
    written = write_outputs(timeline, out_dir, formats or FORMATS, templates_dir=templates_dir,
                            coarse=coarse, feed_url=feed_url, source_date_epoch=source_date_epoch)  # type: ignore[arg-type]
    return timeline, written
