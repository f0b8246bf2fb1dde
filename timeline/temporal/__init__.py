"""The date resolver: text -> temporal mentions with offsets and normalized TimeML values.

Public API (stable; other modules and tools code against it):
    rules = load_rules("en")                       # load once, reuse for every article
    mentions = find_mentions(text, dct, rules)     # list[Mention], offsets into ``text``
``dct`` is the document creation time (article date) or None; the clock is never read.
"""

from timeline.temporal.extract import find_mentions
from timeline.temporal.compile import Rules, load_rules

__all__ = ["Rules", "find_mentions", "load_rules"]
