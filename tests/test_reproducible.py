"""Dates on pages come from the input (SOURCE_DATE_EPOCH or the checked-out commit), never the clock."""

import datetime
import subprocess
import sys
import time

from conftest import ROOT

from showcase.common.clock import last_commit_date, reference_date

DAYS_ON = 366  # the second build's clock: a year on, whatever the year


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
    """No cache at all (SHOWCASE_CACHE=off: profiles, pages, photos and search index all made afresh), two processes,
    the second with its clock a year on (faketime), the same SOURCE_DATE_EPOCH: a date or time taken from the clock
    shows as a changed byte, and the search index too must come out the same, though Pagefind writes its filters in
    hash-map order."""
    from conftest import require_commands, run_cli

    require_commands("faketime")
    a_year_on = ("faketime", "-f", f"+{DAYS_ON}d")
    clock = subprocess.run([*a_year_on, sys.executable, "-c", "import time; print(time.time())"],
                           capture_output=True, text=True, check=True)
    assert float(clock.stdout) - time.time() > (DAYS_ON - 1) * 86400, "faketime did not move the clock"
    environment = {"SHOWCASE_CACHE": "off", "SOURCE_DATE_EPOCH": "1717200000"}
    trees = []
    for run, under in (("first", ()), ("second", a_year_on)):
        out = tmp_path / run / "public"
        result = run_cli("build", "--out", str(out), env=environment, under=under)
        assert result.returncode == 0, result.stderr
        trees.append(_tree(out))
    first, second = trees
    assert any("/pagefind/filter/" in path for path in first)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == [], "bytes that changed with the clock a year on"
