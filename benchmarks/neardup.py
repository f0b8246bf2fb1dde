"""Cost and accuracy of near-duplicate grouping at volume (timeline.neardup), single process.

    python benchmarks/neardup.py CORPUS/te3-silver [--articles 10000] [--seed 1]

Reads the TEXT of every TimeML file under the folder (TempEval-3 silver: 2,452 wire stories), then
fills the batch up to ``--articles`` with planted copies of random stories, of the kinds a
newsroom gets: the same story with a line added, another outlet's dateline and footer, the first
70% of the paragraphs, 5% / 10% of the words changed, 5% changed with two paragraphs swapped and
the last dropped, and a heavier rewrite (15% changed, a paragraph dropped and one added).
Reports the CPU time (process time) to sketch every text, to find LSH candidates and to verify them, peak memory, and
for each planted kind how many copies were grouped with their original (a copy of a copy counts
when it lands in the same group). Pairs of *original* stories grouped together are listed: in
TE3-silver they are the agencies' own re-issues of one story (same day, "Eds: updates with...").
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
from collections import Counter
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timeline import neardup  # noqa: E402

_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
_DCT = re.compile(r'functionInDocument="CREATION_TIME"[^>]*value="(\d{4})-?(\d\d)-?(\d\d)|value="(\d{4})-?(\d\d)-?(\d\d)"[^>]*functionInDocument="CREATION_TIME"')
_TAG = re.compile(r"<[^>]+>")
_SWAP = {"said": "stated", "told": "informed", "would": "will", "after": "following", "also": "additionally",
         "about": "around", "more": "over", "but": "however", "killed": "died", "percent": "per cent"}


def load(folder: Path) -> list[tuple[str, str, str | None]]:
    docs = []
    for p in sorted(folder.rglob("*.tml")):
        raw = p.read_text(encoding="utf-8", errors="replace")
        m = _TEXT.search(raw)
        if not m:
            continue
        d = _DCT.search(raw)
        date = "-".join(g for g in (d.groups()[:3] if d and d.group(1) else (d.groups()[3:] if d else ())) if g) or None
        docs.append((p.stem, unescape(_TAG.sub("", m.group(1))).strip(), date))
    return docs


def _edit(text: str, rate: float, rnd: random.Random) -> str:
    words = text.split(" ")
    for i, w in enumerate(words):
        if w and rnd.random() < rate:
            words[i] = _SWAP.get(w, w.upper() if rnd.random() < 0.5 else w + "s")
    return " ".join(words)


def _paras(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()] or [text]


KINDS = {
    "line added": lambda t, r: t + "\n\nThis story has been updated with comment from the ministry.",
    "outlet frame": lambda t, r: "LONDON (Wire) - " + t + "\n\nCopyright 2025 Wire Ltd. All rights reserved.",
    "first 70%": lambda t, r: "\n\n".join(_paras(t)[: max(1, round(len(_paras(t)) * 0.7))]),
    "5% words": lambda t, r: _edit(t, 0.05, r),
    "10% words": lambda t, r: _edit(t, 0.10, r),
    "5% + swap + drop": lambda t, r: _edit("\n\n".join(_swap_drop(_paras(t))), 0.05, r),
    "15% + drop + add": lambda t, r: _edit("\n\n".join(_paras(t)[:-1] if len(_paras(t)) > 2 else _paras(t)), 0.15, r)
    + "\n\nAnalysts said the move had been expected.",
}


def _swap_drop(ps: list[str]) -> list[str]:
    ps = ps[:]
    if len(ps) > 3:
        ps[1], ps[2] = ps[2], ps[1]
    return ps[:-1] if len(ps) > 2 else ps


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="folder of TimeML files (TempEval-3 silver)")
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"error: {args.corpus}: not a folder", file=sys.stderr)
        return 2
    import datetime as dt

    docs = load(args.corpus)
    if not docs:
        print(f"error: no TimeML TEXT found under {args.corpus}", file=sys.stderr)
        return 2
    rnd = random.Random(args.seed)
    items = [(name, text, dt.date.fromisoformat(date) if date else None) for name, text, date in docs]
    planted: list[tuple[str, str, str]] = []  # (copy id, original id, kind)
    kinds = list(KINDS)
    while len(items) < args.articles:
        name, text, date = items[rnd.randrange(len(docs))]
        kind = kinds[len(planted) % len(kinds)]
        cid = f"{name}~copy{len(planted)}"
        items.append((cid, KINDS[kind](text, rnd), date))
        planted.append((cid, name, kind))
    chars = sum(len(t) for _, t, _ in items)

    t0 = time.process_time()
    sketches = [neardup.sketch(t) for _, t, _ in items]
    t1 = time.process_time()
    candidates = neardup._candidates([s.signature for s in sketches])  # noqa: SLF001 - timing the step alone
    t2 = time.process_time()
    pairs = sum(len(v) for v in candidates.values())
    t3 = time.process_time()
    copies = neardup.find_copies(items)  # the whole step, as the pipeline runs it
    t4 = time.process_time()

    group = {aid: c.source_id for aid, c in copies.items()}

    def root(aid: str) -> str:
        return group.get(aid, aid)

    found = Counter(kind for cid, orig, kind in planted if root(cid) == root(orig))
    total = Counter(kind for _, _, kind in planted)
    originals = {name for name, _, _ in docs}
    natural = sorted((c.article_id, c.source_id, c.jaccard, c.containment) for c in copies.values()
                     if c.article_id in originals and c.source_id in originals)
    print(f"{len(items):,} articles ({len(docs):,} TE3-silver stories + {len(planted):,} planted copies), {chars / 1e6:.1f} M chars")
    print(f"sketches (shingles, BLAKE2b, one-permutation MinHash): {t1 - t0:.2f} s")
    print(f"LSH candidates ({neardup.BANDS} bands x {neardup.ROWS} rows): {t2 - t1:.2f} s, {pairs:,} candidate pairs")
    print(f"whole step (find_copies: sketches + LSH + exact verification + union-find groups): {t4 - t3:.2f} s, "
          f"{len(copies):,} copies in {len(set(group.values())):,} groups")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print("planted copies grouped with their original:")
    for kind in kinds:
        print(f"  {kind:18s} {found[kind]:5d} / {total[kind]:5d}  ({found[kind] / max(1, total[kind]):.0%})")
    print(f"pairs of original stories grouped: {len(natural)}")
    for a, b, j, c in natural:
        print(f"  {a} copy of {b}: Jaccard {j:.2f}, containment {c:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
