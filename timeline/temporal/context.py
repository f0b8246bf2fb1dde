"""Text context a resolution needs: sentence bounds, the tense around a mention, the local time zone."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

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
    word = text[word_start:dot_end].lstrip("(\"“")
    return word in language.abbreviations or _is_middle_initial(text, word_start, dot_end)


def _is_middle_initial(text: str, word_start: int, dot_end: int) -> bool:
    """A capital letter and a period between two capitalized words is a name's initial ("John F. Kennedy",
    "Michael M. Sears"), not a sentence's end; "I" may be a numeral ending one ("World War I.")."""
    letter = text[word_start:dot_end - 1]
    if len(letter) != 1 or not letter.isupper() or letter == "I":
        return False
    before = text[max(0, word_start - 30):word_start].split()
    after = text[dot_end:dot_end + 30].split()
    return bool(before and after and before[-1][:1].isupper() and before[-1][-1:].isalpha()
                and after[0][:1].isupper())


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
    quotes: tuple[tuple[int, int], ...] = ()  # the sentence's stretches inside double quotes, [start, end)
    # Sorted views for tense_near, so that a sentence of thousands of dates and markers stays linear; one per
    # quotation state asked for (None: every marker, True: those inside quotes, False: those outside).
    _index: "dict[bool | None, _MarkerIndex] | None" = field(default=None, compare=False, repr=False)

    def index(self, quoted: bool | None = None) -> "_MarkerIndex":
        if self._index is None:
            object.__setattr__(self, "_index", {})
        cache = self._index
        assert cache is not None
        if quoted not in cache:
            cache[quoted] = _MarkerIndex(self, quoted)
        return cache[quoted]

    def quoted_at(self, offset: int) -> bool:
        i = bisect.bisect_right(self.quotes, (offset, float("inf"))) - 1
        return i >= 0 and self.quotes[i][0] <= offset < self.quotes[i][1]


class _Sorted:
    """Markers (list position, start, end, tense) by end and by start, for the nearest one on each side."""

    def __init__(self, items: list[tuple[int, int, int, str]]) -> None:
        self.by_end = sorted(items, key=lambda x: (x[2], x[0]))
        self.ends = [x[2] for x in self.by_end]
        self.by_start = sorted(items, key=lambda x: (x[1], x[0]))
        self.starts = [x[1] for x in self.by_start]
        self.longest = max((x[2] - x[1] for x in items), default=0)

    def nearest(self, start: int, end: int, after: bool = True) -> list[tuple[float, int, str]]:
        """(distance, list position, tense) of every marker that may be nearest to [start, end): those
        ending last before it, those starting first after it (``after``), those overlapping its start."""
        out: list[tuple[float, int, str]] = []
        i = bisect.bisect_right(self.ends, start)
        if i:
            last_end = self.ends[i - 1]
            j = i - 1
            while j >= 0 and self.ends[j] == last_end:
                pos, m_start, m_end, tense = self.by_end[j]
                out.append((start - m_end, pos, tense))
                j -= 1
        k = bisect.bisect_left(self.starts, end)
        if after and k < len(self.starts):
            first_start = self.starts[k]
            while k < len(self.starts) and self.starts[k] == first_start:
                pos, m_start, m_end, tense = self.by_start[k]
                out.append(((m_start - end) * 1.5, pos, tense))
                k += 1
        lo = bisect.bisect_left(self.starts, start - self.longest)
        hi = bisect.bisect_left(self.starts, start)
        for pos, m_start, m_end, tense in self.by_start[lo:hi]:  # starts before, reaches past the start
            if m_end > start:
                out.append(((m_start - end) * 1.5, pos, tense))
        return out

    def inside(self, start: int, end: int) -> list[tuple[int, int, int, str]]:
        return self.by_start[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, end)]


class _MarkerIndex:
    def __init__(self, markers: TenseMarkers, quoted: bool | None = None) -> None:
        def keep(start: int) -> bool:
            return quoted is None or markers.quoted_at(start) == quoted

        usable = [(i, a, b, t) for i, (a, b, t, aux) in enumerate(markers.explicit) if not aux and keep(a)]
        self.plain = _Sorted([x for x in usable if x[3] != FUTURE_BEFORE])
        self.before_only = _Sorted([(i, a, b, "future") for i, a, b, t in usable if t == FUTURE_BEFORE])
        self.counts: dict[str, int] = {}
        for x in self.plain.by_start:
            self.counts[x[3]] = self.counts.get(x[3], 0) + 1
        self.ed = _Sorted([(i, a, b, "past") for i, (a, b) in enumerate(markers.ed_verbs) if keep(a)])
        self.empty = not usable and not self.ed.by_start


def sentence_markers(text: str, sentence: tuple[int, int], language: LanguageData) -> TenseMarkers:
    s_start, s_end = sentence
    if language.markers is None:
        return _sentence_markers_by_list(text, sentence, language)
    scan = language.markers
    found: list[tuple[int, int, int, str, bool]] = []  # (list order, start, end, tense, after an auxiliary)
    order = _MARKER_ORDER
    ends: dict[str, int] = {}
    generic = False
    for hit in scan.scan.finditer(text, s_start, s_end):
        pos = hit.start()
        for name in scan.by_first.get(scan.first_word(text, pos), ()):
            if pos < ends.get(name, -1):
                continue  # inside the list's previous match, as a scan of that list alone would skip it
            m = scan.lists[name].match(text, pos, s_end)
            if m is None:
                continue
            ends[name] = m.end()
            if name == "generic":
                generic = True
            elif not (name == "future" and language.not_future is not None and language.not_future.match(text, pos)):
                found.append((order[name], pos, m.end(), name,
                              name == "past" and _after_auxiliary(text, s_start, pos, language)))
    found.sort()
    explicit = tuple((a, b, tense, aux) for _, a, b, tense, aux in found)
    return TenseMarkers(explicit, _ed_verbs(text, s_start, s_end, language), generic, quote_spans(text, sentence))


def quote_spans(text: str, sentence: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    """The stretches of the sentence inside double quotes, as ``in_quotation`` reads them: an offset is in one
    when the quote characters before it (in the sentence) leave a quotation open."""
    spans: list[tuple[int, int]] = []
    inside, opened = False, 0
    s_start, s_end = sentence
    pos = s_start
    while True:
        pos = _next_quote(text, pos, s_end)
        if pos < 0:
            break
        ch = text[pos]
        now = not inside if ch == '"' else ch == "“"
        if now and not inside:
            opened = pos + 1
        elif inside and not now:
            spans.append((opened, pos + 1))
        inside = now
        pos += 1
    if inside:
        spans.append((opened, s_end))
    return tuple(spans)


_QUOTE_RE = re.compile('["“”]')


def _next_quote(text: str, pos: int, end: int) -> int:
    m = _QUOTE_RE.search(text, pos, end)
    return m.start() if m else -1


_MARKER_ORDER = {"future": 0, "past": 1, "present": 2, FUTURE_BEFORE: 3}


def _ed_verbs(text: str, s_start: int, s_end: int, language: LanguageData) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in language.past_verb.finditer(text, s_start, s_end)
                 if m.group(1).lower() not in language.not_past and not _after_auxiliary(text, s_start, m.start(), language)
                 and not _after_determiner(text, s_start, m.start(), language))


def _sentence_markers_by_list(text: str, sentence: tuple[int, int], language: LanguageData) -> TenseMarkers:
    """The same markers, one scan per list (a LanguageData built without ``markers``)."""
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
    return TenseMarkers(tuple(explicit), _ed_verbs(text, s_start, s_end, language),
                        bool(language.generic_cue.search(text, s_start, s_end)), quote_spans(text, sentence))


def tense_near(text: str, sentence: tuple[int, int], start: int, end: int, language: LanguageData,
               markers: TenseMarkers | None = None, quoted: bool | None = None) -> str:
    """past/present/future/generic from the tense marker nearest to the mention inside its sentence.

    Markers after the mention count too ("On Thursday, Putin said"), at a small distance penalty.
    "generic" = present tense with a recurring-date cue ("is celebrated on May 9") and no past/future marker.
    ``markers``: the sentence's markers if already found (``sentence_markers``).
    ``quoted``: whether the mention sits inside double quotes; then only the markers on the same side of the
    quotation marks count, when there are any ("told reporters on Thursday: "It's going to be weeks"": the
    quoted future says nothing of Thursday).
    """
    if markers is None:
        markers = sentence_markers(text, sentence, language)
    index = markers.index(quoted if markers.quotes else None)
    if index.empty and markers.quotes:
        index = markers.index()
    # The explicit markers, minus those inside the mention: the nearest wins, the first listed on a tie.
    # A future-before marker counts only when it starts before the mention's end.
    candidates = index.plain.nearest(start, end) + index.before_only.nearest(start, end, after=False)
    present = {t for t, n in index.counts.items()
               if n > sum(1 for x in index.plain.inside(start, end) if x[3] == t)}
    if index.before_only.starts and index.before_only.starts[0] < start:
        present.add("future")
    best = min(candidates, key=lambda c: (c[0], c[1]), default=None)
    # A recurring-date cue ("is celebrated on May 9") wins unless an explicit past/future word says otherwise;
    # "-ed" endings do not count here since the cues themselves end in "-ed".
    if "past" not in present and "future" not in present and markers.generic_cue:
        return "generic"
    ed = min(index.ed.nearest(start, end), key=lambda c: (c[0], c[1]), default=None)
    if ed is not None and (best is None or ed[0] < best[0]):
        return "past"
    return best[2] if best else "present"


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


class QuoteTracker:
    """``in_quotation`` for offsets met in text order: each sentence's characters are read once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentence: tuple[int, int] | None = None
        self.pos = 0
        self.inside = False

    def at(self, sentence: tuple[int, int], offset: int) -> bool:
        if sentence != self.sentence or offset < self.pos:
            self.sentence, self.pos, self.inside = sentence, sentence[0], False
        inside = self.inside
        for ch in self.text[self.pos:offset]:
            if ch in _QUOTE_CHARS:
                inside = not inside if ch == '"' else ch == "“"
        self.pos, self.inside = max(self.pos, offset), inside
        return inside


def in_quotation(text: str, sentence: tuple[int, int], offset: int) -> bool:
    """True if ``offset`` sits inside double quotes within its sentence (reported speech)."""
    inside = False
    for ch in text[sentence[0]:offset]:
        if ch in _QUOTE_CHARS:
            inside = not inside if ch == '"' else ch == "“"
    return inside


def local_zone(text: str, sentence: tuple[int, int], begin: int, gazetteer: Gazetteer,
               article_zone: Callable[[], str | None] | None = None) -> str | None:
    """The zone of "local time": the first place with a zone in the sentence, else the article's most named
    one (``article_zone``, if given, says it: a caller with many such mentions finds it once)."""
    for hit in gazetteer.find(text, *sentence):
        if hit.zone:
            return hit.zone
    return article_zone() if article_zone is not None else article_local_zone(text, begin, gazetteer)


def article_local_zone(text: str, begin: int, gazetteer: Gazetteer) -> str | None:
    """The zone of the place with a zone that the article names most, if any."""
    counts: dict[str, int] = {}
    for hit in gazetteer.find(text, begin):
        if hit.zone:
            counts[hit.zone] = counts.get(hit.zone, 0) + 1
    return max(sorted(counts), key=counts.__getitem__) if counts else None
