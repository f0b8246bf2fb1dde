"""Files: walking folders into a sorted list of inputs, reading bytes within a size limit, refusing
binaries, decoding text. Every problem is an InputError (or a skipped manifest entry) in plain words."""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from timeline.errors import InputError
from timeline.ingest.tables import IngestTables, load_tables
from timeline.models import ArticleStatus, ManifestEntry

DEFAULT_MAX_BYTES = 20_000_000
_CONTROL_SAMPLE = 8192  # characters checked for control codes
_CONTROL_LIMIT = 0.05  # more than 5% control characters -> binary


_SURROGATE = re.compile(r"[\ud800-\udfff]")
NOT_UTF8_NAME = ("its name is not valid UTF-8 (the bytes that are not are shown as \\xNN); "
                 "rename it to read it (e.g. with convmv)")


def shown_path(path: Path | str) -> str:
    """The path as text for messages and outputs. Bytes of a name that are not UTF-8 (a file named on
    another system) arrive as lone surrogates (Python's surrogateescape); they are shown as ``\\xNN``,
    so the path is always valid text (JSON, HTML and the terminal cannot carry surrogates)."""
    text = Path(path).as_posix()
    if _SURROGATE.search(text):
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def utf8_name(path: Path | str) -> bool:
    """True when the path is valid UTF-8 text (no byte of it needed surrogateescape)."""
    return not _SURROGATE.search(str(path))


def path_order(path: Path | str) -> tuple[str, ...]:
    return Path(path).parts


def skipped_entry(path: Path | str, reason: str) -> ManifestEntry:
    return ManifestEntry(path=shown_path(path), status=ArticleStatus.SKIPPED, reason=reason)


def stat_problem(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop: the link points back to itself"
    if exc.errno == errno.ENOENT:
        return "broken symlink: it points to a file that does not exist" if path.is_symlink() else "no such file or folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot open: {exc.strerror or exc}"


def collect_paths(paths: Sequence[Path], tables: IngestTables | None = None) -> tuple[list[Path], list[ManifestEntry]]:
    """Files named directly, plus the article files (``folder_extensions`` of data/file_types.toml:
    .txt, .md, .html, feeds, .jsonl...) found recursively in named folders.

    Returns the files sorted by path (duplicates of the same typed path once) and the inputs
    that could not be walked, as skipped manifest entries with a reason. Hidden entries
    (names starting with ".") inside folders are ignored. Never raises for a bad path.
    """
    tables = tables or load_tables()
    files: dict[str, Path] = {}
    skipped: dict[str, ManifestEntry] = {}

    def skip(p: Path, reason: str) -> None:
        skipped.setdefault(shown_path(p), skipped_entry(p, reason))

    walked: dict[tuple[int, int], Path] = {}
    for given in paths:
        root = Path(given)
        try:
            st = root.stat()
        except OSError as exc:
            skip(root, stat_problem(exc, root))
            continue
        if stat.S_ISREG(st.st_mode):
            if utf8_name(root):
                files.setdefault(shown_path(root), root)
            else:
                skip(root, NOT_UTF8_NAME)
        elif not stat.S_ISDIR(st.st_mode):
            skip(root, "not a regular file (a device, pipe or socket)")
        else:
            # Depth-first walk with an explicit stack (no recursion limit on deep trees).
            stack: list[tuple[Path, tuple[tuple[int, int], ...]]] = [(root, ((st.st_dev, st.st_ino),))]
            if (st.st_dev, st.st_ino) in walked:
                continue  # the same folder was named twice
            walked[(st.st_dev, st.st_ino)] = root
            while stack:
                folder, ancestors = stack.pop()
                try:
                    with os.scandir(folder) as it:
                        entries = sorted(it, key=lambda e: e.name)
                except OSError as exc:
                    skip(folder, f"cannot read folder: {stat_problem(exc, folder)}")
                    continue
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    child = folder / entry.name
                    wanted = entry.name.lower().endswith(tuple(tables.folder_extensions))
                    try:
                        cst = entry.stat()  # follows symlinks
                    except OSError as exc:
                        if wanted or exc.errno == errno.ELOOP:
                            skip(child, stat_problem(exc, child))
                        continue
                    if stat.S_ISDIR(cst.st_mode):
                        key = (cst.st_dev, cst.st_ino)
                        if key in ancestors:
                            target = walked.get(key, folder)
                            skip(child, f"symlink loop: this folder links back to {shown_path(target)}")
                        elif key in walked:
                            skip(child, f"same folder as {shown_path(walked[key])}, already read")
                        else:
                            walked[key] = child
                            stack.append((child, (*ancestors, key)))
                    elif not wanted:
                        continue
                    elif not utf8_name(child):
                        skip(child, NOT_UTF8_NAME)
                    elif stat.S_ISREG(cst.st_mode):
                        files.setdefault(shown_path(child), child)
                    else:  # a FIFO, socket or device named like an article: said, never opened
                        skip(child, "not a regular file (a device, pipe or socket)")
    ordered = sorted(files.values(), key=path_order)
    return ordered, sorted(skipped.values(), key=lambda m: path_order(m.path))


# ---------------------------------------------------------------- reading bytes


def read_bytes(path: Path, shown: str, max_bytes: int) -> bytes:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # before open(): opening a FIFO would block
            raise InputError(shown, "not a regular file (a folder, device, pipe or socket)")
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise InputError(shown, "not a regular file (a folder, device, pipe or socket)")
            if st.st_size > max_bytes:
                raise InputError(shown, f"file is too large ({st.st_size:,} bytes; the limit is {max_bytes:,} bytes)")
            raw = fh.read(max_bytes + 1)  # the size may lie (growing file, /proc): never read past the limit
    except InputError:
        raise
    except IsADirectoryError:
        raise InputError(shown, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(shown, f"cannot read file: {stat_problem(exc, path)}") from None
    if len(raw) > max_bytes:
        raise InputError(shown, f"file is too large (more than the limit of {max_bytes:,} bytes)")
    if not raw:
        raise InputError(shown, "file is empty")
    return raw


def decode(raw: bytes, shown: str, tables: IngestTables) -> tuple[str, str]:
    """UTF-8 (BOM removed), UTF-16/32 with a BOM, else cp1252, else Latin-1 (which never fails)."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise InputError(shown, f"starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()} (byte {exc.start + len(bom)})") from None
    for magic, kind in tables.signatures:
        if raw.startswith(magic):
            raise InputError(shown, f"not a text file: it looks like a {kind}")
    if b"\x00" in raw:
        raise InputError(shown, "not a text file: it contains NUL bytes (binary data)")
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CONTROL_CODES = re.compile("[\x00-\x08\x0d-\x1f\x7f]")  # below 32 but tab, newline, vertical tab, form feed; DEL


def check_controls(text: str, shown: str) -> None:
    sample = text[:_CONTROL_SAMPLE]
    controls = len(_CONTROL_CODES.findall(sample))
    if controls > _CONTROL_LIMIT * len(sample):
        raise InputError(shown, f"not a text file: {controls} of its first {len(sample)} characters are control codes")


def fingerprint(text: str) -> str:
    """sha256 of the text with trivia removed: Unicode NFC, trailing spaces, leading/trailing blank lines."""
    norm = unicodedata.normalize("NFC", text)
    norm = "\n".join(line.rstrip() for line in norm.split("\n")).strip("\n")
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()
