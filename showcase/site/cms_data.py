"""The office's data files as forms of the editors' web form (Decap CMS), made from the declarations the loader
checks them against (common/data_schema.py): a key added there is a field here, with its label, hint, choices,
bounds and required flag, and no second edit.

Three forms of one collection, "Dữ liệu của Văn phòng" (data/units.yaml, data/site.yaml, data/personal-data.yaml),
and a collection "Kế hoạch" with one entry per file of data/plans/ ("Sao chép" on a plan, then edit, makes the
next period's file). Besides config.yml's collections, the form's folder gets what its own script needs before a
save (layouts/cms/data-form.js): the declarations (data-schema.json), what the profiles use (usage.json), the
scripts that check and write (data-rules.js, data-yaml.js) and the YAML library Decap itself reads with (yaml 1.10,
from Decap's own dependencies), which writes back only the edited lines and keeps the file's comments.

The folder is public on the website: usage.json names published profiles only (their name and year, as their
pages do); drafts and withdrawn profiles are there only as counts of the ids and years they use, merged when
alike, with no name, file name, position, date or text.
"""

from __future__ import annotations

import json
from pathlib import Path

from showcase.common import data_schema
from showcase.common.config import PROJECT_ROOT, Project, plans_context
from showcase.common.data_schema import DataFile, Field
from showcase.common.diagnostics import resolve
from showcase.source.validate import Profile

OFFICE_COLLECTION = "du-lieu-van-phong"
PLAN_COLLECTION = "ke-hoach"
FORMAT = "yaml-van-phong"  # the custom format data-form.js registers (Decap's own cannot keep comments)
# The file collection's entries: Decap's name of the entry → (the declaration, the file, the form's title).
OFFICE_FILES = {
    "don-vi": ("units", "data/units.yaml", "Đơn vị"),
    "thong-tin-trang": ("site", "data/site.yaml", "Thông tin trang"),
    "du-lieu-ca-nhan": ("personal_data", "data/personal-data.yaml", "Dữ liệu cá nhân"),
}
PLAN_FOLDER = "data/plans"
SCRIPTS = ("data-rules.js", "data-yaml.js", "data-form.js")
YAML_LIBRARY = Path("node_modules") / "decap-cms-core" / "node_modules" / "yaml"


def _noun(noun: str) -> str:
    return str(resolve({"$t": f"cfg.noun.{noun}"}, "vi"))


def _options(project: Project, ref: str) -> list[dict]:
    """The choices of a field whose value is an id of a list of the plans (kinds, stages)."""
    noun = ref.rpartition(":")[2]
    ids = plans_context(list(project.plans))[f"plans:{noun}"]
    return [{"label": f"{label} ({item_id})", "value": item_id} for item_id, label in ids.items()]


def _summary(spec: Field) -> str:
    fields = [key for key in ("id", "name", "label", "text") if key in spec.fields]
    return " — ".join("{{fields." + key + "}}" for key in fields[:2])


def form_field(name: str, spec: Field, project: Project) -> dict | None:
    """One Decap field for one key of a data file; None for a key the office does not change in the form. Decap
    checks only that a required field is filled: every other rule (an id's form, a number's bounds, a year in
    the period…) is data-rules.js's before the save, worded as `check` words it."""
    if not spec.form:
        return None
    field: dict = {"name": name, "label": spec.label or name, "required": spec.required}
    if spec.help:
        field["hint"] = spec.help
    if spec.type == "text" and spec.choices:
        field.update(widget="select", options=[{"label": label, "value": value} for value, label in spec.choices])
    elif spec.type == "text" and spec.ref.startswith("plans:") or spec.type == "text" and spec.ref == "kind":
        field.update(widget="select", options=_options(project, f"plans:{spec.ref.rpartition(':')[2]}"))
    elif spec.type == "text":
        field["widget"] = "text" if spec.multiline else "string"
    elif spec.type == "integer":
        # No min/max for Decap: a number out of range is refused before the save in the loader's words (C012).
        field.update(widget="number", value_type="int", step=1)
    elif spec.type == "boolean":
        field["widget"] = "boolean"
    elif spec.type == "list" and spec.items.type == "text" and (spec.items.choices or spec.items.ref):
        item = form_field("item", spec.items, project)
        field.update(widget="select", multiple=True, options=item["options"])
        if spec.nonempty:
            field["min"] = 1
    elif spec.type == "list" and spec.items.type == "object":
        fields = [made for key, child in spec.items.fields.items() if (made := form_field(key, child, project))]
        field.update(widget="list", fields=fields, summary=_summary(spec.items), collapsed=True)
        if spec.noun:
            field["label_singular"] = _noun(spec.noun)
        if spec.nonempty:
            field["min"] = 1
    elif spec.type == "list":
        field.update(widget="list", field={"name": "item", "label": spec.items.label or field["label"],
                                           "widget": "text" if spec.items.multiline else "string"})
    elif spec.type == "object":
        field.update(widget="object", collapsed=False,
                     fields=[made for key, child in spec.fields.items() if (made := form_field(key, child, project))])
    else:
        return None
    if spec.default not in (None, "", [], {}) and spec.type in ("text", "integer", "boolean"):
        field["default"] = spec.default
    return field


def form_fields(spec: DataFile, project: Project) -> list[dict]:
    return [made for key, child in spec.root.fields.items() if (made := form_field(key, child, project))]


def collections(project: Project) -> list[dict]:
    """Decap's collections of the office's data: the three files, and the plans."""
    files = [{
        "name": name, "label": title, "file": path, "fields": form_fields(data_schema.FILES[kind], project),
    } for name, (kind, path, title) in OFFICE_FILES.items()]
    return [
        {
            "name": OFFICE_COLLECTION, "label": "Dữ liệu của Văn phòng", "format": FORMAT, "extension": "yaml",
            "description": "Các phòng, đơn vị; thông tin của trang; quy định về dữ liệu cá nhân. Trước khi lưu, biểu "
                           "mẫu kiểm tra như lệnh check và cho biết hồ sơ nào sẽ bị ảnh hưởng.",
            "delete": False, "editor": {"preview": False}, "files": files,
        },
        {
            "name": PLAN_COLLECTION, "label": "Kế hoạch", "label_singular": "kế hoạch",
            "description": "Mỗi kế hoạch một tệp trong data/plans/. Kế hoạch giai đoạn mới: mở kế hoạch đang có, bấm "
                           "“Đã công bố” → “Sao chép”, rồi sửa mã, giai đoạn và các mốc; kế hoạch cũ giữ nguyên.",
            "folder": PLAN_FOLDER, "extension": "yaml", "format": FORMAT, "create": True, "delete": False,
            "slug": "{{fields.id}}", "identifier_field": "id", "summary": "{{fields.title}} ({{fields.id}})",
            "editor": {"preview": False}, "fields": form_fields(data_schema.PLAN, project),
        },
    ]


def _plan_part(project: Project) -> list[dict]:
    return [{
        "file": plan.file, "id": plan.id, "start": plan.start, "end": plan.end,
        "kinds": list(plan.kinds), "fields": list(plan.fields), "stages": list(plan.stages),
        "criteria": {item.id: {"field": item.field, "kinds": list(item.kinds)} for item in plan.criteria.values()},
        "milestones": {item.id: {"start": item.covers_start, "end": item.covers_end} for item in plan.milestones.values()},
    } for plan in project.plans]


def schema_json(project: Project) -> dict:
    """What data-form.js and data-rules.js read: the declarations, the other files' ids, the forms' files."""
    return {
        **data_schema.export(),
        "context": plans_context(list(project.plans)),
        "plans": [{"file": item["file"], "id": item["id"], "start": item["start"], "end": item["end"]}
                  for item in _plan_part(project)],
        "collections": {OFFICE_COLLECTION: {name: {"kind": kind, "file": path} for name, (kind, path, _title)
                                            in OFFICE_FILES.items()},
                        PLAN_COLLECTION: {"kind": "plan", "folder": PLAN_FOLDER}},
    }


def usage_json(project: Project, profiles: list[Profile]) -> dict:
    """What the profiles use of the data, for the form to name the profiles a change would break (C021)."""
    named, others = [], {}
    for profile in sorted(profiles, key=lambda item: (item.year, item.rel_path)):
        record = {
            "year": profile.year, "unit": profile.unit, "kind": profile.kind, "field": profile.field,
            "criteria": list(profile.criteria), "stage": profile.stage, "nominated": list(profile.nominated),
            "scopes": list((profile.consent or {}).get("scope") or []), "consent": profile.consent is not None,
        }
        if profile.draft or profile.withdrawn:
            key = json.dumps(record, sort_keys=True)
            others.setdefault(key, {**record, "count": 0})["count"] += 1
        else:
            named.append({"name": profile.name, **record})
    units = [{"id": unit.id, "from": unit.from_year, "until": unit.until_year} for unit in project.units.values()]
    personal = {"requires_consent": list(project.personal_data.requires_consent),
                "scopes": list(project.personal_data.scopes)}
    return {"project": {"units": units, "plans": _plan_part(project), "personal": personal},
            "profiles": named + [others[key] for key in sorted(others)]}


def _json(data: object) -> bytes:
    """JSON in the declarations' own order (the order keys are written in a file)."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def form_files(project: Project, folder: str, profiles: list[Profile]) -> dict[str, bytes]:
    """The files the data forms add to the CMS folder `folder` (empty when Decap's YAML library is missing:
    the profile form reports the missing package, B002)."""
    library = PROJECT_ROOT / YAML_LIBRARY
    if not (library / "browser" / "dist" / "index.js").is_file():
        return {}
    files = {folder + name: (project.layouts_dir / "cms" / name).read_bytes() for name in SCRIPTS}
    for path in sorted((library / "browser" / "dist").glob("*.js")):
        files[f"{folder}yaml/{path.name}"] = path.read_bytes()
    files[f"{folder}yaml/LICENSE"] = (library / "LICENSE").read_bytes()
    files[folder + "data-schema.json"] = _json(schema_json(project))
    files[folder + "usage.json"] = _json(usage_json(project, profiles))
    return files
