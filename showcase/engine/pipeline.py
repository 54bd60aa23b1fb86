"""The stages wired in order: discover → read → validate → model → render → write.

Each stage is a function of plain data; this module only passes results along and
collects diagnostics, so `build.py` stays a thin command line.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from showcase.common import timings
from showcase.common.clock import consent_deadline, reference_date
from showcase.common.config import Project
from showcase.common.diagnostics import Diagnostic, fragment
from showcase.common.text import dd_words, fold
from showcase.engine.cache import (
    PageManifest,
    ProfileCache,
    content_key,
    file_signatures,
    generator_version,
    hash_parts,
    stat_signature,
    tree_version,
)
from showcase.engine.output import OutputFiles
from showcase.engine.parallel import parallel_map, without_collection
from showcase.engine.rendering import render_or_keep
from showcase.engine.uptodate import Freshness, build_inputs, default_cache_dir
from showcase.engine.uptodate import check as check_freshness
from showcase.engine.writer import needs_spare, prepare_spare, write_tree
from showcase.office.dashboard_pages import dashboard_pages
from showcase.site import publish
from showcase.site.cms import cms_files, cms_folder, connect_sources
from showcase.site.feeds import discovery_files, head_links
from showcase.site.images import publish_photos
from showcase.site.linkcheck import check_links, check_links_cached  # noqa: F401 - check_links: used by callers of the pipeline
from showcase.site.metadata import json_ld
from showcase.site.model import Page, build_site, is_published, name_collation
from showcase.site.render import fingerprint_assets, make_environment, templates_holding
from showcase.site.search import SearchIndexError, build_index, page_shards, shard_threshold
from showcase.source.aliases import alias_collisions, gone_url
from showcase.source.markup import MarkdownRenderer
from showcase.source.photos import max_pixels_text
from showcase.source.reader import as_date, read_profile
from showcase.source.validate import Profile, check_collisions, validate_profile

INTRO_FILE = "_index.md"
PROFILE_TEMPLATE = "profile.html"
INTRO_KEYS = {"title", "description"}


@dataclass
class ContentResult:
    profiles: list[Profile] = field(default_factory=list)
    intro: dict | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    content_dir: Path | None = None
    source_key: str = ""  # a hash of every input file read (bytes, paths, photos): same key, same result
    published_count: int | None = None  # set instead of `profiles` when an up-to-date build read nothing
    recorded_counts: tuple[int, int, int] | None = None  # and `counts`, likewise

    @property
    def profile_count(self) -> int:
        return len(self.profiles) if self.published_count is None else self.published_count

    @property
    def counts(self) -> tuple[int, int, int]:
        """Valid profiles by state: (published, drafts, withdrawn); a withdrawn draft counts as withdrawn."""
        if self.recorded_counts is not None:
            return self.recorded_counts
        withdrawn = sum(1 for profile in self.profiles if profile.withdrawn)
        drafts = sum(1 for profile in self.profiles if profile.draft and not profile.withdrawn)
        return len(self.profiles) - drafts - withdrawn, drafts, withdrawn

    @property
    def errors(self) -> int:
        return sum(1 for item in self.diagnostics if item.severity == "error")


def display_path(path: Path) -> str:
    """The path as shown to the editor: relative to the working folder when inside it."""
    text, base = os.fspath(path), os.path.join(os.getcwd(), "")
    if text.startswith(base) and f"{os.sep}." not in text[len(base) - 1:]:  # normalised already: no relpath needed
        return text[len(base):].replace(os.sep, "/")
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def display_paths_under(folder: Path) -> Callable[[str], str]:
    """rel_path → display_path(folder / rel_path), with the folder's part worked out once (10,000
    profiles make 20,000 calls a build)."""
    base = display_path(folder)
    return (lambda relative: relative) if base == "." else (lambda relative: f"{base}/{relative}")


def discover(content_dir: Path) -> list[str]:
    """The Markdown files under `content_dir`, as sorted posix paths relative to it (no hidden ones)."""
    found = []
    root = os.fspath(content_dir)
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(name for name in subdirs if not name.startswith("."))
        prefix = directory[len(root) + 1:].replace(os.sep, "/") + "/" if directory != root else ""
        found += [prefix + name for name in sorted(files) if name.endswith(".md") and not name.startswith(".")]
    return found


def read_source(path: Path, content_dir: Path, shown: str | None = None) -> tuple[bytes, Diagnostic | None]:
    """The file's bytes, unless it cannot be read or is a link out of the content folder."""
    try:
        # os.walk does not enter linked folders, so only a linked file can lead outside.
        if path.is_symlink() and not path.resolve().is_relative_to(content_dir):
            return b"", Diagnostic(code="E030", file=shown or display_path(path))
        return path.read_bytes(), None
    except OSError as error:
        return b"", Diagnostic(code="E029", file=shown or display_path(path), args={"problem": error.strerror or str(error)})


def _photo_dependency(parsed, content_dir: Path, rel_path: str) -> list[tuple[str, tuple | None]]:
    """The files a profile's validity depends on besides its own bytes: the photo it names."""
    entry = parsed.front.get("photo") if parsed.front else None
    value = getattr(getattr(entry, "value", None), "value", None)
    if not isinstance(value, str) or not value:
        return []
    candidates = [(content_dir / rel_path).parent / value.replace("\\", "/"), content_dir / value]
    return [(str(candidate), stat_signature(candidate)) for candidate in candidates]


def _deadline_window(parsed, deadline: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The consent deadlines (clock.consent_deadline) for which this file's result is the same: a
    consent dated on or before the deadline stays valid as the deadline moves on; one after it (E044,
    whose message names the deadline) holds for that deadline only; no consent date, for any."""
    entry = parsed.front.get("consent") if parsed.front else None
    record = getattr(getattr(entry, "value", None), "value", None)
    dated = record.get("date") if isinstance(record, dict) else None
    when = as_date(getattr(getattr(dated, "value", None), "value", None))
    if when is None:
        return datetime.date.min, datetime.date.max
    return (when, datetime.date.max) if when <= deadline else (deadline, deadline)


def analyse_profile(path: Path, data: bytes, project: Project, content_dir: Path,
                    renderer: MarkdownRenderer) -> tuple[Profile | None, list[Diagnostic], list, tuple]:
    """Everything done for one profile: (profile, diagnostics, files it depends on besides itself,
    the consent deadlines for which the result holds)."""
    rel_path = path.relative_to(content_dir).as_posix()
    parsed = read_profile(display_path(path), data)
    profile, diagnostics = validate_profile(parsed, project, content_dir, rel_path)
    if profile is not None:
        profile.body_html = renderer.render(profile.body)
        profile.search_dd_name = dd_words(profile.name, project.units[profile.unit].name, profile.position)
        profile.search_dd_text = dd_words(profile.summary, *profile.achievements, profile.body)
        plan = next((plan for plan in project.plans if plan.id == profile.plan_id), None)
        profile.collation = name_collation(profile, plan) if plan is not None else ()
        profile.search_name = fold(f"{profile.name} {project.units[profile.unit].name}")
        profile.body = ""  # the source is not needed once rendered: a lighter cache and build (30 MB at 10,000)
    return profile, diagnostics, _photo_dependency(parsed, content_dir, rel_path), _deadline_window(parsed, consent_deadline())


def process_profile(path: Path, data: bytes, project: Project, content_dir: Path,
                    renderer: MarkdownRenderer) -> tuple[Profile | None, list[Diagnostic]]:
    """Everything done for one profile: a function of its bytes, the project data and its photo."""
    profile, diagnostics, _, _ = analyse_profile(path, data, project, content_dir, renderer)
    return profile, diagnostics


def _worker(project: Project, content_dir: Path) -> tuple:
    return project, content_dir, MarkdownRenderer()


def _analyse_task(state: tuple, task: tuple[Path, bytes]) -> tuple:
    project, content_dir, renderer = state
    path, data = task
    try:
        return analyse_profile(path, data, project, content_dir, renderer)
    except Exception as error:  # noqa: BLE001 - a bug of ours must not hide the other files' diagnostics
        return None, [Diagnostic(code="E999", file=display_path(path), args={"problem": repr(error)})], None, None


def read_intro(path: Path, data: bytes, renderer: MarkdownRenderer) -> tuple[dict | None, list[Diagnostic]]:
    parsed = read_profile(display_path(path), data)
    if parsed.front is None:
        return None, parsed.diagnostics
    diagnostics = list(parsed.diagnostics)
    for key, entry in parsed.front.items():
        if key not in INTRO_KEYS:
            diagnostics.append(Diagnostic(
                code="E010", file=parsed.path, line=entry.key.line, column=entry.key.column, length=entry.key.length,
                source_line=parsed.lines[entry.key.line - 1],
                args={"key": key, "where": fragment("where.intro_page"), "suggestion": "",
                      "allowed": ", ".join(f"`{name}`" for name in sorted(INTRO_KEYS))},
            ))
    values = {key: entry.value.value for key, entry in parsed.front.items() if key in INTRO_KEYS}
    return {**values, "body_html": renderer.render(parsed.body)}, diagnostics


def result_from_report(report: tuple) -> ContentResult:
    """What an up-to-date build reports: the last build's diagnostics and counts; no file was read."""
    diagnostics, files, counts, _ = report
    return ContentResult(diagnostics=list(diagnostics), files=files, published_count=sum(counts),
                         recorded_counts=tuple(counts))


_DEFAULT = object()


@without_collection
def load_content(content_dir: Path, project: Project, cache_dir: Path | None | object = _DEFAULT,
                 jobs: int | None = None) -> ContentResult:
    """Read, validate and render every profile; unchanged files come from the cache, the rest in parallel."""
    content_dir = content_dir.resolve()
    cache_dir = default_cache_dir(project) if cache_dir is _DEFAULT else cache_dir
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
        if rel_path.rpartition("/")[2].startswith("_"):
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
    result.diagnostics += check_collisions(result.profiles, project)
    result.diagnostics += alias_collisions(result.profiles, project)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    timings.mark("collisions checked")
    return result


def cache_subdir(project: Project, name: str) -> Path | None:
    """A stage's folder in the build cache; None when the cache is off (SHOWCASE_CACHE=off)."""
    base = default_cache_dir(project)
    return base / name if base is not None else None


def _claimed_cell(path: str, project: Project) -> tuple[str | None, int | None] | None:
    """The (unit, year) a profile that did not pass the check says it belongs to (None where it cannot be
    read: a unit that is not an id, a year from the folder or unknown); None if it would not count anyway
    (a draft or withdrawn)."""
    try:
        parsed = read_profile(path, Path(path).read_bytes())
    except OSError:
        return None, None
    front = parsed.front or {}

    def value(key: str) -> object:
        entry = front.get(key)
        return entry.value.value if entry is not None else None

    if value("draft") is True or value("withdrawn") is True:
        return None
    unit, year = value("unit"), value("year")
    folder = Path(path).parent.name
    if not isinstance(year, int) or isinstance(year, bool):
        year = int(folder) if folder.isdigit() and len(folder) == 4 else None
    return (unit if isinstance(unit, str) and unit.strip() in project.units else None), year


def quota_warnings(result: ContentResult, project: Project, today: datetime.date) -> list[Diagnostic]:
    """The units below the plan's quota in ended years (W004), whatever else is wrong with the content."""
    from showcase.office.reports import quota_warnings as below_quota

    validated = {profile.source for profile in result.profiles}
    failed = sorted({item.file for item in result.diagnostics
                     if item.severity == "error" and item.code != "E030" and item.file.endswith(".md")
                     and item.file not in validated and not Path(item.file).name.startswith("_")})
    claims = [claim for path in failed if (claim := _claimed_cell(path, project)) is not None]
    units_file = project.root / "data" / "units.yaml"
    return below_quota(result.profiles, project, today, units_file.read_text(encoding="utf-8"), display_path(units_file),
                       claims)


def image_cache_dir(project: Project) -> Path | None:
    return cache_subdir(project, "images")


def render_photos(result: ContentResult, project: Project, include_drafts: bool) -> tuple[dict[str, dict], dict[str, bytes]]:
    """Resize the published profiles' photos (withdrawn profiles' photos are never copied out).
    A photo that cannot be encoded becomes an E027 diagnostic in `result`."""
    wanted = {profile.rel_path: (result.content_dir / profile.photo, profile.photo_alt)
              for profile in result.profiles if profile.photo and result.content_dir and is_published(profile, include_drafts)}
    contexts, files, problems = publish_photos(wanted, project.site.prefix, image_cache_dir(project))
    for profile in result.profiles:
        if profile.rel_path in problems:
            result.diagnostics.append(Diagnostic(code="E027", file=profile.source, line=profile.photo_line, args={
                "path": profile.photo, "problem": problems[profile.rel_path], "max_pixels": max_pixels_text()}))
    return contexts, files


@dataclass
class SiteModel:
    """Every page of a build with what renders it. The preview keeps the last one, to render an edited
    profile's page at once (quick.py) while the full build runs."""

    profiles: dict[str, Profile]  # rel_path → the profile the pages were made from
    pages: list[Page]
    environment: jinja2.Environment
    environment_key: str
    photos: dict[str, dict]  # rel_path → the published photo's data
    files: dict[str, bytes]  # the assets and photos, by output path

    @functools.cached_property
    def profile_pages(self) -> dict[str, Page]:
        """rel_path of a profile → its own page."""
        return {page.context["profile"]["source"]: page for page in self.pages if page.template == PROFILE_TEMPLATE}


@without_collection
def site_model(result: ContentResult, project: Project, include_drafts: bool,
               today: datetime.date | None = None, preview: bool = False) -> SiteModel:
    """The pages (build_site) and the Jinja2 environment of a build, nothing rendered yet."""
    today = today or reference_date(os.environ, datetime.date.today())
    photos, photo_files = render_photos(result, project, include_drafts)
    office = lambda common, details: dashboard_pages(result.profiles, project, common, today, details)  # noqa: E731
    pages = build_site(result.profiles, project, result.intro, include_drafts, photos, office)
    not_found = next(page for page in pages if page.template == "404.html")
    pages.append(Page(gone_url(project), "gone.html", {**not_found.context, "page_title": "Hồ sơ đã được gỡ", "canonical": None}))
    asset_urls, assets = fingerprint_assets(project.static_dir, project.site.prefix)
    environment = make_environment(project.layouts_dir, asset_urls)
    discovery = head_links(project)
    environment.globals.update(discovery=discovery, json_ld=json_ld)
    environment.globals["preview"] = preview
    cms, problems = cms_files(project, environment, asset_urls)
    result.diagnostics += problems
    # Everything every page sees besides its own context: the templates, the assets, the code.
    environment_key = hash_parts(tree_version(project.layouts_dir), repr(sorted(asset_urls.items())), repr(discovery),
                                 str(preview), generator_version())
    return SiteModel({profile.rel_path: profile for profile in result.profiles}, pages, environment, environment_key,
                     photos, {**assets, **photo_files, **cms})


SEARCH_MARKER = "data-pagefind-body"  # a template holding it makes pages the search indexes


def render_site(result: ContentResult, project: Project, include_drafts: bool,
                today: datetime.date | None = None, preview: bool = False,
                published: tuple[Path, PageManifest] | None = None,
                spool_dir: Path | None = None, model: SiteModel | None = None,
                on_searchable: Callable[[OutputFiles, list[Page]], None] | None = None,
                published_signatures: dict | None = None) -> tuple[list[Page], OutputFiles]:
    """Every file of the site, with the host's `_headers` and `_redirects`. With `published` (the output
    folder and its manifest), a page whose render key is the one its published copy was made with, and
    whose copy is untouched, is kept instead of rendered; with `spool_dir`, very large pages are left
    there by the workers that render them (see output.OutputFiles). The pages the search indexes are
    made first and handed to `on_searchable`, so that indexing them overlaps with the other pages.
    `published_signatures`: file_signatures of the output folder, when the caller had it made."""
    ancestors, _ = publish.frame_ancestors(project)
    model = model or site_model(result, project, include_drafts, today, preview)
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
        key, data, links, digest = made
        files.render_keys[page.output_path] = key
        if data is None:
            files.keep(page.output_path, manifest.entries[page.output_path][0])
        else:
            files.add(page.output_path, data, digest)
            files.link_scans[page.output_path] = links

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
    files.update(discovery_files(pages, project))
    if project.site.prefix != "/":
        files["index.html"] = environment.get_template("redirect.html").render(
            target=project.site.prefix, site=project.site).encode("utf-8")
    files[publish.REDIRECTS_FILE] = publish.redirects_file(result.profiles, project, include_drafts)
    files[publish.HEADERS_FILE] = publish.headers_file(list(files), project, ancestors, preview, cms_folder(project),
                                                       connect_sources(project))
    timings.mark("files assembled")
    return pages, files


def file_keys(files: OutputFiles, only_html: bool = False) -> dict[str, str]:
    """Path → content key; a kept file's key is known without reading it."""
    return {path: files.known_key(path) or content_key(files[path]) for path in files
            if not only_html or path.endswith(".html")}


@without_collection
def publish_changed(files: OutputFiles, out_dir: Path, manifest: PageManifest, build_key: str, pages: int,
                    links: dict | None = None, hashed: dict[str, str] | None = None) -> dict[str, tuple | None]:
    """Write only files whose bytes changed: the others are hard-linked from the published folder into
    the staging folder, then the atomic swap as always; nothing at all when no byte changed. Returns
    each published file's stat signature, as recorded in the manifest."""
    hashed = hashed or {}
    keys = {path: hashed.get(path) or files.known_key(path) or content_key(files[path]) for path in files}
    published = files.published_signatures if files.published_signatures is not None else file_signatures(out_dir)
    timings.mark("output listed")
    kept = files.kept  # found unchanged when chosen (render_site), against the same listing: not read again
    unchanged = [path for path, key in keys.items() if path in kept or manifest.unchanged(out_dir, path, key, published)]
    if len(unchanged) != len(keys) or set(keys) != set(manifest.entries) or not manifest.intact(out_dir, published):
        same = set(unchanged)
        changed = [path for path in files if path not in same]
        spooled = {path: os.fspath(source) for path in changed if (source := files.spooled_file(path)) is not None}
        inodes = {path: signature[2] for path in unchanged if (signature := published.get(path)) is not None}
        write_tree(files.only(path for path in changed if path not in spooled), out_dir, unchanged, spooled, inodes)
        timings.mark(f"published: {len(changed)} files written or linked, {len(unchanged)} kept")
        # A kept file is the published one, hard-linked: same inode, size and mtime (a copy, where links
        # fail, gets another inode and is only written again next time).
        published = {**{path: published.get(path) for path in unchanged},
                     **{path: stat_signature(out_dir / path) for path in changed}}
    manifest.record(out_dir, keys, build_key, pages, links, files.render_keys, published)
    timings.mark("output manifest saved")
    return published


@without_collection
def build(content_dir: Path, out_dir: Path, project: Project, include_drafts: bool,
          today: datetime.date | None = None, preview: bool = False,
          cache_dir: Path | None | object = _DEFAULT, jobs: int | None = None,
          freshness: Freshness | None = None, keep_model: Callable[[SiteModel], None] | None = None,
          ) -> tuple[ContentResult, int]:
    """Validate, render, check links, then publish only if there is no error. Returns (result, pages written).
    `freshness`: the up-to-date check, when the caller already made it (uptodate.check); `keep_model`:
    given the site model of a build that rendered and published (not of one that found nothing to do).
    The garbage collector is paused for the whole build, not only in its stages that make the most
    objects: each time it came back on between two stages, it walked everything the stage before had
    made (0.15 s after loading 10,000 profiles; about 0.5 s of an edit in all)."""
    cache_dir = default_cache_dir(project) if cache_dir is _DEFAULT else cache_dir
    today = today or reference_date(os.environ, datetime.date.today())
    out_dir = out_dir.resolve()
    freshness = freshness or check_freshness(content_dir, out_dir, project, include_drafts, preview, today, cache_dir)
    timings.mark("up-to-date check")
    if freshness.report is not None:
        return result_from_report(freshness.report), freshness.report[3]
    result = load_content(content_dir, project, cache_dir, jobs)
    result.diagnostics = sorted(result.diagnostics + quota_warnings(result, project, today), key=Diagnostic.sort_key)
    if result.errors:
        return result, 0
    build_key = hash_parts(result.source_key, str(include_drafts), str(preview), today.isoformat(), project.fingerprint,
                           generator_version(), os.environ.get("SOURCE_DATE_EPOCH", ""),
                           *(tree_version(folder) for folder in build_inputs(project)))
    manifest = PageManifest.open(cache_dir, out_dir)
    timings.mark("output manifest loaded")
    if manifest.build_key == build_key and manifest.intact(out_dir):
        # Same inputs, output untouched: nothing to render or write (links were checked when it was made).
        result.diagnostics += publish.frame_ancestors(project)[1]
        freshness.record(out_dir, result.diagnostics, result.files, result.counts, manifest.page_count)
        return result, manifest.page_count
    with spool_folder(out_dir) as spool:
        return _render_check_publish(result, project, include_drafts, today, preview, out_dir, manifest, build_key,
                                     freshness, jobs, spool, keep_model)


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


def _render_check_publish(result: ContentResult, project: Project, include_drafts: bool, today: datetime.date, preview: bool,
                          out_dir: Path, manifest: PageManifest, build_key: str, freshness: Freshness, jobs: int | None,
                          spool: str, keep_model: Callable[[SiteModel], None] | None) -> tuple[ContentResult, int]:
    with listed_in_background(out_dir, len(manifest.entries)) as listing:
        model = site_model(result, project, include_drafts, today, preview)
        timings.mark("site model built")
        published_signatures = listing()
    # The search index (an external process, mostly) is made from the pages it indexes, rendered first,
    # while this process renders the others and checks the links; it joins the same files mapping
    # afterwards, so the atomic swap covers it.
    with spare_in_background(out_dir), ThreadPoolExecutor(max_workers=1, thread_name_prefix="search") as background:
        searches = []

        def index_search(indexed: OutputFiles, indexed_pages: list[Page]) -> None:
            searches.append(background.submit(
                build_index, indexed, project.site.prefix, project.site.language, cache_subdir(project, "search"),
                page_shards(indexed_pages), shard_threshold(project.site.extra), jobs, file_keys(indexed, only_html=True)))

        pages, files = render_site(result, project, include_drafts, today, preview, published=(out_dir, manifest),
                                   spool_dir=Path(spool), model=model, on_searchable=index_search,
                                   published_signatures=published_signatures)
        page_keys = file_keys(files, only_html=True)
        # Pages whose bytes a previous build checked only have their link targets looked up again.
        broken, links = check_links_cached(files, project.site.prefix, page_keys, manifest.links, files.link_scans,
                                           skip=cms_folder(project))
        timings.mark("links checked")
        result.diagnostics += publish.frame_ancestors(project)[1] + broken
        try:
            bundle = searches[0].result()
        except SearchIndexError as error:
            bundle = None
            if not result.errors:
                result.diagnostics.append(Diagnostic(code="B001", file="pagefind", args={"problem": str(error)}))
        timings.mark("search index joined")
    timings.mark("spare tree joined")
    if result.errors:  # a photo that passed the check but could not be encoded, a broken link, a bad setting, no index
        return result, 0
    files.update(bundle)
    published = publish_changed(files, out_dir, manifest, build_key, len(pages), links, page_keys)
    freshness.record(out_dir, result.diagnostics, result.files, result.counts, len(pages), published)
    timings.mark("build stamp saved")
    if keep_model is not None:
        keep_model(model)
    return result, len(pages)


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
