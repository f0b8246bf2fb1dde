"""The CAT (MEANTIME) reader on a small document written here (never the shared corpora)."""

from __future__ import annotations

import datetime as dt

import pytest

from timeline.errors import InputError
from timeline.evaluation.cat import detokenize, read_cat


def _tokens(sentences: list[list[str]]) -> tuple[str, dict[str, int]]:
    """Token elements for the sentences, and each word's t_id (first occurrence)."""
    out, ids, n = [], {}, 0
    for s, words in enumerate(sentences):
        for w in words:
            n += 1
            ids.setdefault(w, n)
            esc = w.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            out.append(f'<token t_id="{n}" sentence="{s}" number="{n - 1}">{esc}</token>')
    return "\n".join(out), ids


SENTENCES = [
    ["Airbus", "delays", "A380", "again"],                         # 0 title
    ["June", "13", ",", "2006"],                                   # 1 date line
    ["Airbus", "said", "today", "that", "deliveries", "will", "slip", "by", "six", "months", "."],  # 2
    ["The", "company", "'s", "shares", "fell", "26", "%", "on", "Wednesday", "(", "local", "time", ")", "."],  # 3
    ["``", "We", "are", "sorry", ",", "''", "the", "CEO", "said", "."],  # 4
    ["Costs", "rose", "in", "2005", "."],                          # 5
    ["Talks", "resume", "on", "Friday", "."],                      # 6: not annotated
]


def _doc(creation_time: bool = True, implicit: bool = True) -> str:
    tokens, ids = _tokens(SENTENCES)
    function = "CREATION_TIME" if creation_time else "NONE"
    markables = [
        f'<TIMEX3 m_id="m1" type="DATE" value="2006-06-13" functionInDocument="{function}" anchorTimeID="">'
        '<token_anchor t_id="5"/><token_anchor t_id="6"/><token_anchor t_id="7"/><token_anchor t_id="8"/></TIMEX3>',
        '<TIMEX3 m_id="m2" type="DATE" value="2006-06-13" functionInDocument="NONE" anchorTimeID="m1">'
        f'<token_anchor t_id="{ids["today"]}"/></TIMEX3>',
        '<TIMEX3 m_id="m3" type="DURATION" value="P6M" functionInDocument="NONE" anchorTimeID="">'
        f'<token_anchor t_id="{ids["six"]}"/><token_anchor t_id="{ids["months"]}"/></TIMEX3>',
        '<TIMEX3 m_id="m4" type="DATE" value="2006-06-14" functionInDocument="NONE" anchorTimeID="m1">'
        f'<token_anchor t_id="{ids["Wednesday"]}"/></TIMEX3>',
        '<TIMEX3 m_id="m5" type="DATE" value="2005" functionInDocument="NONE" anchorTimeID="">'
        f'<token_anchor t_id="{ids["2005"]}"/></TIMEX3>',
    ]
    if implicit:
        markables.append('<TIMEX3 m_id="m6" TAG_DESCRIPTOR="2007" type="DATE" value="2007" functionInDocument="NONE"/>')
    return ('<?xml version="1.0" ?>\n<Document doc_id="1" doc_name="1_Airbus_delays_A380" lang="en" url="http://x">\n'
            + tokens + "\n<Markables>\n" + "\n".join(markables) + "\n</Markables>\n</Document>\n")


def test_text_is_title_then_body_without_the_date_line() -> None:
    doc = read_cat(_doc())
    assert doc.text.startswith("Airbus delays A380 again\n\nAirbus said today that deliveries will slip by six months. ")
    assert "June 13, 2006" not in doc.text
    assert "The company's shares fell 26% on Wednesday (local time). " in doc.text
    assert '"We are sorry," the CEO said.' in doc.text
    assert doc.doc_id == "1_Airbus_delays_A380"


def test_creation_time_is_the_document_date_not_a_mention() -> None:
    doc = read_cat(_doc())
    assert doc.dct == dt.date(2006, 6, 13)
    assert doc.dct_value == "2006-06-13"
    assert [g.tid for g in doc.timexes] == ["m2", "m3", "m4", "m5"]  # m1 the date, m6 implicit: skipped


def test_date_line_timex_is_the_date_when_creation_time_is_missing() -> None:
    doc = read_cat(_doc(creation_time=False))
    assert doc.dct == dt.date(2006, 6, 13)
    assert "m1" not in [g.tid for g in doc.timexes]


def test_gold_offsets_point_at_their_words() -> None:
    doc = read_cat(_doc())
    got = [(g.text, g.type, g.value) for g in doc.timexes]
    assert got == [("today", "DATE", "2006-06-13"), ("six months", "DURATION", "P6M"),
                   ("Wednesday", "DATE", "2006-06-14"), ("2005", "DATE", "2005")]
    for g in doc.timexes:
        assert doc.text[g.start:g.end] == g.text


def test_scored_part_ends_before_sentence_six() -> None:
    doc = read_cat(_doc())
    assert doc.scored_end is not None
    assert doc.text[doc.scored_end:] == "Talks resume on Friday."
    assert doc.text[:doc.scored_end].endswith("Costs rose in 2005. ")


def test_detokenize_spacing() -> None:
    text, spans = detokenize(["He", "paid", "US$", "40", "(", "GB", "#", "20", ")", "for", "developers", "'",
                              "kits", ";", "``", "fine", "''", "."])
    assert text == 'He paid US$40 (GB #20) for developers\' kits; "fine".'
    assert [text[a:b] for a, b in spans][:4] == ["He", "paid", "US$", "40"]
    assert detokenize(["we", "'", "re", "here", "--", "now", "n't"])[0] == "we're here -- nown't"


def test_not_well_formed_or_tokenless() -> None:
    with pytest.raises(InputError):
        read_cat("<Document><token t_id='1'>x</Document>")
    with pytest.raises(InputError):
        read_cat("<Document doc_id='1'></Document>")
