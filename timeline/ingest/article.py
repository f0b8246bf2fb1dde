"""One file -> one Article: bytes, text, front matter or header lines (or an HTML page), its date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from timeline.errors import InputError
from timeline.ingest.files import DEFAULT_MAX_BYTES, check_controls, decode, fingerprint, normalize_newlines, read_bytes, shown_path
from timeline.ingest.html import html_article, looks_like_html
from timeline.ingest.metadata import Meta, choose_date, guess_source, read_front_matter, read_header_lines, read_headline
from timeline.models import DateSource
from timeline.ingest.tables import IngestTables, load_tables
from timeline.models import Article


def read_article(path: Path, user_date: dt.date | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 tables: IngestTables | None = None, article_id: str | None = None) -> Article:
    """Read one article file. Raises InputError (path, plain-words problem, line) if it cannot be used.

    Impossible, ambiguous or relative *publication* date headers, and two different ones, raise
    InputError (line and value named) unless ``user_date`` is given, which overrides any header.
    ``article_id``: the id to give it (``ingest`` derives it from the path under its input root);
    by default the file name without its extension.
    """
    path = Path(path)
    tables = tables or load_tables()
    shown = shown_path(path)
    raw = read_bytes(path, shown, max_bytes)
    text, encoding = decode(raw, shown, tables)
    text = normalize_newlines(text)
    if not text.strip():
        raise InputError(shown, "file has no text (only blank space)")
    check_controls(text, shown)
    meta = Meta(tables)
    fallback = None
    if looks_like_html(text):
        text, fallback = html_article(text, shown, meta)
        after_front = 0
    else:
        after_front = read_front_matter(text, shown, meta)
    after_headline = read_headline(text, after_front, meta)
    body_start = read_header_lines(text, after_headline, meta)
    if after_headline == after_front and body_start > after_front:
        body_start = read_headline(text, body_start, meta)  # "Date: ...", then the headline
    if not text[body_start:].strip():
        raise InputError(shown, "no article text after the header")
    if fallback is not None and not meta.claims and not meta.problems:
        meta.note_date(fallback.role, fallback.value, DateSource.HEADER, fallback.where, fallback.value, None)
    date, date_source, evidence = choose_date(meta, shown, user_date)
    source = meta.fields.get("source") or guess_source(text, body_start, tables)
    return Article(
        id=article_id or path.stem or path.name,
        path=shown,
        text=text,
        body_start=body_start,
        title=meta.fields.get("title"),
        source=source,
        url=meta.fields.get("url"),
        date=date,
        date_source=date_source,
        date_evidence=evidence,
        sha256=fingerprint(text),
        encoding=encoding,
    )
