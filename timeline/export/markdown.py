"""``timeline.md``: the briefing as Markdown (CommonMark), to paste into a wiki, an issue or a CMS.

The same content as the HTML sheet in plain text: the period, then one section per entry in
timeline order (date as known, title, status, places, a date conflict if any, each source's
quote with its date phrase, the article it comes from and the copies that carried the same
text), recurring dates, and the inputs. Text from the articles is escaped so that it can never
become Markdown (a link, an image, raw HTML, a heading) in the reader's renderer.
"""

from __future__ import annotations

import re

from timeline.export.common import clean_text, one_line, placeable, safe_url, timeline_period, unplaced
from timeline.export.labels import Labels, load_labels
from timeline.models import ArticleStatus, Entry, Timeline

__all__ = ["render_markdown"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")
_LINE_START = re.compile(r"^(\s*)([-=]|\d+[.)])", re.MULTILINE)


def md(text: str | None) -> str:
    """Untrusted text, on one line, with every Markdown-active character backslash-escaped."""
    escaped = _SPECIAL.sub(r"\\\1", one_line(text))
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def _code(text: str) -> str:
    return "`" + one_line(text).replace("`", "'") + "`"


def _link(label: str, url: str | None) -> str:
    href = safe_url(url)
    if not href:
        return label
    return f"[{label}](<{href.replace('<', '%3C').replace('>', '%3E')}>)"


def _source_name(title: str | None, path: str) -> str:
    return md(title) if one_line(title) else _code(path)


def _entry(entry: Entry, lines: list[str], labels: Labels) -> None:
    lines.append(f"### {md(labels.when(entry.when))}: {md(entry.title) or md(labels.phrase('untitled'))}")
    lines.append("")
    facts = [labels.status[entry.status], labels.precision_label(entry.when) if entry.when.start else ""]
    facts.append(labels.plural(len(entry.sources), labels.phrase("source")))
    if entry.places:
        facts.append(labels.phrase("places", places=", ".join(md(p) for p in entry.places)))
    lines.append("*" + " · ".join(f for f in facts if f) + "*")
    lines.append("")
    if entry.conflict:
        lines.append(f"> **{labels.phrase('date_conflict')}** {md(labels.conflict_summary(entry))}")
        lines.append("")
    for src in entry.sources:
        quote = md(clean_text(src.quote).strip())
        name = _link(_source_name(src.article_title, src.path), src.url)
        lines.append(f"- “{quote}” ({md(src.date_text)}) — {name}")
        for copy in getattr(src, "copies", None) or []:
            carried = _link(_source_name(copy.article_title, copy.path), copy.url)
            lines.append(f"  - {labels.phrase('also_carried_by', name=carried)}")
    lines.append("")


def render_markdown(timeline: Timeline, labels: Labels | None = None) -> str:
    """The Markdown text (UTF-8, LF line ends, ends with one newline)."""
    labels = labels or load_labels()
    start, end = timeline_period(timeline)
    lines = [f"# {md(timeline.title) or labels.phrase('timeline')}", "",
             md(labels.phrase("period_covered", period=labels.period(start, end))), ""]
    dated, recurring = placeable(timeline), unplaced(timeline)
    lines += [f"## {labels.phrase('timeline')}", ""]
    if not dated:
        lines += [labels.phrase("no_entries_found"), ""]
    for entry in dated:
        _entry(entry, lines, labels)
    if recurring:
        lines += [f"## {labels.phrase('recurring_context')}", ""]
        for entry in recurring:
            _entry(entry, lines, labels)
    columns = labels.phrase("input_columns")
    lines += [f"## {labels.phrase('inputs')}", "", f"| {columns} |", "|" + " --- |" * (columns.count("|") + 1)]
    for m in timeline.manifest:
        notes = [m.reason or ""]
        if m.duplicate_of:
            notes.append(labels.phrase("duplicate_of", id=m.duplicate_of))
        if getattr(m, "copy_of", None):
            notes.append(labels.phrase("copy_of", id=m.copy_of))
        if m.status == ArticleStatus.UNDATED and not any(notes):
            notes.append(labels.phrase("no_date_found"))
        cells = [_code(m.path), m.status.value, m.date.isoformat() if m.date else "", md("; ".join(n for n in notes if n))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines).rstrip("\n") + "\n"
