"""Every EDTF string timeline writes is valid EDTF (ISO 8601-2), as the ``edtf`` package reads it.

Halves are ``2025-40``/``2025-41`` and quarters ``2025-33``...``2025-36`` (EDTF level 2 sub-year
groupings), times carry seconds (``2025-05-08T00:00:00+03:00``), a recurring ``XXXX-05-09`` is
written with an unspecified year, and what EDTF cannot qualify (an approximate season, quarter
or half) is written as an approximate interval of its months.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

edtf = pytest.importorskip("edtf")

from timeline.models import TimexType  # noqa: E402
from timeline.temporal.resolve import make_value  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def assert_valid(value: str | None, timeml: str = "") -> None:
    if value is None:
        return
    try:
        edtf.parse_edtf(value)
    except Exception as exc:  # noqa: BLE001 - the package raises several kinds
        raise AssertionError(f"EDTF {value!r} (TimeML {timeml!r}) is rejected by the edtf package: {exc}") from None


def _edtf_strings(obj: object, out: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if isinstance(obj, dict):
        if obj.get("edtf") is not None:
            out.append((obj["edtf"], obj.get("value", "")))
        for v in obj.values():
            _edtf_strings(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _edtf_strings(v, out)
    return out


def test_every_edtf_string_of_the_seeds_is_valid():
    data = json.loads((ROOT / "dist" / "timeline.json").read_text("utf-8"))
    found = _edtf_strings(data, [])
    assert found
    for value, timeml in found:
        assert_valid(value, timeml)
    values = {timeml: value for value, timeml in found}
    assert values["2025-05-08T00:00+03:00"] == "2025-05-08T00:00:00+03:00"  # seconds added
    assert values["XXXX-05-09"] == "XXXX-05-09"  # recurring: unspecified year


@pytest.mark.parametrize(("timeml", "kind", "mod", "expected"), [
    ("2025-H1", TimexType.DATE, None, "2025-40"),
    ("2025-H2", TimexType.DATE, None, "2025-41"),
    ("2025-Q1", TimexType.DATE, None, "2025-33"),
    ("2025-Q4", TimexType.DATE, None, "2025-36"),
    ("2025-SP", TimexType.DATE, None, "2025-21"),
    ("2025-Q2", TimexType.DATE, "APPROX", "2025-04~/2025-06~"),
    ("2025-H2", TimexType.DATE, "APPROX", "2025-07~/2025-12~"),
    ("2025-05-08T00:00+03:00", TimexType.TIME, None, "2025-05-08T00:00:00+03:00"),
    ("2025-05-07T17:00-04:00", TimexType.TIME, None, "2025-05-07T17:00:00-04:00"),
    ("2025-05-07T17:00Z", TimexType.TIME, None, "2025-05-07T17:00:00Z"),
    ("2025-05-07T17:00", TimexType.TIME, None, "2025-05-07T17:00:00"),
    ("2025-05-07T17:00-04:00", TimexType.TIME, "APPROX", "2025-05-07"),  # EDTF cannot qualify a time: the day
    ("2025-05-07TNI", TimexType.TIME, None, "2025-05-07"),
    ("2025-W19", TimexType.DATE, None, "2025-05-05/2025-05-11"),
    ("2025-W19", TimexType.DATE, "APPROX", "2025-05-05~/2025-05-11~"),
    ("199", TimexType.DATE, None, "199X"),
    ("19", TimexType.DATE, None, "19XX"),
    ("2025", TimexType.DATE, "APPROX", "2025~"),
    ("XXXX-05-09", TimexType.SET, None, "XXXX-05-09"),
    ("XXXX-05-09", TimexType.DATE, None, "XXXX-05-09"),
    ("XXXX-12", TimexType.SET, None, "XXXX-12"),
    ("FY2025", TimexType.DATE, None, None),  # a fiscal year has no calendar EDTF
    ("FY2025-Q1", TimexType.DATE, None, None),
    ("XXXX-WXX-1", TimexType.SET, None, None),
    ("P4D", TimexType.DURATION, None, None),
    ("PRESENT_REF", TimexType.DATE, None, None),
])
def test_edtf_forms(timeml, kind, mod, expected):
    tv = make_value(timeml, kind, mod)
    assert tv.edtf == expected
    assert_valid(tv.edtf, timeml)


_MODS = st.sampled_from([None, "APPROX", "START", "MID", "END", "BEFORE", "AFTER", "ON_OR_AFTER", "LESS_THAN"])


@st.composite
def timeml_values(draw: st.DrawFn) -> tuple[str, TimexType]:
    year = draw(st.integers(1, 9999))
    y = f"{year:04d}"
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    zone = draw(st.sampled_from(["", "Z", "+03:00", "-04:00", "+05:30", "-00:00"]))
    shape = draw(st.sampled_from([
        f"{y}", f"{y}-{month:02d}", f"{y}-{month:02d}-{day:02d}", f"{y}-Q{draw(st.integers(1, 4))}",
        f"{y}-H{draw(st.integers(1, 2))}", f"{y}-{draw(st.sampled_from(['SP', 'SU', 'FA', 'WI']))}",
        f"{y[:3]}", f"{y[:2]}", f"{y}-{month:02d}-{day:02d}T{draw(st.sampled_from(['MO', 'AF', 'EV', 'NI']))}",
        f"{y}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}{zone}",
        f"{y}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{draw(st.integers(0, 59)):02d}{zone}",
        f"XXXX-{month:02d}-{day:02d}", f"XXXX-{month:02d}", f"FY{y}", f"{y}-W{draw(st.integers(1, 52)):02d}",
    ]))
    kind = TimexType.TIME if "T" in shape else draw(st.sampled_from([TimexType.DATE, TimexType.SET]))
    return shape, kind


@settings(max_examples=400, deadline=None)
@given(timeml_values(), _MODS)
def test_every_edtf_string_is_valid(value_kind, mod):
    value, kind = value_kind
    try:
        tv = make_value(value, kind, mod)
    except (ValueError, OverflowError):
        return  # not a value the resolver can make (e.g. week 53 of a short year)
    assert_valid(tv.edtf, value)
    if tv.start is not None and tv.edtf is not None and "/" not in tv.edtf and not tv.edtf.startswith("X"):
        assert tv.edtf[:4] == value[:4] or value.startswith(("FY",)) or len(value) < 4


def test_edtf_of_a_recurring_day_needs_a_real_day():
    assert make_value("XXXX-02-30", TimexType.SET).edtf is None
    assert make_value("XXXX-13", TimexType.SET).edtf is None
    assert make_value("XXXX-02-29", TimexType.SET).edtf == "XXXX-02-29"


def test_dates_of_every_kind_stay_dates():
    assert make_value("2025-05-08", TimexType.DATE).start == dt.date(2025, 5, 8)
