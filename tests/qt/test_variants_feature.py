"""The Variants dock as a user meets it: a crop set built on the worker while the window
stays responsive, shown as a grid, opened as its own document, exported to a folder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import MaskLayer, RasterLayer
from editor.qt.features.variants import VariantsFeature

WAIT_MS = 60000


def _product_doc() -> Document:
    doc = Document(120, 90)
    image = np.full((90, 120, 4), 200, np.uint8)
    image[..., 3] = 255
    image[10:80, 10:50, :3] = (30, 80, 190)
    doc.history.push(AddLayer(RasterLayer("photo", image)))
    mask = np.zeros((90, 120), np.uint8)
    mask[10:80, 10:50] = 255
    doc.history.push(AddLayer(MaskLayer("Product mask", mask, source={"plugin": "segment"})))
    return doc


@pytest.fixture
def feature(qtbot, shown_window):
    window = shown_window("variants", "segment")
    feat = next(f for f in window.features if isinstance(f, VariantsFeature))
    window.load_document(_product_doc(), [])
    feat.dock.show()
    yield feat
    qtbot.waitUntil(lambda: not feat.busy, timeout=WAIT_MS)


def test_a_crop_set_is_built_on_the_worker_and_shown_as_a_grid(qtbot, feature):
    panel = feature.panel
    panel.kind.setCurrentIndex(panel.kind.findData("crops"))
    panel.text.setText("1:1,4:5,16:9")
    panel.run_button.click()
    # the click returned at once: the run is on the worker, Cancel is offered
    assert feature.busy and panel.cancel_button.isEnabled()
    assert panel.grid.count() == 0
    qtbot.waitUntil(lambda: panel.grid.count() == 3, timeout=WAIT_MS)
    assert [panel.grid.item(i).text() for i in range(3)] == [
        "crop-1x1", "crop-4x5", "crop-16x9"]
    assert not panel.cancel_button.isEnabled() and panel.run_button.isEnabled()
    # the document itself is untouched: variants are new pictures, not layers
    assert len(feature.window.document.layers) == 2


def test_a_variant_opens_as_its_own_document_and_the_set_exports(qtbot, feature, tmp_path):
    panel = feature.panel
    panel.kind.setCurrentIndex(panel.kind.findData("crops"))
    panel.text.setText("4:5")
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.grid.count() == 1, timeout=WAIT_MS)
    window = feature.window
    panel.open_requested.emit(0)
    qtbot.waitUntil(lambda: window.document is not None and window.document.size[0] != 120,
                    timeout=WAIT_MS)
    w, h = window.document.size
    assert w * 5 == h * 4
    feature.ask_folder = lambda: tmp_path
    panel.export_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "untitled" / "variants.json").exists(),
                    timeout=WAIT_MS)
    listing = json.loads((tmp_path / "untitled" / "variants.json").read_text())
    assert listing["variants"][0]["file"] == "crop-4x5.png"
    assert (tmp_path / "untitled" / "crop-4x5.png").is_file()


def test_a_bad_ratio_is_said_in_the_panel(qtbot, feature):
    panel = feature.panel
    panel.kind.setCurrentIndex(panel.kind.findData("crops"))
    panel.text.setText("1:1,wide")
    panel.run_button.click()
    qtbot.waitUntil(lambda: not feature.busy, timeout=WAIT_MS)
    assert "ratio" in panel.status.text() and panel.grid.count() == 0


def test_a_mask_layer_named_protect_keeps_its_part_in_a_colourway(qtbot, feature):
    doc = feature.window.document
    protect = np.zeros((90, 120), np.uint8)
    protect[10:30, 10:50] = 255
    doc.history.push(AddLayer(MaskLayer("protect", protect)))
    panel = feature.panel
    panel.kind.setCurrentIndex(panel.kind.findData("colourway"))
    panel.text.setText("#2e7d32")
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.grid.count() == 1, timeout=WAIT_MS)
    out = feature.result.layers[0].data
    photo = doc.layers[0].pixels
    assert np.array_equal(out[10:30, 10:50], photo[10:30, 10:50])
    assert out[50, 30, 1] > out[50, 30, 2]  # the rest of the blue box turned green
