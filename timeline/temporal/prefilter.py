"""Speed: run each rule only near words it cannot match without.

Every rule's anchors are derived from its compiled pattern (no hand-written trigger list, so a
new rule needs no code): a set of literal strings (or "any digit") such that every match of the
rule contains at least one of them. One scan of the text's words finds where they occur; a rule
then runs only on short windows around its own anchors' hits.
A rule whose anchors cannot be derived (no required literal) runs over the whole text.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Iterable

DIGIT = "0"  # the anchor "any digit": every digit run is scanned as this key
# How far a match (plus its lookarounds) may reach before or after the anchor it contains.
BACK = 50
AHEAD = 60
# A window starts at a token's start; a token longer than this (a URL, "7,7,7,..." without spaces) is cut
# instead, so the backward search stays bounded and the scan linear in the text.
TOKEN_REACH = 32

Anchors = frozenset[str]
_WORD = re.compile(r"\w+")


def _score(anchors: Anchors, common: frozenset[str]) -> float:
    """How well a set of anchors narrows the windows. Anchors as frequent in news as ``common`` words
    would make the windows cover everything: they score 0, so another required part is chosen."""
    def one(a: str) -> float:
        if a == DIGIT:
            return 2.5
        word = a.lstrip("=")
        return 0.0 if word in common else min(len(word), 6) + (0.5 if a[0] == "=" else 0)

    return min(one(a) for a in anchors) - 0.001 * len(anchors)


def _best(options: Iterable[Anchors | None], common: frozenset[str]) -> Anchors | None:
    found = [o for o in options if o]
    return max(found, key=lambda a: _score(a, common)) if found else None


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


def _bounds(op, av, side: int) -> bool:
    """True if this element guarantees a word boundary on its ``side`` (-1: the element is left of a
    word, 1: right of it): a non-word character, \b, or a lookaround that refuses a word character."""
    if op is C.AT:
        return av in (C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_END, C.AT_END_STRING)
    if op is C.ASSERT_NOT:
        direction, sub = av
        return direction == side and len(sub) == 1 and sub[0][0] is C.IN and any(
            o is C.CATEGORY and a is C.CATEGORY_WORD for o, a in sub[0][1])
    if op is C.LITERAL:
        return not (chr(av).isalnum() or chr(av) == "_")
    if op is C.IN:
        return all((o is C.CATEGORY and a is C.CATEGORY_SPACE) or (o is C.LITERAL and not (chr(a).isalnum() or a == 95))
                   for o, a in av)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return av[0] >= 1 and len(av[2]) == 1 and _bounds(*av[2][0], side)
    return False


def _seq(items: list, common: frozenset[str], left: bool = False, right: bool = False) -> Anchors | None:
    """Anchors of a concatenation: the best anchor set of any one required part.

    ``left``/``right``: the sequence is known to start/end at a word boundary. A word anchor that
    is a whole word in every match is written "=word" (found only as that token), else "word"
    (found inside any token).
    """
    options: list[Anchors | None] = []
    k = 0
    n = len(items)
    while k < n:
        op, av = items[k]
        lb = left if k == 0 else _bounds(*items[k - 1], -1)
        if op is C.LITERAL:
            j = k
            while j < n and items[j][0] is C.LITERAL:
                j += 1
            rb = right if j == n else _bounds(*items[j], 1)
            options.append(_literal_anchor("".join(chr(a) for _, a in items[k:j]), lb, rb))
            k = j
            continue
        rb = right if k == n - 1 else _bounds(*items[k + 1], 1)
        options.append(_item(op, av, lb, rb, common))
        k += 1
    return _best(options, common)


def _literal_anchor(run: str, left: bool, right: bool) -> Anchors | None:
    """The text is scanned word by word, so a literal's anchor is its longest word part."""
    words = list(_WORD.finditer(run.lower()))
    if not words:
        return None
    w = max(words, key=lambda m: len(m.group()))
    word = w.group()
    if any(ch.isdigit() for ch in word):
        return frozenset({DIGIT})
    whole = (w.start() > 0 or left) and (w.end() < len(run) or right)
    return frozenset({"=" + word if whole else word})


def _item(op, av, left: bool, right: bool, common: frozenset[str]) -> Anchors | None:
    if op is C.SUBPATTERN:
        return _seq(list(av[-1]), common, left, right)
    if op is C.ATOMIC_GROUP:
        return _seq(list(av), common, left, right)
    if op is C.BRANCH:
        union: set[str] = set()
        for alt in av[1]:
            sub = _seq(list(alt), common, left, right)
            if not sub:
                return None
            union |= sub
        return frozenset(union)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        if av[0] < 1:
            return None
        once = av[1] == 1
        return _seq(list(av[2]), common, left and once, right and once)
    if op is C.IN:
        return frozenset({DIGIT}) if _is_digit_class(av) else None
    return None  # AT, ASSERT, ANY, NOT_LITERAL, group references: nothing required


def derive_anchors(pattern: str, common: frozenset[str] = frozenset()) -> Anchors | None:
    """Literal strings (lower case; DIGIT = any digit) one of which every match contains, or None.
    ``common``: words too frequent to be worth anchoring on (the language's data)."""
    try:
        parsed = P.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    anchors = _seq(list(parsed), common)
    return anchors if anchors and _score(anchors, common) > 0 else None


class Prefilter:
    """Where each rule can match: ``windows(text, begin)`` -> {rule index: merged [lo, hi) windows}.

    The text is cut into words; a word that is a rule's anchor ("=may": the token May), or holds
    it ("year": also "years"), puts a window around itself for that rule. Immutable once built:
    which rules a word serves is remembered only for the length of one ``windows`` call.
    """

    def __init__(self, anchors: list[Anchors | None]) -> None:
        by_key: dict[str, list[int]] = {}
        everywhere = []
        for i, a in enumerate(anchors):
            if a is None:
                everywhere.append(i)
                continue
            for key in a:
                by_key.setdefault(key, []).append(i)
        self.by_key = {k: tuple(v) for k, v in by_key.items()}
        self.inside = tuple(k for k in self.by_key if k != DIGIT and k[0] != "=")
        # one C-level search tells whether a word holds any of the inside anchors (most words hold none)
        self.inside_re = re.compile("|".join(map(re.escape, self.inside)) or "(?!)")
        # One C-level scan of the text finds the words worth looking up (about one in twelve in news):
        # a digit, an inside anchor, or a whole-word anchor, each alternation a prefix tree.
        exact = [k[1:] for k in self.by_key if k[0] == "="]
        parts = [r"\d"] if DIGIT in self.by_key else []
        if self.inside:
            parts.append(_tree(self.inside))
        if exact:
            parts.append(r"(?<!\w)(?:" + _tree(exact) + r")(?!\w)")
        # The anchors are lower case: the scan runs on the lower-cased text without IGNORECASE (three times
        # faster), or on the text itself with it when lower-casing changes the length ("İ").
        self.scan = re.compile("|".join(parts) or "(?!)")
        self.scan_any_case = re.compile(self.scan.pattern, re.IGNORECASE)
        self.everywhere = tuple(everywhere)

    @classmethod
    def build(cls, anchors: list[Anchors | None]) -> "Prefilter":
        return cls(anchors)

    def rules_for(self, word: str) -> tuple[int, ...]:
        """Indexes of the rules with an anchor inside ``word`` (any case)."""
        low = word.lower()
        idx: set[int] = set()
        if any(ch.isdigit() for ch in low):
            idx.update(self.by_key.get(DIGIT, ()))
        idx.update(self.by_key.get("=" + low, ()))
        if self.inside_re.search(low):
            for key in self.inside:
                if key in low:
                    idx.update(self.by_key[key])
        return tuple(sorted(idx))

    def windows(self, text: str, begin: int) -> dict[int, list[tuple[int, int]]]:
        n = len(text)
        by_group: dict[tuple[int, ...], list[tuple[int, int]]] = {}
        memo: dict[str, tuple[int, ...]] = {}  # this text's words: each distinct word is looked up once
        word_end = -1
        low = text.lower()
        hits = self.scan.finditer(low, begin) if len(low) == len(text) else self.scan_any_case.finditer(text, begin)
        for hit in hits:
            s = hit.start()
            if s < word_end:
                continue  # another hit in the word just looked up
            while s > begin and _word_char(text[s - 1]):
                s -= 1
            e = word_end = _WORD.match(text, s).end()  # type: ignore[union-attr]
            word = text[s:e]
            group = memo.get(word)
            if group is None:
                group = memo[word] = self.rules_for(word)
            if not group:
                continue
            lo = s - BACK
            if lo <= begin:
                lo = begin
            else:  # back to the start of the token lo falls in, unless that token is too long to be a date's word
                stop = max(begin, lo - TOKEN_REACH)
                back = lo
                while back > stop and not text[back - 1].isspace():
                    back -= 1
                if back > stop or back == begin:
                    lo = back
            hi = e + AHEAD
            spans = by_group.get(group)
            if spans is None:
                by_group[group] = [(lo, hi)]
            elif lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], hi)
            else:
                spans.append((lo, hi))
        out: dict[int, list[tuple[int, int]]] = {}
        for group, spans in by_group.items():
            for i in group:
                out[i] = _merge(out[i] + spans) if i in out else spans
        for i in self.everywhere:
            out[i] = [(begin, n)]
        return out


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches in a str pattern


def _tree(words: Iterable[str]) -> str:
    """Literal words as one prefix tree ("a(?:fter|go)"): the scan decides by first characters."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node(root)


def _node(node: dict) -> str:
    branches = [re.escape(ch) + _node(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word may end here (an inside anchor needs no more; a whole word tries longer first)
        return f"(?:{body})?" if len(branches) == 1 else f"{body}?"
    return body


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


# --------------------------------------------------------------------------- a rule's first character

class _Unknown(Exception):
    """The first character of a match cannot be told from the pattern (``.``, a negated class, a back-reference)."""


_ASCII = range(128)
_CATEGORIES = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
               C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}


def first_char_gate(pattern: str, ignore_case: bool = True) -> str | None:
    """A lookahead ``(?=...)`` that every match of ``pattern`` (compiled with IGNORECASE unless ``ignore_case`` is
    False) passes at its start, or None. Put before a rule it changes none of its matches, and the engine drops most word starts after one
    character test instead of trying each alternative there.

    The gate is a case-sensitive class that refuses only the ASCII characters no match starts with (which ones a
    first literal, range or category such as \\d matches is asked of the engine, its case folding included): every
    non-ASCII character passes, so no folding of Unicode ("ſ", "K") can be missed. A pattern that may match
    empty, or start with anything else (".", a negated class), gets no gate."""
    try:
        codes, nullable = _first_of_seq(list(P.parse(pattern, re.IGNORECASE if ignore_case else 0)), ignore_case)
    except (_Unknown, re.error):
        return None
    refused = [c for c in _ASCII if c not in codes]
    if nullable or not codes or not refused:
        return None
    return "(?=(?-i:[^" + _ranges(refused) + "]))"


def gated(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` compiled with its first-character gate (the same matches, found faster)."""
    gate = first_char_gate(pattern, bool(flags & re.IGNORECASE))
    return re.compile(gate + "(?:" + pattern + ")" if gate else pattern, flags)


def _ranges(codes: list[int]) -> str:
    """Sorted character codes as class ranges ("\\x00-\\x2f\\x3a-\\x40")."""
    out, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        out.append(f"\\x{codes[i]:02x}" + (f"-\\x{codes[j]:02x}" if j > i else ""))
        i = j + 1
    return "".join(out)


def _first_of_seq(items: list, ignore_case: bool) -> tuple[set[int], bool]:
    """The ASCII codes a sequence may start with, and whether it may match empty."""
    out: set[int] = set()
    for op, av in items:
        codes, nullable = _first_of_item(op, av, ignore_case)
        out |= codes
        if not nullable:
            return out, False
    return out, True


def _ascii_matched(item: str, ignore_case: bool) -> set[int]:
    """The ASCII characters the one-character pattern ``item`` matches, as the engine decides (its case folding
    included: a case-insensitive "K", the Kelvin sign, matches "k")."""
    regex = re.compile(item, re.IGNORECASE if ignore_case else 0)
    return {c for c in _ASCII if regex.fullmatch(chr(c))}


def _cased(code: int, ignore_case: bool) -> set[int]:
    return _ascii_matched(re.escape(chr(code)), ignore_case)


def _first_of_item(op, av, ignore_case: bool) -> tuple[set[int], bool]:
    if op is C.LITERAL:
        return _cased(av, ignore_case), False
    if op is C.IN:
        codes: set[int] = set()
        for o, a in av:
            if o is C.LITERAL:
                codes |= _cased(a, ignore_case)
            elif o is C.RANGE:
                codes |= _ascii_matched(f"[\\U{a[0]:08x}-\\U{a[1]:08x}]", ignore_case)
            elif o is C.CATEGORY and a in _CATEGORIES:
                codes |= _ascii_matched(_CATEGORIES[a], ignore_case)
            else:
                raise _Unknown  # NEGATE, a charset bitmap
        return codes, False
    if op is C.ASSERT and av[0] == 1:  # a lookahead: the character there starts what it looks for
        codes, nullable = _first_of_seq(list(av[1]), ignore_case)
        return (codes, False) if not nullable else (set(), True)
    if op is C.ASSERT_NOT and not av[1]:
        return set(), False  # "(?!)": never matches, starts with nothing
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return set(), True  # zero-width: the next item gives the first character
    if op is C.SUBPATTERN:  # (group, flags added, flags removed, items): "(?-i:...)" inside a rule
        _, added, removed, items = av
        inner = bool(added & re.IGNORECASE) or (ignore_case and not removed & re.IGNORECASE)
        return _first_of_seq(list(items), inner)
    if op is C.ATOMIC_GROUP:
        return _first_of_seq(list(av), ignore_case)
    if op is C.BRANCH:
        codes, nullable = set(), False
        for alt in av[1]:
            c, n = _first_of_seq(list(alt), ignore_case)
            codes |= c
            nullable = nullable or n
        return codes, nullable
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        codes, nullable = _first_of_seq(list(av[2]), ignore_case)
        return codes, nullable or av[0] == 0
    raise _Unknown  # ANY, NOT_LITERAL, GROUPREF ...
