"""The README's set-up is true to what the set-up does."""

import importlib.util

from conftest import ROOT


def test_setup_names_every_system_package_the_tests_install():
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)  # defines SYSTEM_PACKAGES; runs nothing (its commands are under __main__)
    setup = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ", 1)[0]
    packages = [package for group in dev.SYSTEM_PACKAGES.values() for package in group]
    assert "poppler-utils" in packages
    assert [package for package in packages if f"`{package}`" not in setup] == []
