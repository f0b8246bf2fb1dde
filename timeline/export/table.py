"""``timeline.csv``: one row per entry and source, for spreadsheets and ``pandas.read_csv``.

RFC 4180 CSV in UTF-8 (no byte-order mark, so ``pandas.read_csv`` reads the first column name
as written), CRLF line ends, a header row. Entries keep their order in the Timeline (as in ``timeline.json``) and each entry's
sources their order in the entry, so the file is byte-identical for the same Timeline. A cell
that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``@``, a tab, or ``-``
not followed by a digit) gets a leading apostrophe, as OWASP advises against CSV injection.
"""

from __future__ import annotations

import csv
import io

from timeline.export.common import clean_text, one_line, safe_url
from timeline.export.labels import Labels, load_labels
from timeline.models import Entry, Timeline

__all__ = ["COLUMNS", "render_csv"]

COLUMNS = (
    "date", "edtf", "precision", "when", "title", "status", "confidence", "date_source", "sources", "copies",
    "article", "article_title", "path", "url", "date_text", "quote", "quote_start", "quote_end", "uid",
)


def _safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text and (text[0] in "=+@\t\r" or (text[0] == "-" and not text[1:2].isdigit())):
        return "'" + text
    return text


def _confidence(entry: Entry) -> str:
    value = getattr(entry, "confidence", None)
    if value is None:
        return ""
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def render_csv(timeline: Timeline, labels: Labels | None = None) -> str:
    """The CSV text (one header row, then one row per entry and source)."""
    labels = labels or load_labels()
    date_source = {m.article_id: m.date_source.value for m in timeline.manifest if m.article_id}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in timeline.entries:
        for src in entry.sources:
            copies = getattr(src, "copies", None) or []
            row = {
                "date": entry.when.value,
                "edtf": entry.when.edtf or "",
                "precision": entry.when.shown_precision.value if entry.when.start else "",
                "when": labels.when(entry.when),
                "title": one_line(entry.title),
                "status": entry.status.value,
                "confidence": _confidence(entry),
                "date_source": date_source.get(src.article_id, ""),
                "sources": len(entry.sources),
                "copies": "; ".join(one_line(c.article_id) for c in copies),
                "article": one_line(src.article_id),
                "article_title": one_line(src.article_title),
                "path": one_line(src.path),
                "url": safe_url(src.url) or "",
                "date_text": one_line(src.date_text),
                "quote": clean_text(src.quote).strip(),
                "quote_start": src.quote_start,
                "quote_end": src.quote_end,
                "uid": entry.uid,
            }
            writer.writerow([_safe_cell(row[c]) if c not in ("quote_start", "quote_end", "sources") else row[c]
                             for c in COLUMNS])
    return buf.getvalue()
