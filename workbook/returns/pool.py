"""Reading a folder's files in worker processes, each bounded in memory and time, so one
damaged or hostile file is reported and the others go on.

Workers check each identified return as they read it (``reader.read_file`` then
``returns.check_return``) once they have the catalogue: inherited when they are forked after
it is loaded, else handed over when it is (``ReaderPool.supply``) — a run starts reading before
its catalogue is loaded, and what was read before that is checked in the main process. A
worker that dies or runs over its time is replaced and its file reported. Results arrive in
the main process through ``on_result`` as they come.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import multiprocessing.pool as mp_pool
import os
import pickle
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbook.catalogue.model import Catalogue
from workbook.core import problems as codes
from workbook.core.layout import IDENTITY_FORMAT
from workbook.returns.filechecks import check_return
from workbook.returns.read import RawReturn, read_file

# what a worker got when it started: the catalogue (or how it will get it) and the period
_WORKER: dict[str, Any] = {}

MEMORY_LIMIT_BYTES = 1_500_000_000


class _Handoff:
    """The catalogue for workers started before it was loaded: pickled to a private temporary
    file once loaded (0.9 MB and 7 ms for 1,000 units, whose equal targets are shared), then
    an event is set; each worker loads it before its next check."""

    def __init__(self, ctx: Any) -> None:
        self.event = ctx.Event()
        fd, self.path = tempfile.mkstemp(prefix="shishi-catalogue-", suffix=".pickle")
        os.close(fd)

    def give(self, cat: Catalogue) -> None:
        with open(self.path, "wb") as f:
            pickle.dump(cat, f, protocol=pickle.HIGHEST_PROTOCOL)
        self.event.set()

    def take(self) -> Catalogue | None:
        if not self.event.is_set():
            return None
        with open(self.path, "rb") as f:
            cat: Catalogue = pickle.load(f)
        return cat

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _init_worker(
    limit: int, cat: Catalogue | None, period_code: str, handoff: _Handoff | None = None
) -> None:
    """Cap the worker's memory and give it the catalogue once (not once per file). Ctrl-C is
    the main process's to handle: a worker ignores it, and is ended by the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(cat=cat, period=period_code, handoff=handoff)
    # What the worker inherited (the catalogue above all) lives until it exits: keep it out
    # of the collector's full passes, which otherwise walk it again and again.
    gc.freeze()
    try:
        import resource  # Unix only

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on Windows; best effort elsewhere
        pass


def _worker_catalogue() -> Catalogue | None:
    """The catalogue this worker checks with: inherited, handed over, or not yet there."""
    cat: Catalogue | None = _WORKER.get("cat")
    if cat is None and _WORKER.get("handoff") is not None:
        cat = _WORKER["cat"] = _WORKER["handoff"].take()
        if cat is not None:
            gc.freeze()  # kept until the worker exits, like an inherited one
    return cat


def _read_and_check(path: str) -> RawReturn:
    """The worker's job: read a file and, when it names a known unit, check it too, so the
    checking runs on both cores; the grid, formats and formula cells are dropped once
    checked."""
    raw = read_file(path)
    if raw.error or raw.identity.get("format") != IDENTITY_FORMAT:
        return raw
    cat = _worker_catalogue()
    if cat is not None and cat.has_unit(raw.identity.get("unit", "")):
        raw.checked = check_return(raw, cat, _WORKER["period"])
        # checked: what was read for the check stays here (the extra sheets' grids too:
        # 10.8 KB -> 7.2 KB to pickle per return, at 1,000 returns 3.6 MB less through the pipes)
        raw.grid, raw.formats, raw.formula_cells, raw.columns = [], {}, [], {}
        raw.extras = {}
    return raw


def _rejected(path: Path, code: str, message: str) -> RawReturn:
    return RawReturn(path=str(path), error_code=code, error=message)


class ReaderPool:
    """A folder's files being read by bounded workers, from the moment it is made.

    Without ``cat``, the reading starts before the catalogue is loaded and the workers check
    nothing until ``supply`` hands it over. ``collect`` waits for every result; ``close``
    ends the workers (``with`` does it).
    """

    def __init__(
        self,
        paths: list[Path],
        max_bytes: int,
        seconds: float,
        workers: int | None = None,
        memory_limit: int = MEMORY_LIMIT_BYTES,
        cat: Catalogue | None = None,
        period_code: str = "",
    ) -> None:
        self.paths, self.seconds, self.memory_limit = paths, seconds, memory_limit
        self.cat, self.period_code = cat, period_code
        self.refused: dict[str, RawReturn] = {}
        todo = []
        for p in paths:
            try:
                size = p.stat().st_size
            except OSError as exc:
                self.refused[str(p)] = _rejected(p, codes.FILE_UNREADABLE, f"无法读取文件：{exc}")
                continue
            if size > max_bytes:
                self.refused[str(p)] = _rejected(
                    p,
                    codes.FILE_TOO_LARGE,
                    f"文件过大（{size // 1_000_000} MB，上限 {max_bytes // 1_000_000} MB），"
                    "未打开。",
                )
            else:
                todo.append(str(p))
        self.n = workers or min(2, os.cpu_count() or 1)
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self.ctx = mp.get_context(method)
        self.handoff = _Handoff(self.ctx) if cat is None and todo else None
        self.pool: Any = None
        self.jobs: list[tuple[str, Any]] = []
        if todo:
            self._start(todo, self.handoff)

    def _start(self, keys: list[str], handoff: _Handoff | None) -> None:
        self.pool = _QuietPool(
            processes=max(1, min(self.n, len(keys))),
            initializer=_init_worker,
            initargs=(self.memory_limit, self.cat, self.period_code, handoff),
            context=self.ctx,
        )
        self.jobs = [(key, self.pool.apply_async(_read_and_check, (key,))) for key in keys]

    def supply(self, cat: Catalogue) -> None:
        """The catalogue, now loaded: the workers check every return they read from now on."""
        self.cat = cat
        if self.handoff is not None and not self.handoff.event.is_set():
            self.handoff.give(cat)

    def collect(self, on_result: Callable[[RawReturn], None] | None = None) -> list[RawReturn]:
        """Every file's result, in the order of ``paths``; ``on_result`` is called in this
        process for each as it arrives, so checking one file overlaps with reading the next.
        A file that takes too long or kills its worker is reported and the pool is restarted
        for the rest."""
        results = _Results(on_result)
        for key, raw in self.refused.items():
            results[key] = raw
        while self.jobs:
            try:
                todo, broken = _collect(self.jobs, results, self.seconds)
            except BaseException:  # Ctrl-C or a failing callback: no worker outlives the run
                self.close()
                raise
            if broken:
                self.pool.terminate()
            else:
                self.pool.close()
            self.pool.join()
            self.pool, self.jobs = None, []
            if todo:  # a new pool, forked with the catalogue when there is one
                self._start(todo, None if self.cat else self.handoff)
        return [results[str(p)] for p in self.paths]

    def close(self) -> None:
        """End the workers (whatever they were doing) and remove the handed-over catalogue."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
        self.jobs = []
        if self.handoff is not None:
            self.handoff.remove()

    def __enter__(self) -> ReaderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def scan(
    paths: list[Path],
    max_bytes: int,
    seconds: float,
    workers: int | None = None,
    memory_limit: int = MEMORY_LIMIT_BYTES,
    on_result: Callable[[RawReturn], None] | None = None,
    cat: Catalogue | None = None,
    period_code: str = "",
) -> list[RawReturn]:
    """Read every file, each in a worker bounded by ``memory_limit`` and ``seconds``.

    With ``cat``, workers also check each identified return against it (``RawReturn.checked``).
    A file over ``max_bytes`` is not opened. Returns results in the order of ``paths``.
    """
    with ReaderPool(paths, max_bytes, seconds, workers, memory_limit, cat, period_code) as r:
        return r.collect(on_result)


class _QuietPool(mp_pool.Pool):
    """A Pool whose worker-handler thread wakes when a worker exits or the pool changes, not
    on every result. CPython's Pool (3.8-3.13) also waits on the result queue in that thread,
    so with 1,000 results it looped through about 0.8 s of the main process's CPU, taken from
    the two cores the readers run on. Dead workers are still replaced: the thread still
    watches every worker's sentinel. (A private hook of CPython's Pool; tests/test_consolidate
    .py checks that a worker dying mid-task is replaced and that a hanging file times out.)"""

    def _get_sentinels(self) -> list[Any]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]


def _collect(
    jobs: list[tuple[str, Any]], results: _Results, seconds: float
) -> tuple[list[str], bool]:
    """The results of ``jobs`` (key, async result); returns the keys to retry in a new pool
    (after one timed out) and whether the pool is broken."""
    todo: list[str] = []
    broken = False
    for key, job in jobs:
        if broken:
            if job.ready():
                try:
                    results[key] = job.get(0)
                except Exception:
                    todo.append(key)
            else:
                todo.append(key)
            continue
        try:
            results[key] = job.get(timeout=seconds)
        except mp.TimeoutError:
            results[key] = _rejected(
                Path(key),
                codes.FILE_TIMEOUT,
                f"读取超过 {seconds:g} 秒仍未完成（文件可能已损坏或过于复杂），已跳过。",
            )
            broken = True
        except Exception as exc:  # MemoryError and anything else from the worker
            results[key] = _rejected(
                Path(key), codes.FILE_DAMAGED, f"读取时出错：{type(exc).__name__}: {str(exc)[:200]}"
            )
    return todo, broken


class _Results(dict[str, RawReturn]):
    """Scan results that are handed to a callback as they are stored."""

    def __init__(self, on_result: Callable[[RawReturn], None] | None) -> None:
        super().__init__()
        self.on_result = on_result

    def __setitem__(self, key: str, value: RawReturn) -> None:
        super().__setitem__(key, value)
        if self.on_result is not None:
            self.on_result(value)
