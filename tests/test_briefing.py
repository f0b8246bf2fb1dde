"""A briefing, not a dump: salience with one source per entry, --top, the batch's title, --about, the sheet's
"at a glance", and how each entry's date was found (JSON, HTML, iCalendar)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from timeline.export import render_outputs
from timeline.export.html import GLANCE_ITEMS, GLANCE_ROWS, render_html
from timeline.models import Confidence, Entry, EventStatus, Precision, Source, Timeline, TimeValue, TimexType
from timeline.pipeline import build_timeline, select
from timeline.resources import load_resources


@pytest.fixture(scope="module")
def resources():
    return load_resources("en")


def _batch(folder: Path, articles: list[tuple[str, str, str | None, str]], resources) -> Timeline:
    for name, date, title, text in articles:
        head = f"---\ndate: {date}\n" + (f'title: "{title}"\n' if title else "") + "---\n"
        (folder / f"{name}.md").write_text(head + text + "\n", encoding="utf-8")
    return build_timeline([folder], resources=resources)


AVIATION = [
    ("qatar", "2007-11-12", "Airbus wins Qatar Airways order",
     "Airbus won an order for 80 A350 jets from Qatar Airways on Monday. The airline was founded in 1993. "
     "Qatar Airways said in March that it would expand its fleet."),
    ("dreamliner", "2011-09-26", "Boeing delivers first 787",
     "Boeing delivered its first 787 Dreamliner to All Nippon Airways on Monday. The 787 programme was launched in 2004."),
    ("jobs", "2007-02-28", "Airbus to cut 10,000 jobs",
     "Airbus announced on Wednesday that it will cut 10,000 jobs over four years. The company was formed in 1970."),
]


@pytest.fixture(scope="module")
def aviation(tmp_path_factory, resources) -> Timeline:
    return _batch(tmp_path_factory.mktemp("aviation"), AVIATION, resources)


def test_headline_events_outrank_background_when_every_entry_has_one_source(aviation):
    assert all(len(e.sources) == 1 for e in aviation.entries)
    ranked = [e.when.value for e in sorted(aviation.entries, key=lambda e: -e.salience)]
    # the three lead events first; the founding years and the launch of 2004 last (background)
    assert ranked[:3] == ["2011-09-26", "2007-11-12", "2007-02-28"]
    assert set(ranked[-3:]) == {"1970", "1993", "2004"}


def test_top_keeps_what_a_briefing_needs_in_time_order(aviation):
    assert [e.when.value for e in select(aviation, top=3).entries] == ["2007-02-28", "2007-11-12", "2011-09-26"]


def test_the_title_names_what_the_headlines_are_about_not_a_place(aviation):
    # "Airbus" heads two of the three headlines, Boeing one; Qatar (a place) is named most in the bodies
    assert aviation.title == "Timeline: Airbus"


def test_two_names_share_the_title_when_the_headlines_name_both_about_as_often(tmp_path, resources):
    timeline = _batch(tmp_path, AVIATION + [
        ("tanker", "2008-03-01", "Boeing loses tanker contract", "Boeing lost the US Air Force tanker contract on Friday."),
    ], resources)
    assert timeline.title == "Timeline: Airbus and Boeing"


def test_without_titles_the_first_sentences_are_the_headlines(tmp_path, resources):
    timeline = _batch(tmp_path, [
        (name, date, None, text) for name, date, _, text in AVIATION[:1]] + [
        ("order2", "2007-11-13", None, "Airbus signed an order for 30 A380s with Emirates on Tuesday."),
    ], resources)
    assert timeline.title == "Timeline: Airbus"


MOTORS = [
    ("loss", "2008-11-07", "GM posts $2.5 billion loss",
     "General Motors reported a loss of $2.5 billion on Friday. Shares of GM fell 10% on Friday."),
    ("tata", "2008-03-27", "Tata Motors buys Jaguar", "Tata Motors bought Jaguar and Land Rover from Ford on Wednesday."),
    ("chapter11", "2009-06-01", "General Motors files for bankruptcy",
     "General Motors filed for bankruptcy protection on Monday, the largest industrial bankruptcy in US history."),
]


@pytest.fixture(scope="module")
def motors(tmp_path_factory, resources) -> Timeline:
    return _batch(tmp_path_factory.mktemp("motors"), MOTORS, resources)


def test_about_a_company_keeps_its_name_and_initials_not_a_word_of_its_name(motors, resources):
    assert motors.title == "Timeline: General Motors"  # "GM" and "General Motors" head one article each
    kept = select(motors, about="General Motors", resources=resources).entries
    assert [(e.when.value, e.sources[0].article_id) for e in kept] == [
        ("2008-11-07", "loss"), ("2008-11-07", "loss"), ("2009-06-01", "chapter11")]
    # "GM" finds the same entries; "Tata Motors" is another company that ends in "Motors"
    assert select(motors, about="GM", resources=resources).entries == kept
    assert [e.sources[0].article_id for e in select(motors, about="Tata Motors", resources=resources).entries] == ["tata"]


def test_about_a_person_keeps_the_surname_the_articles_use(tmp_path, resources):
    timeline = _batch(tmp_path, [
        ("a", "2011-08-25", "Steve Jobs resigns", "Steve Jobs resigned as chief executive of Apple on Wednesday."),
        ("b", "2011-10-06", "Jobs dies", "Apple said on Wednesday that Jobs had died. Tim Cook became chief executive in August."),
    ], resources)
    kept = select(timeline, about="Steve Jobs", resources=resources).entries
    assert [e.when.value for e in kept] == ["2011-08-24", "2011-10-05"]


# ------------------------------------------------------------------ at a glance

def _entry(n: int, day: dt.date, salience: float) -> Entry:
    when = TimeValue(value=day.isoformat(), type=TimexType.DATE, precision=Precision.DAY,
                     start=day, end=day + dt.timedelta(days=1))
    source = Source(article_id=f"a{n}", path=f"a{n}.md", when=when, date_text="on Monday", date_start=0, date_end=9,
                    quote=f"Event number {n} happened on Monday.", quote_start=0, quote_end=30)
    return Entry(uid=f"u{n:03d}", when=when, title=f"Event number {n}", status=EventStatus.HAPPENED,
                 sources=[source], salience=salience)


def test_at_a_glance_lists_the_key_events_of_each_period_on_one_page():
    # 60 entries over three years, one source each: the glance lists the 16 most salient, by month or year
    entries = [_entry(n, dt.date(2006, 1, 1) + dt.timedelta(days=18 * n), salience=(n * 37) % 60 / 10) for n in range(60)]
    html = render_html(Timeline(title="Timeline: test", entries=entries, manifest=[]))
    glance = html[html.index('id="glance-h"'):html.index('id="entries-h"')]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>", glance, re.S)
    listed = re.findall(r'<a href="#entry-(u\d+)">', glance)
    best = {e.uid for e in sorted(entries, key=lambda e: -e.salience)[:GLANCE_ITEMS]}
    assert set(listed) == best and len(listed) == GLANCE_ITEMS
    # sixteen days, and more than GLANCE_ROWS months: one row per year, each event with its day
    assert len(rows) <= GLANCE_ROWS
    assert [re.sub(r"<[^>]+>", "", label) for label, _ in rows] == ["2006", "2007", "2008"]
    assert re.sub(r"<[^>]+>", "", rows[0][1]).startswith("24 February: Event number 3 · 25 May: Event number 8 · ")


# ------------------------------------------------------------------ how each date was found

CONFIDENCE = [
    ("stated", "2025-05-09", None, "The two leaders met in Moscow on May 8, 2025. A day later, they watched the parade."),
    ("relative", "2025-05-09", None, "Xi attended a grand parade at the Red Square in Moscow on Friday."),
]


@pytest.fixture(scope="module")
def confidence(tmp_path_factory, resources) -> Timeline:
    folder = tmp_path_factory.mktemp("confidence")
    for name, date, _, text in CONFIDENCE:
        (folder / f"{name}.md").write_text(f"---\ndate: {date}\n---\n{text}\n", encoding="utf-8")
    # undated: its date is inferred from the two dated articles, so its "on Thursday" rests on that inference
    (folder / "undated.txt").write_text("The two leaders met in Moscow on Thursday and signed a statement.\n",
                                        encoding="utf-8")
    return build_timeline([folder], resources=resources)


def test_every_source_and_entry_says_how_its_date_was_found(confidence):
    by_phrase = {s.date_text: s.confidence for e in confidence.entries for s in e.sources}
    assert by_phrase == {"May 8, 2025": Confidence.ABSOLUTE, "A day later": Confidence.EARLIER_DATE,
                         "Friday": Confidence.PUBLICATION, "Thursday": Confidence.INFERRED}
    # an entry is as sure as its surest source for the chosen date
    [met] = [e for e in confidence.entries if e.when.value == "2025-05-08"]
    assert {s.confidence for s in met.sources} == {Confidence.ABSOLUTE, Confidence.INFERRED}
    assert met.confidence == Confidence.ABSOLUTE


def test_confidence_is_in_the_json_schema_the_sheet_and_the_calendar(confidence):
    rendered = render_outputs(confidence, ["json", "html", "ics"])
    data = json.loads(rendered["timeline.json"])
    assert {e["confidence"] for e in data["entries"]} >= {"absolute", "publication"}
    schema = json.loads(rendered["timeline.schema.json"])
    assert schema["$defs"]["Confidence"]["enum"] == [c.value for c in Confidence]
    assert "confidence" in schema["$defs"]["Entry"]["properties"] and "confidence" in schema["$defs"]["Source"]["properties"]
    html = rendered["timeline.html"].decode()
    assert ('<span class="confidence confidence-publication" title="relative to the publication date">'
            '<span class="confidence-mark" aria-hidden="true">◕</span> relative to the publication date</span>') in html
    legend = html[html.index('id="legend-h"'):]
    assert all(mark in legend for mark in "●◕◑◔○")
    calendar = Calendar.from_ical(rendered["timeline.ics"])
    descriptions = [str(ev["DESCRIPTION"]) for ev in calendar.walk("VEVENT")]
    assert any("Date found: ● date stated in full" in d for d in descriptions)
    assert any("(date phrase: “Friday”; relative to the publication date)" in d for d in descriptions)
