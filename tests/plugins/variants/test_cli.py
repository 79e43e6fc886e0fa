"""`lightbox run variants`: one folder of variants per input, nothing on bad input."""

from __future__ import annotations

import json

import numpy as np
from PIL import Image

from editor.cli import main

from .samples import product_touching_border, two_colour_product


def _save(path, rgba):
    Image.fromarray(np.ascontiguousarray(rgba[..., :3])).save(path)
    return path


def test_run_writes_a_folder_of_variants_and_their_list(tmp_path, capsys):
    image, product, _ = two_colour_product()
    photo = _save(tmp_path / "bag.png", image)
    Image.fromarray(product).save(tmp_path / "bag-mask.png")
    out = tmp_path / "out"
    code = main(["run", "variants", str(photo), "-o", str(out), "--mask",
                 str(tmp_path / "bag-mask.png"), "-p", "kind=colourway",
                 "-p", "colours=#1565c0,#2e7d32"])
    assert code == 0, capsys.readouterr().err
    folder = out / "bag"
    assert sorted(p.name for p in folder.iterdir()) == [
        "colour-1565c0.png", "colour-2e7d32.png", "variants.json"]
    listing = json.loads((folder / "variants.json").read_text())
    assert [v["file"] for v in listing["variants"]] == ["colour-1565c0.png",
                                                        "colour-2e7d32.png"]
    assert listing["variants"][0]["colour"] == "#1565c0"


def test_crops_through_the_cli_are_exact(tmp_path, capsys):
    image, mask = product_touching_border()
    photo = _save(tmp_path / "bottle.png", image)
    Image.fromarray(mask).save(tmp_path / "mask.png")
    out = tmp_path / "out"
    assert main(["run", "variants", str(photo), "-o", str(out), "--mask",
                 str(tmp_path / "mask.png"), "-p", "kind=crops", "-p", "ratios=4:5,16:9",
                 "-p", "size=320"]) == 0, capsys.readouterr().err
    assert Image.open(out / "bottle" / "crop-4x5.png").size == (256, 320)
    assert Image.open(out / "bottle" / "crop-16x9.png").size == (320, 180)


def test_bad_input_is_named_and_nothing_is_written(tmp_path, capsys):
    image, mask = product_touching_border()
    photo = _save(tmp_path / "bottle.png", image)
    Image.fromarray(mask).save(tmp_path / "mask.png")
    Image.fromarray(np.zeros_like(mask)).save(tmp_path / "empty.png")
    cases = [
        (["-p", "kind=colourway", "-p", "colours=#12g456"], "mask.png", "colour"),
        (["-p", "kind=crops", "-p", "ratios=1:1,wide"], "mask.png", "ratio"),
        (["-p", "kind=crops"], "empty.png", "empty"),
    ]
    for i, (params, mask_file, word) in enumerate(cases):
        out = tmp_path / f"out{i}"
        code = main(["run", "variants", str(photo), "-o", str(out), "--mask",
                     str(tmp_path / mask_file), *params])
        err = capsys.readouterr().err
        assert code == 1
        assert "bottle.png" in err and word in err
        assert not any(out.iterdir())
