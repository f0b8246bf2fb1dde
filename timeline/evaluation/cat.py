"""Read CAT XML documents (the MEANTIME / NewsReader format) as gold for the date resolver.

A CAT document is ``<Document doc_id doc_name url>`` with one ``<token t_id sentence number>word</token>``
per token (no original spacing, no paragraphs), then ``<Markables>`` holding, among others,
``<TIMEX3 m_id type value functionInDocument anchorTimeID ...>`` with ``<token_anchor t_id/>`` children.
Sentence 0 is the title, sentence 1 the date line, then the body.

``read_cat`` gives what the TimeML reader gives (``TimeMLDoc``: text, document date, gold timexes
as character offsets into the text), rebuilt as a user would have the article:

* the text is the title on its own line, a blank line, then the body sentences as one paragraph
  (the date line is the article's date, as front matter or a header gives it, not part of the text;
  a date line that is not sentence 1 stays in the text); tokens are joined with the spacing of
  written English: no space before closing punctuation, closing brackets and quotes or clitics
  (``'s``, ``n't``), none after opening brackets, opening quotes and currency signs; the treebank
  quotes `````` and ``''`` are written ``"``;
* the document date is the TIMEX3 with ``functionInDocument="CREATION_TIME"``, or where a document
  has none, the TIMEX3 of the date line (the sentence-1 timex); it is never a gold mention;
* TIMEX3 elements without token anchors (implicit timexes) are skipped;
* only sentences 0-5 are annotated (``ANNOTATED_SENTENCES``): ``CatDoc.scored_end`` is where the
  unannotated tail begins, and the scorer ignores system mentions from there on.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from timeline.errors import InputError
from timeline.evaluation.timeml import GoldTimex, TimeMLDoc, parse_dct_value
from timeline.lang import read_toml

__all__ = ["ANNOTATED_SENTENCES", "CatDoc", "CatWords", "detokenize", "is_cat", "load_cat_words", "read_cat"]

# MEANTIME annotates the title, the date line and the first four body sentences.
ANNOTATED_SENTENCES = 6
TITLE_SENTENCE = 0
DATE_SENTENCE = 1

# Punctuation written without a space before / after it; the language's clitics ("'s", "n't") come from
# lang/<lang>/evaluation.toml ([cat]).
_NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "...", "…", "''", "”", "’", "/"})
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "#", "``", "`", "“", "‘", "/"})
_CURRENCY = ("$", "£", "€", "¥")  # a currency sign (or "US$") sticks to the amount after it
_APOSTROPHE = ("'", "’")
_QUOTE_SPELLING = {"``": '"', "''": '"', "&quot;": '"', "`": "'"}


@dataclass(frozen=True)
class CatWords:
    """A language's words for joining tokens: clitics that take no space before them, contraction endings."""

    clitics: frozenset[str]
    contracted: frozenset[str]


def load_cat_words(lang: str = "en") -> CatWords:
    data = read_toml(lang, "evaluation.toml")["cat"]
    return CatWords(frozenset(data["clitics"]), frozenset(w.lower() for w in data["contracted"]))


@dataclass
class CatDoc(TimeMLDoc):
    """A CAT document as gold: ``text[scored_end:]`` is the unannotated tail (None: all annotated)."""

    scored_end: int | None = None
    url: str | None = None


def detokenize(tokens: list[str], words: CatWords | None = None) -> tuple[str, list[tuple[int, int]]]:
    """Tokens joined as written text, and each token's [start, end) in it.

    A straight double quote opens or closes by turns; a lone apostrophe after a word closes
    ("developers' conference"), else opens; a token ending in an apostrophe ("I'", "O'") takes the
    next one without a space ("I'm", "O'Leary"). ``words``: the language's clitics (English if None).
    """
    words = words or load_cat_words()
    no_space_before = _NO_SPACE_BEFORE | words.clitics
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    glue_next = True  # no space before the first token
    quote_open = False
    for i, raw in enumerate(tokens):
        token = _QUOTE_SPELLING.get(raw, raw)
        previous = parts[-1] if parts else ""
        after_word = previous[-1:].isalnum() or previous[-1:] in ".,!?)"
        if token == '"':  # `` opens; '' and ” close an open quote (or one after a word); " goes by turns
            closing_quote = raw not in ("``", "“") and (quote_open or (raw in ("''", "”") and after_word))
        else:  # a lone apostrophe after a word closes ("developers' conference"), else it opens
            closing_quote = raw in ("’", "'") and after_word
        opening_quote = token in ('"', *_APOSTROPHE) and not closing_quote
        if token == '"':
            quote_open = opening_quote
        contraction = previous[-1:] in _APOSTROPHE and raw.lower() in words.contracted  # "we' re" -> "we're"
        space = not glue_next and not (token in no_space_before or closing_quote or contraction)
        if space:
            parts.append(" ")
            pos += 1
        parts.append(token)
        spans.append((pos, pos + len(token)))
        pos += len(token)
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        glue_next = (token in _NO_SPACE_AFTER or opening_quote
                     or (token.endswith(_CURRENCY) and following[:1].isdigit())
                     or (len(token) > 1 and token[-1] in _APOSTROPHE and token[:-1].isalpha() and following[:1].isalpha()))
    return "".join(parts), spans


def _block(sentence: int) -> int:
    return 0 if sentence == TITLE_SENTENCE else 1 if sentence == DATE_SENTENCE else 2


def is_cat(path: Path) -> bool:
    """True if the file looks like a CAT document (its root element is ``<Document``)."""
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError:
        return False
    return b"<Document" in head


def _parse(path_or_text: str | Path) -> tuple[ET.Element, str | None, str]:
    if isinstance(path_or_text, Path) or not path_or_text.lstrip("\ufeff \t\r\n").startswith("<"):
        path = str(path_or_text)
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            raise InputError(path, f"cannot read: {e.strerror or e}") from e
        source: str | None = path
    else:
        data, source = path_or_text.encode("utf-8"), None
    try:
        return ET.fromstring(data), source, source or "<string>"
    except ET.ParseError as e:
        line = e.position[0] if getattr(e, "position", None) else None
        raise InputError(source or "<string>", f"not well-formed CAT XML: {e}", line) from e


def read_cat(path_or_text: str | Path, words: CatWords | None = None) -> CatDoc:
    """Parse a CAT document given as a path or as the XML text itself (``words``: see ``detokenize``).

    Raises ``InputError`` if it is not well-formed XML or has no tokens.
    """
    root, path, where = _parse(path_or_text)
    words = words or load_cat_words()
    tokens: list[tuple[str, int, str]] = []  # (t_id, sentence, word)
    for el in root.iter("token"):
        try:
            sentence = int(el.get("sentence", "0"))
        except ValueError:
            sentence = 0
        tokens.append((el.get("t_id", ""), sentence, el.text or ""))
    if not tokens:
        raise InputError(where, "no <token> elements (not a CAT document?)")
    sentence_of = {tid: s for tid, s, _ in tokens}

    timexes: list[tuple[ET.Element, list[str]]] = []
    for el in root.iter("TIMEX3"):
        anchors = [a.get("t_id", "") for a in el.findall("token_anchor")]
        anchors = [a for a in anchors if a in sentence_of]
        if anchors:
            timexes.append((el, anchors))
    dct_el = next((el for el, _ in timexes if el.get("functionInDocument") == "CREATION_TIME"), None)
    if dct_el is None:
        dct_el = next((el for el, ids in timexes if all(sentence_of[i] == DATE_SENTENCE for i in ids)), None)
    dct_value = dct_el.get("value") if dct_el is not None else None
    # The date line leaves the text when it is the article's date (it is given as the document date).
    drop_sentence = DATE_SENTENCE if dct_el is not None and all(
        sentence_of[a.get("t_id", "")] == DATE_SENTENCE for a in dct_el.findall("token_anchor")
        if a.get("t_id", "") in sentence_of) else None

    # Title, blank line, body as one paragraph (a kept date line is a line of its own too). The body is
    # joined in one go so that a quotation running over several sentences closes where it should.
    blocks: list[list[tuple[str, int, str]]] = []
    for token in tokens:
        s = token[1]
        if s == drop_sentence:
            continue
        if not blocks or (blocks[-1][-1][1] != s and (_block(s) < 2 or _block(blocks[-1][-1][1]) < 2)):
            blocks.append([])
        blocks[-1].append(token)
    text_parts: list[str] = []
    offset_of: dict[str, tuple[int, int]] = {}
    pos = 0
    scored_end: int | None = None
    for block_tokens in blocks:
        if text_parts:
            text_parts.append("\n\n")
            pos += 2
        block_text, spans = detokenize([w for _, _, w in block_tokens], words)
        for (tid, s, _), (a, b) in zip(block_tokens, spans):
            offset_of[tid] = (pos + a, pos + b)
            if s >= ANNOTATED_SENTENCES and scored_end is None:
                scored_end = pos + a
        text_parts.append(block_text)
        pos += len(block_text)
    text = "".join(text_parts)

    gold: list[GoldTimex] = []
    for el, anchors in timexes:
        if el is dct_el:
            continue
        spans = [offset_of[a] for a in anchors if a in offset_of]
        if not spans:
            continue
        start, end = min(a for a, _ in spans), max(b for _, b in spans)
        gold.append(GoldTimex(
            start=start, end=end, text=text[start:end], tid=el.get("m_id", ""), type=el.get("type", ""),
            value=el.get("value", ""), mod=el.get("mod") or None, anchor_time_id=el.get("anchorTimeID") or None,
        ))
    gold.sort(key=lambda g: (g.start, -g.end))

    doc_id = root.get("doc_name") or root.get("doc_id") or (Path(path).stem if path else "doc")
    return CatDoc(doc_id=doc_id, text=text, dct=parse_dct_value(dct_value), timexes=gold, path=path,
                  dct_value=dct_value, scored_end=scored_end, url=root.get("url"))
