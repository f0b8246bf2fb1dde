"""The only module that knows the order of the steps: ingest -> resolve -> events -> merge -> export.

Per-article work (``analyze_article``) is a pure function of (article, rules); the batch steps
(date inference for undated articles, merging) run over its results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from timeline.events import content_terms, extract_events, load_event_rules
from timeline.ingest import ingest
from timeline.merge import date_key, filter_entries, idf_weights, merge_events, same_happening
from timeline.models import Article, ArticleStatus, DateSource, Entry, Event, EventStatus, ManifestEntry, Mention, Timeline
from timeline.temporal import Rules, find_mentions, load_rules


@dataclass(frozen=True)
class Analysis:
    article: Article
    mentions: list[Mention]
    events: list[Event]


def analyze_article(article: Article, rules: Rules) -> Analysis:
    """Resolve the dates of one article and extract its events (pure: same input, same output)."""
    mentions = find_mentions(article.text, article.date, rules, article.body_start)
    return Analysis(article, mentions, extract_events(article, mentions, rules))


def infer_date(article: Article, dated: Sequence[Analysis], rules: Rules) -> tuple[Analysis, str] | None:
    """Date an undated article from the rest of the batch, never from the clock.

    Try each dated article's date as this article's date; keep the candidates under which the
    most of its events match events of dated articles (same day, similar words). Among those,
    take the earliest date on or after every matched event that already happened (an article
    is published after what it reports). Returns the analysis and the evidence, or None.
    """
    reference = [e for a in dated for e in a.events]
    if not reference:
        return None
    idf = idf_weights(reference)
    by_key: dict[str, list[Event]] = {}
    for e in reference:
        by_key.setdefault(date_key(e.when), []).append(e)
    scored: list[tuple[int, dt.date, Analysis, list[tuple[Event, Event]]]] = []
    for candidate in _candidate_dates(article, dated, rules):
        trial = analyze_article(article.model_copy(update={"date": candidate}), rules)
        matches = [(e, best) for e in trial.events if e.mention.anchor != "absolute"
                   and (best := _best_match(e, by_key.get(date_key(e.when), []), idf))]
        if matches:
            scored.append((len(matches), candidate, trial, matches))
    if not scored:
        return None
    top = max(s[0] for s in scored)
    best = [s for s in scored if s[0] == top]
    settled = [s for s in best if all(e.when.start <= s[1] for e, _ in s[3] if e.status == EventStatus.HAPPENED and e.when.start)]
    count, candidate, trial, matches = (settled or best)[0]
    examples = "; ".join(f"“{e.mention.text}” ({e.when.value}) matches {m.article_id}" for e, m in matches[:3])
    evidence = f"inferred {candidate.isoformat()} from {count} event(s) shared with dated articles: {examples}"
    dated_article = trial.article.model_copy(update={"date_source": DateSource.INFERRED, "date_evidence": evidence})
    return Analysis(dated_article, trial.mentions, trial.events), evidence


INFERENCE_CANDIDATES = 8  # dates tried for an undated article: those of the dated articles most like it


def _candidate_dates(article: Article, dated: Sequence[Analysis], rules: Rules) -> list[dt.date]:
    """The dates of the dated articles whose events share the most words with this article (a few only:
    each candidate costs one analysis of the article)."""
    words = set(content_terms(article.text[article.body_start:], load_event_rules(rules.lang)))
    overlap: dict[dt.date, int] = {}
    for a in dated:
        if a.article.date is None:
            continue
        shared = len(words.intersection(t for e in a.events for t in e.terms))
        overlap[a.article.date] = max(overlap.get(a.article.date, 0), shared)
    ranked = sorted(overlap, key=lambda d: (-overlap[d], d))[:INFERENCE_CANDIDATES]
    return sorted(ranked)


def _best_match(event: Event, pool: list[Event], idf: dict[str, float]) -> Event | None:
    return next((o for o in pool if same_happening(event, o, idf)), None)


def _title(analyses: Sequence[Analysis]) -> str:
    places = [p for a in analyses for e in a.events for p in e.places]
    top = max(sorted(set(places)), key=places.count) if places else None
    return f"Timeline: {top}" if top else "Timeline"


def build_timeline(paths: Sequence[Path], user_dates: Mapping[str, dt.date] | None = None, lang: str = "en",
                   title: str | None = None) -> Timeline:
    """Read the inputs and build the whole timeline (no files written)."""
    rules = load_rules(lang)
    articles, manifest = ingest(paths, user_dates or {})
    analyses = [analyze_article(a, rules) for a in articles if a.date is not None]
    inferred: dict[str, str] = {}
    for article in (a for a in articles if a.date is None):
        result = infer_date(article, [x for x in analyses if x.article.date_source != DateSource.INFERRED], rules)
        if result:
            analyses.append(result[0])
            inferred[article.id] = result[1]
        else:
            analyses.append(analyze_article(article, rules))  # absolute dates still count
    analyses.sort(key=lambda a: a.article.id)
    by_id = {a.article.id: a.article for a in analyses}
    entries = merge_events([e for a in analyses for e in a.events], by_id)
    return Timeline(
        title=title or _title(analyses),
        **_period(entries),
        entries=entries,
        manifest=[_update_manifest(m, by_id, inferred) for m in manifest],
    )


def _period(entries: Sequence[Entry]) -> dict[str, dt.date | None]:
    """First and last day the entries cover."""
    starts = [e.when.start for e in entries if e.when.start]
    ends = [e.when.end for e in entries if e.when.end]
    return {"period_start": min(starts) if starts else None,
            "period_end": (max(ends) - dt.timedelta(days=1)) if ends else None}


def _update_manifest(entry: ManifestEntry, by_id: Mapping[str, Article], inferred: Mapping[str, str]) -> ManifestEntry:
    if entry.article_id in by_id and entry.sha256 is None:
        entry = entry.model_copy(update={"sha256": by_id[entry.article_id].sha256 or None})
    if entry.article_id in inferred:
        article = by_id[entry.article_id]
        return entry.model_copy(update={
            "status": ArticleStatus.USED, "date": article.date, "date_source": DateSource.INFERRED,
            "date_evidence": inferred[entry.article_id],
        })
    return entry


def _fingerprints(timeline: Timeline) -> dict[str, str]:
    """article id -> text fingerprint, from the manifest (ids may differ between builds, texts do not)."""
    return {m.article_id: m.sha256 for m in timeline.manifest if m.article_id and m.sha256}


def build(paths: Sequence[Path], out_dir: Path, formats: Iterable[str] | None = None,
          user_dates: Mapping[str, dt.date] | None = None, templates_dir: Path | None = None,
          lang: str = "en", title: str | None = None, *, min_sources: int = 1, top: int | None = None,
          coarse: str = "span", feed_url: str | None = None) -> tuple[Timeline, list[Path]]:
    """Build the timeline and write the chosen formats into ``out_dir`` (atomically)."""
    from timeline.continuity import carry_over, load_previous
    from timeline.export import FORMATS, write_outputs

    timeline = select(build_timeline(paths, user_dates, lang, title), min_sources, top)
    previous = load_previous(out_dir)
    if previous is not None:
        timeline = timeline.model_copy(update={"entries": carry_over(
            timeline.entries, previous, _fingerprints(timeline), _fingerprints(previous))})
    written = write_outputs(timeline, out_dir, formats or FORMATS, templates_dir=templates_dir,
                            coarse=coarse, feed_url=feed_url)  # type: ignore[arg-type]
    return timeline, written


def select(timeline: Timeline, min_sources: int = 1, top: int | None = None) -> Timeline:
    """The timeline with only entries told by ``min_sources`` articles, and the ``top`` most salient."""
    if min_sources <= 1 and top is None:
        return timeline
    entries = filter_entries(timeline.entries, min_sources, top)
    return timeline.model_copy(update={"entries": entries, **_period(entries)})
