"""RSS and Atom feeds -> one item per article: its own date, title, link, and text.

feedparser reads RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 (and their sloppy variants), sanitizes the
item HTML, and keeps each date as written. The text of an item is its full content
(``content:encoded``, Atom ``<content>``) when there is one, else its summary/description,
turned into plain text with paragraphs. With ``--fetch`` the linked page is downloaded and its
main text used instead (``ingest/fetch.py``).

An item's key (the part of its article id after ``#``) comes from the item itself, never from its
position, so the same item keeps its id while a rolling feed gains and loses items: the guid
when it is a short plain token, else a slug of the guid or link plus a short hash of it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from timeline.ingest.html import fragment_text
from timeline.ingest.tables import IngestTables

__all__ = ["FeedItem", "looks_like_feed", "parse_feed", "record_key"]

_FEED_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(rss|feed|RDF)[\s>]")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class FeedItem:
    key: str
    position: int  # 1-based, for messages only
    title: str | None
    link: str | None
    text: str
    date: tuple[str, str] | None  # (value as written, where: "RSS pubDate" / "Atom published")
    updated: tuple[str, str] | None
    author: str | None
    feed_title: str | None


def looks_like_feed(raw: bytes) -> bool:
    """An XML document whose root element is <rss>, <feed> (Atom) or <rdf:RDF> (RSS 1.0)."""
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S).lstrip()
    return _FEED_ROOT.match(body) is not None


def record_key(value: str | None) -> str | None:
    """A stable, readable key from an id, guid or URL: the value itself when it is a short plain
    token, else a slug of its last part and 8 hex digits of its SHA-1 (so keys never collide by
    accident and never depend on the rest of the batch)."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    if _PLAIN_KEY.fullmatch(value):
        return value
    path = urlsplit(value).path if re.match(r"[a-z][a-z0-9+.-]*://", value, re.I) else value
    tail = [p for p in re.split(r"[/:,?#=&]", path) if p]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", tail[-1] if tail else "").strip("-")[:40].strip("-").lower()
    digest = hashlib.sha1(value.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else digest


def _date(entry: Any, key: str) -> str | None:
    v = dict.get(entry, key)  # the raw key: FeedParserDict.get("updated") falls back to "published" (and warns)
    return v.strip() if isinstance(v, str) and v.strip() else None


def _item_text(entry: Any, tables: IngestTables) -> str:
    contents = [c for c in entry.get("content", []) if isinstance(c.get("value"), str) and c["value"].strip()]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        return _to_text(best["value"], best.get("type", "text/html"), tables)
    summary = entry.get("summary")
    if isinstance(summary, str) and summary.strip():
        detail = entry.get("summary_detail") or {}
        return _to_text(summary, detail.get("type", "text/html"), tables)
    return ""


def _to_text(value: str, mime: str, tables: IngestTables) -> str:
    if "html" in mime or re.search(r"<[a-zA-Z/][^>]*>|&[#\w]+;", value):
        return fragment_text(value, tables)
    return re.sub(r"[ \t]+", " ", value).strip()


def parse_feed(raw: bytes, tables: IngestTables, base_url: str | None = None) -> tuple[str | None, Iterator[FeedItem]]:
    """(feed title, items) of a feed document. Raises ValueError when it is not a readable feed."""
    import feedparser

    parsed = feedparser.parse(raw, response_headers={"content-location": base_url} if base_url else None,
                              sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise ValueError(f"not a readable RSS or Atom feed ({problem})" if problem else "not an RSS or Atom feed")
    is_rss = str(parsed.get("version", "")).startswith("rss")
    feed_title = (parsed.feed.get("title") or "").strip() or None

    def items() -> Iterator[FeedItem]:
        used: dict[str, int] = {}
        for pos, entry in enumerate(parsed.entries, 1):
            key = record_key(entry.get("id")) or record_key(entry.get("link")) or f"item{pos}"
            used[key] = used.get(key, 0) + 1
            if used[key] > 1:  # the same guid twice in one feed: keep both, apart
                key = f"{key}-{used[key]}"
            published, updated = _date(entry, "published"), _date(entry, "updated")
            label = "RSS pubDate" if is_rss else "Atom published"
            yield FeedItem(
                key=key, position=pos,
                title=re.sub(r"\s+", " ", fragment_text(entry["title"], tables) if entry.get("title") else "").strip() or None,
                link=(entry.get("link") or "").strip() or None,
                text=_item_text(entry, tables),
                date=(published, label) if published else None,
                updated=(updated, "RSS updated" if is_rss else "Atom updated") if updated else None,
                author=(entry.get("author") or "").strip() or None,
                feed_title=feed_title,
            )

    return feed_title, items()
