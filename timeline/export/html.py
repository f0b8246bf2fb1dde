"""Printable HTML briefing sheet, rendered with Jinja2.

Templates are looked up first in the user's ``templates_dir``, then in the built-in
``templates/`` folder (datasette's loader order), so one partial can be overridden without
copying the rest. The environment autoescapes everything and uses ``StrictUndefined``: a
typo in a template is an error, not an empty string. The stylesheet ``timeline.css`` is read
through the same loader and inlined, so the sheet is one self-contained file with no
JavaScript and no external request; a Content-Security-Policy meta tag forbids both anyway.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
import importlib.util
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from timeline.export.common import (clean_text, is_coarse, is_timed, one_line, placeable, safe_url, shown_name,
                                     timeline_period, unplaced)
from timeline.export.labels import Labels, load_labels
from timeline.models import PRECISION_RANK, ArticleStatus, Entry, EventStatus, ManifestEntry, Precision, Timeline

TEMPLATE = "timeline.html.j2"
STYLESHEET = "timeline.css"


def builtin_templates_dir() -> Path:
    """The shipped templates: the package ``timeline.templates`` (the repository's top-level
    ``templates/`` folder, shipped as package data), else that folder beside a plain checkout."""
    spec = importlib.util.find_spec("timeline.templates")
    places = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    places.append(Path(__file__).resolve().parents[2] / "templates")
    for folder in places:
        if (folder / TEMPLATE).is_file():
            return folder
    raise FileNotFoundError(f"built-in templates not found (looked in {', '.join(map(str, places))})")


def make_environment(templates_dir: Path | None = None, labels: Labels | None = None) -> Environment:
    """Jinja2 environment: user folder first, then the built-in templates; strict and autoescaped."""
    search = [str(Path(templates_dir))] if templates_dir is not None else []
    search.append(str(builtin_templates_dir()))
    env = Environment(
        loader=FileSystemLoader(search, encoding="utf-8"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    labels = labels or load_labels()
    env.filters["when"] = labels.when
    env.filters["precision"] = labels.precision_label
    env.filters["date"] = labels.date
    env.globals["plural"] = labels.plural
    return env


# ---------------------------------------------------------------- view model

@dataclass(frozen=True)
class Note:
    """One numbered footnote: an input article."""

    number: int
    article_id: str
    title: str
    path: str
    url: str | None  # http(s) only: javascript:, data: ... are dropped, not shown even as text


@dataclass(frozen=True)
class Quote:
    text: str
    date_text: str
    refs: tuple[int, ...]
    copies: tuple["CopyView", ...] = ()


@dataclass(frozen=True)
class CopyView:
    """A near-duplicate that carried a quote: named under it, never counted as a source.
    before/after are the label's words around the name, so the name alone can be a link."""
    before: str
    name: str
    url: str | None
    after: str


@dataclass
class EntryView:
    entry: Entry
    anchor: str
    when: str
    iso: str | None
    precision: str
    precision_name: str
    coarse: bool
    title: str
    status: str
    status_label: str
    places: list[str]
    actors: list[str]
    quotes: list[Quote]
    refs: list[int]
    conflict: str
    conflict_note: str
    key: bool
    confidence: str
    confidence_label: str
    confidence_mark: str


@dataclass
class DayLine:
    """One row of "at a glance": a period (a day, or a month or year when the key events spread wide) and
    its key events; ``dates`` is each event's short date when the row is coarser than the events."""

    label: str
    iso: str | None
    titles: list[str]
    anchors: list[str]
    dates: list[str] = field(default_factory=list)


@dataclass
class ManifestRow:
    path: str
    status: str
    reason: str
    date: str
    date_source: str
    date_evidence: str


@dataclass
class Sheet:
    title: str
    period: str
    period_start: str | None
    period_end: str | None
    period_start_label: str
    period_end_label: str
    entries: list[EntryView]
    undated: list[EntryView]
    days: list[DayLine]
    notes: list[Note]
    manifest: list[ManifestRow]
    counts: dict[str, int] = field(default_factory=dict)
    latest: dt.date | None = None
    conflicts: int = 0
    schema_version: str = ""
    total_entries: int = 0  # dated entries of the timeline; the sheet shows at most SHEET_ENTRIES of them
    left_out: int = 0
    inputs: int = 0


SHEET_ENTRIES = 300  # a sheet of more dated entries shows the most important ones (JSON and ICS keep them all)


def _most_important(entries: list[Entry], limit: int) -> list[Entry]:
    """The ``limit`` most salient entries (as --top picks them), in time order."""
    if len(entries) <= limit:
        return entries
    return sorted(sorted(entries, key=lambda e: (-e.salience, e.sort_key()))[:limit], key=Entry.sort_key)


def _anchor(uid: str, used: set[str]) -> str:
    base = "entry-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", uid).strip("-") or "x")
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def _iso(entry: Entry) -> str | None:
    """Machine-readable value for <time datetime>: only what the precision knows."""
    tv = entry.when
    if tv.start is None:
        return None
    if is_timed(tv):
        assert tv.instant is not None
        return tv.instant.isoformat(timespec="minutes")
    p = tv.shown_precision.value
    if p == "year" or (is_coarse(tv) and p not in ("month", "week")):
        return f"{tv.start.year:04d}"
    if p == "month":
        return f"{tv.start.year:04d}-{tv.start.month:02d}"
    if p == "week":
        iso = tv.start.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    return tv.start.isoformat()


KEY_MIN, KEY_SHARE = 5, 0.10  # key events: the most salient tenth of the entries, at least five
GLANCE_ITEMS = 16             # "at a glance" lists at most this many events ...
GLANCE_ROWS = 12              # ... in at most this many rows (days, else months, else years): one printed page


def key_uids(entries: Sequence[Entry]) -> set[str]:
    """The entries a reader must not miss: the most salient (KEY_MIN, or KEY_SHARE of them if more) and
    every disputed one."""
    n = max(KEY_MIN, math.ceil(KEY_SHARE * len(entries)))
    ranked = sorted(entries, key=lambda e: (-e.salience, e.sort_key()))
    return {e.uid for e in ranked[:n]} | {e.uid for e in entries if e.conflict is not None}


def is_key(entry: Entry, several_articles: bool, key: set[str] | None = None) -> bool:
    """Key events are shown first-class: the most salient and the disputed ones (``key_uids``), or with no
    ranking given, those reported by two or more articles or disputed. With a single article every entry is
    key; the rest is background, set compactly."""
    if not several_articles:
        return True
    if key is not None:
        return entry.uid in key
    sources = len({s.article_id for s in entry.sources})
    return sources >= 2 or entry.conflict is not None


def glance(entries: list[EntryView], labels: Labels) -> list[DayLine]:
    """The key events per period, on one page: the GLANCE_ITEMS most salient dated entries, one row per day;
    when they spread over more than GLANCE_ROWS days, one row per month, then per year, each event with its
    short date. Rows and the events in a row are in time order."""
    chosen = sorted(sorted(entries, key=lambda v: (-v.entry.salience, v.entry.sort_key()))[:GLANCE_ITEMS],
                    key=lambda v: v.entry.sort_key())
    for grain in ("day", "month", "year"):
        rows = _rows(chosen, grain, labels)
        if len(rows) <= GLANCE_ROWS:
            break
    return rows


def _rows(chosen: list[EntryView], grain: str, labels: Labels) -> list[DayLine]:
    rows: list[DayLine] = []
    for ev in chosen:
        tv = ev.entry.when
        day: dt.date = tv.instant.date() if is_timed(tv) and tv.instant else tv.start  # type: ignore[assignment]
        rank = PRECISION_RANK[tv.shown_precision]
        short = ""
        if is_coarse(tv) and (grain == "day" or rank <= PRECISION_RANK[Precision.MONTH if grain == "month" else Precision.YEAR]):
            label, iso = ev.when, ev.iso  # the event's own period is the row
        elif grain == "day":
            label, iso = labels.date(day), day.isoformat()
        elif grain == "month":
            label, iso = labels.phrase("month", month=labels.months[day.month - 1], year=day.year), f"{day:%Y-%m}"
            short = ev.when if is_coarse(tv) else labels.phrase("day_month", day=day.day, month=labels.months[day.month - 1])
        else:
            label, iso = str(day.year), f"{day.year:04d}"
            short = ev.when if is_coarse(tv) else labels.phrase("day_month", day=day.day, month=labels.months[day.month - 1])
        if rows and rows[-1].label == label:
            row = rows[-1]
        else:
            row = DayLine(label=label, iso=iso, titles=[], anchors=[])
            rows.append(row)
        row.titles.append(ev.title)
        row.anchors.append(ev.anchor)
        row.dates.append(short)
    return rows


def _add_copies(shown: list[CopyView], src, labels: Labels) -> None:
    before, _, after = labels.phrase("also_carried_by", name="\0").partition("\0")
    for copy in src.copies:
        view = CopyView(before=before, name=one_line(copy.article_title) or shown_name(copy.path),
                        url=safe_url(copy.url), after=after)
        if view not in shown:
            shown.append(view)


def build_sheet(timeline: Timeline, labels: Labels | None = None) -> Sheet:
    labels = labels or load_labels()
    notes: dict[str, Note] = {}

    def note_for(src) -> int:
        if src.article_id not in notes:
            notes[src.article_id] = Note(
                number=len(notes) + 1,
                article_id=src.article_id,
                title=one_line(src.article_title) or shown_name(src.path),
                path=shown_name(src.path),
                url=safe_url(src.url),
            )
        return notes[src.article_id].number

    used: set[str] = set()
    several_articles = len({s.article_id for e in timeline.entries for s in e.sources}) > 1
    ranked = any(e.salience for e in timeline.entries)
    key = key_uids(timeline.entries) if ranked else None

    def view(entry: Entry) -> EntryView:
        quotes: dict[str, list[int]] = {}
        date_texts: dict[str, str] = {}
        copies: dict[str, list[CopyView]] = {}
        refs: list[int] = []
        for src in entry.sources:
            n = note_for(src)
            if n not in refs:
                refs.append(n)
            q = clean_text(src.quote).strip()
            if q:
                quotes.setdefault(q, [])
                if n not in quotes[q]:
                    quotes[q].append(n)
                date_texts.setdefault(q, one_line(src.date_text))
                _add_copies(copies.setdefault(q, []), src, labels)
        return EntryView(
            entry=entry,
            anchor=_anchor(entry.uid, used),
            when=labels.when(entry.when),
            iso=_iso(entry),
            precision=labels.precision_label(entry.when),
            precision_name=entry.when.shown_precision.value,
            coarse=is_coarse(entry.when),
            title=one_line(entry.title) or labels.phrase("untitled"),
            status=entry.status.value,
            status_label=labels.status[entry.status],
            places=[one_line(p) for p in entry.places if one_line(p)],
            actors=[one_line(a) for a in entry.actors if one_line(a)],
            quotes=[Quote(text=q, date_text=date_texts[q], refs=tuple(sorted(ns)), copies=tuple(copies[q]))
                    for q, ns in quotes.items()],
            refs=sorted(refs),
            conflict=labels.conflict_summary(entry),
            conflict_note=one_line(entry.conflict.note) if entry.conflict else "",
            key=is_key(entry, several_articles, key),
            confidence=entry.confidence.value,
            confidence_label=labels.confidence[entry.confidence],
            confidence_mark=labels.confidence_mark[entry.confidence],
        )

    dated = placeable(timeline)
    entries = [view(e) for e in _most_important(dated, SHEET_ENTRIES)]
    undated = [view(e) for e in _most_important(unplaced(timeline), SHEET_ENTRIES)]

    days = glance(entries, labels) if ranked else _every_day(entries, labels)

    manifest = [_manifest_row(m, labels) for m in sorted(timeline.manifest, key=lambda m: m.path)]
    counts = {s.value: sum(1 for m in timeline.manifest if m.status == s) for s in ArticleStatus}
    start, end = timeline_period(timeline)
    return Sheet(
        title=one_line(timeline.title) or labels.phrase("timeline"),
        period=labels.period(start, end),
        period_start=start.isoformat() if start else None,
        period_end=end.isoformat() if end else None,
        period_start_label=labels.date(start, weekday=False) if start else "",
        period_end_label=labels.date(end, weekday=False) if end else "",
        entries=entries,
        undated=undated,
        days=days,
        notes=sorted(notes.values(), key=lambda n: n.number),
        manifest=manifest,
        counts=counts,
        latest=max((m.date for m in timeline.manifest if m.date), default=None),
        conflicts=sum(1 for e in timeline.entries if e.conflict is not None),
        schema_version=timeline.schema_version,
        total_entries=len(dated),
        left_out=len(dated) - len(entries),
        inputs=len(timeline.manifest),
    )


def _every_day(entries: list[EntryView], labels: Labels) -> list[DayLine]:
    """With no salience to rank by (a timeline built elsewhere), "at a glance" lists every entry by day."""
    days: list[DayLine] = []
    for ev in entries:
        tv = ev.entry.when
        if is_coarse(tv):
            label, iso = ev.when, ev.iso
        else:
            day: dt.date = tv.instant.date() if is_timed(tv) and tv.instant else tv.start  # type: ignore[assignment]
            label, iso = labels.date(day), day.isoformat()
        if days and days[-1].label == label:
            days[-1].titles.append(ev.title)
            days[-1].anchors.append(ev.anchor)
            days[-1].dates.append("")
        else:
            days.append(DayLine(label=label, iso=iso, titles=[ev.title], anchors=[ev.anchor], dates=[""]))
    return days


def _manifest_row(m: ManifestEntry, labels: Labels) -> ManifestRow:
    reason = one_line(m.reason)
    if m.duplicate_of:
        reason = (reason + "; " if reason else "") + f"duplicate of {one_line(m.duplicate_of)}"
    if m.copy_of:  # a near-duplicate: used, but not a source of its own
        reason = (reason + "; " if reason else "") + labels.phrase("copy_of", id=one_line(m.copy_of))
    return ManifestRow(
        path=shown_name(m.path),
        status=m.status.value,
        reason=reason,
        date=m.date.isoformat() if m.date else "",
        date_source=m.date_source.value,
        date_evidence=one_line(m.date_evidence),
    )


def render_html(timeline: Timeline, templates_dir: Path | None = None, labels: Labels | None = None) -> str:
    """The briefing sheet as one self-contained HTML document."""
    labels = labels or load_labels()
    env = make_environment(templates_dir, labels)
    assert env.loader is not None
    css, _, _ = env.loader.get_source(env, STYLESHEET)
    template = env.get_template(TEMPLATE)
    html = template.render(
        sheet=build_sheet(timeline, labels),
        timeline=timeline,
        css=Markup(css.replace("</", "<\\/")),  # a stylesheet can never close the <style> element
        statuses=[s.value for s in EventStatus],
    )
    return html


__all__: Sequence[str] = ("render_html", "make_environment", "build_sheet", "builtin_templates_dir")
