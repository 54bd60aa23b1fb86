"""Load the project's data: site identity, units, personal-data rules and plans.

The plan is data, not code: everything the validator knows about kinds, fields,
criteria, stages, quota and milestones comes from `data/plans/*.yaml`. Each data file
is checked against a small declarative schema; a problem is a C001 diagnostic and
the CLI exits with status 2.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from showcase.common import yaml12
from showcase.common.diagnostics import Diagnostic, fragment
from showcase.common.text import nfc

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(str(item.args) for item in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Criterion:
    id: str
    text: str
    kinds: tuple[str, ...]
    field: str | None  # None for the general criteria of 3.1
    source: str


@dataclass(frozen=True)
class Field:
    id: str
    letter: str
    label: str
    title: str
    source: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    plural: str
    name_order: str


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    order: int


@dataclass(frozen=True)
class Milestone:
    id: str
    label: str
    year: int
    quarter: int
    covers_start: int
    covers_end: int
    source: str
    nominate_to: str = ""
    event: str = ""


PLAN_LISTS = ("kinds", "fields", "stages", "milestones", "criteria")  # the lists of ids a plan file gives (Plan.ids)


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    issuer: str
    start: int
    end: int
    basis: tuple[str, ...]
    purpose: str
    audience: str
    kinds: dict[str, Kind]
    fields: dict[str, Field]
    general_criteria: tuple[Criterion, ...]
    priority: str
    stages: dict[str, Stage]
    quota_per_unit_per_year: int
    quota_text: str
    milestones: dict[str, Milestone]

    @property
    def criteria(self) -> dict[str, Criterion]:
        found = {item.id: item for item in self.general_criteria}
        for field_ in self.fields.values():
            found.update({item.id: item for item in field_.criteria})
        return found

    def covers(self, year: int) -> bool:
        return self.start <= year <= self.end

    def ids(self, source: str) -> dict[str, str]:
        """The ids this plan allows for `source` (one of PLAN_LISTS), with their names."""
        if source == "criteria":
            return {item.id: item.text for item in self.criteria.values()}
        items = {"kinds": self.kinds, "fields": self.fields, "stages": self.stages, "milestones": self.milestones}[source]
        return {item.id: item.label for item in items.values()}

    def applicable_criteria(self, field_id: str, kind_id: str) -> list[Criterion]:
        field_criteria = self.fields[field_id].criteria if field_id in self.fields else ()
        return [item for item in (*self.general_criteria, *field_criteria) if kind_id in item.kinds]


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    type: str
    from_year: int | None = None
    until_year: int | None = None

    def active_in(self, year: int) -> bool:
        return (self.from_year is None or year >= self.from_year) and (self.until_year is None or year <= self.until_year)


@dataclass(frozen=True)
class Site:
    department: str
    province: str
    base_url: str
    section_path: str
    title: str
    description: str
    language: str
    per_page: int
    latest_count: int
    paths: dict[str, str]
    extra: dict = field(default_factory=dict)
    feed_count: int = 50

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def prefix(self) -> str:
        """URL path of the section's home, from the domain root, with slashes at both ends."""
        base_path = urlsplit(self.base_url).path.strip("/")
        section = self.section_path.strip("/")
        joined = "/".join(part for part in (base_path, section) if part)
        return f"/{joined}/" if joined else "/"


@dataclass(frozen=True)
class PersonalDataRules:
    requires_consent: tuple[str, ...]
    scopes: dict[str, str]
    field_scopes: dict[str, str] = field(default_factory=dict)  # front-matter key (or "body") → scope it needs


@dataclass(frozen=True)
class Project:
    root: Path
    site: Site
    units: dict[str, Unit]
    plans: tuple[Plan, ...]
    personal_data: PersonalDataRules
    fingerprint: str

    @property
    def layouts_dir(self) -> Path:
        return self.root / "layouts"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    def plan_for_year(self, year: int) -> Plan | None:
        return next((plan for plan in self.plans if plan.covers(year)), None)

    def plan(self, plan_id: str) -> Plan | None:
        return next((plan for plan in self.plans if plan.id == plan_id), None)


# --- declarative checks of the data files ------------------------------------------------


class _Checker:
    def __init__(self, file: Path, root: Path):
        self.file = file
        try:
            self.label = str(file.relative_to(root))
        except ValueError:
            self.label = str(file)
        self.problems: list[Diagnostic] = []

    def fail(self, problem: str | dict) -> None:
        self.problems.append(Diagnostic(code="C001", file=self.label, args={"file": self.label, "problem": problem}))

    def require(self, mapping: object, key: str, kind: type | tuple, where: str | dict) -> object:
        if not isinstance(mapping, dict):
            self.fail(fragment("cfg.not_mapping", where=where))
            return None
        value = mapping.get(key)
        if value is None:
            self.fail(fragment("cfg.missing_key", key=key, where=where))
            return None
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            self.fail(fragment("cfg.wrong_type_in", key=key, where=where))
            return None
        return nfc(value) if isinstance(value, str) else value

    def optional(self, mapping: dict, key: str, kind: type | tuple, default: object) -> object:
        value = mapping.get(key, default) if isinstance(mapping, dict) else default
        if value is default:
            return default
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            self.fail(fragment("cfg.wrong_type", key=key))
            return default
        return nfc(value) if isinstance(value, str) else value

    def unique_ids(self, items: list, where: str | dict) -> None:
        seen: set[str] = set()
        for item in items:
            if item in seen:
                self.fail(fragment("cfg.duplicate_id_in", id=item, where=where))
            seen.add(item)


def _load_yaml(path: Path, checker: _Checker) -> object:
    try:
        with open(path, "rb") as handle:
            return yaml12.load(handle.read().decode("utf-8"))
    except FileNotFoundError:
        checker.fail(fragment("cfg.file_not_found"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        checker.fail(fragment("cfg.unreadable", error=str(error).splitlines()[0]))
    return None


def _criteria(checker: _Checker, items: object, field_id: str | None, source: str, kinds: dict) -> tuple[Criterion, ...]:
    result = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        where = fragment("cfg.criterion_n", n=index + 1, source=source)
        criterion_id = checker.require(item, "id", str, where)
        text = checker.require(item, "text", str, where)
        item_kinds = checker.require(item, "kinds", list, where) or []
        for kind in item_kinds:
            if kind not in kinds:
                checker.fail(fragment("cfg.unknown_kind", where=where, kind=kind))
        if criterion_id and text:
            result.append(Criterion(criterion_id, text, tuple(item_kinds), field_id, source))
    return tuple(result)


def load_plan(path: Path, root: Path) -> tuple[Plan | None, list[Diagnostic]]:
    check = _Checker(path, root)
    data = _load_yaml(path, check)
    if data is None:
        return None, check.problems
    plan_id = check.require(data, "id", str, fragment("cfg.plan"))
    period = check.require(data, "period", dict, fragment("cfg.plan")) or {}
    start = check.require(period, "start", int, "period")
    end = check.require(period, "end", int, "period")
    if isinstance(start, int) and isinstance(end, int) and start > end:
        check.fail(fragment("cfg.period_order"))
    kinds = {}
    for item in check.require(data, "kinds", list, fragment("cfg.plan")) or []:
        kind_id = check.require(item, "id", str, "kinds")
        label = check.require(item, "label", str, "kinds")
        if kind_id and label:
            kinds[kind_id] = Kind(
                kind_id, label, check.optional(item, "plural", str, label),
                check.optional(item, "name_order", str, "as-written"),
            )
    general = check.require(data, "general_criteria", dict, fragment("cfg.plan")) or {}
    general_criteria = _criteria(check, general.get("criteria"), None, general.get("source", "3.1"), kinds)
    fields = {}
    for item in check.require(data, "fields", list, fragment("cfg.plan")) or []:
        field_id = check.require(item, "id", str, "fields")
        label = check.require(item, "label", str, "fields")
        source = check.optional(item, "source", str, "")
        if field_id and label:
            fields[field_id] = Field(
                field_id, check.optional(item, "letter", str, ""), label,
                check.optional(item, "title", str, label), source,
                _criteria(check, item.get("criteria"), field_id, source, kinds),
            )
    all_criteria = [item.id for item in general_criteria] + [c.id for f in fields.values() for c in f.criteria]
    check.unique_ids(all_criteria, fragment("cfg.all_criteria"))
    stages = {}
    for order, item in enumerate(check.require(data, "stages", list, fragment("cfg.plan")) or []):
        stage_id = check.require(item, "id", str, "stages")
        label = check.require(item, "label", str, "stages")
        if stage_id and label:
            stages[stage_id] = Stage(stage_id, label, order)
    quota = check.require(data, "quota", dict, fragment("cfg.plan")) or {}
    per_unit = check.require(quota, "per_unit_per_year", int, "quota")
    milestones = {}
    for item in check.optional(data, "milestones", list, []):
        milestone_id = check.require(item, "id", str, "milestones")
        covers = check.require(item, "covers", dict, "milestones") or {}
        values = (
            check.require(item, "label", str, "milestones"),
            check.require(item, "year", int, "milestones"),
            check.require(item, "quarter", int, "milestones"),
            check.require(covers, "start", int, "milestones.covers"),
            check.require(covers, "end", int, "milestones.covers"),
        )
        if milestone_id and None not in values:
            milestones[milestone_id] = Milestone(
                milestone_id, *values, source=check.optional(item, "source", str, ""),
                nominate_to=check.optional(item, "nominate_to", str, ""),
                event=check.optional(item, "event", str, ""),
            )
    if check.problems:
        return None, check.problems
    plan = Plan(
        id=plan_id, title=check.optional(data, "title", str, plan_id), issuer=check.optional(data, "issuer", str, ""),
        start=start, end=end, basis=tuple(check.optional(data, "basis", list, [])),
        purpose=check.optional(data, "purpose", str, ""), audience=check.optional(data, "audience", str, ""),
        kinds=kinds, fields=fields, general_criteria=general_criteria,
        priority=general.get("priority", ""), stages=stages,
        quota_per_unit_per_year=per_unit, quota_text=check.optional(quota, "text", str, ""),
        milestones=milestones,
    )
    return plan, []


def load_units(path: Path, root: Path) -> tuple[dict[str, Unit], list[Diagnostic]]:
    check = _Checker(path, root)
    data = _load_yaml(path, check)
    units = {}
    for item in check.require(data, "units", list, fragment("cfg.units_file")) or [] if data is not None else []:
        unit_id = check.require(item, "id", str, "units")
        name = check.require(item, "name", str, "units")
        if unit_id in units:
            check.fail(fragment("cfg.duplicate_unit", id=unit_id))
        if unit_id and name:
            units[unit_id] = Unit(
                unit_id, name, check.optional(item, "type", str, "phong"),
                check.optional(item, "from", int, None), check.optional(item, "until", int, None),
            )
    return units, check.problems


DEFAULT_PATHS = {
    "profile": "ho-so", "field": "linh-vuc", "unit": "don-vi", "year": "nam",
    "kind": "loai", "all": "tat-ca", "page": "trang",
    "statistics": "thong-ke", "milestone": "so-ket", "yearbook": "ky-yeu", "gone": "da-go", "cms": "quan-tri",
}
STATISTICS_VISIBILITY = ("public", "unlisted")
YEARBOOK_ORDER_KEYS = ("field", "kind", "unit", "year", "name")


def is_base_url(url: str) -> bool:
    """What `base_url` (data/site.yaml, or `--base-url`) must be: an absolute http(s) address with a host."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def load_site(path: Path, root: Path, base_url: str | None) -> tuple[Site | None, list[Diagnostic]]:
    check = _Checker(path, root)
    data = _load_yaml(path, check)
    if data is None:
        return None, check.problems
    known = {
        "department", "province", "base_url", "section_path", "title", "description", "language",
        "per_page", "latest_count", "paths", "feed_count",
    }
    url = base_url or check.require(data, "base_url", str, "site.yaml")
    if url and not is_base_url(url):
        check.fail(fragment("cfg.base_url", url=url))
    paths = dict(DEFAULT_PATHS)
    paths.update(check.optional(data, "paths", dict, {}))
    if check.optional(data, "statistics", str, "public") not in STATISTICS_VISIBILITY:
        check.fail(fragment("cfg.statistics"))
    order = check.optional(data, "yearbook_order", list, [])
    if any(item not in YEARBOOK_ORDER_KEYS for item in order):
        check.fail(fragment("cfg.yearbook_order", keys=", ".join(YEARBOOK_ORDER_KEYS)))
    if check.optional(data, "search_shard_min", int, 1) < 1:
        check.fail(fragment("cfg.search_shard_min"))
    per_page = check.optional(data, "per_page", int, 12)
    if per_page < 1:
        check.fail(fragment("cfg.per_page"))
    feed_count = check.optional(data, "feed_count", int, 50)
    if feed_count < 1:
        check.fail(fragment("cfg.feed_count"))
    site = Site(
        department=check.require(data, "department", str, "site.yaml"),
        province=check.require(data, "province", str, "site.yaml"),
        base_url=url if url and url.endswith("/") else f"{url}/",
        section_path=check.optional(data, "section_path", str, "/"),
        title=check.require(data, "title", str, "site.yaml"),
        description=check.optional(data, "description", str, ""),
        language=check.optional(data, "language", str, "vi"),
        per_page=per_page,
        latest_count=check.optional(data, "latest_count", int, 6),
        paths=paths,
        extra={key: value for key, value in data.items() if key not in known},
        feed_count=feed_count,
    )
    return (None, check.problems) if check.problems else (site, [])


def load_personal_data(path: Path, root: Path) -> tuple[PersonalDataRules, list[Diagnostic]]:
    check = _Checker(path, root)
    data = _load_yaml(path, check) if path.exists() else {"requires_consent": [], "scopes": []}
    scopes = {}
    for item in check.optional(data, "scopes", list, []):
        scope_id = check.require(item, "id", str, "scopes")
        label = check.require(item, "label", str, "scopes")
        if scope_id and label:
            scopes[scope_id] = label
    field_scopes = {}
    for key, scope in check.optional(data, "field_scopes", dict, {}).items():
        if scope not in scopes:
            check.fail(fragment("cfg.field_scope", scope=scope, key=key))
        field_scopes[str(key)] = scope
    rules = PersonalDataRules(tuple(check.optional(data, "requires_consent", list, [])), scopes, field_scopes)
    return rules, check.problems


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            digest.update(str(path.name).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def load_project(root: Path = PROJECT_ROOT, base_url: str | None = None) -> Project:
    """Read every data file; raise ConfigError with all problems at once."""
    data_dir = root / "data"
    problems: list[Diagnostic] = []
    site, found = load_site(data_dir / "site.yaml", root, base_url)
    problems += found
    units, found = load_units(data_dir / "units.yaml", root)
    problems += found
    personal_data, found = load_personal_data(data_dir / "personal-data.yaml", root)
    problems += found
    plan_files = sorted((data_dir / "plans").glob("*.yaml"))
    plans = []
    for plan_file in plan_files:
        plan, found = load_plan(plan_file, root)
        problems += found
        if plan:
            plans.append(plan)
    if not plan_files:
        problems.append(Diagnostic(code="C001", file="data/plans", args={"file": "data/plans/", "problem": fragment("cfg.no_plans")}))
    plans.sort(key=lambda plan: plan.start)
    for earlier, later in zip(plans, plans[1:], strict=False):
        if later.start <= earlier.end:
            problems.append(Diagnostic(code="C001", file="data/plans", args={
                "file": "data/plans/", "problem": fragment("cfg.overlapping_plans", first=earlier.id, second=later.id)}))
    if problems:
        raise ConfigError(problems)
    data_files = [*data_dir.rglob("*.yaml")]
    return Project(
        root=root, site=site, units=units, plans=tuple(plans), personal_data=personal_data,
        fingerprint=_fingerprint(data_files) + (base_url or ""),
    )
