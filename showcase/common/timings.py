"""Where a build's time goes: with `SHOWCASE_TIMINGS=1` in the environment, each stage's end is printed
to stderr in seconds since the process started, one line per stage, so that a slow build can be
measured on the machine where it is slow (docs/benchmarks.md's timelines are made with it).

A logger, not a parameter: the stages stay pure functions of their inputs, and with the variable
unset a mark costs one level check."""

from __future__ import annotations

import logging
import os
import time

_log = logging.getLogger("showcase.common.timings")


def _process_start() -> float:
    """When this process started, on the clock of time.time(): Linux's /proc gives it in clock ticks
    (10 ms) since boot, compared here with the time since boot now (the boot time /proc/stat gives is
    rounded to the second: marks were up to a second off). It counts the interpreter's start-up and
    imports too; elsewhere, the time this module was imported."""
    try:
        with open("/proc/self/stat", "rb") as handle:
            started_ticks = int(handle.read().rpartition(b")")[2].split()[19])
        since_boot, now = time.clock_gettime(time.CLOCK_BOOTTIME), time.time()
        return now - (since_boot - started_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return _IMPORTED


_IMPORTED = time.time()
_started: list[float] = []  # found when enabled, so that a build without timings reads nothing


def enable_from(environ: os._Environ | dict) -> None:
    if environ.get("SHOWCASE_TIMINGS", "") not in ("", "0") and not _log.handlers:
        _started[:] = [_process_start()]
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(processName)s] %(message)s"))
        _log.addHandler(handler)
        _log.setLevel(logging.INFO)
        _log.propagate = False


def mark(stage: str) -> None:
    if _log.isEnabledFor(logging.INFO):
        _log.info("%8.3f s  %s", time.time() - (_started[0] if _started else _IMPORTED), stage)
