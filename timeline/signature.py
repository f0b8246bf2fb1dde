"""What tells two similar reports apart: an event's signature (its move, outcome, figures and actors).

Word overlap says two clauses are alike; it cannot say they tell one happening. "GM shares fell 4%
today" and "GM shares rose 3% today" share every content word but the verb, and market reports of one
day ("Share prices on the Colombo Stock Exchange closed down ...", "... on the Jakarta Stock Exchange
ended lower ...") differ only in who and how much. The merge joins two groups only when no pair of
their events clashes here (``clash``): opposite moves, different figures of one kind, or different
organizations acting. The words are data (lang/en merge.toml); this module only reads them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from timeline.events import Stemmer, stem
from timeline.lang import read_toml
from timeline.models import Event

_TOKEN = re.compile(r"[\w’'-]+")
_PERSON_WORD = re.compile(r"[A-Z][a-z]*(?:['’-][A-Z]?[a-z]+)*[a-z]|[A-Z]\.")  # "Steve", "O'Brien", "Jean-Luc", "J."; not "A380", "CEO"
_CAPITALIZED_RUN = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)+")
_DIGITS = re.compile(r"(?<![\w.,-])\d[\d,]*(?:\.\d+)?(?![\w,.-]*\d)")


@dataclass(frozen=True)
class SignatureWords:
    """merge.toml, compiled: move and outcome words by side, phrases that are no move, figure units,
    corporate suffixes. Clause words are looked up by token (no regex alternation over the word lists)."""

    moves: Mapping[str, str]        # word (lower case) -> "up" / "down"
    outcomes: Mapping[str, str]     # word (lower case) -> "win" / "lose"
    not_moves: Mapping[str, tuple[tuple[str, ...], ...]]  # first word -> phrases (as words) holding a move word
    symbols: tuple[str, ...]        # written before a number ("$", "US$", "£", "Rs"), longest first
    tail: re.Pattern[str]           # after a number: its scale ("billion"), its unit ("%", "percent") or a noun
    number_words: re.Pattern[str]   # "three", "dozen"
    units: Mapping[str, str]        # unit spelling (lower case) -> kind ("percent", "points", "$", "£" ...)
    unit_kinds: frozenset[str]      # the kinds of units (any other kind is a counted noun's stem)
    scale: Mapping[str, float]
    numbers: Mapping[str, float]
    not_counted: frozenset[str]
    suffixes: frozenset[str]
    organization_endings: frozenset[str]
    stemmer: Stemmer

    def stem(self, word: str) -> str:
        return stem(word, self.stemmer)


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def load_signature_words(lang: str, stemmer: Stemmer | None = None) -> SignatureWords:
    """merge.toml of one language, compiled (load once). ``stemmer``: as the event step stems clause words
    (``EventRules.stemmer``); read from the language's events.toml when not given."""
    data = read_toml(lang, "merge.toml")
    if stemmer is None:
        events = read_toml(lang, "events.toml")
        stemming = events["stemming"]
        stemmer = Stemmer(tuple(stemming["suffixes"]), frozenset(stemming["y_suffixes"]),
                          tuple(stemming["keep_endings"]), tuple(events["possessives"]))
    fig = data["figures"]
    units = {u.lower(): kind for kind in ("percent", "points") for u in fig[kind]}
    units.update({u.lower(): kind for kind, spellings in fig["currencies"].items() for u in spellings})
    # written before the number: symbols and codes ("$", "US$", "£", "Rs"); after it: any spelling ("4%",
    # "4 percent", "40 billion euros")
    symbols = tuple(sorted({u for spellings in fig["currencies"].values() for u in spellings if not u.islower()},
                           key=len, reverse=True))
    after = {u for kind in ("percent", "points") for u in fig[kind]}
    after |= {u for spellings in fig["currencies"].values() for u in spellings if u.isalpha()}
    tail = re.compile(rf"(?:\s?(?P<scale>(?i:{_alt(fig['scale'])}))(?!\w))?"
                      rf"(?:\s?(?P<unit>(?i:{_alt(after)}))(?!\w)|\s+(?P<noun>[a-z][\w-]*))?")
    not_moves: dict[str, list[tuple[str, ...]]] = {}
    for phrase in data["not_moves"]:
        parts = tuple(_TOKEN.findall(phrase.lower()))
        not_moves.setdefault(parts[0], []).append(parts)
    return SignatureWords(
        moves={w.lower(): side for side, ws in data["moves"].items() for w in ws},
        outcomes={w.lower(): side for side, ws in data["outcomes"].items() for w in ws},
        not_moves={k: tuple(v) for k, v in not_moves.items()}, symbols=symbols, tail=tail,
        number_words=re.compile(rf"(?<![\w-])(?:{_alt(fig['numbers'])})(?![\w-])", re.IGNORECASE),
        units=units, unit_kinds=frozenset(units.values()), scale={k.lower(): float(v) for k, v in fig["scale"].items()},
        numbers={k.lower(): float(v) for k, v in fig["numbers"].items()},
        not_counted=frozenset(fig["not_counted"]), suffixes=frozenset(data["corporate_suffixes"]),
        organization_endings=frozenset(data["organization_endings"]), stemmer=stemmer,
    )


class Figure(NamedTuple):
    value: float
    step: float  # how precisely the source gives it: 3.4 -> 0.1, 3 -> 1, "$1.5bn" -> 1e8


class Signature(NamedTuple):
    """The parts of an event that two reports of one happening share. ``moves``/``outcomes`` hold one
    side each when the clause takes one; ``figures`` maps a kind ("percent", "$", "points", a counted noun's
    stem) to the values given; ``subject`` is the first organization or person the clause names;
    ``organizations`` the clause's actors that are not people, each as its sets of matching words."""

    moves: frozenset[str]
    outcomes: frozenset[str]
    figures: Mapping[str, tuple[Figure, ...]]
    subject: str | None
    organizations: tuple[tuple[frozenset[str], str], ...]  # (its words, its initials in lower case)
    words: frozenset[str]  # stemmed words of the clause, its sentence and the sentence before (for presence)


def figures_of(text: str, words: SignatureWords, tokens: Iterable[str] = ()) -> dict[str, tuple[Figure, ...]]:
    """Numbers with their kind: "4%" and "4 percent" are ("percent", 4); "US$40 billion" is ("$", 4e10);
    "2,500 workers" is ("worker", 2500). A bare number (no unit, no counted noun) says nothing.
    ``tokens``: the text's words in lower case, if known (number words are looked for only when present)."""
    found: dict[str, list[Figure]] = {}
    matches = list(_DIGITS.finditer(text))
    if any(t in words.numbers for t in (tokens or _TOKEN.findall(text.lower()))):
        matches += list(words.number_words.finditer(text))
    for m in matches:
        raw = m.group(0)
        tail = words.tail.match(text, m.end())
        scale, unit, noun = tail.group("scale"), (tail.group("unit") or "").lower(), (tail.group("noun") or "").lower()
        before = text[max(0, m.start() - 4):m.start()].rstrip()
        sym = next((s for s in words.symbols if before.endswith(s) and not before[:-len(s)][-1:].isalnum()), None)
        if not sym and not unit and (not noun or noun in words.not_counted):
            continue
        if raw[0].isdigit():
            digits = raw.replace(",", "")
            value, step = float(digits), 10.0 ** -len(digits.partition(".")[2])
            if not sym and not unit and not scale and "," not in raw and 1000 <= value <= 2100 and step == 1:
                continue  # "2008 Olympics", "1991 agreement": a year, not a count
        else:
            value, step = words.numbers[raw.lower()], 1.0
        if scale:
            factor = words.scale[scale.lower()]
            value, step = value * factor, step * factor
        kind = words.units[sym.lower()] if sym else words.units.get(unit) or (words.stem(noun) if noun else "")
        if kind:
            found.setdefault(kind, []).append(Figure(value, step))
    return {k: tuple(v) for k, v in found.items()}


def _same_figure(a: Figure, b: Figure) -> bool:
    """Equal at the precision of the less precise report ("3.4%" and "3%" may be one figure, rounded)."""
    return abs(a.value - b.value) <= max(a.step, b.step) / 2 + 1e-9 * max(abs(a.value), abs(b.value))


def _sides(tokens: list[str], table: Mapping[str, str], words: SignatureWords) -> frozenset[str]:
    """The sides the clause's words take, leaving out words inside a phrase that is no move ("stepped down")."""
    present = table.keys() & tokens
    if not present:
        return frozenset()
    if not words.not_moves.keys() & tokens:
        return frozenset(table[t] for t in present)
    sides = set()
    skip_to = 0
    for i, t in enumerate(tokens):
        for phrase in words.not_moves.get(t, ()):
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                skip_to = max(skip_to, i + len(phrase))
        if i >= skip_to and t in table:
            sides.add(table[t])
    return frozenset(sides)


def name_words(name: str, words: SignatureWords) -> frozenset[str]:
    """The words that must all be present for a name to be named: "Apple Inc." -> {"apple"}."""
    suffixes = words.suffixes
    parts = [p for p in name.replace("’", "'").split() if p not in suffixes and p.rstrip(".") not in suffixes]
    return frozenset(words.stem(p.strip(".,'")) for p in parts or name.split())


def acronym(name: str) -> str:
    """ "General Motors" -> "GM", "All Nippon Airways" -> "ANA"; one-word names have none."""
    parts = [p for p in re.split(r"[\s-]+", name) if p[:1].isupper()]
    return "".join(p[0] for p in parts) if len(parts) > 1 else ""


def _in(name: str, text: str) -> bool:
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            return True
        at = text.find(name, at + 1)
    return False


def not_organizations(events: list[Event], words: SignatureWords) -> frozenset[str]:
    """Actors of a batch that cannot tell two happenings apart as organizations: people (``people``) and
    one-word "names" the batch writes in lower case at least as often ("Share prices ..." beside "share
    prices" and "market share"; not "Apple", though one sentence says "branded with an apple")."""
    single = {a for e in events for a in e.actors if " " not in a and not a.isupper()}
    common = set()
    if single:
        counts = whole_word_counts(Counter(e.quote for e in events), {a.lower() for a in single} | single)
        common = {a for a in single if counts[a.lower()] >= counts[a]}
    return people((e.actors for e in events), words.organization_endings) | frozenset(common)


_WORD_RUN = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")


def whole_word_counts(texts: Mapping[str, int], forms: Iterable[str]) -> Counter[str]:
    """How often each form occurs as a whole word (``\\b`` on both sides) in ``texts`` (text -> times it is
    read: the sentence of several events counts for each), exactly as ``re.finditer`` of one alternation of
    the sorted forms counts them, but each match is looked up by the word it starts with: an alternation of
    thousands of names tried at every character made this step grow with the batch squared."""
    ordered = sorted(set(forms))
    if any(not _WORD_CHAR.match(f) for f in ordered):  # a form starting with a non-word character: the regex
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b")
        found: Counter[str] = Counter()
        for text, times in texts.items():
            for m in pattern.finditer(text):
                found[m.group(0)] += times
        return found
    # a match starts where a word starts, and that word is the form's first word (or the form itself)
    by_first: dict[str, list[str]] = {}
    for form in ordered:
        by_first.setdefault(_WORD_RUN.match(form).group(0), []).append(form)  # type: ignore[union-attr]
    counts: Counter[str] = Counter()
    is_word = _WORD_CHAR.match
    for text, times in texts.items():
        resume = 0  # matches never overlap: the scan goes on after the last one
        for run in _WORD_RUN.finditer(text):
            at = run.start()
            if at < resume or (candidates := by_first.get(run.group(0))) is None:
                continue
            for form in candidates:  # the alternation's order: the first that matches wins
                end = at + len(form)
                if text.startswith(form, at) and (is_word(form[-1]) is None) != (end >= len(text) or is_word(text, end) is None):
                    counts[form] += times
                    resume = end
                    break
    return counts


def people(actor_lists: Iterable[Iterable[str]], organization_endings: frozenset[str] = frozenset()) -> frozenset[str]:
    """Actors of a batch that are people, by the way English news shortens names: a person's short form is
    the surname ("Steve Jobs" ... "Jobs said"), an organization's its first word or initials ("Apple
    Computer" ... "Apple", "General Motors" ... "GM"). A name of capitalized words whose last word the batch
    also uses alone is a person (and so is that word alone), unless that word also starts a longer name
    ("Boeing Commercial Airplanes"), ends several ("Moscone Center", "Delivery Center") or ends names of
    organizations (``organization_endings``: "Tata Motors"); and a person's name is words, not a model
    number or initials ("Airbus A380", "Apple Computer CEO")."""
    actors = {a for lst in actor_lists for a in lst}
    alone = {a for a in actors if " " not in a}
    multi = [a.split() for a in actors if " " in a]
    firsts = {parts[0] for parts in multi}
    endings: dict[str, set[str]] = {}
    for parts in multi:
        endings.setdefault(parts[-1], set()).add(" ".join(parts).lower())
    persons = set()
    for parts in multi:
        last = parts[-1]
        if (last in alone and last not in firsts and len(endings[last]) == 1 and last not in organization_endings
                and all(_PERSON_WORD.fullmatch(p) for p in parts)):
            persons.update((" ".join(parts), last))
    return frozenset(persons)


def signature(event: Event, words: SignatureWords, not_organizations: frozenset[str],
              reader: SignatureReader | None = None) -> Signature | None:
    """The event's signature, or None when it holds no move, outcome, figure or organization (it then
    clashes with nothing). Moves, outcomes, organizations and counts ("2,500 jobs") are read from the title,
    the clause in the source's words; percentages, points and amounts from the whole sentence, so a figure
    the title had to leave out still counts (a clash needs two reports giving figures of one kind that share
    none, which such a figure of another clause rarely makes; counts are commoner there: "the two countries",
    "leaders from 20 countries"). ``not_organizations``: the batch's actors that are people or common words."""
    reader = reader or SignatureReader(words)
    clause = event.title
    named = [a for a in event.actors if _in(a, clause) or any(_in(p, clause) for p in a.split() if len(p) > 2)]
    organizations = tuple(reader.organization(a) for a in named if a not in not_organizations)
    tokens = _TOKEN.findall(clause.lower())
    moves, outcomes = _sides(tokens, words.moves, words), _sides(tokens, words.outcomes, words)
    sentence_figures, initials = reader.sentence(event.quote)
    figures = dict(sentence_figures)
    figures.update((k, v) for k, v in figures_of(clause, words, tokens).items() if k not in words.unit_kinds)
    if not (moves or outcomes or figures or organizations):
        return None
    return Signature(
        moves=moves,
        outcomes=outcomes,
        figures=figures,
        subject=named[0] if named else None,
        organizations=organizations,
        words=frozenset(event.context) | frozenset(event.terms) | frozenset(map(reader.stem, event.names)) | initials,
    )


class SignatureReader:
    """``signature``'s reading of what several events share, done once per merge: a sentence (the quote of
    each of its events: its amounts and the initials of its capitalized runs), a name's words and initials,
    a name's stem."""

    def __init__(self, words: SignatureWords) -> None:
        self.words = words
        self._sentences: dict[str, tuple[dict[str, tuple[Figure, ...]], frozenset[str]]] = {}
        self._organizations: dict[str, tuple[frozenset[str], str]] = {}
        self._stems: dict[str, str] = {}

    def sentence(self, quote: str) -> tuple[dict[str, tuple[Figure, ...]], frozenset[str]]:
        """The figures of a unit kind the sentence gives, and the initials of its capitalized runs."""
        if (known := self._sentences.get(quote)) is None:
            words = self.words
            figures = {k: v for k, v in figures_of(quote, words).items() if k in words.unit_kinds}
            initials = frozenset(acronym(run).lower() for run in _CAPITALIZED_RUN.findall(quote) if acronym(run))
            known = self._sentences[quote] = (figures, initials)
        return known

    def organization(self, name: str) -> tuple[frozenset[str], str]:
        if (known := self._organizations.get(name)) is None:
            known = self._organizations[name] = (name_words(name, self.words), acronym(name).lower())
        return known

    def stem(self, name: str) -> str:
        if (known := self._stems.get(name)) is None:
            known = self._stems[name] = self.words.stem(name)
        return known


def _opposite(a: frozenset[str], b: frozenset[str]) -> bool:
    return len(a) == 1 and len(b) == 1 and a != b


def _named_in(orgs: tuple[tuple[frozenset[str], str], ...], words: frozenset[str]) -> bool:
    return any(o <= words or (initials and initials in words) for o, initials in orgs)


def clash(a: Signature, b: Signature) -> str | None:
    """Why two reports cannot tell one happening, or None: "move" (one says up, the other down), "outcome"
    (the same subject won in one, lost in the other), "figures" (both give a figure of one kind and none
    agree), "actors" (each names an organization the other never mentions)."""
    if _opposite(a.moves, b.moves):
        return "move"
    if _opposite(a.outcomes, b.outcomes) and a.subject == b.subject:
        return "outcome"
    for kind, values in a.figures.items():
        other = b.figures.get(kind)
        if other and not any(_same_figure(x, y) for x in values for y in other):
            return "figures"
    if a.organizations and b.organizations and not _named_in(a.organizations, b.words) \
            and not _named_in(b.organizations, a.words):
        return "actors"
    return None
