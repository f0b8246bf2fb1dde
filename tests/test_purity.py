"""Per-article steps are pure in fact: an article analysed alone, inside its batch, inside a bigger batch,
twice in a row or with freshly loaded resources gives the same events, ids included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from timeline.ingest import ingest, read_article
from timeline.pipeline import analyze_article, analyze_batch
from timeline.resources import Resources, load_resources

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
DATED = "002_1999b99329e369cf"  # carries " date 2025-05-08"


@pytest.fixture(scope="module")
def resources() -> Resources:
    return load_resources("en")


def _events(analysis) -> list[dict]:
    return [e.model_dump() for e in analysis.events]


def test_an_article_alone_and_in_its_batch_gives_the_same_events(resources: Resources) -> None:
    alone = analyze_article(read_article(SEEDS / f"{DATED}.txt"), resources)
    articles, _ = ingest([SEEDS])
    in_batch = next(a for a in analyze_batch(articles, resources) if a.article.id == DATED)
    assert alone.events and _events(alone) == _events(in_batch)
    assert {e.article_id for e in alone.events} == {DATED}


def test_more_files_beside_it_change_nothing(resources: Resources, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(SEEDS, folder)
    (folder / "zz_other.txt").write_text(" date 2025-05-08 Paris hosted an unrelated summit on Thursday.\n", encoding="utf-8")
    (folder / "00").mkdir()  # sorts before the seeds: an id given in path order would move to this file
    (folder / "00" / f"{DATED}.txt").write_text(" date 2024-01-02 A different text under the same file name.\n",
                                                 encoding="utf-8")
    small, _ = ingest([SEEDS])
    big, _ = ingest([folder])
    assert {a.id for a in small} <= {a.id for a in big}  # ids do not depend on the other files
    one = next(a for a in analyze_batch(small, resources) if a.article.id == DATED)
    other = next(a for a in analyze_batch(big, resources) if a.article.id == DATED)
    assert one.events and _events(one) == _events(other)


def test_repeated_and_fresh_resources_give_the_same_result(resources: Resources) -> None:
    article = read_article(SEEDS / f"{DATED}.txt")
    first = analyze_article(article, resources)
    again = analyze_article(article, resources)
    fresh = analyze_article(article, load_resources("en"))
    assert first == again == fresh
