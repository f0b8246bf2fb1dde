"""Files and folders -> Article: decoded text, where the body starts, and the article's date.

Rooms by job:
* ``files``: walking folders (``collect_paths``), reading bytes, refusing binaries, decoding;
* ``metadata``: front matter and header lines, dates read strictly (never against the clock);
* ``html``: raw HTML pages, their visible text and <meta> tags;
* ``article``: one file -> one Article (``read_article``);
* ``batch``: a whole batch (``ingest``): ids, exact duplicates, the manifest; feeds and record files
  give one article per item (``path#key``), URLs are fetched (``fetch``);
* ``webpage``: a saved page's main text (trafilatura) and what its JSON-LD/<meta> say;
* ``feeds``: RSS/Atom items (feedparser); ``records``: JSONL/JSONL.gz/CSV records, one at a time;
* ``items``: one feed item or record -> one Article; ``fetch``: polite HTTP downloads (httpx);
* ``tables``: the header labels, date shapes and file signatures, loaded once per batch.

``Article.text`` is the decoded file with only the BOM removed and line ends turned into ``\\n``
(for raw HTML: the visible text), so every offset computed later indexes into it.
"""

from timeline.ingest.article import read_article
from timeline.ingest.batch import article_id, folder_extensions, ingest, ingest_records, iter_ingest
from timeline.ingest.files import collect_paths
from timeline.ingest.tables import IngestTables, load_tables

__all__ = ["IngestTables", "article_id", "collect_paths", "folder_extensions", "ingest", "ingest_records", "iter_ingest", "load_tables",
           "read_article"]
