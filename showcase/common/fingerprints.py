"""Fingerprints of a build's inputs and outputs: hashes of bytes, files, folders and of the generator
itself, and the stat signatures that tell an untouched file without reading it. Plain functions with
no state, used by every stage that must tell "the same" from "changed" (the cache, the site's render
keys, the up-to-date check).
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

FORMAT = 3  # of the build cache's stored data (engine/cache.py): bump when its layout changes


def hash_parts(*parts: str | bytes) -> str:
    """One digest of a list of texts and byte strings (each preceded by its length)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
        _start_part(digest, len(data))
        digest.update(data)
    return digest.hexdigest()


def _start_part(digest, size: int) -> None:
    """Each part is preceded by its length, so that no two lists of parts hash alike."""
    digest.update(size.to_bytes(8, "little"))


# Libraries whose version changes the bytes we publish or what we report: templates, Markdown,
# sanitizing, dates, images, slugs (and their transliteration), front matter and YAML, search.
# Every runtime requirement but the preview server's (tests/test_speed.py checks requirements.txt).
OUTPUT_LIBRARIES = ("Jinja2", "cmarkgfm", "nh3", "Babel", "pillow", "python-slugify", "text-unidecode", "PyYAML",
                    "python-frontmatter", "pagefind", "pagefind_bin")


@cache
def generator_version() -> str:
    """A hash of the generator's own sources (code and messages) and of the versions of the libraries
    that shape the output: a new version of either invalidates everything."""
    from importlib.metadata import PackageNotFoundError, version

    package = Path(__file__).resolve().parent.parent  # the whole showcase package
    parts: list[str | bytes] = [str(FORMAT)]
    for library in OUTPUT_LIBRARIES:
        try:
            parts += [library, version(library)]
        except PackageNotFoundError:
            parts += [library, ""]
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json") and "__pycache__" not in path.parts:
            parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    # The editors' form copies Decap's bundle from npm (showcase/site/cms.py): its version is an input too.
    decap = package.parent / "node_modules" / "decap-cms" / "package.json"
    parts += ["decap-cms", decap.read_bytes() if decap.is_file() else b""]
    return hash_parts(*parts)


def tree_version(*folders: Path) -> str:
    """A hash of every file under the folders (layouts, static), names and bytes."""
    parts: list[str | bytes] = []
    for folder in folders:
        parts.append(str(folder))
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return hash_parts(*parts)


def file_signatures(root: Path) -> dict[str, tuple | None]:
    """Relative path → (size, mtime_ns, inode) of every file under `root`, links followed; {} if
    `root` is missing. os.scandir and plain strings: 14,000 files take a tenth of a second."""
    signatures: dict[str, tuple | None] = {}
    folders = [("", os.fspath(root))]
    while folders:
        prefix, folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append((prefix + entry.name + "/", entry.path))
                continue
            try:
                info = entry.stat()
                signatures[prefix + entry.name] = (info.st_size, info.st_mtime_ns, info.st_ino)
            except OSError:  # a dangling link: present, but nothing to read
                signatures[prefix + entry.name] = None
    return signatures


def stat_signature(path: Path) -> tuple | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def content_key(data: bytes) -> str:
    return hash_parts(b"file", data)


def content_key_of_file(path: Path, size: int) -> str:
    """content_key of the `size` bytes in the file at `path`, read a piece at a time (a yearbook of a
    large site is hundreds of megabytes)."""
    digest = hashlib.blake2b(digest_size=20)
    _start_part(digest, len(b"file"))
    digest.update(b"file")
    _start_part(digest, size)
    with open(path, "rb") as handle:
        while piece := handle.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()
