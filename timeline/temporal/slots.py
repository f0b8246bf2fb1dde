"""Fill a rule's value template ("UNDEF-year-{month}-{day|02}") from a regex match.

A slot {group} takes the group's table value when the group came from a table macro (or a
table of the same name has the word), else its text. {group|table} looks the text up in a
table; {group|name} with a built-in name computes something a table cannot hold.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeline.temporal.compile import Rule, Rules

SLOT = re.compile(r"\{(\w+)(?:\|(\w+))?\}")
# Slots computed from several groups at once rather than read from one group.
COMPUTED_SLOTS = frozenset({"clock"})


def fill(template: str, m: re.Match[str], rule: Rule, rules: Rules) -> str:
    return SLOT.sub(lambda s: _slot(s.group(1), s.group(2), m, rule, rules), template)


def _slot(slot: str, flt: str | None, m: re.Match[str], rule: Rule, rules: Rules) -> str:
    if slot == "clock":
        return clock(m)
    text = m.group(slot) or ""
    if flt is None:
        table = rules.tables.get(rule.group_tables.get(slot, slot))
        if table is None:
            return text
        return table.get(text) or ("" if slot in rule.group_tables else text)
    if flt in BUILTINS:
        return BUILTINS[flt](text, m, rules)
    return rules.tables[flt].get(text) or "" if text else ""


def clock(m: re.Match[str]) -> str:
    """HH:MM from the clock groups of a match; midnight is 24:00 (the end of the day it is said of)."""
    groups = m.groupdict()
    if groups.get("noon"):
        return "12:00"
    if groups.get("midnight"):
        return "24:00"
    if groups.get("hour24"):
        return f"{int(groups['hour24']):02d}:{groups.get('minute24') or '00'}"
    hour = int(groups.get("hour") or 0)
    pm = (groups.get("ampm") or "").lower().startswith("p")
    if pm and hour != 12:
        hour += 12
    elif not pm and hour == 12:
        hour = 0
    return f"{hour:02d}:{groups.get('minute') or '00'}"


def _number(text: str, rules: Rules) -> int | None:
    if text.isdigit():
        return int(text)
    value = rules.tables["number"].get(text) or rules.tables["ordinal"].get(text) or rules.tables["centuryordinal"].get(text)
    return int(value) if value and value.isdigit() else None


def _pad2(text: str, m: re.Match[str], rules: Rules) -> str:
    n = _number(text, rules)
    return f"{n:02d}" if n is not None else text


def _year2(text: str, m: re.Match[str], rules: Rules) -> str:
    if len(text) == 2 and text.isdigit():
        return ("20" if int(text) < 50 else "19") + text
    return text


def _century(text: str, m: re.Match[str], rules: Rules) -> str:
    n = _number(text, rules)
    return f"{n - 1:02d}" if n else ""


def _era(text: str, m: re.Match[str], rules: Rules) -> str:
    year = int(text)
    if (m.groupdict().get("era") or "").upper().startswith("B"):
        return f"-{year - 1:04d}" if year > 1 else "0000"  # astronomical year numbering: 1 BC = 0000
    return f"{year:04d}"


def _one(text: str, m: re.Match[str], rules: Rules) -> str:
    n = _number(text, rules) if text else 1
    return str(n) if n is not None else "X"


def _orundef(text: str, m: re.Match[str], rules: Rules) -> str:
    return text or "UNDEF-year"


# The built-in filters: {group|name} with one of these names computes rather than looks up.
def _yearref(text: str, m: re.Match[str], rules: Rules) -> str:
    """The year of a %{yearref} match: the written year, or the article's year moved ("UNDEF-REF-year+1")."""
    if text:
        return rules.tables["year"].get(text) or text if "year" in rules.tables else text
    rel = m.groupdict().get("yrel") or ""
    return "UNDEF-REF-year" + (rules.tables["shift"].get(rel) or "+0")


def _yearspan(text: str, m: re.Match[str], rules: Rules) -> str:
    """Years from a range's first year to ``text``, its end ("2012", or "12" in the first year's century).

    A two-digit end up to 12 that is not the next year reads as a month ("2011-05"), and an end before the
    start as no range: both give UNDEF, which drops the mention.
    """
    start = int(m.group("year"))
    if len(text) == 2:
        end = start - start % 100 + int(text)
        if end <= start:
            end += 100
        if int(text) <= 12 and end != start + 1:
            return "UNDEF"
    else:
        end = int(text)
    return str(end - start) if end > start else "UNDEF"


def _twodigit(text: str, m: re.Match[str], rules: Rules) -> str:
    """A two-digit year as the resolver's UNDEF-yy-NN (the year nearest the article's), or nothing."""
    return f"UNDEF-yy-{text}" if text else ""


def _hourof(text: str, m: re.Match[str], rules: Rules) -> str:
    """HH:MM of "4 in the morning": the hour in ``text``, the minute in group mi, the half of the day in
    group dayhalf (table dayhalf: am/pm)."""
    groups = m.groupdict()
    hour = int(text) % 12 + (12 if rules.tables["dayhalf"].get(groups.get("dayhalf") or "") == "pm" else 0)
    return f"{hour:02d}:{groups.get('mi') or '00'}"


_OFFSET = re.compile(r"([+−-])\s*(\d{1,2})(?::?(\d\d))?$")


def _offset(text: str, m: re.Match[str], rules: Rules) -> str:
    """A written UTC offset ("GMT +8", "UTC-05:30") as +HH:MM; empty if none."""
    found = _OFFSET.search(text)
    if not found:
        return ""
    sign = "-" if found.group(1) in "−-" else "+"
    return f"{sign}{int(found.group(2)):02d}:{found.group(3) or '00'}"


BUILTINS = {"02": _pad2, "year2": _year2, "century": _century, "era": _era, "one": _one, "orundef": _orundef,
            "offset": _offset, "yearref": _yearref,
            "yearspan": _yearspan, "twodigit": _twodigit, "hourof": _hourof}
