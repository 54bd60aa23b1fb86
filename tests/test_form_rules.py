"""The form checks what `check` checks, in check's words: layouts/cms/*.js run in Node beside the Python
validator on the same profiles, and the same front matter must give the same codes and the same sentences."""

from __future__ import annotations

import datetime
import json

import pytest
import yaml
from conftest import FIXTURES
from form_scripts import call
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showcase.common import yaml12
from showcase.common.diagnostics import Diagnostic, catalog, message
from showcase.site.form_rules import FORM_CODES, form_rules
from showcase.source import skeleton, validate
from showcase.source.frontmatter_yaml import front_matter_file
from showcase.source.reader import read_profile
from showcase.source.schema import PROFILE_FIELDS, allowed_ids
from showcase.source.validate import validate_profile


def fixture_diagnostics(project):
    found = []
    for kind in ("invalid", "hostile", "valid"):
        for path in sorted((FIXTURES / kind).glob("*.md")):
            parsed = read_profile(path.name, path.read_bytes())
            _profile, diagnostics = validate_profile(parsed, project, path.parent, path.name)
            found += diagnostics
    return found


def test_every_diagnostic_of_the_fixtures_is_worded_alike_by_the_form(project):
    diagnostics = fixture_diagnostics(project)
    assert len({item.code for item in diagnostics}) > 30
    words = catalog("vi")
    for item in diagnostics:
        if "99999999999999999999999" in json.dumps(item.args):
            continue  # a year no JavaScript number holds: the form's number field cannot hold it either
        args = json.loads(json.dumps(item.args, default=str))
        expected = message(Diagnostic(code=item.code, file=item.file, args=args), "vi")
        assert call("messages", "message", words, item.code, args) == {"message": expected[0], "fix": expected[1]}, item


def test_braces_and_placeholders_in_values_stay_text():
    args = {"problem": "{key} } { {0} {{x}} {problem}"}
    expected = message(Diagnostic(code="E005", file="a.md", args=args), "vi")[0]
    assert expected.endswith("{key} } { {0} {{x}} {problem}.")
    assert call("messages", "message", catalog("vi"), "E005", args)["message"] == expected


# --- the same profiles through both validators -----------------------------------------------------------

CONSENT_DEADLINE = "2026-12-08"  # the day both are told is "today" for E044


def form_rules_data(project) -> dict:
    return json.loads(json.dumps(form_rules(project)))


def python_diagnostics(project, data: dict, folder, monkeypatch=None) -> list[tuple]:
    """What check says of the file the form writes for `data` (Decap's layout: frontmatter_yaml)."""
    body = data.get("body", "")
    front = {key: value for key, value in data.items() if key != "body"}
    if not front:
        return None  # nothing to write: Decap writes no front matter at all
    text = front_matter_file(front, list(PROFILE_FIELDS), body)
    parsed = read_profile("ho-so.md", text.encode("utf-8"))
    assert not [item for item in parsed.diagnostics], (text, parsed.diagnostics)  # the form's file always reads
    _profile, diagnostics = validate_profile(parsed, project, folder, "ho-so.md")
    if {item.code for item in diagnostics} & PHOTO_ON_DISK:
        return None  # the photo is missing or broken on disk: what follows from that only check can know
    return sorted((item.code, *message(item, "vi")) for item in diagnostics if item.code in FORM_CODES)


PHOTO_ON_DISK = {"E020", "E027"}


def form_diagnostics(rules: dict, data: dict) -> list[tuple]:
    found = call("rules", "describe", rules, catalog("vi"), data, CONSENT_DEADLINE)
    return sorted((item["code"], item["message"], item["fix"]) for item in found)


@pytest.fixture(scope="module")
def rules_data(project):
    return form_rules_data(project)


@pytest.fixture(autouse=True)
def consent_deadline(monkeypatch):
    monkeypatch.setattr(validate, "consent_deadline", lambda: datetime.date.fromisoformat(CONSENT_DEADLINE))


def fixture_profiles() -> list:
    """(name, folder, data as the form holds it) of every fixture whose front matter Decap can open."""
    found = []
    for kind in ("invalid", "hostile", "valid"):
        for path in sorted((FIXTURES / kind).glob("*.md")):
            parsed = read_profile(path.name, path.read_bytes())
            if parsed.front is None or parsed.diagnostics:
                continue  # a file the form cannot open (not UTF-8, broken YAML…): only check sees it
            text = "\n".join(parsed.lines)
            try:
                data = yaml12.load(text.split("---\n", 2)[1])
            except yaml.YAMLError:
                continue  # a tag Decap's reader ignores (`!!python/…`): the form would hold something else

            if not isinstance(data, dict) or _has_float(data):
                continue
            found.append((f"{kind}/{path.name}", path.parent, {**data, "body": parsed.body}))
    return found


def _has_float(value) -> bool:
    """A float, or an integer beyond JavaScript's exact ones: Decap's data holds neither as written."""
    if isinstance(value, float) or isinstance(value, int) and abs(value) > 2**53 - 1:
        return True
    if isinstance(value, dict):
        return any(_has_float(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_float(item) for item in value)
    return False


def test_the_form_and_check_give_the_same_diagnostics_for_every_fixture(project, rules_data):
    profiles = fixture_profiles()
    assert len(profiles) > 150
    compared = set()
    for name, folder, data in profiles:
        expected = python_diagnostics(project, data, folder)
        if expected is None:
            continue
        assert form_diagnostics(rules_data, data) == expected, name
        compared |= {item[0] for item in expected}
    assert len(compared) > 15, compared


# Generated profiles: the sample above changed in the ways editors and pasted text change profiles.
TEXTS = st.lists(st.sampled_from(list("aăâbcdđeêoôơuưy ÁÀẢÃẠ áàảãạđĐ0123456789.,:;-—\"'()") +
                                 ["\u200b", "\u00a0", "\ufeff", "\u202e", "\t", "<b>", "<script>", "&#106;",
                                  "javascript:", "&amp;", "  ", "👷\u200d♀️", "ſ"]), max_size=12).map("".join)
SNIPPETS = st.sampled_from([
    "Một đoạn viết thật về điển hình.", "(Việc đã làm, cách làm mới, sáng kiến; nêu số liệu cụ thể.)", "<script>x()</script>",
    "[liên kết](javascript:alert(1))", "[a](&#106;avascript:alert(1))", "<img src=x onerror=alert(1)>", "<div>khối</div>",
    "```\n<script>\n```", "`<b>mã</b>`", "<https://sxd.quangtri.gov.vn>", "<a href=\"java\nscript:x\">a</a>", "## Mục",
    "[x]: javascript:alert(1)", "<span style=\"color:red\">đỏ</span>", "<iframe src=x>", "Giá trị &amp; &lt;b&gt;",
    "java&Tab;script:", "<a href='data:text/html,x'>d</a>", "<center>", "<mark>nổi bật</mark>",
])
DATES = st.sampled_from(["2022-11-01", "2023-02-30", "31/12/2023", "1/2/2023", "2030-01-01", "2026-12-09", "hôm qua", "2023-1-5"])


def _ids(project, source):
    return sorted(allowed_ids(project, source)) if source != "criteria" else sorted(
        {item for plan in project.plans for item in plan.criteria})


@st.composite
def profiles(draw, project):
    data = yaml12.load((FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8").split("---\n")[1])
    data["body"] = draw(st.lists(SNIPPETS, max_size=4).map("\n\n".join))
    maybe = st.booleans()

    def choose(key, strategy):
        if draw(maybe):
            data[key] = draw(strategy)

    ids = {source: _ids(project, source) for source in ("kinds", "units", "fields", "stages", "milestones", "criteria")}
    wrong = st.sampled_from([True, 2023, "", None, ["a", "b"], {"x": "y"}])
    choose("year", st.one_of(st.integers(2019, 2027), st.sampled_from(["2023", True])))
    choose("kind", st.one_of(st.sampled_from(ids["kinds"]), st.sampled_from(["Cá nhân", "TAP_THE", "nhóm"]), wrong))
    choose("unit", st.one_of(st.sampled_from(ids["units"]), st.sampled_from(["van phong", "Phòng Quản lý xây dựng", "x"])))
    choose("field", st.one_of(st.sampled_from(ids["fields"]), st.sampled_from(["a", "b)", "cai cach hanh chinh"])))
    choose("criteria", st.one_of(st.lists(st.sampled_from(ids["criteria"] + ["chung-9", "Chung 1"]), max_size=4),
                                 st.just("chung-1, a-2"), wrong))
    choose("stage", st.one_of(st.sampled_from(ids["stages"]), st.just("binh chon")))
    choose("nominated", st.one_of(st.sampled_from(ids["milestones"]), st.lists(st.sampled_from(ids["milestones"] + ["so-ket"]),
                                                                            max_size=3)))
    for key in ("name", "position", "summary", "photo_alt"):
        choose(key, st.one_of(TEXTS, st.just(skeleton.FIELD_TEXTS.get(key, "x")), wrong))
    choose("achievements", st.one_of(st.lists(st.one_of(TEXTS, st.just(skeleton.ACHIEVEMENT), st.just("Hai lần")), max_size=4),
                                     wrong))
    choose("awards", st.lists(st.fixed_dictionaries({"title": TEXTS}, optional={
        "decision": TEXTS, "date": DATES, "issuer": TEXTS, "ngay": DATES}), max_size=2))
    choose("photo", st.sampled_from(["anh.png", "/etc/anh.png", "../anh.png", "C:anh.png"]))
    choose("aliases", st.lists(st.sampled_from(["/guong-nguoi-tot-viec-tot/ho-so/ten-cu/", "https://x.vn/a", "/a b/",
                                                "/a/../b/", "/đường-cũ/", "", "javascript:x"]), max_size=2))
    choose("slug", st.sampled_from(["tran-thi-b", "Trần Thị B", "-x-", "a--b", "đúng"]))
    choose("draft", st.sampled_from([True, False, "yes"]))
    if draw(maybe):
        data[draw(st.sampled_from(["ten", "don vi", "Năm", "xyz", "photoalt"]))] = "x"
    if draw(maybe):
        consent = data["consent"]
        for part in ("date", "document", "scope"):
            if draw(maybe):
                del consent[part]
        if "date" in consent:
            consent["date"] = draw(DATES)
        if "scope" in consent and draw(maybe):
            consent["scope"] = draw(st.lists(st.sampled_from(["ho-ten", "chuc-vu", "anh", "thanh-tich", "cau-chuyen", "hinh-anh"]),
                                             max_size=5))
        if draw(maybe):
            del data["consent"]
    for key in [key for key in data if key != "body" and draw(st.integers(0, 9)) == 0]:
        del data[key]
    return data


def test_the_form_and_check_give_the_same_diagnostics_for_generated_profiles(project, rules_data):
    met: set[str] = set()

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None, derandomize=True)
    @given(data=st.data())
    def compare(data):
        profile = data.draw(profiles(project))
        expected = python_diagnostics(project, profile, FIXTURES / "invalid")
        if expected is not None:
            assert form_diagnostics(rules_data, profile) == expected, profile
            met.update(code for code, *_ in expected)

    compare()
    assert len(met) >= 20, met  # not vacuous: most codes of the form were compared (each one below)


def _sample(**changes) -> dict:
    data = yaml12.load((FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8").split("---\n")[1])
    data["body"] = "Một đoạn viết thật về điển hình.\n"
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


# One profile per code of the form, each with that one mistake.
ONE_MISTAKE = {
    "E010": _sample(ten="Trần Thị B"), "E011": _sample(unit=None), "E012": _sample(name=True),
    "E013": _sample(summary="   "), "E014": _sample(year=2031), "E015": _sample(unit="van phong"),
    "E016": _sample(criteria=["chung-1", "c-1"]), "E017": _sample(unit="bao-tri-duong-bo"),
    "E018": _sample(year=2024, nominated="so-ket-2023"), "E021": _sample(photo="../anh.png", photo_alt="Ảnh"),
    "E022": _sample(body="<script>x()</script>\n"), "E023": _sample(position="Kỹ\u200bsư"),
    "E024": _sample(awards=[{"title": "Lao động tiên tiến", "date": "2023-02-30"}]), "E025": _sample(slug="Trần Thị B"),
    "E026": _sample(photo="anh.png"), "E028": _sample(consent=None),
    "E042": _sample(aliases=["https://x.vn/a"]), "E043": _sample(consent={"date": "2022-11-01", "document": "Phiếu 03",
                                                                         "scope": ["ho-ten", "thanh-tich", "cau-chuyen"]}),
    "E044": _sample(consent={"date": "2030-01-01", "document": "Phiếu 03", "scope": ["ho-ten", "chuc-vu", "thanh-tich",
                                                                                      "cau-chuyen"]}),
    "E045": _sample(achievements=["Hai lần", "Hai  lần"]), "E046": _sample(summary=skeleton.SUMMARY),
    "W001": _sample(criteria=None), "W002": _sample(stage=None), "W003": _sample(body="<center>giữa</center>\n"),
    "W005": _sample(summary=skeleton.SUMMARY, draft=True),
}


@pytest.mark.parametrize("code", FORM_CODES)
def test_each_code_of_the_form_is_given_alike_by_both(project, rules_data, code):
    profile = ONE_MISTAKE[code]
    expected = python_diagnostics(project, profile, FIXTURES / "invalid")
    assert code in {item[0] for item in expected}, expected
    assert form_diagnostics(rules_data, profile) == expected
