"""The preview's fast path: an edited profile's own page, rendered at once from the last build's model.

A full build of a large site takes seconds; an editor who saves a profile wants to see it now, as
Hugo's server shows the page being edited first ("fast render"). The preview keeps the last build's
site model (site/assemble.py's SiteModel); when only profile files were modified, this module reads and checks
those files alone and renders their own pages with the new data, while the full build runs behind.

Only an edit that keeps the page's place in the site is taken this way: same address, unit and field
(the "same unit" and "same field" cards come from them), still published, same photo. The page is then
the one the full build makes, byte for byte (tested); any other change waits for the full build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from showcase.common.config import Project
from showcase.common.diagnostics import Diagnostic
from showcase.site.assemble import SiteModel
from showcase.site.model import Page, Urls, is_published, profile_detail
from showcase.source.content import analyse_profile, is_profile_file, read_source
from showcase.source.markup import MarkdownRenderer


@dataclass
class QuickResult:
    pages: dict[str, bytes] = field(default_factory=dict)  # output path → bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)  # the edited files' own problems

    @property
    def errors(self) -> bool:
        return any(item.severity == "error" for item in self.diagnostics)


def _same_place(old, new, include_drafts: bool) -> bool:
    return (new.slug == old.slug and new.unit == old.unit and new.field == old.field
            and is_published(new, include_drafts) and is_published(old, include_drafts)
            and new.photo == old.photo and new.photo_alt == old.photo_alt)


def quick_render(model: SiteModel, project: Project, content_dir: Path, changed: list[Path],
                 include_drafts: bool) -> QuickResult | None:
    """The new pages of the modified profile files `changed`, or their problems when they have errors.
    None when the change needs the full build: a file that is not a known profile, or an edit that
    moves its page (see the module's note)."""
    content_dir = content_dir.resolve()
    plans = {plan.id: plan for plan in project.plans}
    urls = Urls(project)
    renderer = MarkdownRenderer()
    result = QuickResult()
    for path in changed:
        path = path.resolve()
        if not path.is_relative_to(content_dir) or not is_profile_file(path.name):
            return None
        rel_path = path.relative_to(content_dir).as_posix()
        old = model.profiles.get(rel_path)
        page = model.profile_pages.get(rel_path)
        if old is None or page is None:
            return None
        data, problem = read_source(path, content_dir)
        if problem is not None:
            return None  # gone or unreadable: the full build says what happened
        profile, diagnostics, _, _ = analyse_profile(path, data, project, content_dir, renderer)
        result.diagnostics += diagnostics
        if profile is None or result.errors:
            continue
        if not _same_place(old, profile, include_drafts):
            return None
        detail = profile_detail(profile, plans[profile.plan_id], project, urls, model.photos.get(rel_path))
        context = {**page.context, "page_title": profile.name, "profile": detail, "canonical": detail["canonical"]}
        fresh = Page(page.url, page.template, context)
        html = model.environment.get_template(fresh.template).render(page=fresh, **context)
        result.pages[fresh.output_path] = html.encode("utf-8")
    if result.errors:
        result.pages.clear()
    return result
