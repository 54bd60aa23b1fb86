"""Full-text search: index the rendered pages with Pagefind, in memory, before anything is written.

Input: the rendered files (output path → bytes). Output: the Pagefind bundle's files, keyed by
output path under the section's prefix, to be added to the same mapping so that `write_tree`
publishes pages and index in one atomic swap.

What gets indexed is decided by the layouts: Pagefind only keeps pages that carry
`data-pagefind-body` (profile articles), with `data-pagefind-filter` / `data-pagefind-meta`
marking filters and result metadata. Pagefind folds tone and vowel marks by itself but not `đ`,
which has no Unicode decomposition; `text.dd_words` gives the layouts the ASCII-folded form of the
words that contain it, to index as hidden text (see docs in layouts/profile.html).

Pagefind's filter and metadata files are not byte-stable between runs (hash-map order, upstream
Pagefind/pagefind#638), so the bundle is cached under `.cache/search/<sha256 of the inputs>/`: the
same pages give the same bytes on a rebuild, as the rest of the site does.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
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

    # The pages go to a scratch folder and Pagefind reads them in one request: its Python client
    # polls for each answer every 0.1 s, so adding pages one by one costs 0.1 s a page (17 minutes
    # at 10,000 profiles) where one folder costs a second. URLs come from the paths as page_url() makes them.
    site_dir = work_dir.parent / "site"
    for url, html in pages.items():
        target = site_dir / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    # The index is written to work_dir when the context closes without error.
    config = {"force_language": language, "keep_index_url": False, "output_path": str(work_dir)}
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(site_dir))


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


def cache_key(pages: dict[str, str], language: str) -> str:
    from importlib.metadata import version

    digest = hashlib.sha256(json.dumps([version("pagefind"), language, sorted(pages.items())]).encode("utf-8"))
    return digest.hexdigest()


def _read_cache(folder: Path) -> dict[str, bytes] | None:
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return None
    try:
        names = json.loads(manifest.read_text(encoding="utf-8"))
        return {name: (folder / "files" / name).read_bytes() for name in names}
    except (OSError, ValueError):
        return None


def _write_cache(folder: Path, files: dict[str, bytes]) -> None:
    """Best effort: a cache that cannot be written only costs time on the next build."""
    try:
        staging = folder.with_name(folder.name + f".tmp-{os.getpid()}")
        for name, data in files.items():
            (staging / "files" / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / "files" / name).write_bytes(data)
        (staging / "manifest.json").write_text(json.dumps(sorted(files)), encoding="utf-8")
        os.replace(staging, folder)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def _run_pagefind(pages: dict[str, str], language: str) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="showcase-pagefind-") as work:
        work_dir = Path(work) / BUNDLE_DIR
        failure = _run_in_thread(lambda: _index(pages, language, work_dir))
        if failure is not None:
            raise SearchIndexError(f"{type(failure).__name__}: {failure}") from failure
        return {path.relative_to(work_dir).as_posix(): path.read_bytes() for path in sorted(work_dir.rglob("*"))
                if path.is_file() and not _UNUSED.search(path.relative_to(work_dir).as_posix())}


def build_index(files: dict[str, bytes], prefix: str, language: str, cache_dir: Path | None = None) -> dict[str, bytes]:
    """Index every rendered HTML page; return the bundle's files under `<prefix>pagefind/`."""
    pages = {page_url(path): data.decode("utf-8") for path, data in sorted(files.items())
             if path.endswith(".html") and b"data-pagefind-body" in data}
    folder = cache_dir / cache_key(pages, language) if cache_dir is not None else None
    bundle = (_read_cache(folder) if folder is not None else None) or None
    if bundle is None:
        bundle = _run_pagefind(pages, language)
        if "pagefind.js" not in bundle:
            raise SearchIndexError("Pagefind did not write pagefind.js")
        if folder is not None:
            _write_cache(folder, bundle)
    base = f"{prefix.lstrip('/')}{BUNDLE_DIR}/"
    return {base + name: data for name, data in bundle.items()}
