"""`lightbox check` finds out that it cannot write, or would replace, before checking."""

from __future__ import annotations

from pathlib import Path

import pytest

from editor.cli import main
from plugins.compliance import synth


def run_cli(*args: object) -> int:
    return main(["check", *(str(a) for a in args)])


@pytest.fixture(scope="module")
def grey(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shots")
    case = synth.make_case(("grey",), 600, 0, "bottle")
    path = folder / f"grey{case.suffix}"
    path.write_bytes(case.data)
    return path


def test_a_report_in_a_missing_folder_is_refused_before_checking(grey, tmp_path, capsys):
    code = run_cli(grey, "--profile", "amazon-main", "--json", tmp_path / "missing" / "r.json")
    captured = capsys.readouterr()
    assert code == 2
    assert "does not exist" in captured.err
    assert "grey" not in captured.out  # nothing was checked, so nothing was lost


def test_fixed_copies_do_not_replace_files_without_overwrite(grey, tmp_path, capsys):
    out = tmp_path / "fixed"
    out.mkdir()
    theirs = out / f"grey{grey.suffix}"
    theirs.write_bytes(b"a designer's retouched photo")
    assert run_cli(grey, "--profile", "amazon-main", "--fix", "-o", out) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert theirs.read_bytes() == b"a designer's retouched photo"
    assert run_cli(grey, "--profile", "amazon-main", "--fix", "-o", out, "--overwrite") == 1
    assert theirs.read_bytes() != b"a designer's retouched photo"


def test_a_fix_folder_inside_the_input_folder_is_refused(grey, capsys):
    assert run_cli(grey.parent, "--profile", "amazon-main", "--fix",
                   "-o", grey.parent / "fixed") == 2
    assert "inside the input folder" in capsys.readouterr().err
