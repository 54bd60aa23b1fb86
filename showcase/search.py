"""Full-text search: index the rendered pages with Pagefind, in memory, before anything is written.

Input: the rendered files (output path → bytes). Output: the Pagefind bundle's files, keyed by
output path under the section's prefix, to be added to the same mapping so that `write_tree`
publishes pages and index in one atomic swap.

What gets indexed is decided by the layouts: Pagefind only keeps pages that carry
`data-pagefind-body` (profile articles), with `data-pagefind-filter` / `data-pagefind-meta`
marking filters and result metadata. Pagefind folds tone and vowel marks by itself but not `đ`,
which has no Unicode decomposition; `text.dd_words` gives the layouts the ASCII-folded form of the
words that contain it, to index as hidden text (see docs in layouts/profile.html).
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import threading
from pathlib import Path

BUNDLE_DIR = "pagefind"
# The Pagefind UI bundles are not used (static/js/search.js talks to pagefind.js directly).
_UNUSED = re.compile(r"^pagefind-(ui|component-ui|modular-ui|highlight)\.|^playground/")


class SearchIndexError(Exception):
    """Pagefind could not be run; the build must stop without publishing."""


def page_url(output_path: str) -> str:
    """`a/b/index.html` → `/a/b/`; the URL a visitor follows from a search result."""
    url = "/" + output_path
    return url[: -len("index.html")] if url.endswith("/index.html") else url


async def _index(pages: dict[str, str], language: str, work_dir: Path) -> None:
    from pagefind.index import PagefindIndex  # imported here: `check` must not need the binary

    # The index is written to work_dir when the context closes without error.
    config = {"force_language": language, "keep_index_url": False, "output_path": str(work_dir)}
    async with PagefindIndex(config=config) as index:
        for output_path, html in pages.items():
            await index.add_html_file(content=html, url=page_url(output_path))


def _run_in_thread(make_coroutine) -> BaseException | None:
    """Run Pagefind's asyncio client on a thread of its own, so a caller that already runs an event
    loop (a preview server, a test driving a browser) can build too. Returns the failure, if any."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(make_coroutine())
        except Exception as error:  # noqa: BLE001 - any failure of the external tool becomes a diagnostic
            failure.append(error)

    thread = threading.Thread(target=target, name="pagefind")
    thread.start()
    thread.join()
    return failure[0] if failure else None


def build_index(files: dict[str, bytes], prefix: str, language: str) -> dict[str, bytes]:
    """Index every rendered HTML page; return the bundle's files under `<prefix>pagefind/`."""
    pages = {path: data.decode("utf-8") for path, data in sorted(files.items())
             if path.endswith(".html") and b"data-pagefind-body" in data}
    bundle = f"{prefix.lstrip('/')}{BUNDLE_DIR}/"
    with tempfile.TemporaryDirectory(prefix="showcase-pagefind-") as work:
        work_dir = Path(work) / BUNDLE_DIR
        failure = _run_in_thread(lambda: _index(pages, language, work_dir))
        if failure is not None:
            raise SearchIndexError(f"{type(failure).__name__}: {failure}") from failure
        output = {}
        for path in sorted(work_dir.rglob("*")):
            relative = path.relative_to(work_dir).as_posix()
            if path.is_file() and not _UNUSED.search(relative):
                output[bundle + relative] = path.read_bytes()
    if f"{bundle}pagefind.js" not in output:
        raise SearchIndexError("Pagefind did not write pagefind.js")
    return output
