"""The build's notion of "today", in one small module that every stage (and the up-to-date check,
which must stay light) can import: the reference date pages are as of, and the consent deadline."""

from __future__ import annotations

import datetime
import os
import subprocess
from collections.abc import Mapping

from showcase.common.config import PROJECT_ROOT


class ReferenceDateError(ValueError):
    pass


def reference_date(environ: Mapping[str, str], today: datetime.date) -> datetime.date:
    """The day the figures are as of: SOURCE_DATE_EPOCH (seconds since 1970, UTC) when set, else the
    date of the checked-out commit, else `today`. Pages show this date, so the same input (the same
    commit) builds the same bytes on any day, as reproducible-builds.org recommends."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return last_commit_date() or today
    try:
        return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC).date()
    except (ValueError, OverflowError, OSError) as error:
        raise ReferenceDateError(f"SOURCE_DATE_EPOCH “{value}” không phải là một số giây hợp lệ") from error


def last_commit_date() -> datetime.date | None:
    """Committer date of HEAD of the project's Git checkout, or None outside one."""
    try:
        found = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=PROJECT_ROOT, capture_output=True,
                               text=True, timeout=10, check=False)
        return datetime.datetime.fromtimestamp(int(found.stdout.strip()), tz=datetime.UTC).date()
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def consent_deadline() -> datetime.date:
    """The latest acceptable consent date: the build's reference day (SOURCE_DATE_EPOCH) or today, whichever is later.

    A SOURCE_DATE_EPOCH in the past (a reproducible rebuild, a report "as of" a date) must not turn
    consents signed since then into errors; a consent dated after today is always one.
    """
    today = datetime.date.today()
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        try:
            return max(today, datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date())
        except (OverflowError, OSError, ValueError):
            return today
    return today
