"""Keep entry identities stable across builds: an entry that is still there keeps its UID, and
gets a higher SEQUENCE when its content changed, so calendars update it instead of duplicating it.

The previous build is read from the output folder's timeline.json. An entry of the new build is the
same as a previous one when they share sources (same article text and same sentence).
"""

from __future__ import annotations

import json
import os
import stat
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from timeline.models import Entry, EventStatus


class _Lean(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _PreviousWhen(_Lean):
    value: str


class _PreviousSource(_Lean):
    article_id: str
    quote_start: int


class _PreviousConflict(_Lean):
    note: str


class _PreviousEntry(_Lean):
    uid: str
    sequence: int = 0
    when: _PreviousWhen
    title: str
    status: EventStatus
    sources: list[_PreviousSource]
    conflict: _PreviousConflict | None = None


class _PreviousManifest(_Lean):
    article_id: str | None = None
    sha256: str | None = None


class PreviousTimeline(_Lean):
    """What continuity needs of the last build's timeline.json (the rest is not even parsed: at archive
    size the whole previous Timeline would take as much memory as the new one)."""

    entries: list[_PreviousEntry]
    manifest: list[_PreviousManifest]


PREVIOUS_MAX_BYTES = 1 << 30  # a previous timeline.json larger than this is not read (none is this large)


def load_previous(out_dir: Path) -> PreviousTimeline | None:
    """The timeline of the last build in ``out_dir``, or None if there is none (or it is unreadable).

    Only a regular file is read: a FIFO there would block the build forever and a link to /dev/zero
    would fill the memory, so anything else (and a file over ``PREVIOUS_MAX_BYTES``) counts as none;
    the build then replaces it."""
    path = Path(out_dir) / "timeline.json"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > PREVIOUS_MAX_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(PREVIOUS_MAX_BYTES + 1)
        if len(data) > PREVIOUS_MAX_BYTES:
            return None
        return PreviousTimeline.model_validate_json(data)
    except (OSError, ValidationError, ValueError, json.JSONDecodeError):
        return None
    finally:
        os.close(fd)


def _source_keys(entry: Entry, sha: dict[str, str]) -> set[tuple[str, int]]:
    return {(sha.get(s.article_id, s.article_id), s.quote_start) for s in entry.sources}


def _content(entry: Entry) -> tuple:
    return (entry.when.value, entry.title, entry.status, tuple(sorted((s.article_id, s.quote_start) for s in entry.sources)),
            entry.conflict.note if entry.conflict else None)


def carry_over(entries: list[Entry], previous: PreviousTimeline | None, sha: dict[str, str], previous_sha: dict[str, str]) -> list[Entry]:
    """Reuse previous UIDs for entries that continue a previous one (most shared sources wins, each
    previous entry used once); raise SEQUENCE when the content changed."""
    if previous is None:
        return entries
    index: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, old in enumerate(previous.entries):
        for key in _source_keys(old, previous_sha):
            index[key].append(i)
    used: set[int] = set()
    taken_uids = {e.uid for e in entries}
    result = []
    for entry in entries:
        votes: dict[int, int] = defaultdict(int)
        for key in _source_keys(entry, sha):
            for i in index.get(key, []):
                votes[i] += 1
        candidates = sorted((i for i in votes if i not in used), key=lambda i: (-votes[i], i))
        if not candidates:
            result.append(entry)
            continue
        old = previous.entries[candidates[0]]
        used.add(candidates[0])
        if old.uid != entry.uid and old.uid in taken_uids:
            result.append(entry)  # another new entry already carries that UID
            continue
        sequence = old.sequence if _content(old) == _content(entry) and old.uid == entry.uid else old.sequence + (_content(old) != _content(entry))
        result.append(entry.model_copy(update={"uid": old.uid, "sequence": sequence}))
    return result
