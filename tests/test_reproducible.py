"""Dates on pages come from the input (SOURCE_DATE_EPOCH or the checked-out commit), never the clock."""

import datetime
import subprocess

from conftest import ROOT

from showcase.clock import last_commit_date, reference_date


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
