"""The office's data files, declared once: what each key of data/site.yaml, data/units.yaml,
data/personal-data.yaml and data/plans/*.yaml may hold.

Three readers walk these declarations, so they cannot drift apart:
- the loader (common/config.py), through `check_file` below, on the file's YAML tree with positions;
- the web form (site/cms_data.py), which makes one Decap field per key (`label`, `help`, `choices`,
  `required`, `default`) and leaves out the keys marked `form=False`;
- the form's own checks before a save (layouts/cms/data-rules.js), which read `export()` (written to the
  form's folder as data-schema.json) and apply the same rules to the form's data, worded from the same
  catalog (tests/test_data_forms.py runs both on the same files and compares the sentences).

A rule is a property of a `Field`, never code beside it: a key added here is read, checked and shown in
the form with no second edit. Diagnostics are C0xx codes whose words are in showcase/messages/*.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields

from showcase.common.diagnostics import fragment, join
from showcase.common.yaml_tree import Entry, Located

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# An absolute http(s) address with a host and nothing but visible characters (data/site.yaml's base_url and
# `--base-url`); the form's script uses the same pattern (export()["patterns"]).
BASE_URL = re.compile(r"^https?://[^/?#\s@]+([/?#]\S*)?$")
FRAME_KEYWORDS = ("'self'", "'none'")
FRAME_ORIGIN = re.compile(r"^https://[a-z0-9.-]+(:\d+)?$")


@dataclass(frozen=True)
class Field:
    """One key of a data file (or one item of a list, or one value of a map)."""

    type: str  # text | integer | boolean | list | object | map (free keys, each value `values`)
    label: str = ""  # the form's label
    help: str = ""  # the form's hint (and the guide's explanation)
    required: bool = False
    default: object = None  # what the loader uses when the key is absent (and the form's default)
    example: str = ""  # shown in a fix: `key: example`
    fields: dict[str, Field] = field(default_factory=dict)  # object: its keys, in the files' order
    items: Field | None = None  # list: each item
    values: Field | None = None  # map: each value
    form: bool = True  # False: a technical setting, kept as written, not in the form (the guide says why)
    multiline: bool = False  # the form gives a text area
    slug: bool = False  # text in the slug form (an id that profiles or addresses use)
    noun: str = ""  # list of objects: what an item is (cfg.noun.<noun>); its `id` is unique in the file among this noun
    choices: tuple[tuple[str, str], ...] = ()  # text: the allowed values, with their labels in the form
    minimum: int | None = None
    maximum: int | None = None
    ref: str = ""  # text: an id of a `noun` of this file ("kind"), or of any plan ("plans:kind")
    within: str = ""  # integer: a year inside the plan's period ("period")
    order: tuple[str, str] = ()  # object: the second key (a year) is not before the first
    nonempty: bool = False  # list: at least one item
    unique: bool = False  # list of texts: no item twice
    check: str = ""  # text or list: a named rule of this module (CHECKS: base_url, frame_sources)


@dataclass(frozen=True)
class DataFile:
    """A data file's declaration: its root object, and what names its top-level owner in a message."""

    name: str  # site | units | personal_data | plan
    root: Field
    owner: str = ""  # noun of the file itself (plan: a plan file is named by its `id`)
    disjoint: str = ""  # an object key of the file whose years no two files of this kind may share (plans)


def _text(label: str, help: str = "", **options) -> Field:
    return Field("text", label, help, **options)


def _year(label: str, help: str = "", **options) -> Field:
    return Field("integer", label, help, example=options.pop("example", "2025"), minimum=options.pop("minimum", 1900),
                 maximum=options.pop("maximum", 2200), **options)


def _id(label: str, help: str, example: str) -> Field:
    return Field("text", label, help, required=True, slug=True, example=example)


def _list(label: str, help: str, items: Field, **options) -> Field:
    return Field("list", label, help, items=items, **options)


def _object(label: str, help: str, fields: dict[str, Field], **options) -> Field:
    return Field("object", label, help, fields=fields, **options)


ID_HELP = "Mã cố định (chữ thường không dấu, nối bằng gạch ngang) mà hồ sơ dùng; hồ sơ đã dùng thì không đổi mã, chỉ sửa phần chữ."

# --- data/units.yaml ---------------------------------------------------------------------

UNIT = _object("Đơn vị", "", {
    "id": _id("Mã đơn vị", ID_HELP + " Hồ sơ ghi mã này ở trường “Phòng, đơn vị”.", "quan-ly-van-tai"),
    "name": _text("Tên đơn vị", "Tên hiển thị, đúng với thời kỳ đơn vị hoạt động.", required=True,
                  example="Phòng Quản lý vận tải"),
    "type": _text("Loại", "Phòng chuyên môn hoặc đơn vị trực thuộc.", default="phong",
                  choices=(("phong", "Phòng chuyên môn"), ("don-vi", "Đơn vị trực thuộc"))),
    "from": _year("Hoạt động từ năm", "Năm đầu tiên đơn vị hoạt động; bỏ trống nếu có từ trước mọi kế hoạch."),
    "until": _year("Hoạt động đến năm", "Năm cuối cùng đơn vị hoạt động (khi đơn vị giải thể, sáp nhập, đổi tên); "
                   "bỏ trống khi còn hoạt động. Không xóa đơn vị mà hồ sơ đang dùng: ghi năm này."),
}, order=("from", "until"))

UNITS = DataFile("units", _object("Đơn vị", "", {
    "units": _list("Phòng, đơn vị", "Theo thứ tự hiển thị trên trang. Hồ sơ của năm mà đơn vị chưa hoặc không còn "
                   "hoạt động bị báo lỗi.", UNIT, required=True, noun="unit", nonempty=True),
}))

# --- data/site.yaml ----------------------------------------------------------------------

YEARBOOK_KEYS = (("field", "Lĩnh vực (theo thứ tự của kế hoạch)"), ("kind", "Loại (cá nhân, tập thể)"),
                 ("unit", "Đơn vị"), ("year", "Năm"), ("name", "Tên (tên, tên đệm, họ)"))
PATH_KEYS = ("profile", "field", "unit", "year", "kind", "all", "page", "statistics", "milestone", "yearbook", "gone",
             "search", "cms", "atom", "json_feed", "sitemap")

SITE = DataFile("site", _object("Thông tin trang", "", {
    "department": _text("Tên cơ quan", "Tên cơ quan hiện trên mọi trang, ví dụ Sở Xây dựng.", required=True,
                        example="Sở Xây dựng"),
    "province": _text("Tỉnh", "Tên tỉnh, hiện sau tên cơ quan.", required=True, example="Quảng Trị"),
    "base_url": _text("Địa chỉ trang thông tin điện tử", "Địa chỉ gốc của trang của Sở, bắt đầu bằng https:// (có thể có "
                      "thư mục con, ví dụ https://ten-mien/sxd/).", required=True, check="base_url",
                      example="https://sxd.quangtri.gov.vn/"),
    "section_path": _text("Đường dẫn của chuyên mục", "", default="/", form=False),
    "title": _text("Tên chuyên mục", "Tên của chuyên mục trên trang và trong kết quả tìm kiếm.", required=True,
                   example="Gương người tốt, việc tốt"),
    "description": _text("Giới thiệu chuyên mục", "Một hai câu giới thiệu, dùng cho máy tìm kiếm và khi chia sẻ.",
                         default="", multiline=True),
    "language": _text("Ngôn ngữ", "", default="vi", form=False),
    "per_page": Field("integer", "Số hồ sơ mỗi trang danh sách", "", default=12, minimum=1, example="12"),
    "latest_count": Field("integer", "Số hồ sơ mới nhất trên trang chủ", "", default=6, minimum=0, example="6"),
    "feed_count": Field("integer", "Số hồ sơ trong bản tin", "Bản tin RSS/Atom và JSON Feed (feed.xml, feed.json).",
                        default=50, minimum=1, example="50"),
    "featured": _object("Điển hình nổi bật trên trang chủ", "Hồ sơ đã đến một trong các bước đã chọn, hoặc đã được đề cử "
                        "lên một mốc sơ kết, tổng kết.", {
                            "stages": _list("Các bước của quy trình", "", _text("Bước", ref="plans:stage"), unique=True),
                            "nominated": Field("boolean", "Cả hồ sơ đã được đề cử", "", default=False),
                            "count": Field("integer", "Số hồ sơ nổi bật tối đa", "", default=3, minimum=0, example="3"),
                        }),
    "paths": _object("Tên đường dẫn các trang", "", {key: _text(key) for key in PATH_KEYS}, form=False),
    "statistics": _text("Trang thống kê, sơ kết, tổng kết", "Công khai: có trên thanh điều hướng và máy tìm kiếm. Không "
                        "liệt kê: vẫn tạo trang (ai có đường dẫn thì xem được) nhưng không đưa vào điều hướng, không cho "
                        "máy tìm kiếm lập chỉ mục.", default="public",
                        choices=(("public", "Công khai"), ("unlisted", "Không liệt kê"))),
    "yearbook_order": _list("Thứ tự trong kỷ yếu và danh sách sơ kết", "Lần lượt theo các khóa đã chọn.",
                            _text("Khóa", choices=YEARBOOK_KEYS), unique=True),
    "frame_ancestors": _list("Trang được nhúng chuyên mục (iframe)", "'self' hoặc địa chỉ https:// của trang thông tin "
                             "điện tử của Sở (Content-Security-Policy frame-ancestors).", _text("Địa chỉ"),
                             default=["'self'"], nonempty=True, check="frame_sources"),
    "search_shard_min": Field("integer", "", "", default=1000, minimum=1, form=False),
    "cms": _object("Biểu mẫu biên tập trên trình duyệt", "Kho GitHub chứa trang và nhánh xuất bản (xem README, mục "
                   "“Biên tập trên trình duyệt”).", {
                       "repo": _text("Kho GitHub", "chủ/tên kho, ví dụ so-xay-dung/guong-nguoi-tot-viec-tot", default=""),
                       "branch": _text("Nhánh xuất bản", "", default="main"),
                       "local_port": Field("integer", "", "", default=8081, minimum=1, maximum=65535, form=False),
                       "auth_base_url": _text("", "", default="https://api.netlify.com", form=False),
                       "site_domain": _text("", "", default="", form=False),
                   }),
    "utc_offset": _text("", "", default="+07:00", form=False),
}))

# --- data/personal-data.yaml -------------------------------------------------------------

PERSONAL_DATA = DataFile("personal_data", _object("Dữ liệu cá nhân", "", {
    "requires_consent": _list("Loại điển hình cần đồng ý công bố", "Hồ sơ của các loại này phải có bản ghi đồng ý (ngày, "
                              "số văn bản, phạm vi).", _text("Loại", ref="plans:kind"), default=[], unique=True),
    "scopes": _list("Phạm vi đồng ý", "Những thông tin mà người được nêu gương có thể đồng ý cho công bố.", _object(
        "Phạm vi", "", {
            "id": _id("Mã phạm vi", ID_HELP, "ho-ten"),
            "label": _text("Tên phạm vi", "", required=True, example="Họ và tên"),
        }), default=[], noun="scope"),
    "field_scopes": Field("map", "", "", values=_text("", ref="scope"), default={}, form=False),
}))

# --- data/plans/*.yaml -------------------------------------------------------------------


def _criteria(help: str) -> Field:
    return _list("Tiêu chí", help, _object("Tiêu chí", "", {
        "id": _id("Mã tiêu chí", ID_HELP, "a-1"),
        "text": _text("Nội dung", "", required=True, multiline=True, example="Có nhiều thành tích trong công tác"),
        "kinds": _list("Áp dụng cho", "Các loại điển hình (mã trong “Đối tượng”) mà tiêu chí áp dụng.",
                       _text("Loại", ref="kind"), required=True, nonempty=True, unique=True),
    }), noun="criterion")


PLAN = DataFile("plan", _object("Kế hoạch", "", {
    "id": _id("Mã kế hoạch", "Thường là giai đoạn, ví dụ 2026-2030; là tên tệp của kế hoạch mới.", "2026-2030"),
    "title": _text("Tên kế hoạch", "", example="Kế hoạch … giai đoạn 2026 - 2030"),
    "issuer": _text("Cơ quan ban hành", "", default=""),
    "period": _object("Giai đoạn", "Mỗi năm chỉ thuộc một kế hoạch: giai đoạn của hai kế hoạch không chồng lên nhau.", {
        "start": _year("Từ năm", required=True, example="2026"),
        "end": _year("Đến năm", required=True, example="2030"),
    }, required=True, order=("start", "end")),
    "basis": _list("Căn cứ", "Mỗi văn bản căn cứ một mục.", _text("Văn bản", multiline=True), default=[]),
    "purpose": _text("Mục đích", "Hiện trên trang chủ chuyên mục.", default="", multiline=True),
    "audience": _text("Đối tượng được xét", "", default="", multiline=True),
    "kinds": _list("Đối tượng (loại điển hình)", "", _object("Loại", "", {
        "id": _id("Mã loại", ID_HELP, "ca-nhan"),
        "label": _text("Tên loại", "", required=True, example="Cá nhân"),
        "plural": _text("Tên số nhiều", "", example="Các cá nhân"),
        "name_order": _text("Sắp xếp tên", "", default="as-written", choices=(
            ("given-name-first", "Theo tên, rồi tên đệm, họ (người)"), ("as-written", "Theo tên viết đầy đủ (tập thể)"))),
    }), required=True, noun="kind", nonempty=True),
    "general_criteria": _object("Tiêu chí chung", "Áp dụng cho mọi lĩnh vực.", {
        "source": _text("Mục của kế hoạch", "", default=""),
        "priority": _text("Ưu tiên", "", default="", multiline=True),
        "criteria": _criteria(""),
    }, required=True),
    "fields": _list("Lĩnh vực", "", _object("Lĩnh vực", "", {
        "id": _id("Mã lĩnh vực", ID_HELP, "cai-cach-hanh-chinh"),
        "letter": _text("Chữ cái trong kế hoạch", "a, b, c…", default=""),
        "source": _text("Mục của kế hoạch", "", default=""),
        "label": _text("Tên ngắn", "", required=True, example="Cải cách hành chính"),
        "title": _text("Tên đầy đủ", ""),
        "criteria": _criteria("Tiêu chí riêng của lĩnh vực."),
    }), required=True, noun="field", nonempty=True),
    "stages": _list("Quy trình", "Các bước, theo thứ tự.", _object("Bước", "", {
        "id": _id("Mã bước", ID_HELP, "binh-chon"),
        "label": _text("Tên bước", "", required=True, example="Bình chọn"),
    }), required=True, noun="stage", nonempty=True),
    "quota": _object("Chỉ tiêu", "", {
        "source": _text("Mục của kế hoạch", "", default=""),
        "per_unit_per_year": Field("integer", "Số điển hình tối thiểu mỗi đơn vị mỗi năm", "", required=True, minimum=0,
                                   example="1"),
        "text": _text("Chỉ tiêu (lời văn)", "", default=""),
    }, required=True),
    "milestones": _list("Mốc sơ kết, tổng kết", "", _object("Mốc", "", {
        "id": _id("Mã mốc", ID_HELP, "so-ket-2028"),
        "source": _text("Mục của kế hoạch", "", default=""),
        "label": _text("Tên mốc", "", required=True, example="Sơ kết giữa kỳ (Quý II/2028)"),
        "year": _year("Năm tổ chức", "", required=True, within="period", example="2028"),
        "quarter": Field("integer", "Quý", "", required=True, minimum=1, maximum=4, example="2"),
        "covers": _object("Xét các năm", "Các năm của hồ sơ được đề cử lên mốc này, trong giai đoạn của kế hoạch.", {
            "start": _year("Từ năm", required=True, within="period", example="2026"),
            "end": _year("Đến năm", required=True, within="period", example="2028"),
        }, required=True, order=("start", "end")),
        "nominate_to": _text("Nơi nhận đề cử", "", default="", multiline=True),
        "event": _text("Sự kiện", "", default=""),
    }), default=[], noun="milestone"),
}), owner="plan", disjoint="period")

FILES = {"site": SITE, "units": UNITS, "personal_data": PERSONAL_DATA, "plan": PLAN}


# --- named checks: one implementation here, one in data-rules.js ----------------------------


def frame_source_problems(sources: list) -> list[tuple[int, dict]]:
    """(index, problem) of each frame-ancestors source that is neither a keyword nor an https origin, and of a
    'none' that is not alone."""
    found = []
    texts = [item for item in sources if isinstance(item, str)]
    for index, item in enumerate(sources):
        if isinstance(item, str) and item.strip() not in FRAME_KEYWORDS and not FRAME_ORIGIN.fullmatch(item.strip()):
            found.append((index, fragment("cfg.url.frame")))
        elif isinstance(item, str) and item.strip() == "'none'" and len(texts) > 1:
            found.append((index, fragment("cfg.url.frame_none")))
    return found


# --- the check of one file ---------------------------------------------------------------


def shown(value: object) -> str | dict:
    """A value as a message shows it: as YAML writes it, the same in Python and in the form's script."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, list):
        return fragment("found.list")
    if isinstance(value, dict):
        return fragment("types.object")
    return str(value)


def type_name(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "float", str: "string", list: "list", dict: "object", type(None): "null"}.get(type(value), "other")


EXPECTED = {"text": "string", "integer": "integer", "boolean": "boolean", "list": "list", "object": "object",
            "map": "object"}


def distance(first: str, second: str) -> int:
    """Edit distance with transpositions (optimal string alignment): `form` is one slip from `from`. The form's
    script computes the same for its "did you mean"."""
    rows = [[i + j if i * j == 0 else 0 for j in range(len(second) + 1)] for i in range(len(first) + 1)]
    for i in range(1, len(first) + 1):
        for j in range(1, len(second) + 1):
            cost = first[i - 1] != second[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def closest(word: str, options: list[str]) -> str:
    """The option nearest to `word`, when it is near enough to be what was meant ('' otherwise)."""
    best, best_distance = "", None
    for option in options:
        gap = distance(word.lower(), option.lower())
        if gap <= max(1, len(option) // 3) and (best_distance is None or gap < best_distance):
            best, best_distance = option, gap
    return best


class Owner:
    """What a message names as the owner of a key: a unit, a criterion, a milestone… or the file."""

    def __init__(self, words: dict | None, nth: dict | None = None):
        self.words = words  # fragment naming it, None for a file with no name of its own
        self.nth = nth or words  # fragment naming it by its place (for "the same id as …")

    def subject(self, path: list) -> dict:
        """The subject of a message: `key` of this owner, or the n-th item of a list key, or the owner itself."""
        if not path:
            return fragment("cfg.subject.whole", owner=self.words) if self.words else fragment("cfg.subject.file")
        keys = [str(part) for part in path if not isinstance(part, int)]
        key = ".".join(keys)
        index = next((part for part in reversed(path) if isinstance(part, int)), None)
        words = (fragment("cfg.subject.item", n=index + 1, key=key) if index is not None
                 else fragment("cfg.subject.key", key=key))
        return fragment("cfg.subject.of", subject=words, owner=self.words) if self.words else words


@dataclass
class _Pending:
    ref: str
    value: str
    at: Located
    subject: dict


Report = Callable[..., None]  # report(code, at: Located, **args)


class FileChecker:
    """Walks one data file's YAML tree against its declaration; every problem goes to `report` with the
    value's position. The result is the file's plain data (None where a value was wrong)."""

    def __init__(self, spec: DataFile, report: Report, context: dict[str, dict[str, str]] | None = None,
                 skip: frozenset[str] = frozenset()):
        self.spec = spec
        self.report = report
        self.context = context  # "plans:kind" → {id: label}, for references to every plan; None: not known
        self.skip = skip  # top-level keys given elsewhere (base_url by --base-url): not required, not checked
        self.ids: dict[str, list[tuple[str, Located, dict]]] = {}  # noun → (id, where, owner by place)
        self.pending: list[_Pending] = []
        self.years: list[tuple[int, Located, dict]] = []  # values that must lie in the period

    def check(self, tree: Located) -> dict | None:
        if not isinstance(tree.value, dict):
            self.report("C007", tree, subject=fragment("cfg.subject.file"), expected=fragment("types.object"),
                        found=self.found(tree.value), hint=fragment("cfg.hint.object", fields=self.keys(self.spec.root)))
            return None
        name = tree.value.get("id")
        plan_name = name.value.value if name is not None and isinstance(name.value.value, str) else ""
        owner = Owner(fragment("cfg.owner.plan", id=plan_name) if self.spec.owner == "plan" and plan_name else None)
        value = self.walk(self.spec.root, tree, owner, [], top=True)
        self.finish(value if isinstance(value, dict) else {})
        return value if isinstance(value, dict) else None

    @staticmethod
    def keys(spec: Field) -> str:
        return ", ".join(f"`{key}`" for key in spec.fields)

    @staticmethod
    def found(value: object) -> dict:
        kind = type_name(value)
        if kind in ("list", "object", "null"):
            return fragment(f"types.{kind}") if kind != "list" else fragment("found.list")
        return fragment("found.typed_value", type=fragment(f"types.{kind}"), text=shown(value))

    def wrong_type(self, spec: Field, located: Located, owner: Owner, path: list) -> None:
        leaf = str(next((part for part in reversed(path) if not isinstance(part, int)), ""))
        example = spec.example or ("2025" if spec.type == "integer" else "…")
        hint = {
            "integer": fragment("cfg.hint.number", key=leaf, example=example),
            "text": fragment("cfg.hint.quote", key=leaf, value=shown(located.value)),
            "list": fragment("cfg.hint.list", key=leaf),
            "object": fragment("cfg.hint.object", fields=self.keys(spec)),
            "map": fragment("cfg.hint.map", key=leaf),
            "boolean": fragment("cfg.hint.boolean", key=leaf),
        }[spec.type]
        if spec.type == "text" and isinstance(located.value, (list, dict)):
            hint = fragment("cfg.hint.fix_type")
        self.report("C007", located, subject=owner.subject(path), expected=fragment(f"types.{EXPECTED[spec.type]}"),
                    found=self.found(located.value), hint=hint)

    def walk(self, spec: Field, located: Located, owner: Owner, path: list, top: bool = False) -> object:
        value = located.value
        if value is None:
            if spec.required:
                self.report("C019", located, subject=owner.subject(path), how=self.fill(spec, path))
            return None
        if spec.type == "object":
            if not isinstance(value, dict):
                return self.wrong_type(spec, located, owner, path)
            return self.mapping(spec, located, value, owner, path, top)
        if spec.type == "map":
            if not isinstance(value, dict):
                return self.wrong_type(spec, located, owner, path)
            return {key: self.walk(spec.values, entry.value, owner, [*path, key]) for key, entry in value.items()}
        if spec.type == "list":
            if not isinstance(value, list):
                return self.wrong_type(spec, located, owner, path)
            return self.sequence(spec, located, value, owner, path)
        if spec.type == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                return self.wrong_type(spec, located, owner, path)
            low, high = spec.minimum, spec.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                bound = (fragment("cfg.bound.range", minimum=low, maximum=high) if low is not None and high is not None
                         else fragment("cfg.bound.min", minimum=low) if low is not None
                         else fragment("cfg.bound.max", maximum=high))
                self.report("C012", located, subject=owner.subject(path), value=value, bound=bound)
                return None
            if spec.within:
                self.years.append((value, located, owner.subject(path)))
            return value
        if spec.type == "boolean":
            if not isinstance(value, bool):
                return self.wrong_type(spec, located, owner, path)
            return value
        if not isinstance(value, str):  # text
            return self.wrong_type(spec, located, owner, path)
        return self.text(spec, located, value, owner, path)

    def example(self, spec: Field, path: list) -> dict | str:
        leaf = next((str(part) for part in reversed(path) if not isinstance(part, int)), "")
        return fragment("cfg.example", key=leaf, value=spec.example) if spec.example else ""

    def fill(self, spec: Field, path: list) -> dict:
        """How to fill an empty value (C019's fix)."""
        leaf = next((str(part) for part in reversed(path) if not isinstance(part, int)), "")
        if spec.type == "list":
            return fragment("cfg.fill.list", key=leaf)
        return fragment("cfg.fill.value", example=self.example(spec, path))

    def text(self, spec: Field, located: Located, value: str, owner: Owner, path: list) -> str | None:
        if not value.strip():
            if spec.required or spec.slug or spec.choices or spec.ref:
                self.report("C019", located, subject=owner.subject(path), how=self.fill(spec, path))
                return None
            return value
        if spec.slug and not SLUG.fullmatch(value):
            self.report("C009", located, subject=owner.subject(path), value=value, example=spec.example)
            return None
        if spec.choices and value not in dict(spec.choices):
            self.report("C011", located, subject=owner.subject(path), value=value,
                        allowed=", ".join(f"`{choice}`" for choice, _label in spec.choices))
            return None
        if spec.check == "base_url" and not BASE_URL.fullmatch(value):
            self.report("C018", located, subject=owner.subject(path), value=value, problem=fragment("cfg.url.base"),
                        fix=fragment("cfg.url.base_fix", key=path[-1]))
            return None
        if spec.ref:
            self.pending.append(_Pending(spec.ref, value, located, owner.subject(path)))
        return value

    def mapping(self, spec: Field, located: Located, entries: dict[str, Entry], owner: Owner, path: list,
                top: bool) -> dict:
        result: dict = {}
        for key, entry in entries.items():
            if top and key in self.skip:
                continue
            child = spec.fields.get(key)
            if child is None:
                meant = closest(key, [name for name in spec.fields if name not in entries])
                suggestion = fragment("cfg.suggest.key", key=meant) if meant else ""
                self.report("C008", entry.key, subject=owner.subject([*path, key]), suggestion=suggestion,
                            allowed=self.keys(spec))
                continue
            result[key] = self.walk(child, entry.value, owner, [*path, key])
        for key, child in spec.fields.items():
            if child.required and key not in entries and not (top and key in self.skip):
                self.report("C006", located, subject=owner.subject([*path, key]), key=key,
                            expected=fragment(f"types.{EXPECTED[child.type]}"), example=self.example(child, [key]))
        if spec.order:
            first, second = spec.order
            start, end = result.get(first), result.get(second)
            if isinstance(start, int) and isinstance(end, int) and end < start:
                self.report("C014", entries[second].value, subject=owner.subject([*path, second]), end=end,
                            start_key=first, start=start)
                result[second] = None
        return result

    def sequence(self, spec: Field, located: Located, items: list[Located], owner: Owner, path: list) -> list:
        if spec.nonempty and not items:
            self.report("C019", located, subject=owner.subject(path), how=self.fill(spec, path))
        result = []
        seen: dict[object, int] = {}
        for index, item in enumerate(items):
            if spec.items.type == "object" and spec.noun:
                result.append(self.item(spec, item, index, owner, path))
                continue
            value = self.walk(spec.items, item, owner, [*path, index])
            if spec.unique and isinstance(value, str):
                if value in seen:
                    self.report("C020", item, subject=owner.subject(path), value=value, first=seen[value] + 1, n=index + 1)
                    continue
                seen[value] = index
            result.append(value)
        if spec.check == "frame_sources":
            for index, problem in frame_source_problems([item.value for item in items]):
                key = path[-1]
                self.report("C018", items[index], subject=owner.subject([*path, index]), value=items[index].value,
                            problem=problem, fix=fragment("cfg.url.frame_fix", key=key))
        return result

    def item(self, spec: Field, item: Located, index: int, owner: Owner, path: list) -> dict | None:
        """One identified item of a list (a unit, a criterion…): its own owner, its id collected."""
        noun = fragment(f"cfg.noun.{spec.noun}")
        parent = owner.words
        by_place = fragment("cfg.owner.nth", noun=noun, n=index + 1,
                            parent=fragment("cfg.owner.parent", owner=parent) if parent else "")
        entries = item.value if isinstance(item.value, dict) else {}
        id_entry = entries.get("id")
        item_id = id_entry.value.value if id_entry is not None and isinstance(id_entry.value.value, str) else ""
        words = fragment("cfg.owner.item", noun=noun, id=item_id) if SLUG.fullmatch(item_id) else by_place
        value = self.walk(spec.items, item, Owner(words, by_place), [])
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            self.ids.setdefault(spec.noun, []).append((value["id"], id_entry.value, by_place))
        return value

    def finish(self, data: dict) -> None:
        """The rules that need the whole file: ids unique per noun, references, years inside the period."""
        for found in self.ids.values():
            first: dict[str, dict] = {}
            for item_id, at, by_place in found:
                if item_id in first:
                    self.report("C010", at, id=item_id, item=by_place, first=first[item_id])
                else:
                    first[item_id] = by_place
        local = {noun: [item_id for item_id, _at, _place in found] for noun, found in self.ids.items()}
        for pending in self.pending:
            scope, _, noun = pending.ref.rpartition(":")
            if scope:  # another file's ids: checked only when they could be read
                if self.context is None or pending.ref not in self.context:
                    continue
                known = list(self.context[pending.ref])
                where = fragment("cfg.ref.plans")
            else:
                known = local.get(noun, [])
                where = fragment("cfg.ref.file", key=_LIST_OF.get(noun, noun))
            if pending.value not in known:
                meant = closest(pending.value, known)
                self.report("C013", pending.at, subject=pending.subject, value=pending.value,
                            what=fragment(f"cfg.noun.{noun}"), where=where,
                            suggestion=fragment("cfg.suggest.id", id=meant) if meant else "",
                            allowed=", ".join(f"`{item}`" for item in dict.fromkeys(known)) or fragment("cfg.none"))
        period = data.get("period") if isinstance(data.get("period"), dict) else {}
        start, end = period.get("start"), period.get("end")
        if isinstance(start, int) and isinstance(end, int):
            for year, at, subject in self.years:
                if not start <= year <= end:
                    self.report("C015", at, subject=subject, value=year, start=start, end=end)


# The top-level list whose items a reference of this file names (criteria's kinds → `kinds`).
_LIST_OF = {"kind": "kinds", "scope": "scopes"}


def check_file(spec: DataFile, tree: Located, report: Report, context: dict | None = None,
               skip: frozenset[str] = frozenset()) -> dict | None:
    """The plain data of a data file's tree, every problem reported; None when the root is not a mapping."""
    return FileChecker(spec, report, context, skip).check(tree)


def overlaps(periods: list[tuple[str, str, int, int]]) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of plans (file, id, start, end) whose periods share a year, in file order."""
    return [(i, j) for i in range(len(periods)) for j in range(i + 1, len(periods))
            if periods[i][2] <= periods[j][3] and periods[j][2] <= periods[i][3]]


# --- what the form's script reads --------------------------------------------------------


def field_json(spec: Field) -> dict:
    """A Field as plain data for the form's checks: the rules only (the form's words are in config.yml)."""
    result: dict = {}
    for item in dataclass_fields(Field):
        value = getattr(spec, item.name)
        if item.name in _FORM_ONLY or value in (None, "", False, (), {}):
            continue
        if item.name == "fields":
            value = {key: field_json(child) for key, child in value.items()}
        elif item.name in ("items", "values"):
            value = field_json(value)
        elif item.name == "choices":
            value = [choice for choice, _label in value]
        elif isinstance(value, tuple):
            value = list(value)
        result[item.name] = value
    return result


_FORM_ONLY = ("label", "help", "form", "multiline", "default")


def export() -> dict:
    """The declarations and the patterns, for layouts/cms/data-rules.js."""
    return {
        "files": {name: {"root": field_json(spec.root), "owner": spec.owner, "disjoint": spec.disjoint}
                  for name, spec in FILES.items()},
        "patterns": {"slug": SLUG.pattern, "base_url": BASE_URL.pattern, "frame_origin": FRAME_ORIGIN.pattern},
        "frame_keywords": list(FRAME_KEYWORDS),
        "lists": dict(_LIST_OF),
        "expected": EXPECTED,
    }


__all__ = ["FILES", "PERSONAL_DATA", "PLAN", "SITE", "UNITS", "DataFile", "Field", "check_file", "export", "join"]
