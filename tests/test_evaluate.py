"""The TempEval-3 style scorer on hand-made gold/system pairs (numbers worked out by hand)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from timeline.evaluation.tempeval import (
    Scores,
    align,
    build_report,
    error_classes,
    error_key,
    evaluate,
    format_report,
    head_word,
    score_document,
    value_shape,
)
from timeline.models import Mention, TimeValue, TimexType
from timeline.evaluation.timeml import GoldTimex

TEXT = "Sales fell on Monday, rose in the past three years, and may rise in 2026 or in spring."
#       0         1         2         3         4         5         6         7         8


def _g(text: str, phrase: str, value: str, type_: str = "DATE", tid: str = "t", mod: str | None = None) -> GoldTimex:
    s = TEXT.index(phrase)
    return GoldTimex(start=s, end=s + len(phrase), text=phrase, tid=tid, type=type_, value=value, mod=mod)


def _s(phrase: str, value: str, type_: TimexType = TimexType.DATE, rule: str = "r", mod: str | None = None) -> Mention:
    s = TEXT.index(phrase)
    return Mention(start=s, end=s + len(phrase), text=phrase, rule=rule, timex=TimeValue(value=value, type=type_, mod=mod))


GOLD = [
    _g(TEXT, "Monday", "2025-05-05", tid="t1"),
    _g(TEXT, "the past three years", "P3Y", "DURATION", tid="t2"),
    _g(TEXT, "spring", "2025-SP", tid="t3"),
]
SYSTEM = [
    _s("Monday", "2025-05-05", rule="weekday"),  # exact, right value and type
    _s("three years", "P2Y", TimexType.DURATION, rule="duration"),  # overlaps t2, wrong value, right type
    _s("2026", "2026", rule="year"),  # spurious
]


def test_three_gold_three_system_by_hand() -> None:
    r = score_document("d1", TEXT, GOLD, SYSTEM)
    s = r.scores
    assert (s.gold, s.system, s.strict, s.relaxed, s.value_correct, s.type_correct) == (3, 3, 1, 2, 1, 2)
    # strict: 1 exact of 3 system and of 3 gold
    assert s.strict_p == pytest.approx(1 / 3) and s.strict_r == pytest.approx(1 / 3) and s.strict_f1 == pytest.approx(1 / 3)
    # relaxed: 2 matched (exact + overlapping)
    assert s.relaxed_p == pytest.approx(2 / 3) and s.relaxed_r == pytest.approx(2 / 3) and s.relaxed_f1 == pytest.approx(2 / 3)
    # value: 1 of the 2 matched right -> accuracy 1/2, F1 = 1/2 * 2/3 = 1/3 (= 2*1/(3+3))
    assert s.value_accuracy == pytest.approx(0.5)
    assert (s.value_p, s.value_r, s.value_f1) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    # type: both matched right -> accuracy 1, F1 = relaxed F1
    assert s.type_accuracy == 1.0 and s.type_f1 == pytest.approx(2 / 3)
    kinds = sorted(e.kind for e in r.errors)
    assert kinds == ["missed", "span", "spurious", "value"]
    span = next(e for e in r.errors if e.kind == "span")
    assert (span.gold_text, span.sys_text, span.gold_value, span.sys_value, span.rule) == (
        "the past three years", "three years", "P3Y", "P2Y", "duration")
    assert "[" in span.context and "three years" in span.context
    missed = next(e for e in r.errors if e.kind == "missed")
    assert (missed.gold_start, missed.gold_end, missed.gold_text) == (TEXT.index("spring"), TEXT.index("spring") + 6, "spring")
    spurious = next(e for e in r.errors if e.kind == "spurious")
    assert (spurious.sys_text, spurious.rule, spurious.gold_start) == ("2026", "year", None)


def test_unequal_counts_and_type_error() -> None:
    # 2 gold, 4 system: one exact with wrong type, one overlap right value, two spurious
    gold = [GOLD[0], GOLD[1]]
    system = [
        _s("Monday", "2025-05-05", TimexType.TIME),
        _s("past three years", "P3Y", TimexType.DURATION),
        _s("2026", "2026"),
        _s("spring", "2025-SP"),
    ]
    s = score_document("d", TEXT, gold, system).scores
    assert (s.strict, s.relaxed, s.value_correct, s.type_correct) == (1, 2, 2, 1)
    assert s.strict_p == pytest.approx(1 / 4) and s.strict_r == pytest.approx(1 / 2)
    assert s.strict_f1 == pytest.approx(2 * (1 / 4) * (1 / 2) / (1 / 4 + 1 / 2))  # 1/3
    assert s.relaxed_p == pytest.approx(1 / 2) and s.relaxed_r == 1.0 and s.relaxed_f1 == pytest.approx(2 / 3)
    assert s.value_f1 == pytest.approx(2 / 3)  # accuracy 1
    assert s.type_f1 == pytest.approx(1 / 3)  # accuracy 1/2 x 2/3 = 2*1/(2+4)


def test_one_to_one_alignment() -> None:
    # two system mentions overlap the same gold: one matches, the other is spurious
    gold = [GOLD[1]]
    system = [_s("the past", "PAST_REF"), _s("three years", "P3Y", TimexType.DURATION)]
    assert align(gold, system) == [(0, 1)]  # "three years" overlaps more (11 chars vs 8)
    s = score_document("d", TEXT, gold, system).scores
    assert (s.relaxed, s.system, s.relaxed_p, s.relaxed_r) == (1, 2, 0.5, 1.0)
    # exact spans win over bigger overlaps
    gold2 = [GOLD[1], _g(TEXT, "three years", "P3Y", "DURATION")]
    system2 = [_s("three years", "P3Y", TimexType.DURATION)]
    assert align(gold2, system2) == [(1, 0)]


def test_empty_cases() -> None:
    s = score_document("d", TEXT, [], []).scores
    assert (s.strict_f1, s.relaxed_f1, s.value_f1, s.type_f1) == (0.0, 0.0, 0.0, 0.0)
    s = score_document("d", TEXT, GOLD, []).scores
    assert s.relaxed_r == 0.0 and s.relaxed_p == 0.0


def test_micro_average_over_documents() -> None:
    r1 = score_document("a", TEXT, GOLD, SYSTEM, group="TimeBank")
    r2 = score_document("b", TEXT, [GOLD[0]], [SYSTEM[0]], group="AQUAINT")
    rep = build_report([r1, r2])
    t = rep.total
    assert (t.docs, t.gold, t.system, t.strict, t.relaxed, t.value_correct) == (2, 4, 4, 2, 3, 2)
    assert t.strict_f1 == pytest.approx(0.5) and t.relaxed_f1 == pytest.approx(0.75)
    assert t.value_f1 == pytest.approx(2 / 3 * 0.75)  # = 2*2/(4+4)
    assert list(rep.groups) == ["AQUAINT", "TimeBank"]
    assert rep.groups["AQUAINT"].strict_f1 == 1.0


def _tml(text_xml: str, dct: str = "2025-05-09") -> str:
    return (f'<?xml version="1.0" ?>\n<TimeML>\n<DCT><TIMEX3 tid="t0" type="DATE" value="{dct}" '
            f'functionInDocument="CREATION_TIME">{dct}</TIMEX3></DCT>\n<TEXT>\n{text_xml}\n</TEXT>\n</TimeML>\n')


def test_evaluate_folder_with_stub_resolver(tmp_path) -> None:
    (tmp_path / "TimeBank").mkdir()
    (tmp_path / "AQUAINT").mkdir()
    (tmp_path / "TimeBank" / "a.tml").write_text(
        _tml('It fell <TIMEX3 tid="t1" type="DATE" value="2025-05-08">yesterday</TIMEX3>.'), encoding="utf-8")
    (tmp_path / "AQUAINT" / "b.tml").write_text(
        _tml('Due <TIMEX3 tid="t1" type="DATE" value="2025-05-12">next Monday</TIMEX3>.'), encoding="utf-8")
    (tmp_path / "AQUAINT" / "crash.tml").write_text(
        _tml('BOOM <TIMEX3 tid="t1" type="DATE" value="2025">this year</TIMEX3>.'), encoding="utf-8")
    seen: list[dt.date | None] = []

    def find(text: str, dct: dt.date | None) -> list[Mention]:
        seen.append(dct)
        if "BOOM" in text:
            raise ValueError("resolver bug")
        out = []
        for phrase, value in (("yesterday", "2025-05-08"), ("Monday", "2025-05-19")):
            i = text.find(phrase)
            if i >= 0:
                out.append(Mention(start=i, end=i + len(phrase), text=phrase, rule="stub",
                                   timex=TimeValue(value=value, type=TimexType.DATE)))
        return out

    rep = evaluate(tmp_path, find=find)
    assert seen == [dt.date(2025, 5, 9)] * 3
    assert (rep.total.docs, rep.total.gold, rep.total.system, rep.total.strict, rep.total.relaxed) == (3, 3, 2, 1, 2)
    assert rep.total.value_correct == 1 and rep.total.crashes == 1
    assert rep.groups["TimeBank"].strict_f1 == 1.0
    assert rep.groups["AQUAINT"].relaxed_r == 0.5
    kinds = sorted(e.kind for e in rep.errors)
    assert kinds == ["crash", "missed", "span", "value"]
    out = format_report(rep, errors=True)
    assert "ALL:" in out and "TimeBank:" in out and "AQUAINT:" in out and "CRASHED" in out
    assert "resolver bug" in out and "next Monday" in out
    d = rep.as_dict()
    json.dumps(d)
    assert d["total"]["gold"] == 3 and d["error_counts"]["span"] == 1


def test_error_classes() -> None:
    rep = build_report([score_document("d1", TEXT, GOLD, SYSTEM), score_document("d2", TEXT, GOLD, SYSTEM)])
    classes = error_classes(rep, top=10)
    assert all(n == 2 for _, n, _ in classes) and len(classes) == 4
    keys = {k for k, _, _ in classes}
    assert "value [duration] gold=P9Y sys=P9Y" in keys
    assert "missed DATE 9999-SP head='spring'" in keys
    assert "spurious [year] DATE 9999 head='9999'" in keys
    assert "span [duration] sys-shorter missing 'the past'" in keys
    assert value_shape("1998-08-07T10:00") == "9999-99-99T99:99" and head_word("the last twenty four hours") == "hours"
    assert error_key(rep.errors[0]).split()[0] in {"span", "value", "missed", "spurious"}


def test_scores_add() -> None:
    a = Scores(docs=1, gold=2, system=3, strict=1, relaxed=2, value_correct=1, type_correct=2)
    a.add(a)
    assert (a.docs, a.gold, a.system, a.strict, a.relaxed) == (2, 4, 6, 2, 4)


def test_eval_command(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from timeline.cli import main

    runner = CliRunner()
    assert runner.invoke(main, ["eval", str(tmp_path / "nope")]).exit_code == 2
    (tmp_path / "a.tml").write_text(_tml('On <TIMEX3 tid="t1" type="DATE" value="2025-05-08">May 8</TIMEX3>.'), encoding="utf-8")
    import timeline.evaluation.tempeval as ev

    real = ev.evaluate
    monkeypatch.setattr(ev, "evaluate", lambda gold_dir, rules=None, limit=None: real(gold_dir, limit=limit, find=lambda t, d: []))
    result = runner.invoke(main, ["eval", str(tmp_path), "--errors", "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    assert "missed" in result.output and "May 8" in result.output
    assert json.loads((tmp_path / "s.json").read_text())["total"]["gold"] == 1
    # several sets: one report each, JSON a list
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "b.tml").write_text(_tml("Nothing here."), encoding="utf-8")
    result = runner.invoke(main, ["eval", str(tmp_path), str(tmp_path / "other"), "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    assert result.output.count("TIMEX3 evaluation of") == 2
    assert [d["total"]["docs"] for d in json.loads((tmp_path / "s.json").read_text())] == [2, 1]


def test_anchoring_counts_values_that_need_an_anchor() -> None:
    from timeline.evaluation.tempeval import needs_anchor

    def g(text: str, value: str, type_: str = "DATE") -> GoldTimex:
        return GoldTimex(start=0, end=len(text), text=text, tid="t", type=type_, value=value)

    for text, value in (("today", "2008-06-09"), ("Thursday", "2008-06-05"), ("last month", "2008-05"),
                        ("March 3", "2008-03-03"), ("the third quarter", "2008-Q3"), ("18:00 UTC", "2009-12-15T18:00Z")):
        assert needs_anchor(g(text, value, "TIME" if "T" in value else "DATE")), text
    for text, value, type_ in (("March 3, 2008", "2008-03-03", "DATE"), ("2008", "2008", "DATE"),
                               ("the 1990s", "199", "DATE"), ("7/8/07", "2007-07-08", "DATE"), ("in '91", "1991", "DATE"),
                               ("two years", "P2Y", "DURATION"), ("now", "PRESENT_REF", "DATE"), ("each July", "XXXX-07", "SET")):
        assert not needs_anchor(g(text, value, type_)), text
    text = "It fell today, on March 3 and in 2007."
    gold = [GoldTimex(text.index(p), text.index(p) + len(p), p, "t", "DATE", v)
            for p, v in (("today", "2008-06-09"), ("March 3", "2008-03-03"), ("2007", "2007"))]
    system = [Mention(start=text.index(p), end=text.index(p) + len(p), text=p, rule="r",
                      timex=TimeValue(value=v, type=TimexType.DATE))
              for p, v in (("today", "2008-06-09"), ("March 3", "2007-03-03"), ("2007", "2007"))]
    s = score_document("d", text, gold, system).scores
    assert (s.anchored, s.anchored_correct, s.anchoring) == (2, 1, 0.5)
    assert "anchoring 0.5000 (1/2" in format_report(build_report([score_document("d", text, gold, system)]))


def test_evaluate_reads_cat_documents_and_ignores_their_unannotated_tail(tmp_path) -> None:
    words = [(0, "Sales"), (0, "slump"), (1, "May"), (1, "2"), (1, ","), (1, "2010"),
             (2, "Sales"), (2, "fell"), (2, "today"), (2, "."), *[(s, w) for s in range(3, 6) for w in ("More", ".")],
             (6, "Talks"), (6, "end"), (6, "tomorrow"), (6, ".")]
    tokens = "\n".join(f'<token t_id="{i}" sentence="{s}" number="{i - 1}">{w}</token>' for i, (s, w) in enumerate(words, 1))
    (tmp_path / "topic").mkdir()
    (tmp_path / "topic" / "1_Sales.xml").write_text(
        '<?xml version="1.0" ?>\n<Document doc_id="1" doc_name="1_Sales">\n' + tokens + "\n<Markables>\n"
        '<TIMEX3 m_id="1" type="DATE" value="2010-05-02" functionInDocument="CREATION_TIME">'
        '<token_anchor t_id="3"/><token_anchor t_id="4"/><token_anchor t_id="5"/><token_anchor t_id="6"/></TIMEX3>\n'
        '<TIMEX3 m_id="2" type="DATE" value="2010-05-02" functionInDocument="NONE"><token_anchor t_id="9"/></TIMEX3>\n'
        "</Markables>\n</Document>\n", encoding="utf-8")
    (tmp_path / "topic" / "notes.xml").write_text("<notes/>", encoding="utf-8")  # not a CAT document: not read
    seen = []

    def find(text: str, dct: dt.date | None) -> list[Mention]:
        seen.append((text, dct))
        return [Mention(start=text.index(p), end=text.index(p) + len(p), text=p, rule="stub",
                        timex=TimeValue(value=v, type=TimexType.DATE)) for p, v in (("today", "2010-05-02"), ("tomorrow", "2010-05-03"))]

    rep = evaluate(tmp_path, find=find)
    assert seen[0][1] == dt.date(2010, 5, 2) and seen[0][0].startswith("Sales slump\n\nSales fell today.")
    s = rep.groups["topic"]
    assert (s.docs, s.gold, s.system, s.strict, s.value_correct, s.anchored_correct) == (1, 1, 1, 1, 1, 1)


def test_value_delta() -> None:
    from timeline.evaluation.tempeval import value_delta

    assert value_delta("1998-08-07", "1998-08-08") == "sys+1d"
    assert value_delta("1998-08-07", "1998-08-03") == "sys-2..7d"
    assert value_delta("1998-08-07", "1999-08-07") == "sys+32..366d"
    assert value_delta("1998-08", "1998-08-07") == ""
    assert value_delta("PRESENT_REF", "1998-08-07") == ""
