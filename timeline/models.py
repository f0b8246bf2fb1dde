"""Data that crosses pipeline steps, defined once.

ingest -> Article; resolve -> Mention (with a TimeValue); events -> Event;
merge -> Entry inside a Timeline; export reads a Timeline.
All character offsets are into ``Article.text`` (the decoded file text), so
``article.text[start:end]`` always gives back the reported text.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Minor for fields added (readers of 1.0 still work), major for any change a reader must know of.
# 1.1: Entry/Source.confidence, Source.copies, ManifestEntry.copy_of/similarity.
SCHEMA_VERSION = "1.1"


class Precision(StrEnum):
    """How precisely a value is known; ordered from coarse to fine in PRECISION_RANK."""

    MILLENNIUM = "millennium"
    CENTURY = "century"
    DECADE = "decade"
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    SEASON = "season"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"
    HOUR = "hour"
    MINUTE = "minute"


PRECISION_RANK: dict[Precision, int] = {p: i for i, p in enumerate(Precision)}


class TimexType(StrEnum):
    DATE = "DATE"
    TIME = "TIME"
    DURATION = "DURATION"
    SET = "SET"


class DateSource(StrEnum):
    """Where an article's publication date came from."""

    HEADER = "header"
    FRONT_MATTER = "front-matter"
    USER = "user"
    INFERRED = "inferred"
    FEED = "feed"
    RECORD = "record"
    NONE = "none"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TimeValue(_Model):
    """A normalized temporal value in TimeML/ISO-8601 form, with honest precision.

    ``start``/``end`` are the calendar days the value covers (end exclusive) and are
    set only for values that can be placed on a timeline (anchored DATE/TIME).
    ``instant`` is set for TIME values with a known UTC offset.
    """

    value: str = Field(description="TimeML value, e.g. 2025-05-08, 2025-09, 2030, 2025-W19, 2025-05-07T17:00-04:00, P3Y")
    type: TimexType
    precision: Precision | None = None
    mod: str | None = Field(default=None, description="TimeML mod: APPROX, START, MID, END, MORE_THAN, LESS_THAN, BEFORE, AFTER ...")
    start: dt.date | None = None
    end: dt.date | None = None
    instant: dt.datetime | None = None
    edtf: str | None = Field(default=None, description="EDTF form of the value (e.g. 2025-09, 2025-05-07~)")

    @property
    def anchored(self) -> bool:
        return self.start is not None

    @property
    def shown_precision(self) -> Precision:
        """The precision to show and sort by: the value's own, else (durations, sets) minute for an
        instant and day otherwise."""
        if self.precision is not None:
            return self.precision
        return Precision.MINUTE if self.instant is not None else Precision.DAY

    @property
    def timed(self) -> bool:
        """A real instant: a clock time with a known UTC offset."""
        return (self.instant is not None and self.instant.utcoffset() is not None
                and self.shown_precision in (Precision.HOUR, Precision.MINUTE))


class Mention(_Model):
    """One temporal expression found in an article."""

    start: int
    end: int
    text: str
    timex: TimeValue
    rule: str = Field(description="name of the rule that found and normalized it")
    kind: str = Field(default="", description="the rule's kind: holiday, deictic, today, quarter_comparison (see lang/en/rules.toml)")
    anchor: Literal["dct", "previous", "absolute", "none"] = "absolute"
    event_when: TimeValue | None = Field(
        default=None,
        description="for 'a day after <clause>': the date of the clause's event, when the phrase itself is a duration",
    )
    tense: str = Field(default="present", description="tense of the clause around the mention: past, present, future, generic")
    quoted: bool = Field(default=False, description="inside a direct quotation")


class ArticleStatus(StrEnum):
    USED = "used"
    DUPLICATE = "duplicate"
    UNDATED = "undated"
    SKIPPED = "skipped"


class Article(_Model):
    """One input article. ``text`` is the whole decoded file; the body starts at ``body_start``."""

    id: str
    path: str
    text: str
    body_start: int = 0
    title: str | None = None
    source: str | None = None
    url: str | None = None
    date: dt.date | None = None
    date_source: DateSource = DateSource.NONE
    date_evidence: str | None = None
    sha256: str = ""
    encoding: str = "utf-8"


class ManifestEntry(_Model):
    """What happened to one input: used, duplicate of another, undated, or skipped and why."""

    path: str
    article_id: str | None = None
    status: ArticleStatus
    reason: str | None = None
    duplicate_of: str | None = None
    date: dt.date | None = None
    date_source: DateSource = DateSource.NONE
    date_evidence: str | None = None
    sha256: str | None = Field(default=None, description="fingerprint of the article's text (same text, same fingerprint)")
    copy_of: str | None = Field(default=None, description="id of the article this one is a near-duplicate of "
                                "(a syndicated copy, a light rewrite): it does not count as a source of its own")
    similarity: float | None = Field(default=None, description="Jaccard similarity of the 5-word runs of this "
                                     "article's text and copy_of's (1.0: the same words)")


class EventStatus(StrEnum):
    HAPPENED = "happened"
    SCHEDULED = "scheduled"
    REPORTED = "reported"
    RECURRING = "recurring"


class Confidence(StrEnum):
    """How a date was found, from the surest to the least sure (the order of CONFIDENCE_RANK)."""

    ABSOLUTE = "absolute"                 # the text states it in full: "May 8, 2025", "in 1991"
    PUBLICATION = "publication"           # relative to the article's publication date: "on Thursday", "today"
    EARLIER_DATE = "earlier-date"         # relative to a date or event told before: "a day later", "a day after the talks"
    PUBLICATION_DEFAULT = "publication-default"  # no date phrase: the publication date, by default (a lead event)
    INFERRED = "inferred"                 # relative to an article date inferred from the other articles


CONFIDENCE_RANK: dict[Confidence, int] = {c: i for i, c in enumerate(Confidence)}


class Event(_Model):
    """A dated happening extracted from one article."""

    article_id: str
    when: TimeValue
    mention: Mention
    title: str
    quote: str
    quote_start: int
    quote_end: int
    status: EventStatus = EventStatus.HAPPENED
    places: list[str] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list, description="content words of the clause, to match the same event across articles")
    context: list[str] = Field(default_factory=list, description="content words and names of the sentence and the one before it")
    names: list[str] = Field(default_factory=list, description="name tokens of the clause used for matching (Xi, Putin, Red Square)")
    actors: list[str] = Field(default_factory=list, description="people and organizations named in the sentence, as written")
    dated_by: Confidence = Field(
        default=Confidence.ABSOLUTE,
        description="how the date was found: 'absolute' (the phrase states it), 'publication' (counted from the "
                    "article's date: 'today', 'on Tuesday'), 'earlier-date' (from a date or event told before: 'a day "
                    "later'), 'publication-default' (no date phrase: the article's main event at its publication date), "
                    "'inferred' (relative to, or defaulted to, an article date inferred from the batch)",
    )
    headline: bool = Field(default=False, description="the article's main event: what its headline and lead sentence report")


class SourceCopy(_Model):
    """A near-duplicate of a source's article (see ManifestEntry.copy_of) telling the same thing:
    listed under the source, not counted as a source itself. Offsets index the copy's own text."""

    article_id: str
    path: str
    article_title: str | None = None
    url: str | None = None
    quote: str
    quote_start: int
    quote_end: int




class Source(_Model):
    """One article's report of an entry, with the sentence and date phrase it rests on."""

    article_id: str
    path: str
    article_title: str | None = None
    url: str | None = None
    when: TimeValue
    date_text: str
    date_start: int
    date_end: int
    quote: str
    quote_start: int
    quote_end: int
    copies: list[SourceCopy] = Field(default_factory=list, description="near-duplicate articles that tell the same")
    confidence: Confidence = Field(
        default=Confidence.ABSOLUTE,
        description="how this source's date was found: absolute, publication (relative to the publication date), "
                    "earlier-date (relative to a date or event told before), publication-default (no date phrase: "
                    "the publication date), inferred (relative to an article date inferred from the other articles)")


class DateClaim(_Model):
    """One side of a date disagreement: a value and the articles that give it."""

    value: str
    article_ids: list[str]


class Conflict(_Model):
    """Sources disagree on the date of the same event; ``chosen`` is the best-supported value."""

    chosen: str
    claims: list[DateClaim]
    note: str


class Entry(_Model):
    """One timeline entry: an event told by one or more articles."""

    uid: str
    sequence: int = Field(default=0, description="iCalendar SEQUENCE: raised each time the entry's content changes between builds")
    when: TimeValue
    title: str
    status: EventStatus
    places: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list, description="people and organizations named by the sources")
    sources: list[Source]
    conflict: Conflict | None = None
    salience: float = Field(default=0.0, description="how much a briefing needs it: sources, headline and lead events, "
                                                    "the batch's central names (higher first; --top keeps the highest)")
    confidence: Confidence = Field(
        default=Confidence.ABSOLUTE,
        description="how the entry's date was found: the surest way among the sources that give that date (see Source.confidence)")

    def sort_key(self) -> tuple:
        """Time order: start day, then clock time (timed entries after the day-level ones of that day),
        then coarse before fine (September before 1 September), then title and uid so ties never
        depend on input order. Entries with no start (durations, recurring dates) come last."""
        when = self.when
        start = when.start or dt.date.max
        instant = when.instant.astimezone(dt.timezone.utc).isoformat() if when.timed and when.instant else ""
        return (start, instant, PRECISION_RANK[when.shown_precision], self.title, self.uid)


class Analysis(_Model):
    """What the per-article steps make of one article: its date phrases and its events."""

    article: Article
    mentions: list[Mention]
    events: list[Event]


class Timeline(_Model):
    """The whole result of a build."""

    schema_version: str = SCHEMA_VERSION
    title: str
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    entries: list[Entry]
    manifest: list[ManifestEntry]
