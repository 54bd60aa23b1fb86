"""Write the built site atomically: all of it or nothing.

Files go to a fresh sibling folder first; only when every file is written is it
swapped with the published folder in one `renameat2(RENAME_EXCHANGE)` call (Linux),
so a reader, or a build killed at any moment, sees either the old site or the new
one, never a mix.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc_renameat2():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _exchange(first: Path, second: Path) -> bool:
    renameat2 = _libc_renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0


def _staging_dirs(out_dir: Path) -> list[Path]:
    return sorted(out_dir.parent.glob(f".{out_dir.name}.staging-*"))


def clean_stale_staging(out_dir: Path) -> None:
    """Remove what a killed build left beside the output folder."""
    for stale in _staging_dirs(out_dir):
        shutil.rmtree(stale, ignore_errors=True)


@contextlib.contextmanager
def _exclusive(out_dir: Path):
    """One build at a time per output folder, so cleaning stale staging never hits a live one."""
    with open(out_dir.parent / f".{out_dir.name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _source_date() -> int | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(epoch) if epoch.isdigit() else None


def _safe_relative(relative: str) -> bool:
    parts = relative.split("/")
    return bool(relative) and not relative.startswith("/") and ".." not in parts and "" not in parts and "\0" not in relative


def _keep(source: Path, target: Path) -> None:
    """Carry an unchanged published file into the new tree: a hard link, or a copy where links fail."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_tree(files: dict[str, bytes], out_dir: Path, unchanged: Iterable[str] = ()) -> None:
    """Write `files` (posix path → bytes) plus the `unchanged` paths of the current output (same bytes,
    hard-linked, not rewritten) as the whole content of `out_dir`, atomically."""
    unchanged = list(unchanged)
    unsafe = sorted(relative for relative in [*files, *unchanged] if not _safe_relative(relative))
    if unsafe:
        raise ValueError(f"output path escapes the output folder: {unsafe[0]!r}")
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(out_dir):
        _write_locked(files, out_dir, unchanged)


def _write_locked(files: dict[str, bytes], out_dir: Path, unchanged: list[str]) -> None:
    clean_stale_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    stamp = _source_date()
    made: set[Path] = {staging}
    try:
        for relative in sorted(files):
            target = staging / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(files[relative])
            if stamp is not None:
                os.utime(target, (stamp, stamp))
        for relative in unchanged:
            target = staging / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            _keep(out_dir / relative, target)
        os.chmod(staging, 0o755)
        if not out_dir.exists():
            os.rename(staging, out_dir)
            return
        if _exchange(staging, out_dir):
            shutil.rmtree(staging, ignore_errors=True)
            return
        # No atomic exchange on this system: the narrowest window we can get.
        retired = staging.with_name(staging.name + "-old")
        os.rename(out_dir, retired)
        os.rename(staging, out_dir)
        shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
