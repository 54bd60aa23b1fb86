"""Is the published output already what these inputs make? Answered from file stats alone.

A light module on purpose: `build.py build` asks it before importing the rendering stages, so an
unchanged site costs a directory walk of the inputs and of the output, nothing more. The answer is
only trusted when every input and every output file has the size, mtime and inode the last
successful build saw (see cache.BuildStamp for the guard against timestamps too fresh to trust).
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from showcase.common.clock import consent_deadline
from showcase.common.config import Project
from showcase.common.fingerprints import generator_version, hash_parts
from showcase.engine.cache import BuildStamp, snapshot_key


def build_inputs(project: Project) -> list[Path]:
    """Folders besides content/ and data/ that the output depends on. A stage that reads another
    input (outside content/, data/, the generator's code) must add it here, or no-change builds miss it."""
    return [project.layouts_dir, project.static_dir]


def default_cache_dir(project: Project) -> Path | None:
    """`.cache/` of the project, or SHOWCASE_CACHE (a folder, or `off` to build without cache)."""
    configured = os.environ.get("SHOWCASE_CACHE", "")
    if configured.lower() in ("off", "0", "no", "false"):
        return None
    return Path(configured) if configured else project.root / ".cache"


DEFAULT_CACHE = object()  # "the project's cache folder": a caller may also pass a folder, or None for no cache


def resolve_cache_dir(project: Project, cache_dir: Path | None | object) -> Path | None:
    return default_cache_dir(project) if cache_dir is DEFAULT_CACHE else cache_dir


def cache_subdir(project: Project, name: str) -> Path | None:
    """A stage's folder in the build cache; None when the cache is off (SHOWCASE_CACHE=off)."""
    base = default_cache_dir(project)
    return base / name if base is not None else None


@dataclass
class Freshness:
    stamp: BuildStamp
    input_key: str
    newest_input_ns: int
    started_ns: int
    report: tuple | None  # (diagnostics, files, profile counts, pages) of the last build, when still current

    def record(self, out_dir: Path, diagnostics: list, files: int, profiles: tuple[int, int, int], pages: int,
               output: Mapping[str, tuple | None] | None = None) -> None:
        self.stamp.record(self.input_key, self.newest_input_ns, self.started_ns, out_dir, (diagnostics, files, profiles, pages),
                          output)


def check(content_dir: Path, out_dir: Path, project: Project, include_drafts: bool, preview: bool,
          today: datetime.date, cache_dir: Path | None) -> Freshness:
    started_ns = time.time_ns()
    snapshot, newest = snapshot_key(content_dir.resolve(), *build_inputs(project))
    # Everything else that shapes the bytes: data files (by content), code and library versions,
    # options, the dates pages are as of, and the working folder (diagnostics show paths from it).
    input_key = hash_parts(snapshot, project.fingerprint, generator_version(), str(include_drafts), str(preview),
                           today.isoformat(), consent_deadline().isoformat(), os.environ.get("SOURCE_DATE_EPOCH", ""),
                           os.getcwd())
    stamp = BuildStamp.open(cache_dir, out_dir)
    return Freshness(stamp, input_key, newest, started_ns, stamp.report_if_fresh(input_key, out_dir))
