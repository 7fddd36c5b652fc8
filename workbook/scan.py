"""Reading a folder's files in worker processes, each bounded in memory and time, so one
damaged or hostile file is reported and the others go on.

Workers are forked with the catalogue (``_init_worker``) and check each identified return as
they read it (``reader.read_file`` then ``returns.check_return``); a worker that dies or runs
over its time is replaced and its file reported. Results arrive in the main process through
``on_result`` as they come.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import multiprocessing.pool as mp_pool
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbook import problems as codes
from workbook.catalogue import Catalogue
from workbook.layout import IDENTITY_FORMAT
from workbook.reader import RawReturn, read_file
from workbook.returns import check_return

# what a worker got when it started: the catalogue and the period
_WORKER: dict[str, Any] = {}

MEMORY_LIMIT_BYTES = 1_500_000_000


def _init_worker(limit: int, cat: Catalogue | None, period_code: str) -> None:
    """Cap the worker's memory and give it the catalogue once (not once per file). Ctrl-C is
    the main process's to handle: a worker ignores it, and is ended by the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(cat=cat, period=period_code)
    # What the worker inherited (the catalogue above all) lives until it exits: keep it out
    # of the collector's full passes, which otherwise walk it again and again.
    gc.freeze()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on Windows; best effort elsewhere
        pass


def _read_and_check(path: str) -> RawReturn:
    """The worker's job: read a file and, when it names a known unit, check it too, so the
    checking runs on both cores; the grid, formats and formula cells are dropped once
    checked."""
    raw = read_file(path)
    cat = _WORKER.get("cat")
    if (
        cat is not None
        and not raw.error
        and raw.identity.get("format") == IDENTITY_FORMAT
        and cat.has_unit(raw.identity.get("unit", ""))
    ):
        raw.checked = check_return(raw, cat, _WORKER["period"])
        # checked: what was read for the check stays here (7.5 KB -> 4.5 KB to pickle)
        raw.grid, raw.formats, raw.formula_cells, raw.columns = [], {}, [], {}
    return raw


def _rejected(path: Path, code: str, message: str) -> RawReturn:
    return RawReturn(path=str(path), error_code=code, error=message)


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
    A file over ``max_bytes`` is not opened. A file that takes too long or kills its worker is
    reported and the pool is restarted for the rest. ``on_result`` is called in this process
    for each result as it arrives, so checking one file overlaps with reading the next ones.
    Returns results in the order of ``paths``.
    """
    results = _Results(on_result)
    todo = []
    for p in paths:
        try:
            size = p.stat().st_size
        except OSError as exc:
            results[str(p)] = _rejected(p, codes.FILE_UNREADABLE, f"无法读取文件：{exc}")
            continue
        if size > max_bytes:
            results[str(p)] = _rejected(
                p,
                codes.FILE_TOO_LARGE,
                f"文件过大（{size // 1_000_000} MB，上限 {max_bytes // 1_000_000} MB），未打开。",
            )
        else:
            todo.append(str(p))
    n = workers or min(2, os.cpu_count() or 1)
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    while todo:
        pool = _QuietPool(
            processes=max(1, min(n, len(todo))),
            initializer=_init_worker,
            initargs=(memory_limit, cat, period_code),
            context=ctx,
        )
        try:
            todo, broken = _collect(pool, todo, results, seconds)
        except BaseException:  # Ctrl-C or a failing callback: no worker outlives the run
            pool.terminate()
            pool.join()
            raise
        if broken:
            pool.terminate()
        else:
            pool.close()
        pool.join()
    return [results[str(p)] for p in paths]


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
    pool: Any, keys: list[str], results: _Results, seconds: float
) -> tuple[list[str], bool]:
    """Results of ``keys`` from ``pool``; returns the keys to retry in a new pool (after one
    timed out) and whether the pool is broken."""
    jobs = [(key, pool.apply_async(_read_and_check, (key,))) for key in keys]
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
