"""The record the dashboard shows: the folder named by `GEOMAP_RECORD`, else the packaged one.

A researcher keeps a corrected copy of the record (or a record of another dispute) and
points the dashboard at it. A folder that does not validate is not shown half-read: the
dashboard says why, in the loader's own words (file, line, field, fix).
"""

from __future__ import annotations

import os
from pathlib import Path

from geodata.loader import default_record, load_record
from geodata.model import Record
from geodata.validation import RecordError

__all__ = ["RECORD_VARIABLE", "RecordUnavailable", "dashboard_record"]

RECORD_VARIABLE = "GEOMAP_RECORD"
"""The environment variable naming a record folder."""


class RecordUnavailable(Exception):
    """The folder in `GEOMAP_RECORD` cannot be shown; the message says why (plain text)."""


def dashboard_record(environ: dict[str, str] | None = None) -> Record:
    """The record named by `GEOMAP_RECORD` (when set and not empty), else the packaged one.

    >>> dashboard_record({}) is default_record()
    True
    """
    folder = (os.environ if environ is None else environ).get(RECORD_VARIABLE, "").strip()
    if not folder:
        return default_record()
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise RecordUnavailable(
            f"{RECORD_VARIABLE}={folder} is not a folder; point it at a record folder "
            "(one like geodata/record/), or unset it to show the packaged record."
        )
    try:
        return load_record(path)
    except (RecordError, ValueError, OSError) as error:  # ValueError: e.g. a bad encoding
        raise RecordUnavailable(
            f"The record folder {folder} ({RECORD_VARIABLE}) does not validate:\n{error}"
        ) from error
