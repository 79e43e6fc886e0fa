"""The Background dock as a user meets it: a colour backdrop applied as one undo step, a
preview that follows the controls without blocking the window, and a shadow layer that
can be hidden."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from editor.model.commands import AddLayer, SetLayerProperties
from editor.model.compositor import composite
from editor.model.document import Document
from editor.model.layers import MaskLayer, RasterLayer
from editor.qt.features.background import BackgroundFeature
from editor.samples import render_sample

WAIT_MS = 60000
PREVIEW_WAIT_MS = 400  # longer than the preview's debounce


@pytest.fixture(scope="module")
def shot():
    return render_sample("bottle", (400, 300), background="sweep", seed=4)


def document(shot, with_mask=True) -> Document:
    doc = Document(400, 300)
    doc.history.push(AddLayer(RasterLayer("photo", shot.image.copy())))
    if with_mask:
        doc.history.push(AddLayer(MaskLayer("Product mask", shot.mask.copy(),
                                            source={"plugin": "segment"})))
    return doc


@pytest.fixture
def window(qtbot, shown_window):
    win = shown_window()
    yield win
    qtbot.waitUntil(lambda: not _feature(win).busy, timeout=WAIT_MS)


def _feature(window) -> BackgroundFeature:
    return next(f for f in window.features if isinstance(f, BackgroundFeature))


def opened(qtbot, window, doc) -> BackgroundFeature:
    feature = _feature(window)
    window.load_document(doc, [])
    feature.dock.show()
    feature.dock.raise_()
    qtbot.waitUntil(lambda: feature.busy or feature.preview_image is not None
                    or bool(feature.panel.status.text()), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not feature.busy, timeout=WAIT_MS)
    return feature


def applied(qtbot, window, feature, doc):
    steps = doc.history.index
    feature.panel.apply_button.click()
    qtbot.waitUntil(lambda: not feature.busy, timeout=WAIT_MS)
    assert doc.history.index == steps + 1, feature.panel.status.text()


def test_apply_puts_a_colour_backdrop_in_one_undo_step(qtbot, window, shot):
    doc = document(shot)
    feature = opened(qtbot, window, doc)
    feature.panel.set_kind("colour")
    feature.panel.set_colour("#336699")
    before = len(doc.layers)
    applied(qtbot, window, feature, doc)
    names = [layer.name for layer in doc.layers[before:]]
    assert names == ["Backdrop: colour", "Shadow", "Product"]
    picture = composite(doc.layers, doc.size)
    corner = picture[5, 5, :3]
    assert tuple(corner) == (0x33, 0x66, 0x99)
    inside = shot.mask == 255
    assert (picture[inside][:, :3] == shot.image[inside][:, :3]).all()
    doc.history.undo()
    assert len(doc.layers) == before


def test_the_shadow_layer_is_there_and_can_be_hidden(qtbot, window, shot):
    doc = document(shot)
    feature = opened(qtbot, window, doc)
    feature.panel.set_kind("white")
    applied(qtbot, window, feature, doc)
    shadow = next(layer for layer in doc.layers if layer.name == "Shadow")
    x0, _, x1, y1 = shot.box
    under = (slice(y1, y1 + 3), slice(x0 + 10, x1 - 10))
    shaded = composite(doc.layers, doc.size)[under][..., :3].mean()
    doc.history.push(SetLayerProperties(shadow, visible=False))
    plain = composite(doc.layers, doc.size)[under][..., :3].mean()
    assert shaded < plain - 20 and plain > 250


def test_the_preview_follows_the_controls_without_blocking_the_window(qtbot, window):
    big = render_sample("bottle", (1000, 750), background="sweep", seed=4)
    doc = Document(1000, 750)  # no mask: the preview must find the product itself
    doc.history.push(AddLayer(RasterLayer("photo", big.image)))
    feature = opened(qtbot, window, doc)
    assert feature.preview_image is not None
    assert feature.masks_found == 1
    ticks = []
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    feature.panel.set_kind("colour")
    for value in ("#102030", "#405060", "#aa2200"):  # dragging through colours
        feature.panel.set_colour(value)
        feature.preview_now()
        assert feature.busy  # the preview runs elsewhere; this call returned at once
    qtbot.waitUntil(lambda: not feature.busy, timeout=WAIT_MS)
    timer.stop()
    assert ticks  # the event loop kept running while the previews were computed
    preview = feature.preview_image
    assert preview.shape[1] == 512 and tuple(preview[2, 2, :3]) == (0xaa, 0x22, 0x00)
    assert feature.masks_found == 1  # the product was found once and cached
    assert feature.panel.preview.pixmap() is not None and \
        not feature.panel.preview.pixmap().isNull()


def test_without_a_product_the_panel_says_so(qtbot, window):
    doc = Document(120, 90)
    doc.history.push(AddLayer(RasterLayer("flat", np.full((90, 120, 4), 200, np.uint8))))
    feature = opened(qtbot, window, doc)
    assert "product" in feature.panel.status.text().lower()
    assert feature.preview_image is None


def test_the_panel_shows_the_controls_of_the_chosen_backdrop_and_shadow(qtbot):
    from editor.qt.panels.background import BackgroundPanel

    panel = BackgroundPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.set_kind("gradient")
    assert panel.angle.isVisible() and panel.colour2_button.isVisible()
    assert not panel.image_path.isVisible()
    panel.pick_swatch("#dbe7f3")  # a swatch on a gradient sets its first colour
    assert panel.params()["background"] == "gradient"
    assert panel.params()["colour"] == "#dbe7f3"
    panel.set_colour("#123456", 1)
    assert panel.params()["colour2"] == "#123456"
    panel.colour2_reset.click()
    assert panel.params()["colour2"] == ""
    panel.set_kind("white")
    panel.pick_swatch("#f2f2f2")  # on white a swatch switches to a flat colour
    assert panel.params()["background"] == "colour"
    panel.shadow.setCurrentIndex(panel.shadow.findData("drop"))
    assert panel.light_angle.isVisible() and panel.distance.isVisible()
    panel.harmonise.setChecked(False)
    assert panel.params()["harmonise"] == "off"


def test_no_preview_is_computed_while_the_dock_is_hidden(qtbot, window, shot):
    feature = _feature(window)
    feature.dock.hide()
    window.load_document(document(shot), [])
    qtbot.wait(PREVIEW_WAIT_MS)
    assert not feature.busy and feature.preview_image is None
    feature.dock.show()
    feature.dock.raise_()
    qtbot.waitUntil(lambda: feature.preview_image is not None, timeout=WAIT_MS)
