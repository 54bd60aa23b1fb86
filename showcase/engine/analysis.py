"""The analysis of every profile, fast: each file's result (source.content.analyse_profile) is kept in
the profile cache by a hash of its bytes and the inputs it depends on, and the files not found there
are analysed across the cores.
"""

from __future__ import annotations

from pathlib import Path

from showcase.common import timings
from showcase.common.clock import consent_deadline
from showcase.common.config import Project
from showcase.common.diagnostics import Diagnostic
from showcase.common.fingerprints import hash_parts
from showcase.common.paths import display_path, display_paths_under
from showcase.engine.cache import ProfileCache
from showcase.engine.parallel import parallel_map, without_collection
from showcase.engine.uptodate import DEFAULT_CACHE, resolve_cache_dir
from showcase.source.content import INTRO_FILE, ContentResult, analyse_profile, discover, is_profile_file, read_intro, read_source
from showcase.source.markup import MarkdownRenderer


def _worker(project: Project, content_dir: Path) -> tuple:
    return project, content_dir, MarkdownRenderer()


def _analyse_task(state: tuple, task: tuple[Path, bytes]) -> tuple:
    project, content_dir, renderer = state
    path, data = task
    try:
        return analyse_profile(path, data, project, content_dir, renderer)
    except Exception as error:  # noqa: BLE001 - a bug of ours must not hide the other files' diagnostics
        return None, [Diagnostic(code="E999", file=display_path(path), args={"problem": repr(error)})], None, None


def result_from_report(report: tuple) -> ContentResult:
    """What an up-to-date build reports: the last build's diagnostics and counts; no file was read."""
    diagnostics, files, counts, _ = report
    return ContentResult(diagnostics=list(diagnostics), files=files, published_count=sum(counts),
                         recorded_counts=tuple(counts))


@without_collection
def analyse_all(content_dir: Path, project: Project, cache_dir: Path | None | object = DEFAULT_CACHE,
                jobs: int | None = None) -> ContentResult:
    """source.content.analyse_profile for every profile file found, and the intro page: unchanged files
    come from the profile cache, the rest from worker processes. The checks across profiles are the
    caller's (pipeline.load_content)."""
    content_dir = content_dir.resolve()
    cache_dir = resolve_cache_dir(project, cache_dir)
    # The consent check compares with the build's reference day: each entry says for which days it holds.
    store = ProfileCache.open(cache_dir, content_dir, project.fingerprint)
    deadline = consent_deadline()
    result = ContentResult(content_dir=content_dir)
    renderer = None
    intro_data = b""
    outcomes: list = []  # per profile file, in discovery order: the result, or the index of a task
    tasks: list[tuple[Path, bytes]] = []
    keys: list[tuple[str, str]] = []
    shown_path = display_paths_under(content_dir)
    for rel_path in discover(content_dir):
        path, shown = content_dir / rel_path, shown_path(rel_path)
        data, problem = read_source(path, content_dir, shown)
        if problem is not None:
            result.files += 1
            result.diagnostics.append(problem)
            continue
        if rel_path == INTRO_FILE:
            renderer = renderer or MarkdownRenderer()
            intro_data = data
            result.intro, found = read_intro(path, data, renderer)
            result.diagnostics += found
            continue
        if not is_profile_file(rel_path):
            continue
        result.files += 1
        key = store.key(shown, rel_path, data)
        cached = store.get(rel_path, key, deadline)
        if cached is not None:
            outcomes.append(cached)
        else:
            outcomes.append(len(tasks))
            tasks.append((path, data))
            keys.append((rel_path, key))
    timings.mark(f"content read, {len(tasks)} of {len(outcomes)} profiles to analyse")
    computed = parallel_map(_analyse_task, tasks, _worker, (project, content_dir), jobs=jobs)
    timings.mark("profiles analysed")
    for (rel_path, key), (profile, found, deps, window) in zip(keys, computed, strict=True):
        if deps is not None:  # not a crash of ours: worth keeping
            store.put(rel_path, key, (profile, found, deps), deps, window)
    for outcome in outcomes:
        profile, found, _ = computed[outcome][:3] if isinstance(outcome, int) else outcome
        result.diagnostics += found
        if profile is not None:
            result.profiles.append(profile)
    store.save()
    timings.mark("profile cache saved")
    used = sorted(store.used.items())
    result.source_key = hash_parts(store.owner, intro_data, *(f"{rel}:{key}:{deps!r}:{window}" for rel, (key, _, deps, window) in used),
                                   *(repr(item) for item in result.diagnostics if item.code in ("E029", "E030")))
    return result


