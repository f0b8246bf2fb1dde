"""Business, market and auto-industry news: names of companies, baselines of market reports, contract months."""

import datetime as dt

import pytest

from timeline.events import extract_events
from timeline.models import Article
from timeline.resources import load_resources
from timeline.temporal import find_mentions

RESOURCES = load_resources("en")


def _events(text: str, date: dt.date):
    article = Article(id="a", path="a.md", text=text, date=date)
    return extract_events(article, find_mentions(text, date, RESOURCES.rules, 0), RESOURCES.rules, RESOURCES.events)


def _titles(text: str, date: dt.date) -> dict[str, str]:
    return {e.mention.text: e.title for e in _events(text, date) if e.mention.text}


@pytest.mark.parametrize(("text", "phrase", "title"), [
    # "General" opens a company's name here, not an office before a person's name
    ("The pullout follows General Motors' decision last November to withdraw Chevrolet from the series.",
     "last November", "The pullout follows General Motors' decision to withdraw Chevrolet from the series"),
    ("General Electric agreed on Tuesday to sell its plastics unit.", "Tuesday",
     "General Electric agreed to sell its plastics unit"),
    ("The UN General Assembly voted on Friday to admit the new member.", "Friday",
     "The UN General Assembly voted to admit the new member"),
    # ... while an office before a person's name still goes
    ("General Arthur Lichte said on Monday that the first tanker would fly in 2010.", "Monday",
     "Arthur Lichte said that the first tanker would fly"),
])
def test_an_office_word_that_opens_a_company_name_stays_in_the_title(text, phrase, title):
    assert _titles(text, dt.date(2005, 12, 16))[phrase] == title


def test_a_company_s_name_keeps_its_first_word_among_the_actors():
    [event] = [e for e in _events("General Motors filed for bankruptcy protection on Monday.", dt.date(2009, 6, 2))
               if e.mention.text == "Monday"]
    assert event.actors == ["General Motors"]


def test_the_company_stands_for_the_subject_before_not_the_last_name_written():
    text = ("General Motors Corp. said on Tuesday that it had lost 91 million dollars in the quarter. "
            "On October 25, the world's biggest automaker had reported a loss of 115 million dollars. "
            "The figure was cut by loan sales at its financing arm General Motors Acceptance Corp., the automaker "
            "said in a filing with the U.S. Securities and Exchange Commission. "
            "The automaker's third quarter loss amounted to 16 cents a share.")
    assert _titles(text, dt.date(2006, 11, 7))["third quarter"] == \
        "General Motors Corp.'s loss amounted to 16 cents a share"


def test_a_capitalized_bank_is_a_name_not_the_bank_standing_for_the_last_one():
    text = ("Pfizer said it would stop its trials. "
            "The Bank of New York, which was founded in 1784, agreed to merge with Mellon Financial on Monday.")
    assert _titles(text, dt.date(2006, 12, 4))["1784"] == "The Bank of New York was founded"


def test_a_clock_time_and_its_bracketed_utc_equivalent_are_one_time_in_its_zone():
    events = _events("The Nikkei stock average gained 307.83 points to stand at 18,978.20 at 10 a.m. (0100 GMT).",
                     dt.date(1997, 4, 29))
    assert [(e.mention.text, e.when.value, e.title) for e in events if e.mention.text] == [
        ("10 a.m. (0100 GMT)", "1997-04-29T01:00Z", "The Nikkei stock average gained 307.83 points to stand at 18,978.20")]


def test_a_middle_initial_does_not_end_the_sentence():
    text = ("The first leg is due to arrive at New York's John F. Kennedy airport at 12:30 EST (16:30 UTC). "
            "It will carry 500 passengers.")
    [event] = [e for e in _events(text, dt.date(2007, 3, 19)) if e.mention.text]
    assert event.when.value == "2007-03-19T16:30Z"
    assert event.quote == "The first leg is due to arrive at New York's John F. Kennedy airport at 12:30 EST (16:30 UTC)."


def test_the_colon_of_a_clock_time_is_no_clause_boundary():
    titles = _titles("The Tokyo market closed at 3:30 p.m. (0630 GMT) on Friday.", dt.date(2007, 3, 19))
    assert titles["Friday"] == "The Tokyo market closed"
