"""Speed: run each rule only near words it cannot match without.

Every rule's anchors are derived from its compiled pattern (no hand-written trigger list, so a
new rule needs no code): a set of literal strings (or "any digit") such that every match of the
rule contains at least one of them. One scan of the text with a trie-shaped regex of all anchors
finds where they occur; a rule then runs only on short windows around its own anchors' hits.
A rule whose anchors cannot be derived (no required literal) runs over the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Iterable

DIGIT = "0"  # the anchor "any digit": every digit run is scanned as this key
# Anchors this frequent in news text would make the windows cover everything; another required
# part of the pattern is chosen instead when there is one.
_COMMON = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "by", "and", "or", "for", "s", "is", "it",
                     "as", "be", "that", "this", "with", "from", "he", "she", "they", "we", "his", "her", "its"})
# How far a match (plus its lookarounds) may reach before or after the anchor it contains.
BACK = 50
AHEAD = 60

Anchors = frozenset[str]


def _score(anchors: Anchors) -> float:
    def one(a: str) -> float:
        if a == DIGIT:
            return 2.5
        return 0.0 if a.strip(" .") in _COMMON else min(len(a), 6)

    return min(one(a) for a in anchors) - 0.001 * len(anchors)


def _best(options: Iterable[Anchors | None]) -> Anchors | None:
    found = [o for o in options if o]
    return max(found, key=_score) if found else None


def _is_digit_class(items: list) -> bool:
    ok = False
    for op, av in items:
        if op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            ok = True
        elif op is C.RANGE and 48 <= av[0] <= av[1] <= 57:
            ok = True
        elif op is C.LITERAL and 48 <= av <= 57:
            ok = True
        else:
            return False
    return ok


def _seq(items: Iterable) -> Anchors | None:
    """Anchors of a concatenation: the best anchor set of any one required part."""
    options: list[Anchors | None] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            word = "".join(run).lower()
            if word.strip():
                options.append(frozenset({word}))
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        flush()
        options.append(_item(op, av))
    flush()
    return _best(options)


def _item(op, av) -> Anchors | None:
    if op is C.SUBPATTERN:
        return _seq(av[-1])
    if op is C.ATOMIC_GROUP:
        return _seq(av)
    if op is C.BRANCH:
        union: set[str] = set()
        for alt in av[1]:
            sub = _seq(alt)
            if not sub:
                return None
            union |= sub
        return frozenset(union)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return _seq(av[2]) if av[0] >= 1 else None
    if op is C.IN:
        return frozenset({DIGIT}) if _is_digit_class(av) else None
    return None  # AT, ASSERT, ANY, NOT_LITERAL, group references: nothing required


def derive_anchors(pattern: str) -> Anchors | None:
    """Literal strings (lower case; DIGIT = any digit) one of which every match contains, or None."""
    try:
        parsed = P.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    anchors = _seq(list(parsed))
    return anchors if anchors and _score(anchors) > 0 else None


def _trie_regex(words: Iterable[str]) -> str:
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return f"(?:{body})?"
        return body

    return build(trie)


@dataclass(frozen=True)
class Prefilter:
    """Where each rule can match: ``windows(text, begin)`` -> {rule index: merged windows}."""

    scan: re.Pattern[str]
    by_hit: dict[str, tuple[int, ...]]  # scanned key -> indexes of the rules anchored on it or on a part of it
    by_key: dict[str, tuple[int, ...]]  # anchor string -> indexes of the rules anchored on it
    everywhere: tuple[int, ...]  # rules without anchors

    @classmethod
    def build(cls, anchors: list[Anchors | None]) -> "Prefilter":
        by_key: dict[str, list[int]] = {}
        everywhere = []
        for i, a in enumerate(anchors):
            if a is None:
                everywhere.append(i)
                continue
            for key in a:
                # A key with a digit in it is found by the digit scan.
                by_key.setdefault(DIGIT if any(ch.isdigit() for ch in key) else key, []).append(i)
        words = [k for k in by_key if k != DIGIT]
        # The trie's optional tails are greedy, so a hit is the longest key at its position; keys
        # inside it are credited through ``by_hit``.
        source = "[0-9]+" + ("|" + _trie_regex(words) if words else "")
        by_hit = {w: tuple(sorted({i for k in words if k in w for i in by_key[k]})) for w in words}
        return cls(re.compile(source, re.IGNORECASE), by_hit, {k: tuple(v) for k, v in by_key.items()}, tuple(everywhere))

    def rules_for(self, hit: str) -> tuple[int, ...]:
        """Rules whose anchors occur in ``hit`` (a scanned key: every key inside it counts too)."""
        return self.by_key.get(DIGIT, ()) if hit[0].isdigit() else self.by_hit.get(hit.lower(), ())

    def windows(self, text: str, begin: int) -> dict[int, list[tuple[int, int]]]:
        n = len(text)
        by_group: dict[tuple[int, ...], list[tuple[int, int]]] = {}
        by_key = self.by_key
        by_hit = self.by_hit
        digits = by_key.get(DIGIT, ())
        for m in self.scan.finditer(text, begin):
            hit = m.group()
            group = digits if hit[0].isdigit() else by_hit.get(hit.lower(), ())
            if not group:
                continue
            s, e = m.span()
            lo = s - BACK
            if lo <= begin:
                lo = begin
            else:
                while lo > begin and not text[lo - 1].isspace():
                    lo -= 1
            spans = by_group.get(group)
            if spans is None:
                by_group[group] = [(lo, e + AHEAD)]
            elif lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], e + AHEAD)
            else:
                spans.append((lo, e + AHEAD))
        out: dict[int, list[tuple[int, int]]] = {}
        for group, spans in by_group.items():
            for i in group:
                if i in out:
                    out[i] = _merge(out[i] + spans)
                else:
                    out[i] = spans
        for i in self.everywhere:
            out[i] = [(begin, n)]
        return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged = [spans[0]]
    for lo, hi in spans[1:]:
        if lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged
