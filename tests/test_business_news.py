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


@pytest.mark.parametrize(("text", "phrase", "title"), [
    # a date that modifies a noun stays: cut out, it would leave a hole ("reversing 's gains")
    ("The rally was in force once again at Tuesday's opening.", "Tuesday",
     "The rally was in force once again at Tuesday's opening"),
    ("Crude oil for January delivery rose 80 cents to 61.30 dollars a barrel on Tuesday.", "Tuesday",
     "Crude oil for January delivery rose 80 cents to 61.30 dollars a barrel"),
    # ... while a year between a determiner and its noun may go without a hole
    ("Shanghai will host the 2010 World Expo, the government said on Wednesday.", "Wednesday",
     "Shanghai will host the World Expo, the government said"),
    # "over" goes with the date cut out after it
    ("Pfizer said over the weekend that it was stopping all clinical trials of the drug.", "the weekend",
     "Pfizer said that it was stopping all clinical trials of the drug"),
])
def test_titles_keep_dates_that_modify_a_noun(text, phrase, title):
    assert _titles(text, dt.date(2005, 11, 16))[phrase] == title


def test_a_quarter_named_by_its_months_is_that_quarter():
    events = _events("The U.S. economy grew 2.2 percent in the July-September period, the Commerce Department "
                     "reported on Wednesday.", dt.date(2006, 11, 29))
    assert {e.mention.text: (e.when.value, e.title) for e in events if e.mention.text} == {
        "the July-September period": ("2006-Q3", "The U.S. economy grew 2.2 percent"),
        "Wednesday": ("2006-11-29", "The U.S. economy grew 2.2 percent, the Commerce Department reported")}


@pytest.mark.parametrize(("text", "phrase", "title"), [
    # a clause after ", and" drops the "and" and says who "the company" is
    ("Analysts had expected Consolidated to post a slim profit, and the company's stock was down only 25 cents "
     "to $30.25 in composite trading yesterday.", "yesterday",
     "Consolidated's stock was down only 25 cents to $30.25 in composite trading"),
    # a concessive opener goes like "while" does
    ("Although profits were squeezed in 1989 by higher raw-material costs, the company said it is confident.",
     "1989", "Profits were squeezed by higher raw-material costs"),
    # no title ends in a word that needs what was cut after it
    ("Hewlett-Packard acquired 730,070 common shares from Octel as a result of an Aug. 10, 1988, stock purchase "
     "agreement.", "Aug. 10, 1988", "Hewlett-Packard acquired 730,070 common shares from Octel as a result"),
])
def test_titles_start_with_the_subject_and_end_with_a_word_that_ends(text, phrase, title):
    assert _titles(text, dt.date(1989, 11, 2))[phrase] == title


def test_a_part_of_a_day_dates_its_entry_by_the_day_while_the_mention_keeps_its_timeml_value():
    [event] = [e for e in _events("The main US stock indexes posted solid gains in Monday morning trading after "
                                  "the two banks announced a merger.", dt.date(2006, 12, 4)) if e.mention.text]
    assert (event.mention.text, event.mention.timex.value) == ("Monday morning", "2006-12-04TMO")
    assert (event.when.value, event.when.precision, event.when.start) == ("2006-12-04", "day", dt.date(2006, 12, 4))


def test_a_night_stays_a_night():
    [event] = [e for e in _events("US stocks rebounded overnight on a sharp drop in oil prices.", dt.date(2006, 12, 27))
               if e.mention.text]
    assert event.when.value == "2006-12-26TNI"


def test_a_clause_of_which_with_a_present_verb_is_titled_by_the_name_it_follows():
    titles = _titles("The carmaker will sell the cars through its new online service, AutoDirect, which goes live "
                     "on July 1.", dt.date(2010, 6, 8))
    assert titles["July 1"] == "AutoDirect goes live"


def test_an_undated_lead_takes_the_day_of_the_next_sentence_however_many_phrases_name_it():
    text = ("Ford has unveiled its new electric pickup at its plant in Dearborn, Michigan. "
            "Thursday was chosen as the date matches the plant's opening day when written as 5/20/21.")
    article = Article(id="a", path="a.md", text=text, date=dt.date(2021, 5, 21), title="Ford unveils electric pickup")
    events = extract_events(article, find_mentions(text, article.date, RESOURCES.rules, 0), RESOURCES.rules,
                            RESOURCES.events)
    [main] = [e for e in events if e.headline]
    assert (main.when.value, main.title) == ("2021-05-20", "Ford unveils electric pickup")


def test_after_in_a_ranking_is_no_clause_boundary():
    titles = _titles("The world's second largest carmaker after General Motors sold 3.83 million vehicles "
                     "in the first half.", dt.date(2005, 11, 4))
    assert titles["the first half"] == "The world's second largest carmaker after General Motors sold 3.83 million vehicles"
    assert _titles("The shares rose 5 percent on Tuesday after the company reported a profit.",
                   dt.date(2006, 1, 24))["Tuesday"] == "The shares rose 5 percent"


def test_the_company_is_a_name_of_the_sentences_before_not_a_place_or_the_shares():
    text = ("General Motors (GM) announced today that it will lay off 2,500 workers. "
            "Shares of GM fell 4.7% to $17.50 on the New York Stock Exchange. "
            "The plants in Oshawa, Ontario and Moraine, Ohio will close. "
            "The automaker lost $3.3 billion in the first quarter of 2008.")
    assert _titles(text, dt.date(2008, 6, 3))["the first quarter of 2008"] == "General Motors lost $3.3 billion"


def test_a_number_that_names_something_stays_in_the_title():
    assert _titles("Members of UAW Local 1999 voted on Sunday to accept a new contract.",
                   dt.date(2008, 6, 3))["Sunday"] == "Members of UAW Local 1999 voted to accept a new contract"


def test_an_office_word_inside_a_holiday_s_name_stays():
    assert _titles("Markets in the United States were closed on Monday for Martin Luther King Day.",
                   dt.date(2008, 1, 22))["Monday"] == "Markets in the United States were closed for Martin Luther King Day"


@pytest.mark.parametrize(("text", "phrase", "title"), [
    ("Chrysler, which filed for bankruptcy protection on April 30, emerged from bankruptcy on Wednesday.",
     "Wednesday", "Chrysler emerged from bankruptcy"),
    ("Rick Wagoner, who has led the carmaker since 2000, resigned on Sunday.", "Sunday", "Rick Wagoner resigned"),
])
def test_the_verb_after_a_relative_aside_takes_the_name_before_it(text, phrase, title):
    assert _titles(text, dt.date(2009, 6, 12))[phrase] == title


def test_it_after_a_name_said_is_that_name():
    titles = _titles("GM said on Friday it will cut 2,500 workers and close three plants by 2010.", dt.date(2008, 6, 6))
    assert titles["2010"] == "GM will cut 2,500 workers and close three plants"
    titles = _titles("Analysts said it was the worst day for the market, and it would get worse in March.",
                     dt.date(2008, 6, 6))
    assert titles["March"] == "It was the worst day for the market, and it would get worse"


def test_a_clock_time_on_a_day_named_after_it_is_on_that_day():
    [event] = [e for e in _events("The index fell on Friday. At midday in Tokyo today, the Nikkei 225 was down 5%.",
                                  dt.date(2008, 9, 16)) if e.mention.text.startswith("midday")]
    assert (event.mention.text, event.when.value, event.when.edtf, event.title) == (
        "midday in Tokyo today", "2008-09-16T12:00", "2008-09-16T12:00:00", "The Nikkei 225 was down 5%")


def test_a_historic_day_named_by_its_date_is_no_anchor_for_the_day_after_it():
    text = ("The Dow fell 504 points yesterday after Lehman Brothers filed for bankruptcy. It was the largest drop "
            "since the September 11 attacks. Earlier in the day, Bank of America agreed to buy Merrill Lynch.")
    events = {e.mention.text: e.when.value for e in _events(text, dt.date(2008, 9, 16))}
    assert events["the day"] == "2008-09-15"
    assert "September 11" not in events  # the start of a comparison


@pytest.mark.parametrize(("text", "phrase", "title"), [
    # a deadline stays: without it "has until May 31 to submit" says "has to submit"
    ("The company has until May 31 to submit a restructuring plan.", "May 31",
     "The company has until May 31 to submit a restructuring plan"),
    # "compared" cannot end a title once "with July 2007" is cut
    ("Sales in July were down 26.1% compared with July 2007.", "July", "Sales were down 26.1%"),
])
def test_titles_of_deadlines_and_comparisons(text, phrase, title):
    assert _titles(text, dt.date(2009, 7, 27))[phrase] == title


def test_a_verb_joined_to_a_relative_clause_takes_the_noun_phrase_the_clause_is_about():
    titles = _titles("Ford also announced a software update that was released to dealers and is scheduled for "
                     "public release in June.", dt.date(2008, 3, 7))
    assert titles["June"] == "A software update is scheduled for public release"
