"""A batch: every input accounted for in the manifest (used, undated, duplicate of which, skipped and
why), article ids from each article's own path, exact duplicates counted once, --date matched to files."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from timeline.errors import InputError, UserError
from timeline.ingest.article import read_article
from timeline.ingest.files import DEFAULT_MAX_BYTES, collect_paths, path_order, shown_path, skipped_entry
from timeline.ingest.tables import load_tables
from timeline.models import Article, ArticleStatus, ManifestEntry


def _match_user_dates(user_dates: Mapping[str, dt.date], candidates: Sequence[Path]) -> dict[str, dt.date]:
    """Map each ``--date KEY=DATE`` to the input it names (file name, stem, or path as typed)."""
    found: dict[str, dt.date] = {}
    for key, value in user_dates.items():
        key_path = Path(key)
        exact = [p for p in candidates if os.path.normpath(p) == os.path.normpath(key_path)]
        if not exact:  # the same file typed differently (absolute vs relative)
            exact = [p for p in candidates if os.path.abspath(p) == os.path.abspath(key_path)]
        if not exact and len(key_path.parts) == 1:
            exact = [p for p in candidates if p.name == key] or [p for p in candidates if p.stem == key]
        if not exact:
            raise UserError(f"--date {key}={value.isoformat()}: no input file is called {key!r}")
        if len(exact) > 1:
            names = ", ".join(shown_path(p) for p in exact)
            raise UserError(f"--date {key}={value.isoformat()}: {key!r} names {len(exact)} files ({names}); give the path instead")
        target = shown_path(exact[0])
        if target in found and found[target] != value:
            raise UserError(f"--date gives {target} two dates: {found[target].isoformat()} and {value.isoformat()}")
        found[target] = value
    return found


def article_id(path: Path, roots: Sequence[Path]) -> str:
    """An article's id from its own path: relative to the input root that holds it (the first folder
    given that does; a file given by name is its own root), without the extension, "/"-separated.
    It never depends on which other files the batch holds."""
    for root in roots:
        if path == root:
            break
        if path.parts[:len(root.parts)] == root.parts and len(path.parts) > len(root.parts):
            rel = Path(*path.parts[len(root.parts):])
            return rel.with_suffix("").as_posix() if rel.suffix else rel.as_posix()
    return path.stem or path.name


def _disambiguate(articles: list[Article]) -> list[Article]:
    """Two input folders holding the same relative path would give two articles one id: those get
    the start of their text's fingerprint after the id (still a property of each article alone)."""
    counts = Counter(a.id for a in articles)
    return [a.model_copy(update={"id": f"{a.id}@{a.sha256[:8]}"}) if counts[a.id] > 1 else a for a in articles]


def iter_ingest(
    paths: Sequence[Path], user_dates: Mapping[str, dt.date] | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[ManifestEntry], Iterator[tuple[ManifestEntry, Article | None]], int]:
    """The batch one article at a time: the inputs that could not be walked (skipped manifest entries),
    a generator of (manifest entry, article) in path order, the article None unless it is used
    (the first of a duplicate set, dated or not), and how many files it will read. Only one
    article's text is held at a time.

    Raises UserError (before anything is read) only for a ``--date`` key that names no input or several.
    """
    tables = load_tables()
    files, skipped = collect_paths(paths, tables)
    targets = _match_user_dates(user_dates or {}, [*files, *(Path(m.path) for m in skipped)])
    roots = [Path(p) for p in paths]
    ids = [article_id(path, roots) for path in files]
    shared = {i for i, n in Counter(ids).items() if n > 1}

    def articles() -> Iterator[tuple[ManifestEntry, Article | None]]:
        first_by_hash: dict[str, str] = {}
        for path, given_id in zip(files, ids):
            shown = shown_path(path)
            try:
                article = read_article(path, targets.get(shown), max_bytes, tables, given_id)
            except InputError as exc:
                yield skipped_entry(path, str(exc)), None
                continue
            if given_id in shared:
                article = _disambiguate([article, article])[0]
            common = dict(path=shown, article_id=article.id, date=article.date, date_source=article.date_source,
                          date_evidence=article.date_evidence)
            if article.sha256 in first_by_hash:
                yield ManifestEntry(status=ArticleStatus.DUPLICATE, duplicate_of=first_by_hash[article.sha256], **common), None
                continue
            first_by_hash[article.sha256] = article.id
            status = ArticleStatus.USED if article.date else ArticleStatus.UNDATED
            yield ManifestEntry(status=status, **common), article

    return list(skipped), articles(), len(files)


def ingest(
    paths: Sequence[Path], user_dates: Mapping[str, dt.date] | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Article], list[ManifestEntry]]:
    """Read every input: returns the usable articles (first of each duplicate set) and a manifest
    with one entry per input, sorted by path: used, undated, duplicate (of which id) or skipped (why).

    Raises UserError only for a ``--date`` key that names no input or several.
    """
    manifest, stream, _ = iter_ingest(paths, user_dates, max_bytes)
    articles: list[Article] = []
    for entry, article in stream:
        manifest.append(entry)
        if article is not None:
            articles.append(article)
    manifest.sort(key=lambda m: path_order(m.path))
    return articles, manifest
