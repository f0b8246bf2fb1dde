"""Phrase -> value table for the date resolver: real sentences (the seeds' among them) with the
article date, the exact phrase found and the exact TimeML value and precision expected."""

import datetime as dt

import pytest

from timeline.temporal import find_mentions, load_rules

RULES = load_rules("en")

# (article date, sentence, phrase as found, expected value, expected precision or type)
CASES = [
    # --- the seeds -------------------------------------------------------------------------
    ("2025-05-08", "Putin said during joint statements with Xi after their talks concluded on Thursday, News.Az reports.", "Thursday", "2025-05-08", "day"),
    ("2025-05-09", "President Xi said in the meeting on Thursday.", "Thursday", "2025-05-08", "day"),
    ("2025-05-09", "Chinese President Xi Jinping attended a grand parade at the Red Square in Moscow on Friday.", "Friday", "2025-05-09", "day"),
    ("2025-05-08", "Xi’s four-day trip to Moscow started Wednesday and coincides with Russia’s commemorations.", "Wednesday", "2025-05-07", "day"),
    ("2025-05-08", "Putin and Xi on Thursday signed off on a joint statement. The statement was adopted following talks held in Moscow, where Xi arrived a day earlier on a four-day visit.", "a day earlier", "2025-05-07", "day"),
    ("2025-05-08", "Xi arrived Wednesday for a four-day state visit to Russia. Putin welcomed his Chinese counterpart to the Kremlin earlier that day.", "earlier that day", "2025-05-07", "day"),
    ("2025-05-08", "Putin said Chinese troops taking part in the May 9 military parade on Red Square would form the largest foreign contingent.", "May 9", "2025-05-09", "day"),
    ("2025-05-08", "The Russian leader confirmed he’d take part in a Shanghai Cooperation Organization summit in Tianjin, China, in September, setting up another opportunity.", "September", "2025-09", "month"),
    ("2025-05-08", "The two countries reached record trade last year, as China emerged as a key economic lifeline.", "last year", "2024", "year"),
    ("2025-05-08", "The meeting takes place hours after a three-day ceasefire in Ukraine — unilaterally declared by Putin last month — came into effect.", "last month", "2025-04", "month"),
    ("2025-05-08", "Earlier this month, Ukrainian President Volodymyr Zelensky warned dignitaries traveling to the event.", "Earlier this month", "2025-05", "month"),
    ("2025-05-08", "This week, Ukraine’s foreign ministry urged countries not to send their militaries.", "This week", "2025-W19", "week"),
    ("2025-05-08", "plans to ensure significant qualitative advancement of Russian-Chinese trade and investment by 2030.", "2030", "2030", "year"),
    ("2025-05-08", "a task it has united with Russia over, particularly after Putin’s February 2022 invasion of Ukraine.", "February 2022", "2022-02", "month"),
    ("2025-05-09", "Eighty years ago, the Chinese and Russian peoples made immense sacrifice and secured a great victory.", "Eighty years ago", "1945", "year"),
    ("2025-05-09", "President Donald Trump has also initiated a trade war against China since assuming office in January.", "January", "2025-01", "month"),
    ("2025-05-08", "Russian state news agency Tass said the ceasefire began at midnight local time on Wednesday (5 p.m. ET Wednesday).", "5 p.m. ET Wednesday", "2025-05-07T17:00-04:00", "minute"),
    ("2025-05-08", "Russian state news agency Tass said the ceasefire began at midnight local time on Wednesday (5 p.m. ET Wednesday).", "midnight local time on Wednesday", "2025-05-08T00:00+03:00", "minute"),
    ("2025-05-08", "Europe celebrates its VE Day, marking Germany’s surrender on all fronts, on Thursday.", "Thursday", "2025-05-08", "day"),
    ("2025-05-08", "It marks Nazi Germany’s 1945 surrender to the Soviet Union.", "1945", "1945", "year"),
    ("2025-05-08", "the “no limits” strategic partnership that it signed with Russia in 2022, less than three weeks before Putin sent his army into Ukraine.", "2022", "2022", "year"),
    # durations are durations, never dates
    ("2025-05-08", "Xi’s four-day trip to Moscow started Wednesday.", "four-day", "P4D", "DURATION"),
    ("2025-05-08", "the two leaders inked a statement following roughly four hours of talks.", "roughly four hours", "PT4H", "DURATION"),
    ("2025-05-08", "to reach a peace agreement after more than three years of war.", "more than three years", "P3Y", "DURATION"),
    ("2025-05-08", "praised the leap forward in those relations over the past decade.", "the past decade", "P10Y", "DURATION"),
    ("2025-05-08", "a three-day ceasefire came into effect", "three-day", "P3D", "DURATION"),
    ("2025-05-08", "The two leaders have met more than 40 times over the past decade.", "the past decade", "P10Y", "DURATION"),
    # --- weekdays follow tense ------------------------------------------------------------------
    ("2025-05-08", "The leaders met on Monday.", "Monday", "2025-05-05", "day"),
    ("2025-05-08", "The leaders will meet on Monday.", "Monday", "2025-05-12", "day"),
    ("2025-05-08", "The talks are expected to resume Tuesday.", "Tuesday", "2025-05-13", "day"),
    ("2025-05-08", "The talks resumed Tuesday.", "Tuesday", "2025-05-06", "day"),
    ("2025-05-08", "Voters go to the polls on Sunday.", "Sunday", "2025-05-11", "day"),
    ("2025-05-08", "They met last Friday.", "last Friday", "2025-05-02", "day"),
    ("2025-05-08", "They meet next Friday.", "next Friday", "2025-05-09", "day"),
    ("2025-05-09", "On Friday, Putin said the war would end.", "Friday", "2025-05-09", "day"),
    ("2025-01-02", "Officials said on Monday the deal was done.", "Monday", "2024-12-30", "day"),
    # --- relative months and years, across year boundaries ---------------------------------------
    ("2025-01-15", "Prices rose sharply last month.", "last month", "2024-12", "month"),
    ("2025-12-20", "The law takes effect next month.", "next month", "2026-01", "month"),
    ("2025-01-15", "Sales fell last year.", "last year", "2024", "year"),
    ("2025-05-08", "Elections are due next year.", "next year", "2026", "year"),
    ("2025-05-08", "Profits doubled this year.", "this year", "2025", "year"),
    ("2025-05-08", "It shrank last quarter.", "last quarter", "2025-Q1", "quarter"),
    ("2025-05-08", "They met two weeks ago.", "two weeks ago", "2025-W17", "week"),
    ("2025-05-08", "It happened three days ago.", "three days ago", "2025-05-05", "day"),
    ("2025-05-08", "The company was founded 25 years ago.", "25 years ago", "2000", "year"),
    ("2025-05-08", "She retired last week.", "last week", "2025-W18", "week"),
    ("2025-01-03", "The plant closed in December.", "December", "2024-12", "month"),
    ("2025-11-20", "The summit will be held in February.", "February", "2026-02", "month"),
    ("2025-05-08", "Inflation peaked in March.", "March", "2025-03", "month"),
    ("2025-05-08", "The results came out yesterday.", "yesterday", "2025-05-07", "day"),
    ("2025-05-08", "He will speak tomorrow.", "tomorrow", "2025-05-09", "day"),
    ("2025-05-08", "Fighting broke out last night.", "last night", "2025-05-07TNI", "day"),
    # --- absolute dates -------------------------------------------------------------------------
    ("2025-05-08", "The treaty took effect on May 9, 1945.", "May 9, 1945", "1945-05-09", "day"),
    ("2025-05-08", "The war in Europe ended on 8 May 1945.", "8 May 1945", "1945-05-08", "day"),
    ("2025-05-08", "He died on Tuesday, March 4, 1997.", "Tuesday, March 4, 1997", "1997-03-04", "day"),
    ("2025-05-08", "Planes struck on Sept. 11, 2001.", "Sept. 11, 2001", "2001-09-11", "day"),
    ("2025-05-08", "The deal was signed on 2024-11-05.", "2024-11-05", "2024-11-05", "day"),
    ("2025-05-08", "Talks were held on 7 May in Moscow.", "7 May", "2025-05-07", "day"),
    ("2025-01-10", "Results came out on Dec. 2.", "Dec. 2", "2024-12-02", "day"),
    ("2025-12-20", "The summit will open on Jan. 5.", "Jan. 5", "2026-01-05", "day"),
    ("2025-05-08", "in the summer of 1996", "the summer of 1996", "1996-SU", "season"),
    ("2025-05-08", "profit in the third quarter of 1997", "the third quarter of 1997", "1997-Q3", "quarter"),
    ("2025-05-08", "Prices soared in the 1990s.", "1990s", "199", "decade"),
    ("2025-05-08", "in the 20th century", "the 20th century", "19", "century"),
    ("2025-05-08", "The plant opens in mid-2026.", "mid-2026", "2026", "year"),
    ("2025-05-08", "Sales slumped in late March 2020.", "late March 2020", "2020-03", "month"),
    # --- named days --------------------------------------------------------------------------------
    ("2025-05-08", "Victory Day is celebrated on May 9 in Russia and other countries.", "May 9", "XXXX-05-09", "DATE"),
    ("2025-05-08", "Russia’s May 9 Victory Day is one of the country’s largest celebrations.", "May 9", "XXXX-05-09", "DATE"),
    ("2025-05-08", "Shops were closed on Christmas.", "Christmas", "2024-12-25", "day"),
    ("2025-01-08", "on Easter 2025", "Easter 2025", "2025-04-20", "day"),
    ("2025-05-08", "We will meet at Thanksgiving.", "Thanksgiving", "2025-11-27", "day"),
    # --- times and zones by season -------------------------------------------------------------------
    ("2025-01-15", "The market closed at 4 p.m. ET Tuesday.", "4 p.m. ET Tuesday", "2025-01-14T16:00-05:00", "minute"),
    ("2025-07-15", "The market closed at 4 p.m. ET Tuesday.", "4 p.m. ET Tuesday", "2025-07-15T16:00-04:00", "minute"),
    ("2025-07-15", "The launch is set for 9 a.m. PT Friday.", "9 a.m. PT Friday", "2025-07-18T09:00-07:00", "minute"),
    ("2025-01-15", "The launch is set for 9 a.m. PT Friday.", "9 a.m. PT Friday", "2025-01-17T09:00-08:00", "minute"),
    ("2024-12-13", "Polls closed at 10 p.m. BST on Thursday.", "10 p.m. BST on Thursday", "2024-12-12T22:00+00:00", "minute"),
    ("2024-07-05", "Polls closed at 10 p.m. BST on Thursday.", "10 p.m. BST on Thursday", "2024-07-04T22:00+01:00", "minute"),
    ("2025-03-03", "The deadline is 5 p.m. GMT on March 3, 2025.", "5 p.m. GMT on March 3, 2025", "2025-03-03T17:00Z", "minute"),
    ("2025-05-08", "The bomb exploded at 10:30 a.m. local time in Kyiv.", "10:30 a.m. local time", "2025-05-08T10:30+03:00", "minute"),
    # --- vague references and sets ---------------------------------------------------------------------
    # TimeML: a preposition is a signal, never part of the TIMEX3 ("in recent days" -> "recent days")
    # TimeBank: "recent years", "the coming weeks", "the next few days" are vague durations (PXY), not PAST_REF
    ("2025-05-08", "Officials are expected to meet in the coming days.", "the coming days", "PXD", "DURATION"),
    ("2025-05-08", "including in recent days, prompting closures", "recent days", "PXD", "DURATION"),
    ("1989-10-27", "Earnings will improve over the next few years.", "the next few years", "PXY", "DURATION"),
    ("2025-05-08", "Officials are expected to meet in the near future.", "the near future", "FUTURE_REF", "DATE"),
    ("2025-05-08", "Such attacks have been rare in recent times.", "recent times", "PAST_REF", "DATE"),
    # "the past year" without a number is the previous year (a DATE); with a number, a DURATION
    ("1998-03-03", "Hate groups grew over the past year.", "the past year", "1997", "year"),
    ("1989-10-30", "Prices rose over the past two years.", "the past two years", "P2Y", "DURATION"),
    ("2025-05-08", "He spent the last year of the war in exile.", "the last year", "P1Y", "DURATION"),
    # a written weekday with its date: the date, even before a colon
    ("1998-10-25", "The Times said in an editorial on Monday, Oct. 26: the murder", "Monday, Oct. 26", "1998-10-26", "day"),
    ("2025-05-08", "Currently, China is working with Russia.", "Currently", "PRESENT_REF", "DATE"),
    ("2025-05-08", "They meet every year.", "every year", "P1Y", "SET"),
    # TimeBank leaves the adjective "annual" ("an annual parade") unannotated; the adverb is a SET
    ("2025-05-08", "The parade is held annually in Red Square.", "annually", "P1Y", "SET"),
    ("2025-05-08", "The shop closes on Sundays.", "Sundays", "XXXX-WXX-7", "SET"),
    # --- TimeBank conventions (TempEval-3 gold) ---------------------------------------------------------
    # a weekday with a part of day is a DATE of that day
    ("1999-02-06", "The Internet provider closed the site Thursday night.", "Thursday night", "1999-02-04", "day"),
    # a quoted phrase not in title case is still a date
    ("1989-11-02", '"Next week we will decide," he said.', "Next week", "1989-W45", "week"),
    # ... except the evening, a TIME of that day (TimeML's TEV)
    ("1998-02-13", "A woman was killed Thursday evening in a laundromat.", "Thursday evening", "1998-02-12TEV", "day"),
    # "until <weekday>" is a deadline still ahead, even after a past-tense verb
    ("2000-03-30", "Immigration officials postponed until Tuesday morning any action on the boy's parole.", "Tuesday morning", "2000-04-04", "day"),
    ("2000-04-03", "The service has given the relatives until 9 a.m. Tuesday to sign a paper.", "9 a.m. Tuesday", "2000-04-04T09:00", "minute"),
    # quarters: an ordinal quarter is the latest one begun by the article date; "the latest quarter" the last ended
    ("1989-11-02", "It expects a fourth-quarter charge.", "fourth-quarter", "1989-Q4", "quarter"),
    ("1998-01-26", "Profits fell in the fourth quarter.", "the fourth quarter", "1997-Q4", "quarter"),
    ("1989-11-02", "Net fell 59% in the latest quarter.", "the latest quarter", "1989-Q3", "quarter"),
    ("1989-11-02", "Third-quarter net was $5 million, up from $4 million a year ago.", "a year ago", "1988-Q3", "quarter"),
    ("1989-11-02", "Third-quarter net rose. In the year-ago quarter, it earned $3 million.", "the year-ago quarter", "1988-Q3", "quarter"),
    ("1989-11-02", "He resigned last year.", "last year", "1988", "year"),
    # a month-day close to the article date is that occurrence, whatever the tense of the clause
    ("1989-11-02", "The company declared a dividend payable Dec. 15.", "Dec. 15", "1989-12-15", "day"),
    ("1989-11-02", "The current rules stay.", "current", "PRESENT_REF", "DATE"),
    ("2025-05-08", "Talks went on during the four days.", "the four days", "P4D", "DURATION"),
    # a possessive weekday ("Wednesday's ruling") has happened, even in a future clause
    ("2000-01-07", "Relatives said they would look for ways to get around Wednesday's ruling.", "Wednesday", "2000-01-05", "day"),
    # "next to" is a place, not a future marker
    ("1998-08-08", "Hundreds were wounded in the blasts next to the U.S. embassies in Kenya and Tanzania on Friday.", "Friday", "1998-08-07", "day"),
    # quarters named with their year before them; the year-ago quarter of an ordinal quarter
    ("1989-11-02", "a $415 million charge in the 1988 second quarter", "the 1988 second quarter", "1988-Q2", "quarter"),
    ("1989-10-31", "It could be effective as early as next year's first quarter.", "next year's first quarter", "1990-Q1", "quarter"),
    ("1989-10-30", "Net rose from $3 million in the year-ago third quarter.", "the year-ago third quarter", "1988-Q3", "quarter"),
    # US Election Day: the Tuesday after the first Monday of November
    ("1998-10-26", "a major theme of our campaign from now to Election Day.", "Election Day", "1998-11-03", "day"),
    ("2000-10-20", "Polls close on Election Day.", "Election Day", "2000-11-07", "day"),
    # --- extreme values -------------------------------------------------------------------------------
    ("2025-05-08", "built around 3000 BC", "3000 BC", "-2999", "year"),
    ("2025-05-08", "Rome was sacked in 410 AD.", "410 AD", "0410", "year"),
]

# Phrases that are not dates at all.
NOT_DATES = [
    ("2025-05-08", "The factory has 2030 employees.", "2030"),
    ("2025-05-08", "Officials may decide later.", "may"),
    ("2025-05-08", "Thousands march through the capital.", "march"),
    ("2025-05-08", "He came second in the race.", "second"),
    ("2025-05-08", "Those present applauded.", "present"),
    ("2025-05-08", "It raised 1945 dollars.", "1945"),
    ("1989-11-02", "The notes cost the concern about $2 million a year in interest expense.", "a year"),
    ("1998-02-06", "The economy has been creating jobs at a rate of 358,000 a month.", "a month"),
    ("1990-08-16", "Iraq imports about three-quarters of its food.", "quarters"),
    ("1989-11-02", "Foreigners hold more than a quarter of the shares.", "quarter"),
    ("2025-05-08", "Tariffs rose to 2025 percent.", "2025"),
    ("2025-05-08", "Ukraine’s air force claimed Russia launched bombs over Sumy in northeastern Ukraine.", "easter"),
    ("2025-05-08", "May God bless them.", "May"),
    # quoted titles in title case are shows, not times
    ("1990-08-13", 'Secretary of State James Baker, speaking on ABC News\' "This Week," said the request helps.', "This Week"),
    ("2000-04-17", "Gonzalez said on CBS's ''60 Minutes.'' The boy is fine.", "Minutes"),
    # "today's" of an era, not of a day
    ("1989-10-27", "Intel's microprocessors are the chips of choice in many of today's personal computers.", "today's"),
    ("2000-01-07", "The case of Elian is for today's youth what 40 years of the blockade were.", "today's"),
    # TimeBank does not annotate ages, "previously", "soon" or "quarterly"
    ("2025-05-08", "A 45-year-old man was arrested.", "year-old"),
    ("2025-05-08", "He was 45 years old.", "years old"),
    ("2025-05-08", "She previously worked in Kyiv.", "previously"),
    ("2025-05-08", "Talks will resume soon.", "soon"),
    ("2025-05-08", "It pays a quarterly dividend.", "quarterly"),
]


@pytest.mark.parametrize(("dct", "sentence", "phrase", "value", "precision"), CASES,
                         ids=[f"{c[2]}@{c[0]}" for c in CASES])
def test_phrase_resolves(dct, sentence, phrase, value, precision):
    mentions = find_mentions(sentence, dt.date.fromisoformat(dct), RULES)
    found = {m.text: m for m in mentions}
    assert phrase in found, f"{phrase!r} not found; got {[(m.text, m.timex.value) for m in mentions]}"
    m = found[phrase]
    assert m.timex.value == value
    assert sentence[m.start:m.end] == phrase
    if precision.isupper():
        assert m.timex.type.value == precision
        assert m.timex.start is None  # never placed on the timeline
    else:
        assert m.timex.precision.value == precision


@pytest.mark.parametrize(("dct", "sentence", "word"), NOT_DATES, ids=[c[2] + ":" + c[1][:20] for c in NOT_DATES])
def test_not_a_date(dct, sentence, word):
    mentions = find_mentions(sentence, dt.date.fromisoformat(dct), RULES)
    assert all(word.lower() not in m.text.lower() for m in mentions), [(m.text, m.timex.value) for m in mentions]


def test_table_is_large_enough():
    assert len(CASES) + len(NOT_DATES) >= 80


def test_no_article_date_means_no_guess():
    """Without an article date, relative phrases are dropped rather than resolved against a clock."""
    mentions = find_mentions("They met on Thursday and signed a deal on May 9, 2025.", None, RULES)
    assert [(m.text, m.timex.value) for m in mentions] == [("May 9, 2025", "2025-05-09")]


def test_offsets_slice_the_text_after_a_header():
    text = " date 2025-05-08 Putin met Xi on Thursday."
    mentions = find_mentions(text, dt.date(2025, 5, 8), RULES, begin=17)
    assert [(text[m.start:m.end], m.timex.value) for m in mentions] == [("Thursday", "2025-05-08")]


@pytest.mark.parametrize("dct", ["0001-01-01", "0001-01-03", "0001-12-31", "9999-01-01", "9999-12-27", "9999-12-31"])
def test_article_at_the_edge_of_the_calendar_does_not_crash(dct):
    """An article dated year 1 or 9999: values past the calendar's ends are dropped, the rest resolve."""
    text = ("He left yesterday and returns tomorrow. They met last Monday, last week, in March, last year and next "
            "year; talks resume next week, the next day, three days ago, at midnight on December 31 and over the weekend.")
    mentions = find_mentions(text, dt.date.fromisoformat(dct), RULES)
    assert mentions, "the mentions that fit the calendar are kept"
    for m in mentions:
        assert not (len(m.timex.value) >= 5 and m.timex.value[:5].isdigit()), m  # never a five-digit year


def test_far_years_keep_their_year():
    cases = {"The probe lands on May 8, 2150.": "2150-05-08", "It was signed July 4, 0800.": "0800-07-04",
             "Valid until December 31, 9999.": "9999-12-31", "It was filed on 0800-07-04.": "0800-07-04"}
    for text, value in cases.items():
        assert [m.timex.value for m in find_mentions(text, dt.date(2025, 5, 8), RULES)] == [value], text
    # "tomorrow" said on the last day of the calendar: no value (not a crash, not year 10000)
    assert find_mentions("It opens tomorrow.", dt.date(9999, 12, 31), RULES) == []
    assert [m.timex.value for m in find_mentions("It opened yesterday.", dt.date(9999, 12, 31), RULES)] == ["9999-12-30"]
