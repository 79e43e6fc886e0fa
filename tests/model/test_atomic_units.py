"""Several files as one unit, leftovers of killed runs, links and full disks."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from editor.model.atomic import OutputError, atomic_write, clean_stale_temps, one_unit
from editor.model.imageio import ImageFileError, save_image, save_mask

KILLED_MID_WRITE = """
import os, signal, sys
from editor.model.atomic import atomic_write
with atomic_write(sys.argv[1]) as handle:
    handle.write(b"half a photo")
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_write_killed_midway_leaves_a_temp_the_next_run_removes(tmp_path: Path) -> None:
    target = tmp_path / "photo.png"
    target.write_bytes(b"old")
    done = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, str(target)],
                          cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == -signal.SIGKILL
    left = [p for p in tmp_path.iterdir() if p.name != "photo.png"]
    assert len(left) == 1 and left[0].name.startswith(".photo.png.")
    (tmp_path / "notes.tmp").write_text("a user's file")
    (tmp_path / ".other.png.abcdefgh.tmp").write_text("too recent to be surely abandoned")
    assert clean_stale_temps(tmp_path) == left
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".other.png.abcdefgh.tmp", "notes.tmp", "photo.png"]
    assert target.read_bytes() == b"old"


def test_temps_of_a_running_process_are_kept(tmp_path: Path) -> None:
    with atomic_write(tmp_path / "a.png") as handle:
        handle.write(b"x")
        assert clean_stale_temps(tmp_path) == []
        assert len(list(tmp_path.iterdir())) == 1
    assert (tmp_path / "a.png").read_bytes() == b"x"


def test_a_unit_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    pixels = np.zeros((4, 4, 4), np.uint8)
    with one_unit():
        save_mask(tmp_path / "a.png", pixels[..., 0])
        assert not (tmp_path / "a.png").exists()  # not before the whole unit is there
        save_image(tmp_path / "a-cutout.png", pixels)
    assert {p.name for p in tmp_path.iterdir()} == {"a.png", "a-cutout.png"}

    def disk_full(fd: int) -> None:  # the data reaches the disk at fsync
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ImageFileError) as caught, one_unit():
        save_mask(tmp_path / "b.png", pixels[..., 0])  # the mask is complete ...
        monkeypatch.setattr(os, "fsync", disk_full)
        save_image(tmp_path / "b-cutout.png", pixels)  # ... its cutout is not
    monkeypatch.undo()
    assert caught.value.reason == "the disk is full"
    assert {p.name for p in tmp_path.iterdir()} == {"a.png", "a-cutout.png"}  # no orphan


def test_a_full_disk_is_worded_as_such(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught, atomic_write(tmp_path / "r.json", "w"):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(caught.value).endswith("r.json: the disk is full")
    assert list(tmp_path.iterdir()) == []


def test_saving_through_a_link_writes_its_target(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "photo.png"
    target.write_bytes(b"old")
    link = tmp_path / "photo.png"
    link.symlink_to(target)
    with atomic_write(link) as handle:
        handle.write(b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
