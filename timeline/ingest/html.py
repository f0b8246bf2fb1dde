"""Raw HTML pages: their visible text (stdlib parser) and the date, title and URL in their <meta> tags."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from timeline.errors import InputError
from timeline.ingest.metadata import Meta
from timeline.ingest.tables import IngestTables
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


def html_article(text: str, shown: str, meta: Meta) -> str:
    """The visible text of a page; its <title>, canonical link and <meta> tags noted in ``meta``."""
    parser = VisibleText(meta.tables)
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # very old Pythons asserted on bad markup
        raise InputError(shown, f"cannot read the HTML: {exc}") from None
    visible = parser.text()
    if not visible:
        raise InputError(shown, "HTML page has no visible text")
    fields = meta.tables.html_meta_field
    title = re.sub(r"\s+", " ", "".join(parser.title)).strip()
    if title:
        meta.note_field("title", title)
    if parser.canonical:
        meta.note_field("url", parser.canonical)
    for name, content in parser.metas:
        role = fields.get(name)
        if role in ("date", "updated"):
            meta.note_date(role, content, DateSource.HEADER, f"HTML meta {name}", content, None)
        elif role:
            meta.note_field(role, content)
    return visible
