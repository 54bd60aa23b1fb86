"""Full-text search: index the rendered pages with Pagefind, before anything is written.

Input: the rendered files (output path → bytes) and, for each indexed page, its shard key (the
profile's year). Output: the Pagefind bundles' files, keyed by output path under the section's prefix,
to be added to the same mapping so that `write_tree` publishes pages and index in one atomic swap.

What gets indexed is decided by the layouts: Pagefind only keeps pages that carry
`data-pagefind-body` (profile articles), with `data-pagefind-filter` / `data-pagefind-meta`
marking filters and result metadata. Pagefind folds tone and vowel marks by itself but not `đ`,
which has no Unicode decomposition; `text.dd_words` gives the layouts the ASCII-folded form of the
words that contain it, to index as hidden text (see docs in layouts/profile.html).

Shards. Pagefind's time and memory grow with the pages of one run (about 0.28 MB of memory a page,
time a little faster than linearly: 3.5 s and 570 MB for 2,000 profiles, 19.5 s and 2.75 GB for
10,000), and one run means any edit re-indexes every page. From `SHARD_MIN_PAGES` indexed pages
on (setting `search_shard_min` in data/site.yaml), each year's profiles get a bundle of their own
at `<prefix>pagefind/<year>/`; the search page loads the first and merges the others in the browser
(Pagefind's multisite `mergeIndex`, which merges results and filter counts, and searches every
bundle with the first bundle's WebAssembly, downloaded once). Below it a site keeps one bundle at
`<prefix>pagefind/`, so a small site costs a visitor one set of requests. `bundle_urls` gives the
search page the list; `build_index` makes the same split, both from the same years.

Each shard runs the `pagefind` binary as a subprocess on a scratch folder, in
memory where /dev/shm has room (else on disk), holding only the indexed part of each page (the
`data-pagefind-body` element in a minimal document with the page's language); shards that need
indexing run side by side, at most one per core (SHOWCASE_JOBS). A test checks that the index is the
same as from the whole pages. A site with no profile yet gets an empty bundle from Pagefind's service
(the command line refuses to write one). Any failure stops the build (B001): nothing is published.

Reproducible. Pagefind writes its filter and metadata files in hash-map order (upstream
Pagefind/pagefind#638); `search_canonical.canonical_bundle` puts every bundle in one order and names
its files by content, so two builds of the same pages give the same bytes, with or without a cache.

Cache. Each shard's bundle is cached, as one file,
`.cache/search/<sha256 of Pagefind's version, the language, the shard's URLs and indexed parts>.bundle`,
so that editing one profile re-indexes only its year. Related-profile cards and other text outside the indexed part do
not count. An entry whose digest does not match is ignored and rebuilt; entries are written under
a temporary name and renamed into place; the least recently used beyond `CACHE_KEEP` (or three a
shard) are removed.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from showcase.common import timings
from showcase.common.cores import job_count
from showcase.site.search_canonical import canonical_bundle

BUNDLE_DIR = "pagefind"
SHARD_MIN_PAGES = 1000  # indexed pages from which the index is split by year (see the module docstring)
CACHE_KEEP = 16  # cached bundles kept at least (least recently used removed); 3 a shard on a sharded site
CACHE_FORMAT = "4"  # bump when what goes into a shard's scratch pages, or its key, changes
PART_DIGESTS = "parts.json"  # page content key → digest of its indexed part
CACHE_MAGIC = b"showcase-search-bundle 1"
CACHE_SUFFIX = ".bundle"
# The Pagefind UI bundles are not used (static/js/search.js talks to pagefind.js directly).
_UNUSED = re.compile(r"^pagefind-(ui|component-ui|modular-ui|highlight)\.|^playground/")
_BODY = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\sdata-pagefind-body[\s=>/]")


class SearchIndexError(Exception):
    """Pagefind could not be run; the build must stop without publishing."""


def page_url(output_path: str) -> str:
    """`a/b/index.html` → `/a/b/`; the URL a visitor follows from a search result."""
    url = "/" + output_path
    return url[: -len("index.html")] if url.endswith("/index.html") else url


def shard_threshold(extra: Mapping) -> int:
    """`search_shard_min` from data/site.yaml's extra settings (checked by config.load_site)."""
    return int(extra.get("search_shard_min", SHARD_MIN_PAGES))


def page_shards(pages: Iterable) -> dict[str, str]:
    """Output path → shard key (the year) of every profile page (model.Page with a `profile` detail)."""
    return {page.output_path: str(page.context["profile"]["year"]) for page in pages if page.template == "profile.html"}


def shard_names(keys: Iterable[str], threshold: int = SHARD_MIN_PAGES) -> list[str]:
    """The bundles for the indexed pages with these shard keys (one a page, "" for none): `[""]`, one
    bundle at the root, below the threshold; from it on, one bundle per distinct key, in order."""
    keys = list(keys)
    named = sorted({key for key in keys if key})
    return named if named and len(keys) >= threshold else [""]


def bundle_urls(prefix: str, keys: Iterable[str], threshold: int = SHARD_MIN_PAGES) -> list[str]:
    """URLs of the bundles the search page loads (the first) and merges (the others)."""
    return [f"{prefix}{BUNDLE_DIR}/" + (f"{name}/" if name else "") for name in shard_names(keys, threshold)]


def indexed_part(page: str) -> str | None:
    """The element carrying `data-pagefind-body`, from its start tag to its matching end tag."""
    start = _BODY.search(page)
    if start is None:
        return None
    name = start.group(1).lower()
    tags = re.compile(rf"<(/?){name}\b[^>]*>", re.IGNORECASE)
    depth = 0
    for match in tags.finditer(page, start.start()):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return page[start.start():match.end()]
    return page[start.start():]


def scratch_page(part: str, language: str) -> str:
    """What Pagefind reads for a page: the indexed element in a minimal document of the page's language."""
    return (f'<!DOCTYPE html><html lang="{html.escape(language)}"><head><meta charset="utf-8"></head>'
            f"<body>{part}</body></html>")


def cache_key(pages: Mapping[str, tuple[str, str]], language: str) -> str:
    """A shard's key: Pagefind's version, the language, and its pages (URL → (digest of the indexed part, path))."""
    from importlib.metadata import version

    digest = hashlib.sha256(json.dumps([CACHE_FORMAT, version("pagefind_bin"), language]).encode("utf-8"))
    for url in sorted(pages):
        digest.update(b"\0" + url.encode("utf-8") + b"\0" + pages[url][0].encode("ascii"))
    return digest.hexdigest()


def _read_cache(entry: Path) -> dict[str, bytes] | None:
    """The cached bundle, or None if it is missing or damaged (truncated, changed, unreadable)."""
    try:
        data = entry.read_bytes()
        magic, digest, header, blob = data.split(b"\n", 3)
        if magic != CACHE_MAGIC or hashlib.sha256(header + b"\n" + blob).hexdigest().encode() != digest:
            return None
        files, offset = {}, 0
        for name, size in json.loads(header):
            files[name], offset = blob[offset:offset + size], offset + size
        if offset != len(blob) or "pagefind.js" not in files:
            return None
        os.utime(entry)  # recently used: kept by _prune
        return files
    except (OSError, ValueError, TypeError):
        return None


def _write_cache(entry: Path, files: dict[str, bytes]) -> None:
    """One file a bundle (thousands of small files cost more to write than to index), written to a
    temporary name and renamed into place. Best effort: a cache that cannot be written only costs time."""
    names = sorted(files)
    header = json.dumps([[name, len(files[name])] for name in names]).encode("utf-8")
    blob = b"".join(files[name] for name in names)
    digest = hashlib.sha256(header + b"\n" + blob).hexdigest().encode()
    staging = entry.with_name(f"{entry.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with staging.open("wb") as target:
            target.write(b"\n".join((CACHE_MAGIC, digest, header, blob)))
        os.replace(staging, entry)
    except OSError:
        staging.unlink(missing_ok=True)


def _prune(cache_dir: Path, keep: int = CACHE_KEEP) -> None:
    """Remove the least recently used entries beyond `keep`, and leftovers of interrupted writes."""
    try:
        entries = [path for path in cache_dir.iterdir() if path.is_file()]
        stale = [path for path in entries if ".tmp-" in path.name and time.time() - path.stat().st_mtime > 3600]
        entries = sorted((path for path in entries if path.suffix == CACHE_SUFFIX), key=lambda path: path.stat().st_mtime)
        for path in stale + entries[: max(0, len(entries) - keep)]:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def pagefind_binary() -> Path:
    from pagefind_bin import get_executable  # imported here: `check` must not need the binary

    return get_executable()


def _empty_bundle(language: str, out_dir: Path) -> None:
    """A bundle with no page (a new site): the command line refuses to write one, Pagefind's service does."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from pagefind.index import PagefindIndex

    async def write() -> None:
        config = {"force_language": language, "keep_index_url": False, "output_path": str(out_dir)}
        async with PagefindIndex(config=config):
            pass

    # asyncio.run on a thread of its own: the caller may already run an event loop (a preview server).
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, write()).result()


def scratch_root(needed: int = 0) -> str | None:
    """Where scratch sites go: memory (/dev/shm) where there is one with room for `needed` bytes, since
    writing thousands of small files to a disk costs more than indexing them (0.8 ms a file on the
    benchmark machine's ext4, against 0.03 ms); otherwise the system's temporary folder. (Containers
    often give /dev/shm only 64 MB.)"""
    shm = "/dev/shm"
    try:
        free = os.statvfs(shm).f_bavail * os.statvfs(shm).f_frsize
    except (OSError, AttributeError):
        return None
    return shm if free >= needed and os.access(shm, os.W_OK | os.X_OK) else None


def run_pagefind(pages: Mapping[str, str], language: str, root: str | None = None) -> dict[str, bytes]:
    """Index one shard: its pages (URL → indexed part) → the bundle's files (path in the bundle → bytes).
    `root`: the folder for the scratch site and bundle (scratch_root); if it fills up, the disk is used."""
    try:
        return _run_pagefind_in(pages, language, root)
    except OSError as error:
        if root is None:
            raise SearchIndexError(f"{type(error).__name__}: {error}") from error
    except SearchIndexError:
        if root is None:
            raise
    return run_pagefind(pages, language, None)


# Pagefind's allocator (jemalloc, read under this name by the binary PyPI ships) keeps four arenas a
# core by default. With one, a year of 2,000 profiles peaks at 470 MB instead of 570, and a year of
# 10,000 at 2.43 GB instead of 2.64 with 4.1 s of system time instead of 7.1, in the same wall time.
PAGEFIND_ALLOCATOR = ("_RJEM_MALLOC_CONF", "narenas:1")


def pagefind_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment Pagefind runs in: this one, with one allocator arena unless the user set otherwise."""
    name, value = PAGEFIND_ALLOCATOR
    return {name: value, **environ}


def _run_pagefind_in(pages: Mapping[str, str], language: str, root: str | None) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="showcase-pagefind-", dir=root) as work:
        site_dir, out_dir = Path(work) / "site", Path(work) / BUNDLE_DIR
        for url, part in pages.items():
            target = site_dir / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(scratch_page(part, language), encoding="utf-8")
        try:
            if not pages:
                _empty_bundle(language, out_dir)
            command = [str(pagefind_binary()), "--site", str(site_dir), "--output-path", str(out_dir),
                       "--force-language", language, "--silent"]
            done = subprocess.run(command, capture_output=True, check=False,
                                  env=pagefind_environment(os.environ)) if pages else None
            timings.mark(f"pagefind ran on {len(pages)} pages")
        except Exception as error:  # noqa: BLE001 - the binary is missing or cannot start: a diagnostic, not a crash
            raise SearchIndexError(f"{type(error).__name__}: {error}") from error
        if done is not None and done.returncode != 0:
            output = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
            raise SearchIndexError(f"pagefind exit {done.returncode}: {output[-500:]}")
        bundle = {path.relative_to(out_dir).as_posix(): path.read_bytes() for path in sorted(out_dir.rglob("*"))
                  if path.is_file() and not _UNUSED.search(path.relative_to(out_dir).as_posix())}
    for name in ("pagefind.js", "pagefind-entry.json"):  # the service client once returned before writing them
        if not bundle.get(name):
            raise SearchIndexError(f"Pagefind did not write {name}")
    try:
        return canonical_bundle(bundle)
    except (ValueError, OSError, KeyError):  # a Pagefind whose files read otherwise: still a working index
        return bundle


def _part_digest(part: str) -> str:
    return hashlib.sha256(part.encode("utf-8")).hexdigest()


def _load_part_digests(cache_dir: Path | None) -> dict[str, str | None]:
    """Page content key → digest of its indexed part (None: nothing indexed), from the last build."""
    try:
        stored = json.loads((cache_dir / PART_DIGESTS).read_text(encoding="utf-8"))
        return stored["digests"] if stored.get("format") == CACHE_FORMAT else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _save_part_digests(cache_dir: Path | None, digests: dict[str, str | None]) -> None:
    if cache_dir is None:
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=PART_DIGESTS + ".", dir=cache_dir)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump({"format": CACHE_FORMAT, "digests": digests}, stream)
        os.replace(temporary, cache_dir / PART_DIGESTS)
    except OSError:
        pass  # costs reading the pages again next build, nothing else


def index_shards(parts: Mapping[str, Mapping[str, str]], language: str, jobs: int | None = None,
                 done: Callable[[str, dict[str, bytes]], None] | None = None) -> dict[str, dict[str, bytes]]:
    """Run Pagefind on each shard (name → URL → indexed part): the largest first, so that they finish
    together, at most one a core; name → the bundle's files. `done(name, files)` is called as each
    shard is made, on the thread that made it."""
    names = sorted(parts, key=lambda name: -len(parts[name]))
    workers = max(1, min(job_count(jobs), len(names)))
    # Room for the largest shards running at once: scratch pages, then a bundle of about their size.
    largest = sorted((sum(len(part) for part in parts[name].values()) for name in names), reverse=True)
    root = scratch_root(3 * sum(largest[:workers]) + (16 << 20))
    def index(name: str) -> dict[str, bytes]:
        bundle = run_pagefind(parts[name], language, root)
        if done is not None:
            done(name, bundle)
        return bundle

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(names, pool.map(index, names), strict=True))


def build_index(files: Mapping[str, bytes], prefix: str, language: str, cache_dir: Path | None = None,
                shard_of: Mapping[str, str] | None = None, threshold: int = SHARD_MIN_PAGES,
                jobs: int | None = None, page_keys: Mapping[str, str] | None = None,
                known_parts: Mapping[str, str | None] | None = None,
                on_shard: Callable[[dict[str, bytes]], None] | None = None) -> dict[str, bytes]:
    """Index every rendered page that has a `data-pagefind-body` element; return the bundles' files
    under `<prefix>pagefind/` (one bundle, or one per shard key: `shard_of` maps an output path to its
    key; pages without one join the first shard).

    `page_keys` (path → content key of the page's bytes) lets a page the last build already read be
    skipped: the digest of its indexed part is remembered by content key, so an unchanged page (kept,
    not even rendered: see output.OutputFiles) is read only if its shard must be indexed again.
    `known_parts`: path → the indexed part of a page (None: it has none), cut out when the page was made.
    `on_shard`: given the files of each bundle Pagefind makes (as in the result), as soon as it is made,
    on the thread that made it, so that the caller can write them while the other shards are indexed."""
    shard_of, page_keys, known_parts = shard_of or {}, page_keys or {}, known_parts or {}
    known = _load_part_digests(cache_dir)
    seen: dict[str, str | None] = {}
    indexed: dict[str, tuple[str, str, str]] = {}  # URL → (shard key, digest of the indexed part, path)
    parts: dict[str, str] = {}  # path → the indexed part, where it had to be read: not read twice
    for path in sorted(files):
        if not path.endswith(".html"):
            continue
        key = page_keys.get(path)
        if path in known_parts:  # None: the page was made, and has no part to index
            part = known_parts[path]
            digest = _part_digest(part) if part is not None else None
            if part is not None:
                parts[path] = part
        elif key is not None and key in known:
            digest = known[key]
        else:
            data = files[path]
            part = indexed_part(data.decode("utf-8")) if b"data-pagefind-body" in data else None
            digest = _part_digest(part) if part is not None else None
            if part is not None:
                parts[path] = part
        if key is not None:
            seen[key] = digest
        if digest is not None:
            indexed[page_url(path)] = (shard_of.get(path, ""), digest, path)
    if seen != known:
        _save_part_digests(cache_dir, seen)
    timings.mark("search: indexed parts known")
    names = shard_names([key for key, _, _ in indexed.values()], threshold)
    shards: dict[str, dict[str, tuple[str, str]]] = {name: {} for name in names}  # URL → (digest, path)
    for url, (key, digest, path) in indexed.items():
        shards[key if key in shards else names[0]][url] = (digest, path)

    base = f"{prefix.lstrip('/')}{BUNDLE_DIR}/"
    bundles: dict[str, dict[str, bytes]] = {}
    todo: list[tuple[str, Path | None]] = []
    for name, pages in shards.items():
        entry = cache_dir / (cache_key(pages, language) + CACHE_SUFFIX) if cache_dir is not None else None
        cached = _read_cache(entry) if entry is not None else None
        if cached is not None:
            bundles[name] = cached
        else:
            todo.append((name, entry))
    if todo:
        pages_of = {name: {url: parts.get(path) or indexed_part(files[path].decode("utf-8"))
                           for url, (_, path) in shards[name].items()} for name, _ in todo}
        timings.mark(f"search: {len(todo)} of {len(names)} shards to index")
        def made_one(name: str, bundle: dict[str, bytes]) -> None:
            if on_shard is not None:
                on_shard({base + (f"{name}/" if name else "") + path: data for path, data in bundle.items()})

        made = index_shards(pages_of, language, jobs, made_one)
        for name, entry in todo:
            bundle = bundles[name] = made[name]
            if entry is not None:
                _write_cache(entry, bundle)
        if cache_dir is not None:
            _prune(cache_dir, max(CACHE_KEEP, 3 * len(names)))
    return {base + (f"{name}/" if name else "") + path: data
            for name in names for path, data in bundles[name].items()}
