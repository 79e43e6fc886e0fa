"""`lightbox run background` as a scripted user drives it: the finished picture in
OUT/<stem>.png (or .jpg), the layers beside it, bad masks and colours named."""

import numpy as np
import pytest
from PIL import Image

from editor.cli import main
from editor.samples import render_sample


@pytest.fixture
def shot(tmp_path):
    sample = render_sample("jar", (160, 120), background="sweep", seed=2)
    photo = tmp_path / "jar.png"
    Image.fromarray(sample.image[..., :3]).save(photo)
    mask = tmp_path / "jar-mask.png"
    Image.fromarray(sample.mask).save(mask)
    return sample, photo, mask


def run_cli(*args):
    return main([str(a) for a in args])


def test_colour_backdrop_is_written_as_an_opaque_png_with_the_exact_colour(shot, tmp_path,
                                                                           capsys):
    sample, photo, mask = shot
    out = tmp_path / "out"
    code = run_cli("run", "background", photo, "-o", out, "--mask", mask,
                   "-p", "background=colour", "-p", "colour=#336699", "-p", "shadow=none")
    assert code == 0, capsys.readouterr().err
    written = Image.open(out / "jar.png")
    assert written.mode == "RGB"  # opaque: no alpha channel
    pixels = np.asarray(written)
    outside = sample.mask == 0
    assert (pixels[outside] == (0x33, 0x66, 0x99)).all()
    inside = sample.mask == 255
    assert (pixels[inside] == sample.image[inside][:, :3]).all()
    names = sorted(p.name for p in out.iterdir())
    assert names == ["jar-backdrop.png", "jar-product.png", "jar.json", "jar.png"]


def test_format_jpg_writes_a_jpeg_and_the_shadow_beside_it(shot, tmp_path, capsys):
    _, photo, mask = shot
    out = tmp_path / "out"
    code = run_cli("run", "background", photo, "-o", out, "--mask", mask,
                   "-p", "format=jpg")
    assert code == 0, capsys.readouterr().err
    assert Image.open(out / "jar.jpg").format == "JPEG"
    shadow = np.asarray(Image.open(out / "jar-shadow.png"))
    assert shadow.shape[2] == 4 and shadow[..., 3].max() > 50
    assert not (out / "jar.png").exists()


def test_a_mask_of_the_wrong_size_is_named_and_nothing_is_written(shot, tmp_path, capsys):
    _, photo, _ = shot
    small = tmp_path / "small-mask.png"
    Image.fromarray(np.full((10, 10), 255, np.uint8)).save(small)
    out = tmp_path / "out"
    code = run_cli("run", "background", photo, "-o", out, "--mask", small)
    err = capsys.readouterr().err
    assert code == 1
    assert "small-mask.png" in err and "10x10" in err
    assert not list(out.iterdir())


@pytest.mark.parametrize("pair, words", [("colour=#zz0000", "colour"),
                                         ("image=missing.png", "missing.png")])
def test_bad_params_are_named_and_nothing_is_written(shot, tmp_path, capsys, pair, words):
    _, photo, mask = shot
    out = tmp_path / "out"
    extra = ["-p", "background=image"] if pair.startswith("image") else []
    code = run_cli("run", "background", photo, "-o", out, "--mask", mask, "-p", pair, *extra)
    err = capsys.readouterr().err
    assert code == 1 and words in err and "jar.png" in err
    assert not list(out.iterdir())


def test_an_empty_mask_says_no_product_and_writes_nothing(shot, tmp_path, capsys):
    _, photo, _ = shot
    empty = tmp_path / "empty.png"
    Image.fromarray(np.zeros((120, 160), np.uint8)).save(empty)
    out = tmp_path / "out"
    assert run_cli("run", "background", photo, "-o", out, "--mask", empty) == 1
    assert "no product found" in capsys.readouterr().err
    assert not list(out.iterdir())
