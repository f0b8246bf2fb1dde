"""One entry joins one happening only: real sentences through the whole pipeline.

Opposite moves, different figures and different actors are different happenings even on near dates with
similar words; an entry never absorbs the other events of its day through one event that resembles them
all; a date conflict only joins reports of the same happening; a coarser date agrees with the day it holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.pipeline import build_timeline
from timeline.resources import load_resources
from timeline.signature import Figure, clash, figures_of, not_organizations, signature


@pytest.fixture(scope="module")
def resources():
    return load_resources("en")


def _batch(folder: Path, articles: list[tuple[str, str, str]], resources) -> list:
    for name, date, text in articles:
        (folder / f"{name}.md").write_text(f"---\ndate: {date}\n---\n{text}\n", encoding="utf-8")
    return build_timeline([folder], resources=resources).entries


def _layout(entries) -> list[tuple[str, list[str], bool]]:
    """(date, reporting articles, disputed) of every entry, in time order."""
    return [(e.when.value, sorted({s.article_id for s in e.sources}), e.conflict is not None) for e in entries]


# Nine articles about the same company on other days, as in a batch of thirty articles about one company:
# the day under test is not one story's whole coverage (a shared name alone joins groups only on such a
# story's days), and the company's name is in most sentences, so it weighs little in any similarity.
TOWNS = ["Dearborn", "Louisville", "Chicago", "Kansas City", "Flat Rock", "Oakville", "Valencia", "Cologne", "Genk"]
OTHER_DAYS = [(f"z{n}", f"2008-{n:02d}-15", f"Ford opened a new paint shop in {town} on Tuesday.")
              for n, town in enumerate(TOWNS, 1)]


def test_a_fall_and_a_rise_three_days_apart_are_two_entries_not_one_disputed_one(tmp_path, resources):
    entries = _batch(tmp_path, [
        ("a", "2008-11-07", "Ford shares fell sharply today on the New York Stock Exchange."),
        ("b", "2008-11-10", "Ford shares rose sharply today on the New York Stock Exchange."),
    ], resources)
    assert _layout(entries) == [("2008-11-07", ["a"], False), ("2008-11-10", ["b"], False)]


def test_the_same_move_told_on_each_paper_s_own_day_is_two_trading_days(tmp_path, resources):
    # no opposite words: what keeps them apart is that each is dated by its own article's day
    entries = _batch(tmp_path, [
        ("a", "2008-11-07", "Ford shares plunged today on the New York Stock Exchange."),
        ("b", "2008-11-10", "Ford shares plunged today on the New York Stock Exchange."),
    ], resources)
    assert _layout(entries) == [("2008-11-07", ["a"], False), ("2008-11-10", ["b"], False)]


def test_one_happening_dated_differently_by_two_papers_of_one_day_is_one_disputed_entry(tmp_path, resources):
    entries = _batch(tmp_path, [
        ("a", "2008-11-07", "Ford shares plunged on Wednesday after the quarterly report."),
        ("b", "2008-11-07", "Ford shares plunged on Thursday after the quarterly report."),
    ], resources)
    [entry] = entries
    assert _layout(entries) == [("2008-11-05", ["a", "b"], True)]
    assert {c.value: c.article_ids for c in entry.conflict.claims} == {"2008-11-05": ["a"], "2008-11-06": ["b"]}


def test_a_fall_and_a_rise_of_the_same_day_are_two_entries(tmp_path, resources):
    entries = _batch(tmp_path, [
        ("a", "2008-11-11", "Ford shares fell sharply on Monday on the New York Stock Exchange."),
        ("b", "2008-11-11", "Ford shares rose sharply on Monday on the New York Stock Exchange."),
    ], resources)
    assert _layout(entries) == [("2008-11-10", ["a"], False), ("2008-11-10", ["b"], False)]


def test_different_amounts_are_different_happenings_and_the_same_amount_one(tmp_path, resources):
    entries = _batch(tmp_path, [
        ("a", "2008-11-11", "Ford said on Monday that it lost $2.5 billion in the third quarter."),
        ("b", "2008-11-11", "Ford said on Monday that it lost $4.2 billion in the third quarter."),
        ("c", "2008-11-11", "Ford reported on Monday that it lost US$2.5 billion in the third quarter."),
    ], resources)
    assert sorted(ids for value, ids, _ in _layout(entries) if value == "2008-11-10") == [["a", "c"], ["b"]]


def test_two_exchanges_closing_lower_the_same_day_are_two_entries(tmp_path, resources):
    entries = _batch(tmp_path, [
        ("a", "2005-11-11", "Share prices on the Colombo Stock Exchange closed lower on Thursday amid profit taking."),
        ("b", "2005-11-11", "Share prices on the Jakarta Stock Exchange closed lower on Thursday amid profit taking."),
    ], resources)
    assert _layout(entries) == [("2005-11-10", ["a"], False), ("2005-11-10", ["b"], False)]


def test_an_entry_does_not_absorb_the_events_of_its_day_through_one_that_resembles_them_all(tmp_path, resources):
    # the hub tells the loss and the plant closures in one clause; each of the other two tells one of them
    entries = _batch(tmp_path, [
        ("hub", "2008-11-12", "Ford's quarterly loss of $2.5 billion and the closure of three assembly plants were announced on Tuesday."),
        ("loss", "2008-11-12", "Ford reported a quarterly loss of $2.5 billion on Tuesday, its worst in a decade."),
        ("plants", "2008-11-12", "Ford announced the closure of three assembly plants in Ohio on Tuesday."),
        *OTHER_DAYS,
    ], resources)
    day = [ids for value, ids, _ in _layout(entries) if value == "2008-11-11"]
    assert sorted(day) == [["hub", "loss"], ["plants"]]


def test_a_month_and_the_day_inside_it_are_one_entry_at_the_day(tmp_path, resources):
    entries = _batch(tmp_path, [
        ("a", "2008-03-01", "Northrop Grumman and EADS won the US Air Force tanker contract in February."),
        ("b", "2008-03-05", "Northrop Grumman and EADS won the US Air Force tanker contract on February 29."),
    ], resources)
    assert _layout(entries) == [("2008-02-29", ["a", "b"], False)]


def test_one_clause_dated_by_a_day_and_a_time_is_one_entry(tmp_path, resources):
    entries = _batch(tmp_path, [
        ("a", "2009-12-16", "Boeing's newest aircraft, the 787, made its first test flight Tuesday in Everett, "
                            "Washington at 18:00 UTC."),
    ], resources)
    assert [(e.when.value, len(e.sources)) for e in entries] == [("2009-12-15T18:00Z", 2)]


def test_an_article_s_distinct_facts_of_one_day_stay_apart_though_they_name_one_company(tmp_path, resources):
    # the pre-orders and the share price: one article, one day, one company named, two happenings
    entries = _batch(tmp_path, [
        ("a", "2010-06-16", "Pre-orders of the recently announced iPhone 4 began on Tuesday. "
                            "Shares of Apple Inc. rose US$5.41 in regular trading on Tuesday."),
        *[(n, d, t.replace("Ford", "Apple")) for n, d, t in OTHER_DAYS],
    ], resources)
    assert [len(e.sources) for e in entries if e.when.value == "2010-06-15"] == [1, 1]


# ------------------------------------------------------------------ signatures, on clauses of real news

@pytest.fixture(scope="module")
def words(resources):
    return resources.merge


@pytest.mark.parametrize(("text", "expected"), [
    ("Ford shares fell 4% to close at 3,402.5 points", {"percent": (Figure(4.0, 1.0),), "points": (Figure(3402.5, 0.1),)}),
    ("Airbus won a US$40 billion order for 22 aircraft", {"$": (Figure(4e10, 1e9),), "aircraft": (Figure(22.0, 1.0),)}),
    ("up 3.5 per cent", {"percent": (Figure(3.5, 0.1),)}),
    ("a contract worth 13 billion pounds", {"£": (Figure(1.3e10, 1e9),)}),
    ("Ford will cut 2,500 jobs and close three plants", {"jobs": (Figure(2500.0, 1.0),), "plant": (Figure(3.0, 1.0),)}),
    ("the 1991 agreement", {}),          # a year, not a count
    ("a 737-800 jet", {}),              # a model number
    ("one of the largest", {}),         # not a count of things
])
def test_figures_of_a_clause(words, text, expected):
    assert figures_of(text, words) == expected


def _signed(words, title: str, actors: list[str], quote: str | None = None):
    from test_merge import _event

    event = _event("x", title.lower().split()).model_copy(update={"title": title, "actors": actors, "quote": quote or title})
    return signature(event, words, frozenset())


@pytest.mark.parametrize(("a", "b", "why"), [
    (("Ford shares fell sharply", ["Ford"]), ("Ford shares rose sharply", ["Ford"]), "move"),
    (("Boeing won the tanker contract", ["Boeing"]), ("Boeing lost the tanker contract", ["Boeing"]), "outcome"),
    (("The Dow rose 2%", []), ("The Dow rose 3.1%", []), "figures"),
    (("Share prices on the Colombo Stock Exchange closed lower", ["Colombo Stock Exchange"]),
     ("Share prices on the Jakarta Stock Exchange closed lower", ["Jakarta Stock Exchange"]), "actors"),
    (("The Dow rose 2%", []), ("The Dow rose 2.2% in late trade", []), None),     # one figure, rounded
    (("Jobs stepped down as chief executive", []), ("Apple shares rose", ["Apple"]), None),  # "stepped down" is no move
    (("General Motors will cut jobs", ["General Motors"]), ("GM will cut jobs", ["GM"]), None),  # initials
    (("Northrop Grumman won the contract", ["Northrop Grumman"]), ("Boeing lost the contract to Northrop Grumman",
                                                                  ["Boeing", "Northrop Grumman"]), None),
])
def test_what_tells_two_reports_apart(words, a, b, why):
    sa, sb = _signed(words, *a), _signed(words, *b)
    assert (clash(sa, sb) if sa and sb else None) == why


def test_people_and_lower_case_words_are_no_organizations(words):
    from test_merge import _event

    def told(actors, quote):
        return _event("x", ["said"]).model_copy(update={"actors": actors, "quote": quote})

    events = [told(["Steve Jobs", "Apple"], "Steve Jobs unveiled it at Apple."), told(["Jobs"], "Jobs said so."),
              told(["Share"], "Share prices fell as market share shrank."), told(["Apple Computer"], "Apple Computer grew.")]
    assert not_organizations(events, words) == {"Steve Jobs", "Jobs", "Share"}
