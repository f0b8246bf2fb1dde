"""Near-duplicate articles: syndicated copies and light rewrites of one story are one source, not several.

A batch step over the body texts of the usable articles, separate from the per-article steps and
run once per build. Exact duplicates (same text) are caught earlier by their fingerprint; this
step finds the copies that differ a little: the same wire story with a line added, another
outlet's dateline and footer, the first paragraphs only, a few words changed.

Method (MinHash over word shingles with banded LSH, as in Broder 1997 and Leskovec et al.,
*Mining of Massive Datasets* ch. 3, computed without numpy):

* an article's **shingles** are its runs of ``SHINGLE_WORDS`` consecutive words (case-folded,
  NFKC), each hashed once to 64 bits with BLAKE2b (stable across runs and machines, unlike
  ``hash()``);
* its **signature** is a one-permutation MinHash (Li, Owen & Zhang 2012): the hashes fall into
  ``BINS`` bins by their top bits and each bin keeps its smallest value; empty bins of short
  texts borrow the next full bin's value (rotation densification, Shrivastava & Li 2014). One
  hash per shingle instead of one per shingle and permutation keeps the cost linear and small;
* **LSH**: the signature is cut into ``BANDS`` bands of ``ROWS`` values; two articles sharing one
  band are candidates. With 42 x 3 a pair of Jaccard 0.3 becomes a candidate with probability
  0.68, 0.4 with 0.94, 0.5 with 0.996; a pair sharing no shingle never does;
* every candidate pair is **verified exactly** on the two shingle sets: a copy has Jaccard
  similarity >= ``MIN_JACCARD``, or has ``MIN_CONTAINMENT`` of the shorter text inside the longer
  one (a trimmed or extended copy) with Jaccard >= ``MIN_JACCARD_CONTAINED``; and the two
  publication dates, when both are known, are at most ``MAX_DAYS_APART`` days apart.

The thresholds were chosen on real text (TempEval-3 silver wire stories and the Wikinews
news-timeline corpus, numbers in ``benchmarks/neardup.py``): independent reports of the same
story share almost no 5-word runs (no pair above Jaccard 0.05 in 60 Wikinews articles on two
topics; the five seeds below 0.01), while a copy with a line added scores >= 0.85 (5th
percentile), a 30% trim 0.58 with containment 1.0, 5% of words changed 0.67 and 10% changed
0.53. What the date rule guards against: templated daily reports ("The Hushen 300 Index ...
closed at 869.62 points on Tuesday") reach Jaccard 0.68 between different days.

Verified pairs are joined into groups (union-find, so a trimmed copy and a reworded copy of one
story land together even when they are not similar enough to each other). In each group the
earliest-dated article counts as the source (then the longest text, the most complete version,
then the id); the others are its copies, each reported with its similarity to the source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from timeline.merge import date_key, idf_weights, same_happening
from timeline.models import Analysis, Entry, Event, SourceCopy

__all__ = ["Copy", "Sketch", "attach_copies", "find_copies", "fold_copies", "sketch", "similarity"]

SHINGLE_WORDS = 5
MIN_WORDS = 12  # shorter texts are never grouped: too few words to tell a copy from a coincidence
BIN_BITS = 7
BINS = 1 << BIN_BITS  # 128 values per signature
BANDS, ROWS = 42, 3  # 126 of the 128 values used; candidate threshold about (1/42)^(1/3) = 0.29
MIN_JACCARD = 0.5
MIN_CONTAINMENT = 0.8
MIN_JACCARD_CONTAINED = 0.25
MAX_DAYS_APART = 2
BUCKET_CAP = 32  # an article is compared with at most this many earlier articles per LSH bucket

_VALUE_BITS = 64 - BIN_BITS
_VALUE_MASK = (1 << _VALUE_BITS) - 1
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Sketch:
    """The shingle hashes (sorted, distinct) and the MinHash signature of one text."""

    hashes: array
    signature: array | None  # None: too short to compare


@dataclass(frozen=True)
class Copy:
    """``article_id`` is a near-duplicate of ``source_id`` (the article that counts)."""

    article_id: str
    source_id: str
    jaccard: float
    containment: float


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def sketch(text: str) -> Sketch:
    """Shingle hashes and signature of a text (pure; the same text always gives the same sketch)."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return Sketch(array("Q"), None)
    blake = hashlib.blake2b
    hashes = sorted({
        int.from_bytes(blake(" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8"), digest_size=8).digest(), "little")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    })
    bins: list[int | None] = [None] * BINS
    for h in hashes:
        b, v = h >> _VALUE_BITS, h & _VALUE_MASK
        cur = bins[b]
        if cur is None or v < cur:
            bins[b] = v
    signature = []
    for i in range(BINS):
        j, d = i, 0
        while bins[j] is None:  # rotation densification: borrow from the next full bin, offset by the distance
            j, d = (j + 1) % BINS, d + 1
        signature.append(bins[j] + (d << _VALUE_BITS))  # type: ignore[operator]
    return Sketch(array("Q", hashes), array("Q", signature))


def similarity(a: Sketch, b: Sketch) -> tuple[float, float]:
    """Exact (Jaccard, containment of the smaller in the larger) of two shingle sets."""
    if not a.hashes or not b.hashes:
        return 0.0, 0.0
    sa, sb = set(a.hashes), set(b.hashes)
    shared = len(sa & sb)
    return shared / (len(sa) + len(sb) - shared), shared / min(len(sa), len(sb))


def is_copy(jaccard: float, containment: float) -> bool:
    return jaccard >= MIN_JACCARD or (containment >= MIN_CONTAINMENT and jaccard >= MIN_JACCARD_CONTAINED)


def _dates_allow(a: dt.date | None, b: dt.date | None) -> bool:
    return a is None or b is None or abs((a - b).days) <= MAX_DAYS_APART


def find_copies(items: Iterable[tuple[str, str, dt.date | None]]) -> dict[str, Copy]:
    """Copies among ``(article id, body text, publication date)`` items: {copy id: Copy}.

    Articles absent from the result are independent (or are the source of a group). The result
    depends only on the items, not on their order.
    """
    return copies_among([(aid, sketch(text), date, len(text)) for aid, text, date in items])


def copies_among(rows: list[tuple[str, Sketch, dt.date | None, int]]) -> dict[str, Copy]:
    """``find_copies`` on (article id, sketch of the body, date, body length) rows made beforehand (a
    streaming build sketches each article as it reads it, then lets the text go)."""
    rows = list(rows)
    # the order in which a group's members compete to be its source: earliest date (undated
    # last), then the longest text (the most complete version), then the id
    rows.sort(key=lambda r: (r[2] is None, r[2] or dt.date.min, -r[3], r[0]))
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, earlier in sorted(_candidates([r[1].signature for r in rows]).items()):
        for j in sorted(earlier):
            if find(i) == find(j) or not _dates_allow(rows[i][2], rows[j][2]):
                continue
            if is_copy(*similarity(rows[i][1], rows[j][1])):
                a, b = find(i), find(j)
                parent[max(a, b)] = min(a, b)  # the root is always the group's first row: its source
    copies: dict[str, Copy] = {}
    for i, (aid, sk, _, _) in enumerate(rows):
        root = find(i)
        if root != i:
            jac, con = similarity(sk, rows[root][1])
            copies[aid] = Copy(aid, rows[root][0], round(jac, 3), round(con, 3))
    return copies


def _candidates(signatures: Sequence[array | None]) -> dict[int, set[int]]:
    """For each row, the earlier rows sharing at least one LSH band with it."""
    buckets: dict[tuple[int, ...], list[int]] = {}
    found: dict[int, set[int]] = {}
    for i, sig in enumerate(signatures):
        if sig is None:
            continue
        for band in range(BANDS):
            key = (band, *sig[band * ROWS:(band + 1) * ROWS])
            members = buckets.setdefault(key, [])
            if members:
                found.setdefault(i, set()).update(members[:BUCKET_CAP])
            members.append(i)
    return found


# --------------------------------------------------------------------------- the batch step on events


def fold_copies(analyses: Sequence[Analysis], copies: Mapping[str, Copy]) -> tuple[list[Analysis], dict[tuple[str, int, int], list[SourceCopy]]]:
    """Take out of each copy the events its source tells too, so they are not counted twice.

    An event of a copy is its source's when the source has an event on the same date whose
    sentence is the same after trivia (case, spacing, punctuation), or which ``same_happening``
    (the merge's test) takes for the same happening. Those events are dropped from the copy's
    analysis and returned as copies of the source's event, keyed by (source article id, date
    phrase start, quote start); the copy's other events (a line it added) stay its own.
    """
    if not copies:
        return list(analyses), {}
    by_id = {a.article.id: a for a in analyses}
    idf = idf_weights([e for a in analyses for e in a.events])
    folded: dict[tuple[str, int, int], list[SourceCopy]] = {}
    out: list[Analysis] = []
    for analysis in analyses:
        copy = copies.get(analysis.article.id)
        source = by_id.get(copy.source_id) if copy else None
        if source is None:
            out.append(analysis)
            continue
        pool: dict[str, list[Event]] = {}
        for e in source.events:
            pool.setdefault(date_key(e.when), []).append(e)
        kept: list[Event] = []
        for e in analysis.events:
            match = next((o for o in pool.get(date_key(e.when), [])
                          if _same_words(o.quote, e.quote) or same_happening(e, o, idf)), None)
            if match is None:
                kept.append(e)
                continue
            a = analysis.article
            folded.setdefault((match.article_id, match.mention.start, match.quote_start), []).append(SourceCopy(
                article_id=a.id, path=a.path, article_title=a.title, url=a.url,
                quote=e.quote, quote_start=e.quote_start, quote_end=e.quote_end))
        out.append(analysis.model_copy(update={"events": kept}))
    return out, folded


def attach_copies(entries: Sequence[Entry], folded: Mapping[tuple[str, int, int], list[SourceCopy]]) -> list[Entry]:
    """Each entry's sources with the copies that told the same listed under them."""
    if not folded:
        return list(entries)
    out = []
    for entry in entries:
        sources = []
        for s in entry.sources:
            extra = folded.get((s.article_id, s.date_start, s.quote_start))
            sources.append(s.model_copy(update={"copies": [*s.copies, *extra]}) if extra else s)
        out.append(entry.model_copy(update={"sources": sources}))
    return out


_TRIVIA = re.compile(r"[\W_]+")


def _same_words(a: str, b: str) -> bool:
    return _TRIVIA.sub(" ", a.casefold()).strip() == _TRIVIA.sub(" ", b.casefold()).strip()
