"""Where the per-article steps run: in this process, in worker processes on this machine, or on Dask.

Every engine maps ``analyze_packed`` (``pipeline.analyze_article`` and ``compact.pack``, as JSON
bytes) over chunks of articles and yields each chunk with its results as they finish, in any
order; the pipeline puts them back in article-id order, so the outputs never depend on which
worker finished first. The language data is loaded once per worker: a process pool gets the
``Resources`` once through its initializer, a Dask cluster once per worker by ``scatter``.

Worker processes are started with ``spawn`` (a fresh interpreter, as on macOS and Windows), so
nothing depends on state inherited by ``fork``. Only a bounded number of chunks is in flight,
so articles are read only as fast as they are analysed and memory stays flat.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from timeline.compact import PACK_VERSION, dumps, pack, pack_sketch
from timeline.errors import UserError
from timeline.models import Article
from timeline.resources import Resources

ENGINES = ("local", "dask")
IN_FLIGHT_PER_WORKER = 4  # chunks queued per worker: enough to keep it busy, few enough to bound memory

Chunk = list[Article]


def analyze_packed(articles: Sequence[Article], resources: Resources) -> list[bytes]:
    """The per-article steps on each article and the sketch that finds its near-duplicates, each result
    packed (JSON bytes): small to send back, and what the cache keeps."""
    from timeline.briefing import article_facts
    from timeline.neardup import sketch
    from timeline.pipeline import analyze_article, failure_reason

    out = []
    for article in articles:
        try:
            analysis = analyze_article(article, resources)
            packed = pack(analysis, article_facts(article, analysis.events, resources.rules.language, resources.events))
        except Exception as exc:  # noqa: BLE001 - the fault boundary of one article: the batch goes on
            out.append(dumps({"v": PACK_VERSION, "failed": failure_reason(exc)}))
            continue
        packed["sketch"] = pack_sketch(sketch(article.text[article.body_start:]))
        out.append(dumps(packed))
    return out


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class Engine(Protocol):
    workers: int

    def map(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, list[bytes]]]: ...

    def close(self) -> None: ...


class InProcess:
    """``--jobs 1``: this process, one article after the other."""

    workers = 1

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def map(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, list[bytes]]]:
        for chunk in chunks:
            yield chunk, analyze_packed(chunk, self.resources)

    def close(self) -> None:
        pass


# --------------------------------------------------------------------------- worker processes

_worker_resources: Resources | None = None  # set once in each worker process by its initializer


def _init_worker(resources: Resources) -> None:
    global _worker_resources
    _worker_resources = resources


def _worker_chunk(chunk: Chunk) -> list[bytes]:
    assert _worker_resources is not None, "worker started without its resources"
    return analyze_packed(chunk, _worker_resources)


def _bounded(submit: Any, wait_one: Any, chunks: Iterable[Chunk], limit: int) -> Iterator[tuple[Chunk, Any]]:
    """Submit chunks, at most ``limit`` pending at once; yield (chunk, finished future) as they finish."""
    pending: dict[Any, Chunk] = {}
    source = iter(chunks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < limit:
            chunk = next(source, None)
            if chunk is None:
                exhausted = True
                break
            pending[submit(chunk)] = chunk
        if not pending:
            return
        for future in wait_one(list(pending)):
            yield pending.pop(future), future


class ProcessPool:
    """``--jobs N``: N worker processes on this machine."""

    def __init__(self, resources: Resources, workers: int) -> None:
        self.workers = workers
        self.pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_init_worker, initargs=(resources,))

    def map(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, list[bytes]]]:
        def wait_one(futures: list[cf.Future]) -> set[cf.Future]:
            return cf.wait(futures, return_when=cf.FIRST_COMPLETED).done

        for chunk, future in _bounded(lambda c: self.pool.submit(_worker_chunk, c), wait_one, chunks,
                                      self.workers * IN_FLIGHT_PER_WORKER):
            yield chunk, future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------- Dask


def _dask_chunk(chunk: Chunk, resources: Resources) -> list[bytes]:
    return analyze_packed(chunk, resources)


class DaskEngine:
    """``--engine dask``: the chunks are tasks on a dask.distributed cluster; with no ``scheduler``
    address, a local cluster of ``workers`` processes (loopback only, no dashboard)."""

    def __init__(self, resources: Resources, workers: int, scheduler: str | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise UserError("--engine dask needs Dask: pip install 'timeline[dask]'") from None
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise UserError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})") from None
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, host="127.0.0.1")
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        self.resources = self.client.scatter(resources, broadcast=True)

    def map(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, list[bytes]]]:
        from dask.distributed import wait

        def wait_one(futures: list[Any]) -> set[Any]:
            return wait(futures, return_when="FIRST_COMPLETED").done

        for chunk, future in _bounded(lambda c: self.client.submit(_dask_chunk, c, self.resources, pure=False),
                                      wait_one, chunks, self.workers * IN_FLIGHT_PER_WORKER):
            result = future.result()
            future.release()
            yield chunk, result

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def start_engine(resources: Resources, jobs: int | None = None, engine: str = "local",
                 scheduler: str | None = None) -> Engine:
    """The engine a build asked for. ``jobs``: worker processes (default: this machine's cores)."""
    if engine not in ENGINES:
        raise UserError(f"--engine {engine!r}: choose {' or '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise UserError("--scheduler needs --engine dask")
    workers = jobs or default_jobs()
    if engine == "dask":
        return DaskEngine(resources, workers, scheduler)
    if workers <= 1:
        return InProcess(resources)
    return ProcessPool(resources, workers)


def chunked(items: Iterable[Article], size: int) -> Iterator[Chunk]:
    chunk: Chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
