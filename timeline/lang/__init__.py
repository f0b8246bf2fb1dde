"""Language knowledge as data, one folder per language (``lang/en/``): temporal rules and tables,
event words, header names, place names, display words. Code reads it only through here."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from timeline.errors import RuleError

LANG_DIR = Path(__file__).parent


def lang_folder(lang: str) -> Path:
    """The folder of one language's data; RuleError if the language has none."""
    folder = LANG_DIR / lang
    if not lang or not lang.isidentifier() or not folder.is_dir():
        raise RuleError(f"no language data for {lang!r} (looked in {folder})")
    return folder


def read_toml(lang: str, name: str) -> dict[str, Any]:
    """One data file of a language, parsed; RuleError names the file if it does not parse."""
    path = lang_folder(lang) / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: {exc}") from exc
