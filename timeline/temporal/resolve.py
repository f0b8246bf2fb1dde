"""Pure resolution: (underspecified value, context) -> absolute TimeML value with honest precision.

No text, no regexes, no clock: everything comes in through ``Context``. The underspecified
forms are documented at the top of lang/en/rules.toml.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from timeline.models import Precision, TimeValue, TimexType

Tense = str  # "past" | "present" | "future" | "generic"

_SEASON_MONTHS = {"SP": (3, 6), "SU": (6, 9), "FA": (9, 12), "WI": (12, 15)}  # [start, end) months; WI runs into next year
_EDTF_SEASON = {"SP": "21", "SU": "22", "FA": "23", "WI": "24"}
_PART_OF_DAY = ("MO", "AF", "EV", "NI", "DT")


@dataclass(frozen=True)
class Context:
    """What a value may be resolved against. ``last_*`` hold the last mentioned dates (anaphora)."""

    dct: dt.date | None
    tense: Tense = "present"
    last_day: dt.date | None = None
    last_month: tuple[int, int] | None = None
    last_year: int | None = None
    last_quarter: tuple[int, int] | None = None  # (year, quarter) of the last mentioned quarter
    tense_forced: bool = False  # the tense comes from the phrase itself ("last March"), not the clause
    # How the phrase's own relative word picks the occurrence: "exclusive" = never the current one ("last
    # Wednesday" said on a Wednesday is a week ago, "next May" said in May is next year's), "this" = the one
    # in the current year ("this September"), "" = by tense alone.
    relative: str = ""


_REF = re.compile(r"^UNDEF-(REF|LAST)-(day|week|month|quarter|year|decade|century)([+-])(\d+(?:\.\d+)?|X)(@Q)?(.*)$")
_YEARLESS = re.compile(r"^UNDEF-year(?:@([+-]\d+))?-(.+)$")
# A quarter, half, month, day or season of that year ("L": the middle day of the month's last week).
_YEAR_QUARTER = re.compile(r"^-(?:Q[1-4]|H[12]|(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]|L))?|SP|SU|FA|WI)$")
_LAST_WEEK = re.compile(r"^(\d{4})-(\d\d)-L")
_WEEKDAY = re.compile(r"^UNDEF-weekday-([1-7])(.*)$")
_WEEKDAY_LAST = re.compile(r"^UNDEF-LAST-weekday-([1-7])([<>])(.*)$")
_TWO_DIGIT_YEAR = re.compile(r"^UNDEF-yy-(\d\d)(-(?:SP|SU|FA|WI|(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?))?$")
_QUARTER_OF_YEAR = re.compile(r"^UNDEF-quarter@(\d{4})$")
_HOLIDAY = re.compile(r"^UNDEF-holiday-([^@]+)(?:@(\d{4}))?$")
_DAY_SHIFT = re.compile(r"@D([+-]\d+)$")
_FULL_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_TIME_SUFFIX = re.compile(r"^T(?:(\d\d):(\d\d)|(MO|AF|EV|NI|DT))$")


# ------------------------------------------------------------------ calendar arithmetic
def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (n=-1: last) ISO weekday (1=Monday) of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


def holiday_date(spec: str, year: int) -> dt.date | None:
    """A named day in a year from its table spec: MM-DD, EASTER+n or NTH:month:weekday:n[+days]."""
    try:
        if spec.startswith("EASTER"):
            return easter(year) + dt.timedelta(days=int(spec[6:] or 0))
        if spec.startswith("NTH:"):
            _, month, weekday, n = spec.split(":")
            n, _, days = n.partition("+")  # NTH:11:1:1+1 = the day after the first Monday of November
            return nth_weekday(year, int(month), int(weekday), int(n)) + dt.timedelta(days=int(days or 0))
        month, day = spec.split("-")
        return dt.date(year, int(month), int(day))
    except ValueError:
        return None


# ------------------------------------------------------------------ value -> span, precision, EDTF
# How a TimeML value's shape tells its precision, finest first.
_PRECISION_SHAPES: tuple[tuple[re.Pattern[str], Precision], ...] = tuple((re.compile(p), prec) for p, prec in (
    (r"-?\d{4}-\d\d-\d\dT\d\d:\d\d.*", Precision.MINUTE),
    (r"-?\d{4}-\d\d-\d\d(T(MO|AF|EV|NI|DT))?", Precision.DAY),
    (r"\d{4}-W\d\d(-WE)?", Precision.WEEK),
    (r"-?\d{4}-\d\d", Precision.MONTH),
    (r"\d{4}-(SP|SU|FA|WI)", Precision.SEASON),
    (r"(FY)?\d{4}-Q[1-4]", Precision.QUARTER),
    (r"\d{4}-H[12]", Precision.HALF),
    (r"-?\d{4}|FY\d{4}", Precision.YEAR),
    (r"\d{3}", Precision.DECADE),
    (r"\d{2}", Precision.CENTURY),
))


def precision_of(value: str) -> Precision | None:
    return next((prec for shape, prec in _PRECISION_SHAPES if shape.fullmatch(value)), None)


def span_of(value: str) -> tuple[dt.date, dt.date] | None:
    """The calendar days [start, end) a DATE/TIME value covers; None if not placeable (or outside 1..9999)."""
    try:
        return _span_of(value)
    except (ValueError, OverflowError):
        return None


def _span_of(value: str) -> tuple[dt.date, dt.date] | None:
    if value.startswith("-"):
        return None  # before 1 AD: kept as a value, not placed on a calendar
    core = value.split("T")[0]
    if m := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", core):
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return day, day + dt.timedelta(days=1)
    if m := re.fullmatch(r"(\d{4})-W(\d\d)(-WE)?", core):
        monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m[3]:
            return monday + dt.timedelta(days=5), monday + dt.timedelta(days=7)
        return monday, monday + dt.timedelta(days=7)
    if m := re.fullmatch(r"(\d{4})-(\d\d)", core):
        y, mo = int(m[1]), int(m[2])
        ny, nm = add_months(y, mo, 1)
        return dt.date(y, mo, 1), dt.date(ny, nm, 1)
    if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", core):
        y = int(m[1])
        a, b = _SEASON_MONTHS[m[2]]
        sy, sm = add_months(y, a, 0)
        ey, em = add_months(y, 1, b - 1)
        return dt.date(sy, sm, 1), dt.date(ey, em, 1)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", core):
        y, q = int(m[1]), int(m[2])
        ey, em = add_months(y, 3 * q - 2, 3)
        return dt.date(y, 3 * q - 2, 1), dt.date(ey, em, 1)
    if m := re.fullmatch(r"(\d{4})-H([12])", core):
        y, h = int(m[1]), int(m[2])
        return dt.date(y, 6 * h - 5, 1), (dt.date(y, 7, 1) if h == 1 else dt.date(y + 1, 1, 1))
    if m := re.fullmatch(r"(\d{4})", core):
        y = int(m[1])
        return dt.date(y, 1, 1), (dt.date(y + 1, 1, 1) if y < 9999 else dt.date(9999, 12, 31))
    if m := re.fullmatch(r"(\d{3})", core):
        d = int(m[1]) * 10
        return (dt.date(max(d, 1), 1, 1), dt.date(d + 10, 1, 1)) if d + 10 <= 9999 else None
    if m := re.fullmatch(r"(\d{2})", core):
        c = int(m[1]) * 100
        return (dt.date(max(c, 1), 1, 1), dt.date(c + 100, 1, 1)) if c + 100 <= 9999 else None
    return None


_EDTF_TIME = re.compile(r"(-?\d{4}-\d\d-\d\d)T(\d\d):(\d\d)(?::(\d\d))?(?:[.,]\d+)?(Z|[+-]\d\d(?::?\d\d)?)?")
_EDTF_RECURRING = re.compile(r"XXXX-(\d\d)(?:-(\d\d))?")


def _edtf_zone(zone: str | None) -> str | None:
    """A UTC offset as EDTF writes it: ``Z`` for zero, ``+03:00``; None for one EDTF cannot hold (beyond 14:00)."""
    if not zone or zone == "Z":
        return zone or ""
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours == minutes == 0:
        return "Z"
    if minutes > 59 or hours > 14 or (hours == 14 and minutes):
        return None
    return f"{zone[0]}{hours:02d}:{minutes:02d}"


def _approx_months(span: tuple[dt.date, dt.date] | None) -> str | None:
    """An approximate season/quarter/half as the interval of its months (EDTF cannot qualify 2025-33)."""
    if span is None:
        return None
    last = span[1] - dt.timedelta(days=1)
    return f"{span[0].year:04d}-{span[0].month:02d}~/{last.year:04d}-{last.month:02d}~"


def recurring_edtf(value: str) -> str | None:
    """``XXXX-05-09`` (every 9 May) is EDTF with an unspecified year; the day must exist in some year."""
    m = _EDTF_RECURRING.fullmatch(value)
    if not m or not 1 <= int(m[1]) <= 12:
        return None
    if m[2] is not None and not 1 <= int(m[2]) <= (29 if m[1] == "02" else 30 if m[1] in ("04", "06", "09", "11") else 31):
        return None
    return value


def edtf_of(value: str, precision: Precision | None, mod: str | None) -> str | None:
    """EDTF (ISO 8601-2) form that the ``edtf`` package accepts: seasons 21-24, quarters 33-36,
    halves 40-41, decades 199X, times with seconds, approximate as ~; None when EDTF has no form
    (fiscal periods). EDTF cannot qualify a time or a sub-year grouping: an approximate time is
    written as its day, an approximate season/quarter/half as the approximate interval of its months."""
    approx = mod == "APPROX"
    if precision is None or value.startswith("FY"):
        return None
    if precision == Precision.MINUTE:
        m = _EDTF_TIME.fullmatch(value)
        if not m:
            return None
        if approx:
            return m[1]  # the day is known; EDTF has no mark for an approximate clock time
        zone = _edtf_zone(m[5])
        if zone is None or int(m[2]) > 23 or int(m[3]) > 59 or int(m[4] or 0) > 59:
            return m[1]
        return f"{m[1]}T{m[2]}:{m[3]}:{m[4] or '00'}{zone}"
    if precision == Precision.WEEK:
        span = span_of(value)
        if span is None:
            return None
        mark = "~" if approx else ""
        return f"{span[0].isoformat()}{mark}/{(span[1] - dt.timedelta(days=1)).isoformat()}{mark}"
    if precision in (Precision.SEASON, Precision.QUARTER, Precision.HALF):
        if approx:
            return _approx_months(span_of(value))
        if precision == Precision.SEASON:
            return value[:5] + _EDTF_SEASON[value[5:]]
        if precision == Precision.QUARTER:
            return value[:5] + str(32 + int(value[-1]))
        return value[:5] + str(39 + int(value[-1]))
    if precision == Precision.DECADE:
        text = value + "X"
    elif precision == Precision.CENTURY:
        text = value + "XX"
    elif precision == Precision.DAY:
        text = value[:10]
    else:
        text = value
    return text + "~" if approx else text


def make_value(value: str, timex_type: TimexType, mod: str | None = None, instant: dt.datetime | None = None) -> TimeValue:
    """Build a TimeValue with span, precision and EDTF derived from the value string."""
    mod = mod or None
    if timex_type in (TimexType.DURATION, TimexType.SET) or value.endswith("_REF") or value.startswith("X"):
        return TimeValue(value=value, type=timex_type, mod=mod, edtf=recurring_edtf(value))
    precision = precision_of(value)
    span = span_of(value) if precision else None
    return TimeValue(
        value=value, type=timex_type, precision=precision, mod=mod,
        start=span[0] if span else None, end=span[1] if span else None,
        instant=instant, edtf=edtf_of(value, precision, mod),
    )


# ------------------------------------------------------------------ choosing years and weekdays by tense
def pick_year(dct: dt.date, month: int, day: int, tense: Tense) -> int:
    """The year of a year-less month(/day): past -> on or before the article date, future -> on or after."""
    here = (dct.month, dct.day)
    there = (month, day)
    if tense == "past":
        return dct.year if there <= here else dct.year - 1
    if tense == "future":
        return dct.year if there >= here else dct.year + 1
    # present/unknown: the nearest occurrence
    candidates = [y for y in (dct.year - 1, dct.year, dct.year + 1) if dt.MINYEAR <= y <= dt.MAXYEAR]
    return min(candidates, key=lambda y: (abs((_safe_date(y, month, day) - dct).days), -y))


def _safe_date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def pick_weekday(dct: dt.date, weekday: int, tense: Tense, exclusive: bool = False) -> dt.date:
    """Past -> the most recent such weekday (today included unless ``exclusive``), future -> the next one,
    else the nearest."""
    back = (dct.isoweekday() - weekday) % 7 or (7 if exclusive else 0)
    ahead = (weekday - dct.isoweekday()) % 7 or (7 if exclusive else 0)
    if tense == "past":
        return dct - dt.timedelta(days=back)
    if tense == "future":
        return dct + dt.timedelta(days=ahead)
    return dct - dt.timedelta(days=back) if back <= ahead else dct + dt.timedelta(days=ahead)


def shift(base: dt.date, unit: str, n: int) -> str:
    """``base`` moved by n units, written at that unit's precision."""
    if unit == "day":
        return (base + dt.timedelta(days=n)).isoformat()
    if unit == "week":
        y, w, _ = (base + dt.timedelta(weeks=n)).isocalendar()
        return f"{y:04d}-W{w:02d}"
    if unit == "month":
        y, m = add_months(base.year, base.month, n)
        return f"{y:04d}-{m:02d}"
    if unit == "quarter":
        y, m = add_months(base.year, (base.month - 1) // 3 * 3 + 1, 3 * n)
        return f"{y:04d}-Q{(m - 1) // 3 + 1}"
    if unit == "year":
        return f"{base.year + n:04d}"
    if unit == "decade":
        return f"{base.year // 10 + n:03d}"
    return f"{base.year // 100 + n:02d}"  # century


def _anchor_for(kind: str, unit: str, ctx: Context) -> dt.date | None:
    if kind == "REF":
        return ctx.dct
    if unit == "quarter":
        if ctx.last_quarter:
            return dt.date(ctx.last_quarter[0], 3 * ctx.last_quarter[1] - 2, 1)
        if ctx.dct is None:
            return None
        # No quarter mentioned yet: "the quarter" of a news report is the latest one that has ended.
        y, m = add_months(ctx.dct.year, ctx.dct.month, -3)
        return dt.date(y, m, 1)
    if unit in ("day", "week"):
        return ctx.last_day or ctx.dct
    if unit in ("month", "quarter"):
        if ctx.last_month:
            return dt.date(ctx.last_month[0], ctx.last_month[1], 1)
        return ctx.last_day or ctx.dct
    if ctx.last_year is not None:
        return dt.date(ctx.last_year, 1, 1)
    return ctx.last_day or ctx.dct


def _resolve_date_part(value: str, ctx: Context) -> tuple[str | None, str]:
    """Resolve the date part of an underspecified value; returns (date value or None, rest such as 'T17:00')."""
    if m := _REF.match(value):
        kind, unit, sign, amount, by_quarter, rest = m.groups()
        if by_quarter and ctx.last_quarter and unit == "year" and amount.isdigit():
            # "a year ago" in a report about a quarter: the same quarter a year before (TimeBank).
            n = int(amount) * (-1 if sign == "-" else 1)
            return f"{ctx.last_quarter[0] + n:04d}-Q{ctx.last_quarter[1]}", rest
        anchor = _anchor_for(kind, unit, ctx)
        if anchor is None:
            return None, rest
        if amount == "X":
            return ("PAST_REF" if sign == "-" else "FUTURE_REF"), ""
        n = int(float(amount)) * (-1 if sign == "-" else 1)
        if rest == "-WE":
            return shift(anchor, "week", n) + "-WE", ""
        if unit == "year" and _YEAR_QUARTER.match(rest):  # "next year's first quarter", "February this year"
            return shift(anchor, unit, n) + rest, ""
        return shift(anchor, unit, n), rest
    if m := _WEEKDAY_LAST.match(value):
        # "the previous Friday", "the following Monday": that weekday before/after the last mentioned day.
        base = ctx.last_day or ctx.dct
        if base is None:
            return None, m[3]
        return pick_weekday(base, int(m[1]), "past" if m[2] == "<" else "future", exclusive=True).isoformat(), m[3]
    if m := _WEEKDAY.match(value):
        if ctx.dct is None:
            return None, m[2]
        day = pick_weekday(ctx.dct, int(m[1]), ctx.tense, ctx.relative == "exclusive")
        if m[2] == "-WE":  # "the weekend": the week of that Saturday
            y, w, _ = day.isocalendar()
            return f"{y:04d}-W{w:02d}-WE", ""
        return day.isoformat(), m[2]
    if m := _TWO_DIGIT_YEAR.match(value):
        # "in '91": the year ending in those digits that lies within 89 years before and 10 after the article's.
        if ctx.dct is None:
            return None, ""
        low = ctx.dct.year - 89
        year = low + (int(m[1]) - low) % 100
        return f"{year:04d}{m[2] or ''}", ""
    if m := _QUARTER_OF_YEAR.match(value):
        # "the 1988 period" in an earnings report: the quarter being reported, in that year.
        return (f"{m[1]}-Q{ctx.last_quarter[1]}" if ctx.last_quarter else m[1]), ""
    if m := _HOLIDAY.match(value):
        spec, year = m.groups()
        if year:
            day = holiday_date(spec, int(year))
            return (day.isoformat() if day else None), ""
        if ctx.tense == "generic" and not spec.startswith(("EASTER", "NTH")):
            return f"XXXX-{spec}", ""
        if ctx.dct is None:
            return None, ""
        return _pick_holiday(spec, ctx), ""
    if m := _YEARLESS.match(value):
        years, rest = int(m[1] or 0), m[2]
        date_part, _, suffix = rest.partition("T")
        suffix = "T" + suffix if suffix else ""
        if ctx.tense == "generic" and re.fullmatch(r"\d\d-\d\d", date_part):
            return f"XXXX-{date_part}", suffix
        if ctx.dct is None:
            return None, suffix
        picked = _pick_yearless(date_part, ctx)
        if years and picked and picked[:4].isdigit() and len(picked) < 10:  # "the year-ago third quarter": that quarter, N years away
            picked = f"{int(picked[:4]) + years:04d}{picked[4:]}"
        return picked, suffix
    return value, ""


NEAR_DAYS = 14  # a named day this close to the article date is that occurrence, whatever the tense


def _pick_holiday(spec: str, ctx: Context) -> str | None:
    assert ctx.dct is not None
    options = [d for y in (ctx.dct.year - 1, ctx.dct.year, ctx.dct.year + 1) if (d := holiday_date(spec, y))]
    near = [d for d in options if abs((d - ctx.dct).days) <= NEAR_DAYS]
    if near:
        return near[0].isoformat()
    if ctx.tense == "past":
        options = [d for d in options if d <= ctx.dct] or options
        return max(options).isoformat()
    if ctx.tense == "future":
        options = [d for d in options if d >= ctx.dct] or options
        return min(options).isoformat()
    return min(options, key=lambda d: abs((d - ctx.dct).days)).isoformat()


# A written month and day this close to the article date is that occurrence whatever the tense:
# news dates events in the coming weeks in past-tense sentences ("declared a dividend payable Dec. 15").
MONTH_DAY_NEAR_DAYS = 60
MONTH_NEAR = 1  # months


def _near_year(dct: dt.date, month: int, day: int, near: int = NEAR_DAYS) -> int | None:
    """The year whose month/day lies within ``near`` days of the article date, if any ("the May 9 parade")."""
    for year in (dct.year, dct.year - 1, dct.year + 1):
        try:
            if abs((dt.date(year, month, day) - dct).days) <= near:
                return year
        except ValueError:
            return None
    return None


def _pick_yearless(part: str, ctx: Context) -> str | None:
    assert ctx.dct is not None
    if m := re.fullmatch(r"(\d\d)-(\d\d)", part):
        month, day = int(m[1]), int(m[2])
        year = (None if ctx.tense_forced else _near_year(ctx.dct, month, day, MONTH_DAY_NEAR_DAYS)) \
            or pick_year(ctx.dct, month, day, ctx.tense)
        return f"{year:04d}-{month:02d}-{day:02d}"
    if m := re.fullmatch(r"(\d\d)-L", part):  # the last week of a month: that month's year, then its day
        month_value = _pick_yearless(m[1], ctx)
        return month_value and month_value + "-L"
    if m := re.fullmatch(r"(\d\d)", part):
        month = int(m[1])
        # A month next to the article's month is that one whatever the tense ("in February" in January).
        near = [y for y in (ctx.dct.year, ctx.dct.year - 1, ctx.dct.year + 1)
                if not ctx.tense_forced and abs((y * 12 + month) - (ctx.dct.year * 12 + ctx.dct.month)) <= MONTH_NEAR]
        if ctx.relative == "this":
            return f"{ctx.dct.year:04d}-{month:02d}"
        if ctx.relative == "exclusive" and month == ctx.dct.month:  # "last May" said in May: a year ago
            return f"{ctx.dct.year + (1 if ctx.tense == 'future' else -1):04d}-{month:02d}"
        # "last February" said in March: the month just gone would be "last month", so the one a year before.
        # Not across a new year: "last December" said in January is the December just gone.
        if ctx.relative == "exclusive" and ctx.tense == "past" and month == ctx.dct.month - 1:
            return f"{ctx.dct.year - 1:04d}-{month:02d}"
        year = near[0] if near else pick_year(ctx.dct, month, 15 if month != ctx.dct.month else ctx.dct.day, ctx.tense)
        return f"{year:04d}-{month:02d}"
    if part in _SEASON_MONTHS:
        start, _ = _SEASON_MONTHS[part]
        if ctx.relative == "this":  # "this winter" in January is the one that began in December
            return f"{ctx.dct.year - (1 if part == 'WI' and ctx.dct.month < 3 else 0):04d}-{part}"
        return f"{pick_year(ctx.dct, (start - 1) % 12 + 1, 21, ctx.tense):04d}-{part}"
    if m := re.fullmatch(r"H([12])", part):
        # As with quarters: the latest half that has begun ("the first half" in August is this year's).
        h = int(m[1])
        year = ctx.dct.year if ctx.dct.month >= 6 * h - 5 or ctx.tense == "future" else ctx.dct.year - 1
        return f"{year:04d}-H{h}"
    if m := re.fullmatch(r"Q([1-4])", part):
        # News reports a quarter once it has begun: the latest quarter q that started on or before the
        # article date ("fourth-quarter charge" in November is this year's, in January last year's).
        q = int(m[1])
        started = (3 * q - 2, 1) <= (ctx.dct.month, ctx.dct.day)
        year = ctx.dct.year if started or ctx.tense == "future" else ctx.dct.year - 1
        return f"{year:04d}-Q{q}"
    return None


def _apply_time(date_value: str, rest: str, zone: str | None) -> tuple[str, dt.datetime | None] | None:
    """Attach a time of day (or part of day) to a day value; midnight (24:00) is the start of the next day."""
    m = _TIME_SUFFIX.match(rest)
    if not m or not re.fullmatch(r"\d{4}-\d\d-\d\d", date_value):
        return None
    if m[3]:
        return f"{date_value}T{m[3]}", None
    day = dt.date.fromisoformat(date_value)
    hour, minute = int(m[1]), int(m[2])
    if hour == 24:
        day, hour = day + dt.timedelta(days=1), 0
    if zone is None:
        return f"{day.isoformat()}T{hour:02d}:{minute:02d}", None
    if fixed := _FIXED_OFFSET.fullmatch(zone):  # a written offset ("GMT+8"): that offset, whatever the date
        sign = -1 if fixed[1] == "-" else 1
        tz: dt.tzinfo = dt.timezone(sign * dt.timedelta(hours=int(fixed[2]), minutes=int(fixed[3])))
    else:
        tz = ZoneInfo(zone)
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    if zone in _UTC_ZONES:  # ISO 8601 writes UTC as Z (as MEANTIME does)
        return f"{day.isoformat()}T{hour:02d}:{minute:02d}Z", local
    offset = local.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    total = abs(int(offset.total_seconds())) // 60
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}{sign}{total // 60:02d}:{total % 60:02d}", local


_FIXED_OFFSET = re.compile(r"([+-])(\d\d):(\d\d)")
_UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "Z"})


# Duration units -> (ISO 8601 designator, is a time unit, the next smaller unit and how many of it make one).
# Decades and centuries are written in years (P10Y, P100Y): ISO 8601 has no such designators.
_DURATION_UNITS: dict[str, tuple[str, bool, str | None, int]] = {
    "CE": ("Y", False, None, 0), "DE": ("Y", False, None, 0), "Y": ("Y", False, "M", 12),
    "Q": ("Q", False, "M", 3), "M": ("M", False, "D", 30), "W": ("W", False, "D", 7),
    "D": ("D", False, "H", 24), "H": ("H", True, "MIN", 60), "MIN": ("M", True, "S", 60), "S": ("S", True, None, 0),
}
_YEARS_PER = {"DE": 10, "CE": 100}
_DURATION_SIMPLE = re.compile(r"^P(X|\d+(?:\.\d+)?)(CE|DE|MIN|[YQMWDHS])$")


def normalize_duration(value: str) -> str:
    """``P{amount}{unit}`` as a rule writes it -> an ISO 8601 / TimeML duration.

    Hours and minutes go after T (PT5H); decades and centuries become years (P2DE -> P20Y, PXDE -> PXY);
    a fractional amount is carried into the next smaller unit when that is exact (P2.5Y -> P2Y6M,
    PT5.5H -> PT5H30M, P1.5W -> P10DT12H), else kept as an ISO decimal fraction.
    """
    m = _DURATION_SIMPLE.match(value)
    if not m:
        return value
    amount, unit = m.groups()
    if amount != "X" and unit in _YEARS_PER:
        amount, unit = _number_text(float(amount) * _YEARS_PER[unit]), "Y"
    return "P" + _duration_parts(amount, unit)


def _duration_parts(amount: str, unit: str) -> str:
    designator, is_time, smaller, per = _DURATION_UNITS[unit]
    whole, _, fraction = amount.partition(".")
    if fraction and smaller and float("0." + fraction) * per == int(float("0." + fraction) * per):
        rest_part = _duration_parts(str(int(float("0." + fraction) * per)), smaller)
        if not int(whole):
            return rest_part
        unit_part = _unit_part(whole, designator, is_time)
        return unit_part + (rest_part[1:] if is_time else rest_part)  # one T for the time part: PT5H30M
    return _unit_part(amount, designator, is_time)


def _unit_part(amount: str, designator: str, is_time: bool) -> str:
    return ("T" if is_time else "") + amount + designator


def _number_text(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


def _from_day(base: str, timex_type: TimexType, ctx: Context, mod: str | None, zone: str | None,
              derive: Callable[[dt.date], str], day_mod: str | None) -> TimeValue | None:
    """Resolve `base` to a day, then derive the value from that day; anything coarser than a day passes as is."""
    day = resolve(base, timex_type, ctx, day_mod, zone)
    if day is None or not _FULL_DAY.fullmatch(day.value):
        return day
    return make_value(derive(dt.date.fromisoformat(day.value)), timex_type, mod)


_BEYOND_YEAR_9999 = re.compile(r"-?\d{5}")


def resolve(value: str, timex_type: TimexType, ctx: Context, mod: str | None = None, zone: str | None = None) -> TimeValue | None:
    """Resolve one underspecified value. None when it cannot be resolved (e.g. no article date) or the result
    cannot be written: "tomorrow" said on 9999-12-31, "yesterday" on 0001-01-01, "next year" in 9999."""
    try:
        resolved = _resolve(value, timex_type, ctx, mod, zone)
    except (OverflowError, ValueError):  # the calendar ends at 0001-01-01 and 9999-12-31
        return None
    if resolved is not None and _BEYOND_YEAR_9999.match(resolved.value):
        return None
    return resolved


def _resolve(value: str, timex_type: TimexType, ctx: Context, mod: str | None = None, zone: str | None = None) -> TimeValue | None:
    if timex_type == TimexType.DURATION or (timex_type == TimexType.SET and value.startswith("P")):
        return make_value(normalize_duration(value), timex_type, mod)
    if m := _DAY_SHIFT.search(value):  # "the day before last Tuesday": that day moved by N days
        return _from_day(value[:m.start()], timex_type, ctx, mod, zone,
                         lambda day: (day + dt.timedelta(days=int(m[1]))).isoformat(), mod)
    if value.endswith("@W"):  # "the week of March 6": the ISO week holding that day
        return _from_day(value[:-2], timex_type, ctx, mod, zone,
                         lambda day: "{:04d}-W{:02d}".format(*day.isocalendar()[:2]), None)
    if not value.startswith("UNDEF"):
        return _finish(_last_week_day(value), "", timex_type, mod, zone)
    date_value, rest = _resolve_date_part(value, ctx)
    if date_value is None:
        return None
    return _finish(_last_week_day(date_value), rest, timex_type, mod, zone)


def _last_week_day(value: str) -> str:
    """``2012-03-L`` -> the middle day of March 2012's last seven days (2012-03-28)."""
    if m := _LAST_WEEK.match(value):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return f"{m[1]}-{m[2]}-{calendar.monthrange(year, month)[1] - 3:02d}" + value[m.end():]
    return value


def _finish(date_value: str, rest: str, timex_type: TimexType, mod: str | None, zone: str | None) -> TimeValue | None:
    if not rest and re.match(r"\d{4}-\d\d-\d\dT", date_value):
        date_value, _, time_part = date_value.partition("T")
        rest = "T" + time_part
    if rest:
        timed = _apply_time(date_value, rest, zone) if not date_value.startswith("XXXX") else (date_value + rest, None)
        if timed is None:
            return make_value(date_value, TimexType.DATE, mod)
        value, instant = timed
        return make_value(value, timex_type if instant or "T" in value else TimexType.DATE, mod, instant)
    return make_value(date_value, TimexType.DATE if timex_type == TimexType.TIME else timex_type, mod)
