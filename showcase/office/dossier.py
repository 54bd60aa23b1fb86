"""The nomination dossier the province asks for, as plain data: which documents, and what each one says.

Luật Thi đua, khen thưởng 2022, Điều 84: a proposal is a tờ trình (submission), the báo cáo thành tích
(achievement report) of each collective and individual, and the biên bản (minutes) of the proposing
level's council. Nghị định 98/2023/NĐ-CP, Phụ lục I gives the forms: Mẫu 01 the submission, Mẫu 02 a
collective's report, Mẫu 03 an individual's. This stage fills them from the profiles nominated for a
milestone (or a year), the plan and the site data, and the office's private folder (source/private.py)
for Mẫu 03's background lines; office/dossier_docx.py puts each context into its Word template.

Nothing is invented: a line the profiles do not give is the catalog's dotted blank, and where a form
needs what a nominee's profile lacks (an award's decision number or date, a collective's situation, an
individual's position), a warning names the file and line (W006, W007, W008). A private file that
matches no profile is W009. Dates follow Nghị định 30/2020: "ngày 05 tháng 02 năm 2025".
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from showcase.common.config import Milestone, Plan, Project
from showcase.common.diagnostics import Diagnostic, catalog, fragment, join
from showcase.common.text import fold, nfc, typographic_quotes
from showcase.office.reports import DEFAULT_ORDER, period_in_order, plan_in_order
from showcase.source.private import PrivateRecord
from showcase.source.reader import Located, ParsedFile, read_profile
from showcase.source.validate import Profile

SUBMISSION, LIST, MINUTES, COLLECTIVE, INDIVIDUAL = "to-trinh", "danh-sach", "bien-ban", "mau-02-tap-the", "mau-03-ca-nhan"
TEMPLATES = (SUBMISSION, LIST, MINUTES, COLLECTIVE, INDIVIDUAL)  # layouts/dossier/<name>.docx


@dataclass
class Document:
    file: str  # its name in the dossier, "01-to-trinh.docx"
    template: str  # one of TEMPLATES
    context: dict  # plain data for the template's tags


@dataclass
class Dossier:
    key: str  # the milestone's id, or the year
    label: str
    folder: str  # the default folder name, "ho-so-de-nghi-so-ket-2023"
    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    reports: int = 0


# --- words and numbers in the administrative form ---------------------------------------------------------


def two_digits(number: int) -> str:
    """Counts and days as Vietnamese administrative documents write them: 01 … 09, then 10, 11 …"""
    return f"{number:02d}"


def date_parts(day: datetime.date) -> dict[str, str]:
    """Nghị định 30/2020: a leading zero for days below 10 and for months 1 and 2 (ngày 05 tháng 02, tháng 12)."""
    return {"day": two_digits(day.day), "month": two_digits(day.month) if day.month < 3 else str(day.month),
            "year": str(day.year)}


def administrative_date(day: datetime.date, words: dict) -> str:
    return words["date"].format(**date_parts(day))


def roman(number: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    text = ""
    for value, letters in numerals:
        while number >= value:
            text, number = text + letters, number - value
    return text


def abbreviation(department: str) -> str:
    """The issuing body's symbol in a document number: the initials of its name (Sở Xây dựng → SXD)."""
    return "".join(word[0] for word in fold(department).split() if word[:1].isalnum()).upper()


def upper(text: str) -> str:
    return nfc(text).upper()


# --- the article, as paragraphs for Word -----------------------------------------------------------------


class _Blocks(HTMLParser):
    """The profile page's article (safe HTML from source/markup.py) as paragraphs of plain text."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict] = []
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.flush()
            self.open.append(tag)
        elif tag == "br":
            self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.flush()
            if tag in self.open:
                self.open.remove(tag)

    def handle_data(self, data):
        self.text.append(data)

    def flush(self) -> None:
        text = " ".join("".join(self.text).split())
        self.text = []
        if not text:
            return
        current = self.open[-1] if self.open else "p"
        heading = current.startswith("h") and current[1:].isdigit()
        self.blocks.append({"heading": heading, "text": f"- {text}" if current == "li" else text})


def article_blocks(html: str) -> list[dict]:
    """[{"heading": bool, "text": str}] of the article, in order."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.blocks


def split_lead(blocks: list[dict]) -> tuple[list[dict], list[dict]]:
    """(the opening paragraphs before the first heading, the rest)."""
    first = next((index for index, block in enumerate(blocks) if block["heading"]), len(blocks))
    return blocks[:first], blocks[first:]


# --- who is nominated ------------------------------------------------------------------------------------


def milestone_nominees(profiles: list[Profile], plan: Plan, milestone: Milestone, order=DEFAULT_ORDER) -> list[Profile]:
    """The exemplars of the milestone's period nominated for it (`nominated:`), in the office's order."""
    members = period_in_order(plan_in_order(profiles, plan, order), milestone.covers_start, milestone.covers_end)
    return [profile for profile in members if milestone.id in profile.nominated]


def year_nominees(profiles: list[Profile], plan: Plan, year: int, order=DEFAULT_ORDER) -> list[Profile]:
    """The exemplars of the year nominated for any milestone."""
    return [profile for profile in period_in_order(plan_in_order(profiles, plan, order), year, year) if profile.nominated]


def in_list_order(nominees: list[Profile], plan: Plan) -> list[Profile]:
    """By kind in the plan's order (the list's sections), the office's order within each."""
    return [profile for kind in plan.kinds for profile in nominees if profile.kind == kind]


# --- the private folder ----------------------------------------------------------------------------------


def match_private(records: list[PrivateRecord], profiles: list[Profile]) -> tuple[dict[str, PrivateRecord], list[Diagnostic]]:
    """Each private record's profile (slug → record), and W009 for a record that names none or a taken one."""
    by_slug = {profile.slug: profile for profile in profiles}
    by_path = {profile.rel_path: profile for profile in profiles}
    matched: dict[str, PrivateRecord] = {}
    diagnostics = []
    for record in records:
        profile = by_path.get(record.names) if record.by_path else by_slug.get(record.names)
        if profile is None:
            close = difflib.get_close_matches(record.names, list(by_path if record.by_path else by_slug), n=1, cutoff=0.6)
            suggestion = fragment("private.did_you_mean", slug=close[0]) if close else ""
            reason = fragment("private.no_profile")
        elif profile.slug in matched:
            suggestion, reason = "", fragment("private.duplicate", other=matched[profile.slug].file)
        else:
            matched[profile.slug] = record
            continue
        diagnostics.append(Diagnostic(code="W009", file=record.file, line=record.line,
                                      args={"names": record.names, "reason": reason, "suggestion": suggestion}))
    return matched, diagnostics


# --- the documents ---------------------------------------------------------------------------------------


class _Positions:
    """Where a nominee's profile writes what a warning points at: the profile file read again, with positions."""

    def __init__(self, profile: Profile, content_dir: Path):
        try:
            self.parsed = read_profile(profile.source, (content_dir / profile.rel_path).read_bytes())
        except OSError:
            self.parsed = ParsedFile(path=profile.source)
        self.file = profile.source

    def warn(self, code: str, at: Located | None, **args) -> Diagnostic:
        line, column, length = (at.line, at.column, at.length) if at else (1, 1, 3)
        lines = self.parsed.lines
        return Diagnostic(code=code, file=self.file, line=line, column=column, length=length, args=args,
                          source_line=lines[line - 1] if 0 < line <= len(lines) else None)

    def award(self, index: int) -> Located | None:
        entry = (self.parsed.front or {}).get("awards")
        items = entry.value.value if entry is not None and isinstance(entry.value.value, list) else []
        return items[index] if index < len(items) else None

    def body(self) -> Located:
        line = self.parsed.body_line
        text = self.parsed.lines[line - 1] if 0 < line <= len(self.parsed.lines) else ""
        return Located(None, line, 1, max(len(text), 1))


def _award_rows(profile: Profile, positions: _Positions, words: dict) -> tuple[list[dict], list[Diagnostic]]:
    rows, diagnostics = [], []
    blank = words["blank"]
    for index, award in enumerate(profile.awards):
        missing = [key for key in ("decision", "date", "issuer") if not award.get(key)]
        if missing:
            diagnostics.append(positions.warn("W006", positions.award(index), title=award["title"],
                                              missing=join([fragment(f"award.{key}") for key in missing])))
        when = award.get("date")
        decision = words["award_decision"].format(decision=award.get("decision") or words["short_blank"],
                                                  date=administrative_date(when, words) if when else words["short_blank"])
        rows.append({"year": str(when.year) if when else words["short_blank"], "title": award["title"],
                     "decision": decision, "issuer": award.get("issuer") or blank})
    if not rows:  # the form's table keeps one row for the clerk
        rows.append({"year": words["short_blank"], "title": blank, "decision": blank, "issuer": blank})
    return rows, diagnostics


def is_person(profile: Profile, project: Project) -> bool:
    """Mẫu 03 is an individual's report, Mẫu 02 a collective's: the kinds of people are those whose
    profiles need a consent record (data/personal-data.yaml, requires_consent)."""
    return profile.kind in project.personal_data.requires_consent


def _position_unit(profile: Profile, unit_name: str, person: bool, blank: str) -> str:
    """"Chuyên viên, Bộ phận Một cửa, Văn phòng Sở", without the unit twice; a collective's is its unit; a
    person without a position has the blank in its place."""
    if not person:
        return unit_name
    if not profile.position:
        return f"{blank}, {unit_name}"
    if fold(unit_name) in fold(profile.position):
        return profile.position
    return f"{profile.position}, {unit_name}"


def _nominee(profile: Profile, number: int, plan: Plan, project: Project, content_dir: Path,
             private: PrivateRecord | None, words: dict) -> tuple[dict, list[Diagnostic]]:
    positions = _Positions(profile, content_dir)
    blank = words["blank"]
    unit_name = project.units[profile.unit].name
    awards, diagnostics = _award_rows(profile, positions, words)
    lead, rest = split_lead(article_blocks(profile.body_html))
    values = private.values if private else {}
    nominee = {
        "number": str(number), "name": profile.name, "kind": plan.kinds[profile.kind].label,
        "unit": unit_name, "unit_upper": upper(unit_name), "field": plan.fields[profile.field].label,
        "position_unit": _position_unit(profile, unit_name, is_person(profile, project), blank),
        "summary": typographic_quotes(profile.summary or profile.achievements[0]),
        "achievements": [typographic_quotes(f"- {item}") for item in profile.achievements],
        "criteria": [f"- {plan.criteria[item].text}." for item in profile.criteria if item in plan.criteria],
        "awards": awards, "duties": values.get("duties") or blank,
    }
    if not is_person(profile, project):
        if not lead:
            diagnostics.append(positions.warn("W007", positions.body()))
        nominee["situation"] = ([profile.position] if profile.position else []) + (
            [block["text"] for block in lead] or [blank])
        nominee["story"] = rest
    else:
        if not profile.position:
            diagnostics.append(positions.warn("W008", Located("---", 1, 1, 3)))
        born = values.get("birth_date")
        held = "; ".join(item for item in (profile.position, values.get("positions")) if item)
        nominee["background"] = {
            "birth_date": born.strftime("%d/%m/%Y") if born else blank, "gender": values.get("gender") or words["short_blank"],
            "hometown": values.get("hometown") or blank, "residence": values.get("residence") or blank,
            "position": held or blank, "qualifications": values.get("qualifications") or blank,
            "honours": values.get("honours") or blank,
        }
        nominee["story"] = lead + rest
    return nominee, diagnostics


def _counts(nominees: list[Profile], plan: Plan, words: dict) -> str:
    parts = [words["count_kind"].format(count=two_digits(sum(1 for p in nominees if p.kind == kind.id)), kind=kind.label.lower())
             for kind in plan.kinds.values() if any(p.kind == kind.id for p in nominees)]
    return words["and"].join(parts)


def _field_groups(nominees: list[Profile], plan: Plan, words: dict) -> list[dict]:
    groups = []
    for item in plan.fields.values():
        members = [p for p in nominees if p.field == item.id]
        if members:
            groups.append({"heading": words["field_group"].format(letter=item.letter or "", label=item.label,
                                                                  counts=_counts(members, plan, words)),
                           "members": [words["field_item"].format(kind=plan.kinds[p.kind].label, name=p.name) for p in members]})
    return groups


def make_dossier(nominees: list[Profile], plan: Plan, milestone: Milestone | None, year: int | None, project: Project,
                 content_dir: Path, private: dict[str, PrivateRecord] | None = None, when: datetime.date | None = None,
                 ) -> Dossier:
    """The documents of the dossier of `milestone` (or of `year`), for the nominees as given (in the
    office's order). `private`: slug → the office's private record; `when`: the documents' date, else blank."""
    words = catalog("vi")["dossier"]
    private = private or {}
    site = project.site
    ordered = in_list_order(nominees, plan)
    key = milestone.id if milestone else str(year)
    label = milestone.label if milestone else words["year_label"].format(year=year)
    start, end = (milestone.covers_start, milestone.covers_end) if milestone else (year, year)
    blank_date = {"day": words["short_blank"], "month": words["short_blank"], "year": words["short_blank"]}
    common = {
        "governing_body": upper(words["governing_body"].format(province=site.province)),
        "department": site.department, "department_upper": upper(site.department),
        "abbreviation": abbreviation(site.department), "place": site.province,
        **(date_parts(when) if when else blank_date),
        "milestone": label, "period": f"{start}" if start == end else f"{start}–{end}",
        "addressee": (milestone.nominate_to if milestone and milestone.nominate_to else words["blank"]),
        "plan": plan.title, "basis": list(plan.basis), "counts": _counts(ordered, plan, words),
    }
    dossier = Dossier(key, label, words["files"]["folder"].format(key=key))
    nominees_data = []
    for number, profile in enumerate(ordered, 1):
        nominee, found = _nominee(profile, number, plan, project, content_dir, private.get(profile.slug), words)
        nominees_data.append((profile, nominee))
        dossier.diagnostics += found
    sections = []
    for kind in plan.kinds.values():
        rows = [nominee for profile, nominee in nominees_data if profile.kind == kind.id]
        if rows:
            sections.append({"heading": words["list_group"].format(roman=roman(len(sections) + 1), plural=kind.plural,
                                                                   count=two_digits(len(rows))), "rows": rows})
    names = words["files"]
    dossier.documents += [
        Document(f"{names['submission']}.docx", SUBMISSION, {**common, "groups": _field_groups(ordered, plan, words)}),
        Document(f"{names['list']}.docx", LIST, {**common, "sections": sections}),
        Document(f"{names['minutes']}.docx", MINUTES, {**common, "rows": [nominee for _, nominee in nominees_data]}),
    ]
    for profile, nominee in nominees_data:
        template = INDIVIDUAL if is_person(profile, project) else COLLECTIVE
        name = names["report"].format(number=two_digits(int(nominee["number"])), slug=profile.slug)
        dossier.documents.append(Document(f"{name}.docx", template, {**common, "nominee": nominee}))
    dossier.reports = len(nominees_data)
    dossier.diagnostics.sort(key=Diagnostic.sort_key)
    return dossier
