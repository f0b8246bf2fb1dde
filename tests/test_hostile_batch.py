"""Issue 17: one bad article never takes the batch down, no input makes a build slow, outputs are
committed all or nothing, nothing hostile reaches the terminal or reorders a line on screen, and the
exit codes mean what ``timeline build --help`` says.

One test per class of the issue (fix the class, not the example). Every input is built inside the
test (``tmp_path``); builds run as the real command in a subprocess wherever the exit code, a signal
or a hang is what is tested. The first hostile suite (test_hostile_input.py) still holds.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import unicodedata
from html import unescape
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OUTPUTS = ["timeline.html", "timeline.ics", "timeline.json", "timeline.schema.json", "timelinejs.json"]
GOOD = "Date: 2025-05-08\n\nOn May 8, 2025, the talks ended in Moscow.\n"
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


# ---------------------------------------------------------------- helpers


def write(root: Path, rel: str | bytes, data: str | bytes) -> Path:
    """Write ``data`` at ``root/rel``; ``rel`` may be bytes (a file name that is not UTF-8)."""
    path = Path(os.fsdecode(os.path.join(os.fsencode(root), rel if isinstance(rel, bytes) else os.fsencode(rel))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def env() -> dict[str, str]:
    e = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    e.pop("SOURCE_DATE_EPOCH", None)
    return e


def run(*args: str | bytes, cwd: Path, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """``python -m timeline ARGS`` as a real process; stdout and stderr as bytes."""
    return subprocess.run([sys.executable, "-m", "timeline", *args], cwd=cwd, capture_output=True, timeout=timeout,
                          env=env(), **kw)


def hooked(script: str, *args: str, cwd: Path, **kw) -> subprocess.Popen:
    """The real command started with ``script`` run first (to pause it at a chosen moment)."""
    code = script + "\nfrom timeline.cli import main\nmain(sys.argv[2:], prog_name='timeline')\n"
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=cwd, env=env(), **kw)


def wait_for(path: Path, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, f"exited early with {proc.returncode}"
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def outputs(out: Path) -> dict:
    data = json.loads((out / "timeline.json").read_text("utf-8"))
    for name in ("timeline.ics", "timeline.html", "timelinejs.json"):
        assert (out / name).is_file()
    return data


def manifest(out: Path) -> dict[str, dict]:
    return {m["path"]: m for m in outputs(out)["manifest"]}


def no_bug(proc: subprocess.CompletedProcess) -> str:
    """The build exited 0 and said nothing about a bug; returns stderr."""
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, err
    assert "internal error" not in err and "Traceback" not in err, err
    return err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def first_build(root: Path) -> dict[str, bytes]:
    write(root, "in/a.txt", GOOD)
    assert run("build", "in", "-o", "out", cwd=root).returncode == 0
    write(root, "in/b.txt", "Date: 2025-05-09\n\nOn May 9, 2025, the parade was held in Moscow.\n")
    before = snapshot(root / "out")
    assert sorted(before) == OUTPUTS
    return before


# ---------------------------------------------------------------- one input never crashes the batch

FIVE_THOUSAND_DIGITS = "1" * 5000
ODD_FRONT_MATTER = {  # file -> a front matter line that once ended the whole build with exit 3
    "timestamp.md": "date: !!timestamp 2025-02-30",
    "timestamp-month.md": "published: !!timestamp 2025-13-45",
    "int-0x.md": "title: !!int 0x",
    "int-other-key.md": "tags: !!int 0x",
    "bool-maybe.md": "title: !!bool maybe",
    "float.md": "source: !!float abc",
    "digits-title.md": f"title: {FIVE_THOUSAND_DIGITS}",
    "digits-other-key.md": f"word_count: {FIVE_THOUSAND_DIGITS}",
    "surrogate-title.md": 'title: "\\ud800 talks"',
    "surrogate-url.md": 'url: "https://example.org/\\udcff"',
    "binary.md": "title: !!binary aGVsbG8=",
    "set.md": "title: !!set {a, b}",
    "bracket-url.md": 'url: "https://[x/news"',
}


def test_non_utf8_file_names_are_listed_and_the_batch_builds(tmp_path):
    write(tmp_path, "in/good.txt", GOOD)
    write(tmp_path, b"in/empty-\xff.txt", b"")  # an empty file is skipped anyway: its name must not crash
    write(tmp_path, b"in/caf\xe9.txt", "Date: 2025-05-08\n\nOn May 7, 2025, the envoys met in Minsk.\n")
    err = no_bug(run("build", "in", "-o", "out", cwd=tmp_path))
    found = manifest(tmp_path / "out")
    assert len(found) == 3 and found["in/good.txt"]["status"] == "used"
    odd = [p for p in found if p != "in/good.txt"]
    assert all("\ufffd" not in p and not re.search(r"[\ud800-\udfff]", p) for p in odd)  # shown, not mangled
    assert any("empty" in p for p in odd) and any("caf" in p for p in odd)
    for line in err.splitlines():
        assert line.startswith("warning: ")


def test_a_hash_in_a_file_name_is_just_part_of_the_name(tmp_path):
    """``#`` also separates a record file from its item ("feed.xml#3"): a file called "#.txt" or "a#b.md" beside
    others once made the manifest's sort compare a path with an item key (exit 3)."""
    write(tmp_path, "in/good.txt", GOOD)
    write(tmp_path, "in/#.txt", "Date: 2025-05-08\n\nOn May 7, 2025, envoys met in Minsk.\n")
    write(tmp_path, "in/sub/a#b.md", "Date: 2025-05-08\n\nOn May 6, 2025, envoys left Beijing.\n")
    no_bug(run("build", "in", "-o", "out", cwd=tmp_path))
    assert len(manifest(tmp_path / "out")) == 3


def test_front_matter_with_tags_and_odd_scalars_is_one_file_s_problem(tmp_path):
    write(tmp_path, "in/good.txt", GOOD)
    for name, line in ODD_FRONT_MATTER.items():
        dated = "" if line.startswith("date:") else "date: 2025-05-08\n"
        write(tmp_path, f"in/{name}", f"---\n{line}\n{dated}---\nOn May 7, 2025, envoys met in Minsk.\n")
    err = no_bug(run("build", "in", "-o", "out", cwd=tmp_path))
    found = manifest(tmp_path / "out")
    assert found["in/good.txt"]["status"] == "used"
    assert set(found) == {"in/good.txt", *(f"in/{n}" for n in ODD_FRONT_MATTER)}
    for path, m in found.items():
        if m["status"] == "skipped":
            assert m["reason"] and f"warning: {path}" in err
    # an impossible date is said in plain words, with the line, whatever tag it carried
    assert "impossible date" in found["in/timestamp.md"]["reason"]
    assert "2025-02-30" in found["in/timestamp.md"]["reason"]
    data = outputs(tmp_path / "out")
    assert not re.search(r"[\ud800-\udfff]", json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize("where", ["front matter", "URL line", "og:url", "canonical"])
def test_a_bracket_in_an_article_url_is_one_file_s_problem(tmp_path, where):
    bad = "https://[x/news?id=1"
    body = "On May 7, 2025, envoys met in Minsk.\n"
    text = {
        "front matter": f'---\nurl: "{bad}"\ndate: 2025-05-08\n---\n{body}',
        "URL line": f"Date: 2025-05-08\nURL: {bad}\n\n{body}",
        "og:url": f'<!DOCTYPE html><html><head><meta property="og:url" content="{bad}">'
                  f'<meta property="article:published_time" content="2025-05-08"></head><body><p>{body}</p></body></html>',
        "canonical": f'<!DOCTYPE html><html><head><link rel="canonical" href="http://[::1/a">'
                     f'<meta property="article:published_time" content="2025-05-08"></head><body><p>{body}</p></body></html>',
    }[where]
    write(tmp_path, "in/good.txt", GOOD)
    write(tmp_path, "in/odd.txt", text)
    no_bug(run("build", "in", "-o", "out", cwd=tmp_path))
    found = manifest(tmp_path / "out")
    assert found["in/good.txt"]["status"] == "used" and "in/odd.txt" in found
    page = (tmp_path / "out" / "timeline.html").read_text("utf-8")
    assert 'href="https://[' not in page and 'href="http://[' not in page  # not a link anyone can follow


@pytest.mark.parametrize("url", ["https://[x", "http://[::1", "https://exa mple.org/feed.ics", "https://"])
def test_a_bad_feed_url_is_a_usage_error(tmp_path, url):
    write(tmp_path, "in/good.txt", GOOD)
    proc = run("build", "in", "-o", "out", "--feed-url", url, cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith("error: --feed-url") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


EDGE_YEAR_TEXTS = [
    "The talks will end tomorrow, officials said.",
    "The talks ended yesterday, officials said.",
    "They met last week and will meet next week.",
    "They met on Sunday. They will meet on Monday.",
    "Three days ago they met; in two days they meet again.",
    "Victory Day is celebrated on May 9.",
    "The talks ended in March and resume in December.",
    "They met last year and meet next year.",
]


@pytest.mark.parametrize("day", ["0001-01-01", "0001-06-15", "9999-12-31", "9999-06-15"])
def test_articles_dated_at_the_ends_of_the_calendar_are_read(tmp_path, day):
    write(tmp_path, "in/good.txt", GOOD)
    for i, sentence in enumerate(EDGE_YEAR_TEXTS):
        write(tmp_path, f"in/edge{i}.txt", f"Date: {day}\n\n{sentence}\n")
    no_bug(run("build", "in", "-o", "out", cwd=tmp_path))
    found = manifest(tmp_path / "out")
    assert len(found) == 1 + len(EDGE_YEAR_TEXTS)
    assert all(m["status"] == "used" for m in found.values()), found
    for entry in outputs(tmp_path / "out")["entries"]:  # what cannot be placed is left out, never wrapped
        assert entry["when"]["start"] is None or "0001-01-01" <= entry["when"]["start"] <= "9999-12-31"


def test_an_unexpected_failure_in_one_article_is_that_article_s_line(tmp_path):
    """The fault boundary: whatever goes wrong while analysing one article (here: a resolver bug,
    simulated) skips that article with a reason and still builds the rest (exit 0, not 3)."""
    write(tmp_path, "in/good.txt", GOOD)
    write(tmp_path, "in/boom.txt", "Date: 2025-05-08\n\nThe boom happened on May 7, 2025.\n")
    script = ("import sys\nimport timeline.pipeline as p\nreal = p.find_mentions\n"
              "def broken(text, *a, **kw):\n    if 'boom' in text: raise ZeroDivisionError('simulated')\n"
              "    return real(text, *a, **kw)\np.find_mentions = broken\n")
    proc = hooked(script, "-", "build", "in", "-o", "out", cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    found = manifest(tmp_path / "out")
    assert found["in/good.txt"]["status"] == "used"
    assert found["in/boom.txt"]["status"] == "skipped" and "ZeroDivisionError" in found["in/boom.txt"]["reason"]
    assert b"warning: in/boom.txt" in err


# ---------------------------------------------------------------- no input makes a build slow


def _build_seconds(tmp_path: Path, text: str, limit: float) -> tuple[float, Path]:
    write(tmp_path, "in/shape.txt", text)
    started = time.monotonic()
    try:
        proc = run("build", "in", "-o", "out", cwd=tmp_path, timeout=limit)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the build took longer than {limit:.0f} s")
    no_bug(proc)
    return time.monotonic() - started, tmp_path / "out"


def test_text_without_spaces_builds_in_linear_time(tmp_path):
    """A pasted CSV row of 80 KB (7,7,7,...) once took 66 s (the window of every word reached back to the
    previous space: quadratic)."""
    _build_seconds(tmp_path, GOOD + "7," * 40_000 + "\n", limit=30)


def test_many_dates_in_one_sentence_give_bounded_work_and_output(tmp_path):
    """2,000 dates in one 40 KB sentence once took 37 s, 320 MB and wrote an 82 MB timeline.json
    (every date re-read and re-quoted the whole sentence)."""
    days = ", ".join(f"May {1 + i % 28}, {1990 + i // 28}" for i in range(2000))
    _, out = _build_seconds(tmp_path, f"Date: 2025-05-08\n\nThe committee met on {days} in Moscow.\n", limit=40)
    assert (out / "timeline.json").stat().st_size < 10_000_000


def test_a_huge_date_header_is_not_handed_whole_to_dateparser(tmp_path):
    """A 160 KB ``Date:`` line once took 11 s in dateparser; it is now refused as too long, at once."""
    sys.path.insert(0, str(REPO))
    from timeline.errors import InputError
    from timeline.ingest import read_article

    path = write(tmp_path, "a.txt", "Date: May 8, 2025 " + "2025 " * 32_000 + "\n\nOn May 8, 2025, talks ended.\n")
    started = time.process_time()
    try:
        read_article(path)
    except InputError:
        pass
    assert time.process_time() - started < 2.0


PEAK_RSS = """
import atexit, resource, sys
atexit.register(lambda: sys.stderr.write(f"peak-rss-kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n"))
"""


def test_a_sentence_of_a_hundred_thousand_dates_keeps_memory_bounded(tmp_path):
    """``Date: May 8, 2025 2025 2025 ...``: the header's date, then 1 MB of year numbers glued on as the
    first "sentence". Every one of them was a mention and an event (1.3 MB: 755 MB of memory); a
    sentence now gives at most 200 mentions and 25 events."""
    write(tmp_path, "in/a.txt", "Date: May 8, 2025 " + "2025 " * 200_000 + "\n")
    proc = hooked(PEAK_RSS, "-", "build", "in", "-o", "out", cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    peak_mb = int(re.search(rb"peak-rss-kb (\d+)", err)[1]) / 1024
    assert peak_mb < 350, f"{peak_mb:.0f} MB"
    assert len(outputs(tmp_path / "out")["entries"]) <= 25


def test_many_dated_sentences_build_in_linear_time(tmp_path):
    """20,000 dated sentences once took 70 s (each event compared with every other of the article)."""
    sentences = " ".join(f"On May {1 + i % 28}, {1990 + i % 30}, minister {i % 97} met envoy {i} in Moscow."
                         for i in range(20_000))
    _build_seconds(tmp_path, f"Date: 2025-05-08\n\n{sentences}\n", limit=60)


# ---------------------------------------------------------------- edge input gives the date it says


def annotate(tmp_path: Path, text: str, day: str) -> dict[str, str]:
    sys.path.insert(0, str(REPO))
    from click.testing import CliRunner

    from timeline.cli import main

    path = write(tmp_path, "a.txt", text)
    result = CliRunner().invoke(main, ["annotate", str(path), "--date", day], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return {m["text"]: m["value"] for m in map(json.loads, result.stdout.splitlines())}


def test_a_full_date_keeps_its_year_at_the_ends_of_the_calendar(tmp_path):
    found = annotate(tmp_path, "The probe lands on May 8, 2150. The fort fell on July 4, 0800. "
                               "The lease ends on December 31, 9999.\n", "2025-05-08")
    assert found.get("May 8, 2150") == "2150-05-08"
    assert found.get("July 4, 0800") == "0800-07-04"
    assert found.get("December 31, 9999") == "9999-12-31"
    assert not any(v.startswith(("2025", "2024", "2026")) for v in found.values()), found


def test_a_time_and_its_dated_day_are_one_timed_entry(tmp_path):
    write(tmp_path, "in/a.txt", "Date: 2025-11-03\n\nPolls closed at 11 p.m. PT on Saturday, November 1, 2025, "
                                "officials said.\n")
    no_bug(run("build", "in", "-o", "out", cwd=tmp_path))
    entries = outputs(tmp_path / "out")["entries"]
    assert [e["when"]["value"] for e in entries] == ["2025-11-01T23:00-07:00"], entries


def test_instants_hours_apart_on_one_day_are_not_merged_silently(tmp_path):
    write(tmp_path, "in/a.txt", "Date: 2025-05-08\n\nXi Jinping arrived in Moscow at 5 p.m. ET on May 7, 2025, "
                                "for talks with Putin.\n")
    write(tmp_path, "in/b.txt", "Date: 2025-05-08\n\nXi Jinping arrived in Moscow at 9 a.m. Moscow time on May 7, 2025, "
                                "for talks with Putin.\n")
    no_bug(run("build", "in", "-o", "out", cwd=tmp_path))
    entries = outputs(tmp_path / "out")["entries"]
    joined = [e for e in entries if len({s["article_id"] for s in e["sources"]}) == 2]
    assert len(entries) == 2 or (joined and joined[0]["conflict"]), entries  # two entries, or one with a conflict


def test_a_scheduled_yearless_date_said_months_before_is_the_coming_one(tmp_path):
    found = annotate(tmp_path, "The election is set for November 2, officials said.\n", "2025-03-10")
    assert found["November 2"] == "2025-11-02"


# ---------------------------------------------------------------- output safety


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dev-null"])
def test_a_previous_timeline_json_that_is_not_a_file_is_not_read(tmp_path, kind):
    first_build(tmp_path)
    previous = tmp_path / "out" / "timeline.json"
    previous.unlink()
    if kind == "fifo":
        os.mkfifo(previous)
    else:
        previous.symlink_to("/dev/zero" if kind == "dev-zero" else "/dev/null")
    try:
        proc = run("build", "in", "-o", "out", cwd=tmp_path, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the build hung on the previous timeline.json")
    no_bug(proc)
    assert previous.is_file() and not previous.is_symlink()
    assert "parade" in previous.read_text("utf-8")


def test_a_failure_with_exit_2_replaces_no_output(tmp_path):
    before = first_build(tmp_path)
    (tmp_path / "out" / "timeline.html").unlink()
    (tmp_path / "out" / "timeline.html").mkdir()  # the last rename cannot happen
    del before["timeline.html"]
    proc = run("build", "in", "-o", "out", cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith("error: ") and "timeline.html" in err and err.count("\n") == 1
    assert snapshot(tmp_path / "out") == before  # every other file is still the previous one
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == OUTPUTS  # no temp file left


PAUSE_IN_COMMIT = """
import os, sys, time
from pathlib import Path
marker, release = Path(sys.argv[1] + ".paused"), Path(sys.argv[1] + ".go")
real_replace, done = os.replace, []
def replace(src, dst, *a, **kw):
    real_replace(src, dst, *a, **kw)
    done.append(dst)
    if len(done) == 2:  # two outputs in place, three to go: let the test start another build
        marker.write_text("paused")
        while not release.exists():
            time.sleep(0.05)
os.replace = replace
"""


def _which_build(out: Path) -> set[str]:
    """Which input set each output was built from (alpha = first build, bravo = second)."""
    seen = set()
    for name in OUTPUTS:
        if name == "timeline.schema.json":
            continue
        data = (out / name).read_text("utf-8")
        seen |= {w for w in ("alpha", "bravo") if w in data}
    return seen


def test_two_builds_into_one_folder_never_leave_a_mixed_set(tmp_path):
    write(tmp_path, "a/one.txt", "Date: 2025-05-08\n\nOn May 8, 2025, the alpha talks ended in Moscow.\n")
    write(tmp_path, "b/one.txt", "Date: 2025-05-08\n\nOn May 8, 2025, the bravo parade was held in Minsk.\n")
    assert run("build", "a", "-o", "out", cwd=tmp_path).returncode == 0
    assert run("build", "b", "-o", "out", cwd=tmp_path).returncode == 0
    flag = tmp_path / "first"
    first = hooked(PAUSE_IN_COMMIT, str(flag), "build", "a", "-o", "out", cwd=tmp_path,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(Path(str(flag) + ".paused"), first)
        with (tmp_path / "second.err").open("wb") as err:
            second = subprocess.Popen([sys.executable, "-m", "timeline", "build", "b", "-o", "out"], cwd=tmp_path,
                                      env=env(), stdout=subprocess.DEVNULL, stderr=err)
            deadline = time.monotonic() + 120
            while second.poll() is None and b"waiting" not in (tmp_path / "second.err").read_bytes():
                assert time.monotonic() < deadline, "the second build neither finished nor said it waits"
                time.sleep(0.05)
            Path(str(flag) + ".go").write_text("go")
            second.wait(timeout=120)
        first.wait(timeout=120)
    finally:
        for p in (first, locals().get("second")):
            if p is not None and p.poll() is None:
                p.kill()
    assert first.returncode == 0, first.stderr.read().decode()
    second_err = (tmp_path / "second.err").read_text("utf-8")
    assert second.returncode in (0, 2), second_err
    if second.returncode == 2:
        assert second_err.startswith("error: ") and "out" in second_err
    assert len(_which_build(tmp_path / "out")) == 1, "outputs of two builds were mixed"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == OUTPUTS


def test_a_fifo_or_device_named_like_an_article_is_listed(tmp_path):
    write(tmp_path, "in/good.txt", GOOD)
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    (tmp_path / "in" / "null.md").symlink_to("/dev/null")
    no_bug(run("build", "in", "-o", "out", cwd=tmp_path, timeout=60))
    found = manifest(tmp_path / "out")
    for path in ("in/pipe.txt", "in/null.md"):
        assert found[path]["status"] == "skipped" and "not a regular file" in found[path]["reason"]


# ---------------------------------------------------------------- terminal and display safety

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x9b2J\x08\r"


def _raw_controls(data: bytes) -> list[str]:
    text = data.decode("utf-8", "replace")
    return sorted({f"U+{ord(c):04X}" for c in text
                   if (unicodedata.category(c) == "Cc" and c != "\n") or c in BIDI})


def test_escape_sequences_never_reach_the_terminal_raw(tmp_path):
    write(tmp_path, f"in/evil{ESCAPES}.txt", "Date: 2025-02-30\n\nOn May 7, 2025, envoys met.\n")
    write(tmp_path, "in/header.txt", f"Date: 2025-05-08{ESCAPES}\n\nOn May 7, 2025, envoys met.\n")
    write(tmp_path, "in/bidi\u202egnp.txt", "Date: 2025-13-01\n\nOn May 7, 2025, envoys met.\n")
    write(tmp_path, "in/forged\nwarning: all is well.txt", "Date: 2025-13-01\n\nOn May 7, 2025, envoys met.\n")
    write(tmp_path, "in/good.txt", GOOD)
    proc = run("build", "in", "-o", f"out{ESCAPES}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert _raw_controls(proc.stderr) == [] and _raw_controls(proc.stdout) == []
    lines = proc.stderr.decode().splitlines()  # each problem said on its own line; a name cannot forge one
    assert len(lines) == 4 and all(line.startswith("warning: in/") for line in lines), lines
    assert len(proc.stdout.decode().splitlines()) == 1
    assert b"\\x1b" in proc.stderr or b"^[" in proc.stderr or b"\\e" in proc.stderr  # shown escaped, not dropped


def test_bidi_controls_are_neutralized_in_html_and_ics_and_kept_in_json(tmp_path):
    write(tmp_path, "in/invoice\u202etxt.exe.md",
          "---\ntitle: \"Talks \u202eevil\u202c in Moscow\"\ndate: 2025-05-08\n---\n"
          "On May 7, 2025, the envoy said \u2067\u202ereversed words\u2069 in Moscow.\n")
    no_bug(run("build", "in", "-o", "out", cwd=tmp_path))
    out = tmp_path / "out"
    for name in ("timeline.html", "timeline.ics"):
        shown = unescape((out / name).read_text("utf-8"))
        assert not any(c in shown for c in BIDI), (name, [f"U+{ord(c):04X}" for c in BIDI if c in shown])
    page = unescape((out / "timeline.html").read_text("utf-8"))
    assert "reversed words" in page and "invoice" in page and "evil" in page  # neutralized, not dropped
    data = json.loads((out / "timeline.json").read_text("utf-8"))  # JSON is data: kept as written
    dumped = json.dumps(data, ensure_ascii=False)
    assert "invoice\u202etxt.exe.md" in dumped and "\u202eevil" in dumped and "\u202ereversed" in dumped


# ---------------------------------------------------------------- exit codes


def test_stdout_closed_is_not_a_bug(tmp_path):
    write(tmp_path, "in/good.txt", GOOD)
    proc = subprocess.run(["sh", "-c", f'exec "{sys.executable}" -m timeline build in --format ics -o - >&-'],
                          cwd=tmp_path, capture_output=True, env=env(), timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith("error: ") and "standard output" in err and "Traceback" not in err


PAUSE_IN_BUILD = """
import sys, time
from pathlib import Path
import timeline.pipeline as p
def slow(*a, **kw):
    Path(sys.argv[1]).write_text("running")
    time.sleep(600)
p.build_timeline = slow
"""


def test_ctrl_c_exits_130_and_replaces_nothing(tmp_path):
    before = first_build(tmp_path)
    marker = tmp_path / "running"
    # a shell starts background jobs with SIGINT ignored, and Python keeps it so: give the build the default
    proc = hooked(PAUSE_IN_BUILD, str(marker), "build", "in", "-o", "out", cwd=tmp_path,
                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        wait_for(marker, proc)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err and err.count(b"\n") <= 1
    assert snapshot(tmp_path / "out") == before
