"""Text context a resolution needs: sentence bounds, the tense around a mention, the local time zone."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from timeline.gazetteer import Gazetteer
from timeline.temporal.compile import LanguageData

_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])|\n\s*")
_SOFT_WRAP = re.compile(r"[ \t]*[a-z]")
_QUOTE_CHARS = "\"“”"
FUTURE_BEFORE = "future-before"  # a future marker that only counts before the date (language.toml)


def sentence_spans(text: str, begin: int, language: LanguageData) -> list[tuple[int, int]]:
    """Sentences as [start, end) spans from ``begin``; newlines always end a sentence (headlines, datelines)."""
    spans: list[tuple[int, int]] = []
    start = begin
    for m in _SENTENCE_END.finditer(text, begin):
        if m.group(0)[0] == "." and _ends_with_abbreviation(text, m.start() + 1, language):
            continue
        if m.group(0) == "\n" and _SOFT_WRAP.match(text, m.end()):
            continue  # a hard-wrapped line: the sentence goes on in lower case on the next line
        end = m.end() if m.group(0)[0] != "\n" else m.start()
        if text[start:end].strip():
            spans.append(_strip_span(text, start, end))
        start = m.end()
    if text[start:].strip():
        spans.append(_strip_span(text, start, len(text)))
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _ends_with_abbreviation(text: str, dot_end: int, language: LanguageData) -> bool:
    word_start = dot_end
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    return text[word_start:dot_end].lstrip("(\"“") in language.abbreviations


class SentenceIndex:
    """Find the sentence holding an offset in O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [s for s, _ in spans]

    def at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return (0, 0)
        return self.spans[i]

    def before(self, offset: int) -> tuple[int, int] | None:
        """The sentence before the one holding ``offset``."""
        i = bisect.bisect_right(self.starts, offset) - 2
        return self.spans[i] if i >= 0 else None


@dataclass(frozen=True)
class TenseMarkers:
    """The tense markers of one sentence, found once and shared by all the mentions in it."""

    explicit: tuple[tuple[int, int, str, bool], ...]  # (start, end, tense, participle after an auxiliary)
    ed_verbs: tuple[tuple[int, int], ...]  # "-ed" words that may be past-tense verbs
    generic_cue: bool


def sentence_markers(text: str, sentence: tuple[int, int], language: LanguageData) -> TenseMarkers:
    s_start, s_end = sentence
    explicit = []
    regexes = [("future", language.future), ("past", language.past), ("present", language.present)]
    if language.future_before is not None:
        regexes.append((FUTURE_BEFORE, language.future_before))
    for tense, regex in regexes:
        for m in regex.finditer(text, s_start, s_end):
            if tense == "future" and language.not_future is not None and language.not_future.match(text, m.start()):
                continue
            explicit.append((m.start(), m.end(), tense,
                             tense == "past" and _after_auxiliary(text, s_start, m.start(), language)))
    ed = tuple((m.start(), m.end()) for m in language.past_verb.finditer(text, s_start, s_end)
               if m.group(1).lower() not in language.not_past and not _after_auxiliary(text, s_start, m.start(), language)
               and not _after_determiner(text, s_start, m.start(), language))
    return TenseMarkers(tuple(explicit), ed, bool(language.generic_cue.search(text, s_start, s_end)))


def tense_near(text: str, sentence: tuple[int, int], start: int, end: int, language: LanguageData,
               markers: TenseMarkers | None = None) -> str:
    """past/present/future/generic from the tense marker nearest to the mention inside its sentence.

    Markers after the mention count too ("On Thursday, Putin said"), at a small distance penalty.
    "generic" = present tense with a recurring-date cue ("is celebrated on May 9") and no past/future marker.
    ``markers``: the sentence's markers if already found (``sentence_markers``).
    """
    if markers is None:
        markers = sentence_markers(text, sentence, language)
    best: tuple[float, str] | None = None
    explicit: set[str] = set()
    for m_start, m_end, tense, after_aux in markers.explicit:
        if start <= m_start < end or after_aux:
            continue
        if tense == FUTURE_BEFORE:
            if m_start >= end:
                continue
            tense = "future"
        explicit.add(tense)
        best = _closer(best, _distance(m_start, m_end, start, end), tense)
    # A recurring-date cue ("is celebrated on May 9") wins unless an explicit past/future word says otherwise;
    # "-ed" endings do not count here since the cues themselves end in "-ed".
    if "past" not in explicit and "future" not in explicit and markers.generic_cue:
        return "generic"
    for m_start, m_end in markers.ed_verbs:
        if start <= m_start < end:
            continue
        best = _closer(best, _distance(m_start, m_end, start, end), "past")
    return best[1] if best else "present"


def _after_auxiliary(text: str, s_start: int, pos: int, language: LanguageData) -> bool:
    """ "will be held", "is expected to be signed": a participle whose auxiliary carries the tense."""
    return bool(language.auxiliary.search(text, max(s_start, pos - 24), pos))


_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s+$")


def _after_determiner(text: str, s_start: int, pos: int, language: LanguageData) -> bool:
    """ "a still unspecified date", "the announced merger": an -ed word after a determiner is an adjective."""
    m = _WORD_BEFORE.search(text, max(s_start, pos - 20), pos)
    return bool(m) and m.group(1).lower() in language.adjective_before


def _distance(m_start: int, m_end: int, start: int, end: int) -> float:
    return start - m_end if m_end <= start else (m_start - end) * 1.5


def _closer(best: tuple[float, str] | None, distance: float, tense: str) -> tuple[float, str]:
    return (distance, tense) if best is None or distance < best[0] else best


def in_quotation(text: str, sentence: tuple[int, int], offset: int) -> bool:
    """True if ``offset`` sits inside double quotes within its sentence (reported speech)."""
    inside = False
    for ch in text[sentence[0]:offset]:
        if ch in _QUOTE_CHARS:
            inside = not inside if ch == '"' else ch == "“"
    return inside


def local_zone(text: str, sentence: tuple[int, int], begin: int, gazetteer: Gazetteer) -> str | None:
    """The zone of "local time": the first place with a zone in the sentence, else the article's most named one."""
    for hit in gazetteer.find(text, *sentence):
        if hit.zone:
            return hit.zone
    counts: dict[str, int] = {}
    for hit in gazetteer.find(text, begin):
        if hit.zone:
            counts[hit.zone] = counts.get(hit.zone, 0) + 1
    return max(sorted(counts), key=counts.__getitem__) if counts else None
