"""Open, save and export as the File menu and the command line do them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.model.commands import AddLayer, SetLayerProperties
from editor.model.document import Document
from editor.model.files import OPENABLE_SUFFIXES, export_image, open_document, save_document
from editor.model.imageio import ImageFileError, load_image
from editor.model.layers import RasterLayer


def two_layer_doc() -> Document:
    doc = Document(8, 6)
    base = np.zeros((6, 8, 4), np.uint8)
    base[:, :4] = (0, 0, 255, 255)  # left half opaque blue, right half transparent
    top = np.zeros((6, 8, 4), np.uint8)
    top[0, 0] = (255, 0, 0, 255)
    doc.history.push(AddLayer(RasterLayer("Base", base)))
    doc.history.push(AddLayer(RasterLayer("Dot", top)))
    return doc


def test_openable_suffixes() -> None:
    assert {".ora", ".png", ".jpg", ".tif", ".webp"} <= OPENABLE_SUFFIXES


def test_open_an_image_as_a_one_layer_document(tmp_path: Path) -> None:
    Image.new("RGBA", (5, 3), (9, 8, 7, 200)).save(tmp_path / "blue mug.png")
    doc, notices = open_document(tmp_path / "blue mug.png")
    assert notices == []
    assert doc.size == (5, 3) and doc.path == tmp_path / "blue mug.png"
    assert [layer.name for layer in doc.layers] == ["blue mug"]
    np.testing.assert_array_equal(doc.layers[0].pixels[1, 1], (9, 8, 7, 200))
    assert doc.history.is_clean and not doc.history.can_undo
    assert doc.active_layer is doc.layers[0]


def test_open_passes_on_the_loaders_notices(tmp_path: Path) -> None:
    Image.new("CMYK", (4, 4), (0, 0, 0, 0)).save(tmp_path / "print.jpg")
    _, notices = open_document(tmp_path / "print.jpg")
    assert "converted from CMYK to RGB" in notices


def test_open_a_bad_file_names_it(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("not a picture")
    with pytest.raises(ImageFileError, match=r"readme\.txt: not an image file"):
        open_document(tmp_path / "readme.txt")


def test_save_then_open_a_project(tmp_path: Path) -> None:
    doc = two_layer_doc()
    doc.history.push(SetLayerProperties(doc.layers[1], opacity=0.25))
    assert not doc.history.is_clean
    save_document(doc, tmp_path / "listing.ora")
    assert doc.path == tmp_path / "listing.ora" and doc.history.is_clean
    assert doc.title == "listing.ora"

    back, notices = open_document(tmp_path / "listing.ora")
    assert notices == []
    assert [(layer.name, layer.opacity) for layer in back.layers] == [("Base", 1.0), ("Dot", 0.25)]
    np.testing.assert_array_equal(back.layers[0].pixels, doc.layers[0].pixels)


def test_save_refuses_anything_but_ora(tmp_path: Path) -> None:
    doc = two_layer_doc()
    with pytest.raises(ImageFileError, match="projects are saved as .ora"):
        save_document(doc, tmp_path / "listing.png")
    assert list(tmp_path.iterdir()) == []
    assert doc.path is None and not doc.history.is_clean


def test_export_png_keeps_transparency(tmp_path: Path) -> None:
    doc = two_layer_doc()
    export_image(doc, tmp_path / "out.png")
    pixels = load_image(tmp_path / "out.png").pixels
    np.testing.assert_array_equal(pixels[0, 0], (255, 0, 0, 255))
    np.testing.assert_array_equal(pixels[3, 2], (0, 0, 255, 255))
    assert pixels[3, 6, 3] == 0
    assert doc.path is None and not doc.history.is_clean  # exporting is not saving


def test_export_jpeg_flattens_onto_the_background(tmp_path: Path) -> None:
    export_image(two_layer_doc(), tmp_path / "out.jpg", background=(0, 255, 0), quality=95)
    pixels = load_image(tmp_path / "out.jpg").pixels.astype(int)
    assert np.abs(pixels[3, 7] - (0, 255, 0, 255)).max() <= 6  # transparent -> background
    assert np.abs(pixels[3, 1] - (0, 0, 255, 255)).max() <= 6


def test_export_webp_keeps_transparency(tmp_path: Path) -> None:
    export_image(two_layer_doc(), tmp_path / "out.webp", quality=100)
    pixels = load_image(tmp_path / "out.webp").pixels
    assert pixels[3, 6, 3] == 0 and pixels[3, 1, 3] == 255


def test_export_to_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageFileError, match="cannot save images as"):
        export_image(two_layer_doc(), tmp_path / "out.heic")
