"""Load the resolver's rule data (tables.toml, rules.toml, language.toml) and compile it.

Everything a language knows lives in ``timeline/lang/<lang>/``; this module only turns it into
compiled regexes and lookup dicts, checking it on the way with messages that name the file
and the rule. Load once per process (or worker) and pass the result along: nothing is cached here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from timeline.errors import RuleError
from timeline.gazetteer import Gazetteer, load_gazetteer
from timeline.lang import lang_folder
from timeline.models import TimexType
from timeline.temporal.prefilter import Prefilter, derive_anchors, first_char_gate, gated
from timeline.temporal.slots import BUILTINS, COMPUTED_SLOTS, SLOT

_MACRO = re.compile(r"%\{(\w+)(?::([\w-]+))?\}")
# Filters that are computations rather than word tables (see temporal/slots.py).
BUILTIN_FILTERS = frozenset(BUILTINS)
# What a rule's ``kind`` may say about its phrases, for the steps after the resolver (rules.toml explains each).
RULE_KINDS = frozenset({"holiday", "deictic", "today", "quarter_comparison"})


@dataclass(frozen=True)
class Table:
    """Normalized value <- words. Lookup is by lower-cased, space-collapsed text."""

    name: str
    lookup: dict[str, str]
    alternation: str  # one alternative per word, longest first: what the prefilter reads its anchors from
    fast: str = ""  # the same words as a prefix tree, what the regexes run (see _trie_regex)

    def get(self, text: str) -> str | None:
        return self.lookup.get(normalize_words(text))


@dataclass(frozen=True)
class Rule:
    index: int
    name: str
    regex: re.Pattern[str]
    type: TimexType | None  # None: a negative rule (type "NONE"), its match is no time expression
    value: str
    mod: str = ""
    zone: str = ""
    tense: str = ""
    event: str = ""
    examples: tuple[tuple[str, str, str], ...] = ()
    group_tables: dict[str, str] = field(default_factory=dict)
    remember: bool = True  # False: later anaphora must not anchor on this mention
    kind: str = ""  # what later steps need to know of the rule's phrases ("holiday", "deictic" ...; see rules.toml)
    anchors: frozenset[str] | None = None  # derived from the pattern (see prefilter.py); None = run everywhere


@dataclass(frozen=True)
class MarkerScan:
    """All of a sentence's tense markers in one scan: ``scan`` stops (without consuming) wherever a word of
    any list starts; ``by_first`` says which lists have a phrase starting with that word, and ``lists``
    holds each list's own regex, matched there."""

    scan: re.Pattern[str]
    by_first: dict[str, tuple[str, ...]]
    lists: dict[str, re.Pattern[str]]

    def first_word(self, text: str, pos: int) -> str:
        ch = text[pos]
        if ch in "'’":
            m = _FIRST_WORD.match(text, pos + 1)
            return "'" + (m.group().lower() if m else "")
        m = _FIRST_WORD.match(text, pos)
        return m.group().lower() if m else ch


_FIRST_WORD = re.compile(r"\w+")


def marker_scan(lists: dict[str, list[str]]) -> MarkerScan:
    """One scan for several word lists (see ``MarkerScan``); list order is kept in ``lists``."""
    by_first: dict[str, list[str]] = {}
    every: list[str] = []
    for name, words in lists.items():
        for w in words:
            w = w.replace("’", "'")
            first = "'" + w[1:].split()[0].lower() if w.startswith("'") else w.split()[0].lower()
            if name not in by_first.setdefault(first, []):
                by_first[first].append(name)
            every.append(w)
    union = word_set_regex(every).pattern
    return MarkerScan(re.compile(f"(?={union})", re.IGNORECASE), {k: tuple(v) for k, v in by_first.items()},
                      {name: word_set_regex(words) for name, words in lists.items()})


@dataclass(frozen=True)
class LanguageData:
    future: re.Pattern[str]
    past: re.Pattern[str]
    present: re.Pattern[str]
    not_past: frozenset[str]
    abbreviations: frozenset[str]
    generic_cue: re.Pattern[str]
    not_future: re.Pattern[str] | None = None  # "next to": a future word that is not a tense marker here
    adjective_before: frozenset[str] = frozenset()  # words after which an "-ed" word is an adjective
    future_before: re.Pattern[str] | None = None  # future markers that count only before the date
    past_verb: re.Pattern[str] = re.compile("(?!)")  # a word that may be a regular past-tense verb ("arrived")
    auxiliary: re.Pattern[str] = re.compile("(?!)")  # an auxiliary right before a participle ("will be held")
    common_words: frozenset[str] = frozenset()  # words too frequent to anchor a rule on (see prefilter.py)
    markers: MarkerScan | None = None  # future, past, present, future-before and generic-cue words in one scan
    thousands_separator: str = ""  # written between groups of three digits ("4,000"); slots drop it
    # Words after a time expression that belong to it and set its mod ("the next year or so", "1994 or later";
    # table postmod): group "w" holds the words.
    postmod: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Rules:
    lang: str
    rules: tuple[Rule, ...]
    tables: dict[str, Table]
    language: LanguageData
    prefilter: Prefilter
    places: Gazetteer  # place names and their time zones ("midnight local time" in Moscow)


def normalize_words(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def _word_regex(word: str) -> str:
    exact = word.startswith("=")
    body = re.escape(word.lstrip("=")).replace(r"\ ", r"\s+").replace("'", "['’]")
    return f"(?-i:{body})" if exact else body


def _word_tokens(word: str) -> tuple[str, ...]:
    """A table word as regex tokens, one per character (a space matches any run of spaces)."""
    return tuple(r"\s+" if ch == " " else "['’]" if ch in "'’" else re.escape(ch) for ch in word)


def _trie_regex(words: list[str]) -> str:
    """The words as one prefix tree ("twenty(?:[\\s-](?:one|two|...))?"), longer words preferred.

    A flat alternation of ~200 number words is tried word by word at every position; the tree
    decides by the first characters, which keeps the rules that start with a number fast.
    Words written "=Word" keep their exact case in a subtree of their own.
    """
    exact = [w[1:] for w in words if w.startswith("=")]
    plain = [w.lower() for w in words if not w.startswith("=")]
    parts = []
    if exact:
        parts.append("(?-i:" + _trie_node(_build_trie(exact)) + ")")
    if plain:
        parts.append(_trie_node(_build_trie(plain)))
    return "|".join(parts) or "(?!)"


def _build_trie(words: list[str]) -> dict:
    root: dict = {}
    for word in words:
        node = root
        for token in _word_tokens(word):
            node = node.setdefault(token, {})
        node[""] = {}  # end of a word
    return root


def _trie_node(node: dict) -> str:
    branches = [token + _trie_node(child) for token, child in sorted(node.items(), key=lambda kv: kv[0]) if token]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word may end here: try the longer ones first, then stop
        return f"(?:{body})?" if len(branches) == 1 else f"{body}?"
    return body


def _load_tables(path: Path) -> dict[str, Table]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    tables: dict[str, Table] = {}
    for name, entries in data.items():
        if not isinstance(entries, dict):
            raise RuleError(f"{path}: [{name}] must be a table of value = [words]")
        lookup: dict[str, str] = {}
        words: list[str] = []
        for value, alts in entries.items():
            if not isinstance(alts, list) or not all(isinstance(a, str) for a in alts):
                raise RuleError(f"{path}: [{name}] {value!r} must list words as strings")
            for word in alts:
                lookup[normalize_words(word.lstrip("="))] = value
                words.append(word)
        words.sort(key=lambda w: -len(w.lstrip("=")))
        # Whole words only: "easter" must not match inside "northeastern".
        alternation = r"(?<![\w'’])(?:" + "|".join(_word_regex(w) for w in words) + r")(?![\w])"
        fast = r"(?<![\w'’])(?:" + _trie_regex(words) + r")(?![\w])"
        tables[name] = Table(name, lookup, alternation, fast)
    return tables


def _expand(pattern: str, macros: dict[str, str], tables: dict[str, Table], where: str,
            group_tables: dict[str, str], depth: int = 0, fast: bool = False) -> str:
    """The pattern with its macros and tables written out; ``fast``: tables as prefix trees."""
    if depth > 5:
        raise RuleError(f"{where}: macros nest too deeply")

    def sub(m: re.Match[str]) -> str:
        name, group = m.group(1), m.group(2)
        if name in macros and not (group and name in tables):  # %{year} the macro, %{year:-} the table
            return _expand(macros[name], macros, tables, where, group_tables, depth + 1, fast)
        if name not in tables:
            raise RuleError(f"{where}: unknown table or macro %{{{name}}}")
        alternation = tables[name].fast if fast else tables[name].alternation
        if group == "-":
            return f"(?:{alternation})"
        group = group or name
        group_tables[group] = name
        return f"(?P<{group}>{alternation})"

    return _MACRO.sub(sub, pattern)


def _check_template(template: str, regex: re.Pattern[str], tables: dict[str, Table], where: str) -> None:
    for m in SLOT.finditer(template):
        slot, flt = m.group(1), m.group(2)
        if slot not in regex.groupindex and slot not in COMPUTED_SLOTS:
            raise RuleError(f"{where}: template slot {{{slot}}} names no group of the pattern")
        if flt and flt not in BUILTIN_FILTERS and flt not in tables:
            raise RuleError(f"{where}: unknown filter |{flt} (neither a table nor a built-in)")


def _compile_rule(index: int, raw: dict, macros: dict[str, str], tables: dict[str, Table], path: Path,
                  common: frozenset[str]) -> Rule:
    name = raw.get("name") or f"#{index + 1}"
    where = f"{path}: rule {name}"
    negative = raw.get("type") == "NONE"
    for key in ("pattern", "type") if negative else ("pattern", "type", "value"):
        if key not in raw:
            raise RuleError(f"{where}: missing '{key}'")
    group_tables: dict[str, str] = {}
    source = _expand(raw["pattern"], macros, tables, where, group_tables)
    try:
        # No rule match starts inside a word; saying so up front also lets the engine skip
        # mid-word positions cheaply, and the first-character gate most word starts.
        body = _expand(raw["pattern"], macros, tables, where, {}, fast=True)
        regex = re.compile(r"(?<!\w)" + (first_char_gate(body) or "") + "(?:" + body + ")", re.IGNORECASE)
    except re.error as exc:
        raise RuleError(f"{where}: pattern does not compile: {exc}") from exc
    try:
        timex_type = None if negative else TimexType(raw["type"])
    except ValueError as exc:
        raise RuleError(f"{where}: type must be DATE, TIME, DURATION, SET or NONE, not {raw['type']!r}") from exc
    for key in ("value", "mod", "zone", "tense", "event"):
        _check_template(raw.get(key, ""), regex, tables, where)
    examples = tuple(tuple(e) for e in raw.get("examples", []))
    if any(len(e) != 3 for e in examples):
        raise RuleError(f"{where}: each example is [text, article date, expected value]")
    kind = raw.get("kind", "")
    if kind and kind not in RULE_KINDS:
        raise RuleError(f"{where}: kind must be one of {', '.join(sorted(RULE_KINDS))}, not {kind!r}")
    return Rule(index, name, regex, timex_type, raw.get("value", ""), raw.get("mod", ""), raw.get("zone", ""),
                raw.get("tense", ""), raw.get("event", ""), examples, group_tables,  # type: ignore[arg-type]
                bool(raw.get("remember", True)), kind=kind, anchors=derive_anchors(source, common))


def word_set_regex(words: list[str]) -> re.Pattern[str]:
    """Whole words; a contraction ("'ll") may follow a word ("he'll") so it needs no left boundary."""
    def alt(group: list[str]) -> str:  # a prefix tree: tried by first characters, not word by word
        return _trie_node(_build_trie(sorted({w.lower() for w in group}))) or "(?!)"
    plain = [w for w in words if not w.startswith(("'", "’"))]
    clitic = [w.replace("’", "'") for w in words if w.startswith(("'", "’"))]
    pattern = r"(?:(?<![\w'’])(?:" + alt(plain) + r")|(?:" + alt(clitic) + r"))(?![\w])"
    return re.compile(pattern, re.IGNORECASE)


def _load_language(path: Path, tables: dict[str, Table]) -> LanguageData:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    tense, sentence = data["tense"], data["sentence"]
    if "generic_cue" not in tables:
        raise RuleError(f"{path.parent / 'tables.toml'}: missing table [generic_cue]")
    cues = list(tables["generic_cue"].lookup)
    words = data["words"]
    adverb = re.escape(words["adverb_suffix"])
    return LanguageData(
        future=word_set_regex(tense["future"]),
        past=word_set_regex(tense["past"]),
        present=word_set_regex(tense["present"]),
        not_past=frozenset(w.lower() for w in tense["not_past"]),
        abbreviations=frozenset(sentence["abbreviations"]),
        generic_cue=word_set_regex(cues),
        not_future=word_set_regex(tense["not_future"]) if tense.get("not_future") else None,
        adjective_before=frozenset(w.lower() for w in tense.get("adjective_before", [])),
        future_before=word_set_regex(tense["future_before"]) if tense.get("future_before") else None,
        past_verb=re.compile(rf"\b([a-z]{{3,}}{re.escape(tense['past_suffix'])})\b", re.IGNORECASE),
        auxiliary=gated(rf"\b(?:{'|'.join(map(re.escape, tense['auxiliary']))})\s+(?:\w+{adverb}\s+)?$", re.IGNORECASE),
        common_words=frozenset(words["common"]),
        thousands_separator=words.get("thousands_separator", ""),
        postmod=re.compile(r"\s+(?P<w>" + tables["postmod"].fast + ")", re.IGNORECASE) if "postmod" in tables else None,
        markers=marker_scan({"future": tense["future"], "past": tense["past"], "present": tense["present"],
                             "future-before": tense.get("future_before", []), "generic": cues}),
    )


def load_rules(lang: str = "en") -> Rules:
    """Load and compile the rules of one language (about half a second: load once, pass the result on)."""
    folder = lang_folder(lang)
    tables = _load_tables(folder / "tables.toml")
    rules_path = folder / "rules.toml"
    data = tomllib.loads(rules_path.read_text(encoding="utf-8"))
    macros = data.get("macros", {})
    language = _load_language(folder / "language.toml", tables)
    compiled = tuple(_compile_rule(i, raw, macros, tables, rules_path, language.common_words)
                     for i, raw in enumerate(data.get("rule", [])))
    names = [r.name for r in compiled]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise RuleError(f"{rules_path}: duplicate rule names {sorted(dupes)}")
    return Rules(lang, compiled, tables, language, Prefilter.build([r.anchors for r in compiled]), load_gazetteer(lang))
