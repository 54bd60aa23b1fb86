"""The build cache: what a previous build computed, reused when its inputs are the same.

Two stores, both in `.cache/` (ignored by Git, safe to delete at any time; a corrupt or
foreign file is ignored, never trusted: each carries a digest of what it holds, so even one
flipped bit inside a stored page is caught):

- profiles: per content file, the result of read → validate → Markdown (Profile and
  diagnostics), keyed by a hash of the file's bytes, the paths shown to the editor, the
  project's data fingerprint, the generator's own version and the stat of the photo it names;
- pages: per output folder, the hash of every file published and its stat, and the key of
  all the build's inputs: a file whose bytes did not change is hard-linked from the published
  folder instead of being written again, and a build whose inputs did not change does nothing;
- stamps: per output folder, the stat of every input file and of every output file when the
  last build ended. When neither changed, the build is over before a single file is read
  (the way make and Git's index decide, with Git's guard against "racy" timestamps).

Everything here is a function of its inputs; nothing is global.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from showcase.common.fingerprints import FORMAT, content_key, file_signatures, generator_version, hash_parts, stat_signature


def _load(path: Path, expected_owner: str) -> dict:
    """The stored mapping, or {} when it is missing, damaged (its digest does not match: a flipped byte
    inside a stored page is caught too) or written for other inputs."""
    try:
        with open(path, "rb") as handle:
            stored = pickle.load(handle)
        if isinstance(stored, dict) and stored.get("format") == FORMAT and stored.get("owner") == expected_owner \
                and isinstance(stored.get("entries"), bytes) \
                and hashlib.blake2b(stored["entries"], digest_size=20).digest() == stored.get("digest"):
            entries = pickle.loads(stored["entries"])
            if isinstance(entries, dict):
                return entries
    except Exception:  # noqa: BLE001 - any damage means "no cache", never a failed build
        pass
    return {}


def _save(path: Path, owner: str, entries: dict, prune: bool = True) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        blob = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
        stored = {"format": FORMAT, "owner": owner, "digest": hashlib.blake2b(blob, digest_size=20).digest(), "entries": blob}
        handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(stored, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        if prune:
            _prune(path)
    except OSError:
        pass  # a read-only or full disk costs time next build, nothing else


def _prune(kept: Path, keep: int = 8) -> None:
    """Keep the most recent stores of kept's kind (one per content or output folder ever built: a file,
    or a folder of buckets, where a store of the earlier single-file format counts as one too), and
    remove the temporary files killed builds left beside kept (inside it, for a folder)."""
    prefix = kept.name.split("-", 1)[0] + "-"
    stores = sorted((item for item in kept.parent.glob(prefix + "*") if item != kept and ".pickle." not in item.name),
                    key=lambda item: item.stat().st_mtime_ns, reverse=True)
    for stale in stores[keep - 1:]:
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    leftovers = kept.glob("*.pickle.*") if kept.is_dir() else kept.parent.glob(prefix + "*.pickle.*")
    for leftover in leftovers:
        if leftover.stat().st_mtime < time.time() - 3600:
            leftover.unlink(missing_ok=True)


# --- profiles -----------------------------------------------------------------------------


@dataclass
class ProfileCache:
    """Per-file results of read → validate → Markdown, for one content folder.

    Stored in buckets (a folder of PROFILE_BUCKETS stores, each file in the one its path hashes to),
    so that an edit rewrites one bucket: saving 10,000 profiles whole took 0.7 s of every edit. A
    damaged bucket costs only its own files' analysis."""

    path: Path | None  # the folder of buckets
    owner: str
    entries: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)
    changed_buckets: set = field(default_factory=set)

    @classmethod
    def open(cls, cache_dir: Path | None, content_dir: Path, fingerprint: str) -> ProfileCache:
        owner = hash_parts(generator_version(), fingerprint, str(content_dir), os.getcwd())
        if cache_dir is None:
            return cls(None, owner)
        path = cache_dir / f"profiles-{hash_parts(str(content_dir), os.getcwd())[:16]}"
        entries: dict = {}
        if path.is_dir():
            for bucket in range(PROFILE_BUCKETS):
                entries.update(_load(path / _bucket_name(bucket), owner))
        return cls(path, owner, entries)

    def key(self, shown: str, rel_path: str, data: bytes) -> str:
        return hash_parts(self.owner, shown, rel_path, data)

    def get(self, rel_path: str, key: str, deadline=None):
        """The stored (profile, diagnostics, deps) if the file and every file it depends on are unchanged
        and the result holds for this consent `deadline` (see source/content.py, _deadline_window)."""
        entry = self.entries.get(rel_path)
        if not entry or len(entry) != 4 or entry[0] != key:
            return None
        _, result, deps, (earliest, latest) = entry
        if deadline is not None and not earliest <= deadline <= latest:
            return None
        if any(stat_signature(Path(dep)) != signature for dep, signature in deps):
            return None
        self.used[rel_path] = entry
        return result

    def put(self, rel_path: str, key: str, result, deps: list[tuple[str, tuple | None]], window: tuple) -> None:
        self.used[rel_path] = (key, result, deps, window)
        self.changed_buckets.add(_bucket(rel_path))

    def save(self) -> None:
        """Rewrite the buckets that gained an entry or lost one (a file deleted, renamed, or not valid any more)."""
        if self.path is None:
            return
        stale = self.changed_buckets | {_bucket(rel_path) for rel_path in self.entries.keys() ^ self.used.keys()}
        if not stale:
            return
        buckets: dict[int, dict] = {bucket: {} for bucket in stale}
        for rel_path, entry in self.used.items():
            if (bucket := _bucket(rel_path)) in buckets:
                buckets[bucket][rel_path] = entry
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        for bucket, entries in sorted(buckets.items()):
            _save(self.path / _bucket_name(bucket), self.owner, entries, prune=False)
        try:
            os.utime(self.path)  # the newest folder, even when no bucket was added to it
            _prune(self.path)
        except OSError:
            pass


PROFILE_BUCKETS = 32


def _bucket(rel_path: str) -> int:
    """Stable across processes and runs, unlike hash()."""
    return hashlib.blake2b(rel_path.encode("utf-8", "surrogateescape"), digest_size=2).digest()[0] % PROFILE_BUCKETS


def _bucket_name(bucket: int) -> str:
    return f"bucket-{bucket:02d}.pickle"


# --- pages --------------------------------------------------------------------------------


def _output_store(cache_dir: Path | None, out_dir: Path, kind: str) -> tuple[Path | None, str]:
    """(the file of one output folder's store of `kind`, None without a cache; its owner key)."""
    owner = hash_parts(generator_version(), str(out_dir))
    return (cache_dir / f"{kind}-{hash_parts(str(out_dir))[:16]}.pickle" if cache_dir is not None else None), owner


@dataclass
class PageManifest:
    """What the last build published in one output folder: path → (key, stat signature)."""

    path: Path | None
    owner: str
    entries: dict = field(default_factory=dict)
    build_key: str = ""  # the inputs of the whole build that made these files
    page_count: int = 0
    links: dict = field(default_factory=dict)  # content key of a page → the link targets found in it
    render_keys: dict = field(default_factory=dict)  # path → the render key of the page published there

    @classmethod
    def open(cls, cache_dir: Path | None, out_dir: Path) -> PageManifest:
        path, owner = _output_store(cache_dir, out_dir, "pages")
        if path is None:
            return cls(None, owner)
        stored = _load(path, owner)
        entries = stored.get("files") if isinstance(stored.get("files"), dict) else {}
        links = stored.get("links") if isinstance(stored.get("links"), dict) else {}
        render_keys = stored.get("render_keys") if isinstance(stored.get("render_keys"), dict) else {}
        return cls(path, owner, entries, str(stored.get("build_key", "")), int(stored.get("page_count", 0) or 0), links,
                   render_keys)

    def intact(self, out_dir: Path, found: dict | None = None) -> bool:
        """Every recorded file is still there, untouched, and nothing else was added.
        `found`: file_signatures(out_dir), if the caller has it."""
        if not self.entries:
            return False
        found = file_signatures(out_dir) if found is None else found
        return len(found) == len(self.entries) and all(
            found.get(relative) == entry[1] for relative, entry in self.entries.items())

    def unchanged(self, out_dir: Path, relative: str, key: str, signatures: dict | None = None) -> bool:
        """True if the published file holds the bytes recorded under `key`: known from its stat when
        nobody touched it since, else read and hashed when its size is still the recorded one (an
        output folder restored from a build cache, as on Netlify, has new inodes and times: its pages
        are then kept, not rendered again). `signatures`: file_signatures(out_dir), when the caller
        asks about many files (one scan, no stat each)."""
        entry = self.entries.get(relative)
        if entry is None or entry[0] != key:
            return False
        found = signatures.get(relative) if signatures is not None else stat_signature(out_dir / relative)
        if found == entry[1]:
            return True
        if found is None or entry[1] is None or found[0] != entry[1][0]:
            return False
        try:
            return content_key((out_dir / relative).read_bytes()) == key
        except OSError:
            return False

    def record(self, out_dir: Path, keys: dict[str, str], build_key: str, page_count: int, links: dict | None = None,
               render_keys: dict | None = None, found: dict | None = None) -> None:
        """`found`: file_signatures(out_dir) as the build left it, if the caller knows it without listing."""
        found = file_signatures(out_dir) if found is None else found
        self.entries = {relative: (key, found.get(relative)) for relative, key in keys.items()}
        self.build_key, self.page_count = build_key, page_count
        self.links = links if links is not None else self.links
        self.render_keys = render_keys if render_keys is not None else {}
        if self.path is not None:
            _save(self.path, self.owner, {"files": self.entries, "build_key": build_key, "page_count": page_count,
                                          "links": self.links, "render_keys": self.render_keys})


# --- stamps -------------------------------------------------------------------------------

# A file changed twice within the file system's timestamp granularity keeps its size and mtime: like
# Git's index, a stamp is not trusted for inputs modified this close to the moment they were looked at.
RACY_NS = 2_000_000_000


def snapshot_key(*roots: Path) -> tuple[str, int]:
    """(a hash of the names and stats of every file under the roots, the newest mtime among them).

    Entries are hashed in the order the file system lists them, which is stable while a folder does
    not change; a different order only makes the next build check by content, never trust a change."""
    digest = hashlib.blake2b(digest_size=20)
    newest = 0
    for root in roots:
        digest.update(os.fsencode(root) + b"\0\0")
        folders = [os.fspath(root)]
        while folders:
            try:
                entries = os.scandir(folders.pop())
            except OSError:
                continue
            with entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                        digest.update(os.fsencode(entry.path) + b"/\n")
                        continue
                    try:
                        info = entry.stat()
                    except OSError:  # a dangling link
                        digest.update(os.fsencode(entry.path) + b"\0-\n")
                        continue
                    digest.update(b"%s\0%d\0%d\0%d\n" % (os.fsencode(entry.path), info.st_size, info.st_mtime_ns, info.st_ino))
                    newest = max(newest, info.st_mtime_ns)
    return digest.hexdigest(), newest


@dataclass
class BuildStamp:
    """The inputs (by stat) and the output (by stat) of the last successful build into one folder,
    with what that build reported, so that an unchanged build can answer without reading anything."""

    path: Path | None
    owner: str
    stored: dict = field(default_factory=dict)

    @classmethod
    def open(cls, cache_dir: Path | None, out_dir: Path) -> BuildStamp:
        path, owner = _output_store(cache_dir, out_dir, "stamp")
        return cls(path, owner, _load(path, owner) if path is not None else {})

    def report_if_fresh(self, input_key: str, out_dir: Path):
        """What the last build reported, if its inputs and its output are both exactly as it left them."""
        if not self.stored or self.stored.get("inputs") != input_key:
            return None
        if output_key(file_signatures(out_dir)) != self.stored.get("output"):
            return None
        return self.stored.get("report")

    def record(self, input_key: str, newest_input_ns: int, started_ns: int, out_dir: Path, report,
               output: Mapping[str, tuple | None] | None = None) -> None:
        """`output`: the output's files and stats as the build published them (PageManifest's record),
        which spares listing 24,000 files again; listed here when not given."""
        if self.path is None:
            return
        if newest_input_ns >= started_ns - RACY_NS or newest_input_ns > time.time_ns():
            self.stored = {}  # too fresh to trust its stat: the next build checks by content instead
        else:
            listed = output if output is not None else file_signatures(out_dir)
            self.stored = {"inputs": input_key, "output": output_key(listed), "report": report}
        _save(self.path, self.owner, self.stored)


def output_key(signatures: Mapping[str, tuple | None]) -> str:
    """A hash of an output folder's files and their stats (file_signatures), in name order."""
    digest = hashlib.blake2b(digest_size=20)
    for path in sorted(signatures):
        digest.update(f"{path}\0{signatures[path]}\n".encode())
    return digest.hexdigest()
