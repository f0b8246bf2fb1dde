"""The analysis cache: each article's analysis kept in an SQLite file, so a re-run analyses only what changed.

An entry's key is a hash of the article's exact text, where its body starts, the date it was
analysed under, and the *fingerprint*: the package version plus the bytes of every file the
per-article steps depend on (their code and the language data). Editing a rule, a table or the
code therefore makes every earlier entry unreachable (they are pruned at the end of the build),
and nothing stale is ever read. Values are the JSON of ``compact.pack`` (never pickle: a cache
file found in a shared folder cannot run code).

The database is in WAL mode: readers never block the writer, two builds on one cache at once
take turns to write (a busy timeout, each batch of rows one short transaction, INSERT OR
IGNORE since two builds store the same value for the same key), and a build killed at any
point leaves the last committed rows and a consistent file. A file that is not a usable
database is set aside (renamed ``*.broken``) and a new one started.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from timeline.errors import UserError

SCHEMA = 1
BUSY_TIMEOUT_S = 120
BATCH_ROWS = 256  # rows per write transaction: short enough not to hold the lock, long enough to be cheap
BATCH_SECONDS = 1.0  # and at least this often, so a build killed late has kept nearly all its work

# What the per-article steps read: their code and the language data (paths inside the package).
_ANALYSIS_SOURCES = ("temporal", "lang", "data", "events.py", "gazetteer.py", "resources.py", "models.py",
                     "compact.py", "engine.py", "neardup.py", "pipeline.py", "dating.py")


def fingerprint(lang: str) -> str:
    """A hash of the package version and of every file the per-article steps depend on."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("timeline").encode())
    except metadata.PackageNotFoundError:
        digest.update(b"unversioned")
    digest.update(lang.encode())
    files: list[Path] = []
    for name in _ANALYSIS_SOURCES:
        path = root / name
        files += sorted(p for p in path.rglob("*") if p.suffix in (".py", ".toml")) if path.is_dir() else [path]
    for path in files:
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def article_key(fp: str, text: str, body_start: int, date: str) -> str:
    digest = hashlib.sha256(fp.encode())
    digest.update(f"\0{body_start}\0{date}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def default_path(out_dir: Path) -> Path:
    """The cache beside the output folder (not in it: the folder holds only the outputs):
    ``-o dist`` -> ``.timeline/cache.sqlite``, ``-o /srv/news/out`` -> ``/srv/news/.timeline/cache.sqlite``."""
    return Path(out_dir).absolute().parent / ".timeline" / "cache.sqlite"


class AnalysisCache:
    """Packed analyses by key, in one SQLite file (see the module docstring)."""

    def __init__(self, path: Path, fp: str) -> None:
        self.path = Path(path)
        self.fp = fp
        self.hits = self.misses = self.stored = 0
        self._pending: list[tuple[str, str, bytes]] = []
        self._flushed = time.monotonic()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"--cache {self.path}: cannot create its folder ({exc.strerror or exc})") from exc
        if self.path.exists() and self.path.is_dir():
            raise UserError(f"--cache {self.path}: is a folder; give a file name (e.g. {self.path / 'cache.sqlite'})")
        try:
            self.db = self._open()
        except sqlite3.DatabaseError:
            self._set_aside()
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.DatabaseError(f"journal mode {mode}")
            db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: a crash loses at most the last commits, never consistency
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS analyses (key TEXT PRIMARY KEY, fp TEXT NOT NULL, data BLOB NOT NULL)"
                       " WITHOUT ROWID")
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            schema = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()[0]
            if schema != str(SCHEMA):
                raise sqlite3.DatabaseError(f"cache schema {schema}, expected {SCHEMA}")
            db.execute("SELECT count(*) FROM analyses WHERE key = ''").fetchone()  # reads a page: fails on garbage
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self.path}{suffix}")
            if src.exists():
                os.replace(src, Path(f"{self.path}{suffix}.broken-{stamp}"))

    def get(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT data FROM analyses WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return bytes(row[0])

    def put(self, key: str, data: bytes) -> None:
        self._pending.append((key, self.fp, data))
        if len(self._pending) >= BATCH_ROWS or time.monotonic() - self._flushed >= BATCH_SECONDS:
            self.flush()

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        for key, data in items:
            self.put(key, data)

    def flush(self) -> None:
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        self._flushed = time.monotonic()
        with self._transaction():
            self.db.executemany("INSERT OR IGNORE INTO analyses (key, fp, data) VALUES (?, ?, ?)", rows)
        self.stored += len(rows)

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def prune(self) -> int:
        """Remove entries of other fingerprints (older code or rules): they can never be read again."""
        with self._transaction():
            return self.db.execute("DELETE FROM analyses WHERE fp != ?", (self.fp,)).rowcount

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.db.close()

    def __enter__(self) -> AnalysisCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error): takes the write lock up front, waiting up to the
    busy timeout for another build to finish its batch."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, *exc: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
