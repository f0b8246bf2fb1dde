"""SemEval-2015 Task 4 (TimeLine) reading, writing and scoring on small hand-made data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from timeline.evaluation.semeval import (
    DatedClause,
    Token,
    TimelineRow,
    anchor_of,
    build_entity_timelines,
    entity_file_name,
    entity_patterns,
    entity_predicates,
    format_timeline,
    introduced_acronyms,
    load_words,
    names_a_modifier,
    read_cat,
    reported_day,
    read_timeline,
    score,
    score_texts,
    scored_mentions,
    tense,
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

# The expected counts below are the ones the task's official tool (its Python 2 scripts, run outside
# the project) gives on these very timelines: (system links confirmed, system links, gold links
# confirmed, gold links).


def _counts(system: str, gold: str) -> tuple[int, int, int, int]:
    s = score_texts("E", system, gold)
    return s.p_num, s.p_den, s.r_num, s.r_den


def test_scorer_reads_lines_in_natural_order_without_position_0() -> None:
    text = "E\n10\t2008-01-02\t5-2-bought\n0\tXXXX-XX-XX\t5-9-said\n9\t2007\t5-1-sold\t5-3-sale\n"
    assert [(m.position, m.anchor, m.mention) for m in scored_mentions(text)] == [
        (9, "2007", "5-1-sold"), (9, "2007", "5-3-sale"), (10, "2008-01-02", "5-2-bought")]


def test_score_by_hand() -> None:
    # gold links (position 0 left out): launches=18, unveiled=18, flew=2005-02, unveiled<flew
    #   (launches=unveiled follows from the shared anchor: not in the reduced graph) -> 4
    # system: launches=18 (ok), unveiled=20 (no), flew=2005-02-XX (no: another string), launches<unveiled
    #   (no: the gold has them simultaneous), unveiled<flew (ok) -> P 2/5; R: launches=18, unveiled<flew -> 2/4
    assert _counts(SYSTEM, GOLD) == (2, 5, 2, 4)
    assert score_texts("E", GOLD, GOLD).f1 == 1.0


def test_score_anchors_as_strings_and_a_split_position() -> None:
    # the same anchor strings; the system puts launches before unveiled although both are on 2005-01-18:
    # that link contradicts its own graph, still counts as one of its links, and is wrong
    system = "E\n0\tXXXX-XX-XX\t1-2-said\n1\t2005-01-18\t1-0-launches\n2\t2005-01-18\t1-2-unveiled\n3\t2005-02\t2-3-flew\n"
    assert _counts(system, GOLD) == (4, 5, 4, 4)


def test_score_natural_order_and_an_extra_event() -> None:
    gold = "E\n9\t2007-XX-XX\t5-1-sold\n10\t2008-01-02\t5-2-bought\n2\t2006-05-XX\t5-0-made\n"
    system = "E\n10\t2008-01-02\t5-2-bought\n2\t2006-05-XX\t5-0-made\n5\t2007-03-01\t5-4-said\n9\t2007-XX-XX\t5-1-sold\n"
    # system: 4 anchors (said's is not the gold's), made<said, said<sold, sold<bought: P 4/7;
    # gold: 3 anchors, made<sold (through said), sold<bought: R 5/5
    assert _counts(system, gold) == (4, 7, 5, 5)


def test_score_gold_contradiction_counts() -> None:
    # one anchor at two gold positions: left<founded contradicts left=1985=founded; the link stays a gold link
    gold = "E\n1\t1985\t7-1-left\n2\t1985\t7-2-founded\n3\t1997\t7-3-returned\n"
    system = "E\n1\t1985\t7-1-left\n1\t1985\t7-2-founded\n2\t1997\t7-3-returned\n"
    assert _counts(system, gold) == (4, 4, 4, 5)


def test_micro_average_and_missing_files(tmp_path: Path) -> None:
    gold_dir, sys_dir = tmp_path / "gold", tmp_path / "sys"
    gold_dir.mkdir()
    sys_dir.mkdir()
    (gold_dir / "e.txt").write_text(GOLD, encoding="utf-8")
    (sys_dir / "e.txt").write_text(SYSTEM, encoding="utf-8")
    (gold_dir / "f.txt").write_text("F\n1\t2005-01-18\t1-0-launches\n", encoding="utf-8")
    (sys_dir / "f.txt").write_text("F\n1\t2005-01-18\t1-0-launches\n2\t2005-01-19\t1-0-said\n", encoding="utf-8")
    (gold_dir / "g.txt").write_text("G\n1\t2005-01-18\t1-0-launches\n", encoding="utf-8")  # no system file
    report = score(sys_dir, gold_dir)
    assert [(s.entity, s.p_num, s.p_den, s.r_num, s.r_den) for s in report.entities] == [
        ("E", 2, 5, 2, 4), ("F", 1, 3, 1, 1)]
    assert report.missing == ["g.txt"]  # left out of the averages, as the task's tool does
    m = report.micro
    assert (m.p_num, m.p_den, m.r_num, m.r_den) == (3, 8, 3, 5)
    assert report.macro_f1 == pytest.approx((2 * 0.4 * 0.5 / 0.9 + 2 * (1 / 3) / (4 / 3)) / 2)


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


def _tokens(sentence: str) -> list[Token]:
    out, pos = [], 0
    for n, word in enumerate(sentence.split()):
        out.append(Token(n + 1, 2, n, word, pos, pos + len(word)))
        pos += len(word) + 1
    return out


def _span(tokens: list[Token], name: str) -> tuple[int, int]:
    words = name.split()
    i = next(i for i in range(len(tokens)) if [t.word for t in tokens[i:i + len(words)]] == words)
    return tokens[i].start, tokens[i + len(words) - 1].end


def _events(sentence: str, name: str) -> list[str]:
    toks = _tokens(sentence)
    return [toks[i].word for i in entity_predicates(toks, [_span(toks, name)], [], load_words())]


def test_event_words_of_the_entity() -> None:
    # the verb after the name (subject), the verbs coordinated with it
    assert _events("Boeing has also unveiled a new jet and delivered two more .", "Boeing") == ["unveiled", "delivered"]
    # no verb right after: the nearest one before (the entity as object)
    assert _events("Northrop Grumman unexpectedly defeated Boeing for a contract .", "Boeing") == ["defeated"]
    # a light verb gives way to its event noun; an event noun right after a verb joins it
    assert _events("The A380 has made its maiden flight .", "A380") == ["flight"]
    assert _events("Airbus announced the acquisition of a plant", "Airbus") == ["announced", "acquisition"]
    # "has hopes", "is unclear": after these only participles are verbs
    assert _events("Airbus has hopes that sales will exceed 700 .", "Airbus") == ["exceed"]


def test_acronyms_the_texts_introduce() -> None:
    pattern = entity_patterns("Singapore Airlines")
    texts = ["Singapore Airlines (SIA) said", "the United Nations (UN)", "Singapore Airlines ( SIA ) flew"]
    assert introduced_acronyms(pattern, texts) == {"SIA"}
    assert entity_patterns("Singapore Airlines", aliases={"SIA"}).search("SIA said")


def test_a_name_that_modifies_is_not_a_participant() -> None:
    words = load_words()
    for sentence, name, modifies in [("the first Airbus A380 landed", "Airbus", True),
                                     ("55,000 full-time Airbus employees .", "Airbus", True),
                                     ("Airbus unveiled plans", "Airbus", False),
                                     ("Airbus , Europe 's biggest maker , said", "Airbus", False)]:
        toks = _tokens(sentence)
        assert names_a_modifier(toks, _span(toks, name), words) is modifies, sentence


def test_tense_of_the_verb_group() -> None:
    words = load_words()
    cases = {"Boeing unveiled it": "past", "Boeing has already unveiled it": "perfect",
             "Boeing had hired him": "pluperfect", "The jet was delivered today": "passive_past",
             "Airbus is owned by EADS": "state", "Boeing says so": "report", "It carries 300 people": "present"}
    for sentence, expected in cases.items():
        toks = _tokens(sentence)
        i = next(i for i, t in enumerate(toks) if t.word in ("unveiled", "hired", "delivered", "owned", "says", "carries"))
        assert tense(toks, i, words) == expected, sentence


def test_reported_day_is_the_lead_s_day_in_the_week_before_publication() -> None:
    published = dt.date(2007, 7, 9)

    def clause(day: dt.date, precision: Precision = Precision.DAY) -> DatedClause:
        when = TimeValue(value=day.isoformat(), type=TimexType.DATE, precision=precision, start=day, end=day)
        return DatedClause(0, 10, (0, 5), when)

    assert reported_day(published, [[], [clause(dt.date(2007, 7, 8))]]) == dt.date(2007, 7, 8)  # "Sunday was chosen"
    assert reported_day(published, [[clause(dt.date(2005, 4, 27))]]) == published  # an older date is background
    assert reported_day(published, [[clause(dt.date(2007, 7, 1), Precision.MONTH)]]) == published
    assert reported_day(published, []) == published and reported_day(None, []) is None


def test_plans_and_states_stay_unordered(tmp_path: Path) -> None:
    cat = tmp_path / "corpus_trackA_CAT"
    cat.mkdir()
    (cat / "5_Airbus.txt.xml").write_text(_cat("5", [
        "Airbus cuts jobs",
        "March 1 , 2007",
        "On Tuesday , Airbus announced 10,000 job cuts .",
        "Airbus will close three plants .",
        "Airbus is owned by EADS .",
        "Airbus had warned of losses .",
    ], "2007-03-01"), encoding="utf-8")
    events = {e: a for a, ids in build_entity_timelines(tmp_path, ["Airbus"])["Airbus"] for e in ids}
    assert events["5-0-cuts"] == "2007-02-27"  # the headline: the day the lead reports, Tuesday
    assert events["5-2-announced"] == "2007-02-27"
    assert events["5-3-close"] == events["5-4-owned"] == events["5-5-warned"] == "XXXX-XX-XX"
