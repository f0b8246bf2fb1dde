"""SemEval-2015 Task 4 (TimeLine) reading, writing and scoring on small hand-made data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from timeline.evaluation.semeval import (
    TimelineRow,
    anchor_of,
    build_entity_timelines,
    entity_file_name,
    entity_patterns,
    format_timeline,
    normalize_anchor,
    read_cat,
    read_timeline,
    score,
    score_rows,
    timeline_graph,
    write_timelines,
)
from timeline.models import Precision, TimeValue, TimexType


def _cat(doc_id: str, sentences: list[str], dct: str | None) -> str:
    tokens, n = [], 0
    for s, sentence in enumerate(sentences):
        for word in sentence.split():
            tokens.append(f'<token number="{n}" sentence="{s}" t_id="{n + 1}">{word}</token>')
            n += 1
    timex = (f'<TIMEX3 functionInDocument="CREATION_TIME" m_id="1" type="DATE" value="{dct}">\n</TIMEX3>' if dct else "")
    return (f'<?xml version="1.0" ?><Document doc_id="{doc_id}" doc_name="{doc_id}_test.txt" src_url="http://x/{doc_id}">\n'
            + "\n".join(tokens) + f"\n<Markables>\n{timex}\n</Markables>\n</Document>\n")


DOC = _cat("4764", [
    "Boeing unveils long-range 777",
    "February 16 , 2005",
    "Boeing unveiled the 777-200LR on Tuesday , the company said .",
    "Airbus will fly its A380 next year .",
], "2005-02-16")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    cat = tmp_path / "corpus_trackA_CAT"
    cat.mkdir()
    (cat / "4764_Boeing.txt.xml").write_text(DOC, encoding="utf-8")
    (tmp_path / "list_target_entities_test.txt").write_text("Boeing\n", encoding="utf-8")
    return tmp_path


def test_read_cat_text_date_and_sentences(corpus: Path) -> None:
    doc = read_cat(corpus / "corpus_trackA_CAT" / "4764_Boeing.txt.xml")
    a = doc.article
    assert a.id == "4764" and a.date == dt.date(2005, 2, 16)
    assert a.text.splitlines() == [
        "Boeing unveils long-range 777",
        "February 16, 2005",
        "Boeing unveiled the 777-200LR on Tuesday, the company said.",
        "Airbus will fly its A380 next year.",
    ]
    assert a.text[a.body_start:].startswith("Boeing unveiled")
    assert a.title == "Boeing unveils long-range 777"
    for t in doc.tokens:  # every token's span gives back its word
        assert a.text[t.start:t.end] == t.word


def test_token_mapping_to_event_ids(corpus: Path) -> None:
    doc = read_cat(corpus / "corpus_trackA_CAT" / "4764_Boeing.txt.xml")
    off = doc.article.text.index("unveiled")
    tok = doc.token_at(off + 3)
    assert (tok.sentence, tok.t_id, tok.word) == (2, 10, "unveiled")
    assert doc.event_id(tok) == "4764-2-unveiled"
    assert [t.word for t in doc.tokens_in(off, off + len("unveiled the"))] == ["unveiled", "the"]
    assert doc.token_at(doc.article.text.index(", the company")).word == ","


def test_dct_falls_back_to_the_dateline(tmp_path: Path) -> None:
    p = tmp_path / "d.xml"
    p.write_text(_cat("9", ["Title", "June 6 , 2005", "Text ."], None), encoding="utf-8")
    assert read_cat(p).article.date == dt.date(2005, 6, 6)


def test_anchors() -> None:
    day = TimeValue(value="2005-02-15", type=TimexType.DATE, precision=Precision.DAY, start=dt.date(2005, 2, 15), end=dt.date(2005, 2, 16))
    month = TimeValue(value="2007-10", type=TimexType.DATE, precision=Precision.MONTH, start=dt.date(2007, 10, 1), end=dt.date(2007, 11, 1))
    year = TimeValue(value="2003", type=TimexType.DATE, precision=Precision.YEAR, start=dt.date(2003, 1, 1), end=dt.date(2004, 1, 1))
    assert [anchor_of(v) for v in (day, month, year, None)] == ["2005-02-15", "2007-10-XX", "2003-XX-XX", "XXXX-XX-XX"]
    assert [normalize_anchor(a) for a in ("2006-01", "1968", "XXX-XX-XX", "2008-03-XX")] == \
        ["2006-01-XX", "1968-XX-XX", "XXXX-XX-XX", "2008-03-XX"]


def test_entity_variants() -> None:
    assert entity_patterns("Louis Gallois").search("Gallois said")
    assert entity_patterns("Airbus A380").search("the A380 landed")
    assert not entity_patterns("Airbus A380").search("Airbus said")
    assert entity_patterns("Boeing 787 Dreamliner").search("the Dreamliner flew")
    assert entity_patterns("United States Air Force").search("the Air Force's tanker")
    assert not entity_patterns("United States Air Force").search("the United States economy")
    assert entity_file_name("Boeing 787 Dreamliner") == "boeing_787_dreamliner.txt"


def test_write_format(tmp_path: Path) -> None:
    timelines = {"Boeing 777": [("2005-02-15", ["4764-2-unveiled", "4764-0-unveils"]), ("2006-XX-XX", ["4764-3-fly"]),
                                ("XXXX-XX-XX", ["4764-2-said"])]}
    (path,) = write_timelines(timelines, tmp_path)
    assert path.name == "boeing_777.txt"
    assert path.read_text(encoding="utf-8") == (
        "Boeing 777\n"
        "1\t2005-02-15\t4764-2-unveiled\n"
        "1\t2005-02-15\t4764-0-unveils\n"
        "2\t2006-XX-XX\t4764-3-fly\n"
        "0\tXXXX-XX-XX\t4764-2-said\n"
    )
    entity, rows = read_timeline(path)
    assert entity == "Boeing 777" and rows[2] == TimelineRow(2, "2006-XX-XX", ("4764-3-fly",))
    assert format_timeline("X", []) == "X\n"


GOLD = """E
0\tXXXX-XX-XX\t1-2-said
1\t2005-01-18\t1-0-launches\t1-2-unveiled
2\t2005-02\t2-3-flew
"""
SYSTEM = """E
1\t2005-01-18\t1-0-launches
2\t2005-01-20\t1-2-unveiled
3\t2005-02-XX\t2-3-flew
"""


def test_graph_closure_and_reduction(tmp_path: Path) -> None:
    (tmp_path / "g.txt").write_text(GOLD, encoding="utf-8")
    g = timeline_graph(read_timeline(tmp_path / "g.txt")[1])
    assert g.reduced == {
        ("e:1-2-said", "SIMULTANEOUS", "t:XXXX-XX-XX"),
        ("e:1-0-launches", "SIMULTANEOUS", "t:2005-01-18"),
        ("e:1-2-unveiled", "SIMULTANEOUS", "t:2005-01-18"),
        ("e:2-3-flew", "SIMULTANEOUS", "t:2005-02-XX"),
        ("t:2005-01-18", "BEFORE", "t:2005-02-XX"),
    }
    # 1 + 3 + 1 SIMULTANEOUS pairs inside the classes, 3 x 2 BEFORE pairs between positions 1 and 2
    assert len(g.closure) == 11
    assert ("e:1-0-launches", "BEFORE", "e:2-3-flew") in g.closure
    assert ("e:1-0-launches", "SIMULTANEOUS", "e:1-2-unveiled") in g.closure


def test_score_by_hand(tmp_path: Path) -> None:
    gold_dir, sys_dir = tmp_path / "gold", tmp_path / "sys"
    gold_dir.mkdir()
    sys_dir.mkdir()
    (gold_dir / "e.txt").write_text(GOLD, encoding="utf-8")
    (sys_dir / "e.txt").write_text(SYSTEM, encoding="utf-8")
    # Sys-: launches=t18 (ok), unveiled=t20 (no), flew=t02 (ok), t18<t20 (no), t20<t02 (no) -> P = 2/5
    # Gold-: said=tXX (no), launches=t18 (ok), unveiled=t18 (no), flew=t02 (ok), t18<t02 (ok) -> R = 3/5
    s = score(sys_dir, gold_dir).entities[0]
    assert (s.p_num, s.p_den, s.r_num, s.r_den) == (2, 5, 3, 5)
    assert s.f1 == pytest.approx(0.48)
    # without the unordered position 0: R = 3/4, F1 = 2 * .4 * .75 / 1.15
    s = score(sys_dir, gold_dir, unordered=False).entities[0]
    assert (s.r_num, s.r_den) == (3, 4)
    assert s.f1 == pytest.approx(0.6 / 1.15)


def test_micro_and_macro(tmp_path: Path) -> None:
    gold_dir, sys_dir = tmp_path / "gold", tmp_path / "sys"
    gold_dir.mkdir()
    sys_dir.mkdir()
    (gold_dir / "e.txt").write_text(GOLD, encoding="utf-8")
    (sys_dir / "e.txt").write_text(SYSTEM, encoding="utf-8")
    (gold_dir / "f.txt").write_text("F\n1\t2005-01-18\t1-0-launches\n", encoding="utf-8")  # no system file
    report = score(sys_dir, gold_dir)
    assert [(s.entity, s.r_den) for s in report.entities] == [("E", 5), ("F", 1)]
    assert (report.micro.p_num, report.micro.p_den, report.micro.r_num, report.micro.r_den) == (2, 5, 3, 6)
    assert report.macro_f1 == pytest.approx(0.24)


def test_identical_timelines_score_one(tmp_path: Path) -> None:
    rows = read_timeline_text(tmp_path, GOLD)
    s = score_rows("E", rows, rows)
    assert s.f1 == 1.0


def read_timeline_text(tmp_path: Path, text: str) -> list[TimelineRow]:
    p = tmp_path / "t.txt"
    p.write_text(text, encoding="utf-8")
    return read_timeline(p)[1]


def test_build_and_eval_timeline_command(corpus: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from timeline.cli import main

    timelines = build_entity_timelines(corpus, ["Boeing"])
    events = {e: a for a, ids in timelines["Boeing"] for e in ids}
    assert events.get("4764-2-unveiled") == "2005-02-15"  # "on Tuesday" before the DCT Wednesday 2005-02-16
    assert "4764-0-unveils" in events  # the headline, anchored to the publication day
    assert not any(e.startswith("4764-3-") for e in events)  # no entity named there
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["eval-timeline", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "boeing.txt").read_text(encoding="utf-8").startswith("Boeing\n")
    assert "wrote 1 timeline(s)" in result.output
