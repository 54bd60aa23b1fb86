"""Run a pure per-item function over many items, across the machine's cores when it pays.

Starting worker processes costs tens of milliseconds, so small batches stay in this process.
Results come back in the order of the items, so the output never depends on scheduling.
Set SHOWCASE_JOBS=1 to force serial work, SHOWCASE_PARALLEL_MIN=0 to force a pool (tests compare both).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence

from showcase.common.cores import job_count

PARALLEL_THRESHOLD = 300  # items below which a pool costs more than it saves
_worker_state: dict = {}  # per worker process: the state its initializer made


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic garbage collection inside: for stages that build or unpickle large, long-lived
    structures with few reference cycles (the profiles, the site model, the manifests). Each time
    allocations pass a threshold, the collector walks the objects made since, and as they grow,
    every object: 0.5 s of loading 10,000 profiles and 0.6 s of building their site model. The
    cycles made inside are collected after, as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_collection(function: Callable) -> Callable:
    """`function` run with the collector paused (collector_paused)."""
    @functools.wraps(function)
    def paused(*args, **kwargs):
        with collector_paused():
            return function(*args, **kwargs)
    return paused


def _initialize(make_state: Callable, args: tuple, niceness: int) -> None:
    gc.enable()  # a pool started inside collector_paused: its workers run long and make garbage
    if niceness:
        os.nice(niceness)
    _worker_state["state"] = make_state(*args)


def _call(function: Callable, item: object) -> object:
    return function(_worker_state["state"], item)


def _call_chunk(payload: tuple) -> list:
    function, items = payload
    return [_call(function, item) for item in items]


def parallel_map(function: Callable, items: Sequence, make_state: Callable, args: tuple = (),
                 jobs: int | None = None, threshold: int = PARALLEL_THRESHOLD, costs: Sequence[float] | None = None,
                 niceness: int = 0) -> list:
    """[function(state, item) for item in items], state = make_state(*args) once per process.
    `costs`: the items' expected relative costs, when they differ much (pages of a dozen cards and
    yearbooks of thousands of entries): each item is then a task of its own and the costliest go
    first, so that no core is left with the big ones at the end (longest-processing-time-first).
    `niceness`: added to the worker processes' (never this process's), so that other work running
    at the same time goes first."""
    jobs = job_count(jobs)
    configured = os.environ.get("SHOWCASE_PARALLEL_MIN", "")
    threshold = int(configured) if configured.isdigit() else threshold
    if jobs == 1 or len(items) < threshold or "fork" not in multiprocessing.get_all_start_methods():
        state = make_state(*args)
        return [function(state, item) for item in items]
    if costs is not None:
        order = sorted(range(len(items)), key=lambda index: -costs[index])
        chunks = [(function, [items[index]]) for index in order]
    else:
        size = max(1, min(200, len(items) // (jobs * 4) or 1))
        order = None
        chunks = [(function, items[start:start + size]) for start in range(0, len(items), size)]
    # fork: the workers inherit the project data instead of receiving it pickled. gc.freeze: the
    # workers' garbage collector then leaves the inherited objects alone instead of touching (and so
    # copying) every page of them; the site model would otherwise be copied into each worker.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_initialize, initargs=(make_state, args, niceness)) as pool:
            results = pool.map(_call_chunk, chunks, chunksize=1)
    finally:
        gc.unfreeze()
    if order is not None:
        placed: list = [None] * len(items)
        for index, (result,) in zip(order, results, strict=True):
            placed[index] = result
        return placed
    return [result for chunk in results for result in chunk]
