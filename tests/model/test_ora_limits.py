"""Hostile project files are refused before they can claim memory, with a reason."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.imageio import ImageFileError
from editor.model.layers import Box, BoxLayer, RasterLayer
from editor.model.ora import load_ora, save_ora


def _png(size: tuple[int, int], mode: str = "L") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG", compress_level=9)
    return buffer.getvalue()


def _ora(path: Path, canvas: tuple[int, int], picture: bytes, padding: int = 0) -> Path:
    stack = (f'<image w="{canvas[0]}" h="{canvas[1]}"><stack>'
             '<layer name="Evil" src="data/l.png"/></stack></image>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"image/openraster")
        archive.writestr("stack.xml", stack)
        archive.writestr("data/l.png", picture + b"\0" * padding)
    return path


def refused(path: Path) -> str:
    with pytest.raises(ImageFileError) as caught:
        load_ora(path)
    return caught.value.reason


def test_a_layer_far_larger_than_its_canvas_is_refused_unread(tmp_path: Path) -> None:
    # 1.5 KB that decoded to 196 MP (3 GB) before
    path = _ora(tmp_path / "bomb.ora", (100, 100), _png((3000, 3000)))
    assert path.stat().st_size < 10_000
    reason = refused(path)
    assert "3000x3000 pixels, far larger than the 100x100 canvas" in reason


def test_a_layer_part_larger_than_its_pixels_can_be_is_refused(tmp_path: Path) -> None:
    # a small PNG followed by megabytes of zeros: a 2 GB member took 4.2 GB before
    path = _ora(tmp_path / "padded.ora", (100, 100), _png((100, 100)), padding=24 << 20)
    assert path.stat().st_size < 200_000
    assert "data/l.png is implausibly large" in refused(path)


def test_layers_overhanging_the_canvas_still_open(tmp_path: Path) -> None:
    path = _ora(tmp_path / "krita.ora", (100, 100), _png((150, 120), "RGBA"))
    assert load_ora(path).layers[0].pixels.shape == (100, 100, 4)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_boxes_that_are_not_numbers_are_refused(tmp_path: Path, bad: float) -> None:
    doc = Document(20, 10)
    doc.history.push(AddLayer(RasterLayer("Photo", np.zeros((10, 20, 4), np.uint8))))
    doc.history.push(AddLayer(BoxLayer("Labels", [Box(1, 1, 5, 5), Box(0, 0, bad, 3)],
                                       (20, 10))))
    save_ora(doc, tmp_path / "p.ora")
    assert "box 2 of layer 'Labels'" in refused(tmp_path / "p.ora")


def test_deeply_nested_box_json_is_reported_not_raised(tmp_path: Path) -> None:
    doc = Document(20, 10)
    doc.history.push(AddLayer(BoxLayer("Labels", [Box(1, 1, 5, 5)], (20, 10))))
    save_ora(doc, tmp_path / "p.ora")
    with zipfile.ZipFile(tmp_path / "p.ora") as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    part = next(n for n in parts if n.startswith("lightbox/boxes"))
    parts[part] = b"[" * 100_000 + b"]" * 100_000
    with zipfile.ZipFile(tmp_path / "p.ora", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert "are unreadable" in refused(tmp_path / "p.ora")


def test_a_stack_naming_an_unknown_encoding_is_damage(tmp_path: Path) -> None:
    # found by the fuzz target: ElementTree raised LookupError
    path = tmp_path / "p.ora"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", b"image/openraster")
        archive.writestr("stack.xml", b"<?xml version='1.0' encoding='ttf-8'?><image w='4' "
                                      b"h='4'><stack/></image>")
    assert "stack.xml is not valid XML" in refused(path)
