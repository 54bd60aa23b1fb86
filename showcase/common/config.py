"""Load the project's data: site identity, units, personal-data rules and plans.

The plan is data, not code: everything the validator knows about kinds, fields,
criteria, stages, quota and milestones comes from `data/plans/*.yaml`. Each data file
is read with positions (common/yaml_tree.py) and checked against its declaration
(common/data_schema.py, which the web form reads too); every problem of every file is
a C0xx diagnostic with its line and column, all of them in one ConfigError, and the
commands exit with status 1 as for a profile's error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from showcase.common import data_schema
from showcase.common.diagnostics import Diagnostic, fragment
from showcase.common.text import nfc
from showcase.common.yaml_tree import Codes, Located, compose

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
    file: str = ""  # data/plans/<name>.yaml, as the diagnostics name it

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


# --- reading and checking the data files ------------------------------------------------

DATA_CODES = Codes(syntax="C002", alias="C003", limit="C004", duplicate="C005")


class _DataFile:
    """One data file read with positions: its tree, and every problem with its line and column."""

    def __init__(self, path: Path, root: Path):
        self.path = path
        try:
            self.label = path.relative_to(root).as_posix()
        except ValueError:
            self.label = str(path)
        self.lines: list[str] = []
        self.problems: list[Diagnostic] = []
        self.tree: Located | None = None

    def diagnostic(self, code: str, line: int = 1, column: int = 1, length: int = 1, **args) -> None:
        written = [number for number, text in enumerate(self.lines, 1) if text.strip()]
        if written and line > written[-1]:  # YAML noticed at the end of the file what the last line left open
            line, column = written[-1], len(self.lines[written[-1] - 1].rstrip()) + 1
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else None
        self.problems.append(Diagnostic(code=code, file=self.label, line=line, column=column, length=max(length, 1),
                                        args=args, source_line=source))

    def report(self, code: str, at: Located | None = None, **args) -> None:
        """What data_schema reports: at a value of the tree (or the file's first line)."""
        if at is None:
            self.diagnostic(code, **args)
        else:
            self.diagnostic(code, at.line, at.column, at.length, **args)

    def cannot_read(self, problem: dict, fix: dict, line: int = 1, column: int = 1) -> None:
        self.diagnostic("C001", line, column, file=self.label, problem=problem, fix=fix)

    def read(self) -> Located | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            self.cannot_read(fragment("cfg.file_not_found"), fragment("cfg.fix.not_found"))
            return None
        except OSError as error:
            self.cannot_read(fragment("cfg.unreadable", error=error.strerror or str(error)), fragment("cfg.fix.not_found"))
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            before = data[: error.start]
            line, column = before.count(b"\n") + 1, len(before) - (before.rfind(b"\n") + 1) + 1
            self.lines = [""] * (line - 1) + before.decode("utf-8", "replace").split("\n")[-1:]
            self.cannot_read(fragment("cfg.not_utf8", line=line, column=column), fragment("cfg.fix.encoding"), line, column)
            return None
        text = nfc(text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
        self.lines = text.split("\n")
        self.tree = compose(text, self.lines, 1, self.diagnostic, DATA_CODES)
        return self.tree

    def check(self, spec: data_schema.DataFile, context: dict | None = None,
              skip: frozenset[str] = frozenset()) -> dict | None:
        """The file's plain data when it was read and every value is right; None otherwise."""
        tree = self.read()
        if tree is None:
            return None
        data = data_schema.check_file(spec, tree, self.report, context, skip)
        return None if self.problems else data

    def key_at(self, key: str) -> Located | None:
        """Where a top-level key is written (for a problem that concerns the key as a whole)."""
        entries = self.tree.value if self.tree is not None and isinstance(self.tree.value, dict) else {}
        return entries[key].key if key in entries else None


def load_plan(path: Path, root: Path) -> tuple[Plan | None, list[Diagnostic]]:
    plan, reader = _load_plan(path, root)
    return plan, reader.problems


def _load_plan(path: Path, root: Path) -> tuple[Plan | None, _DataFile]:
    reader = _DataFile(path, root)
    data = reader.check(data_schema.PLAN)
    if data is None:
        return None, reader
    kinds = {item["id"]: Kind(item["id"], item["label"], item.get("plural") or item["label"],
                              item.get("name_order") or "as-written") for item in data["kinds"]}

    def criteria(items: list, field_id: str | None, source: str) -> tuple[Criterion, ...]:
        return tuple(Criterion(item["id"], item["text"], tuple(item["kinds"]), field_id, source) for item in items or [])

    general = data["general_criteria"]
    general_source = general.get("source") or "3.1"
    fields = {}
    for item in data["fields"]:
        source = item.get("source") or ""
        fields[item["id"]] = Field(item["id"], item.get("letter") or "", item["label"], item.get("title") or item["label"],
                                   source, criteria(item.get("criteria"), item["id"], source))
    stages = {item["id"]: Stage(item["id"], item["label"], order) for order, item in enumerate(data["stages"])}
    milestones = {item["id"]: Milestone(
        item["id"], item["label"], item["year"], item["quarter"], item["covers"]["start"], item["covers"]["end"],
        source=item.get("source") or "", nominate_to=item.get("nominate_to") or "", event=item.get("event") or "",
    ) for item in data.get("milestones") or []}
    quota = data["quota"]
    plan = Plan(
        id=data["id"], title=data.get("title") or data["id"], issuer=data.get("issuer") or "",
        start=data["period"]["start"], end=data["period"]["end"], basis=tuple(data.get("basis") or ()),
        purpose=data.get("purpose") or "", audience=data.get("audience") or "",
        kinds=kinds, fields=fields, general_criteria=criteria(general.get("criteria"), None, general_source),
        priority=general.get("priority") or "", stages=stages,
        quota_per_unit_per_year=quota["per_unit_per_year"], quota_text=quota.get("text") or "",
        milestones=milestones, file=reader.label,
    )
    return plan, reader


def load_units(path: Path, root: Path) -> tuple[dict[str, Unit], list[Diagnostic]]:
    reader = _DataFile(path, root)
    data = reader.check(data_schema.UNITS)
    if data is None:
        return {}, reader.problems
    units = {item["id"]: Unit(item["id"], item["name"], item.get("type") or "phong", item.get("from"), item.get("until"))
             for item in data["units"]}
    return units, []


DEFAULT_PATHS = {
    "profile": "ho-so", "field": "linh-vuc", "unit": "don-vi", "year": "nam",
    "kind": "loai", "all": "tat-ca", "page": "trang",
    "statistics": "thong-ke", "milestone": "so-ket", "yearbook": "ky-yeu", "gone": "da-go", "cms": "quan-tri",
}
STATISTICS_VISIBILITY = tuple(choice for choice, _label in data_schema.SITE.root.fields["statistics"].choices)
YEARBOOK_ORDER_KEYS = tuple(choice for choice, _label in data_schema.YEARBOOK_KEYS)
_SITE_ATTRIBUTES = ("department", "province", "base_url", "section_path", "title", "description", "language",
                    "per_page", "latest_count", "paths", "feed_count")


def is_base_url(url: str) -> bool:
    """What `base_url` (data/site.yaml, or `--base-url`) must be: an absolute http(s) address with a host."""
    return bool(data_schema.BASE_URL.fullmatch(url))


def plans_context(plans: list[Plan]) -> dict[str, dict[str, str]]:
    """The ids of every plan that the other data files may name (personal data's kinds, site's featured stages)."""
    return {
        "plans:kind": {item.id: item.label for plan in plans for item in plan.kinds.values()},
        "plans:stage": {item.id: item.label for plan in plans for item in plan.stages.values()},
    }


def load_site(path: Path, root: Path, base_url: str | None, context: dict | None = None) -> tuple[Site | None, list[Diagnostic]]:
    reader = _DataFile(path, root)
    data = reader.check(data_schema.SITE, context, frozenset({"base_url"}) if base_url else frozenset())
    if data is None:
        return None, reader.problems
    url = base_url or data["base_url"]
    defaults = data_schema.SITE.root.fields
    value = {key: data.get(key, defaults[key].default) for key in _SITE_ATTRIBUTES if key not in ("base_url", "paths")}
    site = Site(
        base_url=url if url.endswith("/") else f"{url}/",
        paths={**DEFAULT_PATHS, **(data.get("paths") or {})},
        extra={key: item for key, item in data.items() if key not in _SITE_ATTRIBUTES},
        **value,
    )
    return site, []


def load_personal_data(path: Path, root: Path, context: dict | None = None) -> tuple[PersonalDataRules, list[Diagnostic]]:
    if not path.exists():
        return PersonalDataRules((), {}, {}), []
    reader = _DataFile(path, root)
    data = reader.check(data_schema.PERSONAL_DATA, context)
    if data is None:
        return PersonalDataRules((), {}, {}), reader.problems
    scopes = {item["id"]: item["label"] for item in data.get("scopes") or []}
    return PersonalDataRules(tuple(data.get("requires_consent") or ()), scopes, dict(data.get("field_scopes") or {})), []


def _plan_problems(loaded: list[tuple[Plan, _DataFile]]) -> list[Diagnostic]:
    """Across plan files: ids unique, periods disjoint (each reported in both files, at `period`)."""
    problems = []
    first_file: dict[str, str] = {}
    for plan, reader in loaded:
        if plan.id in first_file:
            at = reader.tree.value["id"].value
            reader.diagnostic("C010", at.line, at.column, at.length, id=plan.id,
                              item=fragment("cfg.owner.file", file=reader.label),
                              first=fragment("cfg.owner.file", file=first_file[plan.id]))
        else:
            first_file[plan.id] = reader.label
    periods = [(reader.label, plan.id, plan.start, plan.end) for plan, reader in loaded]
    for i, j in data_schema.overlaps(periods):
        for (plan, reader), (other, other_reader) in ((loaded[i], loaded[j]), (loaded[j], loaded[i])):
            at = reader.key_at("period")
            reader.diagnostic("C016", at.line, at.column, at.length, plan=plan.id, start=plan.start, end=plan.end,
                              other=other.id, other_start=other.start, other_end=other.end, other_file=other_reader.label)
    for _plan, reader in loaded:
        problems += reader.problems
    return problems


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            digest.update(str(path.name).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def plan_files(root: Path) -> list[Path]:
    return sorted((root / "data" / "plans").glob("*.yaml"))


def load_project(root: Path = PROJECT_ROOT, base_url: str | None = None) -> Project:
    """Read every data file; raise ConfigError with all problems at once."""
    data_dir = root / "data"
    problems: list[Diagnostic] = []
    loaded = []
    for plan_file in plan_files(root):
        plan, reader = _load_plan(plan_file, root)
        if plan is None:
            problems += reader.problems
        else:
            loaded.append((plan, reader))
    if not plan_files(root):
        problems.append(Diagnostic(code="C017", file="data/plans"))
    problems += _plan_problems(loaded)
    plans = sorted((plan for plan, _reader in loaded), key=lambda plan: plan.start)
    # Another file's references to the plans are checked only when every plan could be read.
    context = plans_context(plans) if not problems else None
    site, found = load_site(data_dir / "site.yaml", root, base_url, context)
    problems += found
    units, found = load_units(data_dir / "units.yaml", root)
    problems += found
    personal_data, found = load_personal_data(data_dir / "personal-data.yaml", root, context)
    problems += found
    if problems:
        raise ConfigError(sorted(problems, key=Diagnostic.sort_key))
    data_files = [*data_dir.rglob("*.yaml")]
    return Project(
        root=root, site=site, units=units, plans=tuple(plans), personal_data=personal_data,
        fingerprint=_fingerprint(data_files) + (base_url or ""),
    )
