"""After a one-click cutout the product shows on the checkerboard, not red-tinted over the
photo, and File → Export Cutout / Export on White each take one click."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import MaskLayer, RasterLayer
from editor.qt.features.cutout_view import CutoutViewFeature
from editor.qt.main_window import MainWindow

W, H = 200, 160


def photo() -> np.ndarray:
    image = np.full((H, W, 4), 226, np.uint8)
    image[..., 3] = 255
    image[40:130, 60:140, :3] = (30, 60, 150)
    return image


@pytest.fixture
def window(shown_window) -> MainWindow:
    return shown_window("segment")


@pytest.fixture
def doc(window) -> Document:
    document = Document(W, H)
    document.history.push(AddLayer(RasterLayer("Photo", photo())))
    window.load_document(document, [])
    return document


@pytest.fixture
def view(window) -> CutoutViewFeature:
    return next(f for f in window.features if isinstance(f, CutoutViewFeature))


def cut_out(qtbot, window, doc) -> None:
    panel = window.plugin_panel
    panel.select_plugin("segment")
    with qtbot.waitSignal(window.jobs.job_finished, timeout=60_000):
        panel.run()


def test_a_one_click_cutout_shows_on_transparency_without_an_undo_step(qtbot, window, doc):
    version = doc.history.version
    cut_out(qtbot, window, doc)
    after_cut = doc.history.version
    assert after_cut != version
    by_kind = {type(layer): layer for layer in doc.layers}
    photo_layer = doc.layers[0]
    assert photo_layer.name == "Photo"
    cutout = next(la for la in doc.layers if la.name.startswith("Cutout"))
    assert not photo_layer.visible and cutout.visible and doc.active_layer is cutout
    assert not by_kind[MaskLayer].visible  # no red tint over the product
    shown = window.canvas.grab().toImage()
    assert not shown.isNull()
    assert doc.history.version == after_cut  # hiding is looking, not an edit
    assert any("on transparency" in text for _, text in window.notifications.messages())


def test_export_cutout_and_on_white_in_one_click(qtbot, window, doc, view, tmp_path):
    cut_out(qtbot, window, doc)
    view.ask_path = lambda on_white: tmp_path / ("white.jpg" if on_white else "cut.png")
    view.export_cutout.trigger()
    view.export_white.trigger()
    qtbot.waitUntil(lambda: (tmp_path / "cut.png").exists()
                    and (tmp_path / "white.jpg").exists(), timeout=10_000)
    cut = np.asarray(Image.open(tmp_path / "cut.png"))
    assert cut.shape == (H, W, 4) and cut[5, 5, 3] == 0 and cut[85, 100, 3] == 255
    white = np.asarray(Image.open(tmp_path / "white.jpg").convert("RGB")).astype(int)
    assert (white[5, 5] >= 250).all() and white[85, 100, 2] > white[85, 100, 0] + 60


def test_export_without_a_cutout_says_what_to_do(window, doc, view, tmp_path):
    view.ask_path = lambda on_white: pytest.fail("no dialog without a cutout")
    view.export_cutout.trigger()
    assert any("no cutout yet" in text for _, text in window.notifications.messages())
