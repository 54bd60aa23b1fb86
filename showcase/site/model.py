"""Build the site model: which pages exist, at which URLs, with which data.

Input: validated profiles and the project data. Output: a list of `Page`s whose
context is plain data (labels resolved, URLs made), so templates hold no logic
beyond layout and the renderer knows nothing about the plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice

from babel import Locale
from babel.dates import format_date

from showcase.common.config import Plan, Project
from showcase.common.text import fold
from showcase.site.search import bundle_urls, shard_threshold
from showcase.source.content import name_collation
from showcase.source.validate import Profile

TAXONOMIES = ("field", "unit", "year", "kind")
TAXONOMY_TITLES = {"field": "Lĩnh vực", "unit": "Phòng, đơn vị", "year": "Năm", "kind": "Loại điển hình"}


class Shared(dict):
    """A dict that the contexts of many pages hold, the same object in each: a profile's card (on its
    listings and on its neighbours' pages), its detail, its yearbook entry (in every yearbook of its
    year). The render key digests it once per process instead of once per page that holds it
    (engine.rendering.render_key), so it must be complete before it is handed to a page and not changed after."""

    __slots__ = ("digest",)


@dataclass
class Page:
    url: str  # path from the domain root, ending in "/" (or a file name for 404)
    template: str
    context: dict = field(default_factory=dict)
    # Pages with the same group are rendered by one worker, in one task: they share costly parts (a
    # plan's yearbooks hold the same entries), which each worker digests and renders once.
    group: str | None = None

    @property
    def output_path(self) -> str:
        path = self.url.lstrip("/")
        return path + "index.html" if path.endswith("/") or not path else path


_VIETNAMESE = Locale.parse("vi")  # parsed once: Babel parses a locale name on every call


@lru_cache(maxsize=4096)  # pure; Babel's formatting is slow and award dates repeat
def vietnamese_date(value: date) -> str:
    """Administrative form: 'ngày 16 tháng 9 năm 2021'."""
    return format_date(value, "'ngày' d 'tháng' M 'năm' y", locale=_VIETNAMESE)


class Urls:
    def __init__(self, project: Project):
        self.prefix = project.site.prefix
        self.paths = project.site.paths
        self.origin = project.site.origin

    def home(self) -> str:
        return self.prefix

    def profile(self, slug: str) -> str:
        return f"{self.prefix}{self.paths['profile']}/{slug}/"

    def taxonomy(self, taxonomy: str) -> str:
        return f"{self.prefix}{self.paths[taxonomy]}/"

    def term(self, taxonomy: str, term: object, page: int = 1) -> str:
        base = self.taxonomy(taxonomy) if taxonomy != "all" else f"{self.prefix}{self.paths['all']}/"
        base = f"{base}{term}/" if taxonomy != "all" else base
        return base if page == 1 else f"{base}{self.paths['page']}/{page}/"

    def search(self) -> str | None:
        return f"{self.prefix}{self.paths['search']}/" if self.paths.get("search") else None

    def absolute(self, url: str) -> str:
        return f"{self.origin}{url}"


def sort_key(profile: Profile, plan: Plan) -> tuple:
    if profile.collation:
        return profile.collation
    return name_collation(profile, plan)


def profile_card(profile: Profile, plan: Plan, project: Project, urls: Urls) -> dict:
    """What any listing shows about a profile."""
    unit = project.units[profile.unit]
    return Shared({
        "name": profile.name,
        "url": urls.profile(profile.slug),
        "kind": profile.kind,
        "kind_label": plan.kinds[profile.kind].label,
        "kind_url": urls.term("kind", profile.kind),
        "unit": unit.id,
        "unit_name": unit.name,
        "unit_url": urls.term("unit", unit.id),
        "field": profile.field,
        "field_label": plan.fields[profile.field].label,
        "field_url": urls.term("field", profile.field),
        "year": profile.year,
        "year_url": urls.term("year", profile.year),
        "position": profile.position,
        "summary": profile.summary,
        "draft": profile.draft,
        "search_text": profile.search_name or fold(f"{profile.name} {unit.name}"),
        "stage_label": plan.stages[profile.stage].label if profile.stage in plan.stages else None,
    })


def is_published(profile: Profile, include_drafts: bool) -> bool:
    """Withdrawn profiles never appear anywhere; drafts only in a preview build."""
    return not profile.withdrawn and (include_drafts or not profile.draft)


def profile_detail(profile: Profile, plan: Plan, project: Project, urls: Urls, photo: dict | None = None,
                   card: dict | None = None) -> dict:
    """What the profile's page shows: its card (`card`, when already made) and the rest."""
    card = Shared(card) if card is not None else profile_card(profile, plan, project, urls)
    criteria = plan.criteria
    card.update({
        "plan_id": plan.id,
        "plan_title": plan.title,
        "achievements": profile.achievements,
        "criteria": [
            {"id": item, "text": criteria[item].text,
             "group": plan.fields[criteria[item].field].label if criteria[item].field else "Tiêu chí chung",
             "source": criteria[item].source}
            for item in profile.criteria
        ],
        "awards": [
            {
                "title": award["title"],
                "decision": award.get("decision"),
                "date": award.get("date").isoformat() if award.get("date") else None,
                "date_text": vietnamese_date(award["date"]) if award.get("date") else None,
                "issuer": award.get("issuer"),
            }
            for award in profile.awards
        ],
        "stage": profile.stage,
        "stage_label": plan.stages[profile.stage].label if profile.stage else None,
        "stages": [{"id": stage.id, "label": stage.label, "reached": profile.stage is not None and
                    stage.order <= plan.stages[profile.stage].order} for stage in plan.stages.values()],
        "nominated": [plan.milestones[item].label for item in profile.nominated],
        "body_html": profile.body_html,
        "search_dd_name": profile.search_dd_name,
        "search_dd_text": profile.search_dd_text,
        "canonical": urls.absolute(urls.profile(profile.slug)),
        "source": profile.rel_path,
        "photo": photo,
        "is_person": profile.kind in project.personal_data.requires_consent,
    })
    return card


PAGINATION_WINDOW = 2  # page links either side of the current one, besides the first and the last


def pagination_window(current: int, total: int, numbers: list[dict]) -> list[dict]:
    """The page links a listing page shows: first, last, current ± PAGINATION_WINDOW, and a gap
    marker ({"gap": True}) where numbers are left out. Constant size, so a listing of P pages renders
    O(P) links in all, not P² (Hugo's and most themes' default)."""
    shown = sorted({1, total, *range(max(1, current - PAGINATION_WINDOW), min(total, current + PAGINATION_WINDOW) + 1)})
    window: list[dict] = []
    for number in shown:
        if window and number > window[-1]["number"] + 1:
            window.append({"gap": True, "number": number - 1, "url": None})
        window.append(numbers[number - 1])
    return window


def paginate(items: list, per_page: int, url_of_page) -> list[tuple[list, dict]]:
    total = max(1, math.ceil(len(items) / per_page))
    numbers = [{"number": n, "url": url_of_page(n), "gap": False} for n in range(1, total + 1)]  # shared, not rebuilt per page
    pages = []
    for number in range(1, total + 1):
        chunk = items[(number - 1) * per_page: number * per_page]
        pages.append((chunk, {
            "current": number,
            "total": total,
            "count": len(items),
            "url": url_of_page(number),
            "prev_url": url_of_page(number - 1) if number > 1 else None,
            "next_url": url_of_page(number + 1) if number < total else None,
            "pages": pagination_window(number, total, numbers),
        }))
    return pages


def featured_profiles(published: list[Profile], plans: dict[str, Plan], rules: dict) -> list[Profile]:
    """Profiles to put forward on the home page, by the rules of data/site.yaml `featured`:
    those at one of the listed process stages or nominated to a milestone, furthest stage and newest first."""
    stages = set(rules.get("stages") or [])
    chosen = [p for p in published if p.stage in stages or (rules.get("nominated") and p.nominated)]

    def rank(profile: Profile) -> tuple:
        stage = plans[profile.plan_id].stages.get(profile.stage) if profile.stage else None
        return (-(stage.order if stage else -1), -profile.year, sort_key(profile, plans[profile.plan_id]))

    return sorted(chosen, key=rank)[: int(rules.get("count", 3))]


def by_given_name(members: list[Profile], plans: dict[str, Plan]) -> bool:
    """Whether a listing of these profiles puts people by their given name (a kind's `name_order` in the
    plan), which a visitor who looks for a family name should be told."""
    kinds = {(profile.plan_id, profile.kind) for profile in members}
    return any(getattr(plans[plan_id].kinds.get(kind), "name_order", None) == "given-name-first" for plan_id, kind in kinds)


def _term_label(taxonomy: str, term: object, project: Project, plans: dict[str, Plan]) -> str:
    if taxonomy == "unit":
        return project.units[term].name
    if taxonomy == "year":
        return f"Năm {term}"
    for plan in plans.values():
        source = plan.fields if taxonomy == "field" else plan.kinds
        if term in source:
            return source[term].label
    return str(term)


# (the context every page shares, id(profile) → its page's detail) → pages
MorePages = Callable[[dict, dict[int, dict]], list[Page]]


def build_site(profiles: list[Profile], project: Project, intro: dict | None, include_drafts: bool,
               photos: dict[str, dict] | None = None, more_pages: MorePages | None = None) -> list[Page]:
    """`photos`: the profile's `rel_path` → the data of its published photo (see images.publish_photos).
    `more_pages`: the pages of another part of the site (the office's statistics, milestones and
    yearbooks: office.dashboard_pages), made from the context every page shares and the profiles'
    details; they come after the listings, in the sitemap's order."""
    site = project.site
    urls = Urls(project)
    plans = {plan.id: plan for plan in project.plans}
    published = [p for p in profiles if is_published(p, include_drafts)]
    order = {id(p): sort_key(p, plans[p.plan_id]) for p in published}  # collation keys are costly: once each
    published.sort(key=lambda p: (order[id(p)], p.slug))
    cards = {id(p): profile_card(p, plans[p.plan_id], project, urls) for p in published}
    common = {
        "site": site,
        "urls": {"home": urls.home(), **{name: urls.taxonomy(name) for name in TAXONOMIES}, "all": urls.term("all", None),
                 "search": urls.search()},
        "taxonomy_titles": TAXONOMY_TITLES,
    }
    pages: list[Page] = []

    terms: dict[str, dict[object, list[Profile]]] = {name: {} for name in TAXONOMIES}
    for profile in published:
        for taxonomy in TAXONOMIES:
            terms[taxonomy].setdefault(getattr(profile, taxonomy), []).append(profile)

    def term_entries(taxonomy: str) -> list[dict]:
        if taxonomy == "year":
            ordered = sorted(terms[taxonomy], reverse=True)
        elif taxonomy == "unit":
            ordered = [unit for unit in project.units if unit in terms[taxonomy]]
        else:
            ordered = [item for plan in project.plans for item in
                       (plan.fields if taxonomy == "field" else plan.kinds) if item in terms[taxonomy]]
            ordered = list(dict.fromkeys(ordered))
        return [{"id": term, "label": _term_label(taxonomy, term, project, plans), "count": len(terms[taxonomy][term]),
                 "url": urls.term(taxonomy, term)} for term in ordered]

    latest = sorted(published, key=lambda p: (-p.year, order[id(p)]))[: site.latest_count]
    current_plan = project.plans[-1] if project.plans else None
    pages.append(Page(urls.home(), "home.html", {
        **common,
        "page_title": site.title,
        "intro": intro,
        "plan": current_plan,
        "plans": project.plans,
        "fields": term_entries("field"),
        "field_descriptions": {f.id: f for plan in project.plans for f in plan.fields.values()},
        "units": term_entries("unit"),
        "years": term_entries("year"),
        "kinds": term_entries("kind"),
        "latest": [cards[id(p)] for p in latest],
        "featured": [cards[id(p)] for p in featured_profiles(published, plans, site.extra.get("featured") or {})],
        "total": len(published),
        "canonical": urls.absolute(urls.home()),
    }))

    details: dict[int, dict] = {}
    for profile in published:
        plan = plans[profile.plan_id]
        detail = details[id(profile)] = profile_detail(profile, plan, project, urls, (photos or {}).get(profile.rel_path),
                                                       cards[id(profile)])
        # islice: stop after 4 instead of walking every profile of the unit/field (O(n²) otherwise).
        related_profiles = list(islice((p for p in terms["unit"][profile.unit] if p is not profile), 4))
        related = [cards[id(p)] for p in related_profiles]
        same_field = [cards[id(p)] for p in islice(
            (p for p in terms["field"][profile.field]
             if p is not profile and all(p is not q for q in related_profiles)), 4)]
        pages.append(Page(urls.profile(profile.slug), "profile.html", {
            **common, "page_title": profile.name, "profile": detail,
            "related_unit": related, "related_field": same_field, "canonical": detail["canonical"],
        }))

    for taxonomy in TAXONOMIES:
        entries = term_entries(taxonomy)
        pages.append(Page(urls.taxonomy(taxonomy), "terms.html", {
            **common, "page_title": TAXONOMY_TITLES[taxonomy], "taxonomy": taxonomy, "terms": entries,
            "canonical": urls.absolute(urls.taxonomy(taxonomy)),
        }))
        for entry in entries:
            members = terms[taxonomy][entry["id"]]
            given_name_first = by_given_name(members, plans)
            for chunk, pagination in paginate(members, site.per_page,
                                              lambda n, t=taxonomy, term=entry["id"]: urls.term(t, term, n)):
                pages.append(Page(pagination["url"], "list.html", {
                    **common, "page_title": entry["label"], "taxonomy": taxonomy, "term": entry,
                    "by_given_name": given_name_first,
                    "profiles": [cards[id(p)] for p in chunk], "pagination": pagination,
                    "canonical": urls.absolute(pagination["url"]),
                }))

    given_name_first = by_given_name(published, plans)
    for chunk, pagination in paginate(published, site.per_page, lambda n: urls.term("all", None, n)):
        pages.append(Page(pagination["url"], "list.html", {
            **common, "page_title": "Tất cả điển hình", "taxonomy": "all", "by_given_name": given_name_first,
            "term": {"label": "Tất cả điển hình", "count": len(published)},
            "profiles": [cards[id(p)] for p in chunk], "pagination": pagination,
            "canonical": urls.absolute(pagination["url"]),
        }))

    if more_pages is not None:
        pages += more_pages(common, details)
    if urls.search():
        pages.append(Page(urls.search(), "search.html", {
            **common, "page_title": "Tìm kiếm điển hình", "canonical": urls.absolute(urls.search()),
            "bundle_urls": bundle_urls(site.prefix, [str(p.year) for p in published], shard_threshold(site.extra)),
            "filters": [{"name": taxonomy, "title": TAXONOMY_TITLES[taxonomy],
                         "options": [{**entry, "value": str(entry["id"]) if taxonomy == "year" else entry["label"]}
                                     for entry in term_entries(taxonomy)]}
                        for taxonomy in ("field", "unit", "year", "kind")],
        }))

    pages.append(Page("/404.html", "404.html", {**common, "page_title": "Không tìm thấy trang", "canonical": None}))
    return pages
