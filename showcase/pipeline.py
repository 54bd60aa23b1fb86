"""The stages wired in order: discover → read → validate → model → render → write.

Each stage is a function of plain data; this module only passes results along and
collects diagnostics, so `build.py` stays a thin command line.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import publish
from .config import Project
from .diagnostics import Diagnostic
from .feeds import discovery_files, head_links
from .images import max_pixels_text, publish_photos
from .linkcheck import check_links
from .markup import MarkdownRenderer
from .metadata import json_ld
from .model import Page, build_site, is_published
from .reader import read_profile
from .render import fingerprint_assets, make_environment, render_pages
from .reports import reference_date
from .search import SearchIndexError, build_index
from .validate import Profile, check_collisions, validate_profile
from .writer import write_tree

INTRO_FILE = "_index.md"
INTRO_KEYS = {"title", "description"}


@dataclass
class ContentResult:
    profiles: list[Profile] = field(default_factory=list)
    intro: dict | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    content_dir: Path | None = None

    @property
    def errors(self) -> int:
        return sum(1 for item in self.diagnostics if item.severity == "error")


def display_path(path: Path) -> str:
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def discover(content_dir: Path) -> list[Path]:
    found = []
    for directory, subdirs, files in os.walk(content_dir):
        subdirs[:] = sorted(name for name in subdirs if not name.startswith("."))
        for name in sorted(files):
            if name.endswith(".md") and not name.startswith("."):
                found.append(Path(directory) / name)
    return found


def read_source(path: Path, content_dir: Path) -> tuple[bytes, Diagnostic | None]:
    """The file's bytes, unless it cannot be read or is a link out of the content folder."""
    shown = display_path(path)
    try:
        if not path.resolve().is_relative_to(content_dir):
            return b"", Diagnostic(code="E030", file=shown)
        return path.read_bytes(), None
    except OSError as error:
        return b"", Diagnostic(code="E029", file=shown, args={"problem": error.strerror or str(error)})


def process_profile(path: Path, data: bytes, project: Project, content_dir: Path,
                    renderer: MarkdownRenderer) -> tuple[Profile | None, list[Diagnostic]]:
    """Everything done for one profile: a function of its bytes, the project data and its photo."""
    rel_path = path.relative_to(content_dir).as_posix()
    parsed = read_profile(display_path(path), data)
    profile, diagnostics = validate_profile(parsed, project, content_dir, rel_path)
    if profile is not None:
        profile.body_html = renderer.render(profile.body)
    return profile, diagnostics


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
                args={"key": key, "where": " của trang giới thiệu", "suggestion": "",
                      "allowed": ", ".join(f"`{name}`" for name in sorted(INTRO_KEYS))},
            ))
    values = {key: entry.value.value for key, entry in parsed.front.items() if key in INTRO_KEYS}
    return {**values, "body_html": renderer.render(parsed.body)}, diagnostics


def load_content(content_dir: Path, project: Project) -> ContentResult:
    content_dir = content_dir.resolve()
    result = ContentResult(content_dir=content_dir)
    renderer = MarkdownRenderer()
    for path in discover(content_dir):
        data, problem = read_source(path, content_dir)
        if problem is not None:
            result.files += 1
            result.diagnostics.append(problem)
            continue
        if path.parent == content_dir and path.name == INTRO_FILE:
            result.intro, found = read_intro(path, data, renderer)
            result.diagnostics += found
            continue
        if path.name.startswith("_"):
            continue
        result.files += 1
        try:
            profile, found = process_profile(path, data, project, content_dir, renderer)
        except Exception as error:  # noqa: BLE001 - a bug of ours must not hide the other files' diagnostics
            profile, found = None, [Diagnostic(code="E999", file=display_path(path), args={"problem": repr(error)})]
        result.diagnostics += found
        if profile is not None:
            result.profiles.append(profile)
    result.diagnostics += check_collisions(result.profiles, project)
    result.diagnostics += publish.alias_collisions(result.profiles, project)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def image_cache_dir(project: Project) -> Path:
    return project.root / ".cache" / "images"


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


def render_site(result: ContentResult, project: Project, include_drafts: bool,
                today: datetime.date | None = None, preview: bool = False) -> tuple[list[Page], dict[str, bytes]]:
    """Every file of the site in memory, with the host's `_headers` and `_redirects`."""
    today = today or reference_date(os.environ, datetime.date.today())
    ancestors, _ = publish.frame_ancestors(project)
    photos, photo_files = render_photos(result, project, include_drafts)
    pages = build_site(result.profiles, project, result.intro, include_drafts, today, photos)
    not_found = next(page for page in pages if page.template == "404.html")
    pages.append(Page(publish.gone_url(project), "gone.html", {**not_found.context, "page_title": "Hồ sơ đã được gỡ", "canonical": None}))
    asset_urls, files = fingerprint_assets(project.static_dir, project.site.prefix)
    files.update(photo_files)
    environment = make_environment(project.layouts_dir, asset_urls)
    environment.globals.update(discovery=head_links(project), json_ld=json_ld)
    environment.globals["preview"] = preview
    files.update(render_pages(pages, environment))
    files.update(discovery_files(pages, project))
    if project.site.prefix != "/":
        files["index.html"] = environment.get_template("redirect.html").render(
            target=project.site.prefix, site=project.site).encode("utf-8")
    files[publish.REDIRECTS_FILE] = publish.redirects_file(result.profiles, project, include_drafts)
    files[publish.HEADERS_FILE] = publish.headers_file(list(files), project, ancestors, preview)
    return pages, files


def build(content_dir: Path, out_dir: Path, project: Project, include_drafts: bool,
          today: datetime.date | None = None, preview: bool = False) -> tuple[ContentResult, int]:
    """Validate, render, check links, then publish only if there is no error. Returns (result, pages written)."""
    result = load_content(content_dir, project)
    if result.errors:
        return result, 0
    pages, files = render_site(result, project, include_drafts, today, preview)
    result.diagnostics += publish.frame_ancestors(project)[1] + check_links(files, project.site.prefix)
    if result.errors:  # a photo that passed the check but could not be encoded, a broken link, a bad setting
        return result, 0
    try:  # the search index joins the same files mapping, so the atomic swap covers it
        files.update(build_index(files, project.site.prefix, project.site.language, project.root / ".cache" / "search"))
    except SearchIndexError as error:
        result.diagnostics.append(Diagnostic(code="B001", file="pagefind", args={"problem": str(error)}))
        return result, 0
    write_tree(files, out_dir)
    return result, len(pages)
