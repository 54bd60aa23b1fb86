"""`build.py new`: start a profile from the plan's own choices, by questions or by flags.

The editor never types an id: kinds, units, fields, criteria, stages and consent scopes are offered
as numbered lists read from the plan and unit data. The file written carries a short Vietnamese
comment beside each field, passes `check`, and is never written over an existing one.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from dataclasses import dataclass, field
from pathlib import Path

from showcase.common.config import Plan, Project
from showcase.common.text import fold, nfc, slugify
from showcase.source import skeleton
from showcase.source.frontmatter_yaml import front_matter_file
from showcase.source.reader import as_date, read_profile
from showcase.source.schema import PROFILE_FIELDS
from showcase.source.validate import validate_profile

PROFILES_FOLDER = "ho-so"  # content/ho-so/<year>/<slug>.md, the convention of the sample site and the guide


class Abort(Exception):
    """A problem with the answers or flags: message for the editor, exit code."""

    def __init__(self, text: str, code: int = 2):
        super().__init__(text)
        self.code = code


@dataclass
class Answers:
    name: str
    kind: str
    unit: str
    field: str
    year: int
    criteria: list[str] = field(default_factory=list)
    stage: str | None = None
    position: str | None = None
    achievements: list[str] = field(default_factory=list)
    consent_date: datetime.date | None = None
    consent_document: str | None = None
    consent_scope: list[str] = field(default_factory=list)


HELP = "tạo hồ sơ mới theo câu hỏi hoặc theo cờ"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from showcase.commands.cli import content_options

    content_options(parser)
    parser.add_argument("--name", help="họ và tên cá nhân hoặc tên tập thể")
    parser.add_argument("--kind", help="loại điển hình (mã, ví dụ ca-nhan, hoặc tên)")
    parser.add_argument("--unit", help="phòng, đơn vị (mã, ví dụ van-phong, hoặc tên)")
    parser.add_argument("--field", help="lĩnh vực (mã, ví dụ cai-cach-hanh-chinh, hoặc tên)")
    parser.add_argument("--year", type=int, help="năm được công nhận điển hình")
    parser.add_argument("--criteria", help="các tiêu chí, cách nhau bằng dấu phẩy (ví dụ chung-1,c-1)")
    parser.add_argument("--stage", help="giai đoạn của quy trình (mã hoặc tên; mặc định giai đoạn đầu)")
    parser.add_argument("--position", help="chức vụ, vị trí công tác (cá nhân)")
    parser.add_argument("--achievement", action="append", default=[], help="một thành tích tiêu biểu (lặp lại được)")
    parser.add_argument("--consent-date", help="ngày người được nêu gương đồng ý công bố (2025-03-01 hoặc 01/03/2025)")
    parser.add_argument("--consent-document", help="số, ký hiệu văn bản đồng ý")
    parser.add_argument("--consent-scope", help="phạm vi được công bố, cách nhau bằng dấu phẩy (mặc định: tất cả trừ ảnh)")
    parser.add_argument("--slug", help="tên tệp (không dấu, nối bằng gạch ngang); mặc định lấy theo tên")
    parser.add_argument("--yes", "-y", action="store_true", help="không hỏi gì: dùng cờ và giá trị mặc định")


# --- choices from the data --------------------------------------------------------------------------------


def default_year(project: Project, today: datetime.date | None = None) -> int:
    """This year, brought inside the plans' periods (after the last plan: its last year)."""
    year = (today or datetime.date.today()).year
    starts = [plan.start for plan in project.plans]
    ends = [plan.end for plan in project.plans]
    if project.plan_for_year(year):
        return year
    if year > max(ends):
        return max(ends)
    if year < min(starts):
        return min(starts)
    return max(end for end in ends if end < year)  # a gap between two plans: the earlier one's last year


def kind_choices(plan: Plan) -> list[tuple[str, str]]:
    return [(item.id, item.label) for item in plan.kinds.values()]


def unit_choices(project: Project, year: int) -> list[tuple[str, str]]:
    return [(unit.id, unit.name) for unit in project.units.values() if unit.active_in(year)]


def field_choices(plan: Plan) -> list[tuple[str, str]]:
    return [(item.id, f"{item.letter}) {item.label}" if item.letter else item.label) for item in plan.fields.values()]


def criteria_choices(plan: Plan, field_id: str, kind_id: str) -> list[tuple[str, str]]:
    return [(item.id, item.text) for item in plan.applicable_criteria(field_id, kind_id)]


def stage_choices(plan: Plan) -> list[tuple[str, str]]:
    return [(item.id, item.label) for item in sorted(plan.stages.values(), key=lambda stage: stage.order)]


def scope_choices(project: Project) -> list[tuple[str, str]]:
    return list(project.personal_data.scopes.items())


def default_scopes(project: Project) -> list[str]:
    """Everything but the portrait: a photo needs the person's explicit yes (Civil Code art. 32)."""
    return [scope for scope in project.personal_data.scopes if scope != "anh"]


def _match(value: str, choices: list[tuple[str, str]]) -> str | None:
    """An id from its id, its number in the list, or its label (accents and case ignored)."""
    text = nfc(value).strip()
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1][0]
    for item_id, label in choices:
        if text == item_id or fold(text) in (fold(label), fold(label.split(") ", 1)[-1])):
            return item_id
    return None


def _listing(choices: list[tuple[str, str]]) -> str:
    return ", ".join(f"{item_id} ({label})" for item_id, label in choices)


def _match_many(value: str, choices: list[tuple[str, str]]) -> list[str] | None:
    """'1,3', '1-3', 'chung-1, c-2' → ids; None when one part is unknown."""
    found: list[str] = []
    for part in value.replace(";", ",").replace(" ", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part and all(piece.isdigit() for piece in part.split("-", 1)):
            low, high = (int(piece) for piece in part.split("-", 1))
            if not 1 <= low <= high <= len(choices):
                return None
            found += [choices[index - 1][0] for index in range(low, high + 1)]
            continue
        item = _match(part, choices)
        if item is None:
            return None
        found.append(item)
    return list(dict.fromkeys(found))


# --- asking ---------------------------------------------------------------------------------------------


class Prompter:
    """Questions on `output`, answers from `source` line by line (a terminal or a pipe)."""

    def __init__(self, source, output):
        self.source = source
        self.output = output

    def line(self, prompt: str) -> str:
        self.output.write(prompt)
        self.output.flush()
        answer = self.source.readline()
        if not answer:
            self.output.write("\n")
            raise Abort("Dừng vì không còn câu trả lời (hết dữ liệu vào). Chưa tạo tệp nào.")
        if not getattr(self.source, "isatty", lambda: False)():
            self.output.write(answer.rstrip("\r\n") + "\n")  # answers from a pipe: show them as typed
        return nfc(answer.rstrip("\r\n")).strip()

    def say(self, text: str) -> None:
        self.output.write(text + "\n")

    def text(self, question: str, required: bool = True, default: str | None = None) -> str | None:
        suffix = f" [{default}]" if default else ("" if required else " (Enter để bỏ qua)")
        while True:
            answer = self.line(f"{question}{suffix}: ")
            if answer:
                return answer
            if default:
                return default
            if not required:
                return None
            self.say("  Cần điền nội dung này.")

    def choose(self, question: str, choices: list[tuple[str, str]], default: int | None = None) -> str:
        self.say(f"{question}:")
        for number, (item_id, label) in enumerate(choices, 1):
            self.say(f"  {number}. {label} ({item_id})")
        suffix = f" [{default}]" if default else ""
        while True:
            answer = self.line(f"Chọn số 1–{len(choices)}{suffix}: ")
            if not answer and default:
                return choices[default - 1][0]
            found = _match(answer, choices) if answer else None
            if found:
                return found
            self.say(f"  Không có lựa chọn “{answer}”. Gõ một số từ 1 đến {len(choices)}.")

    def choose_many(self, question: str, choices: list[tuple[str, str]], default: list[str] | None = None,
                    required: bool = True) -> list[str]:
        self.say(f"{question}:")
        for number, (item_id, label) in enumerate(choices, 1):
            self.say(f"  {number}. {label} ({item_id})")
        shown = ",".join(str(index) for index, (item_id, _) in enumerate(choices, 1) if item_id in (default or []))
        suffix = f" [{shown}]" if default else ""
        while True:
            answer = self.line(f"Chọn một hoặc nhiều số, cách nhau bằng dấu phẩy, ví dụ 1,3{suffix}: ")
            if not answer and default:
                return list(default)
            found = _match_many(answer, choices) if answer else None
            if found:
                return found
            if not answer and not required:
                return []
            if not answer:
                self.say("  Cần chọn ít nhất một mục.")
                continue
            self.say(f"  Chưa hiểu “{answer}”. Gõ các số từ 1 đến {len(choices)}, ví dụ 1,3 hoặc 1-3.")

    def date(self, question: str) -> datetime.date:
        while True:
            answer = self.line(f"{question} (ví dụ 2025-03-01 hoặc 01/03/2025): ")
            found = as_date(answer)
            if found:
                return found
            self.say(f"  “{answer}” không phải là một ngày hợp lệ.")


def _from_flag(value: str | None, choices: list[tuple[str, str]], what: str, flag: str) -> str | None:
    if value is None:
        return None
    found = _match(value, choices)
    if found is None:
        raise Abort(f"“{value}” không phải là {what} hợp lệ (cờ {flag}). Các giá trị hợp lệ: {_listing(choices)}.")
    return found


def collect(args, project: Project, prompter: Prompter | None) -> Answers:
    """Flags first; whatever is missing is asked (or defaulted/refused with --yes)."""

    def missing(flag: str, what: str):
        raise Abort(f"Thiếu {what}: thêm cờ {flag} (hoặc bỏ --yes để được hỏi).")

    name = nfc(args.name).strip() if args.name else None
    if not name:
        name = prompter.text("Họ và tên cá nhân, hoặc tên tập thể") if prompter else missing("--name", "tên")

    fallback_year = default_year(project)
    year = args.year
    if year is None:
        if prompter:
            while True:
                answer = prompter.text("Năm được công nhận điển hình", default=str(fallback_year))
                if answer.isdigit() and project.plan_for_year(int(answer)):
                    year = int(answer)
                    break
                prompter.say("  Năm phải thuộc giai đoạn của một kế hoạch: "
                             + ", ".join(f"{plan.start}–{plan.end}" for plan in project.plans) + ".")
        else:
            year = fallback_year
    plan = project.plan_for_year(year)
    if plan is None:
        periods = ", ".join(f"{item.start}–{item.end}" for item in project.plans)
        raise Abort(f"Năm {year} không thuộc giai đoạn của kế hoạch nào ({periods}).")

    def pick(value, choices, what, flag, question, default=None):
        found = _from_flag(value, choices, what, flag)
        if found:
            return found
        if prompter:
            return prompter.choose(question, choices, default)
        if default:
            return choices[default - 1][0]
        return missing(flag, what)

    kind = pick(args.kind, kind_choices(plan), "loại điển hình", "--kind", "Loại điển hình")
    units = unit_choices(project, year)
    unit = _from_flag(args.unit, [(unit.id, unit.name) for unit in project.units.values()], "phòng, đơn vị", "--unit")
    if unit and unit not in dict(units):
        raise Abort(f"Đơn vị “{project.units[unit].name}” không hoạt động trong năm {year}. "
                    f"Các đơn vị của năm {year}: {_listing(units)}.")
    unit = unit or pick(None, units, "phòng, đơn vị", "--unit", "Phòng, đơn vị")
    field_id = pick(args.field, field_choices(plan), "lĩnh vực", "--field", "Lĩnh vực")

    applicable = criteria_choices(plan, field_id, kind)
    if args.criteria is not None:
        criteria = _match_many(args.criteria, applicable)
        if criteria is None:
            raise Abort(f"Có tiêu chí trong “{args.criteria}” không thuộc lĩnh vực và loại điển hình đã chọn (cờ --criteria). "
                        f"Các tiêu chí phù hợp: {', '.join(item for item, _ in applicable)}.")
    elif prompter:
        criteria = prompter.choose_many("Các tiêu chí mà điển hình đạt được (theo lĩnh vực và loại đã chọn)", applicable)
    else:
        criteria = []

    stages = stage_choices(plan)
    stage = pick(args.stage, stages, "giai đoạn", "--stage", "Giai đoạn hiện tại trong quy trình", default=1)

    personal = kind in project.personal_data.requires_consent
    position = nfc(args.position).strip() if args.position else None
    if personal and position is None and prompter:
        position = prompter.text("Chức vụ, vị trí công tác", required=False)

    achievements = [nfc(item).strip() for item in args.achievement if item.strip()]
    if not achievements and prompter:
        prompter.say("Thành tích tiêu biểu, mỗi dòng một thành tích; để trống rồi Enter để kết thúc (có thể viết sau trong tệp).")
        while True:
            answer = prompter.line(f"  Thành tích {len(achievements) + 1}: ")
            if not answer:
                break
            achievements.append(answer)

    answers = Answers(name=name, kind=kind, unit=unit, field=field_id, year=year, criteria=criteria, stage=stage,
                      position=position, achievements=achievements)
    if personal:
        if prompter:
            prompter.say("Hồ sơ cá nhân cần bản ghi đồng ý công bố dữ liệu cá nhân của người được nêu gương "
                         "(Luật Bảo vệ dữ liệu cá nhân).")
        if args.consent_date:
            answers.consent_date = as_date(args.consent_date)
            if answers.consent_date is None:
                raise Abort(f"“{args.consent_date}” không phải là một ngày hợp lệ (cờ --consent-date). Viết 2025-03-01 hoặc 01/03/2025.")
        else:
            answers.consent_date = prompter.date("Ngày người đó đồng ý") if prompter else \
                missing("--consent-date", "ngày đồng ý công bố")
        document = nfc(args.consent_document).strip() if args.consent_document else None
        answers.consent_document = document or (
            prompter.text("Số, ký hiệu văn bản đồng ý") if prompter else missing("--consent-document", "văn bản đồng ý"))
        scopes = scope_choices(project)
        needed = needed_scopes(project, answers)
        if args.consent_scope:
            answers.consent_scope = _match_many(args.consent_scope, scopes) or []
            if not answers.consent_scope:
                raise Abort(f"Phạm vi “{args.consent_scope}” không hợp lệ (cờ --consent-scope). Các giá trị hợp lệ: {_listing(scopes)}.")
            if _missing_scopes(project, needed, answers.consent_scope):
                raise Abort(_missing_scopes(project, needed, answers.consent_scope) + " (cờ --consent-scope)")
        elif prompter:
            while True:
                answers.consent_scope = prompter.choose_many("Những thông tin người đó đồng ý cho công bố", scopes,
                                                             default=default_scopes(project))
                problem = _missing_scopes(project, needed, answers.consent_scope)
                if not problem:
                    break
                prompter.say(f"  {problem}")
        else:
            answers.consent_scope = default_scopes(project)
    return answers


def needed_scopes(project: Project, answers: Answers) -> list[str]:
    """Scopes the new profile publishes: its name, achievements and story, and the position when given."""
    published = ["name", "achievements", "body"] + (["position"] if answers.position else [])
    rules = project.personal_data.field_scopes
    return list(dict.fromkeys(rules[key] for key in published if key in rules))


def _missing_scopes(project: Project, needed: list[str], chosen: list[str]) -> str:
    missing = [scope for scope in needed if scope not in chosen]
    if not missing:
        return ""
    labels = ", ".join(f"{project.personal_data.scopes[scope]} ({scope})" for scope in missing)
    return (f"Hồ sơ sẽ công bố thông tin mà người đó chưa đồng ý: {labels}. Chỉ tạo hồ sơ khi đã có sự đồng ý này; "
            "nếu người đó không đồng ý công bố chức vụ, hãy để trống câu hỏi chức vụ.")


# --- writing --------------------------------------------------------------------------------------------


def front_matter(answers: Answers, project: Project) -> dict:
    """The new profile's fields, as the editors' form would hold them (dates as text)."""
    plan = project.plan_for_year(answers.year)
    personal = answers.kind in project.personal_data.requires_consent
    data: dict = {"name": answers.name, "kind": answers.kind}
    if personal and answers.position:
        data["position"] = answers.position
    data.update(unit=answers.unit, field=answers.field, year=answers.year, summary=skeleton.SUMMARY)
    if answers.criteria:
        data["criteria"] = list(answers.criteria)
    data["achievements"] = list(answers.achievements or [skeleton.ACHIEVEMENT])
    if answers.stage and answers.stage in plan.stages:
        data["stage"] = answers.stage
    if personal:
        consent = PROFILE_FIELDS["consent"].fields
        data["consent"] = {
            "date": answers.consent_date.isoformat() if answers.consent_date else consent["date"].example,
            "document": answers.consent_document or consent["document"].example,
            "scope": list(answers.consent_scope),
        }
    data["draft"] = True
    return data




def render_profile(answers: Answers, project: Project) -> str:
    """The profile's text, its fields laid out exactly as the editors' web form writes them (so a later save
    from the form changes only what is edited), and a body skeleton. Pure: no disk access."""
    personal = answers.kind in project.personal_data.requires_consent
    return front_matter_file(front_matter(answers, project), list(PROFILE_FIELDS), "\n".join(skeleton.body(personal)))


def optional_fields_note(project: Project, year: int) -> str:
    """What the editor may add by hand, told on the terminal (the file itself carries no comments: the web form
    would drop them)."""
    meaning = {key: spec.meaning for key, spec in PROFILE_FIELDS.items()}
    award = PROFILE_FIELDS["awards"].items.fields
    plan = project.plan_for_year(year)
    milestones = [item for item in plan.milestones.values() if item.covers_start <= year <= item.covers_end] if plan else []
    lines = ["Có thể thêm vào phần thông tin (xem docs/huong-dan-bien-tap.md, mục 4):",
             f"  awards: - title: {award['title'].example} ({meaning['awards']})",
             f"  photo: ..., photo_alt: ...  ({meaning['photo']}; {meaning['photo_alt']})"]
    if milestones:
        lines.append(f"  nominated: {milestones[-1].id}  ({meaning['nominated']})")
    return "\n".join(lines) + "\n"


def target_path(content_dir: Path, year: int, slug: str) -> Path:
    return content_dir / PROFILES_FOLDER / str(year) / f"{slug}.md"


def run(args, project: Project, source=None, output=None) -> int:
    source = source or sys.stdin
    output = output or sys.stdout
    errors = sys.stderr
    prompter = None if args.yes else Prompter(source, output)
    try:
        answers = collect(args, project, prompter)
        slug = slugify(args.slug or answers.name)
        if not slug:
            raise Abort("Không tạo được tên tệp từ tên đã nhập: dùng cờ --slug, ví dụ --slug nguyen-van-a.")
        content_dir = Path(args.content)
        path = target_path(content_dir, answers.year, slug)
        if path.exists():
            raise Abort(f"Tệp {path} đã có; không ghi đè hồ sơ đang có. Mở tệp đó để sửa, hoặc chọn tên khác (cờ --slug).", 1)
        clash = [other for other in content_dir.rglob(f"{slug}.md")] if content_dir.is_dir() else []
        if clash:
            raise Abort(f"Đã có hồ sơ {clash[0]} cùng tên tệp: hai hồ sơ sẽ trùng địa chỉ trang. "
                        f"Chọn tên tệp khác, ví dụ thêm tên đơn vị: --slug {slug}-{answers.unit}", 1)
        text = render_profile(answers, project)
        rel_path = path.relative_to(content_dir).as_posix()
        parsed = read_profile(str(path), text.encode("utf-8"))
        _, diagnostics = validate_profile(parsed, project, content_dir.resolve(), rel_path)
        problems = [item for item in diagnostics if item.severity == "error"]
        if problems:  # a bug of ours: never leave the editor a file that does not pass `check`
            raise Abort("Hồ sơ tạo ra chưa hợp lệ (" + ", ".join(item.code for item in problems) + "); chưa ghi tệp.", 1)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            raise Abort(f"Tệp {path} đã có; không ghi đè hồ sơ đang có.", 1) from None
    except Abort as problem:
        errors.write(f"build.py new: {problem}\n")
        return problem.code
    output.write(f"\nĐã tạo hồ sơ: {path}\n")
    output.write(f"Bước tiếp theo: mở tệp {path} để viết thành tích và bài giới thiệu; "
                 "xem trước bằng: python build.py serve\n")
    output.write("Hồ sơ đang là bản nháp (draft: true): xóa dòng đó khi đã hoàn chỉnh để xuất bản. "
                 "Kiểm tra bằng: python build.py check\n")
    output.write(optional_fields_note(project, answers.year))
    return 0


def main(args) -> int:
    from showcase.commands.cli import project_of

    project = project_of(args)
    return project if isinstance(project, int) else run(args, project)
