"""The front-matter format of a profile, declared once.

The validator walks this declaration, `build.py schema` turns it into JSON Schema,
and the editors' guide lists it: one source, so they cannot drift apart. Which ids
are allowed comes from the plan and unit data (`source`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from showcase.common.config import Project


@dataclass(frozen=True)
class Spec:
    type: str  # string | integer | boolean | date | id | path | slug | list | object
    meaning: str = ""
    required: bool = False
    source: str | None = None  # kinds | fields | units | stages | milestones | criteria | consent_scopes
    items: Spec | None = None
    fields: dict[str, Spec] = field(default_factory=dict)
    example: str = ""
    many: bool = False  # an id field that also takes a list of ids
    label: str = ""  # the field's name in the editors' form (the CMS); `meaning` is its hint


AWARD = Spec("object", "một danh hiệu hoặc hình thức khen thưởng", label="Danh hiệu, khen thưởng", fields={
    "title": Spec("string", "tên danh hiệu, hình thức khen thưởng",
                  label="Danh hiệu, hình thức khen thưởng", required=True, example="Chiến sĩ thi đua cơ sở"),
    "decision": Spec("string", "số quyết định", label="Số quyết định", example="125/QĐ-SXD"),
    "date": Spec("date", "ngày ký quyết định", label="Ngày ký quyết định", example="2023-12-20"),
    "issuer": Spec("string", "người hoặc cơ quan ký quyết định", label="Người hoặc cơ quan ký", example="Giám đốc Sở Xây dựng"),
})

CONSENT = Spec("object", "bản ghi đồng ý công bố dữ liệu cá nhân", label="Đồng ý công bố dữ liệu cá nhân", fields={
    "date": Spec("date", "ngày người được nêu gương đồng ý", label="Ngày đồng ý", required=True, example="2023-11-02"),
    "document": Spec("string", "số, ký hiệu văn bản đồng ý", label="Văn bản đồng ý", required=True, example="Phiếu đồng ý số 07/PĐY-VP"),
    "scope": Spec("list", "những thông tin được phép công bố", label="Thông tin được phép công bố", required=True,
                  items=Spec("id", source="consent_scopes"), example="[ho-ten, chuc-vu, anh, thanh-tich]"),
})

PROFILE_FIELDS: dict[str, Spec] = {
    "name": Spec("string", "họ và tên cá nhân hoặc tên tập thể", label="Họ và tên / Tên tập thể", required=True, example="Nguyễn Văn A"),
    "kind": Spec("id", "loại điển hình", label="Loại điển hình", required=True, source="kinds", example="ca-nhan"),
    "position": Spec("string", "chức vụ, vị trí công tác", label="Chức vụ, vị trí công tác", example="Chuyên viên, Bộ phận Một cửa"),
    "unit": Spec("id", "phòng, đơn vị", label="Phòng, đơn vị", required=True, source="units", example="van-phong"),
    "field": Spec("id", "lĩnh vực theo mục II.3.2 của kế hoạch",
                  label="Lĩnh vực", required=True, source="fields", example="cai-cach-hanh-chinh"),
    "year": Spec("integer", "năm được công nhận điển hình", label="Năm công nhận", required=True, example="2023"),
    "summary": Spec("string", "một câu giới thiệu ngắn",
                    label="Giới thiệu ngắn", example="Người đưa dịch vụ công trực tuyến về với người dân."),
    "criteria": Spec("list", "các tiêu chí của kế hoạch mà điển hình đạt được",
                     label="Tiêu chí đạt được", items=Spec("id", source="criteria"),
                     example="[chung-1, c-1]"),
    "achievements": Spec("list", "các thành tích tiêu biểu, mỗi thành tích một dòng", label="Thành tích tiêu biểu", required=True,
                         items=Spec("string"), example='["Thành tích thứ nhất", "Thành tích thứ hai"]'),
    "awards": Spec("list", "danh hiệu, khen thưởng đã nhận", label="Danh hiệu, khen thưởng", items=AWARD),
    "stage": Spec("id", "giai đoạn hiện tại trong quy trình của kế hoạch",
                  label="Giai đoạn trong quy trình", source="stages", example="binh-chon"),
    "nominated": Spec("id", "mốc sơ kết, tổng kết mà điển hình được đề cử",
                      label="Đề cử lên mốc sơ kết, tổng kết", source="milestones", many=True,
                      example="so-ket-2023"),
    "photo": Spec("path", "tên tệp ảnh, đặt cùng thư mục với hồ sơ", label="Ảnh", example="nguyen-van-a.jpg"),
    "photo_alt": Spec("string", "mô tả ảnh cho người khiếm thị", label="Mô tả ảnh", example="Anh Nguyễn Văn A tại quầy tiếp nhận hồ sơ"),
    "consent": CONSENT,
    "draft": Spec("boolean", "bản nháp: true thì không xuất bản", label="Bản nháp (chưa xuất bản)", example="true"),
    "withdrawn": Spec("boolean", "đã rút hồ sơ: true thì gỡ khỏi mọi trang", label="Đã rút hồ sơ", example="true"),
    "slug": Spec("slug", "phần cuối của địa chỉ trang (mặc định lấy theo tên tệp)", label="Đường dẫn riêng", example="nguyen-van-a"),
    "aliases": Spec("list", "địa chỉ cũ của trang, để chuyển hướng sau khi đổi tên", label="Địa chỉ cũ", items=Spec("string"),
                    example="[/guong-nguoi-tot-viec-tot/ho-so/ten-cu/]"),
}

# Names editors write instead of a key (Vietnamese, or an old form), compared after folding (no accents,
# case, `_`/`-`/space): "did you mean" for an unknown key. Per object, since `ngay` means a different key in each.
KEY_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "profile": {
        "name": ("ten", "ho ten", "ho va ten", "ten tap the"),
        "kind": ("loai", "loai dien hinh"),
        "field": ("linh vuc",),
        "unit": ("don vi", "phong", "co quan"),
        "year": ("nam", "nam cong nhan"),
        "achievements": ("thanh tich", "thanh tich tieu bieu"),
        "position": ("chuc vu", "chuc danh"),
        "summary": ("tom tat", "gioi thieu", "mo ta"),
        "criteria": ("tieu chi",),
        "awards": ("khen thuong", "danh hieu", "giai thuong"),
        "stage": ("giai doan",),
        "nominated": ("de cu", "moc"),
        "consent": ("dong y", "su dong y"),
        "photo": ("anh", "hinh anh", "hinh", "anh chan dung"),
        "photo_alt": ("mo ta anh", "chu thich anh"),
        "slug": ("duong dan",),
        "aliases": ("dia chi cu",),
        "draft": ("nhap", "ban nhap"),
        "withdrawn": ("rut", "da rut", "go bo"),
    },
    "awards": {
        "title": ("ten", "ten danh hieu", "danh hieu", "hinh thuc"),
        "decision": ("so quyet dinh", "quyet dinh", "so qd", "qd"),
        "date": ("ngay", "ngay ky", "ngay quyet dinh"),
        "issuer": ("nguoi ky", "co quan", "noi cap", "cap khen"),
    },
    "consent": {
        "date": ("ngay", "ngay dong y"),
        "document": ("van ban", "so van ban", "phieu dong y"),
        "scope": ("pham vi",),
    },
}

REQUIRED_FIELDS = [name for name, spec in PROFILE_FIELDS.items() if spec.required]


def allowed_ids(project: Project, source: str) -> dict[str, str]:
    """Every id allowed for `source` across all plans, with its label."""
    if source == "units":
        return {unit.id: unit.name for unit in project.units.values()}
    if source == "consent_scopes":
        return dict(project.personal_data.scopes)
    found: dict[str, str] = {}
    for plan in project.plans:
        found.update(plan.ids(source))
    return found


_DATE_PATTERN = r"^(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})$"
_SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _json_schema(spec: Spec, project: Project) -> dict:
    result: dict = {"description": spec.meaning} if spec.meaning else {}
    if spec.type == "string":
        result.update(type="string", minLength=1)
    elif spec.type == "integer":
        result["type"] = "integer"
    elif spec.type == "boolean":
        result["type"] = "boolean"
    elif spec.type == "date":
        # YAML loaders turn 2023-12-20 into a date object, so no "type" here: both forms pass.
        result.update(pattern=_DATE_PATTERN, format="date")
    elif spec.type == "path":
        result.update(type="string", minLength=1)
    elif spec.type == "slug":
        result.update(type="string", pattern=_SLUG_PATTERN)
    elif spec.type == "id":
        ids = allowed_ids(project, spec.source)
        single = {"type": "string", "enum": sorted(ids)}
        result.update({"anyOf": [single, {"type": "array", "items": single, "minItems": 1}]} if spec.many else single)
    elif spec.type == "list":
        result.update(type="array", items=_json_schema(spec.items, project))
        if spec.required:
            result["minItems"] = 1
    elif spec.type == "object":
        result.update(_object_schema(spec.fields, project))
    return result


def _object_schema(fields: dict[str, Spec], project: Project) -> dict:
    return {
        "type": "object",
        "properties": {name: _json_schema(spec, project) for name, spec in fields.items()},
        "required": [name for name, spec in fields.items() if spec.required],
        "additionalProperties": False,
    }


def json_schema(project: Project) -> dict:
    years = [year for plan in project.plans for year in range(plan.start, plan.end + 1)]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{project.site.base_url.rstrip('/')}{project.site.prefix}schema/profile.json",
        "title": "Hồ sơ điển hình tiên tiến",
        "description": f"Phần thông tin đầu tệp (front-matter) của một hồ sơ — {project.site.department}.",
    }
    schema.update(_object_schema(PROFILE_FIELDS, project))
    schema["properties"]["year"].update(minimum=min(years), maximum=max(years))
    return schema
