"""Place names shipped as data (lang/<lang>/places.toml): find places in text and their time zones."""

from __future__ import annotations

import re
from dataclasses import dataclass

from timeline.lang import read_toml


@dataclass(frozen=True)
class PlaceHit:
    start: int
    end: int
    name: str
    kind: str
    zone: str | None


@dataclass(frozen=True)
class Gazetteer:
    regex: re.Pattern[str]
    by_alias: dict[str, tuple[str, str, str | None]]  # alias -> (name, kind, zone)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[PlaceHit]:
        hits = []
        for m in self.regex.finditer(text, start, len(text) if end is None else end):
            name, kind, zone = self.by_alias[m.group(0).replace("’", "'")]
            hits.append(PlaceHit(m.start(), m.end(), name, kind, zone))
        return hits


def load_gazetteer(lang: str = "en") -> Gazetteer:
    """The place names of one language, compiled into one regex (load once, pass it on)."""
    data = read_toml(lang, "places.toml")
    by_alias: dict[str, tuple[str, str, str | None]] = {}
    for name, row in data.items():
        entry = (name, row["kind"], row.get("zone") or None)
        for alias in [name, *row.get("aliases", [])]:
            by_alias[alias] = entry
            if alias.startswith("the "):
                by_alias[alias[0].upper() + alias[1:]] = entry
    alts = sorted(by_alias, key=len, reverse=True)
    pattern = r"(?<![\w.])(?:" + "|".join(re.escape(a).replace("'", "['’]") for a in alts) + r")(?![\w])"
    return Gazetteer(re.compile(pattern), by_alias)
