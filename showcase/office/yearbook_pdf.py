"""The yearbook printed to PDF by headless Chromium, with page numbers in its table of contents.

Chromium does not print CSS `target-counter`, so the book is printed until the contents give the pages
the exemplars are printed on (pdf_pages.destination_pages reads them from the PDF): twice, as filling
in the numbers moves nothing (layouts/yearbook.html); a third time only if it did.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from showcase.office.pdf_pages import destination_pages

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _localise_urls(html: str, root: Path) -> str:
    """Root-relative links (/prefix/assets/...) point into the temporary site when printed from file://."""
    base = root.as_uri()
    return html.replace('src="/', f'src="{base}/').replace('href="/', f'href="{base}/')


YEARBOOK_PRINTINGS = 3
_TOC_PAGE = re.compile(r'(<span class="toc-page" data-page-of="([^"]+)">)(</span>)')


def with_page_numbers(html: str, numbers: dict[str, int]) -> str:
    """The yearbook with each table-of-contents entry's page filled in (anchor → page number)."""
    return _TOC_PAGE.sub(lambda match: f"{match[1]}{numbers.get(match[2], '')}{match[3]}", html) if numbers else html


def _print_pdf(chromium: str, page: Path, target: Path, profile: Path) -> tuple[str, dict] | None:
    """Print `page` to `target` with headless Chromium; what went wrong (a cli message and its values), or None."""
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={profile}", f"--print-to-pdf={target}", page.as_uri(),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    except (OSError, subprocess.TimeoutExpired) as error:
        return ("chromium_failed", {"problem": str(error)})
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        return ("chromium_exit", {"code": done.returncode, "detail": done.stderr.strip()[-500:]})
    return None




def print_yearbook(chromium: str, root: Path, page: Path, target: Path, profile: Path) -> tuple[str, dict] | None:
    """Print the yearbook `page` of the site written at `root` to `target`, Chromium's user data in
    `profile`; None, or the problem (a cli message key and its values; a warning's starts with "yearbook_")."""
    html = _localise_urls(page.read_text(encoding="utf-8"), root)
    numbers: dict[str, int] = {}
    for _ in range(YEARBOOK_PRINTINGS):
        page.write_text(with_page_numbers(html, numbers), encoding="utf-8")
        problem = _print_pdf(chromium, page, target, profile)
        if problem:
            return problem
        found = destination_pages(target.read_bytes())
        if found == numbers:
            return None
        if not found:
            return ("yearbook_no_page_numbers", {})
        numbers = found
    return ("yearbook_pages_may_differ", {})
