"""Output files: checked before any drawing, replaced only by a complete new one.

No map library here, so every export (HTML, GeoJSON, the still maps) writes the same way
without importing folium. A symlink is followed (the file it points at is replaced, as
`cp` does); anything else that is not a regular file is refused, so a device, a FIFO or a
socket is never turned into a file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["TEMP_MARKER", "ExportError", "check_writable", "remove_stale_temps", "write_atomic"]

TEMP_MARKER = ".geomap-tmp-"
"""Temporary files are `.NAME.geomap-tmp-PID`: recognisable, and traceable to their writer."""


class ExportError(RuntimeError):
    """An export could not be produced; nothing was written."""


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def check_writable(path: Path) -> Path:
    """The file an export to `path` replaces; fails early, before any rendering.

    A symlink is followed to the file it points at (which need not exist yet, as with
    `cp`); a directory, device, FIFO or socket is refused and left as it is.
    """
    target = Path(os.path.realpath(path))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        shown = f"{path} (-> {target})" if target != Path(path).absolute() else str(path)
        raise ExportError(
            f"cannot write {shown}: it is {_kind(mode)}, not a regular file; give a file path"
        )
    parent = target.parent
    if not parent.is_dir():
        raise ExportError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {path}: folder {parent} is not writable")
    return target


def _temp_path(target: Path, pid: int) -> Path:
    return target.with_name(f".{target.name}{TEMP_MARKER}{pid}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Removes temporary files for `target` left by exports that died (e.g. by SIGKILL).

    Only this target's own (`.NAME.geomap-tmp-PID`), and only where no process PID runs.
    """
    removed = []
    prefix = f".{target.name}{TEMP_MARKER}"
    for candidate in target.parent.iterdir():
        pid_text = candidate.name[len(prefix) :] if candidate.name.startswith(prefix) else ""
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _alive(int(pid_text)):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def write_atomic(path: Path, data: bytes) -> None:
    """Writes `data` to `path` so that `path` is the old file or the complete new one.

    The temporary file lives in the same folder (a rename across file systems is a copy)
    and is flushed to disk before the rename; on any failure, an interrupt included, it
    is removed. A symlink `path` stays a symlink: the file it points at is replaced.
    """
    target = check_writable(Path(path))
    remove_stale_temps(target)
    temp = _temp_path(target, os.getpid())
    temp.unlink(missing_ok=True)  # ours from an earlier call that could not clean up
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _file_mode(target))
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _file_mode(path: Path) -> int:
    """The existing file's mode, else world-readable (the temporary file is 0600).

    (Reading the umask means setting it, which races with other threads, e.g. Streamlit's.)
    """
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o644
