#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+.

    python3 dev.py preview   # install, build the sample site and serve it with live reload
    python3 dev.py test      # install everything the tests need, then run the whole suite

Only the standard library is used here, because this script runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
# Only the packages of the tools that are missing: a machine may already have Node.js from another
# source (NodeSource's nodejs bundles npm and conflicts with Debian's npm package).
SYSTEM_PACKAGES = {
    "chromium": ["chromium", "chromium-driver"],
    "faketime": ["faketime"],
    "java": ["default-jre-headless"],
    "npm": ["nodejs", "npm"],
    "pdftotext": ["poppler-utils"],
    # The nomination dossier's Word files, converted to PDF to be read back; Liberation Serif has the
    # metrics of Times New Roman, so pages break as in Word.
    "soffice": ["libreoffice-writer-nogui", "fonts-liberation2"],
}


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*command: str, **kwargs) -> None:
    subprocess.run(command, check=True, **kwargs)


def ensure_venv(requirements: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must run, and explain, on an older Python
        sys.exit("Cần Python 3.11 trở lên (Python 3.11+ is required).")
    if not VENV_PYTHON.exists():
        say("Tạo môi trường ảo .venv")
        run(sys.executable, "-m", "venv", str(VENV))
    stamp = VENV / f".installed-{requirements}"
    wanted = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in ("requirements.txt", requirements))).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    say(f"Cài đặt thư viện Python từ {requirements}")
    run(str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", str(ROOT / requirements))
    stamp.write_text(wanted)


def ensure_system_tools(tools: tuple[str, ...] = tuple(SYSTEM_PACKAGES)) -> None:
    """Node for the editors' form (Decap CMS, self-hosted from npm); for the tests also Chromium, Java,
    Poppler (browser, accessibility, HTML-validator and printed-yearbook checks), faketime (a build with
    the clock moved on must give the same bytes) and LibreOffice (the Word dossier read back as PDF)."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        packages = [package for tool in missing for package in SYSTEM_PACKAGES[tool]]
        if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
            say(f"Cài đặt gói hệ thống: {', '.join(packages)}")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            run("apt-get", "update", "-qq", env=env)
            run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages, env=env)
        else:
            sys.exit(f"Thiếu {', '.join(missing)}: cài các gói {' '.join(packages)} (apt) rồi chạy lại.")
    if (ROOT / "package.json").exists():
        lock = ROOT / "package-lock.json"
        stamp = ROOT / "node_modules" / ".installed"
        wanted = hashlib.sha256((ROOT / "package.json").read_bytes() + (lock.read_bytes() if lock.exists() else b"")).hexdigest()
        if not stamp.exists() or stamp.read_text() != wanted:
            say("Cài đặt gói npm: Decap CMS, decap-server và công cụ kiểm tra (axe-core, vnu-jar, Netlify)")
            run("npm", "ci" if lock.exists() else "install", "--no-audit", "--no-fund", "--loglevel=error", cwd=ROOT)
            stamp.write_text(wanted)


def preview(args: list[str]) -> int:
    ensure_venv("requirements.txt")
    ensure_system_tools(("npm",))
    return subprocess.call([str(VENV_PYTHON), str(ROOT / "build.py"), "serve", *args], cwd=ROOT)


def test(args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    ensure_system_tools()
    say("Kiểm tra mã nguồn (ruff)")
    lint = subprocess.call([str(VENV_PYTHON), "-m", "ruff", "check", "."], cwd=ROOT)
    say("Chạy toàn bộ kiểm thử (pytest)")
    tests = subprocess.call([str(VENV_PYTHON), "-m", "pytest", *args], cwd=ROOT)
    return tests or lint


def main() -> None:
    commands = {"preview": preview, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        sys.exit(2)
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))


if __name__ == "__main__":
    main()
