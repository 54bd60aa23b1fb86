"""The dossier's documents as Word files: each context (office/dossier.py) put into its template.

The templates (layouts/dossier/*.docx, made by office/dossier_templates.py) are ordinary Word files
with Jinja2 tags in them; docxtpl renders them, so a clerk may open one in Word and add the
department's letterhead or a signature block without touching Python. docxtpl mends the tags Word
splits into pieces when a text around them is edited (proofing marks, revision ids); what it cannot
read is reported with the template's name (DossierTemplateError), never as a traceback.

Every file is written the same way for the same input: zip members in a fixed order with a fixed
date, the document's own dates set to the reference day.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

from showcase.common.paths import display_path
from showcase.office.dossier import Dossier

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip member can carry


class DossierTemplateError(Exception):
    """A template that is missing or cannot be rendered: a cli message key and its values."""

    def __init__(self, key: str, **args):
        super().__init__(key)
        self.key = key
        self.args_ = args


def _zip(members: list[tuple[str, bytes]], date_time: tuple) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            member = zipfile.ZipInfo(name, date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            member.create_system = 3
            target.writestr(member, data)
    return out.getvalue()


def normalised_zip(data: bytes, date_time: tuple = ZIP_EPOCH) -> bytes:
    """The same zip (a .docx is one), members in their order, every one dated `date_time` and stored the
    same way, so that the same documents give the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return _zip([(info.filename, source.read(info.filename)) for info in source.infolist()], date_time)


def zip_files(files: dict[str, bytes], date_time: tuple = ZIP_EPOCH) -> bytes:
    """A zip of `files` (name → bytes) in the order of their names."""
    return _zip([(name, files[name]) for name in sorted(files)], date_time)


def _date_time(day: datetime.date) -> tuple:
    return (max(day.year, 1980), day.month, day.day, 0, 0, 0) if day.year >= 1980 else ZIP_EPOCH


def render_document(template: Path, context: dict, day: datetime.date) -> bytes:
    """One document: `template` rendered with `context`; its dates are `day`."""
    import jinja2
    from docxtpl import DocxTemplate

    shown = display_path(template)
    if not template.is_file():
        raise DossierTemplateError("dossier_template_missing", path=shown)
    try:
        document = DocxTemplate(template)
        environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        document.render(context, environment)
        midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
        properties = document.docx.core_properties
        properties.created = properties.modified = midnight
        buffer = io.BytesIO()
        document.save(buffer)
    except jinja2.TemplateError as error:
        raise DossierTemplateError("dossier_template_broken", path=shown, problem=str(error)) from error
    except Exception as error:  # noqa: BLE001 - not a Word file, or a damaged one: zipfile, lxml, docxtpl each raise their own
        raise DossierTemplateError("dossier_template_broken", path=shown, problem=f"{type(error).__name__}: {error}") from error
    return normalised_zip(buffer.getvalue(), _date_time(day))


def render_dossier(dossier: Dossier, templates_dir: Path, day: datetime.date) -> dict[str, bytes]:
    """Every document of the dossier (file name → .docx bytes), plus the zip of them all under the dossier's
    folder name."""
    files = {document.file: render_document(templates_dir / f"{document.template}.docx", document.context, day)
             for document in dossier.documents}
    files[f"{dossier.folder}.zip"] = zip_files(files, _date_time(day))
    return files


def make_dossier_files(profiles: list, project, content_dir: Path, key: str | int, templates_dir: Path, day: datetime.date,
                       records: list | None = None, when: datetime.date | None = None) -> tuple[Dossier, dict[str, bytes]]:
    """The dossier of the milestone `key` (an id) or of the year `key` (an int) from the validated profiles,
    and its files; (dossier with no document, {}) when nobody is nominated. `records`: the private folder's."""
    from showcase.office.dashboard_pages import settings
    from showcase.office.dossier import make_dossier, match_private, milestone_nominees, year_nominees
    from showcase.office.reports import find_milestone

    order = settings(project)[1]
    if isinstance(key, int):
        plan, milestone = project.plan_for_year(key), None
        nominees = year_nominees(profiles, plan, key, order)
    else:
        plan, milestone = find_milestone(project, key)
        nominees = milestone_nominees(profiles, plan, milestone, order)
    matched, unmatched = match_private(records or [], profiles)
    dossier = make_dossier(nominees, plan, milestone, key if milestone is None else None, project, content_dir, matched, when)
    dossier.diagnostics = sorted(unmatched + dossier.diagnostics, key=lambda item: item.sort_key())
    if not nominees:
        dossier.documents = []
        return dossier, {}
    return dossier, render_dossier(dossier, templates_dir, day)
