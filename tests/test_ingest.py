"""ingest: files and folders -> Article, with every input accounted for in the manifest."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.ingest import files as ingest_mod
from timeline.errors import InputError, UserError
from timeline.ingest import collect_paths, ingest, read_article
from timeline.models import ArticleStatus, DateSource

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
D = dt.date


def write(tmp_path: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def problem(path: Path, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        read_article(path, **kwargs)
    return info.value


# --------------------------------------------------------------------------- seeds


@pytest.mark.parametrize(
    ("name", "date", "first_words"),
    [
        ("002_1999b99329e369cf.txt", D(2025, 5, 8), "Russian President Vladimir Putin"),
        ("003_41a76820b00a2886.txt", D(2025, 5, 9), "BEIJING- Chinese President"),
        ("004_0b1bd9576623bc77.txt", D(2025, 5, 8), "Chinese President Xi Jinping has told"),
    ],
)
def test_dated_seed_glued_header(name, date, first_words):
    article = read_article(SEEDS / name)
    assert article.date == date
    assert article.date_source is DateSource.HEADER
    assert article.date_evidence == f'header line 1: "date {date.isoformat()}"'
    assert article.body_start == 17
    assert article.text[article.body_start :].startswith(first_words)
    assert article.text.startswith(f" date {date.isoformat()} ")  # text is not rewritten
    assert article.id == name.removesuffix(".txt")
    assert article.encoding == "utf-8"


@pytest.mark.parametrize(
    ("name", "first_words", "source"),
    [
        ("000_87bc4f967a4ae935.txt", "Russian President Vladimir Putin and Chinese", None),
        ("001_67be8efa074b3800.txt", "Hong Kong\nCNN\n—\nChinese leader", "CNN"),
    ],
)
def test_undated_seed(name, first_words, source):
    article = read_article(SEEDS / name)
    assert article.date is None
    assert article.date_source is DateSource.NONE
    assert article.date_evidence == "no date in a header, front matter or HTML meta"
    assert article.body_start == 0
    assert article.text.startswith(first_words)
    assert article.source == source


def test_ingest_seeds_folder():
    articles, manifest = ingest([SEEDS])
    assert [a.id for a in articles] == [p.stem for p in sorted(SEEDS.glob("*.txt"))]
    assert [m.status for m in manifest] == ["undated", "undated", "used", "used", "used"]
    assert all(m.path.startswith(SEEDS.as_posix() + "/") for m in manifest)


# --------------------------------------------------------------------------- header variants


@pytest.mark.parametrize(
    ("header", "date", "evidence"),
    [
        ("date 2025-05-08 Body starts here.", D(2025, 5, 8), 'header line 1: "date 2025-05-08"'),
        (" DATE 2025-05-08 Body starts here.", D(2025, 5, 8), 'header line 1: "DATE 2025-05-08"'),
        ("Date: May 8, 2025\nBody starts here.", D(2025, 5, 8), 'header line 1: "Date: May 8, 2025"'),
        ("Date: 8 May 2025\n\nBody starts here.", D(2025, 5, 8), 'header line 1: "Date: 8 May 2025"'),
        ("Published: 2025-05-08T10:00:00Z\nBody starts here.", D(2025, 5, 8), 'header line 1: "Published: 2025-05-08T10:00:00Z"'),
        # the date as the publisher wrote it, no time-zone conversion
        ("Published: 2025-05-08T23:30:00-05:00\nBody starts here.", D(2025, 5, 8), 'header line 1: "Published: 2025-05-08T23:30:00-05:00"'),
        ("Posted on May 8, 2025\nBody starts here.", D(2025, 5, 8), 'header line 1: "Posted on May 8, 2025"'),
        ("Posted on: Thursday, May 8, 2025 10:00 AM EDT\nBody starts here.", D(2025, 5, 8), 'header line 1: "Posted on: Thursday, May 8, 2025 10:00 AM EDT"'),
        ("**Date:** 2025-05-08\nBody starts here.", D(2025, 5, 8), 'header line 1: "**Date:** 2025-05-08"'),
        ("DATE: 25/05/2025\nBody starts here.", D(2025, 5, 25), 'header line 1: "DATE: 25/05/2025"'),
        ("DATE: 05/25/2025\nBody starts here.", D(2025, 5, 25), 'header line 1: "DATE: 05/25/2025"'),
        ("DATE: 05/05/2025\nBody starts here.", D(2025, 5, 5), 'header line 1: "DATE: 05/05/2025"'),
        ("Title: Talks in Moscow\nBy: A. Writer\nDate: 2025/05/08\n\nBody starts here.", D(2025, 5, 8), 'header line 3: "Date: 2025/05/08"'),
        (
            "Updated: 2025-05-09\nBody starts here.",
            D(2025, 5, 9),
            'header line 1: "Updated: 2025-05-09" (no publication date given; using the update date)',
        ),
        ("Published: 2025-05-08\nUpdated: 2025-05-09\nBody starts here.", D(2025, 5, 8), 'header line 1: "Published: 2025-05-08"'),
        # an unreadable *update* time does not block a good publication date
        ("Date: 2025-05-08\nUpdated: 2 hours ago\nBody starts here.", D(2025, 5, 8), 'header line 1: "Date: 2025-05-08"'),
        ("Date: 2025-05-08\nPublished: May 8, 2025\nBody starts here.", D(2025, 5, 8), 'header line 1: "Date: 2025-05-08"'),
        ("Date: 2025-05-08 Body starts here.", D(2025, 5, 8), 'header line 1: "Date: 2025-05-08"'),
        ("Date:May 8, 2025 Body starts here.", D(2025, 5, 8), 'header line 1: "Date:May 8, 2025"'),
    ],
)
def test_header_variants(tmp_path, header, date, evidence):
    article = read_article(write(tmp_path, "a.txt", header))
    assert article.date == date
    assert article.date_source is DateSource.HEADER
    assert article.date_evidence == evidence
    assert article.text[article.body_start :] == "Body starts here."


def test_title_source_url_headers(tmp_path):
    text = "Title: Talks in Moscow\nSource: Example News\nURL: https://example.org/a\nDate: 2025-05-08\n\nBody."
    article = read_article(write(tmp_path, "a.txt", text))
    assert (article.title, article.source, article.url) == ("Talks in Moscow", "Example News", "https://example.org/a")
    assert article.text[article.body_start :] == "Body."


def test_body_sentence_is_not_a_header(tmp_path):
    article = read_article(write(tmp_path, "a.txt", "Posted troops arrived in 2025.\nMore."))
    assert (article.date, article.body_start) == (None, 0)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("DATE: 08/05/2025\nBody.", 'header line 1: "DATE: 08/05/2025": ambiguous date "08/05/2025": could be 8 May or 5 August 2025; write it as YYYY-MM-DD (e.g. 2025-05-08) or pass --date'),
        ("Date: 08/05/25\nBody.", 'header line 1: "Date: 08/05/25": ambiguous date "08/05/25": two-digit year; write it as YYYY-MM-DD (e.g. 2025-05-08) or pass --date'),
        ("Date: yesterday\nBody.", 'header line 1: "Date: yesterday": "yesterday" is not a full date with a year; write it as YYYY-MM-DD (e.g. 2025-05-08) or pass --date'),
        ("Date: today 2025\nBody.", 'header line 1: "Date: today 2025": "today 2025" is a relative date, it cannot date an article; write it as YYYY-MM-DD (e.g. 2025-05-08) or pass --date'),
        ("Date: May 2025\nBody.", 'header line 1: "Date: May 2025": cannot read "May 2025" as a date; write it as YYYY-MM-DD (e.g. 2025-05-08) or pass --date'),
        ("Date: Thursday, May 9, 2025\nBody.", 'header line 1: "Date: Thursday, May 9, 2025": "Thursday, May 9, 2025" does not agree with itself: 9 May 2025 was a Friday'),
        ("Date: 2025-02-30\nBody.", 'header line 1: "Date: 2025-02-30": impossible date "2025-02-30": day 30 does not exist in February 2025'),
    ],
)
def test_unreadable_header_dates_are_refused(tmp_path, header, message):
    path = write(tmp_path, "a.txt", header)
    err = problem(path)
    assert err.problem == message
    assert err.line == 1
    assert str(err) == f"{path.as_posix()}:1: {message}"


def test_impossible_glued_date_is_refused_with_line_and_value(tmp_path):
    # Decision: a typo in the date header skips the file with a precise reason (the user can fix
    # it or pass --date) rather than silently leaving the article to a guessed date.
    path = write(tmp_path, "a.txt", " date 2025-13-45 Body starts here.")
    err = problem(path)
    assert err.line == 1
    assert err.problem == 'header line 1: "date 2025-13-45": impossible date "2025-13-45": month 13 does not exist'


def test_impossible_header_is_overridden_by_user_date(tmp_path):
    path = write(tmp_path, "a.txt", " date 2025-13-45 Body starts here.")
    article = read_article(path, user_date=D(2025, 5, 8))
    assert (article.date, article.date_source) == (D(2025, 5, 8), DateSource.USER)
    assert article.date_evidence == (
        'given by the user (--date 2025-05-08); overrides unreadable header line 1: "date 2025-13-45": '
        'impossible date "2025-13-45": month 13 does not exist'
    )
    assert article.text[article.body_start :] == "Body starts here."


def test_conflicting_headers_name_both_values(tmp_path):
    path = write(tmp_path, "a.txt", " date 2025-05-08\nPublished: May 9, 2025\nBody.")
    err = problem(path)
    assert err.line == 2
    assert err.problem == (
        'two different dates: "2025-05-08" (header line 1) and "May 9, 2025" (header line 2); keep one, or pass --date'
    )


def test_header_conflicting_with_front_matter(tmp_path):
    path = write(tmp_path, "a.md", "---\ndate: 2025-05-08\n---\nDate: 2025-05-10\n\nBody.")
    assert problem(path).problem == (
        'two different dates: "2025-05-08" (front matter line 2) and "2025-05-10" (header line 4); keep one, or pass --date'
    )


def test_user_date_overrides_header(tmp_path):
    path = write(tmp_path, "a.txt", " date 2025-05-08 Body.")
    article = read_article(path, user_date=D(2025, 5, 7))
    assert (article.date, article.date_source) == (D(2025, 5, 7), DateSource.USER)
    assert article.date_evidence == 'given by the user (--date 2025-05-07); overrides header line 1: "date 2025-05-08"'
    same = read_article(path, user_date=D(2025, 5, 8))
    assert same.date_evidence == "given by the user (--date 2025-05-08)"


def test_header_only_file_is_refused(tmp_path):
    assert problem(write(tmp_path, "a.txt", "Date: 2025-05-08\n\n")).problem == "no article text after the header"


# --------------------------------------------------------------------------- front matter


@pytest.mark.parametrize("value", ["2025-05-08", "2025-05-08 10:00:00", "'May 8, 2025'", "2025-05-08T10:00:00+03:00"])
def test_front_matter(tmp_path, value):
    text = f"---\ntitle: Talks in Moscow\ndate: {value}\nsource: Example News\nurl: https://example.org/a\n---\n\nBody starts here.\n"
    article = read_article(write(tmp_path, "a.md", text))
    assert article.date == D(2025, 5, 8)
    assert article.date_source is DateSource.FRONT_MATTER
    assert article.date_evidence == f'front matter line 3: "date: {value}"'
    assert (article.title, article.source, article.url) == ("Talks in Moscow", "Example News", "https://example.org/a")
    assert article.text[article.body_start :] == "Body starts here.\n"
    assert article.text == text


def test_front_matter_impossible_date(tmp_path):
    err = problem(write(tmp_path, "a.md", "---\ntitle: X\ndate: 2025-13-45\n---\nBody."))
    assert (err.line, err.problem) == (3, 'front matter line 3: "date: 2025-13-45": impossible date "2025-13-45": month 13 does not exist')


def test_front_matter_bad_yaml(tmp_path):
    err = problem(write(tmp_path, "a.md", "---\ntitle: [unclosed\ndate: 2025-05-08\n---\nBody."))
    assert err.problem == "front matter is not valid YAML: expected ',' or ']', but got ':'"
    assert err.line == 3


def test_lone_rule_is_not_front_matter(tmp_path):
    article = read_article(write(tmp_path, "a.md", "---\nBody with no closing rule."))
    assert (article.date, article.body_start) == (None, 0)


# --------------------------------------------------------------------------- bad files


def test_empty_file(tmp_path):
    assert problem(write(tmp_path, "a.txt", b"")).problem == "file is empty"
    assert problem(write(tmp_path, "b.txt", " \n\n\t")).problem == "file has no text (only blank space)"


def test_png_renamed_txt(tmp_path):
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 20
    assert problem(write(tmp_path, "photo.txt", png)).problem == "not a text file: it looks like a PNG image"


def test_nul_bytes(tmp_path):
    assert problem(write(tmp_path, "a.txt", b"abc\x00def")).problem == "not a text file: it contains NUL bytes (binary data)"


def test_control_characters(tmp_path):
    err = problem(write(tmp_path, "a.txt", bytes(range(1, 32)) * 4))
    assert err.problem == "not a text file: 104 of its first 124 characters are control codes"


def test_too_large_file_is_refused_without_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(100_000_000)  # sparse: no disk used
    reads: list[int] = []
    real_open = open

    class Spy:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def fileno(self):
            return self.fh.fileno()

        def read(self, n=-1):
            reads.append(n)
            return self.fh.read(n)

    monkeypatch.setattr(ingest_mod, "open", lambda p, mode: Spy(real_open(p, mode)), raising=False)
    err = problem(path)
    assert err.problem == "file is too large (100,000,000 bytes; the limit is 20,000,000 bytes)"
    assert reads == []


def test_size_limit_holds_even_if_the_size_lies(tmp_path):
    path = write(tmp_path, "a.txt", "x" * 11)
    assert problem(path, max_bytes=10).problem == "file is too large (11 bytes; the limit is 10 bytes)"
    assert read_article(path, max_bytes=11).text == "x" * 11


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    path = write(tmp_path, "a.txt", "Body.")

    def denied(p, mode):
        raise PermissionError(13, "Permission denied", str(p))

    monkeypatch.setattr(ingest_mod, "open", denied, raising=False)
    assert problem(path).problem == "cannot read file: permission denied"
    _, manifest = ingest([path])
    assert manifest[0].status is ArticleStatus.SKIPPED
    assert manifest[0].reason == f"{path.as_posix()}: cannot read file: permission denied"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files even with mode 000; covered by test_unreadable_file_simulated")
def test_unreadable_file_chmod(tmp_path):
    path = write(tmp_path, "a.txt", "Body.")
    path.chmod(0)
    try:
        assert problem(path).problem == "cannot read file: permission denied"
    finally:
        path.chmod(0o644)


# --------------------------------------------------------------------------- encodings


def test_utf8_bom(tmp_path):
    article = read_article(write(tmp_path, "a.txt", b"\xef\xbb\xbf date 2025-05-08 Body \xe2\x80\x9cquoted\xe2\x80\x9d."))
    assert article.text == " date 2025-05-08 Body \u201cquoted\u201d."
    assert (article.encoding, article.date, article.body_start) == ("utf-8-sig", D(2025, 5, 8), 17)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_bom(tmp_path, encoding):
    raw = ("\ufeff" if encoding == "utf-16-be" else "") + "Date: 2025-05-08\r\nZürich \u201cquoted\u201d.\r\n"
    article = read_article(write(tmp_path, "a.txt", raw, encoding))
    assert article.text == "Date: 2025-05-08\nZürich \u201cquoted\u201d.\n"
    assert article.encoding in ("utf-16-le", "utf-16-be")
    assert article.date == D(2025, 5, 8)
    assert article.text[article.body_start :] == "Zürich \u201cquoted\u201d.\n"


def test_cp1252_curly_quotes_and_latin1(tmp_path):
    article = read_article(write(tmp_path, "a.txt", b"He said \x93hello\x94 in Z\xfcrich.\r\n"))
    assert (article.text, article.encoding) == ("He said \u201chello\u201d in Zürich.\n", "cp1252")
    # 0x81 is undefined in cp1252: fall back to Latin-1, which never fails
    latin = read_article(write(tmp_path, "b.txt", b"Z\xfcrich \x81."))
    assert (latin.text, latin.encoding) == ("Zürich \x81.", "latin-1")


def test_newlines_normalized_consistently(tmp_path):
    article = read_article(write(tmp_path, "a.txt", "Date: 2025-05-08\r\n\r\nOne.\rTwo.\r\n"))
    assert article.text == "Date: 2025-05-08\n\nOne.\nTwo.\n"
    assert article.text[article.body_start :] == "One.\nTwo.\n"


# --------------------------------------------------------------------------- HTML


def test_raw_html_visible_text_and_meta(tmp_path):
    html = """<!DOCTYPE html>
<html><head><title>Talks in  Moscow</title>
<meta property="article:published_time" content="2025-05-08T10:00:00+03:00">
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://example.org/a">
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
<body><h1>Xi meets Putin</h1><p>Leaders met on&nbsp;Thursday.<br>They signed a&amp;statement.</p>
<p>Second   paragraph.</p><noscript>enable js</noscript></body></html>"""
    article = read_article(write(tmp_path, "a.html", html))
    # the main text (trafilatura): the stray heading outside the paragraphs and the <noscript> are not article text
    assert article.text == "Leaders met on\xa0Thursday.\nThey signed a&statement.\n\nSecond paragraph."
    assert article.body_start == 0
    assert (article.title, article.source, article.url) == ("Talks in Moscow", "Example News", "https://example.org/a")
    assert (article.date, article.date_source) == (D(2025, 5, 8), DateSource.HEADER)
    assert article.date_evidence == 'HTML meta article:published_time: "2025-05-08T10:00:00+03:00"'


def test_html_with_text_header(tmp_path):
    article = read_article(write(tmp_path, "a.txt", "<html><body><p>Date: 2025-05-08</p><p>Body.</p></body></html>"))
    assert article.text == "Date: 2025-05-08\n\nBody."
    assert article.text[article.body_start :] == "Body."
    assert article.date == D(2025, 5, 8)


def test_html_without_visible_text(tmp_path):
    err = problem(write(tmp_path, "a.html", "<!doctype html><html><head><title>T</title></head><body><script>x</script></body></html>"))
    assert err.problem == "HTML page has no visible text"


# --------------------------------------------------------------------------- ingest / collect_paths


def test_duplicate_under_two_names(tmp_path):
    write(tmp_path, "b_copy.txt", " date 2025-05-08 Same article.\n")
    write(tmp_path, "a_first.txt", " date 2025-05-08 Same article.")  # trailing newline differs: still the same
    articles, manifest = ingest([tmp_path])
    assert [a.id for a in articles] == ["a_first"]
    assert [(m.path.rsplit("/", 1)[1], m.status, m.duplicate_of) for m in manifest] == [
        ("a_first.txt", ArticleStatus.USED, None),
        ("b_copy.txt", ArticleStatus.DUPLICATE, "a_first"),
    ]
    assert manifest[1].article_id == "b_copy"


def test_ids_come_from_each_articles_own_path(tmp_path):
    """Relative to the folder given, without the extension: adding or removing other files never
    changes an article's id (the id is in every event, and caches key on it)."""
    write(tmp_path, "x/story.txt", "One.")
    write(tmp_path, "y/story.md", "Two.")
    write(tmp_path, "z/story-2.txt", "Three.")
    articles, _ = ingest([tmp_path])
    assert [(a.id, a.path.removeprefix(tmp_path.as_posix())) for a in articles] == [
        ("x/story", "/x/story.txt"),
        ("y/story", "/y/story.md"),
        ("z/story-2", "/z/story-2.txt"),
    ]
    alone, _ = ingest([tmp_path / "y"])
    assert [a.id for a in alone] == ["story"]
    named, _ = ingest([tmp_path / "y" / "story.md", tmp_path / "x"])  # two inputs that are both "story"
    assert {a.id for a in named} == {f"story@{a.sha256[:8]}" for a in named} and len(named) == 2


def test_every_input_is_accounted_for(tmp_path):
    write(tmp_path, "in/ok.txt", " date 2025-05-08 Body.")
    write(tmp_path, "in/undated.md", "Body.")
    write(tmp_path, "in/empty.txt", b"")
    write(tmp_path, "in/ignored.csv", "a,b")
    write(tmp_path, "in/.hidden.txt", "Body.")
    missing = tmp_path / "nope.txt"
    articles, manifest = ingest([tmp_path / "in", missing])
    rows = [(m.path.removeprefix(tmp_path.as_posix() + "/"), m.status, m.reason) for m in manifest]
    assert rows == [
        ("in/empty.txt", ArticleStatus.SKIPPED, f"{tmp_path.as_posix()}/in/empty.txt: file is empty"),
        ("in/ok.txt", ArticleStatus.USED, None),
        ("in/undated.md", ArticleStatus.UNDATED, None),
        ("nope.txt", ArticleStatus.SKIPPED, "no such file or folder"),
    ]
    assert [a.id for a in articles] == ["ok", "undated"]
    assert manifest[1].date_evidence == 'header line 1: "date 2025-05-08"'


def test_nested_folders_with_thousands_of_files(tmp_path):
    for i in range(2000):
        write(tmp_path, f"d{i % 7}/e{i % 3}/f{i:04d}.txt", f"Article number {i}.")
    files, skipped = collect_paths([tmp_path])
    assert len(files) == 2000 and skipped == []
    assert files == sorted(files, key=lambda p: p.parts)
    articles, manifest = ingest([tmp_path])
    assert len(articles) == 2000
    assert {m.status for m in manifest} == {ArticleStatus.UNDATED}


def test_collect_paths_is_deterministic_and_dedupes(tmp_path):
    a = write(tmp_path, "b/a.txt", "x")
    write(tmp_path, "a/z.markdown", "x")
    write(tmp_path, "a/Y.MD", "x")
    files, _ = collect_paths([tmp_path / "b", tmp_path, a])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a/Y.MD", "a/z.markdown", "b/a.txt"]


def test_file_named_directly_is_read_whatever_its_name(tmp_path):
    path = write(tmp_path, "notes.article", "Body.")
    assert collect_paths([path]) == ([path], [])


def test_symlink_loop(tmp_path):
    write(tmp_path, "top/a.txt", "Body.")
    (tmp_path / "top" / "sub").mkdir()
    (tmp_path / "top" / "sub" / "back").symlink_to(tmp_path / "top", target_is_directory=True)
    (tmp_path / "top" / "self.txt").symlink_to(tmp_path / "top" / "self.txt")
    files, skipped = collect_paths([tmp_path / "top"])
    assert [p.name for p in files] == ["a.txt"]
    assert [(m.path.removeprefix(tmp_path.as_posix()), m.status, m.reason) for m in skipped] == [
        ("/top/self.txt", ArticleStatus.SKIPPED, "symlink loop: the link points back to itself"),
        ("/top/sub/back", ArticleStatus.SKIPPED, f"symlink loop: this folder links back to {(tmp_path / 'top').as_posix()}"),
    ]


def test_broken_symlink(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    _, skipped = collect_paths([tmp_path])
    assert [m.reason for m in skipped] == ["broken symlink: it points to a file that does not exist"]


def test_unreadable_folder_simulated(tmp_path, monkeypatch):
    write(tmp_path, "ok/a.txt", "Body.")
    write(tmp_path, "locked/b.txt", "Body.")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(ingest_mod.os, "scandir", scandir)
    files, skipped = collect_paths([tmp_path])
    assert [p.name for p in files] == ["a.txt"]
    assert [(Path(m.path).name, m.reason) for m in skipped] == [("locked", "cannot read folder: permission denied")]


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert problem(fifo).problem == "not a regular file (a folder, device, pipe or socket)"
    assert collect_paths([fifo]) == ([], [ingest_mod.skipped_entry(fifo, "not a regular file (a device, pipe or socket)")])
    # inside a folder it is never opened either, but listed: a pipe named like an article is said (issue 17)
    assert collect_paths([tmp_path]) == ([], [ingest_mod.skipped_entry(fifo, "not a regular file (a device, pipe or socket)")])


def test_dateline_outlet_in_parentheses(tmp_path):
    article = read_article(write(tmp_path, "a.txt", "BEIJING (Reuters) - Chinese President Xi Jinping said."))
    assert (article.source, article.body_start) == ("Reuters", 0)


def test_unreadable_update_time_is_explained_when_undated(tmp_path):
    article = read_article(write(tmp_path, "a.txt", "Updated: 2 hours ago\nBody."))
    assert article.date is None
    assert article.date_evidence == (
        'no date in a header, front matter or HTML meta; header line 1: "Updated: 2 hours ago": '
        '"2 hours ago" is not a full date with a year; write it as YYYY-MM-DD (e.g. 2025-05-08) or pass --date'
    )
    assert article.text[article.body_start :] == "Body."


def test_nonexistent_path():
    files, skipped = collect_paths([Path("no/such/place")])
    assert files == []
    assert [(m.path, m.status, m.reason) for m in skipped] == [("no/such/place", ArticleStatus.SKIPPED, "no such file or folder")]


@pytest.mark.parametrize("key", ["a.txt", "a", "in/a.txt", "./in/a.txt", "{abs}"])
def test_user_dates_by_name_stem_or_path(tmp_path, monkeypatch, key):
    write(tmp_path, "in/a.txt", " date 2025-05-08 Body.")
    monkeypatch.chdir(tmp_path)
    key = key.format(abs=(tmp_path / "in" / "a.txt").as_posix())
    articles, manifest = ingest([Path("in")], {key: D(2025, 5, 1)})
    assert articles[0].date == D(2025, 5, 1)
    assert (manifest[0].path, manifest[0].date_source) == ("in/a.txt", DateSource.USER)
    assert manifest[0].date_evidence == 'given by the user (--date 2025-05-01); overrides header line 1: "date 2025-05-08"'


def test_user_date_for_unknown_or_ambiguous_file(tmp_path):
    write(tmp_path, "x/a.txt", "Body one.")
    write(tmp_path, "y/a.txt", "Body two.")
    with pytest.raises(UserError, match=r"--date b=2025-05-01: no input file is called 'b'"):
        ingest([tmp_path], {"b": D(2025, 5, 1)})
    with pytest.raises(UserError, match=r"'a.txt' names 2 files .*; give the path instead"):
        ingest([tmp_path], {"a.txt": D(2025, 5, 1)})


# --------------------------------------------------------------------------- property


HEADER_LINES = st.one_of(
    st.sampled_from(["date", "Date:", "DATE:", "Published:", "Updated:", "Posted on", "Title:", "By:", "---", "<html>"]).flatmap(
        lambda label: st.tuples(
            st.sampled_from([" ", "", "  "]),
            st.just(label),
            st.sampled_from([" ", ""]),
            st.one_of(
                st.sampled_from(["2025-05-08", "2025-13-45", "May 8, 2025", "08/05/2025", "yesterday", "Thursday, May 9, 2025", ""]),
                st.text(max_size=20),
            ),
        ).map("".join)
    ),
    st.text(max_size=40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(HEADER_LINES, max_size=6), body=st.text(max_size=200), newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_read_article_never_crashes(tmp_path, lines, body, newline):
    path = tmp_path / "prop.txt"
    path.write_bytes(newline.join([*lines, body]).encode("utf-8", "surrogatepass"))
    try:
        article = read_article(path)
    except InputError as err:
        assert err.problem
        return
    assert 0 <= article.body_start <= len(article.text)
    assert article.text[article.body_start :].strip()
    assert "\r" not in article.text
