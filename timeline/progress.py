"""A one-line progress bar for long builds: articles done, articles per second and the time left.

Drawn on a terminal only (the CLI decides: stderr is a terminal and --quiet was not given); it
redraws at most five times a second and clears its line when the build is done, so logs and
pipes never see it.
"""

from __future__ import annotations

import time
from typing import TextIO

REDRAW_S = 0.2
WIDTH = 24


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """``advance`` once per article analysed (or found in the cache); ``close`` at the end."""

    def __init__(self, stream: TextIO, total: int | None = None, label: str = "articles",
                 clock=time.monotonic) -> None:  # noqa: ANN001 - a clock function, replaceable in tests
        self.stream, self.total, self.label, self.clock = stream, total, label, clock
        self.done = 0
        self.started = clock()
        self._drawn = 0.0
        self._width = 0

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        if now - self._drawn >= REDRAW_S:
            self._drawn = now
            self.draw(now)

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        if self.total:
            share = min(1.0, self.done / self.total)
            filled = int(share * WIDTH)
            bar = "#" * filled + "-" * (WIDTH - filled)
            left = (self.total - self.done) / rate if rate > 0 else 0.0
            eta = _clock(left) if rate > 0 else "?"
            return (f"[{bar}] {self.done:,}/{self.total:,} {self.label} {share:4.0%}  "
                    f"{rate:,.1f} {self.label}/s  ETA {eta}")
        return f"{self.done:,} {self.label}  {rate:,.1f} {self.label}/s  {_clock(elapsed)}"

    def draw(self, now: float | None = None) -> None:
        text = self.line(self.clock() if now is None else now)
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def close(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
