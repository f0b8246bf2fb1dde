"""The resolver's shortcuts give the same answers as the plain way, and stay linear in the text."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from timeline.temporal import find_mentions, load_rules
from timeline.temporal.context import (FUTURE_BEFORE, SentenceIndex, _sentence_markers_by_list, in_quotation,
                                       sentence_markers, sentence_spans, tense_near)
from timeline.temporal.extract import find_candidates
from timeline.temporal.prefilter import AHEAD, BACK, TOKEN_REACH, _WORD, _merge, first_char_gate

RULES = load_rules("en")

TEXTS = [
    "Putin and Xi met in Moscow on Thursday, a day after Xi arrived; the talks will resume next week.",
    "Shares closed the day up 2% at 10:30 a.m. (0230 GMT) Friday, and they'll rise in the 2011-12 season.",
    "He said he'd been planning to sell the unit by year-end, as expected to close 20,000 jobs since '91.",
    "The recently announced iPhone 4 is set for November 2; it's celebrated every year on May 9 in Russia.",
    "Ünïcödé yesterday 1998_07 __May__ May-June 7,7,7,7 x" + "y" * 300 + "year today",
    "İstanbul talks end today; İzmir votes next Friday.",  # lower-casing changes the length: the other scan
    'Hadley told reporters on Thursday: "It\'s going to be weeks," and “we will act on Monday” he said Friday "now',
]


def _windows_word_by_word(text: str, begin: int) -> dict[int, list[tuple[int, int]]]:
    """The prefilter's windows found by looking up every word of the text (what the one scan replaces)."""
    pf = RULES.prefilter
    by_group: dict[tuple[int, ...], list[tuple[int, int]]] = {}
    for m in _WORD.finditer(text, begin):
        group = pf.rules_for(m.group())
        if not group:
            continue
        s, e = m.span()
        lo = s - BACK
        if lo <= begin:
            lo = begin
        else:  # back to the token's start, unless the token is longer than TOKEN_REACH
            back = lo
            while back > max(begin, lo - TOKEN_REACH) and not text[back - 1].isspace():
                back -= 1
            if back > max(begin, lo - TOKEN_REACH) or back == begin:
                lo = back
        spans = by_group.setdefault(group, [])
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], e + AHEAD)
        else:
            spans.append((lo, e + AHEAD))
    out: dict[int, list[tuple[int, int]]] = {}
    for group, spans in by_group.items():
        for i in group:
            out[i] = _merge(out[i] + spans) if i in out else list(spans)
    return out


@pytest.mark.parametrize("text", TEXTS)
def test_one_scan_finds_the_windows_a_word_by_word_lookup_finds(text):
    for begin in (0, 5):
        assert RULES.prefilter.windows(text, begin) == _windows_word_by_word(text, begin)


# Case folding of Unicode: "ſ" matches "s", "K" (Kelvin) "k", "İ" "i" in a case-insensitive rule
FOLDED = ["ſince Monday, a KILO a ſecond, last Thurſday; İn 2009 the ıdes of March", "\u212aey dates: ſunday 12 Dec."]


@pytest.mark.parametrize("text", TEXTS + FOLDED)
def test_first_character_gate_changes_no_rule_match(text):
    import re

    prefix = r"(?<!\w)"
    gated = 0
    for rule in RULES.rules:
        pattern = rule.regex.pattern
        gate = re.match(r"\(\?=\(\?-i:\[\^[^\]]*\]\)\)", pattern[len(prefix):])
        if gate is None:
            continue
        gated += 1
        body = pattern[len(prefix) + gate.end() + len("(?:"):-1]
        assert first_char_gate(body) == gate.group()
        plain = re.compile(prefix + "(?:" + body + ")", rule.regex.flags)
        for lo in (0, 3):
            assert [m.span() for m in rule.regex.finditer(text, lo)] == [m.span() for m in plain.finditer(text, lo)], rule.name
    assert gated > len(RULES.rules) // 2


def test_first_character_gate_lets_through_what_a_match_may_start_with():
    import re

    def starts(pattern: str, flags: int = re.IGNORECASE) -> set[str]:
        gate = re.compile(first_char_gate(pattern, bool(flags)) or "(?!)")
        return {chr(c) for c in range(128) if gate.match(chr(c))}

    assert starts(r"(?:on\s+)?monday|\d+(?:st|th)|(?-i:Jan\.)") == set("oOmMJ0123456789")
    assert starts(r"(?<![\w'’])[A-Z]\w*", 0) == {chr(c) for c in range(65, 91)}
    assert starts("\u212aelvin") == {"k", "K"}  # the engine folds the Kelvin sign onto both
    assert starts(r"(?=to)\w+") == {"t", "T"}
    gate = re.compile(first_char_gate("monday") or "")
    assert gate.match("ſ") and gate.match("\u212a") and gate.match("é")  # every non-ASCII character passes
    assert first_char_gate(r"(?:the\s+)?") is None  # may match empty
    assert first_char_gate(r".+day") is None  # any character


@pytest.mark.parametrize("text", TEXTS)
def test_one_marker_scan_finds_what_one_scan_per_list_finds(text):
    for sentence in sentence_spans(text, 0, RULES.language):
        assert sentence_markers(text, sentence, RULES.language) == _sentence_markers_by_list(text, sentence, RULES.language)


def _tense_by_scan(markers, start: int, end: int, text: str = "", sentence=(0, 0), quoted: bool | None = None) -> str:
    """tense_near as a scan of every marker of the sentence (what the sorted index replaces); with ``quoted``,
    only the markers on the mention's side of the quotation marks (read char by char), if there are any."""
    if quoted is not None:
        def side(m_start: int) -> bool:
            return in_quotation(text, sentence, m_start) == quoted
        if any(side(a) for a, _, _, aux in markers.explicit if not aux) or any(side(a) for a, _ in markers.ed_verbs):
            markers = type(markers)(tuple(m for m in markers.explicit if side(m[0])),
                                    tuple(m for m in markers.ed_verbs if side(m[0])), markers.generic_cue)
    best: tuple[float, int, str] | None = None
    explicit = set()
    for pos, (m_start, m_end, tense, after_aux) in enumerate(markers.explicit):
        if start <= m_start < end or after_aux or (tense == FUTURE_BEFORE and m_start >= end):
            continue
        tense = "future" if tense == FUTURE_BEFORE else tense
        explicit.add(tense)
        d = start - m_end if m_end <= start else (m_start - end) * 1.5
        if best is None or d < best[0]:
            best = (d, pos, tense)
    if "past" not in explicit and "future" not in explicit and markers.generic_cue:
        return "generic"
    for m_start, m_end in markers.ed_verbs:
        if not start <= m_start < end:
            d = start - m_end if m_end <= start else (m_start - end) * 1.5
            if best is None or d < best[0]:
                best = (d, 0, "past")
    return best[2] if best else "present"


@pytest.mark.parametrize("text", TEXTS)
def test_nearest_marker_by_index_is_the_nearest_by_scan(text):
    sentences = SentenceIndex(sentence_spans(text, 0, RULES.language))
    for cand in find_candidates(text, RULES):
        sentence = sentences.at(cand.start)
        markers = sentence_markers(text, sentence, RULES.language)
        for start, end in ((cand.start, cand.end), (sentence[0], sentence[0] + 1), (cand.start - 3, cand.end + 2)):
            assert tense_near(text, sentence, start, end, RULES.language, markers) == _tense_by_scan(markers, start, end)
            for quoted in (False, True):
                assert tense_near(text, sentence, start, end, RULES.language, markers, quoted) == \
                    _tense_by_scan(markers, start, end, text, sentence, quoted)


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        find_mentions(text, dt.date(2025, 5, 8), RULES)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize("unit", ["7,", "May 8, 2025 ", "He said it will end on May 8, 2025 and ", "x"])
def test_time_grows_linearly_with_the_text(unit):
    """Text without spaces ("7,7,7,..."), thousands of dates (and tense words) in one sentence, one endless
    word: four times the text takes about four times as long (a quadratic step would take sixteen)."""
    n = 20_000 // len(unit)
    small, large = _seconds(unit * n), _seconds(unit * 4 * n)
    assert large < 8 * small + 0.02, (small, large)
