"""timeline: news articles -> a trustworthy, ordered timeline (iCalendar, JSON, TimelineJS, HTML).

Public API:
    build_timeline(paths, user_dates=None) -> Timeline     read and analyse, write nothing
    build(paths, out_dir, formats=None, ...) -> (Timeline, written paths)
    load_rules(lang), find_mentions(text, dct, rules)     the date resolver on its own
"""

from timeline.models import Article, Entry, Event, Mention, Timeline, TimeValue
from timeline.pipeline import build, build_timeline
from timeline.temporal import find_mentions, load_rules

__all__ = ["Article", "Entry", "Event", "Mention", "TimeValue", "Timeline", "build", "build_timeline", "find_mentions", "load_rules"]
