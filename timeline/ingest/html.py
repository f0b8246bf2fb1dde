"""HTML pages: their main text (trafilatura, see webpage.py) with the date, title and URL they state
about themselves; the stdlib visible-text parser for fragments and for pages with no main text found."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from timeline.errors import InputError
from timeline.ingest.metadata import Meta
from timeline.ingest.tables import IngestTables
from timeline.ingest.webpage import DateClaim, read_page
from timeline.models import DateSource


class VisibleText(HTMLParser):
    """Visible text of an HTML page (stdlib parser), plus <title>, <meta> and canonical link."""

    def __init__(self, tables: IngestTables) -> None:
        super().__init__(convert_charrefs=True)
        self.t = tables
        self.parts: list[str] = []
        self.hidden: list[str] = []
        self.pre = 0
        self.in_title = False
        self.title: list[str] = []
        self.metas: list[tuple[str, str]] = []  # (name, content) in document order
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "body":
            self.hidden = [h for h in self.hidden if h != "head"]
        if tag == "meta":
            name = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            if name and a.get("content", "").strip():
                self.metas.append((name, a["content"].strip()))
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            self.canonical = self.canonical or a["href"].strip()
        elif tag == "title":
            self.in_title = True
        if tag in self.t.html_hidden and tag not in ("meta", "link"):
            self.hidden.append(tag)
        self._block(tag)
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in self.t.html_hidden:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self.hidden:
            while self.hidden and self.hidden.pop() != tag:
                pass
        if tag == "pre" and self.pre:
            self.pre -= 1
        self._block(tag)

    def _block(self, tag: str) -> None:
        if tag in self.t.html_paragraph:
            self.parts.append("\n\n")
        elif tag in self.t.html_line:
            self.parts.append("\n")
        elif tag in self.t.html_cell:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.hidden:
            return
        self.parts.append(data if self.pre else re.sub(r"[ \t\n\f]+", " ", data))  # HTML white space; keeps &nbsp;

    def text(self) -> str:
        raw = "".join(self.parts)
        raw = re.sub(r"[ \t]*\n[ \t]*", "\n", raw)
        return re.sub(r"\n{3,}", "\n\n", raw).strip()


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:20].lower()
    return head.startswith("<!doctype html") or re.match(r"<html[\s>]", head) is not None


def fragment_text(fragment: str, tables: IngestTables) -> str:
    """Visible text of an HTML fragment that is all article (a feed item's content, a record's
    ``html`` without page furniture): blocks as paragraphs, ``<br>`` and list items as lines."""
    parser = VisibleText(tables)
    try:
        parser.feed(fragment)
        parser.close()
    except (AssertionError, ValueError):
        return ""
    return parser.text()


def _visible(text: str, shown: str, tables: IngestTables) -> VisibleText:
    parser = VisibleText(tables)
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # very old Pythons asserted on bad markup
        raise InputError(shown, f"cannot read the HTML: {exc}") from None
    return parser


def html_article(text: str, shown: str, meta: Meta) -> tuple[str, DateClaim | None]:
    """A page's main text (trafilatura: no navigation, banners, related stories, comments or footer)
    and its date, title, outlet and URL noted in ``meta`` (JSON-LD, then <meta> tags).

    Returns the text, which becomes ``Article.text``, and htmldate's reading of the page's date,
    to be used only when nothing else dates the article. A page whose main text cannot be found
    keeps its whole visible text (a very short or unusual page is still an article).
    """
    page = read_page(text, meta.tables.html_meta_field)
    main = page.text
    if not main:
        main = _visible(text, shown, meta.tables).text()
    if not main:
        raise InputError(shown, "HTML page has no visible text")
    for name, value in (("title", page.title), ("url", page.url), ("source", page.source)):
        if value:
            meta.note_field(name, value)
    fallback = None
    for claim in page.dates:
        if claim.where.startswith("htmldate"):
            fallback = claim
        else:
            meta.note_date(claim.role, claim.value, DateSource.HEADER, claim.where, claim.value, None)
    return main, fallback


def first_line_is_title(text: str, title: str | None) -> int:
    """Where the text goes on after a first paragraph that repeats the page's title (0 if it does not)."""
    if not title:
        return 0
    first, sep, _ = text.partition("\n\n")
    if sep and re.sub(r"\s+", " ", first).strip().casefold() == re.sub(r"\s+", " ", title).strip().casefold():
        return len(first) + len(sep)
    return 0
