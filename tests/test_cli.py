"""The `timeline` command: help for newcomers, options, exit codes, stdout output."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize("command", [[], ["build"], ["annotate"], ["eval"], ["eval-timeline"]])
def test_every_command_has_help(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output and len(result.output) > 300


def test_build_help_documents_exit_codes(runner):
    out = runner.invoke(main, ["build", "--help"]).output
    for code in ("0  done", "1  --strict", "2  a problem you can fix", "3  a bug"):
        assert code in out


def test_build_writes_all_outputs_and_a_summary(runner, tmp_path):
    result = runner.invoke(main, ["build", str(SEEDS), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "timeline.html", "timeline.ics", "timeline.json", "timeline.schema.json", "timelinejs.json"]
    assert (tmp_path.parent / ".timeline" / "cache.sqlite").is_file()  # the analysis cache, beside the output folder
    assert "5 input(s) read; 5 used (2 dated by inference); 0 duplicate; 0 skipped; 0 undated." in result.stdout


def test_format_and_stdout(runner, tmp_path):
    result = runner.invoke(main, ["build", str(SEEDS), "--format", "ics", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("BEGIN:VCALENDAR")
    result = runner.invoke(main, ["build", str(SEEDS), "--format", "html", "-o", str(tmp_path)])
    assert [p.name for p in tmp_path.iterdir()] == ["timeline.html"]


def test_stdout_needs_one_format(runner):
    result = runner.invoke(main, ["build", str(SEEDS), "-o", "-"])
    assert result.exit_code == 2
    assert "choose it with --format" in result.stderr


def test_top_and_min_sources_filter(runner, tmp_path):
    result = runner.invoke(main, ["build", str(SEEDS), "--min-sources", "2", "--top", "2", "-o", str(tmp_path)])
    assert result.exit_code == 0
    entries = json.loads((tmp_path / "timeline.json").read_text())["entries"]
    assert len(entries) == 2
    assert all(len({s["article_id"] for s in e["sources"]}) >= 2 for e in entries)
    assert [e["when"]["value"] for e in entries] == sorted(e["when"]["value"] for e in entries)


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "nonsense"], "write it as FILE=YYYY-MM-DD"),
    (["--date", "x.txt=2025-02-30"], "is not a date in the form YYYY-MM-DD"),
    (["--format", "pdf"], "choose one or more of ics, json, html, timelinejs"),
])
def test_bad_options_are_explained(runner, tmp_path, args, message):
    result = runner.invoke(main, ["build", str(SEEDS), "-o", str(tmp_path), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_user_date_overrides_inference(runner, tmp_path):
    target = SEEDS / "000_87bc4f967a4ae935.txt"
    result = runner.invoke(main, ["build", str(SEEDS), "-o", str(tmp_path), "--date", f"{target}=2025-05-09"])
    assert result.exit_code == 0, result.output
    manifest = {m["article_id"]: m for m in json.loads((tmp_path / "timeline.json").read_text())["manifest"]}
    assert manifest["000_87bc4f967a4ae935"]["date"] == "2025-05-09"
    assert manifest["000_87bc4f967a4ae935"]["date_source"] == "user"


def test_annotate_jsonl(runner):
    result = runner.invoke(main, ["annotate", str(SEEDS / "002_1999b99329e369cf.txt"), "--date", "2025-05-08"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by_text = {r["text"]: r for r in rows}
    assert by_text["Thursday"]["value"] == "2025-05-08"
    assert by_text["a day earlier"]["value"] == "2025-05-07"
    assert by_text["four-day"]["type"] == "DURATION"
    text = (SEEDS / "002_1999b99329e369cf.txt").read_text(encoding="utf-8")
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)


def test_annotate_timeml(runner):
    result = runner.invoke(main, ["annotate", str(SEEDS / "003_41a76820b00a2886.txt"), "--date", "2025-05-09", "--format", "timeml"])
    assert result.exit_code == 0
    assert 'value="1945"' in result.stdout and 'functionInDocument="CREATION_TIME"' in result.stdout


def test_python_dash_m(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "timeline", "build", str(SEEDS), "-o", str(tmp_path), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "timeline.json").exists()


def test_feed_url_gives_source_and_refresh_interval(runner):
    from ical.calendar_stream import IcsCalendarStream

    result = runner.invoke(main, ["build", str(SEEDS), "--format", "ics", "-o", "-", "--feed-url", "https://example.org/news.ics"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout_bytes.split(b"\r\n")  # CRLF as written (result.stdout turns it into \n)
    assert b"SOURCE;VALUE=URI:https://example.org/news.ics" in lines
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H" in lines
    assert b"X-PUBLISHED-TTL:PT12H" in lines  # Outlook and Apple Calendar read this one
    assert len(IcsCalendarStream.calendar_from_ics(result.stdout).events) > 10
    bad = runner.invoke(main, ["build", str(SEEDS), "--format", "ics", "-o", "-", "--feed-url", "example.org"])
    assert bad.exit_code == 2 and "starting with https://" in bad.stderr
