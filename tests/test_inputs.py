"""Real inputs as newsrooms have them (issue 18): saved pages with furniture and JSON-LD, RSS and Atom
feeds (files, and URLs served by a local HTTP server on 127.0.0.1), JSONL/JSONL.gz/CSV records, a
headline-first text, syndicated copies, a folder of unusable files; the CSV and Markdown outputs
and the Python API. Nothing here needs the internet."""

from __future__ import annotations

import csv
import functools
import gzip
import http.server
import io
import json
import shutil
import threading
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from timeline import build_timeline
from timeline.cli import main
from timeline.ingest import ingest
from timeline.ingest.records import iter_records
from timeline.ingest.tables import load_tables
from timeline.models import ArticleStatus, DateSource, Timeline

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
ROOT = Path(__file__).resolve().parent.parent

FURNITURE = ("cookie", "Accept", "Related", "Rights reserved", "All rights", "Sign up", "morning briefing",
             "Subscribe", "Most read", "Comments", "delivery has been stuck", "Terms updated", "Privacy",
             "Tall ships festival returns", "Council tax", "Fed holds", "Oil tops")


def cli(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def entries_of(out: Path) -> list[dict]:
    return json.loads((out / "timeline.json").read_text("utf-8"))["entries"]


def check_offsets(timeline: Timeline, articles: dict[str, str]) -> None:
    """Every quote and date phrase slices the article text it names."""
    for e in timeline.entries:
        for s in e.sources:
            text = articles[s.article_id]
            assert text[s.quote_start:s.quote_end] == s.quote
            assert text[s.date_start:s.date_end] == s.date_text
            for c in s.copies:
                assert articles[c.article_id][c.quote_start:c.quote_end] == c.quote


# ---------------------------------------------------------------- saved web pages


def test_saved_page_main_text_only_and_json_ld(tmp_path):
    articles, manifest = ingest([FIXTURES / "saved_page.html"])
    [page] = articles
    assert page.title == "Council approves £40m harbour bridge after two-year row"
    assert page.url == "https://courier.example/news/2025/03/12/harbour-bridge-vote"
    assert page.source == "The Riverside Courier"
    assert (page.date.isoformat(), page.date_source) == ("2025-03-12", DateSource.HEADER)
    assert page.date_evidence == 'JSON-LD datePublished: "2025-03-12T18:40:00Z"'
    assert page.text[page.body_start:].startswith("Councillors in Riverside voted on Wednesday evening")
    assert not any(word in page.text for word in FURNITURE)
    result = cli("build", str(FIXTURES / "saved_page.html"), "-o", str(tmp_path), "--format", "json")
    assert result.exit_code == 0
    entries = entries_of(tmp_path)
    assert {e["when"]["value"] for e in entries} >= {"2023-03", "2025-09", "2025-03-20", "2027-SP"}
    for e in entries:
        for s in e["sources"]:
            assert not any(word in s["quote"] for word in FURNITURE), s["quote"]
            assert s["article_title"] == page.title


def test_wire_page_with_div_layout_and_json_ld_graph():
    [page], _ = ingest([FIXTURES / "wire_page.htm"])
    assert (page.title, page.source) == ("Port strike ends after deal on pay", "Global Wire")
    assert page.url == "https://globalwire.example/world/port-strike-ends-2025-03-15/"
    assert page.date.isoformat() == "2025-03-15"  # the JSON-LD NewsArticle inside @graph, as the outlet wrote it
    assert page.text.startswith("HOUSTON (Global Wire) - Dockworkers")
    assert not any(word in page.text for word in (*FURNITURE, "143 partners", "Advertisement", "Topics"))


def test_html_files_are_read_inside_folders(tmp_path):
    shutil.copy(FIXTURES / "saved_page.html", tmp_path / "a.html")
    shutil.copy(FIXTURES / "wire_page.htm", tmp_path / "b.htm")
    articles, manifest = ingest([tmp_path])
    assert sorted(a.id for a in articles) == ["a", "b"]


# ---------------------------------------------------------------- feeds


def test_rss_feed_one_article_per_item():
    articles, manifest = ingest([FIXTURES / "rss.xml"])
    by_id = {a.id: a for a in articles}
    assert sorted(by_id) == ["rss#courier-88213", "rss#tall-ships-244218c6", "rss#trust-challenge-84fd45a0"]
    item = by_id["rss#courier-88213"]
    assert item.title == "Council approves £40m harbour bridge after two-year row"
    assert item.url == "https://courier.example/news/2025/03/12/harbour-bridge-vote"
    assert (item.date.isoformat(), item.date_source) == ("2025-03-12", DateSource.FEED)
    assert item.date_evidence == 'RSS pubDate: "Wed, 12 Mar 2025 18:40:00 +0000"'
    assert item.text.startswith("Councillors in Riverside") and "<p>" not in item.text
    assert [m.path for m in manifest] == [f"{(FIXTURES / 'rss.xml').as_posix()}#{k}" for k in
                                          ("courier-88213", "tall-ships-244218c6", "trust-challenge-84fd45a0")]


def test_atom_feed_items_and_update_dates():
    articles, _ = ingest([FIXTURES / "atom.xml"])
    by_title = {a.title: a for a in articles}
    assert by_title["Bridge approved: what happens next"].date.isoformat() == "2025-03-13"
    ferry = by_title["Ferry timetable changes"]  # only <updated>
    assert ferry.date.isoformat() == "2025-03-10" and "using the update date" in ferry.date_evidence
    assert all(a.source == "Harbour Watch" for a in articles)


def test_feed_item_ids_do_not_depend_on_position(tmp_path):
    text = (FIXTURES / "rss.xml").read_text("utf-8")
    first = text.index("<item>")
    second = text.index("<item>", first + 1)
    reordered = text[:first] + text[second:text.index("</channel>")] + text[first:second] + "</channel>\n</rss>\n"
    (tmp_path / "rss.xml").write_text(reordered, "utf-8")
    assert sorted(a.id for a in ingest([tmp_path / "rss.xml"])[0]) == sorted(a.id for a in ingest([FIXTURES / "rss.xml"])[0])


# ---------------------------------------------------------------- record files


def test_jsonl_records_and_bad_lines():
    articles, manifest = ingest([FIXTURES / "records.jsonl"])
    assert [a.id for a in articles] == ["records#cms-1001", "records#cms-1002"]
    a, b = articles
    assert (a.title, a.source, a.date_source) == ("Library reopens after flood repairs", "The Riverside Courier", DateSource.RECORD)
    assert b.text.startswith("The harbour ferry will stop running on Sundays")  # from the html field
    notes = {m.path.rsplit("#", 1)[1]: (m.status, m.reason or "") for m in manifest}
    assert notes["L4"][0] == ArticleStatus.SKIPPED and "not JSON" in notes["L4"][1]
    assert notes["cms-1003"][0] == ArticleStatus.SKIPPED and "no text" in notes["cms-1003"][1]


def test_jsonl_gz_reads_like_jsonl():
    articles, _ = ingest([FIXTURES / "records.jsonl.gz"])
    assert [a.id for a in articles] == ["records#cms-1001", "records#cms-1002"]


def test_csv_records_named_directly(tmp_path):
    articles, manifest = ingest([FIXTURES / "records.csv"])
    assert [a.id for a in articles] == ["records#r1"]
    assert articles[0].title == "Market hall plans approved" and articles[0].source == "Valley News"
    bus = next(m for m in manifest if m.path.endswith("#r2"))
    assert bus.status == ArticleStatus.SKIPPED and "ambiguous date" in bus.reason


def test_record_readers_are_generators_that_stop_at_damage(tmp_path):
    good = json.dumps({"id": "a", "text": "The bridge opened on May 3, 2025."}) + "\n"
    data = gzip.compress((good * 3).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) - 8])  # the gzip trailer cut off
    records = iter_records(tmp_path / "cut.jsonl.gz", load_tables().record_field)
    assert next(records).fields["id"] == "a"  # one record at a time
    rest = list(records)
    assert rest[-1].problem and "the rest of the file was not read" in rest[-1].problem


def test_csv_in_a_folder_is_read_only_when_it_holds_articles(tmp_path):
    shutil.copy(FIXTURES / "records.csv", tmp_path / "dump.csv")
    (tmp_path / "prices.csv").write_text("name,price\napple,1\n", "utf-8")
    articles, manifest = ingest([tmp_path])
    assert [a.id for a in articles] == ["dump#r1"]
    assert not any("prices" in m.path for m in manifest)


def test_csv_without_text_column(tmp_path):
    (tmp_path / "notes.csv").write_text("name,price\napple,1\n", "utf-8")
    _, manifest = ingest([tmp_path / "notes.csv"])
    assert manifest[0].status == ArticleStatus.SKIPPED and "no text column" in manifest[0].reason


# ---------------------------------------------------------------- plain text


def test_headline_first_text_keeps_its_title(tmp_path):
    (tmp_path / "story.txt").write_text(
        "Port strike ends after deal on pay\nDate: 2025-03-15\n\n"
        "Dockworkers will return to work on Monday after a 12-day strike.\n", "utf-8")
    [a], _ = ingest([tmp_path / "story.txt"])
    assert a.title == "Port strike ends after deal on pay"
    assert a.date.isoformat() == "2025-03-15"
    assert a.text[a.body_start:].startswith("Dockworkers")
    (tmp_path / "two.txt").write_text("# Bridge vote set for March\n\nCouncillors will vote on March 12, 2025.\n", "utf-8")
    [b], _ = ingest([tmp_path / "two.txt"])
    assert b.title == "Bridge vote set for March" and b.text[b.body_start:].startswith("Councillors")


@pytest.mark.parametrize("first", ["Hong Kong\nCNN\n—\n", "Russian President Vladimir Putin met Xi Jinping in Moscow.\n\n",
                                   "Date: 2025-05-08\n\n", "Short one\n\n"])
def test_lines_that_are_not_headlines(tmp_path, first):
    (tmp_path / "a.txt").write_text(first + "They met on May 8, 2025.\n", "utf-8")
    [a], _ = ingest([tmp_path / "a.txt"])
    assert a.title is None


# ---------------------------------------------------------------- independent sources


STORY = ("Dockworkers at the Port of Houston will return to work on Monday after union leaders accepted a pay deal "
         "late on Friday, ending a 12-day strike that had stranded more than 40 container ships.\n\n"
         "The agreement raises wages by 18% over four years and must still be ratified by members in a vote "
         "scheduled for March 28.\n\nThe strike began on March 3 and was the longest at the port since 1977. "
         "Shipping lines said it would take about two weeks to clear the backlog.\n")


def _syndicated(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wire.txt").write_text("Date: 2025-03-15\n\n" + STORY, "utf-8")
    (folder / "outlet.txt").write_text("Date: 2025-03-15\n\nHOUSTON (Global Wire) - " + STORY
                                       + "\nThe port authority said on Saturday that 12 ships had already docked.\n", "utf-8")
    (folder / "other.txt").write_text("Date: 2025-03-16\n\nThe pay agreement must still be ratified by members of the union in a vote scheduled for March 28, "
                                      "officials said.\n", "utf-8")
    return folder


def test_a_syndicated_copy_is_not_a_second_source(tmp_path):
    src = _syndicated(tmp_path / "in")
    result = cli("build", str(src), "-o", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert "1 near-duplicate copy of another" in result.output
    data = json.loads((tmp_path / "out" / "timeline.json").read_text("utf-8"))
    manifest = {m["article_id"]: m for m in data["manifest"]}
    assert manifest["wire"]["copy_of"] == "outlet" and manifest["wire"]["similarity"] > 0.8  # the longer one counts
    vote = next(e for e in data["entries"] if e["when"]["value"] == "2025-03-28")
    assert sorted(s["article_id"] for s in vote["sources"]) == ["other", "outlet"]  # two independent sources
    outlet = next(s for s in vote["sources"] if s["article_id"] == "outlet")
    assert [c["article_id"] for c in outlet["copies"]] == ["wire"]
    added = next(e for e in data["entries"] if "12 ships" in e["sources"][0]["quote"])
    assert [s["article_id"] for s in added["sources"]] == ["outlet"]
    # --min-sources 2 counts independent articles: the copy does not lift a story told once
    result = cli("build", str(src), "-o", str(tmp_path / "two"), "--format", "json", "--min-sources", "2")
    kept = entries_of(tmp_path / "two")
    assert {e["when"]["value"] for e in kept} == {"2025-03-28"}
    timeline = build_timeline([src])
    check_offsets(timeline, {a: (src / f"{a}.txt").read_text("utf-8") for a in ("wire", "outlet", "other")})


def test_the_sheet_names_a_copy_under_the_quote_it_carried(tmp_path):
    from html.parser import HTMLParser

    class Copies(HTMLParser):
        """The text of every <span class="copy">, and the blockquote it sits in."""
        def __init__(self):
            super().__init__()
            self.quote, self.inside, self.found = "", 0, []

        def handle_starttag(self, tag, attrs):
            if tag == "blockquote":
                self.quote = ""
            if tag == "span" and ("class", "copy") in attrs:
                self.inside, self.text = 1, ""
            elif self.inside:
                self.inside += 1

        def handle_endtag(self, tag):
            if self.inside:
                self.inside -= 1
                if not self.inside:
                    self.found.append((self.quote, self.text))

        def handle_data(self, data):
            if self.inside:
                self.text += data
            else:
                self.quote += data

    src = _syndicated(tmp_path / "in")
    result = cli("build", str(src), "-o", str(tmp_path / "out"), "--format", "html,md")
    assert result.exit_code == 0, result.output
    parser = Copies()
    parser.feed((tmp_path / "out" / "timeline.html").read_text("utf-8"))
    vote = [text for quote, text in parser.found if "March 28" in quote]
    wire = f"also carried by {src / 'wire.txt'} (a copy)"
    assert vote and all(text == wire for text in vote)
    assert not any("other" in text for _, text in parser.found)  # an independent source is not a copy
    lines = (tmp_path / "out" / "timeline.md").read_text("utf-8").splitlines()
    quoted = next(i for i, line in enumerate(lines) if "18% over four years" in line)
    assert lines[quoted + 1] == f"  - also carried by `{src / 'wire.txt'}` (a copy)"


def test_independent_reports_of_one_story_stay_apart():
    timeline = build_timeline([ROOT / "seeds"])
    assert not any(m.copy_of for m in timeline.manifest)


# ---------------------------------------------------------------- an empty build


def test_folder_of_unusable_files_exits_2_and_keeps_outputs(tmp_path):
    out = tmp_path / "out"
    assert cli("build", str(ROOT / "seeds"), "-o", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (bad / "notes.pdf").write_bytes(b"%PDF-1.4")  # not read inside a folder
    result = CliRunner().invoke(main, ["build", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert "no usable input: 2 input(s) found" in result.stderr and "file is empty" in result.stderr
    assert "PNG image" in result.stderr and "earlier outputs are left as they were" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    (nothing / "data.bin").write_bytes(b"\x00")
    result = CliRunner().invoke(main, ["build", str(nothing), "-o", str(out)])
    assert result.exit_code == 2 and "no article files found" in result.stderr and ".html" in result.stderr


# ---------------------------------------------------------------- over HTTP, from a local server


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path):
    """A real HTTP server on 127.0.0.1 serving a feed whose items link to pages (one missing)."""
    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    shutil.copy(FIXTURES / "saved_page.html", site / "news" / "bridge.html")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    base = f"http://127.0.0.1:{srv.server_port}"
    rss = (FIXTURES / "rss.xml").read_text("utf-8")
    rss = rss.replace("https://courier.example/news/2025/03/12/harbour-bridge-vote", f"{base}/news/bridge.html")
    rss = rss.replace("https://courier.example/news/2025/03/13/trust-challenge", f"{base}/news/missing.html")
    (site / "feed.xml").write_text(rss, "utf-8")
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield base
    srv.shutdown()
    srv.server_close()


def test_feed_url_and_fetched_pages(server, tmp_path):
    result = CliRunner().invoke(main, ["build", f"{server}/feed.xml", "--fetch", "-o", str(tmp_path / "out"),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert f"linked page {server}/news/missing.html not fetched (HTTP 404" in result.stderr
    data = json.loads((tmp_path / "out" / "timeline.json").read_text("utf-8"))
    manifest = {m["article_id"]: m for m in data["manifest"]}
    host = server.removeprefix("http://")
    assert len(manifest) == 3 and f"{host}/feed#courier-88213" in manifest
    assert all(m["status"] == "used" for m in manifest.values())
    quotes = [s["quote"] for e in data["entries"] for s in e["sources"]]
    assert any("Construction firm Halden & Moss" in q for q in quotes)  # only on the fetched page, not in the feed
    assert not any(word in q for q in quotes for word in FURNITURE)


def test_unreachable_url_is_skipped_with_its_reason(server, tmp_path):
    result = CliRunner().invoke(main, ["build", f"{server}/gone.xml", str(FIXTURES / "atom.xml"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0
    assert f"{server}/gone.xml: HTTP 404" in result.stderr


# ---------------------------------------------------------------- outputs that validate, CSV and Markdown


def test_json_of_every_input_kind_validates_against_its_schema(tmp_path):
    assert cli("build", str(FIXTURES), str(FIXTURES / "records.csv"), "-o", str(tmp_path), "--format", "json").exit_code == 0
    schema = json.loads((tmp_path / "timeline.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(json.loads((tmp_path / "timeline.json").read_text("utf-8")))
    seeds_schema = json.loads((ROOT / "dist" / "timeline.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(seeds_schema).validate(json.loads((ROOT / "dist" / "timeline.json").read_text("utf-8")))


def test_csv_has_one_row_per_entry_and_source(tmp_path):
    assert cli("build", str(ROOT / "seeds"), "-o", str(tmp_path), "--format", "csv,json").exit_code == 0
    raw = (tmp_path / "timeline.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    data = json.loads((tmp_path / "timeline.json").read_text("utf-8"))
    assert len(rows) == sum(len(e["sources"]) for e in data["entries"])
    assert {"date", "precision", "title", "status", "confidence", "article", "url", "quote"} <= set(rows[0])
    first = data["entries"][0]
    assert (rows[0]["date"], rows[0]["title"], rows[0]["quote"]) == (first["when"]["value"], first["title"], first["sources"][0]["quote"])


def test_csv_cells_never_run_as_formulas(tmp_path):
    timeline = build_timeline([{"text": "=HYPERLINK(\"x\") said the council met on May 3, 2025.", "date": "2025-05-08",
                                "title": "@SUM(A1)", "url": "https://example.org/a"}])
    from timeline.export.table import render_csv

    rows = list(csv.DictReader(io.StringIO(render_csv(timeline))))
    assert rows and rows[0]["article_title"] == "'@SUM(A1)" and rows[0]["quote"].startswith("'=")


def test_markdown_briefing_escapes_article_text(tmp_path):
    timeline = build_timeline([{"text": "On May 3, 2025, [a link](javascript:x) and <b>bold</b> met.", "date": "2025-05-08",
                                "title": "# Not a heading", "url": "https://example.org/a"}])
    from timeline.export.markdown import render_markdown

    text = render_markdown(timeline)
    assert "\\[a link\\]\\(javascript:x\\)" in text and "\\<b\\>" in text
    assert "\n# Not a heading" not in text and "[\\# Not a heading](<https://example.org/a>)" in text


def test_markdown_briefing_names_a_syndicated_copy(tmp_path):
    src = _syndicated(tmp_path / "in")
    result = cli("build", str(src), "-o", str(tmp_path / "out"), "--format", "md")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "timeline.md").read_text("utf-8")
    assert f"  - also carried by `{src / 'wire.txt'}` (a copy)\n" in text


# ---------------------------------------------------------------- the Python API


def test_build_timeline_from_records_and_paths():
    timeline = build_timeline([
        FIXTURES / "wire_page.htm",
        {"text": "The port reopened on March 17, 2025, after the strike.", "date": "2025-03-18",
         "title": "Port reopens", "url": "https://example.org/port", "id": "port-1"},
        {"text": "Ships queued on March 16, 2025.", "date": "2025-03-18"},
    ])
    assert isinstance(timeline, Timeline)
    ids = {m.article_id for m in timeline.manifest}
    assert {"wire_page", "records#port-1"} <= ids and any(i.startswith("records#r") for i in ids)
    rows = [{"date": e.when.value, "title": e.title, "sources": len(e.sources), "article": s.article_id, "quote": s.quote}
            for e in timeline.entries for s in e.sources]  # what the README turns into a pandas DataFrame
    assert any(r["article"] == "records#port-1" and r["date"] == "2025-03-17" for r in rows)
