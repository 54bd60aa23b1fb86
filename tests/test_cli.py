"""The command line as an editor meets it: options checked where they are given, help and messages in Vietnamese."""

import pytest
from conftest import run_cli


@pytest.mark.parametrize("command", ["build", "check", "serve"])
@pytest.mark.parametrize("value", ["/guong-dien-hinh/", "sxd.quangtri.gov.vn", "ftp://sxd.quangtri.gov.vn/", "https://"])
def test_a_bad_base_url_is_the_options_error_with_a_valid_example(command, value, tmp_path):
    result = run_cli(command, "--base-url", value, "--out" if command != "check" else "--content",
                     str(tmp_path / ("public" if command != "check" else "content")))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "site.yaml:1" not in result.stderr and "C001" not in result.stderr  # the file is right, the value typed is not
    assert f"--base-url: “{value}”" in result.stderr
    assert "https://sxd.quangtri.gov.vn/" in result.stderr  # an example to copy
    assert not (tmp_path / "public").exists()
