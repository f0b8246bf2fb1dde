"""timeline: news articles -> a trustworthy, ordered timeline (iCalendar, JSON, TimelineJS, HTML).

Public API:
    build_timeline(inputs, user_dates=None) -> Timeline    read and analyse, write nothing; inputs are
        paths (files, folders), http(s) URLs of feeds/pages, or records {"text", "date", "title", "url"}
    build(inputs, out_dir, formats=None, ...) -> (Timeline, written paths)
    load_rules(lang), find_mentions(text, dct, rules)     the date resolver on its own
"""

from timeline.models import Article, Entry, Event, Mention, Timeline, TimeValue
from timeline.pipeline import build, build_timeline
from timeline.temporal import find_mentions, load_rules

__all__ = ["Article", "Entry", "Event", "Mention", "TimeValue", "Timeline", "build", "build_timeline", "find_mentions", "load_rules"]
