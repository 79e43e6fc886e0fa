"""Projects saved as OpenRaster come back exactly as they were, and other apps can read them."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from editor.model import ora
from editor.model.commands import AddLayer
from editor.model.compositor import composite
from editor.model.document import Document
from editor.model.imageio import ImageFileError
from editor.model.layers import Box, BoxLayer, MaskLayer, RasterLayer
from editor.model.ora import load_ora, save_ora

W, H = 600, 300


def make_project() -> Document:
    rng = np.random.default_rng(7)
    doc = Document(W, H)
    photo = rng.integers(0, 256, (H, W, 4), np.uint8)
    shadow = np.zeros((H, W, 4), np.uint8)
    shadow[100:200, 50:400] = (20, 20, 30, 180)
    mask = np.zeros((H, W), np.uint8)
    mask[40:260, 100:500] = 255
    mask[40, 100] = 77  # a soft edge value must survive too
    layers = [
        RasterLayer("Photo", photo),
        RasterLayer("Shadow", shadow, opacity=0.37, blend="multiply", locked=True),
        RasterLayer("Glow", photo[::-1].copy(), blend="screen", visible=False),
        MaskLayer("Cutout mask", mask, color=(10, 200, 90),
                  source={"plugin": "segment", "version": "1.2", "params": {"refine": True}}),
        BoxLayer("Labels", [Box(10, 20, 110.5, 220, "mug", 0.93), Box(0, 0, 5, 5)], (W, H),
                 opacity=0.8),
    ]
    for layer in layers:
        doc.history.push(AddLayer(layer))
    doc.set_active(layers[1])
    return doc


def test_save_and_reopen_gives_the_same_project(tmp_path: Path) -> None:
    doc = make_project()
    save_ora(doc, tmp_path / "shoot.ora")
    back = load_ora(tmp_path / "shoot.ora")

    assert back.size == doc.size
    assert back.path == tmp_path / "shoot.ora"
    assert not back.history.can_undo and back.history.is_clean
    assert [type(layer) for layer in back.layers] == [type(layer) for layer in doc.layers]
    for old, new in zip(doc.layers, back.layers, strict=True):
        for prop in ("name", "visible", "opacity", "locked", "blend", "source", "id", "size"):
            assert getattr(new, prop) == getattr(old, prop), (old.name, prop)
    np.testing.assert_array_equal(back.layers[0].pixels, doc.layers[0].pixels)
    np.testing.assert_array_equal(back.layers[1].pixels, doc.layers[1].pixels)
    np.testing.assert_array_equal(back.layers[3].mask, doc.layers[3].mask)
    assert back.layers[3].color == (10, 200, 90)
    assert back.layers[4].boxes == doc.layers[4].boxes
    assert back.active_layer is back.layers[1]


def test_the_file_is_valid_openraster(tmp_path: Path) -> None:
    doc = make_project()
    save_ora(doc, tmp_path / "shoot.ora")
    with zipfile.ZipFile(tmp_path / "shoot.ora") as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"image/openraster"
        # a reader may find the mimetype at a fixed offset without parsing the zip
        assert (tmp_path / "shoot.ora").read_bytes()[30:54] == b"mimetypeimage/openraster"

        root = ET.fromstring(archive.read("stack.xml"))
        assert (root.get("version"), root.get("w"), root.get("h")) == ("0.0.5", "600", "300")
        listed = root.find("stack").findall("layer")
        assert [e.get("name") for e in listed] == [layer.name for layer in doc.layers[::-1]]
        ops = {e.get("name"): e.get("composite-op") for e in listed}
        assert ops["Shadow"] == "svg:multiply" and ops["Glow"] == "svg:screen"
        assert ops["Photo"] == "svg:src-over"
        assert {e.get("name"): e.get("visibility") for e in listed}["Glow"] == "hidden"

        for element in listed:
            with Image.open(io.BytesIO(archive.read(element.get("src")))) as picture:
                assert picture.size == (W, H)
                kind = element.get(f"{{{ora.NS}}}kind")
                if kind == "mask":
                    assert picture.mode == "L"
                elif kind == "boxes":
                    assert picture.mode == "RGBA" and picture.getextrema()[3] == (0, 0)
                    part = element.get(f"{{{ora.NS}}}boxes")
                    boxes = json.loads(archive.read(part))["boxes"]
                    assert boxes[0] == {"x0": 10, "y0": 20, "x1": 110.5, "y1": 220,
                                        "label": "mug", "score": 0.93}
        merged = np.asarray(Image.open(io.BytesIO(archive.read("mergedimage.png"))))
        np.testing.assert_array_equal(merged, composite(doc.layers, doc.size))
        with Image.open(io.BytesIO(archive.read("Thumbnails/thumbnail.png"))) as thumb:
            assert max(thumb.size) <= 256 and thumb.size == (256, 128)


def _write_ora(path: Path, stack_xml: str, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", b"image/openraster", zipfile.ZIP_STORED)
        archive.writestr("stack.xml", stack_xml)
        for name, data in files.items():
            archive.writestr(name, data)


def _png(rgba: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, "PNG")
    return buffer.getvalue()


def test_smaller_offset_layers_from_other_apps_are_placed(tmp_path: Path) -> None:
    red = np.zeros((2, 3, 4), np.uint8)
    red[...] = (255, 0, 0, 255)
    stack = """<image version="0.0.3" w="10" h="8"><stack>
      <layer name="sticker" src="data/a.png" x="4" y="5" composite-op="svg:color-dodge"
             opacity="0.5"/>
      <stack x="-2" y="1"><layer name="edge" src="data/b.png" x="0" y="0"/></stack>
    </stack></image>"""
    _write_ora(tmp_path / "krita.ora", stack, {"data/a.png": _png(red), "data/b.png": _png(red)})
    doc = load_ora(tmp_path / "krita.ora")
    edge, sticker = doc.layers  # bottom first
    assert (sticker.name, sticker.blend, sticker.opacity) == ("sticker", "normal", 0.5)
    assert sticker.pixels.shape == (8, 10, 4)
    assert sticker.pixels[..., 3].sum() == 6 * 255
    np.testing.assert_array_equal(sticker.pixels[5:7, 4:7], red)
    # the group moved its layer one pixel off the left edge: only one column remains
    assert edge.pixels[..., 3].sum() == 2 * 255
    np.testing.assert_array_equal(edge.pixels[1:3, 0:1], red[:, :1])


def _refusal(path: Path) -> str:
    with pytest.raises(ImageFileError) as info:
        load_ora(path)
    assert str(info.value).startswith(f"{path}: ")
    return info.value.reason


def test_broken_projects_are_reported(tmp_path: Path) -> None:
    (tmp_path / "text.ora").write_text("hello")
    assert "not a zip archive" in _refusal(tmp_path / "text.ora")

    with zipfile.ZipFile(tmp_path / "nostack.ora", "w") as archive:
        archive.writestr("mimetype", b"image/openraster")
    assert "stack.xml is missing" in _refusal(tmp_path / "nostack.ora")

    _write_ora(tmp_path / "badxml.ora", "<image w='4' h='4'><stack>", {})
    assert "stack.xml is not valid XML" in _refusal(tmp_path / "badxml.ora")

    _write_ora(tmp_path / "nolayer.ora",
               '<image w="4" h="4"><stack><layer name="Base" src="data/0.png"/></stack></image>',
               {})
    reason = _refusal(tmp_path / "nolayer.ora")
    assert "layer 'Base'" in reason and "data/0.png" in reason and "missing" in reason

    _write_ora(tmp_path / "junk.ora",
               '<image w="4" h="4"><stack><layer name="Base" src="data/0.png"/></stack></image>',
               {"data/0.png": b"not a png"})
    assert "layer 'Base'" in _refusal(tmp_path / "junk.ora")

    assert _refusal(tmp_path / "absent.ora") == "no such file"


def test_a_failed_save_keeps_the_previous_project(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "shoot.ora"
    save_ora(make_project(), target)
    before = target.read_bytes()

    def crash(image: Image.Image) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ora, "_png", crash)
    with pytest.raises(ImageFileError, match="the disk is full"):
        save_ora(make_project(), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["shoot.ora"]


def test_a_part_whose_own_header_names_it_in_broken_utf8_is_damage(tmp_path: Path) -> None:
    """Found by the .ora fuzz target: a local file header that flags its name as UTF-8 but
    holds other bytes made zipfile raise UnicodeDecodeError out of load_ora."""
    good = tmp_path / "good.ora"
    doc = Document(8, 6)
    doc.history.push(AddLayer(RasterLayer("Photo", np.full((6, 8, 4), 200, np.uint8))))
    save_ora(doc, good)
    data = bytearray(good.read_bytes())
    at = data.rindex(b"PK\x03\x04", 0, data.index(b"stack.xml"))  # its local header
    data[at + 7] |= 0x08  # general purpose flags, bit 11: the name is UTF-8 ...
    name = at + 30
    data[name] = 0x91  # ... but its first byte cannot start a UTF-8 character
    bad = tmp_path / "bad.ora"
    bad.write_bytes(bytes(data))
    with pytest.raises(ImageFileError, match="the project is damaged"):
        load_ora(bad)
