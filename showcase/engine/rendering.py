"""Every page of a build rendered, or kept from the published site: across the cores, each page's
render key, bytes (or its file in the spool folder), link targets and content key.

Rendering one page is showcase/site/render.py's `render_page`; this module decides which pages need it
(the render key against the published copy's), groups them into tasks for the worker processes,
and keeps large pages out of the main process.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import jinja2

from showcase.common import timings
from showcase.common.config import Project
from showcase.common.fingerprints import content_key, content_key_of_file, file_signatures
from showcase.engine.cache import PageManifest
from showcase.engine.output import OutputFiles
from showcase.engine.parallel import parallel_map
from showcase.engine.writer import safe_relative
from showcase.site.assemble import SEARCH_MARKER, SiteModel, site_files
from showcase.site.linkcheck import distinct_targets
from showcase.site.model import Page, Shared
from showcase.site.render import render_page, templates_holding
from showcase.site.search import indexed_part
from showcase.source.content import ContentResult

RENDER_SPAN = 40  # pages per task sent to a worker at most
SPAN_COST = 80  # ... and at most this much work (page_cost) in one task
RENDER_PARALLEL_MIN = 25  # tasks (1,000 pages) below which rendering stays in this process
# The search index (Pagefind processes started when the profile pages are made) is the longest single
# job of a build and runs beside the rendering of the other pages: the render workers yield the cores
# to it, and fill them around it. At the lowest priority: with niceness 5 they still took a quarter
# of the cores from it (an edit at 10,000 profiles: its year's index 5.0 s on average, 4.4 s at 19;
# the cold build no slower).
RENDER_NICENESS = 19


# Pages of at least this many bytes are written by the worker to the build's spool folder (beside the
# output, same disk) and hard-linked into the new tree when published, instead of being sent back
# through a pipe, held by the main process and written by it: every page, so the main process holds
# no page at all (memory) and the writes are spread across the cores.
SPOOL_MIN = 0
# Pages of at least this many characters (the yearbooks of a large site, up to 233 MB at 50,000
# profiles) are encoded and written in pieces and hashed from the file, instead of being encoded
# whole: the render worker that makes them is the build's largest process.
STREAM_MIN = 4 << 20
STREAM_PIECE = 1 << 20


def _render_state(pages: list[Page], environment: jinja2.Environment, environment_key: str,
                  reusable: Callable[[str, str], bool], prefix: str, spool_dir: str | None) -> tuple:
    return pages, environment, environment_key, reusable, prefix, spool_dir


def _render_span(state: tuple, span: tuple[int, ...]) -> list[tuple]:
    pages, environment, environment_key, reusable, prefix, spool_dir = state
    done = []
    for index in span:
        page = pages[index]
        key = render_key(page, environment_key)
        if reusable(page.output_path, key):
            done.append((key, None, None, None, None))
        else:  # a function of its own: the page's text is freed before the next page is rendered
            done.append((key, *_render_page(page, environment, prefix, spool_dir)))
    return done


def _render_page(page: Page, environment: jinja2.Environment, prefix: str, spool_dir: str | None) -> tuple:
    """(bytes or the spooled file, link targets, content key, the part the search indexes or None) of the page."""
    html = render_page(page, environment)
    # The link check's scan, the content hash and the search's part, made here, across the cores,
    # while the page is at hand: not read back from the spool by the search thread.
    targets = distinct_targets(page.output_path, html, prefix)
    part = indexed_part(html) if SEARCH_MARKER in html else None
    if spool_dir is not None and len(html) >= STREAM_MIN:
        spooled = spool_path(spool_dir, page.output_path)
        return spooled, targets, content_key_of_file(spooled, _write_in_pieces(html, spooled)), part
    data = html.encode("utf-8")
    del html
    digest = content_key(data)
    if spool_dir is not None and len(data) >= SPOOL_MIN:
        spooled = spool_path(spool_dir, page.output_path)
        spooled.write_bytes(data)
        return spooled, targets, digest, part
    return data, targets, digest, part


def spool_path(spool_dir: str, output_path: str) -> Path:
    """A file's place in the spool (a page, or a file of the search bundles), its folder made: its own
    output path, so that a build with no tree to update (a cold one) publishes the spool itself as the
    new tree (writer.write_tree's `adopt`) and the folders are made here, across the cores, not one by
    one at the end. A path the writer would refuse (it reports it) gets a flat name, so that nothing
    is written outside the spool first."""
    if not safe_relative(output_path):
        return Path(spool_dir) / (hashlib.blake2b(output_path.encode(), digest_size=16).hexdigest() + ".html")
    path = f"{spool_dir}/{output_path}"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return Path(path)


def _write_in_pieces(html: str, path: Path) -> int:
    """Write `html` as UTF-8 a piece at a time, so that its bytes are never all in memory beside the
    text; the number of bytes written."""
    size = 0
    with open(path, "wb") as handle:
        for start in range(0, len(html), STREAM_PIECE):
            piece = html[start:start + STREAM_PIECE].encode("utf-8")
            handle.write(piece)
            size += len(piece)
    return size


def render_key(page: Page, environment_key: str) -> str:
    """What a page's bytes depend on: the environment (templates, assets, code) and its own template,
    path and context. The context is pickled whole: same bytes, same page (contexts are built the same
    way on every run, so equal inputs pickle equally, whatever the hash seed; tested). A `Shared` dict
    in it (a card, a detail, a yearbook entry) is pickled as the digest of its own pickle, made once
    per process: a yearbook holds thousands of entries twice (in order and by field), and the same
    entries are in every yearbook of their years.

    Pickled without its memo ("fast" mode): with it, a string met twice is written once if both are
    the same object, and which strings are the same object depends on how the profiles were loaded
    (analysed in this process, sent back by a worker, or read from the cache in buckets), so the
    yearbooks of a build that analysed in this process had other keys in the next one and were made
    again. Contexts are trees (no cycles), which fast mode requires."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{environment_key}\0{page.template}\0{page.output_path}\0".encode())
    _digest_into(digest, page.context)
    return digest.hexdigest()


def _digest_into(digest, value) -> None:
    pickler = _KeyPickler(_DigestWriter(digest), protocol=5)
    pickler.fast = True
    pickler.dump(value)


def _shared_digest(shared: Shared) -> str:
    try:
        return shared.digest
    except AttributeError:
        digest = hashlib.blake2b(digest_size=20)
        _digest_into(digest, dict(shared))  # a plain copy: the pickler would hand `shared` back here
        shared.digest = digest.hexdigest()
        return shared.digest


def _shared(digest: str) -> None:
    """What a `Shared` dict stands for in a render key's pickle (never unpickled: the name is written)."""


class _KeyPickler(pickle.Pickler):
    # Called by the C pickler only for objects that are not of a built-in type, so plain dicts, lists
    # and strings stay on its fast path.
    def reducer_override(self, obj):
        if type(obj) is Shared:
            return _shared, (_shared_digest(obj),)
        return NotImplemented


class _DigestWriter:
    """A file-like sink for the pickler that hashes what it is given instead of keeping it."""

    def __init__(self, digest) -> None:
        self.write = digest.update


def page_cost(page: Page) -> float:
    """A rough measure of a page's rendering work, from its context alone: one, plus a tenth per item
    of its lists (a profile page ≈ 2; a listing of 12 cards ≈ 2; a yearbook of 10,000 entries ≈ 2,000)."""
    return 1 + sum(len(value) for value in page.context.values() if isinstance(value, list | tuple)) / 10


def _spans(pages: list[Page]) -> tuple[list[tuple[int, ...]], list[float]]:
    """The pages' indexes in tasks, with each task's cost: consecutive pages, at most RENDER_SPAN of
    them and about SPAN_COST of work (a very large page is a task of its own), except that the pages
    of a group (model.Page.group) are one task, wherever they are. A plan's yearbooks hold the same
    entries: in one worker, each entry is digested for the keys and rendered once, not once by each
    worker that got one of the yearbooks (1 s of an edit's CPU at 10,000 profiles)."""
    spans: list[list[int]] = []
    costs: list[float] = []
    groups: dict[str, int] = {}  # group → its task
    filling = -1  # the task taking consecutive pages
    for index, page in enumerate(pages):
        weight = page_cost(page)
        if page.group is not None:
            if page.group not in groups:
                groups[page.group] = len(spans)
                spans.append([])
                costs.append(0.0)
            task = groups[page.group]
        else:
            if filling < 0 or len(spans[filling]) >= RENDER_SPAN or costs[filling] + weight > SPAN_COST:
                filling = len(spans)
                spans.append([])
                costs.append(0.0)
            task = filling
        spans[task].append(index)
        costs[task] += weight
    return [tuple(span) for span in spans], costs


def render_or_keep(pages: list[Page], environment: jinja2.Environment, environment_key: str,
                   reusable: Callable[[str, str], bool], prefix: str = "/", spool_dir: str | None = None,
                   jobs: int | None = None) -> list[tuple]:
    """(render key, bytes, link targets, content key, search part) of every page, in order. Where `reusable(path,
    key)` says the published copy is the same page, the last four are None; with `spool_dir`, a page of
    SPOOL_MIN bytes or more is written there and its path given instead of its bytes. Keys, pages, the link check's
    scan (linkcheck.distinct_targets) and content keys are all made across the cores on a large site."""
    spans, costs = _spans(pages)
    done = parallel_map(_render_span, spans, _render_state,
                        (pages, environment, environment_key, reusable, prefix, spool_dir), jobs=jobs,
                        threshold=RENDER_PARALLEL_MIN, costs=costs, niceness=RENDER_NICENESS)
    made: list = [None] * len(pages)
    for span, chunk in zip(spans, done, strict=True):
        for index, item in zip(span, chunk, strict=True):
            made[index] = item
    return made


def render_site(model: SiteModel, result: ContentResult, project: Project, include_drafts: bool, preview: bool = False,
                published: tuple[Path, PageManifest] | None = None, spool_dir: Path | None = None,
                on_searchable: Callable[[OutputFiles, list[Page]], None] | None = None,
                published_signatures: dict | None = None) -> tuple[list[Page], OutputFiles]:
    """Every file of the site (the model's pages, assets and photos, and assemble.site_files). With
    `published` (the output folder and its manifest), a page whose render key is the one its published
    copy was made with, and whose copy is untouched, is kept instead of rendered; with `spool_dir`, very
    large pages are left there by the workers that render them (see output.OutputFiles). The pages the
    search indexes are made first and handed to `on_searchable`, so that indexing them overlaps with
    the other pages. `published_signatures`: file_signatures of the output folder, when the caller had
    it made."""
    pages, environment = model.pages, model.environment
    published_dir = published[0] if published else None
    manifest = published[1] if published is not None else PageManifest(None, "")

    if published_dir is None:
        signatures = {}
    else:
        signatures = published_signatures if published_signatures is not None else file_signatures(published_dir)

    def reusable(path: str, key: str) -> bool:
        entry = manifest.entries.get(path)
        return entry is not None and manifest.render_keys.get(path) == key and manifest.unchanged(
            published_dir, path, entry[0], signatures)

    def render(chosen: list[Page]) -> list[tuple]:
        return render_or_keep(chosen, environment, model.environment_key, reusable, project.site.prefix,
                              os.fspath(spool_dir) if spool_dir is not None else None)

    def place(files: OutputFiles, page: Page, made: tuple) -> None:
        key, data, links, digest, part = made
        files.render_keys[page.output_path] = key
        if data is None:
            files.keep(page.output_path, manifest.entries[page.output_path][0])
        else:
            files.add(page.output_path, data, digest)
            files.link_scans[page.output_path] = links
            files.search_parts[page.output_path] = part

    searchable = templates_holding(environment, SEARCH_MARKER, (page.template for page in pages)) if on_searchable else set()
    first = [index for index, page in enumerate(pages) if page.template in searchable]
    made: dict[int, tuple] = dict(zip(first, render([pages[index] for index in first]), strict=True))
    timings.mark(f"{len(first)} searchable pages rendered or kept")
    if on_searchable:
        indexed = OutputFiles(published_dir)
        for index in first:
            place(indexed, pages[index], made[index])
        on_searchable(indexed, [pages[index] for index in first])
    rest = [index for index in range(len(pages)) if index not in made]
    made.update(zip(rest, render([pages[index] for index in rest]), strict=True))
    timings.mark(f"{len(rest)} other pages rendered or kept")
    files = OutputFiles(published_dir, model.files)
    files.published_signatures = signatures if published_dir is not None else None
    for index, page in enumerate(pages):  # in page order, kept or not: the files' order never depends on the cache
        place(files, page, made[index])
    files.update(site_files(model, result, project, include_drafts, preview, list(files)))
    timings.mark("files assembled")
    return pages, files


def file_keys(files: OutputFiles, only_html: bool = False) -> dict[str, str]:
    """Path → content key; a kept file's key is known without reading it."""
    return {path: files.known_key(path) or content_key(files[path]) for path in files
            if not only_html or path.endswith(".html")}
