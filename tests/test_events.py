"""The event step: which dates give entries, and each article's main event."""

import datetime as dt

import pytest

from timeline.events import extract_events
from timeline.lang import read_toml
from timeline.models import Article, Confidence, DateSource
from timeline.resources import load_resources
from timeline.temporal import find_mentions

RESOURCES = load_resources("en")
RULES = RESOURCES.rules
DAY = dt.date(2008, 10, 6)


def _events(text: str, date: dt.date | None = DAY, title: str | None = None, **extra):
    article = Article(id="a", path="a.md", text=text, date=date, title=title, **extra)
    mentions = find_mentions(text, date, RULES, 0)
    return mentions, extract_events(article, mentions, RULES, RESOURCES.events)


def _checks():
    data = read_toml("en", "events.toml")
    for check in data["not_event"]:
        for sentence, phrase in check.get("examples", []):
            yield pytest.param(sentence, phrase, False, id=f"{check['kind']}: not {phrase!r}")
        for sentence, phrase in check.get("keeps", []):
            yield pytest.param(sentence, phrase, True, id=f"{check['kind']}: keeps {phrase!r}")


@pytest.mark.parametrize(("sentence", "phrase", "kept"), list(_checks()))
def test_not_event_examples(sentence, phrase, kept):
    mentions, events = _events(sentence)
    assert phrase in [m.text for m in mentions], f"the resolver no longer finds {phrase!r}: fix the example"
    assert (phrase in [e.mention.text for e in events]) == kept


def test_lead_sentence_without_a_date_is_the_main_event_at_the_publication_date():
    text = ("---\ntitle: \"Airbus wins Qatar Airways order worth $15bn\"\ndate: 2005-06-13\n---\n\n"
            "European aircraft manufacturer, Airbus, has won an order from Qatar Airways for up to 60 jets. "
            "In 2004, Airbus sold more planes than Boeing for the first time ever.")
    body = text.index("European")
    article = Article(id="a", path="a.md", text=text, body_start=body, date=dt.date(2005, 6, 13),
                      title="Airbus wins Qatar Airways order worth $15bn", date_source=DateSource.FRONT_MATTER)
    mentions = find_mentions(text, article.date, RULES, body)
    [main] = [e for e in extract_events(article, mentions, RULES, RESOURCES.events) if e.headline]
    assert main.when.value == "2005-06-13" and main.dated_by == Confidence.PUBLICATION_DEFAULT
    assert main.title == "Airbus wins Qatar Airways order worth $15bn"
    assert text[main.quote_start:main.quote_end] == main.quote and main.quote.startswith("European")
    assert main.mention.text == "" and main.mention.start == main.quote_start


def test_a_recent_date_of_the_lead_sentence_dates_the_main_event():
    mentions, events = _events("Apple Computer today unveiled its latest addition to the iPod line, the iPod nano.",
                               title="Apple unveils iPod nano")
    [main] = [e for e in events if e.headline]
    assert main.mention.text == "today" and main.dated_by == Confidence.PUBLICATION
    assert main.title == "Apple unveils iPod nano"
    assert len(events) == 1


def test_an_old_date_of_the_lead_sentence_leaves_the_main_event_at_the_publication_date():
    _, events = _events("Boeing has announced that development of a replacement for the 737, begun two years ago, "
                        "has been pushed back several years.", title="Boeing pushes back 737 replacement")
    [main] = [e for e in events if e.headline]
    assert main.when.value == "2008-10-06" and main.dated_by == Confidence.PUBLICATION_DEFAULT
    assert [e.when.value for e in events if not e.headline] == ["2006"]


def test_no_main_event_without_a_publication_date():
    _, events = _events("Airbus has won an order from Qatar Airways for up to 60 jets.", date=None)
    assert events == []


def test_dates_say_how_they_were_found():
    _, events = _events("The plant opened on May 9, 2005. It closed last month. A day later, workers left.")
    assert {e.mention.text: e.dated_by for e in events if not e.headline} == {
        "May 9, 2005": Confidence.ABSOLUTE, "last month": Confidence.PUBLICATION, "A day later": Confidence.EARLIER_DATE}


def test_a_happening_earlier_in_the_current_year_is_an_event_but_the_year_itself_frames():
    _, events = _events("Earlier this year, Apple opened a data center in North Carolina. This year marks its 30th year.")
    assert [e.mention.text for e in events if not e.headline] == ["Earlier this year"]


def _titles(text: str, date: dt.date = dt.date(2007, 3, 19)) -> dict[str, str]:
    _, events = _events(text, date=date)
    return {e.mention.text: e.title for e in events}


@pytest.mark.parametrize(("text", "phrase", "title"), [
    # a number's comma or a parenthesis is no clause boundary
    ("Union officials said nearly 14,000 employees at four French sites stopped work on Wednesday.", "Wednesday",
     "Union officials said nearly 14,000 employees at four French sites stopped work"),
    ("Senator John McCain (R-AZ) entered them into the record during a speech last week.", "last week",
     "John McCain (R-AZ) entered them into the record during a speech"),
    # a clause opened by a verb takes the sentence's subject, not the appositive before it
    ("Deliveries to Singapore Airlines, its launch customer, are not due until October.", "October",
     "Deliveries to Singapore Airlines are not due"),
    ("Singapore Airlines, which will be the first company to fly it, in July 2006, opened a site.", "July 2006",
     "Singapore Airlines will be the first company to fly it"),
    # a pronoun subject says who it stands for
    ("Steve Jobs resigned on Wednesday. Jobs was ill. He fought cancer in 2004 and took six months off in early 2009.",
     "early 2009", "Jobs took six months off"),
    ("The Boeing 787 is a mid-sized airliner. It will enter service in 2008.", "2008", "The Boeing 787 will enter service"),
    # two dates of one phrase leave the title together; a date that is the subject stays
    ("Jobs made an appearance in March and June to unveil the iPad 2.", "March", "Jobs made an appearance to unveil the iPad 2"),
    ("Monday's email announcement marked the third time that Jobs took leave.", "Monday",
     "Monday's email announcement marked the third time that Jobs took leave"),
    # what was said or told, not only who said it
    ("Apple Inc. announced Friday that it will give owners a free case.", "Friday",
     "Apple Inc. announced that it will give owners a free case"),
])
def test_titles_say_who_did_what(text, phrase, title):
    assert _titles(text)[phrase] == title


@pytest.mark.parametrize(("text", "phrase", "title"), [
    # the date of a framing phrase dates the main clause after it
    ("In New York Stock Exchange composite trading yesterday, Magna shares closed up 37.5 cents at $9.625.",
     "yesterday", "Magna shares closed up 37.5 cents at $9.625"),
    ("On May 8, 2025, the leaders of the two countries met in Moscow.", "May 8, 2025",
     "The leaders of the two countries met in Moscow"),
    # the end of a reported period dates the report
    ("Separately, UniFirst reported that net income rose 21% to $3 million for the third quarter ended Aug. 26.",
     "the third quarter", "UniFirst reported that net income rose 21% to $3 million"),
])
def test_titles_of_reports_and_framed_dates(text, phrase, title):
    assert _titles(text, dt.date(1989, 11, 1))[phrase] == title


def test_a_period_and_its_end_date_are_one_entry():
    mentions, events = _events("UniFirst reported that net income rose 21% for the third quarter ended Aug. 26.",
                               date=dt.date(1989, 11, 1))
    assert {"the third quarter", "Aug. 26"} <= {m.text for m in mentions}
    assert [e.mention.text for e in events] == ["the third quarter"]


def test_a_lead_cut_after_an_initialism_goes_on_in_the_parenthesis():
    text = ("Northrop Grumman and Airbus parent company EADS N.V. (EADS) have unexpectedly defeated Boeing for a "
            "US$40 billion contract. It is the biggest contract of its kind.")
    _, events = _events(text, title="Northrop Grumman and EADS defeat Boeing for $40 billion contract")
    [main] = [e for e in events if e.headline]
    assert main.quote.startswith("Northrop") and "have unexpectedly defeated Boeing" in main.quote
    assert text[main.quote_start:main.quote_end] == main.quote
