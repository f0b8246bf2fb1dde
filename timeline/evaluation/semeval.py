"""SemEval-2015 Task 4 (TimeLine: cross-document event ordering), Track A: raw text -> entity timelines.

    timeline eval-timeline CORPUS_DIR --out DIR [--entity NAME] [--gold GOLD_DIR]

CORPUS_DIR is a folder of CAT XML documents (``corpus_trackA_CAT/``), or a corpus folder holding one
(plus ``list_target_entities_*.txt`` and ``TimeLines_Gold_Standard/``), or the trial-data root.

Reading (``read_cat``). A CAT document is a list of ``<token number sentence t_id>`` elements and a
CREATION_TIME TIMEX3 (the DCT). The text is rebuilt one CAT sentence per line (sentence 0 is the
headline, sentence 1 the dateline), so the project's sentence splitter keeps CAT sentences; every
token keeps its character span, so any offset maps back to (sentence, token id, word).

Building (``build_entity_timelines``), Track A only: the gold EVENT markables are never read.
  1. Each article goes through the project's pipeline (``analyze_batch``: dates, clauses, events) and
     the batch through ``merge_analyses``, so one happening told by several articles gets one date.
  2. A sentence takes part when it names the entity (the full name or a distinctive part of it: a
     surname, a model name such as "A380" or "Dreamliner", an acronym, a short form the texts
     introduce in brackets) as a participant -- not as a modifier or possessor ("Airbus A380" is
     the A380's, "Airbus employees" the employees', "Boeing's rival" the rival's) -- or, in an
     article whose headline names it, opens with "It", "The company" ...
  3. Its event words (``entity_predicates``): the verb right after the name (the entity as subject)
     and the verbs coordinated with it, else the nearest verb before (the entity as object), else
     the sentence's first verb; a light verb gives way to its event noun ("made its maiden flight").
     Verbs and event nouns are found by word shape and the lists of ``lang/en/evaluation.toml``;
     no part-of-speech model is used.
  4. Anchors (``_anchor``): the date of the clause a date phrase governs, if the word is in one;
     else the day the article reports (``reported_day``: a day its lead names in the week before
     publication, "on Sunday", else the publication date) when the verb's tense says it happened
     then (past, present perfect, a reporting "says"; any headline verb); else position 0 (plans,
     possibilities, states, what had happened before). ``YYYY-MM-DD`` with ``XX`` for unknown
     parts, the granularity of the date phrase.
  5. Positions follow (date, coarser first): every distinct anchor is one position.

Scoring (``score``): the task's official measure, temporal awareness (UzZaman & Allen 2011) as the
task's evaluation tool applies it, written here from its description (the tool itself is not part of
the project): position-0 events are left out; every other mention is SIMULTANEOUS with its anchor
(anchors compared as strings) and, in the file's natural line order, BEFORE the next mention when
that one has a later position (SIMULTANEOUS otherwise); each graph keeps the links that do not
follow from the earlier ones (its reduced graph), and
    P = system reduced links that hold in the gold closure / system reduced links,
    R = gold reduced links that hold in the system closure / gold reduced links,
summed over the timelines of a corpus (micro average: the official figure; macro is the mean of
per-entity F1). On the trial data and corpus_1 it gives the official tool's counts exactly.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from timeline.models import Article, DateSource, Precision, TimeValue

UNKNOWN = "XXXX-XX-XX"


# --------------------------------------------------------------------------- reading CAT XML

@dataclass(frozen=True)
class Token:
    t_id: int
    sentence: int
    number: int
    word: str
    start: int
    end: int


@dataclass
class CatDocument:
    doc_id: str
    article: Article
    tokens: list[Token]
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [t.start for t in self.tokens]

    def token_at(self, offset: int) -> Token | None:
        """The token covering ``offset`` (or the next one if ``offset`` is a space)."""
        import bisect
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.tokens[i].start <= offset < self.tokens[i].end:
            return self.tokens[i]
        if i + 1 < len(self.tokens):
            return self.tokens[i + 1]
        return None

    def tokens_in(self, start: int, end: int) -> list[Token]:
        import bisect
        i = bisect.bisect_left(self._starts, start)
        out = []
        while i < len(self.tokens) and self.tokens[i].start < end:
            out.append(self.tokens[i])
            i += 1
        return out

    def sentence_tokens(self, sentence: int) -> list[Token]:
        return [t for t in self.tokens if t.sentence == sentence]

    def event_id(self, token: Token) -> str:
        """The task's event id: DOCID-SENTENCE-WORD (the gold files use the word, not the t_id)."""
        return f"{self.doc_id}-{token.sentence}-{token.word}"


_DATELINE = re.compile(r"^\s*([A-Z][a-z]+)\s+(\d{1,2})\s*,\s*(\d{4})\s*$")


def read_cat(path: Path | str, words: Words | None = None) -> CatDocument:
    """A CAT XML document -> (Article, tokens with offsets). Sentences are lines; the body starts at sentence 2."""
    words = words or load_words()
    path = Path(path)
    root = ET.parse(path).getroot()
    doc_id = root.get("doc_id") or path.name.split("_")[0].split("-")[0]
    parts: list[str] = []
    tokens: list[Token] = []
    pos = 0
    sentence = None
    prev_word = None
    body_start = None
    for el in root.iter("token"):
        word = el.text or ""
        sent = int(el.get("sentence", "0"))
        if sentence is not None and sent != sentence:
            parts.append("\n")
            pos += 1
            prev_word = None
        if sent >= 2 and body_start is None:
            body_start = pos
        if prev_word is not None and word not in words.no_space_before and prev_word not in words.no_space_after:
            parts.append(" ")
            pos += 1
        tokens.append(Token(int(el.get("t_id", "0")), sent, int(el.get("number", "0")), word, pos, pos + len(word)))
        parts.append(word)
        pos += len(word)
        sentence, prev_word = sent, word
    text = "".join(parts)
    dct, evidence = _dct(root, tokens, text)
    article = Article(
        id=doc_id, path=str(path), text=text, body_start=body_start if body_start is not None else 0,
        title=" ".join(t.word for t in tokens if t.sentence == 0) or None, url=root.get("src_url"),
        date=dct, date_source=DateSource.HEADER if dct else DateSource.NONE, date_evidence=evidence,
    )
    return CatDocument(doc_id, article, tokens)


def _dct(root: ET.Element, tokens: list[Token], text: str) -> tuple[dt.date | None, str | None]:
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            value = timex.get("value", "")
            try:
                return dt.date.fromisoformat(value[:10]), f"CREATION_TIME {value}"
            except ValueError:
                pass
    line = " ".join(t.word for t in tokens if t.sentence == 1)
    m = _DATELINE.match(line)
    if m:
        try:
            return dt.datetime.strptime(f"{m[1]} {m[2]} {m[3]}", "%B %d %Y").date(), f"dateline {line!r}"
        except ValueError:
            pass
    return None, None


def cat_files(corpus_dir: Path | str) -> list[Path]:
    """The Track A CAT documents under ``corpus_dir`` (a CAT folder, a corpus folder or the trial root)."""
    corpus_dir = Path(corpus_dir)
    if any(corpus_dir.glob("*.xml")):
        return sorted(corpus_dir.glob("*.xml"))
    for pattern in ("corpus_trackA_CAT", "*trackA_CAT*", "Corpus-trial-data_task4"):
        found = sorted(d for d in corpus_dir.glob(pattern) if d.is_dir())
        if found:
            return sorted(found[0].glob("*.xml"))
    raise FileNotFoundError(f"no CAT XML documents under {corpus_dir}")


def gold_dir_for(corpus_dir: Path | str) -> Path | None:
    corpus_dir = Path(corpus_dir)
    for base in (corpus_dir, corpus_dir.parent):
        for pattern in ("TimeLines_Gold_Standard", "TimeLines_trial_data*"):
            found = sorted(d for d in base.glob(pattern) if d.is_dir())
            if found:
                return found[0]
    return None


def target_entities(corpus_dir: Path | str) -> list[str]:
    """Entities from ``list_target_entities*.txt``, else the first lines of the gold timelines."""
    corpus_dir = Path(corpus_dir)
    for base in (corpus_dir, corpus_dir.parent):
        lists = sorted(base.glob("list_target_entities*.txt"))
        if lists:
            return [ln.strip() for ln in lists[0].read_text(encoding="utf-8").splitlines() if ln.strip()]
    gold = gold_dir_for(corpus_dir)
    if gold:
        return [read_timeline(p)[0] for p in sorted(gold.glob("*.txt"))]
    return []


# --------------------------------------------------------------------------- language data

@dataclass(frozen=True)
class Words:
    """The word lists of section ``[semeval]`` of ``lang/<lang>/evaluation.toml`` (see there what each is for)."""

    no_space_before: frozenset[str]
    no_space_after: frozenset[str]
    generic: frozenset[str]
    droppable_last: frozenset[str]
    anaphor: re.Pattern[str]
    irregular: frozenset[str]
    auxiliaries: frozenset[str]
    perfect: frozenset[str]
    be: frozenset[str]
    be_present: frozenset[str]
    be_past: frozenset[str]
    pluperfect: frozenset[str]
    modals: frozenset[str]
    verb_group_inserts: frozenset[str]
    reporting: frozenset[str]
    light: frozenset[str]
    s_verb_subjects: frozenset[str]
    ly_verbs: frozenset[str]
    not_verbs: frozenset[str]
    number_words: frozenset[str]
    event_nouns: frozenset[str]
    event_noun_shape: re.Pattern[str]
    not_event_nouns: frozenset[str]
    function_words: frozenset[str]
    coordinators: frozenset[str]
    possessives: tuple[str, ...]
    ing: str
    past: str
    participle: tuple[str, ...]
    adverb: str
    third_person: str
    not_third_person: tuple[str, ...]


def load_words(lang: str = "en") -> Words:
    from timeline.lang import read_toml

    data = read_toml(lang, "evaluation.toml")["semeval"]
    ent, verbs, nouns = data["entities"], data["verbs"], data["nouns"]

    def words(value: str | list[str]) -> frozenset[str]:
        return frozenset(value.split() if isinstance(value, str) else value)

    anaphors = sorted(ent["anaphors"], key=len, reverse=True)
    return Words(
        no_space_before=words(data["cat"]["no_space_before"]), no_space_after=words(data["cat"]["no_space_after"]),
        generic=words(ent["generic"]), droppable_last=words(ent["droppable_last"]),
        anaphor=re.compile("(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in anaphors) + r")\b"),
        **{name: words(verbs[name]) for name in (
            "irregular", "auxiliaries", "perfect", "be", "be_present", "be_past", "pluperfect", "modals",
            "verb_group_inserts", "reporting", "light", "s_verb_subjects", "ly_verbs", "not_verbs", "number_words")},
        event_nouns=words(nouns["events"]),
        event_noun_shape=re.compile(r"^[a-z]{3,}(?:" + "|".join(sorted(nouns["event_suffixes"], key=len, reverse=True)) + ")$"),
        not_event_nouns=words(nouns["not_events"]),
        function_words=words(data["function_words"]["words"]), coordinators=words(data["function_words"]["coordinators"]),
        possessives=tuple(ent["possessives"]), ing=verbs["ing"], past=verbs["past"], participle=tuple(verbs["participle"]),
        adverb=verbs["adverb"], third_person=verbs["third_person"], not_third_person=tuple(verbs["not_third_person"]),
    )


# --------------------------------------------------------------------------- entity matching

def entity_patterns(entity: str, words: Words | None = None, aliases: Iterable[str] = ()) -> re.Pattern[str]:
    """The entity's name and distinctive parts: "Louis Gallois" -> Gallois; "Airbus A380" -> A380;
    "Boeing 787 Dreamliner" -> 787 Dreamliner, Dreamliner, 787; "United States Air Force" -> Air Force, USAF;
    and ``aliases`` (see ``introduced_acronyms``)."""
    words = words or load_words()
    parts = entity.split()
    variants = {entity, *aliases}
    for i in range(1, len(parts)):
        tail = parts[i:]
        if len(tail) >= 2 or _distinctive(tail[0], parts, words):
            variants.add(" ".join(tail))
    for w in parts:
        if re.search(r"\d", w) and re.search(r"[A-Za-z]", w) or re.fullmatch(r"\d{3,}", w):
            variants.add(w)  # model names: A380, 787
    if len(parts) >= 3 and all(w[:1].isupper() for w in parts):
        variants.add("".join(w[0] for w in parts))  # United States Air Force -> USAF
    if parts and parts[-1].lower() in words.droppable_last:
        variants.add(" ".join(parts[:-1]))
    variants = {v for v in variants if v and v.lower() not in words.generic}
    alts = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(variants, key=len, reverse=True))
    possessive = "|".join(re.escape(p) for p in words.possessives)
    return re.compile(r"(?<![\w-])(?:" + alts + r")(?:" + possessive + r")?(?![\w])", re.IGNORECASE if entity.islower() else 0)


def introduced_acronyms(pattern: re.Pattern[str], texts: Iterable[str]) -> set[str]:
    """Short forms the texts introduce in brackets right after the name: "Singapore Airlines (SIA)"."""
    found = set()
    for text in texts:
        for m in pattern.finditer(text):
            short = re.match(r"\s*\(\s*([A-Z][A-Z0-9&]{1,5})\s*\)", text[m.end():])
            if short:
                found.add(short[1])
    return found


def _distinctive(word: str, parts: list[str], words: Words) -> bool:
    """A single word that names the entity alone: a surname (two capitalized words) or a long model name."""
    if word.lower() in words.generic or not word[:1].isupper():
        return False
    person = len(parts) == 2 and all(w.isalpha() and w[:1].isupper() for w in parts)
    return person or (len(word) >= 6 and word.isalpha() and parts.index(word) == len(parts) - 1 and len(parts) >= 3)


def names_a_modifier(tokens: Sequence[Token], span: tuple[int, int], words: Words) -> bool:
    """Does the name modify the word after it rather than name a participant? A product code
    ("Airbus A380": the event is the A380's) or a common noun ("Airbus employees", "the Boeing deal")."""
    i = next((i for i, t in enumerate(tokens) if t.start >= span[1]), None)
    if i is None:
        return False
    word = tokens[i].word
    if re.search(r"\d", word):
        return True
    return word.isalpha() and word.islower() and word not in words.function_words \
        and word not in words.auxiliaries and not _verb_like(tokens, i, words)


# --------------------------------------------------------------------------- event tokens

def _verb_like(tokens: Sequence[Token], i: int, words: Words) -> bool:
    """Does the token look like a predicate? ``tokens`` is the whole sentence (context needs it)."""
    word = tokens[i].word
    low = word.lower()
    prev = tokens[i - 1].word.lower() if i > 0 else ""
    nxt = tokens[i + 1].word.lower() if i + 1 < len(tokens) else ""
    if not word.isalpha() or low in words.function_words or low in words.auxiliaries or low in words.not_verbs:
        return False
    if word[:1].isupper():
        # a name ("Boeing unveiled"), unless a sentence-initial participle: "Citing delays, Airbus ..."
        # (not a name ending in -ing: "Boeing will ...", "Boeing has ...")
        return i == 0 and low.endswith(words.ing) and nxt[:1].islower() and nxt not in words.auxiliaries \
            and not (nxt in words.irregular or nxt.endswith(words.past)) and any(t.word == "," for t in tokens[1:])
    if low.endswith(words.adverb) and low not in words.ly_verbs:
        return False  # adverbs
    if low in words.irregular:
        return True
    if low.endswith(words.past) and len(low) > 4:
        return True
    if low.endswith(words.ing) and len(low) > 5 and (prev in words.auxiliaries or prev == ","):
        return True
    if prev in words.perfect or prev in words.be:
        # "has hopes", "is unclear", "are two": after these only participles are verbs
        return low.endswith(words.participle) or (low in words.irregular and not low.endswith(words.third_person))
    if prev in words.auxiliaries or prev == "to":
        return len(low) > 2 and not (low.endswith(words.third_person) and not low.endswith(words.not_third_person)) \
            and low not in words.number_words
    # "-s" finite verb after a subject-like word (a name, a pronoun): "Boeing launches", "it plans"
    if low.endswith(words.third_person) and not low.endswith(words.not_third_person) and len(low) > 4 and i > 0:
        p = tokens[i - 1].word
        # ... and before more words: "55,000 Airbus employees." is a noun
        return (p[:1].isupper() or p.lower() in words.s_verb_subjects) and nxt[:1].isalpha() and not nxt[:1].isupper()
    return False


def _event_noun(word: str, words: Words) -> bool:
    low = word.lower()
    return word.isalpha() and (low in words.event_nouns or bool(words.event_noun_shape.match(low))) \
        and low not in words.not_event_nouns


def tense(tokens: Sequence[Token], i: int, words: Words) -> str:
    """What the verb group ending at token ``i`` says about when it happened: "past" (unveiled),
    "perfect" (has unveiled), "pluperfect" (had unveiled: before the reported day), "passive_past"
    (was delivered), "state" (is owned), "report" (says), "present" (carries: a habit or state),
    "nonfinite" (an -ing form)."""
    low = tokens[i].word.lower()
    group = []
    j = i - 1
    while j >= 0 and (tokens[j].word.lower() in words.auxiliaries or tokens[j].word.lower() in words.verb_group_inserts):
        group.append(tokens[j].word.lower())
        j -= 1
    if words.pluperfect & set(group):
        return "pluperfect"
    if words.perfect & set(group):
        return "perfect"
    if words.be_past & set(group):
        return "passive_past"
    if words.be_present & set(group):
        return "state"
    if low in words.reporting:
        return "report"
    if low.endswith(words.ing):
        return "nonfinite"
    if low.endswith(words.past) or (low in words.irregular and not low.endswith(words.third_person)):
        return "past"
    return "present"


_ON_THE_DAY = {"past", "perfect", "passive_past", "report"}  # tenses that tell what happened on the reported day
_MAX_SUBJECT_GAP = 4  # tokens from the end of the entity's name to its verb ("Boeing has also announced")


def entity_predicates(tokens: Sequence[Token], spans: Sequence[tuple[int, int]], skip: Sequence[tuple[int, int]],
                      words: Words) -> list[int]:
    """The indices of the event words of a sentence the entity takes part in (``spans``: where it is
    named; ``skip``: date phrases). For each naming, the verb right after it (the entity as subject,
    within a few words) and the verbs coordinated with that one; else the nearest verb before it (the
    entity as object); else the sentence's first verb. A light verb gives way to the event noun after
    it ("made its maiden flight"), and an event noun right after a verb joins it ("announced job cuts");
    a sentence with no verb gives its first event noun."""
    skip = list(spans) + list(skip)

    def free(i: int) -> bool:
        return not any(a <= tokens[i].start < b for a, b in skip)

    def in_name(i: int) -> bool:
        return any(a <= tokens[i].start < b for a, b in spans)

    verbs = [i for i in range(len(tokens)) if free(i) and _verb_like(tokens, i, words)]
    nouns = [i for i in range(len(tokens)) if free(i) and _event_noun(tokens[i].word, words) and i not in verbs]
    chosen: list[int] = []
    for a, b in spans:
        last = max((i for i, t in enumerate(tokens) if t.start < b), default=-1)
        after = [i for i in verbs if tokens[i].start >= b]
        if after and after[0] - last <= _MAX_SUBJECT_GAP:
            chosen.append(after[0])
            k = after[0]
            for j in after[1:]:
                if j - k > 6 or not any(tokens[x].word.lower() in words.coordinators for x in range(k + 1, j)):
                    break
                chosen.append(j)
                k = j
        else:
            before = [i for i in verbs if tokens[i].end <= a]
            if before:
                chosen.append(before[-1])
    if not chosen:
        chosen = verbs[:1]
    out: list[int] = []
    for k in chosen:
        objects = [j for j in nouns if k < j <= k + 4 and not any(tokens[x].word in (",", ".", ";") or in_name(x)
                                                                  for x in range(k + 1, j))]
        if objects and tokens[k].word.lower() in words.light:
            out.append(objects[0])
        else:
            out.append(k)
            out += objects[:1]
    if not out:
        out = nouns[:1]
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- anchors

def anchor_of(value: TimeValue | None) -> str:
    """A TimeValue -> YYYY-MM-DD with XX for what is not known (coarser than a month -> YYYY-XX-XX)."""
    if value is None or value.start is None or value.precision is None:
        return UNKNOWN
    d = value.start
    p = value.precision
    if p in (Precision.DAY, Precision.HOUR, Precision.MINUTE):
        return d.isoformat()
    if p == Precision.MONTH:
        return f"{d.year:04d}-{d.month:02d}-XX"
    if p in (Precision.YEAR, Precision.HALF, Precision.QUARTER, Precision.SEASON, Precision.WEEK):
        return f"{d.year:04d}-XX-XX"
    return UNKNOWN


def anchor_sort_key(anchor: str) -> tuple:
    """Time order, a coarser anchor before the finer ones it contains (2007-XX-XX before 2007-02-28)."""
    y, m, d = anchor.split("-")
    return (int(y) if y.isdigit() else 9999, int(m) if m.isdigit() else 0, int(d) if d.isdigit() else 0)


# --------------------------------------------------------------------------- building timelines

EntityTimeline = list[tuple[str, list[str]]]  # [(anchor, [event ids])], in order


@dataclass(frozen=True)
class Candidate:
    """One event token for one article sentence, with its anchor."""

    event_id: str
    doc_id: str
    sentence: int
    anchor: str
    source: str  # "date" (a date phrase of the pipeline), "day" (the day the article reports) or "none"


@dataclass(frozen=True)
class Sentence:
    index: int
    tokens: list[Token]
    start: int
    end: int


@dataclass(frozen=True)
class DatedClause:
    """A clause a date phrase of the pipeline governs, with the date (the merge's, when it chose one)."""

    start: int
    end: int
    date: tuple[int, int]
    when: TimeValue


_LEAD_SENTENCES = 4       # headline, dateline and the first body sentences
_REPORTED_DAY_WINDOW = 7  # a lead's day is at most a week before the publication date


def build_entity_timelines(corpus_dir: Path | str, entities: Iterable[str] | None = None, *,
                           dct_fallback: bool = True) -> dict[str, EntityTimeline]:
    """Entity -> [(anchor, [event ids])] from the raw CAT documents of a corpus (Track A).

    ``dct_fallback``: events with no date phrase of their own take the day the article reports
    (else they go to position 0)."""
    from timeline.events import clause_around
    from timeline.pipeline import analyze_batch, merge_analyses
    from timeline.resources import load_resources

    resources = load_resources("en")
    words = load_words("en")
    docs = [read_cat(p, words) for p in cat_files(corpus_dir)]
    by_id = {d.doc_id: d for d in docs}
    entities = list(entities) if entities is not None else target_entities(corpus_dir)
    analyses = analyze_batch([d.article for d in docs], resources)
    # The merge decides one date per happening told by several articles (conflicts resolved there).
    chosen: dict[tuple[str, int, int], TimeValue] = {}
    for entry in merge_analyses(analyses, resources):
        for s in entry.sources:
            chosen[(s.article_id, s.quote_start, s.date_start)] = entry.when

    sentences = {doc.doc_id: _sentences(doc) for doc in docs}
    clauses: dict[tuple[str, int], list[DatedClause]] = defaultdict(list)
    for a in analyses:
        doc = by_id[a.article.id]
        for e in a.events:
            when = chosen.get((e.article_id, e.quote_start, e.mention.start), e.when)
            left, right = clause_around(doc.article.text, (e.quote_start, e.quote_end), e.mention.start, e.mention.end,
                                        resources.events)
            first = doc.token_at(e.mention.start)
            if first is not None:
                clauses[(doc.doc_id, first.sentence)].append(DatedClause(left, right, (e.mention.start, e.mention.end), when))
    days = {doc.doc_id: reported_day(doc.article.date, [clauses.get((doc.doc_id, s.index), []) for s in sentences[doc.doc_id]
                                                         if s.index <= _LEAD_SENTENCES]) for doc in docs}

    out: dict[str, EntityTimeline] = {}
    for entity in entities:
        pattern = entity_patterns(entity, words)
        pattern = entity_patterns(entity, words, introduced_acronyms(pattern, (d.article.text for d in docs)))
        cands: dict[str, Candidate] = {}
        for doc in docs:
            headline_names = bool(pattern.search(doc.article.title or ""))
            for sent in sentences[doc.doc_id]:
                if sent.index == 1:  # the dateline
                    continue
                spans = _entity_spans(doc.article.text, sent, pattern, headline_names, words)
                if not spans:
                    continue
                dated = clauses.get((doc.doc_id, sent.index), [])
                for i in entity_predicates(sent.tokens, spans, [c.date for c in dated], words):
                    anchor, source = _anchor(sent, i, dated, days[doc.doc_id] if dct_fallback else None, words)
                    tok = sent.tokens[i]
                    cands.setdefault(doc.event_id(tok), Candidate(doc.event_id(tok), doc.doc_id, sent.index, anchor, source))
        out[entity] = order_candidates(cands.values())
    return out


def _sentences(doc: CatDocument) -> list[Sentence]:
    by_sentence: dict[int, list[Token]] = defaultdict(list)
    for t in doc.tokens:
        by_sentence[t.sentence].append(t)
    return [Sentence(i, toks, toks[0].start, toks[-1].end) for i, toks in sorted(by_sentence.items()) if toks]


def _entity_spans(text: str, sent: Sentence, pattern: re.Pattern[str], headline_names: bool,
                  words: Words) -> list[tuple[int, int]]:
    """Where the sentence names the entity as a participant; in an article whose headline names it,
    an opening "It", "The company" ... stands for it."""
    stext = text[sent.start:sent.end]
    spans = [(sent.start + m.start(), sent.start + m.end()) for m in pattern.finditer(stext)]
    if not spans and headline_names and (m := words.anaphor.match(stext)):
        spans = [(sent.start + m.start(), sent.start + m.end())]
    return [sp for sp in spans if not names_a_modifier(sent.tokens, sp, words)
            and not text[sp[0]:sp[1]].endswith(words.possessives)]


def reported_day(published: dt.date | None, lead: Sequence[Sequence[DatedClause]]) -> dt.date | None:
    """The day an article reports: the first day its lead dates ("on Sunday", "yesterday") in the
    week up to its publication date, else the publication date (news is written the day after as
    often as the same day)."""
    if published is None:
        return None
    for sentence in lead:
        for c in sorted(sentence, key=lambda c: c.date):
            w = c.when
            if w.precision in (Precision.DAY, Precision.HOUR, Precision.MINUTE) and w.start is not None \
                    and 0 <= (published - w.start).days <= _REPORTED_DAY_WINDOW:
                return w.start
    return published


def _anchor(sent: Sentence, i: int, dated: Sequence[DatedClause], day: dt.date | None, words: Words) -> tuple[str, str]:
    """The anchor of the event word ``i``: the date of the clause it is in; else, when its tense says it
    happened on the reported day (a headline always does), that day; else none (position 0): plans,
    possibilities, states, what had happened before."""
    tok = sent.tokens[i]
    inside = [c for c in dated if c.start <= tok.start < c.end]
    if inside:
        c = min(inside, key=lambda c: abs(c.date[0] - tok.start))
        return anchor_of(c.when), "date"
    before = [t.word.lower() for t in sent.tokens[max(0, i - 3):i]]
    if day is None or any(w in words.modals for w in before) or before[-1:] == ["to"]:
        return UNKNOWN, "none"
    if sent.index != 0 and tense(sent.tokens, i, words) not in _ON_THE_DAY:
        return UNKNOWN, "none"
    return day.isoformat(), "day"


def order_candidates(cands: Iterable[Candidate]) -> EntityTimeline:
    groups: dict[str, list[str]] = defaultdict(list)
    for c in cands:
        groups[c.anchor].append(c.event_id)
    return [(a, sorted(groups[a], key=_event_sort)) for a in sorted(groups, key=anchor_sort_key) if a != UNKNOWN] + \
        ([(UNKNOWN, sorted(groups[UNKNOWN], key=_event_sort))] if UNKNOWN in groups else [])


def _event_sort(event_id: str) -> tuple:
    doc, sent, word = event_id.split("-", 2)
    return (int(doc) if doc.isdigit() else 0, doc, int(sent) if sent.isdigit() else 0, word)


# --------------------------------------------------------------------------- the task's file format

def entity_file_name(entity: str) -> str:
    """As in TimeLines_Gold_Standard/: lower case, spaces to underscores ("Boeing 777" -> boeing_777.txt)."""
    return re.sub(r"[^\w.-]+", "_", entity.strip().lower()) + ".txt"


def format_timeline(entity: str, timeline: EntityTimeline) -> str:
    """First line the entity; then ORDER<TAB>ANCHOR<TAB>EVENT[<TAB>EVENT...], one event per line
    (the gold puts coreferent mentions on one line; our events are separate mentions). Unanchored
    events get position 0 and XXXX-XX-XX; anchored positions count from 1 in time order."""
    lines = [entity]
    order = 0
    for anchor, events in timeline:
        position = 0 if anchor == UNKNOWN else (order := order + 1)
        lines += [f"{position}\t{anchor}\t{e}" for e in events]
    return "\n".join(lines) + "\n"


def write_timelines(timelines: dict[str, EntityTimeline], out_dir: Path | str) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for entity, timeline in timelines.items():
        path = out_dir / entity_file_name(entity)
        path.write_text(format_timeline(entity, timeline), encoding="utf-8")
        written.append(path)
    return written


@dataclass(frozen=True)
class TimelineRow:
    position: int
    anchor: str
    events: tuple[str, ...]  # coreferent mentions of one event


def read_timeline(path: Path | str) -> tuple[str, list[TimelineRow]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    entity = lines[0].strip() if lines else ""
    rows = []
    for ln in lines[1:]:
        cells = [c.strip() for c in ln.split("\t") if c.strip()]
        if len(cells) < 3 or not re.fullmatch(r"-?\d+", cells[0]):
            continue
        rows.append(TimelineRow(int(cells[0]), cells[1], tuple(cells[2:])))
    return entity, rows


# --------------------------------------------------------------------------- scoring
#
# The task's measure, as its description (the README of its evaluation tool) and the TempEval-3
# papers define it, written here from that description: a timeline is turned into a temporal graph,
# each graph is reduced to the links that do not follow from earlier ones, and each side's reduced
# links are checked against the other side's closure.

BEFORE = "BEFORE"
SIMULTANEOUS = "SIMULTANEOUS"

Node = tuple[str, object]   # ("e", i): the gold's i-th mention; ("s", j): a system mention the gold lacks; ("t", anchor)
Link = tuple[Node, str, Node]


@dataclass(frozen=True)
class ScoredMention:
    """One event mention as the task's scorer reads it: position, anchor as written, mention text."""

    position: int
    anchor: str
    mention: str


_POSITION = re.compile(r"\s*[+-]?[0-9]+\s*")


def _natural_key(line: str) -> list[str | int]:
    """Runs of digits compare as numbers: position 10 after 9, then the anchor, then the mentions."""
    return [int(part) if i % 2 else part for i, part in enumerate(re.split(r"([0-9]+)", line))]


def scored_mentions(text: str) -> list[ScoredMention]:
    """A timeline file's mentions in the order the task's scorer links them.

    The first line names the entity. The other lines are taken in natural order (the whole line's
    text, runs of digits as numbers); a line is POSITION<TAB>ANCHOR<TAB>MENTION[<TAB>MENTION...],
    split on tabs as it is (mentions on one line are coreferent). Position 0 holds the events the
    annotators could not order: the scorer leaves them out. Anchors are compared as strings, so
    2008-02, 2008-02-XX and 2008-XX-XX are three different dates to it."""
    lines = sorted((line.rstrip() for line in text.split("\n")[1:] if line.strip()), key=_natural_key)
    out = []
    for line in lines:
        cells = line.split("\t")
        if len(cells) < 3 or not _POSITION.fullmatch(cells[0]) or int(cells[0]) == 0:
            continue
        out += [ScoredMention(int(cells[0]), cells[1], mention) for mention in cells[2:]]
    return out


def task_links(mentions: Sequence[ScoredMention], nodes: Sequence[Node]) -> list[Link]:
    """The task's graph of a timeline, in the order the links are written: first every mention
    SIMULTANEOUS with its anchor, then each mention BEFORE the next one when the next has a later
    position, SIMULTANEOUS with it otherwise. ``nodes[i]`` is the node of ``mentions[i]``."""
    links: list[Link] = [(node, SIMULTANEOUS, ("t", m.anchor)) for m, node in zip(mentions, nodes)]
    for i in range(len(mentions) - 1):
        rel = BEFORE if mentions[i].position < mentions[i + 1].position else SIMULTANEOUS
        links.append((nodes[i], rel, nodes[i + 1]))
    return links


class PointGraph:
    """A temporal graph of intervals, each two points (start < end). SIMULTANEOUS makes the starts
    one point and the ends one point; BEFORE puts the first interval's end strictly before the
    second's start. Equal points share a class (union-find); strict order between classes is kept
    as edges and found by reachability, which is the closure of these two relations."""

    def __init__(self) -> None:
        self._parent: dict[tuple[Node, int], tuple[Node, int]] = {}
        self._after: dict[tuple[Node, int], set[tuple[Node, int]]] = defaultdict(set)

    def __contains__(self, node: Node) -> bool:
        return (node, 0) in self._parent

    def _find(self, point: tuple[Node, int]) -> tuple[Node, int]:
        root = point
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[point] != root:
            self._parent[point], point = root, self._parent[point]
        return root

    def _less(self, p: tuple[Node, int], q: tuple[Node, int]) -> bool:
        a, b = self._find(p), self._find(q)
        if a == b:
            return False
        seen, stack = {a}, [a]
        while stack:
            for nxt in self._after[stack.pop()]:
                if nxt == b:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    def holds(self, link: Link) -> bool:
        """Does the link follow from what the graph holds?"""
        x, rel, y = link
        if x not in self or y not in self:
            return False
        if rel == BEFORE:
            return self._less((x, 1), (y, 0))
        return self._find((x, 0)) == self._find((y, 0)) and self._find((x, 1)) == self._find((y, 1))

    def _contradicts(self, link: Link) -> bool:
        x, rel, y = link
        if rel == BEFORE:
            return self._find((y, 0)) == self._find((x, 1)) or self._less((y, 0), (x, 1))
        return any(self._less(a, b) for end in (0, 1) for a, b in (((x, end), (y, end)), ((y, end), (x, end))))

    def add(self, link: Link) -> str:
        """Add a link unless it already follows ("implied") or contradicts the graph ("violated");
        "added" otherwise."""
        x, rel, y = link
        if x in self and y in self:
            if self.holds(link):
                return "implied"
            if self._contradicts(link):
                return "violated"
        elif rel == BEFORE and x == y:
            return "violated"
        for node in (x, y):
            if node not in self:
                start, end = (node, 0), (node, 1)
                self._parent[start], self._parent[end] = start, end
                self._after[start].add(end)
        if rel == BEFORE:
            self._after[self._find((x, 1))].add(self._find((y, 0)))
            return "added"
        for end in (0, 1):
            a, b = self._find((x, end)), self._find((y, end))
            if a != b:
                self._parent[b] = a
                self._after[a] |= self._after.pop(b, set())
        for point in list(self._after):  # edges into a merged class now lead to its root
            self._after[point] = {self._find(q) for q in self._after[point]}
        return "added"


@dataclass
class TaskGraph:
    asserted: set[Link]     # the links as written (SIMULTANEOUS both ways)
    closure: PointGraph     # what follows from the links kept
    reduced: list[Link]     # links that did not follow from earlier ones, contradicting ones included


def task_graph(links: Iterable[Link]) -> TaskGraph:
    """The reduced graph of the task's measure: links in their order, each kept unless it follows
    from the ones before it. A link that contradicts them is kept in the reduced list (it counts)
    but not added to the closure."""
    graph = PointGraph()
    asserted: set[Link] = set()
    reduced: list[Link] = []
    for link in links:
        if link in asserted:
            continue
        asserted.add(link)
        if link[1] == SIMULTANEOUS:
            asserted.add((link[2], link[1], link[0]))
        if graph.add(link) != "implied":
            reduced.append(link)
    return TaskGraph(asserted, graph, reduced)


@dataclass(frozen=True)
class Score:
    entity: str
    p_num: int    # system reduced links confirmed by the gold graph
    p_den: int    # system reduced links
    r_num: int    # gold reduced links confirmed by the system graph
    r_den: int    # gold reduced links

    @property
    def precision(self) -> float:
        return self.p_num / self.p_den if self.p_den else 0.0

    @property
    def recall(self) -> float:
        return self.r_num / self.r_den if self.r_den else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Report:
    entities: list[Score]
    micro: Score
    macro_p: float
    macro_r: float
    macro_f1: float
    missing: list[str] = field(default_factory=list)  # gold files with no system file: left out, as the task's tool does


def score_texts(entity: str, system_text: str, gold_text: str) -> Score:
    """One timeline's temporal-awareness counts (UzZaman & Allen 2011, as the task applies it).

    A system mention is the gold's node when the gold has the same text; the k-th copy of a text
    in the system is the gold's k-th copy (copies beyond the gold's are new nodes). Anchors are
    shared nodes when their strings are equal. P: the system's reduced links that hold in the gold
    graph (or are written in it); R: the gold's reduced links that hold in the system graph."""
    gold, system = scored_mentions(gold_text), scored_mentions(system_text)
    copies: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(gold):
        copies[m.mention].append(i)
    seen: dict[str, int] = defaultdict(int)
    system_nodes: list[Node] = []
    for j, m in enumerate(system):
        k = seen[m.mention]
        seen[m.mention] += 1
        system_nodes.append(("e", copies[m.mention][k]) if k < len(copies[m.mention]) else ("s", j))
    g = task_graph(task_links(gold, [("e", i) for i in range(len(gold))]))
    s = task_graph(task_links(system, system_nodes))
    p_num = sum(1 for link in s.reduced if link in g.asserted or g.closure.holds(link))
    r_num = sum(1 for link in g.reduced if link in s.asserted or s.closure.holds(link))
    return Score(entity, p_num, len(s.reduced), r_num, len(g.reduced))


def _read_bytes_as_text(path: Path) -> str:
    return path.read_bytes().decode("latin-1")  # byte for byte: mentions are compared as written


def score(system_dir: Path | str, gold_dir: Path | str, only: set[str] | None = None) -> Report:
    """Every gold timeline scored against the system file of the same name, and the micro average
    (the sums of the four counts: the task's official figure; macro is the mean of per-entity
    figures). A gold file without a system file is left out of both, as the task's tool does, and
    listed in ``missing``. ``only``: just the gold files of these names."""
    system_dir, gold_dir = Path(system_dir), Path(gold_dir)
    scores, missing = [], []
    for gold_path in sorted(gold_dir.glob("*.txt")):
        if only is not None and gold_path.name not in only:
            continue
        sys_path = system_dir / gold_path.name
        if not sys_path.is_file():
            missing.append(gold_path.name)
            continue
        entity = read_timeline(gold_path)[0] or gold_path.stem
        scores.append(score_texts(entity, _read_bytes_as_text(sys_path), _read_bytes_as_text(gold_path)))
    micro = Score("micro", *(sum(getattr(s, f) for s in scores) for f in ("p_num", "p_den", "r_num", "r_den")))
    n = len(scores) or 1
    return Report(scores, micro, sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n,
                  sum(s.f1 for s in scores) / n, missing)


def format_report(report: Report) -> str:
    lines = [f"{'entity':32} {'P':>6} {'R':>6} {'F1':>6}   sys links ok/all  gold links ok/all"]
    for s in report.entities:
        lines.append(f"{s.entity[:32]:32} {100 * s.precision:6.2f} {100 * s.recall:6.2f} {100 * s.f1:6.2f}"
                     f"   {s.p_num:>5}/{s.p_den:<10} {s.r_num:>5}/{s.r_den}")
    m = report.micro
    lines.append(f"{'micro (official measure)':32} {100 * m.precision:6.2f} {100 * m.recall:6.2f} {100 * m.f1:6.2f}"
                 f"   {m.p_num:>5}/{m.p_den:<10} {m.r_num:>5}/{m.r_den}")
    lines.append(f"{'macro':32} {100 * report.macro_p:6.2f} {100 * report.macro_r:6.2f} {100 * report.macro_f1:6.2f}")
    lines += [f"no system timeline for {name}: left out of the averages" for name in report.missing]
    return "\n".join(lines)


# --------------------------------------------------------------------------- the whole task

def run_track_a(corpus_dir: Path | str, out_dir: Path | str, entities: Sequence[str] = (), gold: Path | str | None = None,
                *, dct_fallback: bool = True) -> tuple[list[Path], Report | None]:
    """Build the entity timelines of a corpus, write them to ``out_dir`` in the task's format and score
    them against the gold (found next to the corpus unless given; None when there is none).
    ``entities``: only these (default: the corpus's list). Raises ValueError when there is no entity."""
    asked = list(entities)
    entities = asked or target_entities(corpus_dir)
    if not entities:
        raise ValueError("no target entities")
    written = write_timelines(build_entity_timelines(corpus_dir, entities, dct_fallback=dct_fallback), out_dir)
    gold_dir = Path(gold) if gold else gold_dir_for(corpus_dir)
    if gold_dir is None:
        return written, None
    only = {entity_file_name(e) for e in asked} if asked else None  # score just the entities asked for
    return written, score(out_dir, gold_dir, only=only)
