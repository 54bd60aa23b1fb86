"""Front matter written as the editors' form writes it: compared with Decap's own serializer (npm `yaml`
1.10, called exactly as decap-cms-core calls it), for the sample profiles, for what `build.py new` writes
and for many generated values."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess

import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showcase.frontmatter_yaml import dump_front_matter
from showcase.schema import PROFILE_FIELDS

ORDER = list(PROFILE_FIELDS)
SERIALIZER = ROOT / "tests" / "decap" / "serialize.mjs"


def decap_yaml(cases: list[tuple[dict, list[str]]]) -> list[str]:
    """What Decap writes for each (data, key order), from one Node process."""
    if shutil.which("node") is None or not (ROOT / "node_modules" / "decap-cms-core").is_dir():
        pytest.fail("Node.js and the npm packages are needed: python3 dev.py test installs them", pytrace=False)
    payload = json.dumps([{"data": data, "order": order} for data, order in cases], ensure_ascii=False)
    done = subprocess.run(["node", str(SERIALIZER), str(ROOT)], input=payload, capture_output=True, text=True, timeout=60,
                          encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def as_decap_data(value):
    """A front matter as Decap holds it once read: YAML 1.2 core schema, so dates are text."""
    if isinstance(value, dict):
        return {key: as_decap_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_decap_data(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def sample_front_matters() -> list[tuple[str, str, dict]]:
    found = []
    for path in sorted((ROOT / "content" / "ho-so").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("---\n", 2)[1]
        found.append((path.relative_to(ROOT).as_posix(), front, as_decap_data(yaml.safe_load(front))))
    return found


def test_every_sample_profile_is_in_the_layout_decap_writes():
    samples = sample_front_matters()
    assert len(samples) >= 40
    expected = decap_yaml([(data, ORDER) for _, _, data in samples])
    for (name, front, data), decap in zip(samples, expected, strict=True):
        assert dump_front_matter(data, ORDER) == decap, name
        assert front == decap, name  # the file as it is: a save from the form changes nothing else


VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + "0123456789      :#-'\"[]{},&*!|>%@`?/.;–“”()\t😀"
# Long texts of words, as profiles have (folded over several lines), with punctuation and tabs among them.
SENTENCE = "Chỉ đạo công khai tiến độ thẩm định của 100% đồ án quy hoạch trên Trang thông tin điện tử của Sở:"
WORDS = [*SENTENCE.split(" "), "Đội", "#2", "“Một", "cửa”", "–", "'x'", '"y"', "😀", "\t", ""]
TEXT = st.one_of(
    st.text(alphabet=ALPHABET, max_size=260),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=70).map(" ".join),
    st.sampled_from(["yes", "no", "on", "123", "-5", "0x1F", "0o17", "1e3", ".5", "1.", ".inf", "-.Inf", ".NaN", "null", "~",
                     "true", "False", "2023-12-20", "Số 125/QĐ-SXD", "- a", "? x", "a: b", "a #b", "#x", "x:", " lề", "lề ",
                     "---", "...", "%x", "'a'", '"a"', "a'b\"c", ""]),
)
PROFILE = st.fixed_dictionaries({
    "name": TEXT, "kind": st.sampled_from(["ca-nhan", "tap-the"]), "year": st.integers(2021, 2025), "summary": TEXT,
    "criteria": st.lists(st.sampled_from(["chung-1", "a-1", "c-2"]), max_size=3),
    "achievements": st.lists(TEXT, max_size=4),
    "awards": st.lists(st.fixed_dictionaries({"title": TEXT, "decision": TEXT, "date": st.sampled_from(["2023-12-20", "2024-01-05"]),
                                              "issuer": TEXT}), max_size=2),
    "consent": st.fixed_dictionaries({"date": st.just("2023-11-02"), "document": TEXT, "scope": st.lists(TEXT, max_size=3)}),
    "draft": st.booleans(),
}, optional={"position": TEXT, "stage": st.just("binh-chon"), "photo_alt": TEXT})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(PROFILE, min_size=20, max_size=20))
def test_generated_values_are_written_as_decap_writes_them(profiles):
    expected = decap_yaml([(profile, ORDER) for profile in profiles])
    for profile, decap in zip(profiles, expected, strict=True):
        assert dump_front_matter(profile, ORDER) == decap, profile
