"""Paths as the editor reads them in a message: relative to the folder they work in."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def display_path(path: Path) -> str:
    """The path as shown to the editor: relative to the working folder when inside it."""
    text, base = os.fspath(path), os.path.join(os.getcwd(), "")
    if text.startswith(base) and f"{os.sep}." not in text[len(base) - 1:]:  # normalised already: no relpath needed
        return text[len(base):].replace(os.sep, "/")
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def display_paths_under(folder: Path) -> Callable[[str], str]:
    """rel_path → display_path(folder / rel_path), with the folder's part worked out once (10,000
    profiles make 20,000 calls a build)."""
    base = display_path(folder)
    return (lambda relative: relative) if base == "." else (lambda relative: f"{base}/{relative}")
