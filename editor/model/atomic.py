"""Write files so that a crash, a full disk or an error never leaves a half-written file.

Everything Lightbox saves (images, masks, projects, reports) goes through
:func:`atomic_write`: the data goes to a hidden temporary file next to the target, is flushed
to disk, and only then renamed over the target in one step. Until that rename the old file
is untouched; after a failure no temporary file is left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


class OutputError(Exception):
    """A file could not be written. ``str(e)`` is ``"<path>: <reason>"``."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@contextlib.contextmanager
def atomic_write(path: Path | str, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file for writing that replaces ``path`` when the block succeeds.

    ``mode`` is ``"wb"`` (bytes) or ``"w"`` (UTF-8 text). If the block raises, the temporary
    file is removed, ``path`` keeps its old content and the exception propagates unchanged.
    Problems with the destination itself (missing folder, a file where the folder should
    be, no permission, disk full) raise :class:`OutputError`.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write supports modes 'wb' and 'w', not {mode!r}")
    path = Path(path)
    _check_destination(path)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(path, _reason(exc, path.parent)) from exc
    tmp = Path(tmp_name)
    try:
        # mkstemp makes the file private (0600); a saved photo should get the permissions
        # a normal save would give it, or keep those of the file it replaces. Some file
        # systems (FAT, network shares) refuse chmod; the save is still good there.
        with contextlib.suppress(OSError):
            os.chmod(tmp, _target_mode(path))
        text = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **text) as handle:
            fd = -1  # now owned (and closed) by the file object
            yield handle
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise OutputError(path, _reason(exc, path.parent)) from exc
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(path, _reason(exc, path.parent)) from exc
    except BaseException:
        if fd >= 0:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _check_destination(path: Path) -> None:
    """Refuse early, with a sentence a user understands, destinations that cannot work."""
    folder = path.parent
    if not folder.exists():
        raise OutputError(path, f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(path, f"{folder} is a file, not a folder")
    if path.is_dir():
        raise OutputError(path, "is a folder; choose a file name")


def _reason(exc: OSError, folder: Path) -> str:
    if isinstance(exc, PermissionError):
        return f"permission denied: cannot write in {folder}"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return f"{folder} is on a read-only disk"
    return f"could not be written ({exc.strerror or exc})"


def _target_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    # os.umask can only be read by setting it, which races with other threads; Linux exposes
    # it read-only in /proc. Elsewhere assume the common default.
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open folders, and the file
    # is already complete either way, so failure here is not an error.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
