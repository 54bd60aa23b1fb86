"""The stages wired in order: discover → read → validate → model → render → index → write.

Each stage is a call with plain data in and out, from source/, site/ and office/. What makes a
build fast (caches, worker processes, work done beside the stages, pages kept from the published
site) is the engine's (engine/incremental.py): this module only says what comes after what.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from pathlib import Path

from showcase.common import timings
from showcase.common.clock import reference_date
from showcase.common.config import Project
from showcase.common.diagnostics import Diagnostic
from showcase.engine import rendering
from showcase.engine.analysis import analyse_all, result_from_report
from showcase.engine.incremental import Engine, Indexer
from showcase.engine.parallel import without_collection
from showcase.engine.uptodate import DEFAULT_CACHE, Freshness, cache_subdir, resolve_cache_dir
from showcase.office.dashboard_pages import dashboard_pages
from showcase.office.reports import content_quota_warnings as quota_warnings
from showcase.site.assemble import SiteModel, assemble_site
from showcase.site.cms import cms_folder
from showcase.site.search import SearchIndexError, build_index, page_shards, shard_threshold
from showcase.source.aliases import alias_collisions
from showcase.source.content import ContentResult
from showcase.source.private import personal_files_in_content
from showcase.source.validate import check_collisions

__all__ = ["build", "load_content", "load_model", "quota_warnings", "render_site", "site_model"]


def load_content(content_dir: Path, project: Project, cache_dir: Path | None | object = DEFAULT_CACHE,
                 jobs: int | None = None) -> ContentResult:
    """discover → read → validate every profile (each on its own), then the checks across profiles."""
    result = analyse_all(content_dir, project, cache_dir, jobs)
    result.diagnostics += check_collisions(result.profiles, project) + alias_collisions(result.profiles, project)
    result.diagnostics += personal_files_in_content(content_dir)  # E050: the office's private data has no place here
    result.diagnostics.sort(key=Diagnostic.sort_key)
    timings.mark("collisions checked")
    return result


def site_model(result: ContentResult, project: Project, include_drafts: bool,
               today: datetime.date | None = None, preview: bool = False) -> SiteModel:
    """model: the site's pages with the office's (statistics, milestones, yearbooks) among them."""
    today = today or reference_date(os.environ, datetime.date.today())

    def office_pages(common: dict, details: dict) -> list:
        return dashboard_pages(result.profiles, project, common, today, details)

    return assemble_site(result, project, include_drafts, preview, cache_subdir(project, "images"), office_pages)


def search_indexer(project: Project, engine: Engine) -> Indexer:
    """index: Pagefind over the pages that hold the search's marks, one bundle per year."""
    return lambda files, pages, keys, on_shard: build_index(
        files, project.site.prefix, project.site.language, engine.cache("search"), page_shards(pages),
        shard_threshold(project.site.extra), engine.jobs, keys, files.search_parts, on_shard)


@without_collection
def build(content_dir: Path, out_dir: Path, project: Project, include_drafts: bool,
          today: datetime.date | None = None, preview: bool = False,
          cache_dir: Path | None | object = DEFAULT_CACHE, jobs: int | None = None,
          freshness: Freshness | None = None, keep_model: Callable[[SiteModel], None] | None = None,
          ) -> tuple[ContentResult, int]:
    """Validate, render, check links, then publish only if there is no error. Returns (result, pages written).
    `freshness`: the up-to-date check, when the caller already made it (uptodate.check); `keep_model`:
    given the site model of a build that rendered and published (not of one that found nothing to do).
    The garbage collector is paused for the whole build: each time it came back on between two stages,
    it walked everything the stage before had made (about 0.5 s of an edit at 10,000 profiles)."""
    today = today or reference_date(os.environ, datetime.date.today())
    cache_dir = resolve_cache_dir(project, cache_dir)
    engine = Engine(project, out_dir, include_drafts, preview, today, cache_dir, jobs, freshness)
    if (report := engine.last_report(content_dir)) is not None:  # not one input or output file changed
        return result_from_report(report), report[3]
    result = load_content(content_dir, project, cache_dir, jobs)  # discover → read → validate
    result.diagnostics = sorted(result.diagnostics + quota_warnings(result, project, today), key=Diagnostic.sort_key)
    if result.errors:
        return result, 0
    if engine.already_published(result):  # links were checked when it was made
        return result, engine.record(result)
    with engine.run() as run:
        model = run.model(lambda: site_model(result, project, include_drafts, today, preview))  # model
        files = run.render(model, result, search_indexer(project, engine))  # render; index beside it
        result.diagnostics += run.broken_links(files, skip=cms_folder(project))
        try:
            files.update(run.search_bundle())
        except SearchIndexError as error:
            if not result.errors:
                result.diagnostics.append(Diagnostic(code="B001", file="pagefind", args={"problem": str(error)}))
        if result.errors:  # a photo that could not be encoded, a broken link, a bad setting, no search index
            return result, 0
        run.publish(files, result)  # write: changed files only, swapped in at once
    if keep_model is not None:
        keep_model(model)
    return result, len(model.pages)


def render_site(result: ContentResult, project: Project, include_drafts: bool, today: datetime.date | None = None,
                preview: bool = False, **engine_options) -> tuple[list, rendering.OutputFiles]:
    """model → render, without the search index or writing (the yearbook command prints one page of it)."""
    model = engine_options.pop("model", None) or site_model(result, project, include_drafts, today, preview)
    return rendering.render_site(model, result, project, include_drafts, preview, **engine_options)


def load_model(content_dir: Path, project: Project, include_drafts: bool, today: datetime.date | None = None,
               preview: bool = False) -> SiteModel | None:
    """The site model of the content as it is now, nothing rendered (profiles come from the cache):
    what the preview needs for its fast path when its first build found the output up to date.
    None when the content has errors."""
    result = load_content(content_dir, project)
    if result.errors:
        return None
    model = site_model(result, project, include_drafts, today, preview)
    return None if result.errors else model
