"""Every example written next to a rule in rules/en/rules.toml runs here (rules are data; so are their tests)."""

import datetime as dt

import pytest

from timeline.temporal import find_mentions, load_rules

RULES = load_rules("en")
CASES = [(rule.name, *example) for rule in RULES.rules for example in rule.examples]
NEGATIVE = {rule.name for rule in RULES.rules if rule.type is None}


def test_every_rule_has_an_example():
    assert [r.name for r in RULES.rules if not r.examples] == []


@pytest.mark.parametrize(("rule", "text", "dct", "expected"), CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_rule_example(rule, text, dct, expected):
    mentions = find_mentions(text, dt.date.fromisoformat(dct), RULES)
    if rule in NEGATIVE:  # a negative rule: ``expected`` is a phrase no mention may hold
        assert not [m for m in mentions if expected in m.text or m.text in expected], mentions
        return
    by_rule = [m.timex.value for m in mentions if m.rule == rule]
    assert expected in by_rule, f"{rule} on {text!r}: got {[(m.rule, m.text, m.timex.value) for m in mentions]}"
