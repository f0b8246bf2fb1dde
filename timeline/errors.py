"""A small error hierarchy: problems the user can fix vs. bugs in the tool."""

from __future__ import annotations


class TimelineError(Exception):
    """Base class for every error this package raises on purpose."""


class UserError(TimelineError):
    """Something the user can fix (bad path, bad option, unwritable output). Shown without a traceback."""


class InputError(UserError):
    """One input file cannot be used. The batch goes on; the file is listed as skipped with this reason."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")


class RuleError(TimelineError):
    """A rule file is malformed (names the file, line and rule). A bug in the shipped data, not user input."""
