"""One feed item or one record -> one Article (fields already mapped: text or html, date, title, url...).

Many articles come from one file here, so each gets an id and a path of its own: the file's id and
path, ``#``, and the item's key (its id or guid, else its line: ``news.jsonl#cms-1001``,
``feed.xml#trust-challenge-84fd45a0``, ``dump.csv#L7``). The key is a property of the item alone,
so ids never depend on the rest of the batch.

``Article.text`` is the record's text as given (line ends normalised) or, for HTML, its extracted
text; every offset computed later indexes into it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from timeline.errors import InputError
from timeline.ingest.files import fingerprint, normalize_newlines
from timeline.ingest.html import first_line_is_title, fragment_text, html_article, looks_like_html
from timeline.ingest.metadata import Meta, choose_date, guess_source, read_headline
from timeline.ingest.tables import IngestTables
from timeline.models import Article, DateSource

__all__ = ["ITEM_SEPARATOR", "item_article"]

ITEM_SEPARATOR = "#"


def item_article(fields: Mapping[str, str], shown: str, article_id: str, tables: IngestTables, *,
                 date_source: DateSource, dates: Sequence[tuple[str, str, str]] = (),
                 user_date: dt.date | None = None, max_chars: int | None = None) -> Article:
    """The article of one item. ``shown``/``article_id`` are the item's own (file + ``#`` + key);
    ``dates`` are (role "date"/"updated", value as written, where: "RSS pubDate", "record field
    published"). Raises InputError (plain words) for an item without text or with an unusable date."""
    meta = Meta(tables)
    fallback = None
    text = ""
    if fields.get("text", "").strip():
        text = normalize_newlines(fields["text"]).strip("\n")
    elif fields.get("html", "").strip():
        html = fields["html"]
        if looks_like_html(html):
            text, fallback = html_article(html, shown, meta)
        else:
            text = fragment_text(html, tables)
    if not text.strip():
        raise InputError(shown, "no text (the item has no text, html, content or summary)")
    if max_chars is not None and len(text) > max_chars:
        raise InputError(shown, f"text is too long ({len(text):,} characters; the limit is {max_chars:,})")
    for name in ("title", "url", "source"):
        if fields.get(name):
            meta.note_field(name, " ".join(fields[name].split()))
    for role, value, where in dates:
        meta.note_date(role, value, date_source, where, value, None)
    if fallback is not None and not meta.claims and not meta.problems:
        meta.note_date(fallback.role, fallback.value, DateSource.HEADER, fallback.where, fallback.value, None)
    body_start = first_line_is_title(text, meta.fields.get("title")) or read_headline(text, 0, meta)
    if not text[body_start:].strip():
        body_start = 0
    date, source_kind, evidence = choose_date(meta, shown, user_date)
    return Article(
        id=article_id,
        path=shown,
        text=text,
        body_start=body_start,
        title=meta.fields.get("title"),
        source=meta.fields.get("source") or guess_source(text, body_start, tables),
        url=meta.fields.get("url"),
        date=date,
        date_source=source_kind,
        date_evidence=evidence,
        sha256=fingerprint(text),
    )
