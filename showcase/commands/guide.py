"""The editors' guide (docs/huong-dan-bien-tap.md), generated so it can never drift from the validator.

The hand-written prose lives in docs/_huong-dan.md.j2; the lists (fields, kinds, fields of the plan
with their criteria per kind, units with their years, stages, milestones, consent scopes) come from
the data files and showcase.source.schema, and each diagnostic code comes with its meaning and a wrong and a
fixed example from showcase/messages/guide-examples.yaml. `compose` turns an example into real files,
so the tests can run the validator on every example shown to editors.
"""

from __future__ import annotations

import datetime
import tempfile
from functools import cache
from pathlib import Path

import yaml

from showcase.commands.new import Answers, front_matter
from showcase.common.config import Project
from showcase.common.diagnostics import Diagnostic, catalog, message
from showcase.source.frontmatter_yaml import front_matter_file
from showcase.source.photos import max_pixels_text
from showcase.source.private import DEFAULT_FOLDER, PRIVATE_FIELDS
from showcase.source.schema import PROFILE_FIELDS, Spec

EXAMPLES_FILE = Path(__file__).parent.parent / "messages" / "guide-examples.yaml"
TEMPLATE = "docs/_huong-dan.md.j2"
OUTPUT = "docs/huong-dan-bien-tap.md"
EXAMPLE_DIR = "ho-so/2023"  # where the tests put an example file inside a content folder
REST_MARKER = "# …"


@cache
def examples() -> dict:
    with open(EXAMPLES_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def base_answers(project: Project) -> Answers:
    data = dict(examples()["_base"])
    date = data.pop("consent_date", None)
    answers = Answers(**data)
    answers.consent_date = date if isinstance(date, datetime.date) else None
    return answers


def base_profile(project: Project) -> str:
    """The sample profile of the guide, as `build.py new` writes it, but finished: published (no draft
    line), with a summary and a written article in place of the template text (not publishable: E046)."""
    data = front_matter(base_answers(project), project)
    data.pop("draft")
    data["summary"] = PROFILE_FIELDS["summary"].example
    return front_matter_file(data, list(PROFILE_FIELDS), examples()["_body"]).rstrip("\n")


# --- turning an example into files ------------------------------------------------------------------------


def _blocks(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """Top-level YAML entries: (key, its lines); comment lines are blocks of their own (key None)."""
    blocks: list[tuple[str | None, list[str]]] = []
    for line in lines:
        if line.startswith((" ", "\t")) and blocks:
            blocks[-1][1].append(line)
        elif line.startswith("#") or not line.strip() or ":" not in line:
            blocks.append((None, [line]))
        else:
            blocks.append((line.split(":", 1)[0].strip(), [line]))
    return blocks


def _split(text: str) -> tuple[list[str], str]:
    front, body = text.split("\n---\n", 1)
    return front.split("\n")[1:], body


def compose(code: str, which: str, project: Project) -> dict[str, bytes]:
    """The files (path inside a content folder → bytes) that show `which` (wrong/right) example of `code`."""
    entry = examples()["codes"][code]
    where = entry["where"]
    snippet = entry[which]
    base_front, base_body = _split(base_profile(project))
    removed = set(entry.get("remove", []))
    kept = [block for block in _blocks(base_front) if block[0] not in removed]
    if where == "front":
        fragment = _blocks(snippet.rstrip("\n").split("\n"))
        replaced = {key for key, _ in fragment if key}
        front = [line for key, lines in kept if key not in replaced for line in lines]
        front += [line for _, lines in fragment for line in lines]
        text = "---\n" + "\n".join(front) + "\n---\n" + base_body
    elif where == "body":
        text = "---\n" + "\n".join(line for _, lines in kept for line in lines) + "\n---\n" + snippet
    elif where == "file":
        named = {key for key, _ in _blocks(snippet.split("\n")) if key}
        rest = "\n".join(line for key, lines in kept if key and key not in named for line in lines)
        text = snippet.replace(REST_MARKER, rest)
    else:
        raise ValueError(f"{code}: an example with where={where} cannot be written as a file")
    encoding = entry.get("encoding", "utf-8") if which == "wrong" else "utf-8"
    data = text.encode(encoding) if encoding == "utf-8" else _legacy_bytes(text, encoding)
    files = {f"{EXAMPLE_DIR}/vi-du.md": data}
    if entry.get("setup") == "beside-base":
        files[f"{EXAMPLE_DIR}/nguyen-van-a.md"] = base_profile(project).encode("utf-8")
    if entry.get("setup") == "photo":
        files[f"{EXAMPLE_DIR}/anh.png"] = _tiny_png()
    return files


def _legacy_bytes(text: str, encoding: str) -> bytes:
    import unicodedata

    return unicodedata.normalize("NFD", text).encode(encoding, errors="replace")


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (163, 22, 26)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- the guide --------------------------------------------------------------------------------------------


def _type_label(spec: Spec, types: dict, sources: dict) -> str:
    if spec.type == "id":
        label = f"mã {sources.get(spec.source, spec.source)}"
        return label + " (một mã hoặc danh sách mã)" if spec.many else label
    if spec.type == "list" and spec.items is not None:
        inner = _type_label(spec.items, types, sources) if spec.items.type != "object" else "nhóm trường"
        return f"danh sách ({inner})"
    return types.get(spec.type, spec.type)


def field_rows(lang: str = "vi") -> list[dict]:
    words = catalog(lang)
    rows = []

    def add(name: str, spec: Spec, parent: str = "") -> None:
        rows.append({
            "name": f"{parent}.{name}" if parent else name, "required": spec.required, "meaning": spec.meaning,
            "type": _type_label(spec, words["types"], words["sources"]), "example": spec.example,
        })
        children = spec.fields or (spec.items.fields if spec.items is not None else {})
        for child, child_spec in children.items():
            add(child, child_spec, f"{parent}.{name}" if parent else name)

    for name, spec in PROFILE_FIELDS.items():
        add(name, spec)
    return rows


def _diagnose(files: dict[str, bytes], project: Project) -> list[Diagnostic]:
    """What `check` says about these files (path inside a content folder → bytes)."""
    from showcase.engine import pipeline  # the whole pipeline only when the guide is made

    with tempfile.TemporaryDirectory(prefix="showcase-guide-") as folder:
        content = Path(folder)
        for relative, data in files.items():
            (content / relative).parent.mkdir(parents=True, exist_ok=True)
            (content / relative).write_bytes(data)
        return pipeline.load_content(content, project, cache_dir=None, jobs=1).diagnostics


def diagnose_data(code: str, which: str, project: Project) -> list[Diagnostic]:
    """What the loader says about the project's data with `which` (wrong/right) example of a data file's code in
    place of the lines it shows (an example's `right` is lines of the real file, its `wrong` the same lines broken)."""
    import shutil

    from showcase.common.config import ConfigError, load_project

    entry = examples()["codes"][code]
    with tempfile.TemporaryDirectory(prefix="showcase-guide-") as folder:
        root = Path(folder)
        shutil.copytree(project.root / "data", root / "data")
        target = root / entry["file"]
        text = target.read_text(encoding="utf-8")
        if entry["right"] not in text:
            raise ValueError(f"{code}: the right example is not lines of {entry['file']}")
        target.write_text(text.replace(entry["right"], entry[which], 1), encoding="utf-8")
        try:
            load_project(root)
        except ConfigError as error:
            return error.diagnostics
        return []


def example_fix(code: str, project: Project, lang: str = "vi") -> str:
    """The fix an editor is shown for the code's wrong example, with its real values filled in (a field's
    name, the ids allowed, an example to copy), rather than the catalog's template with blanks. Codes
    that cannot be shown as a file take their values from `args` in guide-examples.yaml."""
    entry = examples()["codes"].get(code, {})
    if entry.get("where") == "data":
        found = [item for item in diagnose_data(code, "wrong", project) if item.code == code]
        if found:
            return message(found[0], lang)[1]
    elif entry.get("where", "none") != "none":
        found = [item for item in _diagnose(compose(code, "wrong", project), project) if item.code == code]
        if found:
            return message(found[0], lang)[1]
    known = {"max_pixels": max_pixels_text()}  # values of the program's own, for codes shown without a file
    return message(Diagnostic(code=code, file="", args={**known, **entry.get("args", {})}), lang)[1]


def code_entries(project: Project, lang: str = "vi") -> list[dict]:
    messages = catalog(lang)["codes"]
    entries = examples()["codes"]
    return [{"code": code, **messages[code], **entries.get(code, {}), "fix": example_fix(code, project, lang)}
            for code in messages]


def _kind_labels(kind_ids, plan) -> str:
    return ", ".join(plan.kinds[kind_id].label for kind_id in kind_ids if kind_id in plan.kinds)


def _for_kind(criteria, kind_id: str) -> list:
    return [criterion for criterion in criteria if kind_id in criterion.kinds]


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ").strip()


def office_forms() -> list[dict]:
    """The office's data forms as the guide lists them: each file's keys shown in the form (label, hint) and
    those left out of it (dotted keys; the guide says why for each), from the declarations the form is made of."""
    from showcase.common import data_schema
    from showcase.site.cms_data import OFFICE_FILES, PLAN_FOLDER

    def walk(spec, path):
        for key, child in spec.fields.items():
            name = f"{path}{key}"
            if not child.form:
                yield "hidden", name, child
            elif child.type == "object":  # its keys are the form's fields
                yield from walk(child, f"{name}.")
            else:
                yield "shown", name, child

    forms = [(label, path, data_schema.FILES[kind]) for kind, path, label in OFFICE_FILES.values()]
    forms.append(("Kế hoạch", f"{PLAN_FOLDER}/<mã>.yaml", data_schema.PLAN))
    result = []
    for title, path, spec in forms:
        keys = list(walk(spec.root, ""))
        result.append({"title": title, "file": path,
                       "shown": [(name, child.label, child.help) for kind, name, child in keys if kind == "shown"],
                       "hidden": [name for kind, name, _child in keys if kind == "hidden"]})
    return result


def render_guide(project: Project) -> str:
    import jinja2  # here: reading this module for the command line must stay quick

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(project.root)), autoescape=False, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    environment.filters.update(cell=_cell, kind_labels=_kind_labels, for_kind=_for_kind)
    template = environment.get_template(TEMPLATE)
    return template.render(
        site=project.site, plans=project.plans, units=list(project.units.values()),
        personal_data=project.personal_data, fields=field_rows(), codes=code_entries(project),
        sample=base_profile(project), office=office_forms(),
        generated_from=[TEMPLATE, "data/", "showcase/schema.py", "showcase/common/data_schema.py", "showcase/messages/"],
        private_folder=DEFAULT_FOLDER, private_example=private_example(),
    )


def private_example() -> str:
    """A private data file (source/private.py) with every key, its sample value and what it means."""
    labels = catalog("vi")["dossier"]["private_fields"]
    return "\n".join(f"{key}: {spec.example}  # {labels[key]}" for key, spec in PRIVATE_FIELDS.items()
                     if key != "profile") + f"\n# profile: {PRIVATE_FIELDS['profile'].example}  # {labels['profile']}"


def write_guide(project: Project, check_only: bool = False) -> tuple[bool, Path]:
    """Write the guide; with check_only, only tell whether the committed file is up to date."""
    target = project.root / OUTPUT
    text = render_guide(project)
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if check_only:
        return current == text, target
    if current != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
    return True, target


HELP = "tạo lại hướng dẫn biên tập docs/huong-dan-bien-tap.md từ dữ liệu"


def add_arguments(parser) -> None:
    parser.add_argument("--check", action="store_true", help="chỉ kiểm tra tệp hướng dẫn có khớp với dữ liệu không")


def main(args) -> int:
    import sys

    from showcase.commands.cli import EXIT_CONTENT, EXIT_OK, project_of, say

    project = project_of(args)
    if isinstance(project, int):
        return project
    current, path = write_guide(project, check_only=args.check)
    if not current:
        print(say("guide_stale", path=path), file=sys.stderr)
        return EXIT_CONTENT
    print(say("guide_current" if args.check else "guide_written", path=path))
    return EXIT_OK
