"""The build cache: what a previous build computed, reused when its inputs are the same.

Two stores, both in `.cache/` (ignored by Git, safe to delete at any time; a corrupt or
foreign file is ignored, never trusted):

- profiles: per content file, the result of read → validate → Markdown (Profile and
  diagnostics), keyed by a hash of the file's bytes, the paths shown to the editor, the
  project's data fingerprint, the generator's own version and the stat of the photo it names;
- pages: per output folder, the hash of every file published and its stat, and the key of
  all the build's inputs: a file whose bytes did not change is hard-linked from the published
  folder instead of being written again, and a build whose inputs did not change does nothing.

Everything here is a function of its inputs; nothing is global.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

FORMAT = 1  # bump when the layout of the stored data changes


def hash_parts(*parts: str | bytes) -> str:
    return _hash(*parts)


def _hash(*parts: str | bytes) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


@cache
def generator_version() -> str:
    """A hash of the generator's own sources (code and messages): a new version invalidates everything."""
    package = Path(__file__).resolve().parent
    parts: list[str | bytes] = [str(FORMAT)]
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json") and "__pycache__" not in path.parts:
            parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return _hash(*parts)


def tree_version(*folders: Path) -> str:
    """A hash of every file under the folders (layouts, static), names and bytes."""
    parts: list[str | bytes] = []
    for folder in folders:
        parts.append(str(folder))
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return _hash(*parts)


def stat_signature(path: Path) -> tuple | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _load(path: Path, expected_owner: str) -> dict:
    """The stored mapping, or {} when it is missing, corrupt or written for other inputs."""
    try:
        with open(path, "rb") as handle:
            stored = pickle.load(handle)
        if isinstance(stored, dict) and stored.get("format") == FORMAT and stored.get("owner") == expected_owner \
                and isinstance(stored.get("entries"), dict):
            return stored["entries"]
    except Exception:  # noqa: BLE001 - any damage means "no cache", never a failed build
        pass
    return {}


def _save(path: Path, owner: str, entries: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump({"format": FORMAT, "owner": owner, "entries": entries}, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        _prune(path)
    except OSError:
        pass  # a read-only or full disk costs time next build, nothing else


def _prune(kept: Path, keep: int = 8) -> None:
    """Keep the most recent stores of each kind (one per content or output folder ever built)."""
    prefix = kept.name.split("-", 1)[0] + "-"
    stores = sorted((item for item in kept.parent.glob(prefix + "*.pickle") if item != kept),
                    key=lambda item: item.stat().st_mtime_ns, reverse=True)
    for stale in stores[keep - 1:]:
        stale.unlink(missing_ok=True)
    for leftover in kept.parent.glob(prefix + "*.pickle.*"):  # temporary files of killed builds
        if leftover.stat().st_mtime < kept.stat().st_mtime - 3600:
            leftover.unlink(missing_ok=True)


# --- profiles -----------------------------------------------------------------------------


@dataclass
class ProfileCache:
    """Per-file results of read → validate → Markdown, for one content folder."""

    path: Path | None
    owner: str
    entries: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def open(cls, cache_dir: Path | None, content_dir: Path, fingerprint: str) -> ProfileCache:
        owner = _hash(generator_version(), fingerprint, str(content_dir), os.getcwd())
        if cache_dir is None:
            return cls(None, owner)
        path = cache_dir / f"profiles-{_hash(str(content_dir), os.getcwd())[:16]}.pickle"
        return cls(path, owner, _load(path, owner))

    def key(self, shown: str, rel_path: str, data: bytes) -> str:
        return _hash(self.owner, shown, rel_path, data)

    def get(self, rel_path: str, key: str):
        """The stored (profile, diagnostics, deps) if the file and every file it depends on are unchanged."""
        entry = self.entries.get(rel_path)
        if not entry or entry[0] != key:
            return None
        _, result, deps = entry
        if any(stat_signature(Path(dep)) != signature for dep, signature in deps):
            return None
        self.used[rel_path] = entry
        return result

    def put(self, rel_path: str, key: str, result, deps: list[tuple[str, tuple | None]]) -> None:
        self.used[rel_path] = (key, result, deps)
        self.changed = True

    def save(self) -> None:
        if self.path is not None and (self.changed or set(self.used) != set(self.entries)):
            _save(self.path, self.owner, self.used)


# --- pages --------------------------------------------------------------------------------


def content_key(data: bytes) -> str:
    return _hash(b"file", data)


@dataclass
class PageManifest:
    """What the last build published in one output folder: path → (key, stat signature)."""

    path: Path | None
    owner: str
    entries: dict = field(default_factory=dict)
    build_key: str = ""  # the inputs of the whole build that made these files
    page_count: int = 0
    links: dict = field(default_factory=dict)  # content key of a page → the link targets found in it

    @classmethod
    def open(cls, cache_dir: Path | None, out_dir: Path) -> PageManifest:
        owner = _hash(generator_version(), str(out_dir))
        if cache_dir is None:
            return cls(None, owner)
        path = cache_dir / f"pages-{_hash(str(out_dir))[:16]}.pickle"
        stored = _load(path, owner)
        entries = stored.get("files") if isinstance(stored.get("files"), dict) else {}
        links = stored.get("links") if isinstance(stored.get("links"), dict) else {}
        return cls(path, owner, entries, str(stored.get("build_key", "")), int(stored.get("page_count", 0) or 0), links)

    def intact(self, out_dir: Path) -> bool:
        """Every recorded file is still there, untouched, and nothing else was added."""
        if not self.entries:
            return False
        found = 0
        for _directory, _, names in os.walk(out_dir):
            found += len(names)
            if found > len(self.entries):
                return False
        return found == len(self.entries) and all(
            stat_signature(out_dir / relative) == entry[1] for relative, entry in self.entries.items())

    def unchanged(self, out_dir: Path, relative: str, key: str) -> bool:
        """True if the published file was made from the same key and nobody touched it since."""
        entry = self.entries.get(relative)
        return entry is not None and entry[0] == key and stat_signature(out_dir / relative) == entry[1]

    def record(self, out_dir: Path, keys: dict[str, str], build_key: str, page_count: int, links: dict | None = None) -> None:
        self.entries = {relative: (key, stat_signature(out_dir / relative)) for relative, key in keys.items()}
        self.build_key, self.page_count = build_key, page_count
        self.links = links if links is not None else self.links
        if self.path is not None:
            _save(self.path, self.owner, {"files": self.entries, "build_key": build_key, "page_count": page_count,
                                          "links": self.links})
