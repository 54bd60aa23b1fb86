"""The editors' form is generated from the schema and the plan data: it cannot drift from the validator."""

from __future__ import annotations

import yaml
from conftest import copy_project

from showcase.common.config import load_project
from showcase.engine import pipeline
from showcase.site.cms import cms_config, cms_folder, rules
from showcase.source.schema import allowed_ids, json_schema


def profile_collection(project) -> dict:
    config = yaml.safe_load(yaml.safe_dump(cms_config(project), allow_unicode=True))
    return next(item for item in config["collections"] if item["name"] == "ho-so")


def walk(fields: list[dict], schema: dict, where: str = "") -> None:
    """Each form field against the JSON Schema property of the same name (the one `check` validates with)."""
    properties = schema["properties"]
    assert {field["name"] for field in fields} - {"body"} == set(properties), where
    for field in fields:
        if field["name"] == "body":
            continue
        prop = properties[field["name"]]
        name = where + field["name"]
        required = field["name"] in schema.get("required", [])
        assert field["required"] == required or name.startswith("consent."), name  # consent: rules.json, per kind
        allowed = prop.get("enum") or prop.get("items", {}).get("enum") or \
            next((choice.get("enum") for choice in prop.get("anyOf", []) if "enum" in choice), None)
        if allowed is not None:
            assert field["widget"] == "select", name
            assert sorted(option["value"] for option in field["options"]) == sorted(allowed), name
            assert all(option["label"] != option["value"] for option in field["options"]), name  # names shown, codes stored
        if prop.get("type") == "array" or field.get("multiple"):  # at least one item: Decap's own check, kept
            assert field.get("min") == prop.get("minItems"), name
        # A slug's and a date's form, and the years of the plans, are checked by rules.js in check's words
        # (E025, E024, E014): Decap's pattern and range checks would refuse first, in their own.
        assert "pattern" not in field, name
        if prop.get("type") == "integer":
            assert field["value_type"] == "int" and "min" not in field and "max" not in field, name
        item = prop.get("items", {})
        if item.get("type") == "object":
            walk(field["fields"], item, name + "[].")
        elif prop.get("type") == "object":
            walk(field["fields"], prop, name + ".")


def test_form_fields_are_the_schema_s_properties(project):
    collection = profile_collection(project)
    walk(collection["fields"], json_schema(project))
    assert [field["name"] for field in collection["fields"]][:6] == ["name", "kind", "position", "unit", "field", "year"]
    draft = next(field for field in collection["fields"] if field["name"] == "draft")
    assert draft["default"] is True
    assert collection["folder"] == "content/ho-so" and collection["path"] == "{{[year]}}/{{slug}}"
    assert collection["media_folder"] == "" and collection["public_folder"] == ""


def test_config_is_vietnamese_editorial_and_self_hosted(project):
    config = cms_config(project)
    assert config["locale"] == "vi" and config["publish_mode"] == "editorial_workflow"
    assert config["backend"]["name"] == "github" and config["backend"]["repo"] == project.site.extra["cms"]["repo"]
    assert config["local_backend"]["url"].startswith("http://127.0.0.1:")
    assert config["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}


def test_new_unit_and_new_plan_reach_the_form_with_no_other_edit(tmp_path):
    root = copy_project(tmp_path)
    units = root / "data" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "  - id: ban-moi\n    name: Ban Quản lý dự án mới\n    type: don-vi\n"
                     "    from: 2026\n", encoding="utf-8")
    plan = (root / "data" / "plans" / "2021-2025.yaml").read_text(encoding="utf-8")
    plan = plan.replace('id: "2021-2025"', 'id: "2026-2030"').replace("start: 2021", "start: 2026").replace("end: 2025", "end: 2030")
    plan = plan.replace("so-ket-2023", "so-ket-2028").replace("tong-ket-2025", "tong-ket-2030")
    plan = plan.replace("year: 2023", "year: 2028").replace("year: 2025", "year: 2030")
    plan = plan.replace("start: 2021", "start: 2026").replace("end: 2023", "end: 2028")
    (root / "data" / "plans" / "2026-2030.yaml").write_text(plan, encoding="utf-8")
    project = load_project(root)
    fields = {field["name"]: field for field in profile_collection(project)["fields"]}
    assert {"label": "Ban Quản lý dự án mới (từ 2026)", "value": "ban-moi"} in fields["unit"]["options"]
    assert [plan["end"] for plan in rules(project)["plans"]] == [2025, 2030]  # the years rules.js accepts (E014)
    assert {option["value"] for option in fields["nominated"]["options"]} == set(allowed_ids(project, "milestones"))
    assert "tong-ket-2030" in {option["value"] for option in fields["nominated"]["options"]}


def test_every_build_has_the_form(tmp_path, project):
    out = tmp_path / "public"
    result, _ = pipeline.build(project.root / "content", out, project, include_drafts=False, cache_dir=None)
    assert not result.errors
    folder = out / cms_folder(project)
    assert (folder / "index.html").is_file() and (folder / "decap-cms.js").is_file()
    chunks = list(folder.glob("*.decap-cms.js"))
    assert len(chunks) > 50  # Decap loads its widgets on demand from these
    config = yaml.safe_load((folder / "config.yml").read_text(encoding="utf-8"))
    assert config["collections"][0]["name"] == "ho-so"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Sở Xây dựng" in page and "https://" not in page.replace("https://www.w3.org", "")  # nothing from another host


def test_missing_decap_package_fails_the_build_with_b002_and_keeps_the_site(tmp_path, project, monkeypatch):
    out = tmp_path / "public"
    out.mkdir()
    (out / "index.html").write_text("trang cũ", encoding="utf-8")
    monkeypatch.setattr("showcase.site.cms.decap_dist", lambda: None)
    result, pages = pipeline.build(project.root / "content", out, project, include_drafts=False, cache_dir=None)
    assert [item.code for item in result.diagnostics if item.severity == "error"] == ["B002"]
    assert pages == 0 and (out / "index.html").read_text(encoding="utf-8") == "trang cũ"


def test_guide_shows_the_form_with_screenshots_of_the_real_cms():
    """The screenshots come from tests/browser/test_cms.py (SHOWCASE_SCREENSHOTS=1), not drawn by hand."""
    from conftest import ROOT

    guide = (ROOT / "docs" / "huong-dan-bien-tap.md").read_text(encoding="utf-8")
    assert "### Cách thứ nhất: biểu mẫu biên tập hồ sơ" in guide and "### Cách thứ hai: sửa tệp trên GitHub" in guide
    for name in ("cms-danh-sach", "cms-bieu-mau"):
        assert f"(anh/{name}.png)" in guide
        image = (ROOT / "docs" / "anh" / f"{name}.png").read_bytes()
        assert image.startswith(b"\x89PNG") and int.from_bytes(image[16:20], "big") == 1280
