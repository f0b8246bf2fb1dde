"""Exporters: a Timeline -> iCalendar, JSON (+ schema), TimelineJS3 JSON, HTML briefing sheet.

``write_outputs`` renders every requested format to memory first, then replaces each file
atomically (temp file in the same folder, fsync, ``os.replace``): a failed build never leaves a
half-written or missing file, and a failure while rendering leaves every old file untouched.
Outputs are byte-identical for the same Timeline (see ``common.build_stamp`` for DTSTAMP).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from timeline.export.html import render_html
from timeline.export.ical import COARSE_POLICIES, CoarsePolicy, render_ics
from timeline.export.json import render_json, render_schema, render_timelinejs
from timeline.models import Timeline

FORMATS: tuple[str, ...] = ("ics", "json", "html", "timelinejs")

#: file names written per format
FILES: dict[str, tuple[str, ...]] = {
    "ics": ("timeline.ics",),
    "json": ("timeline.json", "timeline.schema.json"),
    "timelinejs": ("timelinejs.json",),
    "html": ("timeline.html",),
}


def render_outputs(
    timeline: Timeline,
    formats: Iterable[str] = FORMATS,
    templates_dir: Path | None = None,
    calendar_name: str | None = None,
    coarse: CoarsePolicy = "span",
) -> dict[str, bytes]:
    """Every requested file rendered to memory: {file name: bytes}, in FORMATS order."""
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format(s) {', '.join(map(repr, unknown))}; choose from {', '.join(FORMATS)}")
    if coarse not in COARSE_POLICIES:
        raise ValueError(f"coarse policy must be one of {', '.join(COARSE_POLICIES)}, not {coarse!r}")
    out: dict[str, bytes] = {}
    for fmt in FORMATS:
        if fmt not in wanted:
            continue
        if fmt == "ics":
            out["timeline.ics"] = render_ics(timeline, coarse=coarse, calendar_name=calendar_name)
        elif fmt == "json":
            out["timeline.json"] = render_json(timeline).encode("utf-8")
            out["timeline.schema.json"] = render_schema().encode("utf-8")
        elif fmt == "timelinejs":
            out["timelinejs.json"] = render_timelinejs(timeline).encode("utf-8")
        elif fmt == "html":
            out["timeline.html"] = render_html(timeline, templates_dir=templates_dir).encode("utf-8")
    return out


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old file or the new one, never a part.

    Writes a temp file in the same folder (same file system), fsyncs it, ``os.replace``s it
    over the target and fsyncs the folder; the temp file is removed if anything fails.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows: folders cannot be opened; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_outputs(
    timeline: Timeline,
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    templates_dir: Path | None = None,
    calendar_name: str | None = None,
    *,
    coarse: CoarsePolicy = "span",
) -> list[Path]:
    """Render the requested formats, then write them atomically into ``out_dir``.

    Files: ``timeline.ics``, ``timeline.json`` + ``timeline.schema.json``, ``timelinejs.json``,
    ``timeline.html``. Returns the paths written, in FORMATS order (ics, json, html, timelinejs). Rendering happens entirely
    before the first file is replaced, so a rendering error leaves ``out_dir`` as it was.
    """
    rendered = render_outputs(timeline, formats, templates_dir=templates_dir,
                              calendar_name=calendar_name, coarse=coarse)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in rendered.items():
        target = out / name
        atomic_write(target, data)
        written.append(target)
    return written


__all__ = [
    "FORMATS",
    "FILES",
    "atomic_write",
    "render_html",
    "render_ics",
    "render_json",
    "render_outputs",
    "render_schema",
    "render_timelinejs",
    "write_outputs",
]
