"""Everything the per-article steps read besides the article: loaded once, passed in explicitly.

A ``Resources`` is immutable and picklable, so one loaded copy serves every article of a process
(or of a worker), and no step consults hidden state.
"""

from __future__ import annotations

from dataclasses import dataclass

from timeline.events import EventRules, load_event_rules
from timeline.gazetteer import Gazetteer
from timeline.signature import SignatureWords, load_signature_words
from timeline.temporal import Rules, load_rules


@dataclass(frozen=True)
class Resources:
    """One language's compiled knowledge: the resolver's rules, place names, the event step's words and the
    merge step's (what tells two similar reports apart)."""

    rules: Rules
    events: EventRules
    merge: SignatureWords

    @property
    def lang(self) -> str:
        return self.rules.lang

    @property
    def places(self) -> Gazetteer:
        return self.rules.places


def load_resources(lang: str = "en") -> Resources:
    """Load and compile a language's data (about half a second: do it once per process)."""
    rules = load_rules(lang)
    events = load_event_rules(lang, rules.places)
    return Resources(rules, events, load_signature_words(lang, events.stemmer))
