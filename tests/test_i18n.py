"""Every diagnostic speaks the chosen language: our own wording comes from the catalogs, only data stays as written.

Diagnostics carry language-neutral arguments plus *fragments* ({"$t": key, ...}) that
showcase.common.diagnostics resolves against the `fragments:` section of messages/<lang>.yaml.
"""

import json
import pickle
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

from showcase.common import yaml_tree
from showcase.common.config import PLAN_LISTS
from showcase.common.diagnostics import Diagnostic, catalog, format_text, fragment, join, message
from showcase.source.schema import PROFILE_FIELDS
from showcase.source.validate import _TYPE_NAMES

# Letters that exist in Vietnamese but not in English: ă â đ ê ô ơ ư and every tone-marked vowel.
VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|`[^`]*`")
PARENTHESIZED = re.compile(r"\(([^()]*)\)")
FRAGMENT_CALL = re.compile(r"""fragment\(\s*"([a-z_.]+)"|join\([^\n]*?"(sep\.[a-z_]+)"\)""")


def _specs():
    for name, spec in PROFILE_FIELDS.items():
        yield name, spec
        children = spec.fields or (spec.items.fields if spec.items else None) or {}
        for child, child_spec in children.items():
            yield f"{name}.{child}", child_spec


def test_catalogs_have_the_same_fragment_keys_and_placeholders():
    vi, en = catalog("vi")["fragments"], catalog("en")["fragments"]
    assert set(vi) == set(en)
    for key in vi:
        assert set(re.findall(r"\{(\w+)\}", vi[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key
        assert not VIETNAMESE.search(en[key].replace("“：”", "")), key


def test_every_fragment_key_used_in_code_exists():
    used = set()
    for path in (ROOT / "showcase").rglob("*.py"):
        for match in FRAGMENT_CALL.finditer(path.read_text(encoding="utf-8")):
            used.add(match.group(1) or match.group(2))
    used |= set(yaml_tree._YAML_PROBLEMS.values()) | {key for _pattern, key in yaml_tree._SLIPS}
    used |= {f"meaning.{name}" for name, _spec in _specs()}
    assert len(used) > 80  # the scan found the calls: it cannot pass by finding nothing
    for lang in ("vi", "en"):
        words = catalog(lang)
        missing = sorted(key for key in used if key not in words["fragments"]
                         and not (key.partition(".")[0] in ("types", "sources") and key.partition(".")[2]
                                  in words[key.partition(".")[0]]))
        assert not missing, (lang, missing)
        # f"types.{…}" and f"sources.{…}" are built from the schema's types and sources
        types = {spec.type for _name, spec in _specs()} | set(_TYPE_NAMES.values())
        assert types <= set(catalog(lang)["types"]), lang
        sources = {spec.source for _name, spec in _specs() if spec.source} | {"consent_scopes"}
        for _name, spec in _specs():
            if spec.items and spec.items.source:
                sources.add(spec.items.source)
        assert sources <= set(catalog(lang)["sources"]), lang


def test_vietnamese_field_meanings_are_the_schemas():
    fragments = catalog("vi")["fragments"]
    for name, spec in _specs():
        assert fragments[f"meaning.{name}"] == spec.meaning, name


def test_fragments_resolve_recursively_and_stay_plain_data():
    hint = join([fragment("hint.write_list", key="criteria"), fragment("hint.flow_ids", key="criteria", ids="a-1, a-2")],
                "sep.space")
    item = Diagnostic(code="E012", file="x.md", args={
        "key": "criteria", "expected": fragment("types.list"),
        "found": fragment("found.typed_value", type=fragment("types.string"), text="a-1, a-2"), "hint": hint,
    })
    assert pickle.loads(pickle.dumps(item)) == item
    assert json.loads(json.dumps(item.to_dict()))["args"] == item.args
    text, fix = message(item, "en")
    assert text == "The field `criteria` must be a list (one item per line starting with \"- \"), but it is text (a-1, a-2)."
    assert fix.endswith("For ids, a short form in square brackets also works: criteria: [a-1, a-2]")
    text, fix = message(item, "vi")
    assert "phải là một danh sách" in text and "một đoạn chữ (a-1, a-2)" in text
    assert "Với các mã, có thể viết gọn trong ngoặc vuông: criteria: [a-1, a-2]" in fix
    assert "or" in message(Diagnostic(code="E015", file="x.md", args={
        "value": "x", "what": fragment("sources.kinds"), "where": "", "allowed": "",
        "suggestion": fragment("suggest.ids", options=join(["`a`", "`b`"], "sep.or"))}), "en")[1]


def _data_texts(project) -> list[str]:
    """Labels and texts the data files give (shown as the data writes them), and the schema's sample values."""
    texts = [unit.name for unit in project.units.values()]
    for plan in project.plans:
        texts += [name for source in PLAN_LISTS for name in plan.ids(source).values()]
    texts += list(project.personal_data.scopes.values())
    texts += [str(spec.example) for _name, spec in _specs() if spec.example]
    return sorted({text for text in texts if text}, key=len, reverse=True)


def _without_data(text: str, data_texts: list[str], source: str) -> str:
    """The message minus what comes from the data or the file: quoted values, data labels, repeated raw values."""
    for label in data_texts:
        text = re.sub(re.escape(label), "", text, flags=re.IGNORECASE)
    text = QUOTED.sub("", text)
    return PARENTHESIZED.sub(lambda match: "" if match.group(1).strip() in source else match.group(0), text)


def _check(folder: str, lang: str) -> list[dict]:
    result = run_cli("check", "--content", str(FIXTURES / folder), "--lang", lang, "--format", "json")
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)["diagnostics"]


@pytest.fixture(scope="module")
def outputs():
    return {(folder, lang): _check(folder, lang) for folder in ("invalid", "hostile") for lang in ("en", "vi")}


@pytest.mark.parametrize("folder", ["invalid", "hostile"])
def test_english_check_has_no_vietnamese_wording_outside_data(folder, outputs, project):
    data_texts = _data_texts(project)
    english, vietnamese = outputs[(folder, "en")], outputs[(folder, "vi")]
    assert len(english) == len(vietnamese) > 50
    leftovers = []
    for en_item, vi_item in zip(english, vietnamese, strict=True):
        assert (en_item["file"], en_item["line"], en_item["code"]) == (vi_item["file"], vi_item["line"], vi_item["code"])
        path = Path(en_item["file"])
        source = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        for part in ("message", "fix"):
            rest = _without_data(en_item[part], data_texts, source)
            if VIETNAMESE.search(rest):
                leftovers.append((en_item["code"], path.name, part, rest))
        # The same stripping leaves the Vietnamese wording of the Vietnamese output: it does not eat everything.
        assert VIETNAMESE.search(_without_data(vi_item["message"] + " " + vi_item["fix"], data_texts, source)), vi_item
    assert not leftovers, leftovers[:10]


ENGLISH_PHRASES = [
    ("invalid", "awards-string.md", "E012", "must be a list (one item per line starting with \"- \"), but it is text ("),
    ("invalid", "award-decision-number.md", "E012", "Put the value in double quotes to keep it as text, e.g. decision: \"15\""),
    ("invalid", "consent-scope-unknown-vi.md", "E015", "is not a valid consent scope id."),
    ("invalid", "consent-scope-unknown-vi.md", "E015", "Did you mean `anh` ("),
    ("invalid", "unknown-milestone.md", "E015", ") or `tong-ket-2025` ("),
    ("invalid", "award-unknown-key.md", "E010", "is not part of the profile format (in `awards`)."),
    ("invalid", "uppercase-key.md", "E010", "Did you mean `name` (a required field)? Rename the key to `name:`."),
    ("invalid", "criterion-other-field.md", "E016", "belongs to the field “"),
    ("invalid", "criterion-other-kind.md", "E016", "applies only to "),
    ("invalid", "year-2026.md", "E014", "(plan 2021-2025: 2021–2025)"),
    ("invalid", "achievements-bad-indent.md", "E005", "a list item is indented differently from the item above"),
    ("invalid", "photo-not-image.md", "E027", "(it is not an image file)"),
    ("invalid", "missing-consent.md", "E028", "publishes the name and personal details without"),
    ("invalid", "empty-file.md", "E003", "(the file is empty)"),
    ("hostile", "javascript-alias.md", "E022", "a javascript: link in the field `aliases`"),
    ("hostile", "form-phishing.md", "E022", "the tag <form>"),
    ("hostile", "deep-block.md", "E008", "(limit 8 levels, 5000 items)"),
    ("hostile", "consent-no-date.md", "E011", "`date` (the date the person gave consent) is missing (in `consent`)"),
]


@pytest.mark.parametrize("folder, name, code, phrase", ENGLISH_PHRASES)
def test_english_wording_of_the_arguments(folder, name, code, phrase, outputs):
    texts = [f"{item['message']} {item['fix']}" for item in outputs[(folder, "en")]
             if item["code"] == code and Path(item["file"]).name == name]
    assert texts, (name, code)
    assert any(phrase in text for text in texts), texts


def test_english_text_output_uses_english_words(tmp_path):
    (tmp_path / "a.md").write_text("---\nname: Nguyễn Văn A\nkind: ca-nhan\n---\n", encoding="utf-8")
    result = run_cli("check", "--content", str(tmp_path), "--lang", "en")
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "error[E011]" in output and "= fix:" in output and "lỗi[" not in output and "cách sửa" not in output
    assert "warning[" in format_text([Diagnostic(code="W002", file="a.md", args={"allowed": "x"})], "en")




def test_configuration_problems_in_english():
    problem = Diagnostic(code="C016", file="data/plans/2024-2028.yaml", args={
        "plan": "2024-2028", "start": 2024, "end": 2028, "other": "2021-2025", "other_start": 2021, "other_end": 2025,
        "other_file": "data/plans/2021-2025.yaml"})
    assert message(problem, "en")[0] == ("The period 2024–2028 of plan `2024-2028` overlaps the period 2021–2025 of plan "
                                         "`2021-2025` (data/plans/2021-2025.yaml).")
    assert "chồng lên" in message(problem, "vi")[0]
    owner = fragment("cfg.owner.nth", noun=fragment("cfg.noun.criterion"), n=3,
                     parent=fragment("cfg.owner.parent", owner=fragment("cfg.owner.plan", id="2021-2025")))
    nested = Diagnostic(code="C006", file="p.yaml", args={
        "subject": fragment("cfg.subject.of", subject=fragment("cfg.subject.key", key="text"), owner=owner),
        "key": "text", "expected": fragment("types.string"), "example": ""})
    assert message(nested, "en")[0] == "The key `text` of criterion no. 3 of plan `2021-2025` is missing."
