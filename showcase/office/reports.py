"""The office's figures: quota coverage, milestone reviews and nominations.

A pure stage: validated profiles + project data + a reference date in, plain data
(dicts, lists, numbers, strings) out. The terminal table, the CSV, the JSON, the
statistics page and `check`'s quota warnings are all views of these figures.

What counts as an exemplar here: a validated profile that is neither a draft
(`draft: true`, not yet recognised) nor withdrawn (`withdrawn: true`, taken down).
The reference date decides which years have ended; it is a parameter (the command
line takes it from SOURCE_DATE_EPOCH or today), so a report is reproducible.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from showcase.common.config import Milestone, Plan, Project
from showcase.common.diagnostics import Diagnostic
from showcase.common.paths import display_path
from showcase.site.model import sort_key
from showcase.source.content import ContentResult
from showcase.source.reader import read_profile
from showcase.source.validate import Profile

ENDED, CURRENT, FUTURE = "ended", "current", "future"
YEAR_STATUS_LABELS = {ENDED: "đã kết thúc", CURRENT: "đang diễn ra", FUTURE: "chưa đến"}
OK, BELOW, IN_PROGRESS, INACTIVE = "ok", "below", "in-progress", "inactive"
ORDER_KEYS = ("field", "kind", "unit", "year", "name")
DEFAULT_ORDER = ("field", "name")


def counted(profiles: list[Profile]) -> list[Profile]:
    """The profiles that count towards the figures: no drafts, nothing withdrawn."""
    return [profile for profile in profiles if not profile.draft and not profile.withdrawn]


def year_status(year: int, today: datetime.date) -> str:
    if year < today.year:
        return ENDED
    return CURRENT if year == today.year else FUTURE


def default_plan(project: Project, today: datetime.date) -> Plan | None:
    """The plan running at the reference date, else the latest one that has started, else the first."""
    if not project.plans:
        return None
    running = project.plan_for_year(today.year)
    if running:
        return running
    started = [plan for plan in project.plans if plan.start <= today.year]
    return started[-1] if started else project.plans[0]


def _labels(plan: Plan) -> dict:
    return {
        "kinds": [{"id": kind.id, "label": kind.label} for kind in plan.kinds.values()],
        "fields": [{"id": item.id, "label": item.label, "letter": item.letter} for item in plan.fields.values()],
        "stages": [{"id": stage.id, "label": stage.label} for stage in plan.stages.values()],
    }


def coverage(profiles: list[Profile], plan: Plan, project: Project, today: datetime.date, year: int | None = None) -> dict:
    """Units × years of `plan`: counts (with kind and field breakdowns), status of each cell, and totals."""
    years = [year] if year is not None else list(range(plan.start, plan.end + 1))
    quota = plan.quota_per_unit_per_year
    members = [p for p in counted(profiles) if p.plan_id == plan.id and p.year in years]
    kind_ids, field_ids = list(plan.kinds), list(plan.fields)

    def tally(items: list[Profile]) -> dict:
        kinds, fields = Counter(p.kind for p in items), Counter(p.field for p in items)
        return {
            "count": len(items),
            "kinds": {kind: kinds[kind] for kind in kind_ids},
            "fields": {field: fields[field] for field in field_ids},
        }

    # Grouped once: a scan of every profile per unit and year was most of the dashboard at 10,000 profiles.
    by_unit_year: dict[tuple[str, int], list[Profile]] = defaultdict(list)
    by_year: dict[int, list[Profile]] = defaultdict(list)
    for p in members:
        by_unit_year[p.unit, p.year].append(p)
        by_year[p.year].append(p)
    rows = []
    for unit in project.units.values():
        if not any(unit.active_in(item) for item in years):
            continue
        cells = []
        for item in years:
            if not unit.active_in(item):
                cells.append({"year": item, "status": INACTIVE, "count": None, "kinds": {}, "fields": {}})
                continue
            cell = tally(by_unit_year[unit.id, item])
            if cell["count"] >= quota:
                status = OK
            else:
                status = BELOW if year_status(item, today) == ENDED else IN_PROGRESS
            cells.append({"year": item, "status": status, **cell})
        total = tally([p for item in years for p in by_unit_year[unit.id, item]])
        below_years = [cell["year"] for cell in cells if cell["status"] == BELOW]
        rows.append({"unit": unit.id, "unit_name": unit.name, "unit_type": unit.type, "cells": cells,
                     "total": total, "below_years": below_years})

    year_columns = []
    for item in years:
        active = [row for row in rows if row["cells"][years.index(item)]["status"] != INACTIVE]
        year_columns.append({
            "year": item, "status": year_status(item, today), "status_label": YEAR_STATUS_LABELS[year_status(item, today)],
            **tally(by_year[item]),
            "active_units": len(active),
            "units_below": sum(1 for row in active if row["cells"][years.index(item)]["status"] == BELOW),
            "units_meeting": sum(1 for row in active if row["cells"][years.index(item)]["status"] == OK),
        })
    kinds_by_year = Counter(pair for p in members for pair in ((p.kind, p.year), (p.kind, None)))
    fields_by_year = Counter(pair for p in members for pair in ((p.field, p.year), (p.field, None)))
    return {
        "plan": {"id": plan.id, "title": plan.title, "start": plan.start, "end": plan.end},
        "reference_date": today.isoformat(),
        "quota": quota,
        "quota_text": plan.quota_text,
        "years": year_columns,
        "rows": rows,
        "total": tally(members),
        "kind_totals": [{"id": kind.id, "label": kind.label, "count": kinds_by_year[kind.id, None],
                         "by_year": {item: kinds_by_year[kind.id, item] for item in years}}
                        for kind in plan.kinds.values()],
        "field_totals": [{"id": item.id, "label": item.label, "count": fields_by_year[item.id, None],
                          "by_year": {y: fields_by_year[item.id, y] for y in years}}
                         for item in plan.fields.values()],
        **_labels(plan),
    }


def exemplar_entry(profile: Profile, plan: Plan, project: Project, milestone: Milestone | None = None) -> dict:
    stage = plan.stages.get(profile.stage) if profile.stage else None
    return {
        "name": profile.name,
        "slug": profile.slug,
        "source": profile.rel_path,
        "kind": profile.kind,
        "kind_label": plan.kinds[profile.kind].label,
        "field": profile.field,
        "field_label": plan.fields[profile.field].label,
        "unit": profile.unit,
        "unit_name": project.units[profile.unit].name,
        "year": profile.year,
        "position": profile.position,
        "stage": profile.stage,
        "stage_label": stage.label if stage else None,
        "stage_order": stage.order if stage else None,
        "nominated": milestone is not None and milestone.id in profile.nominated,
    }


def order_profiles(profiles: list[Profile], plan: Plan, order: tuple[str, ...] = DEFAULT_ORDER) -> list[Profile]:
    """Sort by the configured keys (field and kind in the plan's order, unit in the units file's order)."""
    field_rank = {item: rank for rank, item in enumerate(plan.fields)}
    kind_rank = {item: rank for rank, item in enumerate(plan.kinds)}

    def key(profile: Profile) -> tuple:
        parts = []
        for name in order:
            if name == "field":
                parts.append(field_rank.get(profile.field, len(field_rank)))
            elif name == "kind":
                parts.append(kind_rank.get(profile.kind, len(kind_rank)))
            elif name == "unit":
                parts.append(profile.unit)
            elif name == "year":
                parts.append(profile.year)
            elif name == "name":
                parts.append(sort_key(profile, plan))
        return (*parts, sort_key(profile, plan), profile.slug)

    return sorted(profiles, key=key)


def plan_in_order(profiles: list[Profile], plan: Plan, order: tuple[str, ...] = DEFAULT_ORDER) -> list[Profile]:
    """The plan's profiles that count, all its years, in the configured order: sorted once, then cut
    by period (period_in_order) for each milestone and yearbook instead of sorted again for each."""
    return order_profiles([p for p in counted(profiles) if p.plan_id == plan.id], plan, order)


def period_in_order(ordered: list[Profile], start: int, end: int) -> list[Profile]:
    """The plan's profiles of the years start to end, in order, cut from plan_in_order(…)."""
    return [p for p in ordered if start <= p.year <= end]


def funnel(members: list[Profile], plan: Plan) -> list[dict]:
    """How many exemplars reached each stage: reached = the profile's stage is that stage or a later one."""
    at_stage = Counter(p.stage for p in members)  # counted once, not twice a stage
    result = []
    for stage in plan.stages.values():
        reached = sum(count for at, count in at_stage.items() if at in plan.stages and plan.stages[at].order >= stage.order)
        result.append({"id": stage.id, "label": stage.label, "order": stage.order, "reached": reached,
                       "current": at_stage[stage.id]})
    return result


def group_nominated(entries: list[dict], plan: Plan) -> list[dict]:
    """Nominated exemplars, grouped by field then kind in the plan's order (empty groups left out)."""
    groups = []
    for field_ in plan.fields.values():
        kinds = []
        for kind in plan.kinds.values():
            items = [entry for entry in entries if entry["nominated"] and entry["field"] == field_.id and entry["kind"] == kind.id]
            if items:
                kinds.append({"id": kind.id, "label": kind.label, "plural": kind.plural, "exemplars": items})
        if kinds:
            groups.append({"id": field_.id, "label": field_.label, "letter": field_.letter, "kinds": kinds,
                           "count": sum(len(kind["exemplars"]) for kind in kinds)})
    return groups


def milestone_review(profiles: list[Profile], plan: Plan, milestone: Milestone, project: Project,
                     order: tuple[str, ...] = DEFAULT_ORDER, ordered: list[Profile] | None = None) -> dict:
    """`ordered`: plan_in_order(profiles, plan, order), when the caller has it."""
    ordered = ordered if ordered is not None else plan_in_order(profiles, plan, order)
    members = period_in_order(ordered, milestone.covers_start, milestone.covers_end)
    entries = [exemplar_entry(p, plan, project, milestone) for p in members]
    nominated = [entry for entry in entries if entry["nominated"]]
    return {
        "plan": {"id": plan.id, "title": plan.title, "start": plan.start, "end": plan.end},
        "milestone": {
            "id": milestone.id, "label": milestone.label, "year": milestone.year, "quarter": milestone.quarter,
            "covers_start": milestone.covers_start, "covers_end": milestone.covers_end,
            "nominate_to": milestone.nominate_to, "event": milestone.event, "source": milestone.source,
        },
        "exemplars": entries,
        "count": len(entries),
        "without_stage": sum(1 for entry in entries if entry["stage"] is None),
        "funnel": funnel(members, plan),
        "nominated_count": len(nominated),
        "nominated": group_nominated(entries, plan),
        **_labels(plan),
    }


def find_milestone(project: Project, milestone_id: str) -> tuple[Plan, Milestone] | None:
    for plan in project.plans:
        if milestone_id in plan.milestones:
            return plan, plan.milestones[milestone_id]
    return None


# --- quota warnings for `check` --------------------------------------------------------------


def unit_lines(units_yaml: str) -> dict[str, tuple[int, int, int, str]]:
    """Where each unit's id is written in data/units.yaml: id → (line, column, length, source line)."""
    try:
        root = yaml.compose(units_yaml, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines = units_yaml.splitlines()
    found: dict[str, tuple[int, int, int, str]] = {}
    if not isinstance(root, yaml.MappingNode):
        return found
    for key, value in root.value:
        if key.value != "units" or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if not isinstance(item, yaml.MappingNode):
                continue
            for item_key, item_value in item.value:
                if item_key.value == "id" and isinstance(item_value, yaml.ScalarNode):
                    mark = item_value.start_mark
                    length = max(1, item_value.end_mark.column - mark.column) if item_value.end_mark.line == mark.line else 1
                    found[str(item_value.value)] = (mark.line + 1, mark.column + 1, length, lines[mark.line])
    return found


def quota_warnings(profiles: list[Profile], project: Project, today: datetime.date, units_yaml: str,
                   units_file: str = "data/units.yaml",
                   unvalidated: list[tuple[str | None, int | None]] = ()) -> list[Diagnostic]:
    """W004 for every unit active in an ended year of a plan with fewer exemplars than the plan's quota.

    The warning points at the unit's id in the units file, the one place every editor's tool can open.
    `unvalidated`: the (unit, year) of each profile that did not pass the check (None where it could not
    be read), which may count once fixed: a cell is only warned about if it stays below the quota with
    every one of them that could belong to it, so that an error in a profile never shows as a gap.
    """
    positions = unit_lines(units_yaml)
    diagnostics = []
    for plan in project.plans:
        ended = [year for year in range(plan.start, plan.end + 1) if year_status(year, today) == ENDED]
        if not ended:
            continue
        table = coverage(profiles, plan, project, today)
        for row in table["rows"]:
            line, column, length, source = positions.get(row["unit"], (1, 1, 1, None))
            for cell in row["cells"]:
                pending = sum(1 for unit, year in unvalidated
                              if unit in (None, row["unit"]) and year in (None, cell["year"]))
                if cell["status"] == BELOW and cell["year"] in ended and cell["count"] + pending < plan.quota_per_unit_per_year:
                    diagnostics.append(Diagnostic(
                        code="W004", file=units_file, line=line, column=column, length=length, source_line=source,
                        args={"year": cell["year"], "unit": row["unit_name"], "count": cell["count"],
                              "quota": plan.quota_per_unit_per_year},
                    ))
    return diagnostics


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


def content_quota_warnings(result: ContentResult, project: Project, today: datetime.date) -> list[Diagnostic]:
    """The units below the plan's quota in ended years (W004), whatever else is wrong with the content:
    a profile that did not pass the check still counts where it says it belongs."""

    validated = {profile.source for profile in result.profiles}
    failed = sorted({item.file for item in result.diagnostics
                     if item.severity == "error" and item.code != "E030" and item.file.endswith(".md")
                     and item.file not in validated and not Path(item.file).name.startswith("_")})
    claims = [claim for path in failed if (claim := _claimed_cell(path, project)) is not None]
    units_file = project.root / "data" / "units.yaml"
    return quota_warnings(result.profiles, project, today, units_file.read_text(encoding="utf-8"), display_path(units_file),
                       claims)
