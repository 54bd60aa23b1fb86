"""How many processes a build may run at once: `SHOWCASE_JOBS`, else the cores this process may use.

One answer for every stage that runs work side by side (the engine's worker pools, the search
index's Pagefind processes)."""

from __future__ import annotations

import os


def job_count(requested: int | None = None) -> int:
    if requested:
        return max(1, requested)
    configured = os.environ.get("SHOWCASE_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1
