"""``timeline.md``: the briefing as Markdown (CommonMark), to paste into a wiki, an issue or a CMS.

The same content as the HTML sheet in plain text: the period, then one section per entry in
timeline order (date as known, title, status, places, a date conflict if any, each source's
quote with its date phrase, the article it comes from and the copies that carried the same
text), recurring dates, and the inputs. Text from the articles is escaped so that it can never
become Markdown (a link, an image, raw HTML, a heading) in the reader's renderer.
"""

from __future__ import annotations

import re

from timeline.export.common import (
    STATUS_LABELS,
    clean_text,
    conflict_summary,
    format_period,
    format_when,
    one_line,
    placeable,
    plural,
    precision_label,
    safe_url,
    timeline_period,
    unplaced,
)
from timeline.models import ArticleStatus, Entry, Timeline

__all__ = ["render_markdown"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")
_LINE_START = re.compile(r"^(\s*)([-=]|\d+[.)])", re.MULTILINE)


def md(text: str | None) -> str:
    """Untrusted text, on one line, with every Markdown-active character backslash-escaped."""
    escaped = _SPECIAL.sub(r"\\\1", one_line(text))
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def _link(label: str, url: str | None) -> str:
    href = safe_url(url)
    if not href:
        return label
    return f"[{label}](<{href.replace('<', '%3C').replace('>', '%3E')}>)"


def _source_name(title: str | None, path: str) -> str:
    return md(title) if one_line(title) else _code(path)


def _code(text: str) -> str:
    return "`" + one_line(text).replace("`", "'") + "`"


def _entry(entry: Entry, lines: list[str]) -> None:
    lines.append(f"### {md(format_when(entry.when))}: {md(entry.title) or '(untitled)'}")
    lines.append("")
    facts = [STATUS_LABELS[entry.status], precision_label(entry.when) if entry.when.start else ""]
    facts.append(plural(len(entry.sources), "source"))
    if entry.places:
        facts.append("places: " + ", ".join(md(p) for p in entry.places))
    lines.append("*" + " · ".join(f for f in facts if f) + "*")
    lines.append("")
    if entry.conflict:
        lines.append(f"> **Date conflict:** {md(conflict_summary(entry))}")
        lines.append("")
    for src in entry.sources:
        quote = md(clean_text(src.quote).strip())
        name = _link(_source_name(src.article_title, src.path), src.url)
        lines.append(f"- “{quote}” ({md(src.date_text)}) — {name}")
        for copy in getattr(src, "copies", None) or []:
            lines.append(f"  - also carried by {_link(_source_name(copy.article_title, copy.path), copy.url)} (a copy)")
    lines.append("")


def render_markdown(timeline: Timeline) -> str:
    """The Markdown text (UTF-8, LF line ends, ends with one newline)."""
    start, end = timeline_period(timeline)
    lines = [f"# {md(timeline.title) or 'Timeline'}", "", f"Period covered: {md(format_period(start, end))}", ""]
    dated, recurring = placeable(timeline), unplaced(timeline)
    lines += ["## Timeline", ""]
    if not dated:
        lines += ["No dated entries were found in the inputs.", ""]
    for entry in dated:
        _entry(entry, lines)
    if recurring:
        lines += ["## Recurring context", ""]
        for entry in recurring:
            _entry(entry, lines)
    lines += ["## Inputs", "", "| input | status | date | note |", "| --- | --- | --- | --- |"]
    for m in timeline.manifest:
        note = m.reason or (f"duplicate of {m.duplicate_of}" if m.duplicate_of else "")
        copy_of = getattr(m, "copy_of", None)
        if copy_of:
            note = (note + "; " if note else "") + f"a copy of {copy_of}"
        if m.status == ArticleStatus.UNDATED and not note:
            note = "no date found"
        cells = [_code(m.path), m.status.value,
                 m.date.isoformat() if m.date else "", md(note)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines).rstrip("\n") + "\n"
