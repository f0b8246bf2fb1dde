"""The five seed articles end to end: dates inferred, one entry per happening, conflicts shown."""

import datetime as dt
from pathlib import Path

import pytest

from timeline.models import ArticleStatus, DateSource, EventStatus
from timeline.pipeline import build_timeline

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def timeline():
    return build_timeline([SEEDS])


def _entries_with(timeline, value, *words):
    return [e for e in timeline.entries if e.when.value == value and all(
        any(w.lower() in s.quote.lower() for s in e.sources) for w in words)]


def _ids(entry):
    return sorted({s.article_id[:3] for s in entry.sources})


def test_every_seed_is_used_and_dated(timeline):
    by_id = {m.article_id[:3]: m for m in timeline.manifest}
    assert {k: (m.status, m.date) for k, m in by_id.items()} == {
        "000": (ArticleStatus.USED, dt.date(2025, 5, 8)),
        "001": (ArticleStatus.USED, dt.date(2025, 5, 8)),
        "002": (ArticleStatus.USED, dt.date(2025, 5, 8)),
        "003": (ArticleStatus.USED, dt.date(2025, 5, 9)),
        "004": (ArticleStatus.USED, dt.date(2025, 5, 8)),
    }
    assert by_id["000"].date_source == by_id["001"].date_source == DateSource.INFERRED
    assert "Thursday" in by_id["000"].date_evidence
    assert by_id["002"].date_source == DateSource.HEADER


def test_arrival_is_one_entry_with_the_thursday_report_flagged(timeline):
    [arrival] = [e for e in timeline.entries if e.conflict]
    assert arrival.when.value == "2025-05-07"
    assert _ids(arrival) == ["000", "001", "002", "003", "004"]
    claims = {c.value: c.article_ids for c in arrival.conflict.claims}
    assert claims["2025-05-08"] == ["004_0b1bd9576623bc77"]
    assert len(claims["2025-05-07"]) == 4
    assert "arriv" in arrival.title.lower() or "trip" in arrival.title.lower()


def test_talks_and_joint_statement_are_one_entry_from_all_five(timeline):
    talks = [e for e in timeline.entries if e.when.value == "2025-05-08" and len(e.sources) >= 3]
    assert len(talks) == 1
    assert _ids(talks[0]) == ["000", "001", "002", "003", "004"]
    assert "statement" in talks[0].title.lower() or "talks" in talks[0].title.lower()


def test_parade_on_red_square_is_one_entry(timeline):
    parade = [e for e in timeline.entries if e.when.value == "2025-05-09"]
    assert len(parade) == 1
    assert "parade" in parade[0].title.lower()
    assert parade[0].status == EventStatus.HAPPENED
    assert "Red Square" in parade[0].places


@pytest.mark.parametrize(("value", "precision", "word", "status"), [
    ("2025-05-08T00:00+03:00", "minute", "ceasefire", EventStatus.HAPPENED),
    ("2025-09", "month", "Tianjin", EventStatus.SCHEDULED),
    ("2030", "year", "2030", EventStatus.SCHEDULED),
    ("2024", "year", "record trade", EventStatus.HAPPENED),
    ("2025-04", "month", "last month", EventStatus.HAPPENED),
    ("2025-01", "month", "January", EventStatus.HAPPENED),
    ("2022-02", "month", "invasion", EventStatus.HAPPENED),
])
def test_dated_entries(timeline, value, precision, word, status):
    [entry] = _entries_with(timeline, value, word)
    assert entry.when.precision.value == precision
    assert entry.status == status


def test_1945_is_one_historical_entry(timeline):
    [history] = [e for e in timeline.entries if e.when.value == "1945"]
    assert _ids(history) == ["001", "003"]  # "Germany's 1945 surrender" and "Eighty years ago ... victory"
    assert history.when.precision.value == "year"


def test_ve_day_and_ceasefire_stay_distinct_from_the_talks(timeline):
    day = [e for e in timeline.entries if e.when.start == dt.date(2025, 5, 8)]
    titles = " | ".join(e.title for e in day)
    assert any("VE Day" in e.title for e in day), titles
    assert any("ceasefire" in e.title.lower() for e in day), titles


def test_no_background_noise(timeline):
    """'This year marks the 80th anniversary' and durations never become entries."""
    assert not [e for e in timeline.entries if e.when.value == "2025"]
    assert not [e for e in timeline.entries if e.title.startswith("Their diplomacy")]  # "this week comes at a pivotal moment"
    [week] = [e for e in timeline.entries if e.when.value == "2025-W19"]
    assert "foreign ministry urged" in week.title
    assert all(e.when.start is not None for e in timeline.entries if e.status != EventStatus.RECURRING)


def test_victory_day_is_recurring_context_not_a_2025_event(timeline):
    [recurring] = [e for e in timeline.entries if e.status == EventStatus.RECURRING]
    assert recurring.when.value == "XXXX-05-09"
    assert recurring.when.start is None
    assert _ids(recurring) == ["001", "002"]
    assert recurring is timeline.entries[-1]


def test_entries_are_in_time_order_and_traceable(timeline):
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    starts = [e.when.start for e in timeline.entries if e.when.start]
    assert starts == sorted(starts)
    assert all(e.when.start is None for e in timeline.entries[len(starts):])
    for e in timeline.entries:
        for s in e.sources:
            text = texts[s.article_id]
            assert text[s.quote_start:s.quote_end] == s.quote
            assert text[s.date_start:s.date_end] == s.date_text


def test_same_input_same_timeline():
    assert build_timeline([SEEDS]) == build_timeline([SEEDS])


def test_hard_wrapped_lines_keep_their_sentence(tmp_path):
    (tmp_path / "a.md").write_text("---\ndate: 2025-05-08\n---\nOn May 8, 2025, the leaders of the two\ncountries met in Moscow.\n"
                                   "Next line.\n", encoding="utf-8")
    [entry] = build_timeline([tmp_path]).entries
    assert entry.sources[0].quote == "On May 8, 2025, the leaders of the two\ncountries met in Moscow."
    assert entry.title == "The leaders of the two countries met in Moscow"


def test_sheet_sets_key_events_first_class(timeline):
    import re

    from timeline.export.html import render_html

    html = render_html(timeline)
    articles = re.findall(r'<article class="entry ([^"]*)" id="[^"]*">\s*<div class="when">.*?<h3>(.*?)</h3>', html, re.S)
    key = [title for classes, title in articles if " key" in f" {classes}"]
    background = [title for classes, title in articles if "background" in classes]
    # the most salient fifth (at least five): arrival, talks, parade, the Kremlin welcome, the ceasefire declared last month
    assert len(key) == 5 and len(background) == len(articles) - 5
    assert any("arrived" in t for t in key) and any("parade" in t for t in key)


def test_people_organizations_and_places_named_by_each_entry(timeline):
    def entry(value, word):
        [found] = _entries_with(timeline, value, word)
        return found

    # a sentence-initial surname is a name when the article writes it inside sentences too
    assert "Putin" in entry("2025-05-07", "welcomed").actors
    # a possessive and a date word end a name: "Putin’s February 2022 invasion"
    assert entry("2022-02", "invasion").actors == ["Putin"]
    # one name per person: the full names, not also "Xi" and "Putin"
    talks = entry("2025-05-08", "joint statement")
    assert {"Xi Jinping", "Vladimir Putin"} <= set(talks.actors) and not {"Xi", "Putin"} & set(talks.actors)
    # a place that begins an organization's name is the organization's, not where it happens
    summit = entry("2025-09", "Tianjin")
    assert "Shanghai Cooperation Organization" in summit.actors
    assert "Tianjin" in summit.places and "Shanghai" not in summit.places
    # "the Russian Federation" is a country, not an actor called "Federation"
    assert entry("2025-05", "Zelensky").actors == ["Volodymyr Zelensky"]
    # wars and adjectives are nobody: "World War II", "Great Patriotic War", "Western"
    every_actor = {a for e in timeline.entries for a in e.actors}
    assert not every_actor & {"World War II", "Great Patriotic War", "Western", "Federation", "Soviet"}


def test_a_claimed_overnight_attack_is_a_reported_event_of_that_night(timeline):
    from timeline.export.labels import load_labels

    [attack] = _entries_with(timeline, "2025-05-07TNI", "Sumy")
    assert attack.status == EventStatus.REPORTED
    # the date set off after "claimed that" dates the clause after it; the claim stays attributed
    assert attack.title.startswith("Ukraine’s air force claimed that Russia launched guided bombs")
    assert "Sumy" in attack.places
    assert load_labels("en").when(attack.when) == "night of Wednesday 7 May 2025"
    assert [s.date_text for s in attack.sources] == ["overnight"]
