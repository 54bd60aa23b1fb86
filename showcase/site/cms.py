"""The editors' web form: Decap CMS at `<section>/<paths.cms>/`, generated from the schema and plan data.

Input: the project (schema, plans, units, personal-data rules, `cms` settings of `data/site.yaml`) and
the Decap bundle installed from npm. Output: the files of the CMS folder (path → bytes) and diagnostics.
The form's fields are made from `schema.PROFILE_FIELDS`, the same declaration the validator walks, and
every select's options from the same data `check` accepts, so the form cannot offer what `check` refuses.
What Decap cannot express per field is checked by `layouts/cms/rules.js`, a port of the validator's rules
with their data in `rules.json` (site/form_rules.py) and their words in `messages.json` (the catalog), next
to each field as the editor types, in the preview, and before a save or a publication (`layouts/cms/cms.js`).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from showcase.common.config import PROJECT_ROOT, Project
from showcase.common.diagnostics import Diagnostic, catalog
from showcase.site import cms_data
from showcase.site.form_rules import form_rules
from showcase.source.schema import PROFILE_FIELDS, Spec, allowed_ids

DECAP_PACKAGE = Path("node_modules") / "decap-cms"
COLLECTION = "ho-so"
PROFILE_FOLDER = "content/ho-so"
DEFAULT_LOCAL_PORT = 8081
# Decap's own files needed at run time: the bundle, the chunks it loads on demand (`<id>.decap-cms.js`),
# the WebAssembly of its image encoder, and the licence notice. The other bundle in dist/ (`cms.js`) and
# the source maps are for other ways of loading Decap.
_DECAP_FILES = ("decap-cms.js", "*.decap-cms.js", "*.wasm", "decap-cms.js.LICENSE.txt")
# The parts of the message catalog the form's scripts word diagnostics from (messages.js).
FORM_CATALOG_SECTIONS = ("codes", "fragments", "types", "sources", "words")
_SCRIPT_TEMPLATES = ("manual-init.js", "messages.js", "rules.js", "cms.js", "cms.css")


def cms_folder(project: Project) -> str:
    """Output path of the CMS folder, without a leading slash (`guong-nguoi-tot-viec-tot/quan-tri/`)."""
    return f"{project.site.prefix.lstrip('/')}{project.site.paths.get('cms', 'quan-tri')}/"


def cms_url(project: Project) -> str:
    return "/" + cms_folder(project)


def settings(project: Project) -> dict:
    """The `cms` block of data/site.yaml, with defaults."""
    configured = project.site.extra.get("cms") or {}
    return {
        "repo": str(configured.get("repo", "")),
        "branch": str(configured.get("branch", "main")),
        "local_port": int(configured.get("local_port", DEFAULT_LOCAL_PORT)),
        "auth_base_url": str(configured.get("auth_base_url", "https://api.netlify.com")),
        "site_domain": str(configured.get("site_domain", "")),
    }


def local_backend_url(project: Project) -> str:
    return f"http://127.0.0.1:{settings(project)['local_port']}/api/v1"


def connect_sources(project: Project) -> list[str]:
    """Where the form's page may send requests besides its own origin (its CSP's connect-src): GitHub's
    API, the sign-in provider, and decap-server on the editor's computer."""
    options = settings(project)
    auth = urlsplit(options["auth_base_url"])
    port = options["local_port"]
    return ["https://api.github.com", f"{auth.scheme}://{auth.netloc}", f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


DECAP_SERVER = PROJECT_ROOT / "node_modules" / "decap-server" / "dist" / "index.js"


def local_backend_command(project: Project, content_dir: Path) -> tuple[list[str], dict[str, str]] | None:
    """decap-server on 127.0.0.1 reading and writing the working copy that holds `content_dir` (the form's
    `local_backend`), as (argv, environment variables to add); None when Node.js or the npm package is
    missing, or when the content folder is not named `content/` (the form's collection folder is
    `content/ho-so`, relative to that working copy)."""
    node = shutil.which("node")
    if node is None or not DECAP_SERVER.is_file() or content_dir.resolve().name != PROFILE_FOLDER.split("/")[0]:
        return None
    return [node, str(DECAP_SERVER)], {"PORT": str(settings(project)["local_port"]), "BIND_HOST": "127.0.0.1",
                                      "GIT_REPO_DIRECTORY": str(content_dir.resolve().parent), "LOG_LEVEL": "warn"}


def decap_dist() -> Path | None:
    """The Decap bundle installed beside the generator (npm ci), whose version the build cache tracks
    (cache.generator_version)."""
    dist = PROJECT_ROOT / DECAP_PACKAGE / "dist"
    return dist if (dist / "decap-cms.js").is_file() else None


def decap_version() -> str:
    manifest = PROJECT_ROOT / DECAP_PACKAGE / "package.json"
    return json.loads(manifest.read_text(encoding="utf-8")).get("version", "") if manifest.is_file() else ""


# --- the form ---------------------------------------------------------------------------


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def select_options(project: Project, source: str) -> list[dict]:
    """Select options showing names and storing codes, in the data's own order."""
    if source == "units":
        options = []
        for unit in project.units.values():
            years = ""
            if unit.from_year and unit.until_year:
                years = f" ({unit.from_year}–{unit.until_year})"
            elif unit.from_year:
                years = f" (từ {unit.from_year})"
            elif unit.until_year:
                years = f" (đến {unit.until_year})"
            options.append({"label": f"{unit.name}{years}", "value": unit.id})
        return options
    if source == "criteria":
        options = []
        for plan in project.plans:
            for criterion in plan.criteria.values():
                kinds = ", ".join(plan.kinds[kind].label.lower() for kind in criterion.kinds if kind in plan.kinds)
                where = f"lĩnh vực {plan.fields[criterion.field].letter})" if criterion.field else "tiêu chí chung"
                label = f"{criterion.id} — {criterion.text} ({where}; {kinds}; kế hoạch {plan.id})"
                options.append({"label": label, "value": criterion.id})
        return options
    if source in ("fields", "milestones", "stages", "kinds"):
        options: dict[str, str] = {}
        for plan in project.plans:
            for item_id, label in plan.ids(source).items():
                options.setdefault(item_id, f"{label} (kế hoạch {plan.id})" if len(project.plans) > 1 else label)
        return [{"label": label, "value": item_id} for item_id, label in options.items()]
    return [{"label": label, "value": item_id} for item_id, label in allowed_ids(project, source).items()]


def _hint(spec: Spec) -> str:
    hint = _capitalized(spec.meaning)
    if spec.example and spec.type in ("string", "path", "slug"):
        hint += f". Ví dụ: {spec.example}"
    return hint


def form_field(name: str, spec: Spec, project: Project) -> dict:
    """One Decap field for one key of the schema: same name, same required flag, same allowed values."""
    field: dict = {"name": name, "label": spec.label or _capitalized(spec.meaning), "hint": _hint(spec),
                   "required": spec.required}
    if spec.type == "string":
        field["widget"] = "string"
    elif spec.type == "slug":
        field["widget"] = "string"  # its form is checked by rules.js (E025), in check's words
    elif spec.type == "path":
        field.update(widget="image", choose_url=False)
    elif spec.type == "integer":
        # No min/max: Decap would refuse a year outside the plans in its own words; rules.js says E014.
        field.update(widget="number", value_type="int", step=1)
    elif spec.type == "boolean":
        field["widget"] = "boolean"
    elif spec.type == "date":
        # Stored as YYYY-MM-DD (written unquoted, read as a date); shown the Vietnamese way.
        field.update(widget="datetime", format="YYYY-MM-DD", date_format="DD/MM/YYYY", time_format=False, picker_utc=True)
    elif spec.type == "id":
        field.update(widget="select", options=select_options(project, spec.source))
        if spec.many:
            field["multiple"] = True
    elif spec.type == "list" and spec.items.type == "id":
        field.update(widget="select", multiple=True, options=select_options(project, spec.items.source))
        if spec.required:
            field["min"] = 1
    elif spec.type == "list" and spec.items.type == "object":
        fields = [form_field(key, item, project) for key, item in spec.items.fields.items()]
        field.update(widget="list", fields=fields, summary="{{fields." + fields[0]["name"] + "}}")
        if spec.required:
            field["min"] = 1
    elif spec.type == "list":
        field.update(widget="list", field={"name": "item", "label": field["label"], "widget": "string"})
        if spec.required:
            field["min"] = 1
    elif spec.type == "object":
        field.update(widget="object", collapsed=False,
                     fields=[form_field(key, item, project) for key, item in spec.fields.items()])
    if name == "draft":
        field["default"] = True  # a new profile starts unpublished, as `build.py new` writes it
    return field


def form_fields(project: Project) -> list[dict]:
    """The profile form: every front-matter key the validator accepts, in the schema's order, then the body.
    A consent record is required only for some kinds, so its parts are checked by rules.js (E011, E028), not
    here: Decap validates the required parts of an optional object even when the object is left empty."""
    fields = [form_field(name, spec, project) for name, spec in PROFILE_FIELDS.items()]
    for field in fields:
        if field["name"] == "consent":
            for part in field["fields"]:
                part["required"] = False
    fields.append({"name": "body", "label": "Bài viết", "widget": "markdown", "required": False,
                   "hint": "Câu chuyện về điển hình, viết bằng Markdown (## cho tiêu đề mục).",
                   "buttons": ["bold", "italic", "link", "heading-two", "heading-three", "quote", "bulleted-list",
                               "numbered-list"],
                   "editor_components": [], "modes": ["rich_text", "raw"]})
    return fields


def rules(project: Project) -> dict:
    """rules.json: what rules.js checks a profile with (form_rules, from the same data the validator reads),
    and the names the preview shows for the ids."""
    plans = project.plans
    return {
        **form_rules(project),
        "labels": {
            "kinds": {item.id: item.label for plan in plans for item in plan.kinds.values()},
            "fields": {item.id: item.label for plan in plans for item in plan.fields.values()},
            "stages": {item.id: item.label for plan in plans for item in plan.stages.values()},
            "units": {unit.id: unit.name for unit in project.units.values()},
        },
    }


def cms_config(project: Project) -> dict:
    """Decap's config.yml."""
    site, options = project.site, settings(project)
    site_url = site.origin + site.prefix
    backend = {
        "name": "github",
        "repo": options["repo"],
        "branch": options["branch"],
        "base_url": options["auth_base_url"],
        "auth_endpoint": "auth",
        "commit_messages": {
            "create": "Thêm hồ sơ {{slug}}",
            "update": "Sửa hồ sơ {{slug}}",
            "delete": "Xóa hồ sơ {{slug}}",
            "uploadMedia": "Tải lên {{path}}",
            "deleteMedia": "Xóa {{path}}",
        },
    }
    if options["site_domain"]:
        backend["site_domain"] = options["site_domain"]
    return {
        "locale": "vi",
        "site_url": site_url,
        "display_url": site_url,
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "local_backend": {"url": local_backend_url(project), "allowed_hosts": ["127.0.0.1", "localhost"]},
        "media_folder": PROFILE_FOLDER,
        "public_folder": "",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [{
            "name": COLLECTION,
            "label": "Hồ sơ điển hình",
            "label_singular": "hồ sơ điển hình",
            "description": f"Mỗi hồ sơ là một cá nhân hoặc tập thể điển hình tiên tiến của {site.department}. "
                           "Lưu lại là mở một yêu cầu gộp để Văn phòng xem xét; hồ sơ chỉ lên trang khi được gộp "
                           "và đã bỏ chọn “Bản nháp”.",
            "folder": PROFILE_FOLDER,
            # `{{[year]}}` is the field `year`: Decap reads `{{year}}` as the year of today's date, and turns
            # the dot of `{{fields.year}}` into a dash in a path template.
            "path": "{{[year]}}/{{slug}}",
            "slug": "{{fields.name}}",
            "identifier_field": "name",
            "extension": "md",
            "format": "yaml-frontmatter",
            "create": True,
            "delete": False,
            "media_folder": "",
            "public_folder": "",
            "summary": "{{name}} — {{fields.year}}",
            "preview_path": f"{site.prefix.lstrip('/')}{site.paths['profile']}/{{{{filename}}}}/",
            "sortable_fields": ["name", "year", "unit", "kind"],
            "view_groups": [{"label": "Năm", "field": "year"}, {"label": "Đơn vị", "field": "unit"}],
            "view_filters": [{"label": kind.plural, "field": "kind", "pattern": kind.id}
                             for kind in {kind.id: kind for plan in project.plans for kind in plan.kinds.values()}.values()],
            "fields": form_fields(project),
        }, *cms_data.collections(project)],  # the office's data files (site/cms_data.py)
    }


def config_yaml(project: Project) -> bytes:
    header = "# Tạo tự động bởi build.py (showcase/cms.py) từ data/ và showcase/schema.py; không sửa tay.\n"
    body = yaml.safe_dump(cms_config(project), allow_unicode=True, sort_keys=False, width=1000)
    return (header + body).encode("utf-8")


def cms_files(project: Project, environment, asset_urls: dict[str, str]) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every file of the CMS folder: Decap's bundle, config.yml, rules.json, the page and its script.
    `environment`: the site's Jinja2 environment (the page is `layouts/cms/index.html`); `asset_urls`:
    the site's fingerprinted assets (its stylesheet styles the preview pane)."""
    folder = cms_folder(project)
    dist = decap_dist()
    if dist is None:
        return {}, [Diagnostic(code="B002", file="node_modules/decap-cms", args={"package": "decap-cms"})]
    files: dict[str, bytes] = {}
    for pattern in _DECAP_FILES:
        for path in sorted(dist.glob(pattern)):
            files[folder + path.name] = path.read_bytes()
    for name in _SCRIPT_TEMPLATES:
        files[folder + name] = (project.layouts_dir / "cms" / name).read_bytes()
    files[folder + "config.yml"] = config_yaml(project)
    files[folder + "rules.json"] = json.dumps(rules(project), ensure_ascii=False).encode("utf-8")
    # The catalog check's diagnostics are worded from, for messages.js: the form says what check says.
    words = catalog("vi")
    form_words = {section: words[section] for section in FORM_CATALOG_SECTIONS}
    files[folder + "messages.json"] = json.dumps(form_words, ensure_ascii=False, sort_keys=True).encode("utf-8")
    page = environment.get_template("cms/index.html").render(
        site=project.site, stylesheet=asset_urls.get("css/site.css", ""), icon=asset_urls.get("favicon.svg", ""),
        decap_version=decap_version())
    files[folder + "index.html"] = page.encode("utf-8")
    return files, []
