"""Saved web pages -> the article's main text and what the page says about itself.

The main text is extracted by trafilatura (its own rules plus the jusText and readability-style
fallbacks), so navigation bars, cookie banners, "related stories", comments and footers never
reach the resolver. The text returned here *is* ``Article.text`` for the page: every offset the
outputs carry slices it. Paragraphs are separated by a blank line, line breaks inside a
paragraph (``<br>``) kept as one newline, list items and table rows one per line.

Publication date, title, URL and outlet are read, in this order of trust, from the page's
JSON-LD (schema.org ``NewsArticle``/``Article``/... ``datePublished``, ``headline``, ``url``,
``publisher``), its ``<meta>`` tags (OpenGraph, Dublin Core...; the names live in
``timeline/data/headers.toml``) and last from htmldate's reading of the markup (``<time>``
elements, the URL's /2025/03/12/ path). htmldate is given fixed date bounds, so nothing here
depends on the computer's clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DateClaim", "Page", "read_page"]

# schema.org types whose datePublished is the article's own (not a WebSite's, a BreadcrumbList's...)
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "blogposting",
    "liveblogposting", "socialmediaposting", "report", "scholarlyarticle", "techarticle", "webpage",
})
# htmldate's date bounds: fixed, so that the result never depends on today's date
_MIN_DATE, _MAX_DATE = "1900-01-01", "2199-12-31"


@dataclass(frozen=True)
class DateClaim:
    role: str  # "date" (publication) or "updated"
    value: str  # as written on the page
    where: str  # "JSON-LD datePublished", "HTML meta article:published_time", "htmldate"


@dataclass(frozen=True)
class Page:
    text: str  # the main text; "" when none was found
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    dates: list[DateClaim] = field(default_factory=list)  # most trusted first


def _config() -> Any:
    from trafilatura.settings import use_config

    cfg = use_config()
    # short articles (a wire flash, a test page) are articles too: no minimum size, no fallback to
    # the whole page because the main part looked short; no timer thread
    cfg.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    cfg.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    cfg.set("DEFAULT", "MIN_EXTRACTED_COMM_SIZE", "1")
    cfg.set("DEFAULT", "MIN_OUTPUT_COMM_SIZE", "1")
    cfg.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return cfg


def read_page(html: str, meta_fields: dict[str, str]) -> Page:
    """Main text and metadata of one HTML page. ``meta_fields`` maps lower-case ``<meta>`` names
    to a field (date, updated, title, source, url), as ``headers.toml`` [html_meta] lists them."""
    import trafilatura
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, TypeError, SyntaxError):
        return Page("")
    heads = _head_info(tree, meta_fields)
    jsonld = list(_jsonld_articles(tree))
    doc = trafilatura.bare_extraction(
        tree, config=_config(), with_metadata=True, include_comments=False, include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True,
                                "min_date": _MIN_DATE, "max_date": _MAX_DATE},
    )
    text = _body_text(doc.body) if doc is not None and doc.body is not None else ""
    dates: list[DateClaim] = []
    for obj in jsonld:
        for key, role in (("datePublished", "date"), ("dateCreated", "date"), ("dateModified", "updated")):
            if isinstance(obj.get(key), str) and obj[key].strip():
                dates.append(DateClaim(role, obj[key].strip(), f"JSON-LD {key}"))
    dates += [DateClaim(role, value, f"HTML meta {name}") for name, role, value in heads["dates"]]
    if doc is not None and doc.date:
        dates.append(DateClaim("date", doc.date, "htmldate (page markup)"))
    first = jsonld[0] if jsonld else {}
    site = heads.get("source") or _name(first.get("publisher")) or (doc.sitename if doc is not None else None)
    title = _clean(first.get("headline")) or heads.get("title") or _strip_site(heads.get("doc_title"), site) \
        or (doc.title if doc is not None else None)
    url = _url(first) or heads.get("canonical") or heads.get("url") or (doc.url if doc is not None else None)
    author = _name(first.get("author")) or (doc.author if doc is not None else None)
    return Page(text=text, title=title, url=url, source=site, author=author, dates=_first_per_role(dates))


def _first_per_role(dates: list[DateClaim]) -> list[DateClaim]:
    """The most trusted claim of each role (the page's own layers often disagree on the time zone)."""
    seen: set[str] = set()
    out = []
    for d in dates:
        if d.role not in seen:
            seen.add(d.role)
            out.append(d)
    return out


# --------------------------------------------------------------------------- the main text

_BLOCKS = frozenset({"p", "head", "quote", "code", "list", "table", "div", "item", "row"})


def _inline(el: Any) -> str:
    """Text of one block, ``<lb/>`` as a newline, white space collapsed (no-break spaces kept)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append("\n")
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    raw = "".join(parts)
    lines = [re.sub(r"[ \t\r\n\f]+", " ", ln).strip() for ln in raw.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _block_lines(el: Any) -> str:
    if el.tag == "list":
        return "\n".join(t for t in (_inline(i) for i in el if i.tag == "item") if t)
    if el.tag == "table":
        rows = []
        for row in el.iter("row"):
            cells = [_inline(c) for c in row if c.tag == "cell"]
            if any(cells):
                rows.append(" ".join(c for c in cells if c))
        return "\n".join(rows)
    return _inline(el)


def _body_text(body: Any) -> str:
    blocks = [_block_lines(el) for el in body if el.tag != "graphic"]
    if body.text and body.text.strip():
        blocks.insert(0, re.sub(r"\s+", " ", body.text).strip())
    return "\n\n".join(b for b in blocks if b)


# --------------------------------------------------------------------------- metadata


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value or None


def _name(value: Any) -> str | None:
    """A schema.org Person/Organization (or a list of them, or a plain string) -> its name."""
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        return _clean(value.get("name"))
    return _clean(value)


def _url(obj: dict[str, Any]) -> str | None:
    for key in ("url", "mainEntityOfPage"):
        v = obj.get(key)
        if isinstance(v, dict):
            v = v.get("@id") or v.get("url")
        if isinstance(v, str) and re.match(r"https?://", v.strip()):
            return v.strip()
    return None


def _strip_site(title: str | None, site: str | None) -> str | None:
    """'Headline | The Courier' -> 'Headline' when the tail names the site."""
    if not title:
        return None
    if site:
        m = re.match(rf"(.+?)\s+[|\-–—:·]\s+{re.escape(site)}\s*$", title)
        if m:
            return m[1].strip()
    return title


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    values = t if isinstance(t, list) else [t]
    return {v.strip().lower() for v in values if isinstance(v, str)}


def _walk_jsonld(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(value, list):
        for v in value:
            yield from _walk_jsonld(v, depth + 1)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _walk_jsonld(value["@graph"], depth + 1)


def _jsonld_articles(tree: Any) -> Iterator[dict[str, Any]]:
    """schema.org article objects of the page's JSON-LD blocks, articles before web pages."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except (ValueError, RecursionError):
            continue
        found += [o for o in _walk_jsonld(data) if _types(o) & ARTICLE_TYPES]
    found.sort(key=lambda o: "webpage" in _types(o) and len(_types(o)) == 1)  # a bare WebPage last
    yield from found


def _head_info(tree: Any, meta_fields: dict[str, str]) -> dict[str, Any]:
    info: dict[str, Any] = {"dates": []}
    titles = tree.xpath("//head/title")
    if titles:
        info["doc_title"] = _clean(titles[0].text_content())
    for link in tree.xpath('//link[@href]'):
        if "canonical" in (link.get("rel") or "").lower().split():
            info.setdefault("canonical", link.get("href").strip())
    for meta in tree.xpath("//meta[@content]"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        role = meta_fields.get(name)
        if not role or not content:
            continue
        if role in ("date", "updated"):
            info["dates"].append((name, role, content))
        else:
            info.setdefault(role, content)
    return info
