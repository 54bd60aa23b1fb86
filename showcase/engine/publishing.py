"""Publishing a build: only the files whose bytes changed are written, the others hard-linked from
the published folder, then the atomic swap (writer.write_tree); the manifest records what was published.
"""

from __future__ import annotations

import os
from pathlib import Path

from showcase.common import timings
from showcase.common.fingerprints import content_key, file_signatures, stat_signature
from showcase.engine.cache import PageManifest
from showcase.engine.output import OutputFiles
from showcase.engine.parallel import without_collection
from showcase.engine.writer import write_tree


@without_collection
def publish_changed(files: OutputFiles, out_dir: Path, manifest: PageManifest, build_key: str, pages: int,
                    links: dict | None = None, hashed: dict[str, str] | None = None,
                    spool: Path | None = None) -> dict[str, tuple | None]:
    """Write only files whose bytes changed: the others are hard-linked from the published folder into
    the staging folder, then the atomic swap as always; nothing at all when no byte changed. Returns
    each published file's stat signature, as recorded in the manifest. `spool`: the folder the render
    workers spooled pages to, at their own paths: the new tree itself when there is no spare to update."""
    hashed = hashed or {}
    keys = {path: hashed.get(path) or files.known_key(path) or content_key(files[path]) for path in files}
    published = files.published_signatures if files.published_signatures is not None else file_signatures(out_dir)
    timings.mark("output listed")
    kept = files.kept  # found unchanged when chosen (render_site), against the same listing: not read again
    unchanged = [path for path, key in keys.items() if path in kept or manifest.unchanged(out_dir, path, key, published)]
    if len(unchanged) != len(keys) or set(keys) != set(manifest.entries) or not manifest.intact(out_dir, published):
        same = set(unchanged)
        changed = [path for path in files if path not in same]
        spooled = {path: os.fspath(source) for path in changed if (source := files.spooled_file(path)) is not None}
        inodes = {path: signature[2] for path in unchanged if (signature := published.get(path)) is not None}
        write_tree(files.only(path for path in changed if path not in spooled), out_dir, unchanged, spooled, inodes,
                   adopt=spool)
        timings.mark(f"published: {len(changed)} files written or linked, {len(unchanged)} kept")
        # A kept file is the published one, hard-linked: same inode, size and mtime (a copy, where links
        # fail, gets another inode and is only written again next time).
        published = {**{path: published.get(path) for path in unchanged},
                     **{path: stat_signature(out_dir / path) for path in changed}}
    manifest.record(out_dir, keys, build_key, pages, links, files.render_keys, published)
    timings.mark("output manifest saved")
    return published
