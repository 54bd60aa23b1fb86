"""Front matter written as the editors' form writes it: showcase.source.frontmatter_yaml compared byte for byte with
Decap's own serializer (npm `yaml` 1.10 and gray-matter, called exactly as decap-cms-core calls them, by
tests/decap/serialize.mjs), for every sample profile, for what `build.py new` writes and for generated values.
One Node process serves the whole session; each Hypothesis example sends it one batch of values."""

from __future__ import annotations

import atexit
import datetime
import json
import shutil
import subprocess

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showcase.commands.new import Answers, front_matter, render_profile
from showcase.common import yaml12
from showcase.source.frontmatter_yaml import decap_key_order, dump_front_matter, front_matter_file
from showcase.source.schema import PROFILE_FIELDS

ORDER = list(PROFILE_FIELDS)
SERIALIZER = ROOT / "tests" / "decap" / "serialize.mjs"
BATCH = 20  # values serialized by one Node process in each Hypothesis example
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]


def batches(examples: int) -> settings:
    """Hypothesis settings for tests whose every example is a batch serialized by one Node process."""
    return settings(max_examples=examples, deadline=None, suppress_health_check=_HEALTH)


class _Serializer:
    """One Node process (serialize.mjs --lines) answering every batch of the test session, one JSON line each."""

    process: subprocess.Popen | None = None

    @classmethod
    def run(cls, cases: list[dict]) -> list[str]:
        node = shutil.which("node")
        if node is None or not (ROOT / "node_modules" / "decap-cms-core" / "node_modules" / "yaml").is_dir() \
                or not (ROOT / "node_modules" / "gray-matter").is_dir():
            pytest.fail("Node.js (20 or later) and the npm packages are needed to compare with Decap's serializer: install Node, "
                        "then run `npm ci` in the repository (python3 dev.py test does both checks and installs the packages)",
                        pytrace=False)
        if cls.process is None or cls.process.poll() is not None:
            cls.process = subprocess.Popen([node, str(SERIALIZER), str(ROOT), "--lines"], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
            atexit.register(cls.close)
        cls.process.stdin.write(json.dumps(cases) + "\n")  # ASCII JSON: no line separator inside a line
        cls.process.stdin.flush()
        answer = cls.process.stdout.readline()
        if not answer:
            process, cls.process = cls.process, None
            pytest.fail(f"tests/decap/serialize.mjs stopped: {process.stderr.read()}", pytrace=False)
        return json.loads(answer)

    @classmethod
    def close(cls) -> None:
        if cls.process is not None and cls.process.poll() is None:
            cls.process.stdin.close()
            cls.process.wait(timeout=30)


def _decap(cases: list[dict]) -> list[str]:
    """Run Decap's serializer on `cases` ({data, order[, body]}), all in one request to the Node process."""
    return _Serializer.run(cases)


def decap_yaml(cases: list[tuple[dict, list[str]]]) -> list[str]:
    """What Decap's yaml.ts toFile returns for each (data, key order)."""
    return _decap([{"data": data, "order": order} for data, order in cases])


def decap_file(cases: list[tuple[dict, list[str], str]]) -> list[str]:
    """The whole file Decap writes for each (data, key order, body)."""
    return _decap([{"data": data, "order": order, "body": body} for data, order, body in cases])


def sample_profiles() -> list[tuple[str, str, str, dict]]:
    """(path, file text, front matter text, data) of every sample profile."""
    found = []
    for path in sorted((ROOT / "content" / "ho-so").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("---\n", 2)[1]
        found.append((path.relative_to(ROOT).as_posix(), text, front, yaml12.load(front)))
    return found


def test_every_sample_profile_is_in_the_layout_decap_writes():
    samples = sample_profiles()
    assert len(samples) >= 40
    expected = decap_yaml([(data, ORDER) for _, _, _, data in samples])
    files = decap_file([(data, ORDER, text.split("---\n", 2)[2]) for _, text, _, data in samples])
    for (name, text, front, data), decap, decap_whole in zip(samples, expected, files, strict=True):
        assert dump_front_matter(data, ORDER) == decap, name
        assert front == decap, name  # the file as it is: a save from the form changes nothing else
        assert text == decap_whole == front_matter_file(data, ORDER, text.split("---\n", 2)[2]), name


# --- generated values ------------------------------------------------------------------------------------------

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
PUNCTUATION = ":#-'\"[]{},&*!|>%@`?/.;–“”()~\\="
ASTRAL = "😀👍🏽𝐀𠀀"
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + "0123456789" + " " * 8 + PUNCTUATION + "\t" + ASTRAL
# Long texts of words, as profiles have (folded over several lines), with punctuation, tabs and emoji among them.
SENTENCE = "Chỉ đạo công khai tiến độ thẩm định của 100% đồ án quy hoạch trên Trang thông tin điện tử của Sở:"
WORDS = [*SENTENCE.split(" "), "Đội", "#2", "“Một", "cửa”", "–", "'x'", '"y"', "😀", "👍🏽", "\t", "", "a:", "-", "\\n", "x\\"]
SPECIAL = ["yes", "no", "on", "off", "Y", "123", "-5", "+7", "007", "0x1F", "0o17", "1e3", "-2.5E-3", ".5", "1.", ".inf", "-.Inf",
           ".NaN", ".nAn", "null", "Null", "NULL", "~", "", "true", "False", "TRUE", "2023-12-20", "2023-12-20T10:00:00Z",
           "12:30", "1_000", "Số 125/QĐ-SXD", "- a", "-", "?", "? x", "a: b", "a #b", "#x", "x:", " lề", "lề ", "  ", "---", "...",
           "%x", "--- x", "'a'", '"a"', "a'b\"c", "[x]", "{x}", "*a", "&a", "!tag", "|", ">", "@x", "`x`"]
CONTROL = ["\x00", "\x07", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\xa0", "\u2028", "\u2029", "\ufeff", "\r"]
ONE_LINE = st.one_of(
    st.text(alphabet=ALPHABET, max_size=260),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=70).map(" ".join),
    st.sampled_from(SPECIAL),
)
# Multi-line text (block scalars, literal or folded when a line passes 80 columns), and control characters.
MULTI_LINE = st.lists(st.one_of(ONE_LINE, st.sampled_from(["", " ", "  indented", "\tx"])), min_size=2, max_size=6).map("\n".join)
EDGES = st.tuples(st.sampled_from(["", " ", "\n", "\n\n", " \n"]), ONE_LINE, st.sampled_from(["", " ", "\n", "\n\n", "\n \n", "\t"]))
TEXT = st.one_of(
    ONE_LINE, ONE_LINE, ONE_LINE,
    MULTI_LINE,
    EDGES.map("".join),
    st.tuples(ONE_LINE, st.sampled_from(CONTROL), ONE_LINE).map("".join),
)
DATES = st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)).map(datetime.date.isoformat)
PROFILE = st.fixed_dictionaries({
    "name": TEXT, "kind": st.sampled_from(["ca-nhan", "tap-the"]), "year": st.integers(2021, 2025), "summary": TEXT,
    "criteria": st.lists(st.sampled_from(["chung-1", "a-1", "c-2"]), max_size=3),
    "achievements": st.lists(TEXT, max_size=4),
    "awards": st.lists(st.fixed_dictionaries({"title": TEXT, "decision": TEXT, "date": DATES, "issuer": TEXT}), max_size=2),
    "consent": st.fixed_dictionaries({"date": DATES, "document": TEXT, "scope": st.lists(TEXT, max_size=3)}),
    "draft": st.booleans(),
}, optional={"position": TEXT, "stage": st.just("binh-chon"), "nominated": st.one_of(TEXT, st.lists(TEXT, max_size=3)),
             "photo": TEXT, "photo_alt": TEXT, "withdrawn": st.booleans(), "slug": TEXT, "aliases": st.lists(TEXT, max_size=2)})


def _shuffled(draw, data: dict) -> dict:
    """The same fields in another order, as an entry read from a file may hold them."""
    return {key: data[key] for key in draw(st.permutations(list(data)))}


@st.composite
def profiles_in_any_order(draw) -> dict:
    return _shuffled(draw, draw(PROFILE))


KEY = st.one_of(st.sampled_from(ORDER), st.sampled_from(["title", "date", "0", "1", "12", "007", "-1", "4294967294", "4294967295"]),
                st.sampled_from(SPECIAL + ["a b", "x,y", "k\n", "Đơn vị", "😀"]), st.text(alphabet=ALPHABET, min_size=1, max_size=12))
SCALAR = st.one_of(TEXT, st.integers(-(2**53) + 1, 2**53 - 1), st.booleans(), st.none())
VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEY, inner, max_size=4), max_leaves=12)
# Any JSON-like object: keys outside the form among the form's fields, integer-like keys, nulls, nesting.
ANY_OBJECT = st.dictionaries(KEY, VALUE, max_size=8)


@batches(30)
@given(st.lists(profiles_in_any_order(), min_size=BATCH, max_size=BATCH))
def test_generated_profiles_are_written_as_decap_writes_them(profiles):
    expected = decap_yaml([(profile, ORDER) for profile in profiles])
    for profile, decap in zip(profiles, expected, strict=True):
        assert dump_front_matter(profile, ORDER) == decap, profile


@batches(30)
@given(st.lists(st.tuples(ANY_OBJECT, st.one_of(st.just(ORDER), st.lists(KEY, max_size=10))), min_size=BATCH, max_size=BATCH))
def test_generated_objects_and_key_orders_are_written_as_decap_writes_them(cases):
    """Also checks Decap's key order where its comparator calls a key outside the form equal to every other key."""
    expected = decap_yaml(cases)
    for (data, order), decap in zip(cases, expected, strict=True):
        assert dump_front_matter(data, order) == decap, (data, order)


# gray-matter's stringify parses a body that starts with `---` as front matter of its own before joining
# (it would drop or merge it): a quirk of Decap's, not modelled by front_matter_file, whose bodies never start so.
BODY = st.text(alphabet=ALPHABET + "\n", max_size=60).filter(lambda body: not body.startswith("---"))


@batches(10)
@given(st.lists(st.tuples(ANY_OBJECT, BODY), min_size=BATCH, max_size=BATCH))
def test_whole_files_are_written_as_decap_writes_them(cases):
    """`---`, the fields, `---`, the body, as gray-matter joins them (trimmed fields, body without a final newline kept so)."""
    expected = decap_file([(data, ORDER, body) for data, body in cases])
    for (data, body), decap in zip(cases, expected, strict=True):
        assert front_matter_file(data, ORDER, body) == decap, (data, body)


def test_key_order_follows_the_form_and_keeps_other_keys_where_v8_leaves_them():
    assert decap_key_order(["draft", "year", "name"], ORDER) == ["name", "year", "draft"]
    cases = [(["extra", "year", "name", "draft"], ORDER), (["year", "x", "name", "y", "kind"], ORDER),
             (["b", "a"], ["a", "b"]), (["b", "z", "a"], ["a", "b"]), ([], ORDER)]
    expected = decap_yaml([({key: 1 for key in keys}, order) for keys, order in cases])
    for (keys, order), decap in zip(cases, expected, strict=True):
        assert [line.split(":")[0] for line in decap.splitlines() if line] == decap_key_order(keys, order) or not keys


# --- what `build.py new` writes ------------------------------------------------------------------------------

NAMES = st.one_of(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join).filter(str.strip),
                  st.sampled_from(['Đội "Xung kích": #1', "Tổ Một cửa – Văn phòng Sở", "123", "yes", "Null"]))


@batches(5)
@given(st.lists(st.tuples(NAMES, st.booleans(), st.lists(ONE_LINE.filter(str.strip), max_size=3), st.one_of(st.none(), NAMES)),
                min_size=BATCH, max_size=BATCH))
def test_new_writes_the_file_decap_would_write(project, cases):
    answers = [Answers(name=name, kind="ca-nhan" if personal else "tap-the", unit="van-phong", field="cai-cach-hanh-chinh",
                       year=2023, criteria=["chung-1"], position=position, achievements=achievements,
                       consent_date=datetime.date(2023, 3, 2) if personal else None,
                       consent_document="Phiếu đồng ý số 7" if personal else None,
                       consent_scope=["ho-ten", "thanh-tich"] if personal else [])
               for name, personal, achievements, position in cases]
    rendered = [render_profile(item, project) for item in answers]
    bodies = [text.split("\n---\n", 1)[1] for text in rendered]
    expected = decap_file([(front_matter(item, project), ORDER, body) for item, body in zip(answers, bodies, strict=True)])
    for text, decap in zip(rendered, expected, strict=True):
        assert text == decap


def test_the_guides_corrected_examples_are_in_decaps_layout():
    """Each `right` fragment of the guide's front-matter examples is written as the form would write those fields
    (block lists, quoting, folding; in the fragment's own order, since it replaces fields of the sample profile)."""
    from showcase.commands.guide import examples

    fragments = []
    for code, entry in examples()["codes"].items():
        text = entry.get("right", "")
        if entry["where"] != "front" or any(line.lstrip().startswith("#") or "  # " in line for line in text.splitlines()):
            continue
        data = yaml12.load(text)
        fragments.append((code, text, data))
    assert len(fragments) >= 20
    expected = decap_yaml([(data, list(data)) for _, _, data in fragments])
    for (code, text, data), decap in zip(fragments, expected, strict=True):
        assert text == decap == dump_front_matter(data, list(data)), code
