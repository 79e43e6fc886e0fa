"""Saving never leaves a half-written file or a stray temporary file behind."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from editor.model.atomic import OutputError, atomic_write


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "photo.bin"
    with atomic_write(target) as handle:
        handle.write(b"pixels")
    assert target.read_bytes() == b"pixels"
    assert _leftovers(tmp_path, {"photo.bin"}) == []


def test_replaces_an_existing_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "photo.bin"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with atomic_write(target) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_is_not_left_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "shared.bin") as handle:
            handle.write(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.bin").stat().st_mode) == 0o644


def test_text_mode_writes_utf8(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    with atomic_write(target, "w") as handle:
        handle.write('{"title": "Crème brûlée"}')
    assert target.read_text(encoding="utf-8") == '{"title": "Crème brûlée"}'


def test_an_error_mid_write_keeps_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "photo.bin"
    target.write_bytes(b"the good version")
    with pytest.raises(RuntimeError, match="power cut"), atomic_write(target) as handle:
        handle.write(b"half of the new ver")
        raise RuntimeError("power cut")
    assert target.read_bytes() == b"the good version"
    assert _leftovers(tmp_path, {"photo.bin"}) == []


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "out.png"
    with pytest.raises(OutputError) as info, atomic_write(target):
        pass
    assert "does not exist" in str(info.value)
    assert str(info.value).startswith(str(target))
    assert not (tmp_path / "no-such-folder").exists()


def test_folder_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("I am a file")
    target = tmp_path / "out" / "photo.png"
    with pytest.raises(OutputError, match="is a file, not a folder"), atomic_write(target):
        pass
    assert (tmp_path / "out").read_text() == "I am a file"
    assert _leftovers(tmp_path, {"out"}) == []


def test_target_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "photo.png").mkdir()
    with pytest.raises(OutputError, match="is a folder"), atomic_write(tmp_path / "photo.png"):
        pass
    assert (tmp_path / "photo.png").is_dir()


def test_unwritable_folder_says_permission_denied(tmp_path: Path, monkeypatch) -> None:
    # chmod does not stop root (CI), so make the temporary file creation fail as it would
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError, match="permission denied"), \
            atomic_write(tmp_path / "photo.png"):
        pass
    assert _leftovers(tmp_path, set()) == []


def test_failed_rename_cleans_up(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "photo.bin"
    target.write_bytes(b"old")

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match="disk is full"), atomic_write(target) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path, {"photo.bin"}) == []
