"""Downloading feeds and pages over HTTP(S), politely: one request at a time, a timeout, a user agent.

Used for feed URLs given as inputs and, with ``--fetch``, for the pages a feed's items link to.
Every failure is returned as a plain sentence naming the URL (``HTTP 404 Not Found``, ``no answer
within 15 s``, ``cannot connect: ...``), never raised, so one dead link costs one article, not the
build. Responses are read up to a size limit and never past it. Only ``http`` and ``https`` URLs
are fetched. The client is created per call: no module state, no cookies kept between builds.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

__all__ = ["Fetched", "fetch_all", "is_url", "user_agent"]

TIMEOUT_S = 15.0  # per request: connecting, and each wait for more bytes
CONNECT_TIMEOUT_S = 10.0
MAX_REDIRECTS = 5
SAME_HOST_INTERVAL_S = 0.5  # at least this long between two requests to one host


def is_url(value: str) -> bool:
    return urlsplit(str(value)).scheme.lower() in ("http", "https") and bool(urlsplit(str(value)).netloc)


def user_agent() -> str:
    try:
        v = version("timeline")
    except PackageNotFoundError:  # running from a source tree
        v = "dev"
    return f"timeline/{v} (news timeline builder; python-httpx)"


@dataclass(frozen=True)
class Fetched:
    url: str  # as asked for
    final_url: str | None = None  # after redirects
    content: bytes = b""
    content_type: str = ""
    error: str | None = None  # why nothing usable came back


def _problem(exc: Exception, timeout: float) -> str:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {exc}" if str(exc) else "cannot connect"
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return "not an http(s) URL"
    return f"download failed: {exc.__class__.__name__}: {exc}" if str(exc) else f"download failed: {exc.__class__.__name__}"


def fetch_all(urls: Iterable[str], max_bytes: int, timeout: float = TIMEOUT_S,
              same_host_interval: float = SAME_HOST_INTERVAL_S) -> Iterator[Fetched]:
    """Fetch each URL in turn (one connection pool, one request at a time), yielding as they finish."""
    import httpx

    last_at: dict[str, float] = {}
    limits = httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_S))
    headers = {"User-Agent": user_agent(),
               "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5"}
    with httpx.Client(follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=limits, headers=headers,
                      trust_env=True) as client:
        for url in urls:
            if not is_url(url):
                yield Fetched(url, error="not an http(s) URL")
                continue
            host = urlsplit(url).netloc.lower()
            wait = last_at.get(host, -1e9) + same_host_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                with client.stream("GET", url) as response:
                    if response.status_code >= 400:
                        reason = response.reason_phrase or ""
                        yield Fetched(url, str(response.url), error=f"HTTP {response.status_code} {reason}".strip())
                        continue
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            break
                        chunks.append(chunk)
                    if size > max_bytes:
                        yield Fetched(url, str(response.url), error=f"more than the limit of {max_bytes:,} bytes")
                        continue
                    yield Fetched(url, str(response.url), b"".join(chunks),
                                  response.headers.get("content-type", "").split(";")[0].strip().lower())
            except httpx.HTTPError as exc:
                yield Fetched(url, error=_problem(exc, timeout))
            except (OSError, ValueError) as exc:
                yield Fetched(url, error=f"download failed: {exc}")
            finally:
                last_at[host] = time.monotonic()
