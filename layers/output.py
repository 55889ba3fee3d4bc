"""Output files: checked before any drawing, replaced only by a complete new one.

No map library here, so every export (HTML, GeoJSON, the still maps) writes the same way
without importing folium.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["ExportError", "check_writable", "write_atomic"]


class ExportError(RuntimeError):
    """An export could not be produced; nothing was written."""


def check_writable(path: Path) -> None:
    """Fails early, before any rendering, if `path` cannot become the output file."""
    parent = path.parent
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a directory")
    if not parent.is_dir():
        raise ExportError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {path}: folder {parent} is not writable")


def write_atomic(path: Path, data: bytes) -> None:
    """Writes `data` to `path` so that `path` is the old file or the complete new one.

    The temporary file lives in the same folder (a rename across file systems is a copy)
    and is flushed to disk before the rename; on any failure it is removed.
    """
    path = Path(path)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, _file_mode(path))
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _file_mode(path: Path) -> int:
    """The existing file's mode, else world-readable: `mkstemp` would leave 0600.

    (Reading the umask means setting it, which races with other threads, e.g. Streamlit's.)
    """
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o644
