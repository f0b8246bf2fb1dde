"""TimeML reading/writing on small inline documents (no dependency on the shared corpora)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from timeline.errors import InputError
from timeline.models import Mention, Precision, TimeValue, TimexType
from timeline.evaluation.timeml import mentions_to_jsonl, parse_dct_value, read_timeml, write_timeml

TBAQ_LIKE = """<?xml version="1.0" ?>
<TimeML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://timeml.org/timeMLdocs/TimeML_1.2.1.xsd">

<DOCID>WSJ_TEST.0001</DOCID>

<DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08" temporalFunction="false" functionInDocument="CREATION_TIME">19980108</TIMEX3></DCT>

<TITLE>Markets &amp; more</TITLE>

<TEXT>
Stocks <EVENT eid="e1" class="OCCURRENCE">fell</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-01-07" temporalFunction="true" functionInDocument="NONE" anchorTimeID="t0">yesterday</TIMEX3> &amp; <SIGNAL sid="s1">in</SIGNAL> <TIMEX3 tid="t2" type="DATE" value="1997-Q4" mod="END" temporalFunction="true" functionInDocument="NONE" anchorTimeID="t0">the <EVENT eid="e2" class="STATE">late</EVENT> fourth quarter</TIMEX3>.
"Prices &lt; $5" <EVENT eid="e3" class="REPORTING">said</EVENT> AT&amp;T <TIMEX3 tid="t3" type="DURATION" value="P3Y" temporalFunction="false" functionInDocument="NONE">three years</TIMEX3> ago.
</TEXT>

<MAKEINSTANCE eventID="e1" eiid="ei1" tense="PAST" aspect="NONE" polarity="POS" pos="VERB"/>
<TLINK lid="l1" relType="BEFORE" eventInstanceID="ei1" relatedToTime="t0"/>

</TimeML>
"""

EXPECTED_TEXT = (
    "\nStocks fell yesterday & in the late fourth quarter.\n"
    '"Prices < $5" said AT&T three years ago.\n'
)


def test_read_text_dct_and_offsets() -> None:
    doc = read_timeml(TBAQ_LIKE)
    assert doc.doc_id == "WSJ_TEST.0001"
    assert doc.text == EXPECTED_TEXT
    assert doc.dct == dt.date(1998, 1, 8)
    assert doc.dct_value == "1998-01-08"
    assert [t.tid for t in doc.timexes] == ["t1", "t2", "t3"]  # t0 (the DCT) is not listed
    t1, t2, t3 = doc.timexes
    assert (t1.start, t1.end, t1.text) == (13, 22, "yesterday")
    assert (t1.type, t1.value, t1.mod, t1.anchor_time_id) == ("DATE", "1998-01-07", None, "t0")
    assert (t2.start, t2.end, t2.text) == (28, 51, "the late fourth quarter")  # nested EVENT inside
    assert (t2.value, t2.mod) == ("1997-Q4", "END")
    assert (t3.start, t3.end, t3.text, t3.type, t3.value) == (77, 88, "three years", "DURATION", "P3Y")
    for t in doc.timexes:
        assert doc.text[t.start : t.end] == t.text


def test_read_from_path(tmp_path) -> None:
    p = tmp_path / "WSJ_TEST.0001.tml"
    p.write_text(TBAQ_LIKE, encoding="utf-8")
    doc = read_timeml(p)
    assert doc.text == EXPECTED_TEXT and doc.path == str(p)
    doc2 = read_timeml(str(p))
    assert doc2.timexes == doc.timexes


def test_read_without_docid_or_dct() -> None:
    doc = read_timeml('<TimeML><TEXT>On <TIMEX3 tid="t5" type="DATE" value="XXXX-WXX-1">Monday</TIMEX3></TEXT></TimeML>')
    assert doc.dct is None and doc.doc_id == "doc"
    assert [(t.start, t.end, t.value) for t in doc.timexes] == [(3, 9, "XXXX-WXX-1")]


def test_dct_inside_text_is_kept_as_text_but_not_listed() -> None:
    xml = (
        '<TimeML><TEXT>NEW YORK <TIMEX3 tid="t0" type="DATE" value="2006-12-02" functionInDocument="CREATION_TIME">'
        'Dec 2</TIMEX3> - Sales rose <TIMEX3 tid="t1" type="DATE" value="2006-11">last month</TIMEX3>.</TEXT></TimeML>'
    )
    doc = read_timeml(xml)
    assert doc.text == "NEW YORK Dec 2 - Sales rose last month."
    assert doc.dct == dt.date(2006, 12, 2)
    assert [t.text for t in doc.timexes] == ["last month"]


def test_malformed_raises_input_error() -> None:
    with pytest.raises(InputError):
        read_timeml("<TimeML><TEXT>broken <TIMEX3></TEXT></TimeML>")
    with pytest.raises(InputError):
        read_timeml("<TimeML><DOCID>x</DOCID></TimeML>")


@pytest.mark.parametrize("value,expected", [("1998-01-08", dt.date(1998, 1, 8)), ("1998-01-08T14:30:00", dt.date(1998, 1, 8)),
                                            ("19980108", dt.date(1998, 1, 8)), ("1998", None), ("", None), (None, None)])
def test_parse_dct_value(value, expected) -> None:
    assert parse_dct_value(value) == expected


def _m(text: str, start: int, end: int, value: str, type_: TimexType = TimexType.DATE, mod: str | None = None,
       anchor: str = "absolute", rule: str = "r", precision: Precision | None = None) -> Mention:
    return Mention(start=start, end=end, text=text[start:end], rule=rule, anchor=anchor,
                   timex=TimeValue(value=value, type=type_, mod=mod, precision=precision))


def test_write_round_trip() -> None:
    text = 'Line one: "A & B" <tag> on\r\nMay 8, 2025 and\tthe week before\x0c.\n\n  three years ago\n'
    ms = [
        _m(text, text.index("May 8, 2025"), text.index("May 8, 2025") + 11, "2025-05-08"),
        _m(text, text.index("the week"), text.index("the week") + 15, "2025-W18", anchor="previous"),
        _m(text, text.index("three years ago"), text.index("three years ago") + 15, "2022", mod="APPROX", anchor="dct"),
    ]
    xml = write_timeml(text, dt.date(2025, 5, 9), ms, doc_id="d1")
    doc = read_timeml(xml)
    assert doc.text == text.replace("\x0c", " ")  # a control character XML cannot carry becomes a space
    assert len(doc.text) == len(text)
    assert doc.dct == dt.date(2025, 5, 9) and doc.doc_id == "d1"
    got = [(t.start, t.end, t.text, t.type, t.value, t.mod, t.tid) for t in doc.timexes]
    want = [(m.start, m.end, m.text, str(m.timex.type), m.timex.value, m.timex.mod, f"t{i}") for i, m in enumerate(ms, 1)]
    assert got == want
    assert [t.anchor_time_id for t in doc.timexes] == [None, None, "t0"]
    assert 'functionInDocument="CREATION_TIME"' in xml and 'tid="t0"' in xml


def test_write_nested_and_crossing() -> None:
    text = "the end of May 2025 was hot"
    outer = _m(text, 0, 19, "2025-05", mod="END")
    inner = _m(text, 11, 19, "2025-05")
    crossing = _m(text, 15, 23, "2025")  # crosses outer's end: cannot be written
    doc = read_timeml(write_timeml(text, None, [inner, crossing, outer]))
    assert doc.text == text and doc.dct is None
    assert [(t.start, t.end, t.mod) for t in doc.timexes] == [(0, 19, "END"), (11, 19, None)]


def test_write_empty() -> None:
    doc = read_timeml(write_timeml("", None, []))
    assert doc.text == "" and doc.timexes == []


def test_mentions_to_jsonl_shape() -> None:
    text = "It rained on May 8, 2025."
    ms = [_m(text, 13, 24, "2025-05-08", rule="month_day_year", precision=Precision.DAY),
          _m(text, 0, 2, "P1D", type_=TimexType.DURATION, mod="APPROX")]
    out = mentions_to_jsonl(ms)
    lines = out.splitlines()
    assert out.endswith("\n") and len(lines) == 2
    first = json.loads(lines[0])
    assert first == {"start": 13, "end": 24, "text": "May 8, 2025", "type": "DATE", "value": "2025-05-08",
                     "precision": "day", "mod": None, "rule": "month_day_year"}
    second = json.loads(lines[1])
    assert list(second) == ["start", "end", "text", "type", "value", "precision", "mod", "rule"]
    assert (second["type"], second["precision"], second["mod"]) == ("DURATION", None, "APPROX")
    assert mentions_to_jsonl([]) == ""
