"""`lightbox run` never replaces what it did not write, and says so before any compute."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.cli import main


def photo(path: Path, value: int = 30) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((30, 40, 3), value, np.uint8)).save(path)
    return path


def run_cli(*args: object) -> int:
    return main([str(a) for a in args])


def test_files_in_the_way_are_named_and_nothing_is_computed(fake_plugins, tmp_path, capsys):
    photo(tmp_path / "in" / "a.png")
    photo(tmp_path / "in" / "b.png")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text('{"labelme": "a person\'s annotation"}')
    code = run_cli("run", "fake", tmp_path / "in", "-o", out, "-p", "seconds=0")
    err = capsys.readouterr().err
    assert code == 2
    assert "a.json" in err and "--overwrite" in err and "Nothing was computed" in err
    assert sorted(p.name for p in out.iterdir()) == ["a.json"]  # b was not computed either
    assert "labelme" in (out / "a.json").read_text()

    assert run_cli("run", "fake", tmp_path / "in", "-o", out, "-p", "seconds=0",
                   "--overwrite") == 0
    assert "labelme" not in (out / "a.json").read_text()


def test_a_rerun_needs_overwrite_or_skip_existing(fake_plugins, tmp_path, capsys):
    photo(tmp_path / "in" / "a.png")
    out = tmp_path / "out"
    assert run_cli("run", "fake", tmp_path / "in", "-o", out, "-p", "seconds=0") == 0
    assert run_cli("run", "fake", tmp_path / "in", "-o", out, "-p", "seconds=0") == 2
    photo(tmp_path / "in" / "b.png")
    capsys.readouterr()
    assert run_cli("run", "fake", tmp_path / "in", "-o", out, "-p", "seconds=0",
                   "--skip-existing") == 0
    captured = capsys.readouterr()
    assert "a.png: skipped" in captured.out and "b.png: ok" in captured.out
    assert "1 succeeded, 0 failed, 1 skipped" in captured.out
    assert (out / "b.png").exists()


def test_autolabel_keeps_a_persons_labels_and_class_list(tmp_path, capsys):
    photo(tmp_path / "al" / "a.jpg")
    out = tmp_path / "labels"
    out.mkdir()
    (out / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n")
    (out / "classes.txt").write_text("mug\n")
    code = run_cli("run", "autolabel", tmp_path / "al", "-o", out, "-p", "method=proposals")
    assert code == 2
    err = capsys.readouterr().err
    assert "a.txt" in err and "classes.txt" in err
    assert (out / "classes.txt").read_text() == "mug\n"
    assert (out / "a.txt").read_text() == "0 0.5 0.5 0.2 0.2\n"


def test_an_output_folder_inside_the_input_folder_is_refused(fake_plugins, tmp_path, capsys):
    photo(tmp_path / "in" / "a.png")
    for outdir in (tmp_path / "in", tmp_path / "in" / "out"):
        assert run_cli("run", "fake", tmp_path / "in", "-o", outdir, "-p", "seconds=0") == 2
        assert "inside the input folder" in capsys.readouterr().err
    assert not (tmp_path / "in" / "out").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user that read-only permissions apply to")
def test_a_read_only_output_folder_is_refused_before_compute(fake_plugins, tmp_path, capsys):
    photo(tmp_path / "a.png")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        assert run_cli("run", "fake", tmp_path / "a.png", "-o", out, "-p", "seconds=0") == 2
    finally:
        out.chmod(0o755)
    assert "cannot be written" in capsys.readouterr().err


def test_an_unwritable_output_folder_is_refused_before_compute(fake_plugins, tmp_path, capsys,
                                                               monkeypatch):
    import tempfile

    photo(tmp_path / "a.png")

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")  # EROFS

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", read_only)
    assert run_cli("run", "fake", tmp_path / "a.png", "-o", tmp_path / "out",
                   "-p", "seconds=0") == 2
    err = capsys.readouterr().err
    assert "cannot be written there" in err and "read-only disk" in err


def test_a_rerun_after_kill_leaves_no_temp_file(fake_plugins, tmp_path):
    photo(tmp_path / "in" / "a.png")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".a.png.lbx999999999.k2j3h4.tmp").write_bytes(b"half a photo")  # a dead process's
    assert run_cli("run", "fake", tmp_path / "in", "-o", out, "-p", "seconds=0") == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "a.png"]


def test_planning_lists_the_output_folder_once(fake_plugins, tmp_path, capsys, monkeypatch):
    from editor.tasks import outputs

    for i in range(40):
        photo(tmp_path / "in" / f"p{i}.png")
    out = tmp_path / "out"
    out.mkdir()
    for i in range(0, 40, 2):
        (out / f"p{i}.png").write_bytes(b"done before")
        (out / f"p{i}-mask.png").write_bytes(b"done before")
    listed = []
    real = outputs.os.scandir
    monkeypatch.setattr(outputs.os, "scandir", lambda path: listed.append(path) or real(path))
    assert run_cli("run", "fake", tmp_path / "in", "-o", out, "-p", "seconds=0",
                   "--skip-existing") == 0
    # once to clean stale temps, once to plan: not once per input (10,000 were quadratic)
    assert len([p for p in listed if Path(p) == out]) == 2
    assert "20 succeeded, 0 failed, 20 skipped" in capsys.readouterr().out
