"""The only module that knows the order of the steps: ingest -> resolve -> events -> merge -> export.

Per-article work (``analyze_article``) is a pure function of (article, resources); the batch steps
(dates of undated articles, merging) run over its results. Everything else (the CLI, the evaluation
code) calls these functions rather than the steps themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from timeline.dating import infer_date
from timeline.events import extract_events
from timeline.ingest import ingest
from timeline.merge import batch_title, filter_entries, merge_events
from timeline.models import Analysis, Article, ArticleStatus, DateSource, Entry, ManifestEntry, Timeline
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


def merge_analyses(analyses: Sequence[Analysis]) -> list[Entry]:
    """The entries of the whole batch: the same happening told by several articles becomes one entry."""
    return merge_events([e for a in analyses for e in a.events], {a.article.id: a.article for a in analyses})


def build_timeline(paths: Sequence[Path], user_dates: Mapping[str, dt.date] | None = None, lang: str = "en",
                   title: str | None = None, resources: Resources | None = None) -> Timeline:
    """Read the inputs and build the whole timeline (no files written)."""
    resources = resources or load_resources(lang)
    articles, manifest = ingest(paths, user_dates or {})
    analyses = analyze_batch(articles, resources)
    entries = merge_analyses(analyses)
    by_id = {a.article.id: a.article for a in analyses}
    return Timeline(
        title=title or batch_title([e for a in analyses for e in a.events]),
        **_period(entries),
        entries=entries,
        manifest=[_update_manifest(m, by_id) for m in manifest],
    )


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


def _fingerprints(timeline: Timeline) -> dict[str, str]:
    """article id -> text fingerprint, from the manifest (ids may differ between builds, texts do not)."""
    return {m.article_id: m.sha256 for m in timeline.manifest if m.article_id and m.sha256}


def select(timeline: Timeline, min_sources: int = 1, top: int | None = None) -> Timeline:
    """The timeline with only entries told by ``min_sources`` articles, and the ``top`` most salient."""
    if min_sources <= 1 and top is None:
        return timeline
    entries = filter_entries(timeline.entries, min_sources, top)
    return timeline.model_copy(update={"entries": entries, **_period(entries)})


def render(paths: Sequence[Path], formats: Iterable[str], user_dates: Mapping[str, dt.date] | None = None,
           templates_dir: Path | None = None, lang: str = "en", title: str | None = None, *, min_sources: int = 1,
           top: int | None = None, coarse: str = "span", feed_url: str | None = None,
           source_date_epoch: str | None = None) -> tuple[Timeline, dict[str, bytes]]:
    """Build the timeline and render the chosen formats to memory (for standard output): {file name: bytes}."""
    from timeline.export import render_outputs

    timeline = select(build_timeline(paths, user_dates, lang, title), min_sources, top)
    return timeline, render_outputs(timeline, formats, templates_dir=templates_dir, coarse=coarse,  # type: ignore[arg-type]
                                    feed_url=feed_url, source_date_epoch=source_date_epoch)


def build(paths: Sequence[Path], out_dir: Path, formats: Iterable[str] | None = None,
          user_dates: Mapping[str, dt.date] | None = None, templates_dir: Path | None = None,
          lang: str = "en", title: str | None = None, *, min_sources: int = 1, top: int | None = None,
          coarse: str = "span", feed_url: str | None = None,
          source_date_epoch: str | None = None) -> tuple[Timeline, list[Path]]:
    """Build the timeline and write the chosen formats into ``out_dir`` (atomically). Entries that
    continue those of the previous build there keep their UIDs (see continuity.py)."""
    from timeline.continuity import carry_over, load_previous
    from timeline.export import FORMATS, write_outputs

    timeline = select(build_timeline(paths, user_dates, lang, title), min_sources, top)
    previous = load_previous(out_dir)
    if previous is not None:
        timeline = timeline.model_copy(update={"entries": carry_over(
            timeline.entries, previous, _fingerprints(timeline), _fingerprints(previous))})
    written = write_outputs(timeline, out_dir, formats or FORMATS, templates_dir=templates_dir,
                            coarse=coarse, feed_url=feed_url, source_date_epoch=source_date_epoch)  # type: ignore[arg-type]
    return timeline, written
