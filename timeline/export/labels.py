"""Human labels for dates, precisions and statuses in one language (words from lang/<lang>/display.toml).

A ``Labels`` is loaded once per export and passed to each writer; its methods state no more than
is known ("September 2025", "week 19 of 2025", "night of Wednesday 7 May 2025") and never depend
on the machine's locale, so the same timeline gives the same bytes everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from timeline.errors import RuleError
from timeline.export.common import COARSE, TIMED, format_offset, is_timed, one_line, span_end
from timeline.lang import read_toml
from timeline.models import Confidence, Entry, EventStatus, Precision, TimeValue, TimexType

_DURATION = re.compile(r"P(?:(\d+|X)Y)?(?:(\d+|X)M)?(?:(\d+|X)W)?(?:(\d+|X)D)?(?:T(?:(\d+|X)H)?(?:(\d+|X)M)?(?:(\d+|X)S)?)?")
_DURATION_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")  # the groups of _DURATION, in order


@dataclass(frozen=True)
class Labels:
    months: tuple[str, ...]
    weekdays: tuple[str, ...]
    quarter_ordinals: tuple[str, ...]
    halves: tuple[str, ...]
    plural_suffix: str
    precision: dict[Precision, str]
    status: dict[EventStatus, str]
    mod: dict[str, str]
    season: dict[str, str]
    part_of_day: dict[str, str]
    units: dict[str, str]
    phrases: dict[str, str]
    confidence: dict[Confidence, str]
    confidence_mark: dict[Confidence, str]
    # labels already written, by value: each entry's date is named by every format, several times
    _said: dict[TimeValue, str] = field(default_factory=dict, compare=False, repr=False)

    def phrase(self, key: str, /, **slots: object) -> str:
        return self.phrases[key].format(**slots)

    def plural(self, n: int, word: str, many: str | None = None) -> str:
        """``1 source``, ``4 sources``; ``many`` for irregular plurals (``entry``/``entries``)."""
        return f"{n} {word}" if n == 1 else f"{n} {many or word + self.plural_suffix}"

    def date(self, d: dt.date, weekday: bool = True) -> str:
        """``Thursday 8 May 2025`` (no locale: the same bytes on every machine)."""
        text = f"{d.day} {self.months[d.month - 1]} {d.year}"
        return f"{self.weekdays[d.weekday()]} {text}" if weekday else text

    def precision_label(self, tv_or_precision: TimeValue | Precision | None) -> str:
        if isinstance(tv_or_precision, TimeValue):
            if tv_or_precision.start is None:  # not a point in time at all
                name = {TimexType.DURATION: "duration", TimexType.SET: "repeating"}.get(tv_or_precision.type, "not anchored")
                return self.phrase(name.replace(" ", "_"))
            p = tv_or_precision.shown_precision
        elif tv_or_precision is None:
            return self.phrase("unknown_precision")
        else:
            p = Precision(tv_or_precision)
        return self.precision[p]

    def when(self, tv: TimeValue) -> str:
        """Human label that states no more than is known.

        ``Thursday 8 May 2025`` (day), ``night of Wednesday 7 May 2025`` (TimeML's TNI), ``September 2025``
        (month), ``2030`` (year), ``week 19 of 2025``, ``7 May 2025, 17:00 UTC−04:00`` (a clock time, in the
        offset the source gave); TimeML mods are spelled out (``about``, ``early``, ``late`` ...).
        Unanchored values (durations) fall back to their TimeML value.
        """
        said = self._said.get(tv)
        if said is None:
            said = self._said[tv] = self._when(tv)
        return said

    def _when(self, tv: TimeValue) -> str:
        p = tv.shown_precision
        if is_timed(tv):
            t = tv.instant
            assert t is not None
            label = f"{self.date(t.date(), weekday=False)}, {t:%H:%M} {format_offset(t.utcoffset())}"
        elif p in TIMED and tv.start is not None:
            m = re.search(r"T(\d{2}):?(\d{2})?", tv.value or "")
            clock = f", {m.group(1)}:{m.group(2) or '00'} {self.phrase('local_time')}" if m else ""
            label = f"{self.date(tv.start, weekday=False)}{clock}"
        elif tv.start is None:
            label = self.duration(tv.value) if tv.type == TimexType.DURATION else self._recurring_or_raw(tv.value)
        elif p in COARSE:
            label = self._coarse(tv, p)
        else:
            label = self.date(tv.start)
            part = self.part_of_day.get((tv.value or "")[-3:])
            if part:  # "overnight" = 2025-05-07TNI: the night of that day, still a day on the timeline
                label = self.phrase("part_of_day", part=part, date=label)
        return self.mod.get((tv.mod or "").upper(), "") + label

    def duration(self, value: str | None) -> str:
        """``P4D`` -> ``4 days``, ``P1Y6M`` -> ``1 year 6 months``, ``PT3H`` -> ``3 hours``; other values unchanged."""
        m = _DURATION.fullmatch(value or "")
        if not m or not any(m.groups()):
            return value or self.phrase("undated")
        parts = []
        for amount, unit in zip(m.groups(), _DURATION_UNITS):
            word = self.units[unit]
            if amount == "X":
                parts.append(self.phrase("some_units", units=word + self.plural_suffix))
            elif amount is not None:
                parts.append(self.plural(int(amount), word))
        return " ".join(parts)

    def period(self, start: dt.date | None, end: dt.date | None) -> str:
        """The period a timeline covers, e.g. ``7 May 2025 – 30 September 2030``."""
        if start is None and end is None:
            return self.phrase("no_dated_entries")
        if start is None or end is None or start == end:
            return self.date(start or end, weekday=False)  # type: ignore[arg-type]
        return f"{self.date(start, weekday=False)} \u2013 {self.date(end, weekday=False)}"

    def conflict_summary(self, entry: Entry) -> str:
        """``Sources disagree: 2025-05-07 (4 sources) vs 2025-05-08 (1 source)``; '' without a conflict."""
        if entry.conflict is None:
            return ""
        claims = sorted(entry.conflict.claims, key=lambda c: (-len(c.article_ids), c.value))
        parts = [f"{one_line(c.value)} ({self.plural(len(c.article_ids), self.phrase('source'))})" for c in claims]
        return self.phrase("sources_disagree") + self.phrase("versus").join(parts)

    def _coarse(self, tv: TimeValue, p: Precision) -> str:
        start = tv.start
        value = tv.value or ""
        if start is None:
            return value
        if p == Precision.WEEK:
            iso = start.isocalendar()
            return self.phrase("week", week=iso.week, year=iso.year)
        if p == Precision.MONTH:
            return self.phrase("month", month=self.months[start.month - 1], year=start.year)
        if p == Precision.SEASON:
            m = re.search(r"-(SP|SU|FA|AU|WI)$", value)
            return self.phrase("season", season=self.season[m.group(1)] if m else self.phrase("season_word"), year=start.year)
        if p == Precision.QUARTER:
            return self.phrase("quarter", ordinal=self.quarter_ordinals[(start.month - 1) // 3], year=start.year)
        if p == Precision.HALF:
            return self.phrase("half", half=self.halves[0 if start.month <= 6 else 1], year=start.year)
        if p == Precision.YEAR:
            return str(start.year)
        if p == Precision.DECADE:
            return self.phrase("decade", decade=start.year - start.year % 10)
        last = span_end(tv) - dt.timedelta(days=1)
        return f"{start.year}\u2013{last.year}"  # century, millennium: the years spelled out

    def _recurring_or_raw(self, value: str | None) -> str:
        """ "XXXX-05-09" -> "every year on 9 May"; other values as they are."""
        m = re.fullmatch(r"XXXX-(\d\d)-(\d\d)", value or "")
        if m and 1 <= int(m.group(1)) <= 12:
            return self.phrase("every_year_on", day=int(m.group(2)), month=self.months[int(m.group(1)) - 1])
        m = re.fullmatch(r"XXXX-(\d\d)", value or "")
        if m and 1 <= int(m.group(1)) <= 12:
            return self.phrase("every_year_in", month=self.months[int(m.group(1)) - 1])
        return value or self.phrase("undated")


def load_labels(lang: str = "en") -> Labels:
    """The display words of one language, checked (a missing word names the file and the table)."""
    data = read_toml(lang, "display.toml")
    where = f"timeline/lang/{lang}/display.toml"
    try:
        labels = Labels(
            months=tuple(data["months"]), weekdays=tuple(data["weekdays"]),
            quarter_ordinals=tuple(data["quarter_ordinals"]), halves=tuple(data["halves"]),
            plural_suffix=data["plural_suffix"],
            precision={Precision(k): v for k, v in data["precision"].items()},
            status={EventStatus(k): v for k, v in data["status"].items()},
            mod=dict(data["mod"]), season=dict(data["season"]), part_of_day=dict(data["part_of_day"]),
            units=dict(data["units"]), phrases=dict(data["phrases"]),
            confidence={Confidence(k): v for k, v in data["confidence"].items()},
            confidence_mark={Confidence(k): v for k, v in data["confidence_mark"].items()},
        )
    except (KeyError, ValueError) as exc:
        raise RuleError(f"{where}: missing or unknown entry {exc}") from exc
    if (len(labels.months), len(labels.weekdays), len(labels.quarter_ordinals), len(labels.halves)) != (12, 7, 4, 2):
        raise RuleError(f"{where}: months, weekdays, quarter_ordinals and halves need 12, 7, 4 and 2 words")
    if set(labels.precision) != set(Precision) or set(labels.status) != set(EventStatus):
        raise RuleError(f"{where}: [precision] and [status] must name every precision and status")
    if set(labels.confidence) != set(Confidence) or set(labels.confidence_mark) != set(Confidence):
        raise RuleError(f"{where}: [confidence] and [confidence_mark] must name every way a date is found")
    return labels
