"""Dates on pages come from the input (SOURCE_DATE_EPOCH or the checked-out commit), never the clock."""

import datetime
import subprocess

from conftest import ROOT

from showcase.common.clock import last_commit_date, reference_date


def test_reference_date_is_the_commit_date_without_source_date_epoch():
    committed = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=ROOT, capture_output=True, text=True, check=True)
    expected = datetime.datetime.fromtimestamp(
        int(subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout), tz=datetime.UTC).date()
    assert committed.stdout.strip()
    assert last_commit_date() == expected
    assert reference_date({}, datetime.date(1999, 1, 1)) == expected


def test_source_date_epoch_wins():
    assert reference_date({"SOURCE_DATE_EPOCH": "1700000000"}, datetime.date(1999, 1, 1)) == datetime.date(2023, 11, 14)


def _tree(folder) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_two_cold_builds_in_separate_processes_are_byte_identical(tmp_path):
    """No cache at all (SHOWCASE_CACHE=off: profiles, pages, photos and search index all made afresh), two processes:
    the search index too must come out the same, though Pagefind writes its filters in hash-map order."""
    from conftest import run_cli

    environment = {"SHOWCASE_CACHE": "off", "SOURCE_DATE_EPOCH": "1717200000"}
    trees = []
    for run in ("first", "second"):
        out = tmp_path / run / "public"
        result = run_cli("build", "--out", str(out), env=environment)
        assert result.returncode == 0, result.stderr
        trees.append(_tree(out))
    first, second = trees
    assert any("/pagefind/filter/" in path for path in first)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []
