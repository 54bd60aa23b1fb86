"""The engine: everything that makes a build fast, behind the few calls pipeline.build makes.

The stages (source/, site/, office/) are plain functions of their inputs. This module decides which
of their work can be skipped or overlapped, and keeps what a build needs from the one before:

- `last_report`: the stat stamp of the last build (uptodate.py); when no input and no output file
  changed, the build is over before a single file is read;
- `analyse`: each profile's analysis from the profile cache, the rest across the cores (analysis.py);
- `already_published`: the key of all the build's inputs against the published folder's manifest;
- `run()`, for a build that renders: a spool folder the render workers write each page to, at its
  own path (with nothing published before, it becomes the new tree), the published folder listed in
  another process while the model is built, the spare tree of the next swap prepared while pages
  render, the search index made in a thread from the parts of the pages it needs (cut out by the
  workers, which render them first) and each new bundle file spooled as its bundle is made, pages
  kept when their render key and published copy are unchanged (rendering.py), links looked up only
  for pages that changed, and only changed files written (publishing.py).
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from showcase.common import timings
from showcase.common.config import Project
from showcase.common.fingerprints import content_key, generator_version, hash_parts, tree_version
from showcase.engine.analysis import analyse_all
from showcase.engine.background import listed_in_background, spare_in_background, spool_folder
from showcase.engine.cache import PageManifest
from showcase.engine.output import OutputFiles
from showcase.engine.publishing import publish_changed
from showcase.engine.rendering import file_keys, render_site, spool_path
from showcase.engine.uptodate import Freshness, build_inputs, cache_subdir
from showcase.engine.uptodate import check as check_freshness
from showcase.site.assemble import SiteModel
from showcase.site.linkcheck import check_links_cached
from showcase.site.model import Page
from showcase.source.content import ContentResult

# (the files the search indexes, their pages, their content keys, a callable given each bundle's
# files as soon as they are made) → the search bundles' files
Indexer = Callable[[OutputFiles, list[Page], dict[str, str], Callable[[dict[str, bytes]], None]], dict[str, bytes]]


class Engine:
    def __init__(self, project: Project, out_dir: Path, include_drafts: bool, preview: bool, today: datetime.date,
                 cache_dir: Path | None, jobs: int | None = None, freshness: Freshness | None = None):
        self.project, self.out_dir, self.cache_dir, self.jobs = project, out_dir.resolve(), cache_dir, jobs
        self.include_drafts, self.preview, self.today = include_drafts, preview, today
        self.freshness = freshness
        self.manifest = PageManifest(None, "")
        self.build_key = ""

    def cache(self, stage: str) -> Path | None:
        """A stage's own folder in the build cache (its search bundles, its encoded photos)."""
        return cache_subdir(self.project, stage)

    def last_report(self, content_dir: Path) -> tuple | None:
        """(diagnostics, files, counts, pages) of the last build, when nothing it read or wrote changed."""
        self.freshness = self.freshness or check_freshness(content_dir, self.out_dir, self.project, self.include_drafts,
                                                           self.preview, self.today, self.cache_dir)
        timings.mark("up-to-date check")
        return self.freshness.report

    def analyse(self, content_dir: Path) -> ContentResult:
        return analyse_all(content_dir, self.project, self.cache_dir, self.jobs)

    def already_published(self, result: ContentResult) -> bool:
        """Whether the published folder was made from these very inputs and is untouched."""
        self.build_key = hash_parts(
            result.source_key, str(self.include_drafts), str(self.preview), self.today.isoformat(), self.project.fingerprint,
            generator_version(), os.environ.get("SOURCE_DATE_EPOCH", ""),
            *(tree_version(folder) for folder in build_inputs(self.project)))
        self.manifest = PageManifest.open(self.cache_dir, self.out_dir)
        timings.mark("output manifest loaded")
        return self.manifest.build_key == self.build_key and self.manifest.intact(self.out_dir)

    def record(self, result: ContentResult) -> int:
        """Stamp a build that found the published folder up to date; the number of pages it holds."""
        self.freshness.record(self.out_dir, result.diagnostics, result.files, result.counts, self.manifest.page_count)
        return self.manifest.page_count

    @contextlib.contextmanager
    def run(self):
        with spool_folder(self.out_dir) as spool, Run(self, Path(spool)) as run:
            yield run


class Run:
    """One build that renders; its calls come in the order of the stages."""

    def __init__(self, engine: Engine, spool: Path):
        self.engine, self.spool = engine, spool
        self.beside = contextlib.ExitStack()  # the spare tree and the search thread, joined by search_bundle
        self.searches: list[Future] = []
        self.published_signatures: dict | None = None
        self.pages: list[Page] = []
        self.page_keys: dict[str, str] = {}
        self.links: dict = {}

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc) -> None:
        self.beside.close()

    def model(self, make: Callable[[], SiteModel]) -> SiteModel:
        """`make()`, while another process lists the published folder (its stat signatures)."""
        with listed_in_background(self.engine.out_dir, len(self.engine.manifest.entries)) as listing:
            model = make()
            timings.mark("site model built")
            self.published_signatures = listing()
        return model

    def render(self, model: SiteModel, result: ContentResult, index: Indexer) -> OutputFiles:
        """Every file of the site, the unchanged pages kept; `index` runs in a thread on the pages the
        search holds, rendered first, while the others are rendered."""
        engine = self.engine
        self.beside.enter_context(spare_in_background(engine.out_dir))
        background = self.beside.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="search"))

        def on_searchable(indexed: OutputFiles, indexed_pages: list[Page]) -> None:
            self.searches.append(background.submit(self._spooled_index, index, indexed, indexed_pages,
                                                   file_keys(indexed, only_html=True)))

        self.pages, files = render_site(model, result, engine.project, engine.include_drafts, engine.preview,
                                        published=(engine.out_dir, engine.manifest), spool_dir=self.spool,
                                        on_searchable=on_searchable, published_signatures=self.published_signatures)
        return files

    def _spooled_index(self, index: Indexer, indexed: OutputFiles, pages: list[Page], keys: dict[str, str]) -> OutputFiles:
        """The search bundles' files; those that are not the published ones are written to the spool
        as each bundle is made, on the thread that made it, while the other bundles are indexed and
        the other pages render: a cold build's 10,000 small files are not left for publishing, after
        everything else (1 to 6 s at 10,000 profiles, as busy as the disk was)."""
        entries, spool = self.engine.manifest.entries, os.fspath(self.spool)
        placed: dict[str, tuple[bytes | Path, str]] = {}  # path → (the published bytes, or the spooled file; content key)

        def place(files: dict[str, bytes]) -> None:
            for path, data in files.items():
                key = content_key(data)
                published = entries.get(path)
                if published is None or published[0] != key:  # new bytes; the published ones are linked when published
                    target = spool_path(spool, path)
                    target.write_bytes(data)
                    data = target
                placed[path] = (data, key)

        made = index(indexed, pages, keys, place)
        place({path: data for path, data in made.items() if path not in placed})  # the bundles read from the cache
        bundle = OutputFiles()
        for path in made:
            bundle.add(path, *placed[path])
        return bundle

    def broken_links(self, files: OutputFiles, skip: str) -> list:
        """E040 for each link to no file; pages a previous build checked only have their targets looked up."""
        self.page_keys = file_keys(files, only_html=True)
        broken, self.links = check_links_cached(files, self.engine.project.site.prefix, self.page_keys,
                                                self.engine.manifest.links, files.link_scans, skip=skip)
        timings.mark("links checked")
        return broken

    def search_bundle(self) -> OutputFiles:
        """The search index's files (the indexer's exceptions are raised here); the work beside joined."""
        try:
            return self.searches[0].result()
        finally:
            timings.mark("search index joined")
            self.beside.close()
            timings.mark("spare tree joined")

    def publish(self, files: OutputFiles, result: ContentResult) -> None:
        """Write the changed files and swap the folder in at once; stamp the build."""
        engine = self.engine
        published = publish_changed(files, engine.out_dir, engine.manifest, engine.build_key, len(self.pages), self.links,
                                    self.page_keys, spool=self.spool)
        engine.freshness.record(engine.out_dir, result.diagnostics, result.files, result.counts, len(self.pages), published)
        timings.mark("build stamp saved")
