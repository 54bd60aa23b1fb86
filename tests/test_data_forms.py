"""The office's data forms refuse what the loader refuses, in the loader's words: layouts/cms/data-rules.js runs in
Node on the same data files as common/config.py (the fixtures, and variations made from the real files), and
each must give the same codes, messages and fixes. And what the form says a change would break is what `check`
says after the change."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from form_scripts import call
from test_data_files import DATA_FIXTURES, EXPECTED, target_of

from showcase.common import data_schema, yaml12
from showcase.common.config import ConfigError, load_project, plans_context
from showcase.common.diagnostics import Diagnostic, catalog, message

KINDS = {"data/units.yaml": "units", "data/site.yaml": "site", "data/personal-data.yaml": "personal_data"}
SCHEMA = data_schema.export()
SYNTAX = {"C001", "C002", "C003", "C004", "C005"}  # the text of a file: the form writes its YAML, it never sees these


def kind_of(file: str) -> str:
    return KINDS.get(file, "plan")


def python_words(diagnostics: list[Diagnostic], file: str) -> list[tuple[str, str, str]]:
    return sorted((item.code, *message(item, "vi")) for item in diagnostics if item.file == file)


def js_words(data: object, file: str, context: dict | None, others: list[dict]) -> list[tuple[str, str, str]]:
    found = call("data-rules", "checkData", SCHEMA, kind_of(file), data, context, [])
    if kind_of(file) == "plan":
        found += call("data-rules", "checkPlanAmongOthers", data, file, others)
    words = catalog("vi")
    result = []
    for item in found:
        worded = call("messages", "message", words, item["code"], item["args"])
        result.append((item["code"], worded["message"], worded["fix"]))
    return sorted(result)


def loader_problems(root: Path) -> list[Diagnostic]:
    try:
        load_project(root)
    except ConfigError as error:
        return error.diagnostics
    return []


def other_plans(root: Path, file: str) -> list[dict]:
    """The other plan files, as the form knows them (data-schema.json's plans, made at build time)."""
    found = []
    for path in sorted((root / "data" / "plans").glob("*.yaml")):
        name = f"data/plans/{path.name}"
        data = yaml12.load(path.read_text(encoding="utf-8"))
        if name != file and isinstance(data, dict) and isinstance(data.get("period"), dict):
            found.append({"file": name, "id": data.get("id"), "start": data["period"].get("start"),
                          "end": data["period"].get("end")})
    return found


CONTEXT = plans_context(list(load_project(ROOT).plans))


def compare(root: Path, file: str) -> int:
    """How many diagnostics both gave alike (0 when the file's text is what is wrong: the form never writes that)."""
    python = python_words(loader_problems(root), file)
    if any(code in SYNTAX for code, _message, _fix in python):
        return 0
    data = yaml12.load((root / file).read_text(encoding="utf-8"))
    assert js_words(json.loads(json.dumps(data)), file, CONTEXT, other_plans(root, file)) == python, file
    return len(python)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_the_form_words_each_fixture_as_the_loader(case, tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copyfile(DATA_FIXTURES / case, tmp_path / target_of(case))
    if not {item[0] for item in EXPECTED[case]} & SYNTAX:
        assert compare(tmp_path, target_of(case)) >= 1


def _variations(spec: data_schema.Field, value: object, path: tuple = ()):
    """(path, new value or DELETE) of one mistake for each value of a real file: wrong types, empty, out of range."""
    if spec.type == "object" and isinstance(value, dict):
        for key, child in spec.fields.items():
            if key in value:
                yield (*path, key), DELETE
                yield from _variations(child, value[key], (*path, key))
        yield (*path, "unknown_key"), "x"
    elif spec.type == "list" and isinstance(value, list):
        yield path, "a, b"
        yield path, []
        for index, item in enumerate(value[:2]):
            yield from _variations(spec.items, item, (*path, index))
        if value:
            yield (*path, len(value)), copy.deepcopy(value[0])  # a repeated item, id and all
    elif spec.type == "integer":
        yield from ((path, "2025"), (path, -1), (path, 3000), (path, None), (path, True))
    elif spec.type == "text":
        yield from ((path, 5), (path, ""), (path, None), (path, ["x"]), (path, "Có Dấu_Sai"))
    elif spec.type == "boolean":
        yield path, "có"


DELETE = object()


def _apply(data: object, path: tuple, value: object) -> object:
    changed = copy.deepcopy(data)
    target = changed
    for part in path[:-1]:
        target = target[part]
    last = path[-1]
    if value is DELETE:
        del target[last]
    elif isinstance(target, list) and last == len(target):
        target.append(value)
    else:
        target[last] = value
    return changed


VARIED = {"data/units.yaml": data_schema.UNITS, "data/site.yaml": data_schema.SITE,
          "data/personal-data.yaml": data_schema.PERSONAL_DATA, "data/plans/2021-2025.yaml": data_schema.PLAN}


@pytest.mark.parametrize("file", sorted(VARIED))
def test_the_form_words_variations_of_the_real_files_as_the_loader(file, tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    real = yaml12.load((ROOT / file).read_text(encoding="utf-8"))
    cases = list(_variations(VARIED[file].root, real))
    assert len(cases) > 20
    worded = 0
    for path, value in cases[::3] if len(cases) > 150 else cases:
        data = _apply(real, path, value)
        (tmp_path / file).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")
        worded += compare(tmp_path, file)
    assert worded > 20


# --- the file the form writes (layouts/cms/data-yaml.js, with Decap's yaml 1.10) ---------------------------------

SPECS = {"data/units.yaml": "units", "data/site.yaml": "site", "data/personal-data.yaml": "personal_data",
         "data/plans/2021-2025.yaml": "plan"}


def written(file: str, change) -> tuple[str, str, object]:
    """(the file's text, the text the form writes after `change` to its data, that data)."""
    text = (ROOT / file).read_text(encoding="utf-8")
    data = yaml12.load(text)
    change(data)
    result = call("data-yaml", "writeInNode", text, data, SCHEMA["files"][SPECS[file]]["root"])
    assert result["whole"] is False, file
    return text, result["text"], data


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    import difflib

    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [line[2:] for line in diff if line.startswith("- ")], [line[2:] for line in diff if line.startswith("+ ")]


def _add_unit(data):
    data["units"].append({"id": "moi", "name": "Đơn vị mới", "type": "don-vi", "from": 2026})


def _retire_unit(data):
    data["units"][1]["until"] = 2024


def _delete_unit(data):
    del data["units"][2]


def _featured(data):
    data["featured"]["count"] = 4
    data["yearbook_order"] = ["kind", "name"]


def _purpose(data):
    data["purpose"] = "Mục đích mới: nêu gương."


def _criterion_kind(data):
    data["fields"][0]["criteria"][2]["kinds"].append("ca-nhan")


EDITS = [
    ("data/units.yaml", _add_unit, [], ["  - id: moi", "    name: Đơn vị mới", "    type: don-vi", "    from: 2026"]),
    ("data/units.yaml", _retire_unit, [], ["    until: 2024"]),
    ("data/units.yaml", _delete_unit, ["  - id: quan-ly-xay-dung", "    name: Phòng Quản lý xây dựng", "    type: phong"], []),
    ("data/site.yaml", _featured, ["  count: 3", "yearbook_order: [field, name]"], ["  count: 4", "yearbook_order: [kind, name]"]),
    ("data/plans/2021-2025.yaml", _purpose, None, ['purpose: "Mục đích mới: nêu gương."']),
    ("data/plans/2021-2025.yaml", _criterion_kind, ["        kinds: [tap-the]"], ["        kinds: [tap-the, ca-nhan]"]),
]


@pytest.mark.parametrize("file, change, removed, added", EDITS, ids=[edit[1].__name__ for edit in EDITS])
def test_the_form_writes_only_the_edited_lines_and_the_loader_reads_its_data(file, change, removed, added):
    before, after, data = written(file, change)
    lost, new = changed_lines(before, after)
    assert sorted(new) == sorted(added)  # as sets of lines: a diff may pair a repeated line (`type: phong`) elsewhere
    if removed is not None:
        assert sorted(lost) == sorted(removed)
    else:  # a folded paragraph written again on one line: its lines go, nothing else
        assert lost[0] == "purpose: >-" and all(line.startswith("  ") for line in lost[1:])
    assert yaml12.load(after) == data


TRICKY = ["yes", "No", "on", "2021-2025", "2023-12-20", "0o17", "017", "1_000", "12:30", "a: b", " lead", "#x", "-x",
          "[x]", "'q'", '"', "x #y", "dòng\nmới", "null", "~", "true", "1e3", ".inf", "Ơ ơ", "{a}", "tab\there", "\u2028",
          "100%", "@at", "`tick`", "a,b", "?", ": x", "- x", "ngày 01/7/2025: hợp nhất"]


@pytest.mark.parametrize("value", TRICKY)
def test_a_text_the_form_writes_is_read_back_as_that_text(value):
    def change(data):
        data["units"][0]["name"] = value
        data["units"][1]["id"] = "thanh-tra"  # unchanged: only the one line moves
    _before, after, data = written("data/units.yaml", change)
    assert yaml12.load(after) == data


# --- what the form says a change breaks is what check says after it ------------------------------------------------


@pytest.fixture(scope="module")
def usage():
    from showcase.site.cms_data import usage_json

    project = load_project(ROOT)
    result = pipeline_content(project)
    return usage_json(project, result.profiles), result


def pipeline_content(project):
    from showcase.engine import pipeline

    return pipeline.load_content(ROOT / "content", project, cache_dir=None)


def _unit_renamed(data):
    next(unit for unit in data["units"] if unit["id"] == "quan-ly-nha")["id"] = "quan-ly-nha-o"


def _unit_deleted(data):
    data["units"] = [unit for unit in data["units"] if unit["id"] != "thanh-tra"]


def _unit_closed(data):
    next(unit for unit in data["units"] if unit["id"] == "quan-ly-nha")["until"] = 2022


def _cover_shortened(data):
    data["milestones"][0]["covers"]["end"] = 2022


def _period_shortened(data):
    data["period"]["end"] = 2024
    for milestone in data["milestones"]:
        milestone["covers"]["end"] = min(milestone["covers"]["end"], 2024)
        milestone["year"] = min(milestone["year"], 2024)


def _criterion_dropped(data):
    data["general_criteria"]["criteria"] = data["general_criteria"]["criteria"][1:]


def _kind_narrowed(data):
    for criterion in data["fields"][1]["criteria"]:
        criterion["kinds"] = ["tap-the"]


def _scope_dropped(data):
    data["scopes"] = [scope for scope in data["scopes"] if scope["id"] != "chuc-vu"]
    data["field_scopes"] = {key: scope for key, scope in data["field_scopes"].items() if scope != "chuc-vu"}


def _consent_for_groups(data):
    data["requires_consent"] = ["ca-nhan", "tap-the"]


BREAKING = [("data/units.yaml", _unit_renamed), ("data/units.yaml", _unit_deleted), ("data/units.yaml", _unit_closed),
            ("data/plans/2021-2025.yaml", _cover_shortened), ("data/plans/2021-2025.yaml", _period_shortened),
            ("data/plans/2021-2025.yaml", _criterion_dropped), ("data/plans/2021-2025.yaml", _kind_narrowed),
            ("data/personal-data.yaml", _scope_dropped), ("data/personal-data.yaml", _consent_for_groups)]


@pytest.mark.parametrize("file, change", BREAKING, ids=[case[1].__name__ for case in BREAKING])
def test_the_profiles_the_form_names_are_those_check_fails_after_the_change(file, change, usage, tmp_path):
    form_usage, before = usage
    data = yaml12.load((ROOT / file).read_text(encoding="utf-8"))
    change(data)
    found = call("data-rules", "impact", form_usage, kind_of(file), data, file)
    assert found, "the form let the change through"
    # check, after the change
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / file).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")
    project = load_project(tmp_path)
    from showcase.engine import pipeline

    after = pipeline.load_content(ROOT / "content", project, cache_dir=None)
    failing = {item.file for item in after.diagnostics if item.severity == "error"}
    by_file = {profile.source: profile for profile in before.profiles}
    assert failing and failing <= set(by_file)
    published = sorted((by_file[name].name, by_file[name].year) for name in failing
                       if not by_file[name].draft and not by_file[name].withdrawn)
    codes = {item.code for item in after.diagnostics if item.severity == "error"}
    words = [call("messages", "message", catalog("vi"), item["code"], item["args"]) for item in found]
    text = " ".join(f"{item['message']} {item['fix']}" for item in words)
    assert {item["code"] for item in found} == {"C021"}
    assert sum(item["args"]["count"] for item in found) >= len(failing)
    named = set(_named(found))
    assert named <= set(published) and (named == set(published) or len(named) >= 5), (named, published)
    assert all(f"{name} ({year})" in text for name, year in named)
    assert codes <= {code for item in found for code in item["args"]["codes"].split(", ")}
    unpublished = len(failing) - len(published)
    assert (f"{unpublished} hồ sơ chưa công bố" in text) == bool(unpublished)


def _named(value):
    """(name, year) of every profile a C021's arguments name."""
    if isinstance(value, dict):
        if value.get("$t") == "cfg.change.profile":
            yield value["name"], value["year"]
        for item in value.values():
            yield from _named(item)
    elif isinstance(value, list):
        for item in value:
            yield from _named(item)


def test_usage_names_published_profiles_only(usage):
    form_usage, result = usage
    names = {record.get("name") for record in form_usage["profiles"]}
    hidden = {profile.name for profile in result.profiles if profile.draft or profile.withdrawn}
    assert hidden and not names & hidden
    assert all(set(record) <= {"name", "year", "unit", "kind", "field", "criteria", "stage", "nominated", "scopes",
                               "consent", "count"} for record in form_usage["profiles"])
    counted = sum(record.get("count", 0) for record in form_usage["profiles"])
    assert counted == len(hidden)


# --- the guide's section for the office ----------------------------------------------------------------------------


def test_the_guide_shows_the_office_forms_with_screenshots_the_browser_test_takes():
    guide = (ROOT / "docs" / "huong-dan-bien-tap.md").read_text(encoding="utf-8")
    section = guide.split("\n## 9. Dữ liệu của Văn phòng", 1)[1]
    for heading in ("### Thêm một đơn vị", "### Ngừng một đơn vị", "### Bắt đầu kế hoạch giai đoạn mới"):
        assert heading in section
    taken = set(re.findall(r'screenshot\(page, "(du-lieu-[a-z-]+)"\)',
                           (ROOT / "tests" / "browser" / "test_data_forms.py").read_text(encoding="utf-8")))
    taken |= set(re.findall(r'"(du-lieu-[a-z-]+)"\)\n', (ROOT / "tests" / "browser" / "test_data_forms.py").read_text(
        encoding="utf-8")))
    shown = set(re.findall(r"\(anh/(du-lieu-[a-z-]+)\.png\)", section))
    assert len(shown) >= 5 and shown == taken
    for name in shown:
        image = (ROOT / "docs" / "anh" / f"{name}.png").read_bytes()
        assert image.startswith(b"\x89PNG") and int.from_bytes(image[16:20], "big") == 1280
    # Every setting left out of the forms is named there with the reason.
    for spec in data_schema.FILES.values():
        for key, child in spec.root.fields.items():
            hidden = [f"{key}.{name}" for name, grand in child.fields.items() if not grand.form] if child.form else [key]
            for name in hidden:
                assert f"- `{name}`: " in section, name
