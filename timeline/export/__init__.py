"""Exporters: a Timeline -> iCalendar, JSON (+ schema), TimelineJS3 JSON, HTML briefing sheet.

``write_outputs`` renders every requested format to memory first, then writes every file under a
temp name in the output folder (fsynced; an anonymous ``O_TMPFILE`` on Linux, so a killed build
leaves nothing behind), and only then renames them all into place (``os.replace``): a failure
while rendering or writing leaves every old file untouched, and no reader ever sees a
half-written file.
Outputs are byte-identical for the same Timeline (see ``common.build_stamp`` for DTSTAMP).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from timeline.errors import UserError
from timeline.export.html import render_html
from timeline.export.ical import COARSE_POLICIES, CoarsePolicy, iter_ics, render_ics
from timeline.export.json import iter_json, iter_timelinejs, render_json, render_schema, render_timelinejs
from timeline.export.labels import load_labels
from timeline.export.markdown import render_markdown
from timeline.export.table import render_csv
from timeline.models import Timeline

FORMATS: tuple[str, ...] = ("ics", "json", "html", "timelinejs")  # written when --format is not given
#: written only when asked for: a spreadsheet/pandas table and a Markdown briefing
EXTRA_FORMATS: tuple[str, ...] = ("csv", "md")
ALL_FORMATS: tuple[str, ...] = FORMATS + EXTRA_FORMATS

#: file names written per format
FILES: dict[str, tuple[str, ...]] = {
    "ics": ("timeline.ics",),
    "json": ("timeline.json", "timeline.schema.json"),
    "timelinejs": ("timelinejs.json",),
    "html": ("timeline.html",),
    "csv": ("timeline.csv",),
    "md": ("timeline.md",),
}


def iter_outputs(
    timeline: Timeline,
    formats: Iterable[str] = FORMATS,
    templates_dir: Path | None = None,
    calendar_name: str | None = None,
    coarse: CoarsePolicy = "span",
    feed_url: str | None = None,
    source_date_epoch: str | None = None,
    lang: str = "en",
) -> Iterator[tuple[str, Iterable[bytes]]]:
    """(file name, its bytes in pieces) for every requested file, in FORMATS order; labels in ``lang``.
    Each file is rendered as its pieces are read: the calendar one event at a time."""
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in ALL_FORMATS]
    if unknown:
        raise ValueError(f"unknown export format(s) {', '.join(map(repr, unknown))}; choose from {', '.join(ALL_FORMATS)}")
    if coarse not in COARSE_POLICIES:
        raise ValueError(f"coarse policy must be one of {', '.join(COARSE_POLICIES)}, not {coarse!r}")
    labels = load_labels(lang)
    for fmt in ALL_FORMATS:
        if fmt not in wanted:
            continue
        if fmt == "ics":
            yield "timeline.ics", iter_ics(timeline, coarse=coarse, calendar_name=calendar_name, feed_url=feed_url,
                                           source_date_epoch=source_date_epoch, labels=labels)
        elif fmt == "json":
            yield "timeline.json", iter_json(timeline)
            yield "timeline.schema.json", [render_schema().encode("utf-8")]
        elif fmt == "timelinejs":
            yield "timelinejs.json", iter_timelinejs(timeline, labels)
        elif fmt == "html":
            yield "timeline.html", [render_html(timeline, templates_dir=templates_dir, labels=labels).encode("utf-8")]
        elif fmt == "csv":
            yield "timeline.csv", [render_csv(timeline, labels).encode("utf-8")]
        elif fmt == "md":
            yield "timeline.md", [render_markdown(timeline, labels).encode("utf-8")]


def render_outputs(
    timeline: Timeline,
    formats: Iterable[str] = FORMATS,
    templates_dir: Path | None = None,
    calendar_name: str | None = None,
    coarse: CoarsePolicy = "span",
    feed_url: str | None = None,
    source_date_epoch: str | None = None,
    lang: str = "en",
) -> dict[str, bytes]:
    """Every requested file rendered to memory: {file name: bytes}, in FORMATS order; labels in ``lang``."""
    return {name: b"".join(pieces) for name, pieces in iter_outputs(
        timeline, formats, templates_dir, calendar_name, coarse, feed_url, source_date_epoch, lang)}


def _tmpfile_supported() -> bool:
    """Anonymous temp files need O_TMPFILE (Linux) and /proc to link them in by descriptor."""
    return hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")


# errors meaning "this file system or kernel has no O_TMPFILE": fall back to a named temp file
_NO_TMPFILE = frozenset({errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)})


class _Staged:
    """One output written and fsynced under a temp name in its folder, not yet visible.

    On Linux the temp file is anonymous (``O_TMPFILE``): it has no name until ``commit`` links
    it in, so a build killed while writing (even by SIGKILL) leaves nothing behind. Elsewhere it
    is a hidden ``.NAME.XXXX.tmp`` file, removed by ``discard`` when anything fails.
    """

    def __init__(self, path: Path, data: bytes | Iterable[bytes]) -> None:
        self.path = Path(path)
        self.fd: int | None = None
        self.tmp: str | None = None
        try:
            self.fd = self._open()
            with os.fdopen(os.dup(self.fd), "wb", buffering=1 << 20) as out:  # pieces gathered into large writes
                for piece in ([data] if isinstance(data, bytes) else data):
                    out.write(piece)
            os.fsync(self.fd)
            if self.tmp is not None:
                os.chmod(self.tmp, 0o644)
        except BaseException:
            self.discard()
            raise

    def _open(self) -> int:
        folder = self.path.parent
        if _tmpfile_supported():
            try:
                return os.open(folder, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                if exc.errno not in _NO_TMPFILE:
                    raise
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        return fd

    def link(self) -> None:
        """An anonymous temp file gets a unique hidden name in its folder (no-op for a named one). This
        can fail (no space for the folder entry); it replaces nothing."""
        if self.tmp is None:
            assert self.fd is not None
            folder_fd = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                while self.tmp is None:
                    name = f".{self.path.name}.{os.urandom(6).hex()}.tmp"
                    try:  # a dst_dir_fd makes CPython call linkat(AT_SYMLINK_FOLLOW), as this needs
                        os.link(f"/proc/self/fd/{self.fd}", name, dst_dir_fd=folder_fd, follow_symlinks=True)
                    except FileExistsError:
                        continue
                    self.tmp = str(self.path.parent / name)
            finally:
                os.close(folder_fd)

    def commit(self) -> None:
        """Give the temp file its name (``os.replace``: readers see the old file or the new one)."""
        self.link()
        assert self.tmp is not None
        os.replace(self.tmp, self.path)
        self.tmp = None
        self.discard()

    def discard(self) -> None:
        """Remove the temp file (if it has a name) and close it; safe to call twice."""
        if self.tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp)
            self.tmp = None
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


LOCK_WAIT_SECONDS = 600  # how long a build waits for another one writing into the same folder


@contextlib.contextmanager
def output_lock(out_dir: Path, on_wait: Callable[[str], None] | None = None,
                wait: float = LOCK_WAIT_SECONDS) -> Iterator[Path]:
    """Hold the output folder (created if missing) for one build: a second build into the same folder
    waits until the first is done (``on_wait`` hears why once), or fails with UserError after ``wait``
    seconds; two builds never interleave their outputs. The lock is the folder itself (``flock`` on
    it): the kernel drops it when the process ends, however it ends, so no stale lock file remains."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # no flock (Windows): outputs are still renamed atomically, one by one
        yield out
        return
    fd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(f"another timeline build is writing to {out}; this one goes on when it is done")
            deadline = time.monotonic() + wait
            while True:
                time.sleep(0.1)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise UserError(f"{out}: another timeline build has been writing there for over "
                                        f"{wait:.0f} seconds; nothing was replaced (try again when it is done)") from None
        except OSError as exc:  # a file system without flock (some network mounts): go on unlocked
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EBADF, errno.EINVAL):
                raise
        yield out
    finally:
        os.close(fd)  # releases the lock


def _named(exc: OSError, path: Path) -> OSError:
    """The same error naming the output folder and file, so the CLI prints one plain line such as
    ``dist: cannot write timeline.ics there: No space left on device`` (not a temp file's name)."""
    named = type(exc)(exc.errno, f"cannot write {path.name} there: {exc.strerror or exc}", str(path.parent))
    return named


def _stage(path: Path, data: bytes | Iterable[bytes]) -> _Staged:
    try:
        return _Staged(path, data)
    except OSError as exc:
        raise _named(exc, path) from exc


def _check_target(path: Path) -> None:
    """Raise (before any output is replaced) if ``path`` is something a rename cannot replace: a
    folder, or a mount point."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "a folder of that name is in the way", str(path))
    if st.st_dev != os.stat(path.parent).st_dev:
        raise OSError(errno.EBUSY, "a mount point of that name is in the way", str(path))


def _commit_all(staged: list[_Staged]) -> None:
    """Rename every staged file into place; on failure discard what is left (no temp file stays).

    All or nothing where it can be known beforehand: every temp file is named first and every target
    checked (a folder in the way), so those failures replace no output. A rename itself failing
    half-way (an I/O error) leaves each file whole, the old one or the new one."""
    try:
        for s in staged:
            try:
                s.link()
                _check_target(s.path)
            except OSError as exc:
                raise _named(exc, s.path) from exc
        for s in staged:
            try:
                s.commit()
            except OSError as exc:
                raise _named(exc, s.path) from exc
    finally:
        for s in staged:
            s.discard()
    for folder in dict.fromkeys(s.path.parent for s in staged):
        _fsync_dir(folder)


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
    feed_url: str | None = None,
    source_date_epoch: str | None = None,
) -> list[Path]:
    """Render the requested formats, then write them atomically into ``out_dir``.

    Files: ``timeline.ics``, ``timeline.json`` + ``timeline.schema.json``, ``timelinejs.json``,
    ``timeline.html``, and when asked for ``timeline.csv``, ``timeline.md``. Returns the paths written, in
    ALL_FORMATS order (ics, json, html, timelinejs, csv, md). Rendering happens entirely
    before the first file is replaced, so a rendering error leaves ``out_dir`` as it was.
    """
    rendered = iter_outputs(timeline, formats, templates_dir=templates_dir,
                            calendar_name=calendar_name, coarse=coarse, feed_url=feed_url,
                            source_date_epoch=source_date_epoch)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # Two phases: every file is written and fsynced under a temp name first, then all are
    # renamed in place. A failure while writing (disk full, killed) replaces nothing.
    staged: list[_Staged] = []
    try:
        for name, pieces in rendered:
            staged.append(_stage(out / name, pieces))
    except BaseException:
        for s in staged:
            s.discard()
        raise
    _commit_all(staged)
    return [s.path for s in staged]


__all__ = [
    "ALL_FORMATS",
    "EXTRA_FORMATS",
    "FORMATS",
    "FILES",
    "output_lock",
    "render_html",
    "render_ics",
    "render_json",
    "iter_outputs",
    "render_outputs",
    "render_schema",
    "render_timelinejs",
    "write_outputs",
]
