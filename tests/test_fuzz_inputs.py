"""Property tests over what surrounds an article's text (issue 17): file names (any bytes, not only
UTF-8), YAML front matter (any key, explicit tags, odd scalars, escapes), URLs (front matter, ``URL:``
lines, ``og:url``, ``--feed-url``) and header lines (long, with escape sequences and bidi controls).

Each generated folder is built with the real command in-process (``timeline build in -o out``).
For every example: the exit code is 0 (2 only for a ``--feed-url`` the command refuses, or a folder
with no usable article, with a one-line message and nothing written), no article is reported as a bug, every file is in the manifest once, the
outputs parse, the HTML has no active markup and every link in it parses, the terminal output
carries no raw control or bidi character, and HTML and ICS carry no bidi control.

The same property runs much longer from ``scripts/fuzz.py --property inputs --examples N``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_fuzz import PAYLOADS, _schema, active_markup, date_phrase
from timeline.cli import main

BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
TAGS = ["!!int", "!!bool", "!!float", "!!timestamp", "!!binary", "!!str", "!!null", "!!set", "!!omap", "!!seq",
        "!!map", "!!pairs", "!!merge", "!!value", "!!python/name:os.system", "!custom", "!<tag:yaml.org,2002:int>", ""]
SCALARS = ["0x", "0o", "0b2", "maybe", "abc", "2025-02-30", "2025-13-45", "0000-00-00", "9999-12-31T25:61:61",
           "1" * 5000, "-" + "9" * 4400, "1e999999", ".nan", "~", "''", '"\\ud800"', '"\\udcff x"', '"\\x1b]0;t\\x07"',
           '"\\u202eevil"', "[1, [2, [3]]]", "{a: {b: c}}", "&a x", "*a", "|\n  block\n  text", "aGVsbG8=", "###",
           "2025-05-08", "May 8, 2025", "https://[x", "< >", "%", "@x", "`x`"]
KEYS = ["date", "Date", "published", "updated", "title", "url", "source", "author", "tags", "word_count", "x", "? a",
        "1", "null", "<<", "'date'", '"url"']
URLS = ["https://[x", "http://[::1", "https://[::1]:99999/", "https://a b/c", "javascript:alert(1)", "data:text/html,x",
        "https://example.org/\u202efdp.exe", "https://xn--/", "https://例子.测试/a", "https://%zz/", "https://:@/",
        "http://user:pass@host:-1/", "https://example.org/" + "a" * 3000, "https://example.org/a\x1b[2Jb", "//x",
        "https://", "https://example.org/ok?a=1&b=<2>", "HTTPS://EXAMPLE.ORG/", "https://\ufffd/"]
ESCAPE_BITS = ["\x1b]0;owned\x07", "\x1b[2J", "\x1b[31m", "\x9b", "\x07", "\x08", "\u202e", "\u2066", "\u200f",
               "\u2028", "\x7f", "\x85"]

# ---------------------------------------------------------------- strategies

name_bytes = st.binary(min_size=1, max_size=40).map(lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_")).filter(
    lambda b: not b.startswith(b".") and len(b) < 200)
file_name = st.one_of(name_bytes, st.text(min_size=1, max_size=20).map(lambda s: s.encode("utf-8", "surrogatepass")).map(
    lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_")).filter(lambda b: not b.startswith(b".") and len(b) < 200),
    st.lists(st.sampled_from([*ESCAPE_BITS, "a", "b", " "]), min_size=1, max_size=6).map(lambda p: "".join(p).encode()))
url = st.one_of(st.sampled_from(URLS), st.builds(lambda t: "https://" + t, st.text(max_size=30)),
                st.builds(lambda a, b: f"https://{a}/{b}", st.sampled_from(["[x", "[", "]", "[::1", "a]b", "x"]),
                          st.text(max_size=10)))


@st.composite
def front_matter(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        key = draw(st.sampled_from(KEYS))
        tag = draw(st.sampled_from(TAGS))
        value = draw(st.one_of(st.sampled_from(SCALARS), date_phrase(), url,
                               st.text(max_size=20).map(json.dumps)))  # a JSON string is a YAML string
        lines.append(f"{key}: {tag} {value}".rstrip())
    return "---\n" + "\n".join(lines) + "\n---\n"


@st.composite
def header_lines(draw) -> str:
    out = []
    for _ in range(draw(st.integers(0, 4))):
        label = draw(st.sampled_from(["Date", "Published", "Updated", "URL", "Title", "Source", "By"]))
        value = draw(st.one_of(date_phrase(), url, st.sampled_from(PAYLOADS),
                               st.lists(st.sampled_from([*ESCAPE_BITS, "2025-05-08", "May 8, 2025", " ", "x"]),
                                        max_size=8).map("".join),
                               st.integers(1, 3000).map(lambda n: "May 8, 2025 " + "2025 " * n)))
        out.append(f"{label}: {value}")
    return "\n".join(out) + ("\n\n" if out else "")


@st.composite
def html_page(draw) -> str:
    meta = draw(url)
    return (f'<!DOCTYPE html><html><head><meta property="og:url" content="{meta}">'
            f'<link rel="canonical" href="{draw(url)}"><meta property="article:published_time" content="2025-05-08">'
            f"<title>{draw(st.sampled_from(ESCAPE_BITS))}t</title></head>"
            f"<body><p>On May 7, 2025, envoys met {draw(st.sampled_from(ESCAPE_BITS))} in Minsk.</p></body></html>")


@st.composite
def article(draw) -> bytes:
    kind = draw(st.sampled_from(["front", "header", "html", "both", "empty"]))
    body = f"On May 7, 2025, envoys met in Minsk {draw(st.sampled_from(ESCAPE_BITS))}. The talks end tomorrow.\n"
    if kind == "empty":
        return b""
    if kind == "html":
        return draw(html_page()).encode("utf-8")
    text = (draw(front_matter()) if kind in ("front", "both") else "") + \
           (draw(header_lines()) if kind in ("header", "both") else "") + body
    return text.encode("utf-8", "surrogatepass")


inputs = given(
    files=st.lists(st.tuples(file_name, st.sampled_from([b".txt", b".md"]), article()), min_size=1, max_size=4),
    feed_url=st.one_of(st.none(), url),
)

# ---------------------------------------------------------------- the property


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links += [v or "" for k, v in attrs if k in ("href", "src")]


def raw_controls(text: str) -> list[str]:
    return sorted({f"U+{ord(c):04X}" for c in text if (unicodedata.category(c) == "Cc" and c != "\n") or c in BIDI})


def check_inputs(files, feed_url) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-inputs-") as tmp:
        root = os.fsencode(tmp)
        src = os.path.join(root, b"in")
        os.mkdir(src)
        written = set()
        for name, ext, data in files:
            path = os.path.join(src, name + ext)
            if path in written:
                continue
            with open(path, "wb") as fh:
                fh.write(data)
            written.add(path)
        out = os.path.join(os.fsdecode(root), "out")
        args = ["build", os.fsdecode(src), "-o", out] + (["--feed-url", feed_url] if feed_url is not None else [])
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert raw_controls(result.stdout) == [] and raw_controls(result.stderr) == [], (result.stdout, result.stderr)
        if result.exit_code == 2:  # a --feed-url the command refuses, or not one usable article: one line, nothing written
            assert result.stderr.count("\n") == 1, result.stderr
            assert (feed_url is not None and result.stderr.startswith("error: --feed-url")) or \
                result.stderr.startswith("error: no usable input"), result.stderr
            assert not os.path.exists(out)
            return
        assert result.exit_code == 0, result.stderr
        assert "internal error" not in result.stderr and "a bug in timeline" not in result.stderr, result.stderr

        data = json.loads(Path(out, "timeline.json").read_text("utf-8"))
        jsonschema.validate(data, _schema(), cls=jsonschema.Draft202012Validator)
        assert len(data["manifest"]) == len(written)
        assert not re.search(r"[\ud800-\udfff]", json.dumps(data, ensure_ascii=False))
        from icalendar import Calendar

        ics = Path(out, "timeline.ics").read_bytes()
        Calendar.from_ical(ics)
        page = Path(out, "timeline.html").read_text("utf-8")
        assert active_markup(page) == []
        parser = _Links()
        parser.feed(page)
        for link in parser.links:
            if link.startswith("http"):
                parts = urlsplit(link)  # raises on a link no browser could follow
                assert parts.netloc and parts.hostname is not None, link
        for shown in (unescape(page), ics.decode("utf-8")):
            assert not BIDI.intersection(shown)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@inputs
def test_odd_names_front_matter_urls_and_headers_never_crash(files, feed_url):
    check_inputs(files, feed_url)
