"""Validate one parsed profile against the plan; then the checks that need all profiles.

`validate_profile` is a pure function of the parsed file, the project data and the
photo it names, so it can run in parallel and be cached.
"""

from __future__ import annotations

import datetime
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from showcase.common.clock import consent_deadline
from showcase.common.config import Plan, Project
from showcase.common.diagnostics import Diagnostic, fragment, join
from showcase.common.text import fold, invisible_characters, slug_example, slugify
from showcase.source import skeleton
from showcase.source.aliases import check_aliases
from showcase.source.markup import scan_unsafe, unsafe_in_text
from showcase.source.photos import inspect_photo, max_pixels_text
from showcase.source.reader import Entry, Located, ParsedFile, as_date
from showcase.source.schema import KEY_ALIASES, PROFILE_FIELDS, Spec, allowed_ids

_SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass
class Profile:
    source: str  # path as shown to the editor
    rel_path: str  # posix path relative to the content folder
    slug: str
    name: str
    kind: str
    field: str
    unit: str
    year: int
    plan_id: str
    achievements: list[str]
    body: str  # the Markdown source; emptied by the analysis stage once rendered to body_html
    position: str | None = None
    summary: str | None = None
    criteria: list[str] = field(default_factory=list)
    awards: list[dict] = field(default_factory=list)
    stage: str | None = None
    nominated: list[str] = field(default_factory=list)
    consent: dict | None = None
    photo: str | None = None  # posix path relative to the content folder
    photo_alt: str | None = None
    photo_line: int = 1
    aliases: list[str] = field(default_factory=list)
    alias_lines: list[int] = field(default_factory=list)
    draft: bool = False
    withdrawn: bool = False
    body_html: str = ""
    slug_line: int = 1
    # Search: Pagefind does not fold `đ`, so the words with đ are indexed in folded form as hidden text
    # (see text.dd_words). Computed with the Markdown, once per profile, in the cached analysis stage.
    search_dd_name: str = ""
    search_dd_text: str = ""
    # Also made once in the cached analysis stage: the collation key of the name (model.sort_key) and
    # the folded "name unit" the listings' filter matches.
    collation: tuple = ()
    search_name: str = ""


_TYPE_NAMES = {
    bool: "boolean", int: "integer", float: "float", str: "string", list: "list", dict: "object",
    type(None): "null", datetime.date: "date", datetime.datetime: "date",
}


def _key_form(text: str) -> str:
    """A key as compared for "did you mean": no accents, case, spaces, `_` or `-` (`Họ tên`, `ho_ten` → `hoten`)."""
    return "".join(char for char in fold(text) if char.isalnum())


def _meant_key(key: str, specs: dict[str, Spec], aliases: dict[str, tuple[str, ...]]) -> str:
    form = _key_form(key)
    for name in specs:
        if form and (form == _key_form(name) or form in {_key_form(alias) for alias in aliases.get(name, ())}):
            return name
    close = difflib.get_close_matches(key.strip().lower(), list(specs), n=1, cutoff=0.6)
    return close[0] if close else ""


def _type_name(value: object) -> str:
    return _TYPE_NAMES.get(type(value), "other")


def _found(value: object, type_name: str, written: str) -> dict:
    """What a value of the wrong type is, as E012 says it: a text in quotes as it reads, a list or group by its
    kind alone, another value as written in the file (`true`, `2023`), which is also how the form writes it."""
    if isinstance(value, str):
        return fragment("found.typed_text", type=fragment(f"types.{type_name}"), text=value)
    if isinstance(value, (list, dict)):
        return fragment(f"types.{type_name}")
    return fragment("found.typed_value", type=fragment(f"types.{type_name}"), text=written)


class _ProfileChecker:
    def __init__(self, parsed: ParsedFile, project: Project):
        self.parsed = parsed
        self.project = project
        self.diagnostics: list[Diagnostic] = []

    def report(self, code: str, at: Located | None = None, **args) -> None:
        line, column, length = (at.line, at.column, at.length) if at else (1, 1, 3)
        source = self.parsed.lines[line - 1] if 0 < line <= len(self.parsed.lines) else None
        self.diagnostics.append(Diagnostic(
            code=code, file=self.parsed.path, line=line, column=column, length=length, args=args, source_line=source,
        ))

    # --- shape ------------------------------------------------------------------------

    def check_mapping(self, entries: dict[str, Entry], specs: dict[str, Spec], where: str | dict, anchor: Located | None,
                      group: str = "profile") -> dict:
        values: dict = {}
        meant: set[str] = set()
        for key, entry in entries.items():
            spec = specs.get(key)
            if spec is None:
                meant.add(self.unknown_key(entry.key, specs, where, group, present=set(entries)))
                continue
            value = self.check_value(key, entry.value, spec, entry.key)
            if value is not None:
                values[key] = value
        for key, spec in specs.items():
            # `ten: …` for `name: …` is one mistake, reported once at the misnamed key (E010), not again as E011.
            if spec.required and key not in entries and key not in meant:
                meaning = fragment(f"meaning.{key}" if group == "profile" else f"meaning.{group}.{key}")
                self.report("E011", anchor, key=key, meaning=meaning, where=where,
                            example=f"{key}: {spec.example}" if spec.example else f"{key}: ...")
        return values

    def unknown_key(self, key: Located, specs: dict[str, Spec], where: str | dict, group: str, present: set[str]) -> str:
        """Report an unknown key with the key it most likely stands for; returns that key ('' if none)."""
        meant = _meant_key(str(key.value), specs, KEY_ALIASES.get(group, {}))
        suggestion: str | dict = ""
        if meant and meant not in present:
            required = fragment("note.required") if specs[meant].required else ""
            suggestion = fragment("suggest.rename_key", key=meant, required=required)
        elif meant:
            suggestion = fragment("suggest.merge_key", key=meant)
        self.report("E010", key, key=key.value, where=where, suggestion=suggestion,
                    allowed=", ".join(f"`{name}`" for name in specs))
        return meant

    def wrong_type(self, key: str, located: Located, spec: Spec) -> None:
        found = _type_name(located.value)
        hint = fragment("hint.fix_type")
        if spec.type in ("string", "id", "path", "slug") and found in ("boolean", "integer", "float", "date", "null"):
            hint = (fragment("hint.quote_value", key=key, value=self.source_text(located))
                    if found != "null" else fragment("hint.fill_value", key=key, example=spec.example or "..."))
        elif spec.type == "integer":
            hint = fragment("hint.write_number", key=key, example=spec.example or 2023)
        elif spec.type == "list":
            hint = fragment("hint.write_list", key=key)
            parts = [part.strip() for part in str(located.value).split(",") if part.strip()] if found == "string" else []
            if len(parts) > 1 and spec.items and spec.items.type == "id":
                hint = join([hint, fragment("hint.flow_ids", key=key, ids=", ".join(parts))], "sep.space")
        elif spec.type == "boolean":
            hint = fragment("hint.write_boolean", key=key)
        elif spec.type == "object":
            hint = fragment("hint.write_object", fields=", ".join(spec.fields))
        self.report("E012", located, key=key, expected=fragment(f"types.{spec.type}"), found=_found(located.value, found,
                    self.source_text(located)), hint=hint)

    def source_text(self, located: Located) -> str:
        line = self.parsed.lines[located.line - 1] if 0 < located.line <= len(self.parsed.lines) else ""
        text = line[located.column - 1: located.column - 1 + located.length].strip()
        return text or str(located.value)

    def check_value(self, key: str, located: Located, spec: Spec, key_located: Located | None = None) -> object:
        value = located.value
        if value is None or value == "" or value == []:
            if spec.required:
                self.empty(key, key_located if value is None and key_located else located, spec)
            return None
        kind = spec.type
        if kind in ("string", "path", "slug"):
            if not isinstance(value, str):
                return self.wrong_type(key, located, spec)
            return self.check_text(key, located, value)
        if kind == "id":
            if spec.many and isinstance(value, list):
                items = [item for item in value if isinstance(item.value, str) or self.wrong_type(key, item, spec)]
                return [(item.value.strip(), item) for item in self.without_repeats(key, items)] or None
            if not isinstance(value, str):
                return self.wrong_type(key, located, spec)
            return [(value.strip(), located)] if spec.many else (value.strip(), located)
        if kind == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                return self.wrong_type(key, located, spec)
            return value
        if kind == "boolean":
            if not isinstance(value, bool):
                return self.wrong_type(key, located, spec)
            return value
        if kind == "date":
            if isinstance(value, (bool, int, float, list, dict)):
                return self.wrong_type(key, located, spec)
            parsed_date = as_date(value)
            if parsed_date is None:  # a text: what is left is shown as it reads, quotes or not (the form shows it so)
                self.report("E024", located, value=value.strip())
            return parsed_date
        if kind == "list":
            if not isinstance(value, list):
                return self.wrong_type(key, located, spec)
            items = []
            for item in self.without_repeats(key, value):
                if item.value is None or item.value == "":
                    self.report("E013", item, key=key, hint=fragment("hint.fill_item"))
                    continue
                checked = self.check_value(key, item, spec.items)
                if checked is not None:
                    items.append(checked)
            return items
        if kind == "object":
            if not isinstance(value, dict):
                return self.wrong_type(key, located, spec)
            # A sub-key missing from `consent:` is reported at `consent:`, the line the editor has to complete.
            return self.check_mapping(value, spec.fields, fragment("where.in_group", key=key), key_located or located, group=key)
        return value

    def without_repeats(self, key: str, items: list[Located]) -> list[Located]:
        """A list item written twice (a criterion, a milestone, an achievement pasted twice) is one error, E045.
        The first one is named by its place in the list, which the form shows as well as the file."""
        first: dict[str, int] = {}
        kept = []
        for number, item in enumerate(items, 1):
            if isinstance(item.value, str) and item.value.strip():
                form = " ".join(item.value.split())
                if form in first:
                    self.report("E045", item, key=key, value=form, first_item=first[form])
                    continue
                first[form] = number
            kept.append(item)
        return kept

    def check_text(self, key: str, located: Located, value: str) -> str | None:
        invisible = sorted({f"U+{ord(char):04X}" for char in invisible_characters(value)})
        if invisible:
            self.report("E023", located, key=key, chars=", ".join(invisible))
            return None
        value = value.strip()
        if not value:
            self.report("E013", located, key=key, hint=fragment("hint.fill_text", key=key))
            return None
        unsafe = unsafe_in_text(value)
        if unsafe:
            self.report("E022", located, what=fragment("unsafe.in_field", what=unsafe, key=key))
            return None
        return value

    def empty(self, key: str, located: Located, spec: Spec) -> None:
        if spec.type == "list":
            hint = fragment("hint.add_item", key=key)
        else:
            hint = fragment("hint.fill_value", key=key, example=spec.example or "...") if spec.required else \
                fragment("hint.fill_or_delete", key=key)
        self.report("E013", located, key=key, hint=hint)

    # --- meaning ---------------------------------------------------------------------

    def check_id(self, checked: tuple[str, Located] | None, source: str, key: str, allowed: dict[str, str],
                 where: str | dict = "", aliases: dict[str, str] | None = None) -> str | None:
        if checked is None:
            return None
        value, located = checked
        if value in allowed:
            return value
        folded = fold(value)
        # `Cá nhân` (the label), `CA_NHAN` (the id mistyped), `a)` (the plan's letter for a field): one obvious id.
        form = _key_form(value)
        by_form = [item for item in allowed if _key_form(item) == form]
        by_alias = [aliases[form]] if aliases and form in aliases else []
        by_label = [item for item, label in allowed.items() if fold(label) == folded or _key_form(label) == form]
        close = by_form or by_alias or by_label or difflib.get_close_matches(value.lower(), list(allowed), n=3, cutoff=0.5)
        if not close:
            folded_labels = {fold(label): item for item, label in allowed.items()}
            close = [folded_labels[match] for match in difflib.get_close_matches(folded, list(folded_labels), n=2, cutoff=0.6)]
        suggestion: str | dict = ""
        if close:
            options = join([f"`{item}` ({allowed[item]})" for item in close], "sep.or")
            suggestion = fragment("suggest.ids", options=options)
        listed = ", ".join(f"`{item}` ({label})" for item, label in allowed.items()) if len(allowed) <= 12 else \
            ", ".join(f"`{item}`" for item in allowed)
        self.report("E015", located, value=value, what=fragment(f"sources.{source}"), where=where,
                    suggestion=suggestion, allowed=fragment("allowed.for_key", key=key, listed=listed))
        return None


def validate_profile(parsed: ParsedFile, project: Project, content_dir: Path, rel_path: str) -> tuple[Profile | None, list[Diagnostic]]:
    checker = _ProfileChecker(parsed, project)
    if parsed.front is None:
        return None, list(parsed.diagnostics)
    opening = Located("---", 1, 1, 3)
    values = checker.check_mapping(parsed.front, PROFILE_FIELDS, "", opening)
    year = values.get("year")
    plan = project.plan_for_year(year) if isinstance(year, int) else None
    if isinstance(year, int) and plan is None:
        periods = join([fragment("period.plan", plan=item.id, start=item.start, end=item.end) for item in project.plans])
        checker.report("E014", parsed.front["year"].value, year=year, periods=periods)
    kind = _check_kind_field(checker, values, plan, project)
    unit_id = checker.check_id(values.get("unit"), "units", "unit", allowed_ids(project, "units"))
    if unit_id and isinstance(year, int):
        unit = project.units[unit_id]
        if not unit.active_in(year):
            if unit.from_year and unit.until_year:
                active = fragment("active.from_until", start=unit.from_year, end=unit.until_year)
            else:
                active = fragment("active.from", start=unit.from_year) if unit.from_year else \
                    fragment("active.until", end=unit.until_year)
            checker.report("E017", values["unit"][1], unit=unit.name, active=active, year=year)
    stage = _check_plan_id(checker, values.get("stage"), "stages", "stage", plan, project)
    nominated = [
        milestone for milestone in (
            _check_milestone(checker, item, plan, project, year) for item in values.get("nominated", [])
        ) if milestone
    ]
    criteria = _check_criteria(checker, values, plan, project, kind)
    consent = values.get("consent")
    if consent and "scope" in consent:
        scope_ids = allowed_ids(project, "consent_scopes")
        consent["scope"] = [
            scope for scope in (checker.check_id(item, "consent_scopes", "scope", scope_ids) for item in consent["scope"])
            if scope
        ]
    photo = _check_photo(checker, parsed, values, content_dir, rel_path)
    if photo and not values.get("photo_alt"):
        checker.report("E026", parsed.front["photo"].key)
    if kind in project.personal_data.requires_consent:
        _check_consent(checker, parsed, values, project, photo)
    aliases, alias_lines, alias_problems = check_aliases(parsed)
    checker.diagnostics += alias_problems
    slug, slug_line = _check_slug(checker, parsed, values, rel_path)
    for code, line, column, length, args in scan_unsafe(parsed.body, parsed.body_line):
        checker.report(code, Located(None, line, column, length), **args)
    _check_template_text(checker, parsed, values)
    if plan and "criteria" not in parsed.front:
        example = ", ".join(item.id for item in plan.applicable_criteria(values.get("field", ("",))[0], kind or "")[:2])
        checker.report("W001", opening, example=example or "chung-1")
    if plan and "stage" not in parsed.front:
        checker.report("W002", opening, allowed=", ".join(plan.stages))
    diagnostics = [*parsed.diagnostics, *checker.diagnostics]
    if any(item.severity == "error" for item in diagnostics) or plan is None:
        return None, diagnostics
    profile = Profile(
        source=parsed.path, rel_path=rel_path, slug=slug, slug_line=slug_line,
        name=values["name"], kind=kind, field=values["field"][0], unit=unit_id, year=year, plan_id=plan.id,
        achievements=values["achievements"], body=parsed.body,
        position=values.get("position"), summary=values.get("summary"), criteria=criteria,
        awards=values.get("awards", []), stage=stage, nominated=nominated, consent=consent,
        photo=photo, photo_alt=values.get("photo_alt"), photo_line=parsed.front["photo"].key.line if photo else 1,
        aliases=aliases, alias_lines=alias_lines,
        draft=values.get("draft", False), withdrawn=values.get("withdrawn", False),
    )
    return profile, diagnostics


def _check_template_text(checker: _ProfileChecker, parsed: ParsedFile, values: dict) -> None:
    """Text `build.py new` wrote for the editor to replace: an error, or a warning while the profile is a draft."""
    code = "W005" if values.get("draft") is True else "E046"
    for key in skeleton.FIELD_TEXTS:
        entry = parsed.front.get(key)
        located = entry.value if entry is not None else None
        items = located.value if located is not None and isinstance(located.value, list) else [located]
        for item in items:
            if item is not None and skeleton.is_field_text(key, item.value):
                what = fragment("template.item" if item is not located else "template.field", key=key)
                checker.report(code, item, what=what, text=fragment("template.quoted", text=item.value.strip()),
                               hint=fragment(f"hint.replace_{key}"))
    found = skeleton.body_lines(parsed.body)
    if found:
        first = found[0]
        line = parsed.body.split("\n")[first]
        checker.report(code, Located(None, parsed.body_line + first, 1, max(len(line), 1)), what=fragment("template.body"),
                       text=fragment("template.paragraphs", count=len(found)), hint=fragment("hint.replace_body"))


def _check_consent(checker: _ProfileChecker, parsed: ParsedFile, values: dict, project: Project, photo: str | None) -> None:
    """A person's data is published only with a consent record whose scope covers every item published."""
    rules = project.personal_data
    opening = Located("---", 1, 1, 3)
    if "consent" not in parsed.front:
        what = fragment("consent.name_photo_details") if photo else fragment("consent.name_details")
        checker.report("E028", opening, what=what, scopes=", ".join(rules.scopes))
        return
    consent = values.get("consent")
    if not consent or "scope" not in consent or "date" not in consent:
        return  # the record itself is malformed: already reported by the schema check
    located = parsed.front["consent"].value
    consent_entries = located.value if isinstance(located.value, dict) else {}
    when = consent.get("date")
    if when and when > consent_deadline():
        checker.report("E044", consent_entries["date"].value, date=when.isoformat(), today=consent_deadline().isoformat())
    granted = set(consent["scope"])
    published = {"photo": photo, "body": parsed.body.strip()}
    for key, scope in rules.field_scopes.items():
        present = published.get(key) if key in published else values.get(key)
        if not present or scope in granted or scope not in rules.scopes:
            continue
        at = parsed.front[key].key if key in parsed.front else (consent_entries["scope"].key if "scope" in consent_entries
                                                                else opening)
        if key == "body":
            leading = parsed.body[: len(parsed.body) - len(parsed.body.lstrip())].count("\n")
            at = Located(None, parsed.body_line + leading, 1, 1)
        checker.report("E043", at, key=key, scope=scope, label=rules.scopes[scope])


def _check_kind_field(checker: _ProfileChecker, values: dict, plan: Plan | None, project: Project) -> str | None:
    kind = _check_plan_id(checker, values.get("kind"), "kinds", "kind", plan, project)
    _check_plan_id(checker, values.get("field"), "fields", "field", plan, project)
    return kind


def _plan_ids(plan: Plan | None, source: str, project: Project) -> dict[str, str]:
    return allowed_ids(project, source) if plan is None else plan.ids(source)


def _check_plan_id(checker, checked, source, key, plan, project) -> str | None:
    where = fragment("where.of_plan", plan=plan.id) if plan else ""
    aliases = None
    if source == "fields":  # the plan names its fields (a), (b), (c): editors write `field: a`
        aliases = {_key_form(item.letter): item.id for item in (plan.fields.values() if plan else []) if item.letter}
    return checker.check_id(checked, source, key, _plan_ids(plan, source, project), where, aliases)


def _check_milestone(checker, checked, plan, project, year) -> str | None:
    milestone_id = _check_plan_id(checker, checked, "milestones", "nominated", plan, project)
    if milestone_id and plan and isinstance(year, int):
        milestone = plan.milestones[milestone_id]
        if not milestone.covers_start <= year <= milestone.covers_end:
            allowed = ", ".join(
                f"`{item.id}`" for item in plan.milestones.values() if item.covers_start <= year <= item.covers_end
            ) or fragment("none.milestone")
            checker.report("E018", checked[1], milestone=milestone.label, start=milestone.covers_start,
                           end=milestone.covers_end, year=year, allowed=allowed)
            return None
    return milestone_id


def _check_criteria(checker, values, plan, project, kind) -> list[str]:
    accepted = []
    field_value = values.get("field")
    field_id = field_value[0] if field_value else None
    for item in values.get("criteria", []):
        criterion_id = _check_plan_id(checker, item, "criteria", "criteria", plan, project)
        if not criterion_id or not plan:
            continue
        criterion = plan.criteria[criterion_id]
        if field_id not in plan.fields or kind not in plan.kinds:
            accepted.append(criterion_id)
            continue
        wrong_field = criterion.field is not None and criterion.field != field_id
        wrong_kind = kind not in criterion.kinds
        if wrong_field or wrong_kind:
            if wrong_field:
                reason = fragment("reason.other_field", field=plan.fields[criterion.field].label)
            else:
                kinds = ", ".join(plan.kinds[k].label.lower() for k in criterion.kinds)
                reason = fragment("reason.other_kind", kinds=kinds, kind=plan.kinds[kind].label.lower())
            applicable = ", ".join(f"`{c.id}`" for c in plan.applicable_criteria(field_id, kind))
            checker.report("E016", item[1], value=criterion_id, label=criterion.text, reason=reason,
                           field=plan.fields[field_id].label, kind=plan.kinds[kind].label.lower(), allowed=applicable)
            continue
        accepted.append(criterion_id)
    return list(dict.fromkeys(accepted))


def _check_photo(checker, parsed: ParsedFile, values: dict, content_dir: Path, rel_path: str) -> str | None:
    photo = values.get("photo")
    if not photo:
        return None
    located = parsed.front["photo"].value
    pure = PurePosixPath(photo.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or ":" in photo.split("/")[0]:
        checker.report("E021", located, path=photo)
        return None
    relative = PurePosixPath(rel_path).parent / pure
    target = content_dir / relative
    try:
        resolved = target.resolve(strict=False)
        inside = resolved.is_relative_to(content_dir.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        checker.report("E021", located, path=photo)
        return None
    if not target.is_file() or not _exact_case(content_dir, relative):
        checker.report("E020", located, path=photo)
        return None
    try:
        problem = inspect_photo(target.read_bytes())
    except OSError as error:
        problem = error.strerror or str(error)
    if problem:
        checker.report("E027", located, path=photo, problem=problem, max_pixels=max_pixels_text())
        return None
    return relative.as_posix()


def _exact_case(root: Path, relative: PurePosixPath) -> bool:
    """A photo named `Anh.JPG` must not pass on a case-insensitive disk and 404 on the server."""
    current = root
    for part in relative.parts:
        try:
            if part not in os.listdir(current):
                return False
        except OSError:
            return False
        current = current / part
    return True


def _check_slug(checker, parsed: ParsedFile, values: dict, rel_path: str) -> tuple[str, int]:
    explicit = values.get("slug")
    if explicit:
        located = parsed.front["slug"].value
        if not set(explicit) <= _SLUG_CHARS or explicit.startswith("-") or explicit.endswith("-") or "--" in explicit:
            checker.report("E025", located, value=explicit, example=slug_example(explicit) or "nguyen-van-a")
            return slugify(explicit) or "ho-so", located.line
        return explicit, located.line
    stem = PurePosixPath(rel_path).stem
    return slugify(stem) or slugify(str(values.get("name", ""))) or "ho-so", 1


def check_collisions(profiles: list[Profile], project: Project) -> list[Diagnostic]:
    """Two profiles may not share a URL. Slugs are already plain (_check_slug: lowercase ASCII letters,
    digits and hyphens, from `slug:` or slugified from the file name), so two file names differing only
    by case or accents meet here under one slug."""
    diagnostics = []
    owners: dict[str, Profile] = {}
    prefix = project.site.prefix + project.site.paths["profile"]
    for profile in sorted(profiles, key=lambda item: item.rel_path):
        key = profile.slug
        url = f"{prefix}/{profile.slug}/"
        if key in owners:
            other = owners[key]
            diagnostics.append(Diagnostic(
                code="E019", file=profile.source, line=profile.slug_line, column=1,
                args={"url": url, "other": other.source},
            ))
        else:
            owners[key] = profile
    return diagnostics
