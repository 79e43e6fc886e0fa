"""`lightbox plugins` and `lightbox run`, as a scripted user drives them."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.cli import main


def photo(path: Path, w=40, h=30, value=30):
    rgb = np.full((h, w, 3), value, np.uint8)
    Image.fromarray(rgb).save(path)
    return path


def run_cli(*args):
    return main([str(a) for a in args])


def test_plugins_lists_params_devices_and_broken_ones(fake_plugins, capsys):
    assert run_cli("plugins") == 0
    out = capsys.readouterr().out
    assert "devices: cpu" in out
    assert "denoise" in out and "-p strength=<float> in [0.25, 3]" in out
    assert "broken  BROKEN:" in out


def test_run_writes_one_output_per_input_keeping_stems(fake_plugins, tmp_path, capsys):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    photo(src / "a.png")
    photo(src / "sub" / "b.jpg")
    (src / "notes.txt").write_text("not an image; skipped by the folder walk")
    out = tmp_path / "out"
    code = run_cli("run", "fake", src, "-o", out, "-p", "seconds=0", "--device", "cpu")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "a.png", "b.json", "b.png"]
    inverted = np.asarray(Image.open(out / "a.png"))
    assert inverted.shape == (30, 40, 4) and inverted[0, 0, 0] == 225
    assert "2 succeeded, 0 failed" in captured.out
    assert "device: cpu" in captured.err


def test_bad_inputs_are_named_and_the_others_still_run(fake_plugins, tmp_path, capsys):
    good = photo(tmp_path / "good.png")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_text("hello, I am text")
    missing = tmp_path / "missing.jpg"
    out = tmp_path / "out"
    code = run_cli("run", "fake", good, empty, text, missing, "-o", out, "-p", "seconds=0")
    captured = capsys.readouterr()
    assert code == 1
    assert (out / "good.png").exists()
    for bad in (empty, text, missing):
        assert f"{bad}: " in captured.err
    assert "1 succeeded, 3 failed" in captured.out


def test_a_failing_plugin_run_is_reported_per_file(fake_plugins, tmp_path, capsys):
    code = run_cli("run", "fake", photo(tmp_path / "x.png"), "-o", tmp_path / "o",
                   "-p", "fail=true", "-p", "seconds=0")
    assert code == 1
    assert "x.png: the fake plugin was asked to fail" in capsys.readouterr().err


def test_usage_errors_exit_2_with_a_reason(fake_plugins, tmp_path, capsys):
    img = photo(tmp_path / "x.png")
    assert run_cli("run", "nope", img, "-o", tmp_path / "o") == 2
    assert "no plugin 'nope'" in capsys.readouterr().err
    assert run_cli("run", "broken", img, "-o", tmp_path / "o") == 2
    assert "broken" in capsys.readouterr().err
    assert run_cli("run", "fake", img, "-o", tmp_path / "o", "-p", "steps=0") == 2
    assert "below the minimum" in capsys.readouterr().err
    a_file = tmp_path / "file"
    a_file.write_text("")
    assert run_cli("run", "fake", img, "-o", a_file) == 2
    assert "output folder is a file" in capsys.readouterr().err


def test_an_input_is_never_overwritten(fake_plugins, tmp_path, capsys):
    img = photo(tmp_path / "x.png")
    before = img.read_bytes()
    assert run_cli("run", "fake", img, "-o", tmp_path, "-p", "seconds=0") == 2  # before compute
    assert "overwrite an input" in capsys.readouterr().err
    assert img.read_bytes() == before


def test_two_inputs_with_the_same_stem_do_not_clobber_each_other(fake_plugins, tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    photo(tmp_path / "a" / "x.png", value=10)
    photo(tmp_path / "b" / "x.jpg", value=200)
    out = tmp_path / "out"
    assert run_cli("run", "fake", tmp_path / "a", tmp_path / "b", "-o", out,
                   "-p", "seconds=0") == 1
    assert "already written for" in capsys.readouterr().err
    assert np.asarray(Image.open(out / "x.png"))[0, 0, 0] == 245


def test_the_denoise_plugin_runs_from_the_installed_command(tmp_path):
    rng = np.random.default_rng(0)
    noisy = np.clip(120 + rng.normal(0, 20, (64, 80, 3)), 0, 255).astype(np.uint8)
    Image.fromarray(noisy).save(tmp_path / "shot.png")
    exe = Path(sys.executable).with_name("lightbox")
    if not exe.exists():
        pytest.skip("the lightbox console script is not installed")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [exe, "run", "denoise", tmp_path / "shot.png", "-o", tmp_path / "out"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    clean = np.asarray(Image.open(tmp_path / "out" / "shot.png"))[..., :3].astype(float)
    assert clean.std() < noisy.std() / 3


def test_an_output_never_replaces_another_input_of_the_same_run(fake_plugins, tmp_path, capsys):
    jpg = photo(tmp_path / "shoe.jpg", value=10)
    png = photo(tmp_path / "shoe.png", value=200)
    before = png.read_bytes()
    assert run_cli("run", "fake", jpg, png, "-o", tmp_path, "-p", "seconds=0") == 2
    assert "overwrite an input" in capsys.readouterr().err
    assert png.read_bytes() == before


def test_a_mistyped_command_gets_usage_help_not_the_editor(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["chek", "x"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_mask_option_is_refused_for_a_plugin_that_uses_no_mask(fake_plugins, tmp_path, capsys):
    photo(tmp_path / "a.png")
    photo(tmp_path / "m.png")
    code = run_cli("run", "fake", tmp_path / "a.png", "-o", tmp_path / "out",
                   "--mask", tmp_path / "m.png")
    assert code == 2
    assert "does not use a mask" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_mask_folder_matches_inputs_by_stem_and_names_a_mask_of_the_wrong_size(tmp_path):
    from editor.cli.common import UsageError
    from editor.cli.run import MaskSource
    from editor.model.imageio import ImageFileError

    masks = tmp_path / "masks"
    masks.mkdir()
    Image.fromarray(np.full((30, 40), 200, np.uint8)).save(masks / "shoe.png")
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(masks / "bag.png")
    source = MaskSource(masks)
    mask = source.for_input(Path("photos/shoe.jpg"), (30, 40))
    assert mask is not None and mask.shape == (30, 40) and mask[0, 0] == 200
    assert source.for_input(Path("photos/hat.jpg"), (30, 40)) is None
    with pytest.raises(ImageFileError, match=r"bag\.png.*10x10.*40x30"):
        source.for_input(Path("bag.jpg"), (30, 40))
    single = MaskSource(masks / "shoe.png")
    with pytest.raises(UsageError, match="one mask file for 2 inputs"):
        single.check_inputs([Path("a.jpg"), Path("b.jpg")])


def test_a_transparent_cutout_works_as_a_mask(tmp_path):
    from editor.model.imageio import load_mask

    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[2:6, 2:6, 3] = 255
    Image.fromarray(rgba, "RGBA").save(tmp_path / "cut.png")
    mask = load_mask(tmp_path / "cut.png")
    assert mask[3, 3] == 255 and mask[0, 0] == 0


def test_an_output_folder_inside_an_input_folder_is_refused_before_any_work(tmp_path):
    from editor.cli.common import UsageError, refuse_outdir_inside_inputs

    photos = tmp_path / "photos"
    photos.mkdir()
    with pytest.raises(UsageError, match="inside the input folder"):
        refuse_outdir_inside_inputs(photos / "out", [photos])
    with pytest.raises(UsageError, match="inside the input folder"):
        refuse_outdir_inside_inputs(photos, [photos])
    refuse_outdir_inside_inputs(tmp_path / "out", [photos, photos / "a.jpg"])


def test_run_says_which_model_it_used_beside_the_device(tmp_path, capsys):
    from editor.paths import RESOURCES

    sample = RESOURCES / "samples" / "bottle.png"
    assert run_cli("run", "segment", sample, "-o", tmp_path / "a", "-p", "output=mask",
                   "--device", "cpu") == 0
    err = capsys.readouterr().err
    assert "device: cpu" in err
    assert "segment/default.pt (bundled default)" in err
    assert run_cli("run", "denoise", sample, "-o", tmp_path / "b", "-p", "method=nlmeans",
                   "-p", "sigma=10", "--device", "cpu") == 0
    assert "model: none (nlmeans method)" in capsys.readouterr().err
