"""Write files so that a crash, a full disk or an error never leaves a half-written file.

Everything Lightbox saves (images, masks, projects, reports) goes through
:func:`atomic_write`: the data goes to a hidden temporary file next to the target, is flushed
to disk, and only then renamed over the target in one step. Until that rename the old file
is untouched; after a failure no temporary file is left behind. Inside :func:`one_unit`
several files are written as a unit: all renamed at the end, or none. A temporary file a
killed process left behind carries that process's id in its name, so the next run into
the folder removes it (:func:`clean_stale_temps`).
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

#: our temporary files: ``.<name>.lbx<pid>.<random>.tmp``
_TEMP = re.compile(r"^\..+\.lbx(\d+)\.[a-z0-9_]+\.tmp$")
#: what versions before the process id was in the name left: ``.<name>.<random 8>.tmp``
_OLD_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_OLD_TEMP_AGE_S = 3600.0
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
# the files of the unit being written in this thread: (temporary file, target)
_unit: contextvars.ContextVar[list[tuple[Path, Path]] | None] = contextvars.ContextVar(
    "lightbox_atomic_unit", default=None)


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
    be, no permission, disk full) raise :class:`OutputError`. A symbolic link is kept: the
    file it points to is replaced.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write supports modes 'wb' and 'w', not {mode!r}")
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    _check_destination(path)
    try:
        prefix, suffix = temp_name_parts(path.name)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
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
        unit = _unit.get()
        if unit is not None:
            unit.append((tmp, path))  # renamed with the rest of the unit
            return
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(path, _reason(exc, path.parent)) from exc
    except OSError as exc:
        _discard(fd, tmp)
        if exc.errno in _DISK_FULL:
            raise OutputError(path, "the disk is full") from exc
        raise
    except BaseException:
        _discard(fd, tmp)
        raise
    _fsync_folder(path.parent)


def temp_name_parts(name: str) -> tuple[str, str]:
    """The prefix and suffix of this process's temporary files for a target ``name``
    (hidden, and carrying the process id that :func:`clean_stale_temps` checks)."""
    return f".{name}.lbx{os.getpid()}.", ".tmp"


def _discard(fd: int, tmp: Path) -> None:
    if fd >= 0:
        os.close(fd)
    tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def one_unit() -> Iterator[None]:
    """Every :func:`atomic_write` in this block (same thread) is one unit: their temporary
    files are renamed over the targets only when the whole block succeeded; if anything
    fails, none of the targets changes (a mask never lands without its cutout)."""
    pending: list[tuple[Path, Path]] = []
    token = _unit.set(pending)
    try:
        yield
    except BaseException:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        _unit.reset(token)
    try:
        for index, (tmp, target) in enumerate(pending):
            try:
                os.replace(tmp, target)
            except OSError as exc:
                for left, _ in pending[index:]:
                    left.unlink(missing_ok=True)
                raise OutputError(target, _reason(exc, target.parent)) from exc
    finally:
        for folder in {target.parent for _, target in pending}:
            _fsync_folder(folder)


def clean_stale_temps(folder: Path | str) -> list[Path]:
    """Remove the temporary files that Lightbox processes no longer running left in
    ``folder`` (a save or a run killed mid-write); returns what was removed. Files of a
    process still running, and files not named like ours, are left alone."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match is not None and os.name == "posix":
            stale = not _alive(int(match.group(1)))
        elif match is not None or _OLD_TEMP.match(entry.name):
            # no process id to ask about (an older version's file, or no harmless way to
            # probe a process): only an old file is surely abandoned
            stale = _age(entry) > _OLD_TEMP_AGE_S
        else:
            continue
        if stale and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _age(entry: os.DirEntry) -> float:
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return 0.0


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, another user's
    return True


def _check_destination(path: Path) -> None:
    """Refuse early, with a sentence a user understands, destinations that cannot work."""
    folder = path.parent
    if not folder.exists():
        raise OutputError(path, f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(path, f"{folder} is a file, not a folder")
    if path.is_dir():
        raise OutputError(path, "is a folder; choose a file name")


def reason_for(exc: OSError, folder: Path) -> str:
    """A sentence for why a file could not be written in ``folder``."""
    return _reason(exc, folder)


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
