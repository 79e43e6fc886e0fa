"""The Cutout feature in the main window, with the real segment plugin: a box picks one of
two products, later prompts replace that product's mask as one undo step, and a corrected
mask is saved as a training pair that ``lightbox train segment`` reads."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import MaskLayer, RasterLayer
from editor.qt.features.cutout import CutoutFeature, pair_name
from editor.qt.main_window import MainWindow
from editor.training.datasets import scan

W, H = 240, 140
LEFT_PRODUCT = (slice(30, 110), slice(20, 90))
RIGHT_PRODUCT = (slice(30, 110), slice(150, 220))
LEFT = Qt.MouseButton.LeftButton


def photo() -> np.ndarray:
    """Two products on a light backdrop: a blue one on the left, a red one on the right."""
    image = np.full((H, W, 4), 228, np.uint8)
    image[..., 3] = 255
    image[LEFT_PRODUCT[0], LEFT_PRODUCT[1], :3] = (30, 40, 140)
    image[RIGHT_PRODUCT[0], RIGHT_PRODUCT[1], :3] = (160, 40, 30)
    return image


@pytest.fixture
def window(shown_window) -> MainWindow:
    return shown_window("segment")


@pytest.fixture
def doc(window) -> Document:
    document = Document(W, H)
    document.history.push(AddLayer(RasterLayer("Photo", photo())))
    window.load_document(document, [])
    window.canvas.set_tool("cutout")
    return document


@pytest.fixture
def cutout(window) -> CutoutFeature:
    return next(f for f in window.features if isinstance(f, CutoutFeature))


def at(window: MainWindow, x: float, y: float):
    return window.canvas.image_to_widget(QPointF(x, y)).toPoint()


def drag_box(qtbot, window: MainWindow, x0, y0, x1, y1) -> None:
    view = window.canvas.viewport()
    qtbot.mousePress(view, LEFT, pos=at(window, x0, y0))
    qtbot.mouseMove(view, at(window, (x0 + x1) / 2, (y0 + y1) / 2))
    qtbot.mouseRelease(view, LEFT, pos=at(window, x1, y1))


def settle(qtbot, cutout: CutoutFeature) -> None:
    qtbot.waitUntil(lambda: not cutout.busy, timeout=60000)


def coverage(mask: np.ndarray, region) -> float:
    return float((mask[region] > 127).mean())


def product_masks(doc: Document) -> list[MaskLayer]:
    return [layer for layer in doc.layers if isinstance(layer, MaskLayer)]


def test_a_box_picks_one_of_two_products_and_the_next_box_replaces_it(qtbot, window, doc,
                                                                      cutout):
    drag_box(qtbot, window, 140, 20, 230, 120)
    settle(qtbot, cutout)
    masks = product_masks(doc)
    assert len(masks) == 1, window.notifications.messages()
    mask = masks[0]
    assert doc.active_layer is mask and mask.source["plugin"] == "segment"
    assert coverage(mask.mask, RIGHT_PRODUCT) > 0.9
    assert coverage(mask.mask, LEFT_PRODUCT) < 0.05
    first = mask.mask.copy()
    steps = len(doc.history.texts)

    drag_box(qtbot, window, 10, 20, 100, 120)  # now the other product
    settle(qtbot, cutout)
    assert product_masks(doc) == [mask], "the box refined the same layer"
    assert coverage(mask.mask, LEFT_PRODUCT) > 0.9
    assert coverage(mask.mask, RIGHT_PRODUCT) < 0.05
    assert len(doc.history.texts) == steps + 1
    doc.history.undo()
    assert np.array_equal(mask.mask, first)


def test_a_click_while_the_plugin_runs_lands_on_the_same_layer(qtbot, window, doc, cutout):
    drag_box(qtbot, window, 140, 20, 230, 120)
    qtbot.mouseClick(window.canvas.viewport(), LEFT, pos=at(window, 185, 70))
    settle(qtbot, cutout)
    assert len(product_masks(doc)) == 1
    assert [p.kind for p in cutout.tool.prompts] == ["box", "point"]


def test_save_as_training_pair_writes_a_pairs_folder_and_never_overwrites(qtbot, window, doc,
                                                                          cutout, tmp_path):
    mask = np.zeros((H, W), np.uint8)
    mask[RIGHT_PRODUCT] = 255
    doc.history.push(AddLayer(MaskLayer("Product mask", mask, source={"plugin": "segment"})))
    cutout.ask_folder = lambda: tmp_path
    for _ in range(2):
        cutout.actions["save_pair"].trigger()
        settle(qtbot, cutout)
    names = sorted(p.name for p in (tmp_path / "images").iterdir())
    assert names == ["untitled-2.png", "untitled.png"]
    assert sorted(p.name for p in (tmp_path / "masks").iterdir()) == names
    assert np.array_equal(np.asarray(Image.open(tmp_path / "masks" / "untitled.png")), mask)
    saved = np.asarray(Image.open(tmp_path / "images" / "untitled.png").convert("RGBA"))
    assert np.array_equal(saved, photo())
    dataset = scan(tmp_path, "pairs")
    assert len(dataset.samples) == 2 and not dataset.problems


def test_save_as_training_pair_needs_a_mask(qtbot, window, doc, cutout, tmp_path):
    cutout.ask_folder = lambda: pytest.fail("no folder is asked for without a mask")
    cutout.actions["save_pair"].trigger()
    assert any(level == "warning" for level, _ in window.notifications.messages())


def test_cut_out_with_mask_adds_a_transparent_outside_layer(qtbot, window, doc, cutout):
    mask = np.zeros((H, W), np.uint8)
    mask[LEFT_PRODUCT] = 255
    doc.history.push(AddLayer(MaskLayer("Product mask", mask)))
    cutout.actions["cut_out"].trigger()
    settle(qtbot, cutout)
    layer = doc.layers[-1]
    assert isinstance(layer, RasterLayer) and layer.name == "Cutout"
    assert np.array_equal(layer.pixels[..., 3], mask)
    assert np.array_equal(layer.pixels[..., :3][mask > 0], photo()[..., :3][mask > 0])


def test_pair_names_skip_any_taken_stem(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "shoe.jpg").write_bytes(b"")
    (tmp_path / "masks").mkdir()
    (tmp_path / "masks" / "shoe-2.png").write_bytes(b"")
    assert pair_name(tmp_path, "shoe") == "shoe-3"
    assert pair_name(tmp_path, "my photo (1)") == "my_photo_1"


def test_a_folder_that_cannot_be_written_is_reported_by_name(qtbot, window, doc, cutout,
                                                             tmp_path):
    mask = np.zeros((H, W), np.uint8)
    mask[LEFT_PRODUCT] = 255
    doc.history.push(AddLayer(MaskLayer("Product mask", mask)))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    cutout.ask_folder = lambda: blocker
    cutout.actions["save_pair"].trigger()
    settle(qtbot, cutout)
    errors = [text for level, text in window.notifications.messages() if level == "error"]
    assert len(errors) == 1 and "not-a-folder" in errors[0]
    assert blocker.read_text() == "a file where the folder should be"
