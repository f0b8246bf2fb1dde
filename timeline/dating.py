"""Dates for undated articles, inferred from the dated articles of the batch (never from the clock).

A batch step: it reads the analyses of the dated articles and re-runs the per-article steps on the
undated one under each candidate date (``analyze`` is passed in, so this module knows no step order).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from timeline.events import EventRules, content_terms
from timeline.merge import date_key, idf_weights, same_happening
from timeline.models import Analysis, Article, Confidence, DateSource, Event, EventStatus

INFERENCE_CANDIDATES = 8  # dates tried for an undated article: those of the dated articles most like it


def infer_date(article: Article, dated: Sequence[Analysis], analyze: Callable[[Article], Analysis],
               words: EventRules) -> tuple[Analysis, str] | None:
    """Date an undated article from the rest of the batch.

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
    for candidate in _candidate_dates(article, dated, words):
        trial = analyze(article.model_copy(update={"date": candidate}))
        # an event dated by the candidate itself (the lead event, when no phrase dates it) is no evidence
        matches = [(e, best) for e in trial.events if e.mention.anchor != "absolute"
                   and e.dated_by != Confidence.PUBLICATION_DEFAULT
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
    events = [e.model_copy(update={"dated_by": Confidence.INFERRED})
              if e.dated_by in (Confidence.PUBLICATION, Confidence.PUBLICATION_DEFAULT) else e for e in trial.events]
    return Analysis(article=dated_article, mentions=trial.mentions, events=events), evidence


def _candidate_dates(article: Article, dated: Sequence[Analysis], words: EventRules) -> list[dt.date]:
    """The dates of the dated articles whose events share the most words with this article (a few only:
    each candidate costs one analysis of the article)."""
    terms = set(content_terms(article.text[article.body_start:], words))
    overlap: dict[dt.date, int] = {}
    for a in dated:
        if a.article.date is None:
            continue
        shared = len(terms.intersection(t for e in a.events for t in e.terms))
        overlap[a.article.date] = max(overlap.get(a.article.date, 0), shared)
    ranked = sorted(overlap, key=lambda d: (-overlap[d], d))[:INFERENCE_CANDIDATES]
    return sorted(ranked)


def _best_match(event: Event, pool: list[Event], idf: dict[str, float]) -> Event | None:
    return next((o for o in pool if same_happening(event, o, idf)), None)
