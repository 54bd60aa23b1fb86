"""The site model of a build: every page (model.build_site) with the Jinja2 environment that renders
it, the fingerprinted assets, the resized photos and the editors' form, then the files made from the
whole site. Nothing here decides what to render again or where: that is the engine's.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import jinja2

from showcase.common.config import Project
from showcase.common.diagnostics import Diagnostic
from showcase.common.fingerprints import generator_version, hash_parts, tree_version
from showcase.site import cms_data, publish
from showcase.site.cms import cms_files, cms_folder, connect_sources
from showcase.site.feeds import discovery_files, head_links
from showcase.site.images import publish_photos
from showcase.site.metadata import json_ld
from showcase.site.model import MorePages, Page, build_site, is_published
from showcase.site.render import fingerprint_assets, make_environment
from showcase.source.aliases import gone_url
from showcase.source.content import ContentResult
from showcase.source.photos import max_pixels_text
from showcase.source.validate import Profile

PROFILE_TEMPLATE = "profile.html"


def render_photos(result: ContentResult, project: Project, include_drafts: bool,
                  image_cache: Path | None = None) -> tuple[dict[str, dict], dict[str, bytes]]:
    """Resize the published profiles' photos (withdrawn profiles' photos are never copied out), reusing
    the encodings kept in `image_cache`. A photo that cannot be encoded becomes an E027 diagnostic in `result`."""
    wanted = {profile.rel_path: (result.content_dir / profile.photo, profile.photo_alt)
              for profile in result.profiles if profile.photo and result.content_dir and is_published(profile, include_drafts)}
    contexts, files, problems = publish_photos(wanted, project.site.prefix, image_cache)
    for profile in result.profiles:
        if profile.rel_path in problems:
            result.diagnostics.append(Diagnostic(code="E027", file=profile.source, line=profile.photo_line, args={
                "path": profile.photo, "problem": problems[profile.rel_path], "max_pixels": max_pixels_text()}))
    return contexts, files


@dataclass
class SiteModel:
    """Every page of a build with what renders it. The preview keeps the last one, to render an edited
    profile's page at once (engine/quick.py) while the full build runs."""

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


def assemble_site(result: ContentResult, project: Project, include_drafts: bool, preview: bool = False,
                  image_cache: Path | None = None, more_pages: MorePages | None = None) -> SiteModel:
    """The pages (model.build_site, with `more_pages`) and the Jinja2 environment of a build, the assets,
    photos and form files; nothing rendered yet."""
    photos, photo_files = render_photos(result, project, include_drafts, image_cache)
    pages = build_site(result.profiles, project, result.intro, include_drafts, photos, more_pages)
    not_found = next(page for page in pages if page.template == "404.html")
    pages.append(Page(gone_url(project), "gone.html", {**not_found.context, "page_title": "Hồ sơ đã được gỡ", "canonical": None}))
    asset_urls, assets = fingerprint_assets(project.static_dir, project.site.prefix)
    environment = make_environment(project.layouts_dir, asset_urls)
    discovery = head_links(project)
    environment.globals.update(discovery=discovery, json_ld=json_ld)
    environment.globals["preview"] = preview
    cms, problems = cms_files(project, environment, asset_urls)
    if cms:  # the office's data forms beside the profile form, with what the profiles use of the data
        cms.update(cms_data.form_files(project, cms_folder(project), result.profiles))
    result.diagnostics += problems
    # Everything every page sees besides its own context: the templates, the assets, the code.
    environment_key = hash_parts(tree_version(project.layouts_dir), repr(sorted(asset_urls.items())), repr(discovery),
                                 str(preview), generator_version())
    return SiteModel({profile.rel_path: profile for profile in result.profiles}, pages, environment, environment_key,
                     photos, {**assets, **photo_files, **cms})


SEARCH_MARKER = "data-pagefind-body"  # a template holding it makes pages the search indexes


def site_files(model: SiteModel, result: ContentResult, project: Project, include_drafts: bool, preview: bool,
               paths: list[str]) -> dict[str, bytes]:
    """The files made from the whole site rather than one page: feeds, sitemap and robots.txt, the
    redirect to the section, the host's `_redirects` and `_headers` (whose rules cover `paths`, every
    other file of the build, and these)."""
    made = dict(discovery_files(model.pages, project))
    if project.site.prefix != "/":
        made["index.html"] = model.environment.get_template("redirect.html").render(
            target=project.site.prefix, site=project.site).encode("utf-8")
    made[publish.REDIRECTS_FILE] = publish.redirects_file(result.profiles, project, include_drafts)
    ancestors = publish.frame_ancestors(project)
    made[publish.HEADERS_FILE] = publish.headers_file([*paths, *made], project, ancestors, preview, cms_folder(project),
                                                      connect_sources(project))
    return made
