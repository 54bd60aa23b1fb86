"""The Word templates of the nomination dossier, made here so they can be reviewed and made again:
`python build.py dossier --make-templates` writes layouts/dossier/*.docx (tests/test_dossier.py checks
that the committed files are what this module makes, byte for byte).

Every word comes from the catalog (showcase/messages/vi.yaml, `dossier:`); the tags are docxtpl's
Jinja2 (`{{ nominee.name }}`, `{%p for … %}` paragraphs, `{%tr for … %}` table rows) over the contexts
of office/dossier.py. The layout is Nghị định 30/2020/NĐ-CP's (Phụ lục I):

- A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, black;
- the quốc hiệu in bold capitals at 12 pt, the tiêu ngữ bold at 13 pt with a line under it; the
  issuing body's name in bold capitals under its governing body's, with a short line under it;
- "Số: …" at 13 pt; place and date in italics at 14 pt; the document type in bold capitals and its
  subject in bold, 14 pt, a short line under the subject;
- the body at 14 pt, justified, first line indented 12.7 mm, 6 pt between paragraphs;
- "Nơi nhận:" bold italic 12 pt, its lines at 11 pt; the signer's title in bold capitals at 14 pt;
- the page number (a PAGE field) centred in the top margin at 14 pt, none on the first page
  ("different first page": the first page has a header of its own, empty, where a letterhead can go).
"""

from __future__ import annotations

import datetime
import io
import math

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from showcase.common.diagnostics import catalog
from showcase.office.dossier import COLLECTIVE, INDIVIDUAL, LIST, MINUTES, SUBMISSION
from showcase.office.dossier_docx import normalised_zip

FONT = "Times New Roman"
BODY = 14
TABLE = 13  # the text of tables: still within 13–14 pt, fewer lines in narrow columns
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
TOP, BOTTOM, LEFT, RIGHT, HEADER = 20, 20, 30, 15, 10  # mm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
HEAD_COLUMNS = (62, TEXT_WIDTH - 62)  # the issuing body | the quốc hiệu, tiêu ngữ, place and date
FIXED_DATE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)  # the templates' own dates: the same bytes every time
# What follows w:pBdr in a w:pPr (ECMA-376 order; Word refuses a file whose elements are out of it).
_AFTER_BORDERS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                  "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                  "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                  "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
CENTER, JUSTIFY, LEFT_ALIGN = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


def _whole_twips(mm: float) -> Twips:
    """Word keeps margins in twips: rounded up, so that 15 mm stays at least 15 mm (850 twips would be 14.99)."""
    return Twips(math.ceil(mm * 1440 / 25.4))


def tags(text: str, fixed: dict | None = None, **names: str) -> str:
    """A catalog line with its {placeholders} as template tags, tags("Kính gửi: {addressee}", addressee="addressee"),
    or as the `fixed` text given for them."""
    return text.format(**{key: "{{ " + value + " }}" for key, value in names.items()}, **(fixed or {}))


def _fonts(properties, size: float | None = None) -> None:
    """Times New Roman for every script (w:rFonts, no theme font left to override it) and the size."""
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            element = properties.find(qn(tag))
            if element is None:
                element = OxmlElement(tag)
                properties.append(element)
            element.set(qn("w:val"), str(int(size * 2)))


class Builder:
    """One template being made: paragraphs, tables and the page set-up of Nghị định 30/2020."""

    def __init__(self, title: str):
        self.document = Document()
        self.words = catalog("vi")["dossier"]
        self._filled: set = set()  # the cells whose own first paragraph is taken
        self._page()
        self._styles()
        self._header()
        package = self.document.part.package
        for key, relation in list(package.rels.items()):  # the default template's thumbnail shows another document
            if relation.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
                del package.rels[key]
        properties = self.document.core_properties
        properties.title, properties.author, properties.comments = title, "", ""
        properties.last_modified_by, properties.revision = "", 1
        properties.created = properties.modified = FIXED_DATE

    def _page(self) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT)
        section.top_margin, section.bottom_margin = _whole_twips(TOP), _whole_twips(BOTTOM)
        section.left_margin, section.right_margin = _whole_twips(LEFT), _whole_twips(RIGHT)
        section.header_distance, section.footer_distance = Mm(HEADER), Mm(HEADER)

    def _styles(self) -> None:
        styles = self.document.styles.element
        defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _fonts(defaults, BODY)
        language = defaults.find(qn("w:lang"))
        language.set(qn("w:val"), "vi-VN")
        language.set(qn("w:eastAsia"), "vi-VN")
        normal = self.document.styles["Normal"]
        _fonts(normal.element.get_or_add_rPr(), BODY)
        layout = normal.paragraph_format
        layout.space_before, layout.space_after = Pt(0), Pt(6)
        layout.line_spacing_rule = WD_LINE_SPACING.SINGLE

    def _header(self) -> None:
        """The page number in the top margin from page 2 on; the first page's own header stays empty."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        first = section.first_page_header
        first.is_linked_to_previous = False
        first.paragraphs[0].paragraph_format.space_after = Pt(0)
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
            run = paragraph.add_run("2" if kind is None and text is None else "")
            self._format(run, BODY)
            if kind:
                field = OxmlElement("w:fldChar")
                field.set(qn("w:fldCharType"), kind)
                run._r.append(field)
            elif text:
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = text
                run._r.append(instruction)

    # --- text ---------------------------------------------------------------------------------------

    @staticmethod
    def _format(run, size: float, bold: bool = False, italic: bool = False) -> None:
        run.font.size = Pt(size)
        run.font.bold = bold or None
        run.font.italic = italic or None
        _fonts(run._r.get_or_add_rPr())

    def paragraph(self, text: str = "", container=None, *, align=JUSTIFY, size: float = BODY, bold: bool = False,
                  italic: bool = False, indent: bool = True, before: float = 0, after: float = 6, keep: bool = False):
        """A paragraph of one run; `container` a cell (default the body). Justified body text indents its first line."""
        if container is None:
            paragraph = self.document.add_paragraph()
        elif container._tc not in self._filled:  # a new cell comes with one empty paragraph: the first one
            self._filled.add(container._tc)
            paragraph = container.paragraphs[0]
        else:
            paragraph = container.add_paragraph()
        paragraph.alignment = align
        layout = paragraph.paragraph_format
        layout.space_before, layout.space_after = Pt(before), Pt(after)
        layout.first_line_indent = Mm(12.7) if indent and align == JUSTIFY else None
        layout.keep_with_next = keep or None
        if text:
            self._format(paragraph.add_run(text), size, bold, italic)
        return paragraph

    def tag(self, statement: str, container=None) -> None:
        """A paragraph that is only a docxtpl paragraph tag (`{%p for … %}`): it leaves no paragraph behind."""
        self.paragraph("{%p " + statement + " %}", container, align=LEFT_ALIGN, indent=False, after=0)

    def heading(self, text: str, **options) -> None:
        self.paragraph(text, **{"bold": True, "indent": False, "align": LEFT_ALIGN, "keep": True, "before": 6, **options})

    def rule(self, container, width: float, column: float, after: float = 6) -> None:
        """A short line under a title, `width` mm long, centred in a `column` mm wide: a bordered empty paragraph."""
        paragraph = self.paragraph("", container, align=CENTER, indent=False, after=after)
        layout = paragraph.paragraph_format
        layout.left_indent = layout.right_indent = Mm(max((column - width) / 2, 0))
        properties = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        properties.insert_element_before(borders, *_AFTER_BORDERS)
        mark = OxmlElement("w:rPr")  # the paragraph mark at 2 pt: the line sits close under the title
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "4")
        mark.append(size)
        properties.insert_element_before(mark, "w:sectPr", "w:pPrChange")

    # --- tables -------------------------------------------------------------------------------------

    def table(self, widths: tuple[float, ...], rows: int, grid: bool):
        table = self.document.add_table(rows=rows, cols=len(widths))
        if grid:
            table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False  # w:tblLayout fixed: the widths below hold in Word and LibreOffice alike
        for index, width in enumerate(widths):
            table.columns[index].width = Mm(width)
            for cell in table.columns[index].cells:
                cell.width = Mm(width)
        return table

    @staticmethod
    def whole_row(row) -> None:
        """Keep a table row on one page, and repeat it on every page when it is the header."""
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))

    @staticmethod
    def header_row(row) -> None:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))

    def cells(self, row, texts: list[str], *, bold: bool = False, size: float = TABLE, align=CENTER) -> None:
        for cell, text in zip(row.cells, texts, strict=True):
            self.paragraph(text, cell, align=align, size=size, bold=bold, indent=False, after=0)

    def loop_rows(self, table, start: int, statement: str) -> None:
        """Rows `start` and `start + 2` of `table` open and close a docxtpl row loop around row `start + 1`."""
        self.paragraph("{%tr " + statement + " %}", table.rows[start].cells[0], align=LEFT_ALIGN, indent=False, after=0)
        self.paragraph("{%tr endfor %}", table.rows[start + 2].cells[0], align=LEFT_ALIGN, indent=False, after=0)

    # --- the parts every document has ---------------------------------------------------------------

    def masthead(self, upper_body: str, body: str, number: str | None) -> None:
        """The issuing body (under its governing body) with its document number, beside the quốc hiệu,
        the tiêu ngữ and the place and date."""
        words = self.words
        table = self.table(HEAD_COLUMNS, 2, grid=False)
        left, right = table.rows[0].cells
        self.paragraph(upper_body, left, align=CENTER, size=13, indent=False, after=0)
        self.paragraph(body, left, align=CENTER, size=13, bold=True, indent=False, after=0)
        self.rule(left, 24, HEAD_COLUMNS[0], after=0)
        self.paragraph(words["national_title"], right, align=CENTER, size=12, bold=True, indent=False, after=0)
        self.paragraph(words["motto"], right, align=CENTER, size=13, bold=True, indent=False, after=0)
        self.rule(right, 62, HEAD_COLUMNS[1], after=0)
        left, right = table.rows[1].cells
        self.paragraph(number or "", left, align=CENTER, size=13, indent=False, before=6, after=0)
        self.paragraph(tags(words["place_date"], place="place", day="day", month="month", year="year"), right,
                       align=CENTER, size=14, italic=True, indent=False, before=6, after=0)

    def title(self, kind: str, subject: str) -> None:
        self.paragraph(kind, align=CENTER, bold=True, indent=False, before=18, after=0, keep=True)
        self.paragraph(subject, align=CENTER, bold=True, indent=False, after=0, keep=True)
        self.rule(None, 40, TEXT_WIDTH, after=12)

    def signatures(self, left: list[tuple[str, dict]], right: list[tuple[str, dict]]) -> None:
        """Two columns at the end: each a list of (text, paragraph options); an empty text is a blank line."""
        table = self.table((TEXT_WIDTH / 2, TEXT_WIDTH / 2), 1, grid=False)
        self.whole_row(table.rows[0])
        for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
            for text, options in lines:
                self.paragraph(text, cell, indent=False, after=0, **{"align": CENTER, **options})
        self.paragraph("", after=0)

    def recipients_and_signer(self) -> None:
        words = self.words
        left = [(words["recipients"], {"align": LEFT_ALIGN, "size": 12, "bold": True, "italic": True, "before": 12})]
        left += [(line, {"align": LEFT_ALIGN, "size": 11}) for line in words["recipient_lines"]]
        right = [(words["signer"], {"bold": True, "before": 12}), (words["signature_note"], {"italic": True, "size": 13})]
        right += [("", {})] * 4 + [(words["blank"], {"bold": True})]
        self.signatures(left, right)

    def docx(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return normalised_zip(buffer.getvalue())


# --- the documents ---------------------------------------------------------------------------------------


def _office_masthead(builder: Builder, symbol: str | None) -> None:
    number = tags(builder.words["number"], {"symbol": symbol}, abbreviation="abbreviation") if symbol else None
    builder.masthead("{{ governing_body }}", "{{ department_upper }}", number)


def submission() -> bytes:
    """Mẫu 01: the tờ trình to the milestone's `nominate_to`, with the list by field."""
    builder = Builder("Tờ trình")
    words = builder.words
    _office_masthead(builder, words["submission_symbol"])
    builder.title(words["submission_type"], tags(words["subject"], milestone="milestone"))
    builder.paragraph(tags(words["to"], addressee="addressee"), align=CENTER, indent=False, after=12)
    for line in words["law_basis"]:
        builder.paragraph(line)
    builder.tag("for item in basis")
    builder.paragraph(tags(words["plan_basis"], basis="item"))
    builder.tag("endfor")
    builder.paragraph(tags(words["implementing"], plan="plan"))
    builder.paragraph(tags(words["council_basis"], {"blank_date": words["blank_date"]}, department="department"))
    builder.paragraph(tags(words["opening"], department="department", counts="counts", period="period",
                           addressee="addressee"))
    builder.tag("for group in groups")
    builder.paragraph("{{ group.heading }}", keep=True)
    builder.tag("for item in group.members")
    builder.paragraph("{{ item }}")
    builder.tag("endfor")
    builder.tag("endfor")
    builder.paragraph(words["attached"], italic=True)
    builder.paragraph(tags(words["closing"], department="department"))
    builder.recipients_and_signer()
    return builder.docx()


def nominee_list() -> bytes:
    """The danh sách: every nominee with position and unit, field and a line of achievement, by kind."""
    builder = Builder("Danh sách")
    words = builder.words
    _office_masthead(builder, None)
    builder.title(words["list_type"], tags(words["list_subject"], milestone="milestone"))
    builder.paragraph(tags(words["list_attached"], {"blank_date": words["blank_date"]}, abbreviation="abbreviation",
                           department="department"), align=CENTER, italic=True, indent=False, after=12)
    widths = (14, 42, 38, 27, TEXT_WIDTH - 14 - 42 - 38 - 27)
    table = builder.table(widths, 7, grid=True)
    builder.header_row(table.rows[0])
    builder.cells(table.rows[0], words["list_columns"], bold=True)
    builder.loop_rows(table, 1, "for section in sections")
    heading = table.rows[2].cells[0].merge(table.rows[2].cells[-1])
    builder.paragraph("{{ section.heading }}", heading, align=LEFT_ALIGN, size=TABLE, bold=True, indent=False, after=0)
    builder.loop_rows(table, 3, "for row in section.rows")
    builder.whole_row(table.rows[4])
    row = table.rows[4]
    builder.cells(row, ["{{ row.number }}", "{{ row.name }}", "{{ row.position_unit }}", "{{ row.field }}", "{{ row.summary }}"],
                  align=LEFT_ALIGN)
    row.cells[0].paragraphs[0].alignment = CENTER
    # the outer loop's end: rows 5 and 6 are the inner's end (loop_rows) and the outer's
    builder.paragraph("{%tr endfor %}", table.rows[6].cells[0], align=LEFT_ALIGN, indent=False, after=0)
    builder.paragraph(tags(words["list_total"], counts="counts"), before=6)
    builder.recipients_and_signer()
    return builder.docx()


def _report_start(builder: Builder) -> None:
    words = builder.words
    builder.masthead("{{ department_upper }}", "{{ nominee.unit_upper }}", None)
    builder.title(words["report_type"], tags(words["report_subject"], milestone="milestone"))


def _story(builder: Builder) -> None:
    builder.tag("for block in nominee.story")
    builder.tag("if block.heading")
    builder.paragraph("{{ block.text }}", bold=True, italic=True, indent=False, align=LEFT_ALIGN, keep=True)
    builder.tag("else")
    builder.paragraph("{{ block.text }}")
    builder.tag("endif")
    builder.tag("endfor")


def _lines(builder: Builder, expression: str) -> None:
    builder.tag(f"for line in {expression}")
    builder.paragraph("{{ line }}")
    builder.tag("endfor")


def _criteria_and_awards(builder: Builder) -> None:
    words = builder.words
    builder.tag("if nominee.criteria")
    builder.heading(tags(words["criteria"], plan="plan"))
    _lines(builder, "nominee.criteria")
    builder.tag("endif")
    builder.heading(words["awards"], before=12)
    table = builder.table((18, 57, 52, TEXT_WIDTH - 18 - 57 - 52), 4, grid=True)
    builder.header_row(table.rows[0])
    builder.cells(table.rows[0], words["award_columns"], bold=True)
    builder.loop_rows(table, 1, "for award in nominee.awards")
    builder.whole_row(table.rows[2])
    builder.cells(table.rows[2], ["{{ award.year }}", "{{ award.title }}", "{{ award.decision }}", "{{ award.issuer }}"],
                  align=LEFT_ALIGN)
    builder.paragraph("", after=6)


def collective_report() -> bytes:
    """Mẫu 02: the achievement report of a collective."""
    builder = Builder("Báo cáo thành tích (tập thể)")
    words = builder.words
    _report_start(builder)
    builder.paragraph(tags(words["collective_name"], name="nominee.name"), align=CENTER, bold=True, indent=False, after=12)
    builder.heading(words["collective_situation"])
    builder.heading(words["collective_features"])
    _lines(builder, "nominee.situation")
    builder.heading(words["collective_functions"])
    builder.paragraph("{{ nominee.duties }}")
    builder.heading(words["achievements"], before=12)
    builder.heading(words["collective_results"])
    _lines(builder, "nominee.achievements")
    builder.heading(words["collective_measures"])
    _story(builder)
    _criteria_and_awards(builder)
    builder.signatures([(words["collective_confirm"], {"bold": True}), (words["stamp_note"], {"italic": True, "size": 13})],
                       [(words["collective_head"], {"bold": True}), (words["stamp_note"], {"italic": True, "size": 13})])
    return builder.docx()


def individual_report() -> bytes:
    """Mẫu 03: the achievement report of an individual, the background from the private folder or blank."""
    builder = Builder("Báo cáo thành tích (cá nhân)")
    words = builder.words
    _report_start(builder)
    builder.heading(words["individual_background"])
    background = "nominee.background."
    for key, names in (("individual_name", {"name": "nominee.name"}),
                       ("individual_birth", {"birth_date": background + "birth_date", "gender": background + "gender"}),
                       ("individual_hometown", {"hometown": background + "hometown"}),
                       ("individual_residence", {"residence": background + "residence"}),
                       ("individual_unit", {"unit": "nominee.unit"}),
                       ("individual_position", {"position": background + "position"}),
                       ("individual_qualifications", {"qualifications": background + "qualifications"}),
                       ("individual_honours", {"honours": background + "honours"})):
        builder.paragraph(tags(words[key], **names), indent=False, align=LEFT_ALIGN)
    builder.heading(words["achievements"], before=12)
    builder.heading(words["individual_duties"])
    builder.paragraph("{{ nominee.duties }}")
    builder.heading(words["individual_results"])
    _lines(builder, "nominee.achievements")
    _story(builder)
    _criteria_and_awards(builder)
    builder.signatures([(words["individual_confirm"], {"bold": True}), (words["stamp_note"], {"italic": True, "size": 13})],
                       [(words["individual_reporter"], {"bold": True}), (words["reporter_note"], {"italic": True, "size": 13}),
                        *[("", {})] * 4, ("{{ nominee.name }}", {"bold": True})])
    return builder.docx()


def minutes() -> bytes:
    """The skeleton of the council's biên bản: the nominees, and blanks for the vote."""
    builder = Builder("Biên bản họp Hội đồng Thi đua - Khen thưởng")
    words = builder.words
    _office_masthead(builder, words["minutes_symbol"])
    builder.title(words["minutes_type"], tags(words["minutes_subject"], department="department", milestone="milestone"))
    for line in words["minutes_lines"]:
        builder.paragraph(line, indent=False, align=LEFT_ALIGN)
    builder.paragraph(tags(words["minutes_agenda"], counts="counts"))
    widths = (12, TEXT_WIDTH - 12 - 32 - 28, 32, 28)
    table = builder.table(widths, 4, grid=True)
    builder.header_row(table.rows[0])
    builder.cells(table.rows[0], words["minutes_columns"], bold=True)
    builder.loop_rows(table, 1, "for row in rows")
    builder.whole_row(table.rows[2])
    blank = words["short_blank"]
    builder.cells(table.rows[2], ["{{ row.number }}", "{{ row.name }}", blank, blank])
    table.rows[2].cells[1].paragraphs[0].alignment = LEFT_ALIGN
    builder.paragraph("", after=6)
    builder.paragraph(words["minutes_conclusion"])
    builder.paragraph(words["minutes_end"])
    builder.signatures([(words["minutes_secretary"], {"bold": True, "before": 12}), *[("", {})] * 4, (words["blank"], {"bold": True})],
                       [(words["minutes_chair"], {"bold": True, "before": 12}), *[("", {})] * 4, (words["blank"], {"bold": True})])
    return builder.docx()


MAKERS = {SUBMISSION: submission, LIST: nominee_list, MINUTES: minutes, COLLECTIVE: collective_report,
          INDIVIDUAL: individual_report}


def make_templates() -> dict[str, bytes]:
    """Every template: file name (in layouts/dossier/) → .docx bytes, the same bytes on every run."""
    return {f"{name}.docx": make() for name, make in MAKERS.items()}
