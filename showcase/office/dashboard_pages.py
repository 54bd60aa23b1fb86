"""The office's pages in the site model: statistics, milestone reviews and yearbooks.

`dashboard_pages` returns extra `Page`s (plain data contexts) built from the figures of
showcase.office.reports; `model.build_site` appends them. URL paths come from data/site.yaml
(`paths.statistics`, `paths.milestone`, `paths.yearbook`), visibility from its
`statistics` setting (public, or unlisted: built but noindex and not in the navigation),
the yearbook order from `yearbook_order`.
"""

from __future__ import annotations

import datetime
import re

from showcase.common.config import Plan, Project
from showcase.common.text import fold
from showcase.office.charts import bar_chart, describe
from showcase.office.reports import (
    BELOW,
    DEFAULT_ORDER,
    ENDED,
    IN_PROGRESS,
    INACTIVE,
    counted,
    coverage,
    milestone_review,
    period_in_order,
    plan_in_order,
    year_status,
)
from showcase.site.model import Page, Shared, Urls, profile_detail
from showcase.source.validate import Profile

STATUS_TEXT = {BELOW: "chưa đạt chỉ tiêu", IN_PROGRESS: "năm chưa kết thúc", INACTIVE: "không hoạt động", "ok": ""}


class DashboardUrls:
    def __init__(self, project: Project):
        self.prefix = project.site.prefix
        self.paths = project.site.paths

    def statistics(self) -> str:
        return f"{self.prefix}{self.paths['statistics']}/"

    def milestone(self, milestone_id: str) -> str:
        return f"{self.prefix}{self.paths['milestone']}/{milestone_id}/"

    def yearbook(self, key: object) -> str:
        return f"{self.prefix}{self.paths['yearbook']}/{key}/"


def settings(project: Project) -> tuple[bool, tuple[str, ...]]:
    """(statistics listed?, yearbook order) from data/site.yaml."""
    extra = project.site.extra
    listed = extra.get("statistics", "public") == "public"
    order = tuple(extra.get("yearbook_order") or DEFAULT_ORDER)
    return listed, order


def _year_chart(plan: Plan, table: dict, chart_id: str) -> dict:
    bars = [{"label": f"Năm {column['year']}", "value": column["count"],
             "note": f"({column['status_label']})" if column["status"] != ENDED else "", "open": column["status"] != ENDED}
            for column in table["years"]]
    title = f"Số điển hình theo năm, {plan.title}"
    return {"id": chart_id, "title": title, "html": bar_chart(chart_id, title, describe(title, bars), bars)}


def _units_chart(table: dict, year: int, chart_id: str, quota: int) -> dict:
    index = [column["year"] for column in table["years"]].index(year)
    bars = []
    for row in table["rows"]:
        cell = row["cells"][index]
        if cell["status"] == INACTIVE:
            continue
        bars.append({"label": row["unit_name"], "value": cell["count"],
                     "note": "– chưa đạt" if cell["status"] == BELOW else "", "open": cell["status"] == IN_PROGRESS})
    title = f"Số điển hình của từng đơn vị năm {year} so với chỉ tiêu {quota}"
    html = bar_chart(chart_id, title, describe(title, bars), bars,
                     marker={"value": quota, "label": f"Chỉ tiêu: {quota} điển hình mỗi đơn vị"})
    return {"id": chart_id, "title": title, "html": html}


def _field_chart(table: dict, chart_id: str) -> dict:
    bars = [{"label": item["label"], "value": item["count"]} for item in table["field_totals"]]
    title = "Số điển hình theo lĩnh vực"
    return {"id": chart_id, "title": title, "html": bar_chart(chart_id, title, describe(title, bars), bars)}


def _funnel_chart(review: dict, chart_id: str) -> dict:
    bars = [{"label": f"{stage['order'] + 1}. {stage['label']}", "value": stage["reached"]} for stage in review["funnel"]]
    title = f"Số điển hình đã đạt tới từng bước của quy trình – {review['milestone']['label']}"
    return {"id": chart_id, "title": title, "html": bar_chart(chart_id, title, describe(title, bars), bars)}


def _cell_view(cell: dict) -> dict:
    return {**cell, "text": "–" if cell["status"] == INACTIVE else str(cell["count"]), "note": STATUS_TEXT[cell["status"]]}


def dashboard_pages(profiles: list[Profile], project: Project, common: dict, today: datetime.date,
                    details: dict[int, dict] | None = None) -> list[Page]:
    """`details`: id(profile) → its profile page's detail (model.profile_detail), reused by the yearbooks."""
    urls, dash = Urls(project), DashboardUrls(project)
    listed, order = settings(project)
    robots = None if listed else "noindex"
    base = {**common, "dashboard_urls": {"statistics": dash.statistics()}, "robots": robots}
    profile_urls = {p.slug: urls.profile(p.slug) for p in counted(profiles)}
    pages: list[Page] = []
    plan_views = []
    yearbook_entries: dict[int, dict] = {}
    for plan in reversed(project.plans):
        table = coverage(profiles, plan, project, today)
        for row in table["rows"]:
            row["view"] = [_cell_view(cell) for cell in row["cells"]]
        ended = [column["year"] for column in table["years"] if column["status"] == ENDED]
        shown_year = ended[-1] if ended else table["years"][0]["year"]
        charts = [_year_chart(plan, table, f"bieu-do-{plan.id}-nam"),
                  _units_chart(table, shown_year, f"bieu-do-{plan.id}-don-vi", plan.quota_per_unit_per_year),
                  _field_chart(table, f"bieu-do-{plan.id}-linh-vuc")]
        milestones = []
        ordered = plan_in_order(profiles, plan, order)
        for milestone in plan.milestones.values():
            review = milestone_review(profiles, plan, milestone, project, order, ordered)
            milestones.append({**review["milestone"], "url": dash.milestone(milestone.id),
                               "yearbook_url": dash.yearbook(milestone.id), "count": review["count"],
                               "nominated_count": review["nominated_count"]})
            review_chart = _funnel_chart(review, f"bieu-do-{milestone.id}-quy-trinh")
            for entry in review["exemplars"]:
                entry["url"] = profile_urls.get(entry["slug"])
            for group in review["nominated"]:
                for kind in group["kinds"]:
                    for entry in kind["exemplars"]:
                        entry["url"] = profile_urls.get(entry["slug"])
            pages.append(Page(dash.milestone(milestone.id), "milestone.html", {
                **base, "page_title": milestone.label, "review": review, "chart": review_chart,
                "yearbook_url": dash.yearbook(milestone.id), "canonical": urls.absolute(dash.milestone(milestone.id)),
            }))
            pages.append(_yearbook_page(
                ordered, project, plan, urls, dash, base, milestone.id, milestone.label,
                milestone.covers_start, milestone.covers_end, order, yearbook_entries, details or {}))
        yearbooks = []
        for column in table["years"]:
            if column["count"] and year_status(column["year"], today) != "future":
                yearbooks.append({"year": column["year"], "url": dash.yearbook(column["year"])})
                pages.append(_yearbook_page(ordered, project, plan, urls, dash, base, column["year"],
                                            f"Năm {column['year']}", column["year"], column["year"], order, yearbook_entries,
                                            details or {}))
        plan_views.append({"plan": plan, "table": table, "charts": charts, "shown_year": shown_year,
                           "milestones": milestones, "yearbooks": yearbooks})
    pages.insert(0, Page(dash.statistics(), "statistics.html", {
        **base, "page_title": "Thống kê điển hình tiên tiến", "plans": plan_views, "reference_date": today,
        "canonical": urls.absolute(dash.statistics()), "listed": listed,
    }))
    return pages


def demote_headings(html: str, levels: int) -> str:
    """The story's own `## headings` sit under the yearbook's h3 "Câu chuyện điển hình": shift them down."""
    return re.sub(r"<(/?)h([1-6])\b", lambda match: f"<{match[1]}h{min(int(match[2]) + levels, 6)}", html)


def _yearbook_entry(profile: Profile, plan, project: Project, urls: Urls, details: dict[int, dict]) -> dict:
    shared = details.get(id(profile))
    # The profile page's detail without its photo (the yearbook prints none), or made here.
    detail = Shared(shared, photo=None) if shared is not None else profile_detail(profile, plan, project, urls)
    detail["anchor"] = f"dien-hinh-{profile.slug}"
    # A collective named after its unit ("Phòng Quản lý xây dựng") is not followed by the unit again.
    detail["unit_in_name"] = fold(detail["unit_name"]) in fold(detail["name"])
    detail["body_html"] = demote_headings(detail["body_html"], 2)
    photo = detail.get("photo")
    detail["photo_src"] = (photo.get("src") or photo.get("url")) if isinstance(photo, dict) else None
    detail["photo_alt"] = (photo.get("alt") or profile.photo_alt or "") if isinstance(photo, dict) else ""
    return detail


def _yearbook_page(ordered, project, plan, urls, dash, base, key, period_label, start, end, order, entries: dict,
                   page_details: dict) -> Page:
    """`ordered`: the plan's profiles in order (reports.plan_in_order). `entries`: id(profile) → its
    yearbook entry, shared by the yearbooks of a build (a profile is in its year's yearbook and in
    every milestone's that covers the year: made once, not three times)."""
    members = period_in_order(ordered, start, end)
    details = []
    for profile in members:
        if id(profile) not in entries:
            entries[id(profile)] = _yearbook_entry(profile, plan, project, urls, page_details)
        details.append(entries[id(profile)])
    grouped = order[0] == "field"
    groups: list[dict] = []
    for detail in details:
        if not groups or (grouped and groups[-1]["field"] != detail["field"]):
            groups.append({"field": detail["field"], "label": detail["field_label"] if grouped else "", "items": []})
        groups[-1]["items"].append(detail)
    period = f"{start}" if start == end else f"{start}–{end}"
    return Page(dash.yearbook(key), "yearbook.html", {
        **base, "robots": "noindex", "page_title": f"Kỷ yếu điển hình tiên tiến – {period_label}",
        "period_label": period_label, "period": period, "single_year": start == end,
        "period_text": f"Năm {start}" if start == end else f"Giai đoạn {period}",
        "plan": plan, "exemplars": details, "groups": groups,
        "grouped": grouped, "canonical": urls.absolute(dash.yearbook(key)),
    }, group=f"yearbooks-{plan.id}")
