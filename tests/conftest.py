import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from showcase.common.config import load_project  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def project():
    return load_project(ROOT)


def copy_project(root: Path) -> Path:
    """A copy of the project's data, layouts, static files and sample content at `root`, free to edit."""
    for part in ("data", "layouts", "static", "content"):
        shutil.copytree(ROOT / part, root / part)
    return root


def require_commands(*tools: str) -> None:
    """Fail, with how to install them, when system tools are missing; never skip: `python3 dev.py test` (CI's
    command) installs them, so a test skipped for want of one would hide a broken feature. `tools` are keys of
    dev.py's SYSTEM_PACKAGES, each the command that shows its packages are there."""
    from dev import SYSTEM_PACKAGES

    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        packages = " ".join(package for tool in missing for package in SYSTEM_PACKAGES[tool])
        pytest.fail(f"missing {', '.join(missing)}: install the Debian packages {packages} "
                    "(python3 dev.py test does it)", pytrace=False)


def call_wsgi(app, path: str) -> tuple[str, bytes]:
    """(status line, body) of a GET of `path` from a WSGI application, without a server."""
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    status = []
    body = b"".join(app(environ, lambda code, headers: status.append(code)))
    return status[0], body


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, under: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """build.py with `args`, in a process of its own; `under`: a command it runs under (faketime)."""
    return subprocess.run(
        [*under, sys.executable, str(ROOT / "build.py"), *args],
        cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300,
    )


@pytest.fixture
def content_dir(tmp_path):
    """An empty content folder to copy fixtures into."""
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


def copy_fixture(name: str, destination: Path, kind: str = "invalid") -> Path:
    target = destination / name
    shutil.copyfile(FIXTURES / kind / name, target)
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The bundled sample site, built once for every test that reads the output."""
    out = tmp_path_factory.mktemp("site") / "public"
    result = run_cli("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out
