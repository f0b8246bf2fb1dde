"""Shared test options. ``pytest --update-golden`` rewrites the committed seeds outputs in dist/."""

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite dist/ (the golden outputs of the seeds) instead of comparing against it")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def no_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs derive DTSTAMP from SOURCE_DATE_EPOCH when set: tests must not depend on the caller's shell."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
