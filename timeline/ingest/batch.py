"""A batch: every input accounted for in the manifest (used, undated, duplicate of which, skipped and
why), article ids from each article's own path, exact duplicates counted once, --date matched to files."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from timeline.errors import InputError, UserError
from timeline.ingest import fetch
from timeline.ingest.article import read_article
from timeline.ingest.feeds import looks_like_feed, parse_feed, record_key
from timeline.ingest.files import (
    DEFAULT_MAX_BYTES,
    collect_paths,
    decode,
    normalize_newlines,
    path_order,
    read_bytes,
    shown_path,
    stat_problem,
)
from timeline.ingest.html import html_article, looks_like_html
from timeline.ingest.items import ITEM_SEPARATOR, item_article
from timeline.ingest.records import NO_TEXT_COLUMN, iter_records, map_fields, record_suffix
from timeline.ingest.tables import IngestTables, load_tables
from timeline.models import Article, ArticleStatus, DateSource, ManifestEntry


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


INNER_SUFFIXES = (".jsonl", ".ndjson")  # left on a gzip record file's id by article_id


def _natural(text: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text))


def manifest_order(path: str) -> tuple:
    """Inputs by path; the items of one feed or record file in their natural order (#L2 before #L10)."""
    base, sep, key = path.partition(ITEM_SEPARATOR) if not fetch.is_url(path) else (path, "", "")
    # nested, so a path's parts are never compared with an item key ("in/#.txt" beside "in/a.txt")
    return (tuple(path_order(base)), _natural(key) if sep else ())


def url_id(url: str) -> str:
    """The id of a fetched feed or page: its host and path, without the extension."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    return (parts.netloc + stem).strip("/") or parts.netloc


def _sniff(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(4096)
    except OSError:
        return b""  # read_article reports it


class _Batch:
    """The articles and manifest entries of one ingest, filled input by input."""

    def __init__(self, tables: IngestTables, max_bytes: int, fetch_pages: bool) -> None:
        self.tables, self.max_bytes, self.fetch_pages = tables, max_bytes, fetch_pages
        self.read: list[tuple[str, Article]] = []  # (shown path, article)
        self.manifest: list[ManifestEntry] = []
        self.notes: dict[str, str] = {}  # shown path -> what a used item's manifest entry should say

    def skip(self, shown: str, reason: str) -> None:
        self.manifest.append(ManifestEntry(path=shown, status=ArticleStatus.SKIPPED, reason=reason))

    def item(self, fields: dict[str, str], shown: str, aid: str, *, date_source: DateSource,
             dates: list[tuple[str, str, str]], user_date: dt.date | None, note: str | None = None) -> None:
        try:
            article = item_article(fields, shown, aid, self.tables, date_source=date_source, dates=dates,
                                   user_date=user_date, max_chars=self.max_bytes)
        except InputError as exc:
            self.skip(shown, "; ".join(x for x in (str(exc), note) if x))
            return
        self.read.append((shown, article))
        if note:
            self.notes[shown] = note

    def records(self, path: Path, shown: str, file_id: str, user_date: dt.date | None, *,
                found_in_folder: bool = False) -> Iterator[None]:
        """The records of one file. A .csv found inside a folder whose header names no text column, or
        that holds no rows, is not a record file (a folder's other tables): it is left out silently,
        as a .py file would be. A generator: it pauses after each record (a streaming batch takes
        each article as it comes; a big record file is never held whole)."""
        used: dict[str, int] = {}
        count = 0
        try:
            for rec in iter_records(path, self.tables.record_field):
                if count == 0 and found_in_folder and rec.problem and rec.problem.startswith(NO_TEXT_COLUMN):
                    return
                count += 1
                key = record_key(rec.fields.get("id")) or f"L{rec.line}"
                used[key] = used.get(key, 0) + 1
                if used[key] > 1:
                    key = f"{key}-{used[key]}"
                item_shown, aid = f"{shown}{ITEM_SEPARATOR}{key}", f"{file_id}{ITEM_SEPARATOR}{key}"
                if rec.problem:
                    self.skip(f"{shown}{ITEM_SEPARATOR}L{rec.line}", rec.problem)
                    continue
                dates = [(role, rec.fields[role], f"record field {role}") for role in ("date", "updated") if rec.fields.get(role)]
                self.item(rec.fields, item_shown, aid, date_source=DateSource.RECORD, dates=dates, user_date=user_date)
                yield
        except OSError as exc:
            self.skip(shown, f"cannot read file: {stat_problem(exc, path)}")
            return
        if count == 0 and not (found_in_folder and record_suffix(path) == ".csv"):
            self.skip(shown, "no records in the file")

    def feed(self, raw: bytes, shown: str, file_id: str, user_date: dt.date | None, base_url: str | None = None) -> None:
        try:
            _, items = parse_feed(raw, self.tables, base_url)
            entries = list(items)
        except ValueError as exc:
            self.skip(shown, str(exc))
            return
        if not entries:
            self.skip(shown, "the feed has no items")
            return
        pages: dict[str, fetch.Fetched] = {}
        if self.fetch_pages:
            links = list(dict.fromkeys(i.link for i in entries if i.link))
            pages = {f.url: f for f in fetch.fetch_all(links, self.max_bytes)}
        for it in entries:
            item_shown, aid = f"{shown}{ITEM_SEPARATOR}{it.key}", f"{file_id}{ITEM_SEPARATOR}{it.key}"
            fields = {"text": it.text, "title": it.title or "", "url": it.link or "", "source": it.feed_title or ""}
            dates = [("date", *it.date)] if it.date else []
            dates += [("updated", *it.updated)] if it.updated else []
            note = None
            got = pages.get(it.link or "")
            if got is not None and got.error:
                note = f"linked page {it.link} not fetched ({got.error}); the feed's own text is used"
            elif got is not None:
                page = _page_text(got, self.tables)
                if page:
                    fields = {**fields, "text": page}
                else:
                    note = f"linked page {it.link} has no article text; the feed's own text is used"
            self.item(fields, item_shown, aid, date_source=DateSource.FEED, dates=dates, user_date=user_date, note=note)


def _page_text(got: fetch.Fetched, tables: IngestTables) -> str:
    """The main text of a downloaded page (empty if it is not HTML or has none)."""
    from timeline.ingest.metadata import Meta

    try:
        text, _ = decode(got.content, got.url, tables)
    except InputError:
        return ""
    text = normalize_newlines(text)
    if not looks_like_html(text) and "html" not in got.content_type:
        return ""
    try:
        main, _ = html_article(text, got.url, Meta(tables))
    except InputError:
        return ""
    return main


def _read_inputs(paths: Sequence[Path | str], user_dates: Mapping[str, dt.date] | None, max_bytes: int,
                 fetch_pages: bool) -> tuple[_Batch, Iterator[None], list[str]]:
    """The batch, a generator that reads the inputs into it and pauses after each file or item, and
    the ids the inputs' own names give (before any is read). Raises UserError (nothing read yet) for a
    ``--date`` key that names no input or several."""
    tables = load_tables()
    urls = [str(p) for p in paths if isinstance(p, str) and fetch.is_url(p)]
    local = [Path(p) for p in paths if not (isinstance(p, str) and fetch.is_url(p))]
    files, skipped = collect_paths(local, tables)
    targets = _match_user_dates(user_dates or {}, [*files, *(Path(m.path) for m in skipped)])
    roots = [Path(p) for p in local]
    batch = _Batch(tables, max_bytes, fetch_pages)
    batch.manifest.extend(skipped)

    def file_id_of(path: Path) -> str:
        file_id = article_id(path, roots)
        if record_suffix(path):
            inner = next((s for s in INNER_SUFFIXES if file_id.lower().endswith(s)), "")
            file_id = file_id[: len(file_id) - len(inner)] or file_id  # news.jsonl.gz -> news
        return file_id

    def read() -> Iterator[None]:
        for path in files:
            shown = shown_path(path)
            file_id = file_id_of(path)
            if record_suffix(path):
                yield from batch.records(path, shown, file_id, targets.get(shown), found_in_folder=path not in roots)
                continue
            if looks_like_feed(_sniff(path)):
                try:
                    raw = read_bytes(path, shown, max_bytes)
                except InputError as exc:
                    batch.skip(shown, str(exc))
                    continue
                batch.feed(raw, shown, file_id, targets.get(shown))
                yield
                continue
            try:
                batch.read.append((shown, read_article(path, targets.get(shown), max_bytes, tables, file_id)))
            except InputError as exc:
                batch.skip(shown, str(exc))
            yield
        for got in fetch.fetch_all(urls, max_bytes) if urls else ():
            if got.error:
                batch.skip(got.url, got.error)
            elif looks_like_feed(got.content[:4096]):
                batch.feed(got.content, got.url, url_id(got.url), None, base_url=got.final_url)
            else:
                page = _page_article(got, tables)
                if isinstance(page, str):
                    batch.skip(got.url, page)
                else:
                    batch.read.append((got.url, page))
            yield

    return batch, read(), [file_id_of(p) for p in files] + [url_id(u) for u in urls]


def ingest(
    paths: Sequence[Path | str], user_dates: Mapping[str, dt.date] | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
    *, fetch_pages: bool = False,
) -> tuple[list[Article], list[ManifestEntry]]:
    """Read every input: returns the usable articles (first of each duplicate set) and a manifest
    with one entry per input, sorted by path: used, undated, duplicate (of which id) or skipped (why).

    Inputs are files, folders, and http(s) URLs of feeds or pages (given as strings). A feed or a
    record file gives one article, and one manifest entry, per item (``path#key``). With
    ``fetch_pages`` the page each feed item links to is downloaded and its main text used.
    Raises UserError only for a ``--date`` key that names no input or several.
    """
    batch, reading, _ = _read_inputs(paths, user_dates, max_bytes, fetch_pages)
    for _ in reading:
        pass
    return _finish(batch)


def iter_ingest(
    paths: Sequence[Path | str], user_dates: Mapping[str, dt.date] | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
    *, fetch_pages: bool = False,
) -> tuple[list[ManifestEntry], Iterator[tuple[ManifestEntry, Article | None]], int]:
    """``ingest`` one article at a time: the inputs that could not be walked (skipped manifest entries),
    a generator of (manifest entry, article) in reading order, the article None unless it is used (the
    first of a duplicate set, dated or not), and how many files and URLs it will read. Only the article
    being read is held (and, for a feed, its items). Ids shared by two inputs get the text's
    fingerprint, as in ``ingest`` (decided from the inputs' names, before reading).
    """
    batch, reading, ids = _read_inputs(paths, user_dates, max_bytes, fetch_pages)
    shared = {i for i, n in Counter(ids).items() if n > 1}
    walked = list(batch.manifest)
    batch.manifest.clear()

    first_by_hash: dict[str, str] = {}

    def drain() -> Iterator[tuple[ManifestEntry, Article | None]]:
        for entry in batch.manifest:
            yield entry, None
        batch.manifest.clear()
        for shown, article in batch.read:
            if article.id.split(ITEM_SEPARATOR, 1)[0] in shared:
                article = _disambiguate([article, article])[0]
            common = dict(path=shown, article_id=article.id, date=article.date, date_source=article.date_source,
                          date_evidence=article.date_evidence, reason=batch.notes.pop(shown, None))
            if article.sha256 in first_by_hash:
                yield ManifestEntry(status=ArticleStatus.DUPLICATE, duplicate_of=first_by_hash[article.sha256], **common), None
                continue
            first_by_hash[article.sha256] = article.id
            status = ArticleStatus.USED if article.date else ArticleStatus.UNDATED
            yield ManifestEntry(status=status, **common), article
        batch.read.clear()

    def stream() -> Iterator[tuple[ManifestEntry, Article | None]]:
        for _ in reading:
            yield from drain()
        yield from drain()  # what the last input added after its last pause

    return walked, stream(), len(ids)


def _finish(batch: _Batch) -> tuple[list[Article], list[ManifestEntry]]:
    """Exact duplicates counted once; one manifest entry per input, in path order."""
    articles: list[Article] = []
    manifest = batch.manifest
    first_by_hash: dict[str, str] = {}
    for (shown, _), article in zip(batch.read, _disambiguate([a for _, a in batch.read])):
        common = dict(
            path=shown,
            article_id=article.id,
            date=article.date,
            date_source=article.date_source,
            date_evidence=article.date_evidence,
            reason=batch.notes.get(shown),
        )
        if article.sha256 in first_by_hash:
            manifest.append(ManifestEntry(status=ArticleStatus.DUPLICATE, duplicate_of=first_by_hash[article.sha256], **common))
            continue
        first_by_hash[article.sha256] = article.id
        articles.append(article)
        status = ArticleStatus.USED if article.date else ArticleStatus.UNDATED
        manifest.append(ManifestEntry(status=status, **common))
    manifest.sort(key=lambda m: manifest_order(m.path))
    return articles, manifest


def _page_article(got: fetch.Fetched, tables: IngestTables) -> Article | str:
    """A downloaded web page as an article, or why it is not one."""
    try:
        text, _ = decode(got.content, got.url, tables)
    except InputError as exc:
        return str(exc).removeprefix(f"{got.url}: ")
    if not looks_like_html(normalize_newlines(text)) and "html" not in got.content_type:
        return f"neither an RSS/Atom feed nor a web page (content type {got.content_type or 'not given'})"
    try:
        article = item_article({"html": text, "url": got.final_url or got.url}, got.url, url_id(got.url), tables,
                               date_source=DateSource.HEADER)
    except InputError as exc:
        return str(exc).removeprefix(f"{got.url}: ")
    return article


def ingest_records(records: Iterable[Mapping[str, Any]], max_bytes: int = DEFAULT_MAX_BYTES,
                   name: str = "records") -> tuple[list[Article], list[ManifestEntry]]:
    """In-memory records (the Python API: ``{"text", "date", "title", "url", ...}``) as articles,
    mapped like the fields of a record file. Each is ``records#<id>``: its ``id`` when it has one,
    else a hash of its text (never its position, so ids do not depend on the rest of the list)."""
    tables = load_tables()
    batch = _Batch(tables, max_bytes, fetch_pages=False)
    used: dict[str, int] = {}
    for rec in records:
        fields = map_fields(rec, tables.record_field)
        body = fields.get("text") or fields.get("html") or ""
        key = record_key(fields.get("id")) or "r" + hashlib.sha1(body.encode("utf-8")).hexdigest()[:10]
        used[key] = used.get(key, 0) + 1
        if used[key] > 1:
            key = f"{key}-{used[key]}"
        dates = [(role, fields[role], f"record field {role}") for role in ("date", "updated") if fields.get(role)]
        batch.item(fields, f"{name}{ITEM_SEPARATOR}{key}", f"{name}{ITEM_SEPARATOR}{key}",
                   date_source=DateSource.RECORD, dates=dates, user_date=None)
    return _finish(batch)


def folder_extensions() -> list[str]:
    """The file name endings read inside folders, as data/file_types.toml lists them."""
    return sorted(load_tables().folder_extensions, key=lambda e: (e.count("."), e))
