"""The HTML briefing sheet: content, escaping of hostile text, template overrides, and the real
thing in headless Chromium (no requests, no script, printed to A4 and Letter PDFs)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import jinja2
import pytest

from test_export_json import (  # noqa: F401  (http_root is a fixture)
    PLACEABLE_UIDS,
    http_root,
    launch_chromium,
    sample_timeline,
)
from timeline.export import write_outputs
from timeline.export.common import one_line
from timeline.export.html import builtin_templates_dir, render_html
from timeline.models import Timeline

HOSTILE_TITLE = "Victory Day parade <b>on Red Square</b> {{ 7*7 }}"


@pytest.fixture
def timeline() -> Timeline:
    return sample_timeline()


@pytest.fixture
def html(timeline) -> str:
    return render_html(timeline)


def titles_in_order(timeline: Timeline) -> list[str]:
    by_uid = {e.uid: e for e in timeline.entries}
    return [one_line(by_uid[uid].title) for uid in PLACEABLE_UIDS]


def test_sheet_content(html):
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert "<title>Xi Jinping (习近平) in Moscow — Путин talks, May 2025 — timeline briefing</title>" in html
    assert 'name="viewport"' in html
    assert '<time datetime="2022-02-24">24 February 2022</time> – <time datetime="2030-12-31">31 December 2030</time>' in html
    # entries in time order, each with date + precision label
    anchors = re.findall(r'<article class="entry[^"]*" id="entry-([^"]+)"', html)
    assert anchors[: len(PLACEABLE_UIDS)] == PLACEABLE_UIDS
    assert '<time datetime="2025-09">September 2025</time>' in html
    assert "month only" in html and "year only" in html and "week only" in html
    assert '<time datetime="2025-05-07T17:00-04:00">7 May 2025, 17:00 UTC−04:00</time>' in html
    assert "4 days" in html and "duration" in html  # the undated one, listed apart
    # conflict, status, places, legend, sources, manifest
    assert ('<strong><span aria-hidden="true">⚠</span> Sources disagree: 2025-05-07 (4 sources) vs '
            "2025-05-08 (1 source).</strong>") in html
    assert '<span class="badge badge-scheduled">scheduled</span>' in html
    assert '<span class="badge badge-reported">reported</span>' in html
    assert "Moscow · Москва" in html
    assert 'id="legend-h">How to read this sheet' in html
    assert '<li id="note-1">' in html and 'href="#note-1"' in html
    assert 'href="https://news.example.org/parade?a=1&amp;b=%3C2%3E"' in html
    for status in ("used", "duplicate", "undated", "skipped"):
        assert f'<span class="mstatus mstatus-{status}">{status}</span>' in html
    assert "not text (binary file)" in html and "duplicate of seeds/001_article.txt" in html
    assert "front-matter" in html and "(“Date: 8 May 2025”)" in html


def test_one_line_per_day_summary(html):
    glance = html[html.index('id="glance-h"'):html.index('id="entries-h"')]
    rows = re.findall(r'<th scope="row">(.*?)</th>', glance)
    assert [re.sub(r"<[^>]+>", "", r) for r in rows] == [
        "Thursday 24 February 2022", "week 19 of 2025", "Wednesday 7 May 2025", "Thursday 8 May 2025",
        "Friday 9 May 2025", "September 2025", "2030"]


def test_hostile_text_is_escaped_not_executed(html):
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "<b>on Red Square" not in html
    assert "&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;" in html
    assert "{{ 7*7 }}" in html and "{% if %}" in html  # data is never rendered as a template
    assert "49" not in re.sub(r"<style>.*?</style>", "", html, flags=re.S)


def test_css_is_inlined_and_self_contained(html):
    assert "<link" not in html and "@import" not in html and "url(" not in html
    style = html[html.index("<style>"):html.index("</style>")]
    assert "@page" in style and "break-inside: avoid" in style and "@media print" in style
    assert "default-src 'none'" in html  # CSP: no script, no external load, even if something slipped in


def test_user_templates_override_builtin_partials(timeline, tmp_path):
    (tmp_path / "_entry.html.j2").write_text('<p class="mine">{{ item.title }}|{{ item.when }}</p>\n', "utf-8")
    html = render_html(timeline, templates_dir=tmp_path)
    assert html.count('<p class="mine">') == len(timeline.entries)
    assert '<p class="mine">Victory Day parade &lt;b&gt;on Red Square&lt;/b&gt; {{ 7*7 }}|Friday 9 May 2025</p>' in html
    assert "How to read this sheet" in html  # the other partials still come from the built-in folder
    (tmp_path / "timeline.css").write_text("body { color: #123456; }", "utf-8")
    assert "#123456" in render_html(timeline, templates_dir=tmp_path)


def test_strict_undefined(timeline, tmp_path):
    (tmp_path / "_legend.html.j2").write_text("{{ sheet.no_such_field }}", "utf-8")
    with pytest.raises(jinja2.UndefinedError):
        render_html(timeline, templates_dir=tmp_path)


def test_builtin_templates_found():
    folder = builtin_templates_dir()
    assert (folder / "timeline.html.j2").is_file() and (folder / "timeline.css").is_file()


def test_empty_timeline_renders(timeline):
    html = render_html(timeline.model_copy(update={"entries": [], "manifest": [], "period_start": None,
                                                   "period_end": None}))
    assert "No dated entries were found" in html and "no dated entries" in html


# ---------------------------------------------------------------- in Chromium

def pdf_text(path: Path) -> str:
    """All text of a PDF with whitespace removed (line breaks fall anywhere in a title).

    pypdf, not pdftotext: Chromium embeds the CJK font as Type 3 glyphs, which poppler drops."""
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return "".join(unicodedata.normalize("NFKC", text).split())  # NFKC: the "ﬁ" ligature -> "fi"


@pytest.mark.browser
def test_sheet_in_chromium_no_requests_no_script_prints(timeline, http_root):
    sync_api = pytest.importorskip("playwright.sync_api")
    root, base = http_root
    write_outputs(timeline, root, formats=["html"])
    page_url = base + "/timeline.html"
    requests, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.route("**/*", lambda r: r.continue_() if r.request.url == page_url else r.abort())
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_url, wait_until="load")
            page.wait_for_timeout(300)
            state = page.evaluate("""() => ({
                pwned: typeof window.__pwned,
                scripts: document.scripts.length,
                imgs: document.images.length,
                text: document.body.innerText,
                overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            })""")
            page.set_viewport_size({"width": 375, "height": 800})  # a phone
            phone_overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            page.emulate_media(media="print")
            pdfs = {}
            for fmt in ("A4", "Letter"):
                pdfs[fmt] = root / f"timeline-{fmt}.pdf"
                page.pdf(path=str(pdfs[fmt]), format=fmt, print_background=True)
        finally:
            browser.close()
    assert requests == [page_url]
    assert errors == []
    assert state["pwned"] == "undefined"
    assert state["scripts"] == 0 and state["imgs"] == 0
    assert HOSTILE_TITLE in state["text"]
    assert "49" not in state["text"]
    assert "⚠ Sources disagree: 2025-05-07 (4 sources) vs 2025-05-08 (1 source)." in state["text"]
    assert state["overflow"] <= 0 and phone_overflow <= 0
    titles = titles_in_order(timeline)
    for fmt, path in pdfs.items():
        text = pdf_text(path)
        pos = 0
        for title in titles + titles:  # once in the day-by-day summary, once in the entries
            found = text.find("".join(unicodedata.normalize("NFKC", title).split()), pos)
            assert found >= 0, f"{fmt}: {title!r} missing or out of order"
            pos = found + 1
        assert "Page1of" in text  # @page margin box (Chromium >= 131)
