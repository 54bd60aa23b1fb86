"""Work a build does beside its stages, in other processes, so that the stages do not wait for it:
the listing of the published folder, the spare tree the next swap will fill, and the spool folder
large pages are written to by the render workers.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from showcase.common import timings
from showcase.common.fingerprints import file_signatures
from showcase.engine.writer import needs_spare, prepare_spare


def spool_folder(out_dir: Path) -> tempfile.TemporaryDirectory:
    """A scratch folder beside the output (same disk) for the pages too large to pass between processes."""
    for stale in out_dir.parent.glob(f".{out_dir.name}.spool-*"):  # left by a killed build
        if stale.is_dir() and time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=f".{out_dir.name}.spool-", dir=out_dir.parent)


LISTING_APART_MIN = 2000  # published files from which the output is listed in a process of its own


@contextlib.contextmanager
def listed_in_background(out_dir: Path, expected_files: int) -> Iterator[Callable[[], dict]]:
    """cache.file_signatures(out_dir), made by a forked process while this one builds the site model
    (at 10,000 profiles, 24,000 files: 0.5 s of system calls the model build would otherwise wait
    for); the callable waits for it. A small site is listed when asked: a fork costs more."""
    if expected_files < LISTING_APART_MIN or "fork" not in multiprocessing.get_all_start_methods():
        yield functools.partial(file_signatures, out_dir)
        return
    # No collection in the child: it would touch every object inherited from this process, and so copy them.
    with multiprocessing.get_context("fork").Pool(1, initializer=gc.disable) as pool:
        pending = pool.apply_async(file_signatures, (out_dir,))
        yield pending.get


@contextlib.contextmanager
def spare_in_background(out_dir: Path) -> Iterator[None]:
    """writer.prepare_spare, in a forked process while this one renders, finished on leaving. A process,
    not a thread: a thread would wait for the interpreter lock between each of its 40,000 system calls."""
    if "fork" not in multiprocessing.get_all_start_methods() or not needs_spare(out_dir):
        yield
        return
    process = multiprocessing.get_context("fork").Process(target=prepare_spare, args=(out_dir,), daemon=True)
    process.start()
    timings.mark("spare tree started")
    try:
        yield
    finally:
        process.join()
