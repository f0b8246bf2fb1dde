"""Score the date resolver against gold TimeML (TempEval-3 style TIMEX3 evaluation).

Run:  timeline eval GOLD_DIR [--errors] [--limit N] [--classes N]

Definitions implemented (micro-averaged: counts are summed over all documents, then divided,
as the TempEval-3 scorer ``evaluate_entities.py`` does with its global counters):

* Matching. In each document, gold TIMEX3s (the CREATION_TIME timex excluded) and system mentions
  are aligned one-to-one: first every pair with exactly the same character span, then, among the
  rest, overlapping pairs (sharing at least one character), largest overlap first (ties: earlier
  gold first). ``S`` = system mentions, ``G`` = gold timexes.
* Strict:  P = exact / |S|,  R = exact / |G|,  F1 = 2PR / (P + R).
* Relaxed: P = matched / |S|, R = matched / |G|, F1 likewise (matched = exact + overlapping pairs).
* Attribute (value, type) -- TempEval-3's definition: among the relaxed-matched pairs,
  accuracy = correct / matched; attribute P = accuracy x relaxed P, R = accuracy x relaxed R,
  F1 = accuracy x relaxed F1 (which equals 2 * correct / (|S| + |G|)). This is the "value F1" /
  "type F1" of the TempEval-3 task paper (UzZaman et al., 2013) and of its scorer.
  ``value`` is compared as an exact string (``1998-08-07`` != ``1998-08-07T10:00``), ``type`` too.
  ``mod`` accuracy is reported as well; TempEval-3 does not score it.
* Anchoring (as HeidelTime-style evaluations report it): value accuracy over the matched gold
  timexes whose value depends on an anchor, i.e. a DATE or TIME with a calendar value (it starts
  with a four-digit year) whose own words do not write a year: "today", "Thursday", "last month",
  "March 3", "the third quarter", "two years ago" count; "March 3, 2008", "2008", "the 1990s",
  "7/8/07", "in '91", durations, sets and PAST_REF/PRESENT_REF/FUTURE_REF do not.
  ``anchoring = anchored_correct / anchored`` (a share, not an F1).

Corpora: TimeML files (``*.tml``, TempEval-3) and CAT XML files (``*.xml`` whose root is
``<Document>``, MEANTIME; see ``cat.py``). A CAT document is scored only up to its annotated part:
system mentions that start in the unannotated tail are neither matched nor counted as spurious.

Differences from the official scorer: it aligns entities on tokens (after its own tokenizer and
the TimeML-Normalizer id alignment), we align on characters; "strict" there means the same token
string, here the same character span (the same thing for whole-token spans). Its relaxed match
counts may differ between precision and recall when one entity overlaps several; ours is one-to-one,
so an extra system mention overlapping an already-matched gold timex counts as spurious (and vice
versa as missed). A crash of the resolver on one document is caught: that document's gold timexes
count as missed and the crash is listed.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from timeline.models import Mention
from timeline.evaluation.cat import CatWords, is_cat, load_cat_words, read_cat
from timeline.lang import read_toml
from timeline.evaluation.timeml import GoldTimex, TimeMLDoc, read_timeml

__all__ = [
    "Scores",
    "ErrorItem",
    "EvalReport",
    "DocResult",
    "align",
    "score_document",
    "build_report",
    "evaluate",
    "format_report",
    "error_classes",
    "gold_files",
    "needs_anchor",
    "read_gold",
]

FindFn = Callable[[str, "dt.date | None"], Sequence[Mention]]


# --------------------------------------------------------------------------- scores


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    """Counts, and the P/R/F1 derived from them (see the module docstring)."""

    docs: int = 0
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    value_correct: int = 0
    type_correct: int = 0
    mod_correct: int = 0
    crashes: int = 0
    anchored: int = 0  # matched gold timexes whose value depends on an anchor (see the module docstring)
    anchored_correct: int = 0

    _COUNTS = ("docs", "gold", "system", "strict", "relaxed", "value_correct", "type_correct", "mod_correct",
               "crashes", "anchored", "anchored_correct")

    def add(self, other: "Scores") -> None:
        for k in self._COUNTS:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    # strict / relaxed span detection
    @property
    def strict_p(self) -> float:
        return self.strict / self.system if self.system else 0.0

    @property
    def strict_r(self) -> float:
        return self.strict / self.gold if self.gold else 0.0

    @property
    def strict_f1(self) -> float:
        return _f1(self.strict_p, self.strict_r)

    @property
    def relaxed_p(self) -> float:
        return self.relaxed / self.system if self.system else 0.0

    @property
    def relaxed_r(self) -> float:
        return self.relaxed / self.gold if self.gold else 0.0

    @property
    def relaxed_f1(self) -> float:
        return _f1(self.relaxed_p, self.relaxed_r)

    # attributes, TempEval-3 style: accuracy over relaxed matches x relaxed P/R/F1
    def accuracy(self, attr: str) -> float:
        correct = getattr(self, f"{attr}_correct")
        return correct / self.relaxed if self.relaxed else 0.0

    @property
    def value_accuracy(self) -> float:
        return self.accuracy("value")

    @property
    def value_p(self) -> float:
        return self.value_accuracy * self.relaxed_p

    @property
    def value_r(self) -> float:
        return self.value_accuracy * self.relaxed_r

    @property
    def value_f1(self) -> float:
        return self.value_accuracy * self.relaxed_f1

    @property
    def type_accuracy(self) -> float:
        return self.accuracy("type")

    @property
    def type_p(self) -> float:
        return self.type_accuracy * self.relaxed_p

    @property
    def type_r(self) -> float:
        return self.type_accuracy * self.relaxed_r

    @property
    def type_f1(self) -> float:
        return self.type_accuracy * self.relaxed_f1

    @property
    def mod_accuracy(self) -> float:
        return self.accuracy("mod")

    @property
    def anchoring(self) -> float:
        return self.anchored_correct / self.anchored if self.anchored else 0.0

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {k: getattr(self, k) for k in self._COUNTS}
        for k in (
            "strict_p", "strict_r", "strict_f1", "relaxed_p", "relaxed_r", "relaxed_f1",
            "value_accuracy", "value_p", "value_r", "value_f1",
            "type_accuracy", "type_p", "type_r", "type_f1", "mod_accuracy", "anchoring",
        ):
            d[k] = round(getattr(self, k), 6)
        return d


# --------------------------------------------------------------------------- errors


@dataclass
class ErrorItem:
    """One scoring error. ``kind``: missed | spurious | span | value | type | crash.

    A matched pair can give several items (span and value and type). ``gold_*`` is empty for
    spurious, ``sys_*`` for missed.
    """

    kind: str
    doc_id: str
    group: str
    context: str = ""
    gold_start: int | None = None
    gold_end: int | None = None
    gold_text: str | None = None
    gold_value: str | None = None
    gold_type: str | None = None
    gold_mod: str | None = None
    sys_start: int | None = None
    sys_end: int | None = None
    sys_text: str | None = None
    sys_value: str | None = None
    sys_type: str | None = None
    sys_mod: str | None = None
    rule: str | None = None
    detail: str | None = None

    def format(self) -> str:
        g = s = ""
        if self.gold_start is not None:
            g = f"gold {self.gold_start}-{self.gold_end} {self.gold_text!r} {self.gold_type} {self.gold_value}" + (
                f" mod={self.gold_mod}" if self.gold_mod else ""
            )
        if self.sys_start is not None:
            s = f"sys {self.sys_start}-{self.sys_end} {self.sys_text!r} {self.sys_type} {self.sys_value}" + (
                f" mod={self.sys_mod}" if self.sys_mod else ""
            ) + f" [{self.rule}]"
        parts = [p for p in (g, s) if p]
        line = f"{self.kind:8} {self.doc_id}: " + " | ".join(parts)
        if self.detail:
            line += f" ({self.detail})"
        if self.context:
            line += f"\n           ...{self.context}..."
        return line


def _context(text: str, start: int, end: int, width: int = 45) -> str:
    a = max(0, start - width)
    b = min(len(text), end + width)
    s = text[a:start] + "[" + text[start:end] + "]" + text[end:b]
    return re.sub(r"\s+", " ", s)


# --------------------------------------------------------------------------- alignment and scoring

# A year written in the phrase itself: four digits, an apostrophe and two ("in '91"), a numeric date ("7/8/07").
_WRITTEN_YEAR = re.compile(r"\d{4}|['’‘]\d\d(?!\d)|\d{1,2}/\d{1,2}/\d{2}")
_CALENDAR_VALUE = re.compile(r"\d{4}")


def needs_anchor(g: GoldTimex) -> bool:
    """True if the gold value depends on an anchor: a calendar DATE/TIME whose words write no year."""
    return g.type in ("DATE", "TIME") and bool(_CALENDAR_VALUE.match(g.value)) and not _WRITTEN_YEAR.search(g.text)



def align(gold: Sequence[GoldTimex], system: Sequence[Mention]) -> list[tuple[int, int]]:
    """One-to-one (gold index, system index) pairs: exact spans first, then largest overlap."""
    pairs: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_s: set[int] = set()
    by_span: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, m in enumerate(system):
        by_span[(m.start, m.end)].append(j)
    for i, g in enumerate(gold):
        for j in by_span.get((g.start, g.end), ()):
            if j not in used_s:
                pairs.append((i, j))
                used_g.add(i)
                used_s.add(j)
                break
    cands: list[tuple[int, int, int, int]] = []
    for i, g in enumerate(gold):
        if i in used_g:
            continue
        for j, m in enumerate(system):
            if j in used_s:
                continue
            ov = min(g.end, m.end) - max(g.start, m.start)
            if ov > 0:
                cands.append((-ov, g.start, i, j))
    for _, _, i, j in sorted(cands):
        if i in used_g or j in used_s:
            continue
        pairs.append((i, j))
        used_g.add(i)
        used_s.add(j)
    return sorted(pairs)


@dataclass
class DocResult:
    doc_id: str
    group: str
    scores: Scores
    errors: list[ErrorItem]


def score_document(
    doc_id: str,
    text: str,
    gold: Sequence[GoldTimex],
    system: Sequence[Mention],
    group: str = ".",
) -> DocResult:
    """Score one document's system mentions against its gold timexes."""
    sc = Scores(docs=1, gold=len(gold), system=len(system))
    errors: list[ErrorItem] = []
    pairs = align(gold, system)
    matched_g = {i for i, _ in pairs}
    matched_s = {j for _, j in pairs}

    def gold_fields(g: GoldTimex) -> dict[str, Any]:
        return dict(gold_start=g.start, gold_end=g.end, gold_text=g.text, gold_value=g.value, gold_type=g.type, gold_mod=g.mod)

    def sys_fields(m: Mention) -> dict[str, Any]:
        return dict(
            sys_start=m.start, sys_end=m.end, sys_text=m.text, sys_value=m.timex.value,
            sys_type=str(m.timex.type), sys_mod=m.timex.mod, rule=m.rule,
        )

    for i, j in pairs:
        g, m = gold[i], system[j]
        sc.relaxed += 1
        common = dict(doc_id=doc_id, group=group, **gold_fields(g), **sys_fields(m))
        ctx = _context(text, min(g.start, m.start), max(g.end, m.end))
        if (g.start, g.end) == (m.start, m.end):
            sc.strict += 1
        else:
            errors.append(ErrorItem(kind="span", context=ctx, **common))
        if g.value == m.timex.value:
            sc.value_correct += 1
        else:
            errors.append(ErrorItem(kind="value", context=ctx, **common))
        if g.type == str(m.timex.type):
            sc.type_correct += 1
        else:
            errors.append(ErrorItem(kind="type", context=ctx, **common))
        if (g.mod or None) == (m.timex.mod or None):
            sc.mod_correct += 1
        if needs_anchor(g):
            sc.anchored += 1
            sc.anchored_correct += g.value == m.timex.value
    for i, g in enumerate(gold):
        if i not in matched_g:
            errors.append(ErrorItem(kind="missed", doc_id=doc_id, group=group, context=_context(text, g.start, g.end), **gold_fields(g)))
    for j, m in enumerate(system):
        if j not in matched_s:
            errors.append(ErrorItem(kind="spurious", doc_id=doc_id, group=group, context=_context(text, m.start, m.end), **sys_fields(m)))
    errors.sort(key=lambda e: (e.gold_start if e.gold_start is not None else e.sys_start or 0))
    return DocResult(doc_id=doc_id, group=group, scores=sc, errors=errors)


@dataclass
class EvalReport:
    total: Scores
    groups: dict[str, Scores]
    errors: list[ErrorItem]
    gold_dir: str = ""
    rules_seconds: float = 0.0
    resolve_seconds: float = 0.0
    chars: int = 0
    stop_words: frozenset[str] = frozenset()  # what error classes skip when naming a phrase (load_stop_words)

    def as_dict(self) -> dict[str, Any]:
        return {
            "gold_dir": self.gold_dir,
            "total": self.total.as_dict(),
            "groups": {k: v.as_dict() for k, v in self.groups.items()},
            "error_counts": dict(Counter(e.kind for e in self.errors)),
            "rules_seconds": round(self.rules_seconds, 3),
            "resolve_seconds": round(self.resolve_seconds, 3),
            "chars": self.chars,
        }


def build_report(results: Iterable[DocResult], gold_dir: str = "") -> EvalReport:
    total = Scores()
    groups: dict[str, Scores] = {}
    errors: list[ErrorItem] = []
    for r in results:
        total.add(r.scores)
        groups.setdefault(r.group, Scores()).add(r.scores)
        errors.extend(r.errors)
    return EvalReport(total=total, groups=dict(sorted(groups.items())), errors=errors, gold_dir=gold_dir)


# --------------------------------------------------------------------------- running the resolver


def gold_files(gold_dir: Path) -> list[Path]:
    """The gold documents under ``gold_dir``: TimeML ``*.tml`` and CAT ``*.xml`` files, sorted by path."""
    gold_dir = Path(gold_dir)
    if gold_dir.is_file():
        return [gold_dir]
    return sorted(p for p in gold_dir.rglob("*") if p.is_file() and (p.suffix == ".tml" or (p.suffix == ".xml" and is_cat(p))))


def read_gold(path: Path, cat_words: CatWords | None = None) -> TimeMLDoc:
    """One gold document, TimeML or CAT (by its root element); ``cat_words``: see ``cat.detokenize``."""
    return read_cat(path, cat_words) if path.suffix == ".xml" and is_cat(path) else read_timeml(path)


def _group_of(path: Path, gold_dir: Path) -> str:
    try:
        rel = path.relative_to(gold_dir)
    except ValueError:
        return "."
    return rel.parts[0] if len(rel.parts) > 1 else "."


def evaluate(
    gold_dir: Path,
    rules: Any = None,
    *,
    limit: int | None = None,
    find: FindFn | None = None,
    lang: str = "en",
) -> EvalReport:
    """Run the resolver on every gold document's TEXT with its DCT and score it.

    ``rules``: loaded rules (``load_rules("en")`` if None). ``find``: a stand-in for
    ``find_mentions(text, dct)`` (tests, other resolvers); when given, ``rules`` is not used.
    Documents are grouped by their first folder under ``gold_dir`` (TimeBank, AQUAINT; MEANTIME's
    topics). A CAT document's mentions from its unannotated tail on are left out before scoring.
    """
    gold_dir = Path(gold_dir)
    rules_seconds = 0.0
    if find is None:
        from timeline.temporal import find_mentions, load_rules

        if rules is None:
            t0 = time.perf_counter()
            rules = load_rules(lang)
            rules_seconds = time.perf_counter() - t0
        loaded = rules

        def find(text: str, dct: dt.date | None) -> Sequence[Mention]:
            return find_mentions(text, dct, loaded)

    files = gold_files(gold_dir)
    if limit is not None:
        files = files[:limit]
    cat_words = load_cat_words(lang)
    docs: list[tuple[TimeMLDoc, str]] = [(read_gold(p, cat_words), _group_of(p, gold_dir)) for p in files]
    results: list[DocResult] = []
    resolve_seconds = 0.0
    chars = 0
    for doc, group in docs:
        chars += len(doc.text)
        t0 = time.perf_counter()
        try:
            mentions = list(find(doc.text, doc.dct))
        except Exception as e:  # noqa: BLE001 - one crash must not hide the other documents' scores
            resolve_seconds += time.perf_counter() - t0
            r = score_document(doc.doc_id, doc.text, doc.timexes, [], group)
            r.scores.crashes = 1
            tb = traceback.format_exception_only(type(e), e)[-1].strip()
            r.errors.insert(0, ErrorItem(kind="crash", doc_id=doc.doc_id, group=group, detail=tb))
            results.append(r)
            continue
        resolve_seconds += time.perf_counter() - t0
        scored_end = getattr(doc, "scored_end", None)
        if scored_end is not None:
            mentions = [m for m in mentions if m.start < scored_end]
        results.append(score_document(doc.doc_id, doc.text, doc.timexes, mentions, group))
    report = build_report(results, str(gold_dir))
    report.rules_seconds = rules_seconds
    report.resolve_seconds = resolve_seconds
    report.chars = chars
    report.stop_words = load_stop_words(lang)
    return report


# --------------------------------------------------------------------------- error classes

_WORD = re.compile(r"[A-Za-z]+|\d+")


def load_stop_words(lang: str = "en") -> frozenset[str]:
    """The function words ``head_word`` skips (lang/<lang>/evaluation.toml, [tempeval])."""
    return frozenset(read_toml(lang, "evaluation.toml")["tempeval"]["stop"])


def value_shape(value: str | None) -> str:
    """Digits to 9: 1998-08-07 -> 9999-99-99, P3Y -> P9Y, XXXX-WXX stays."""
    if value is None:
        return "-"
    return re.sub(r"\d", "9", value)


def head_word(phrase: str | None, stop: frozenset[str] = frozenset()) -> str:
    """A phrase's telling word: the last word that is not a number or a function word, lowercased."""
    if not phrase:
        return "-"
    words = _WORD.findall(phrase)
    for w in reversed(words):
        lw = w.lower()
        if not lw.isdigit() and lw not in stop:
            return lw
    return re.sub(r"\d", "9", words[-1].lower()) if words else "-"


_DAY_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def value_delta(gold: str | None, system: str | None) -> str:
    """For two wrong day values (YYYY-MM-DD), how far off the system is: sys+1d, sys-2..7d, ...; else ''."""
    days = []
    for v in (gold, system):
        m = _DAY_RE.match(v or "")
        if not m:
            return ""
        try:
            days.append(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return ""
    d = (days[1] - days[0]).days
    sign = "+" if d > 0 else "-"
    a = abs(d)
    if a == 0:
        return ""
    bucket = "1d" if a == 1 else "2..7d" if a <= 7 else "8..31d" if a <= 31 else "32..366d" if a <= 366 else ">1y"
    return f"sys{sign}{bucket}"


def _span_relation(e: ErrorItem) -> str:
    gs, ge, ss, se = e.gold_start, e.gold_end, e.sys_start, e.sys_end
    assert gs is not None and ge is not None and ss is not None and se is not None
    if ss >= gs and se <= ge:
        rel = "sys-shorter"
    elif ss <= gs and se >= ge:
        rel = "sys-longer"
    else:
        rel = "shifted"
    g_words = (e.gold_text or "").lower().split()
    s_words = (e.sys_text or "").lower().split()
    missing = [w for w in g_words if w not in s_words]
    extra = [w for w in s_words if w not in g_words]
    out = rel
    if missing:
        out += f" missing {' '.join(missing[:3])!r}"
    if extra:
        out += f" extra {' '.join(extra[:3])!r}"
    return out


def error_key(e: ErrorItem, stop: frozenset[str] = frozenset()) -> str:
    """The class an error belongs to, for counting (kind first)."""
    if e.kind == "missed":
        return f"missed {e.gold_type} {value_shape(e.gold_value)} head={head_word(e.gold_text, stop)!r}"
    if e.kind == "spurious":
        return f"spurious [{e.rule}] {e.sys_type} {value_shape(e.sys_value)} head={head_word(e.sys_text, stop)!r}"
    if e.kind == "span":
        return f"span [{e.rule}] {_span_relation(e)}"
    if e.kind == "value":
        key = f"value [{e.rule}] gold={value_shape(e.gold_value)} sys={value_shape(e.sys_value)}"
        delta = value_delta(e.gold_value, e.sys_value)
        return f"{key} {delta}" if delta else key
    if e.kind == "type":
        return f"type [{e.rule}] gold={e.gold_type} sys={e.sys_type}"
    return f"{e.kind}: {e.detail}"


def error_classes(report: EvalReport, top: int = 30) -> list[tuple[str, int, list[ErrorItem]]]:
    """The most frequent error classes: (key, count, up to 3 examples)."""
    groups: dict[str, list[ErrorItem]] = defaultdict(list)
    for e in report.errors:
        groups[error_key(e, report.stop_words)].append(e)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(k, len(v), v[:3]) for k, v in ranked[:top]]


# --------------------------------------------------------------------------- formatting


def _score_lines(name: str, s: Scores) -> list[str]:
    return [
        f"{name}: {s.docs} docs, {s.gold} gold, {s.system} system, {s.strict} strict, {s.relaxed} relaxed"
        + (f", {s.crashes} CRASHED" if s.crashes else ""),
        f"  strict   P {s.strict_p:.4f}  R {s.strict_r:.4f}  F1 {s.strict_f1:.4f}",
        f"  relaxed  P {s.relaxed_p:.4f}  R {s.relaxed_r:.4f}  F1 {s.relaxed_f1:.4f}",
        f"  value    P {s.value_p:.4f}  R {s.value_r:.4f}  F1 {s.value_f1:.4f}  (accuracy {s.value_accuracy:.4f}, {s.value_correct}/{s.relaxed})",
        f"  type     P {s.type_p:.4f}  R {s.type_r:.4f}  F1 {s.type_f1:.4f}  (accuracy {s.type_accuracy:.4f}, {s.type_correct}/{s.relaxed})",
        f"  mod accuracy {s.mod_accuracy:.4f} ({s.mod_correct}/{s.relaxed}; not a TempEval-3 score)",
        f"  anchoring {s.anchoring:.4f} ({s.anchored_correct}/{s.anchored} matched gold values that need an anchor)",
    ]


def format_report(report: EvalReport, errors: bool = False, classes: int = 30, kinds: set[str] | None = None) -> str:
    """Scores (total, then per folder), error counts, the top error classes, and with ``errors`` every error."""
    lines = [f"TIMEX3 evaluation of {report.gold_dir or 'gold'} (TempEval-3 definitions, micro-averaged; "
             "anchoring = value accuracy over matched gold DATE/TIME whose words write no year)"]
    lines += _score_lines("ALL", report.total)
    if len(report.groups) > 1:
        for name, s in report.groups.items():
            lines += _score_lines(name, s)
    if report.resolve_seconds:
        rate = report.chars / report.resolve_seconds if report.resolve_seconds else 0
        lines.append(
            f"time: rules {report.rules_seconds:.2f}s, resolve {report.resolve_seconds:.2f}s "
            f"({report.total.docs / report.resolve_seconds:.1f} docs/s, {rate:,.0f} chars/s)"
        )
    counts = Counter(e.kind for e in report.errors)
    lines.append("errors: " + ", ".join(f"{k} {counts[k]}" for k in ("crash", "missed", "spurious", "span", "value", "type") if counts[k]))
    if classes:
        lines.append(f"top {classes} error classes:")
        for key, n, examples in error_classes(report, classes):
            ex = "; ".join(
                repr(x.gold_text if x.gold_text is not None else x.sys_text)
                + (f"->{x.sys_value}" if x.kind == "value" else "")
                for x in examples
            )
            lines.append(f"  {n:5}  {key}   e.g. {ex}")
    if errors:
        lines.append("all errors:")
        for e in report.errors:
            if kinds is None or e.kind in kinds:
                lines.append("  " + e.format())
    return "\n".join(lines)
