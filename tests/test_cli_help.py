"""Every command and every option explains itself (as sqlite-utils' test_docs does): a newcomer reads
``timeline --help`` and ``timeline COMMAND --help`` and needs nothing else."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from timeline.cli import main

COMMANDS = sorted(main.commands)


def test_the_group_has_help_and_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert main.help and main.help.strip()
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    command = main.commands[name]
    assert command.help and len(command.help.split()) >= 8, f"{name}: no real help text"
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0 and result.output.startswith("Usage: ")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help(name: str) -> None:
    missing = [p.name for p in main.commands[name].params
               if isinstance(p, click.Option) and not (p.help or "").strip()]
    assert missing == [], f"{name}: options without help: {missing}"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_argument_is_described_in_the_help(name: str) -> None:
    command = main.commands[name]
    for arg in (p for p in command.params if isinstance(p, click.Argument)):
        assert arg.human_readable_name.upper() in (command.help or ""), f"{name}: argument {arg.name} not explained"
