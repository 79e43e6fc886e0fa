"""The Compliance dock as a user meets it: violations listed for the chosen profile, the
selected one outlined on the canvas, Fix as one undo step, the live check following edits,
all while the window keeps responding."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QTimer

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.features.compliance import ComplianceFeature, FixOutcome, fix_command
from editor.qt.main_window import MainWindow
from editor.samples import render_sample
from editor.tasks.registry import Registry

WAIT_MS = 30000


def _studio_shot() -> tuple[np.ndarray, np.ndarray]:
    """A compliant amazon-main photo (white, product large enough) and its product mask."""
    sample = render_sample("bottle", (800, 600), background="white", scale=0.9)
    return sample.image.copy(), sample.mask


def grey_background() -> np.ndarray:
    image, mask = _studio_shot()
    image[mask == 0, :3] = 200
    return image


def with_text() -> np.ndarray:
    image, _ = _studio_shot()
    rgb = np.ascontiguousarray(image[..., :3])
    cv2.putText(rgb, "SALE", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, (200, 0, 0), 5)
    image[..., :3] = rgb
    return image


def document(pixels: np.ndarray) -> Document:
    doc = Document(pixels.shape[1], pixels.shape[0])
    doc.history.push(AddLayer(RasterLayer("photo", pixels)))
    return doc


@pytest.fixture
def window(qtbot):
    win = MainWindow(Registry([]))
    win.ask_save_changes = lambda: "discard"
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    feature = _feature(win)
    qtbot.waitUntil(lambda: not feature.busy, timeout=WAIT_MS)


def _feature(window) -> ComplianceFeature:
    return next(f for f in window.features if isinstance(f, ComplianceFeature))


def checked(qtbot, window, pixels: np.ndarray | None = None) -> ComplianceFeature:
    """Open ``pixels`` (if given) and wait for the check of the document as it is now."""
    feature = _feature(window)
    if pixels is not None:
        window.load_document(document(pixels), [])
    qtbot.waitUntil(lambda: not feature.busy, timeout=WAIT_MS)
    return feature


def rules(feature: ComplianceFeature) -> dict[str, str]:
    return {v.rule: v.severity for v in feature.panel.violations()}


def test_a_studio_shot_passes_amazon_main(qtbot, window):
    feature = checked(qtbot, window, _studio_shot()[0])
    assert feature.panel.profile() == "amazon-main"
    assert "error" not in rules(feature).values()
    assert feature.panel.summary.text().startswith("Passes")


def test_a_grey_background_is_listed_and_outlined_on_the_canvas(qtbot, window):
    feature = checked(qtbot, window, grey_background())
    assert rules(feature)["background_white"] == "error"
    assert feature.panel.summary.text().startswith("Fails")
    index = next(i for i, v in enumerate(feature.panel.violations())
                 if v.rule == "background_white")
    feature.panel.select(index)
    assert window.canvas.highlight() == tuple(feature.panel.violations()[index].box)
    feature.panel.list.clearSelection()
    assert window.canvas.highlight() is None


def test_text_on_the_photo_is_listed_where_it_is_without_a_fix(qtbot, window):
    feature = checked(qtbot, window, with_text())
    index = next(i for i, v in enumerate(feature.panel.violations()) if v.rule == "text_overlay")
    box = feature.panel.violations()[index].box
    assert box[0] < 60 and box[1] < 90  # near where "SALE" was drawn
    assert feature.panel.fix_button(index) is None  # text needs a reshoot
    feature.panel.select(index)
    assert window.canvas.highlight() == tuple(box)


def test_fix_whitens_the_background_in_one_undo_step_and_the_recheck_passes(qtbot, window):
    feature = checked(qtbot, window, grey_background())
    doc = window.document
    steps = doc.history.index
    index = next(i for i, v in enumerate(feature.panel.violations())
                 if v.rule == "background_white")
    feature.panel.fix_button(index).click()
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=WAIT_MS)
    assert doc.layers[-1].name == "Fixed: background_white"
    assert doc.size == (800, 600) and len(doc.layers) == 2
    checked(qtbot, window)
    assert "background_white" not in rules(feature)
    assert feature.panel.summary.text().startswith("Passes")
    doc.history.undo()
    checked(qtbot, window)
    assert "background_white" in rules(feature)


def standing_on_the_bottom_edge() -> np.ndarray:
    image = np.full((900, 900, 4), 255, np.uint8)
    image[110:900, 330:570, :3] = (40, 90, 160)
    return image


def test_a_product_on_the_edge_is_padded_only_from_its_own_fix_button(qtbot, window):
    feature = checked(qtbot, window, standing_on_the_bottom_edge())
    index = next(i for i, v in enumerate(feature.panel.violations())
                 if v.rule == "product_cropped")
    button = feature.panel.fix_button(index)
    assert button is not None and "did not cut it off" in button.toolTip()
    assert [r for r, s in rules(feature).items() if s == "error"] == ["product_cropped"]
    assert not feature.panel.fix_all_button.isEnabled()  # Fix All never pads
    doc = window.document
    steps = doc.history.index
    button.click()
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=WAIT_MS)
    checked(qtbot, window)
    assert "product_cropped" not in rules(feature)


def test_live_check_follows_an_edit_and_can_be_switched_off(qtbot, window):
    feature = checked(qtbot, window, _studio_shot()[0])
    doc = window.document
    assert "background_white" not in rules(feature)
    doc.history.push(AddLayer(RasterLayer("grey", grey_background())))
    assert feature.busy  # the live check is scheduled, not run on this thread
    checked(qtbot, window)
    assert "background_white" in rules(feature)

    feature.panel.live_box.setChecked(False)
    doc.history.undo()
    assert not feature.busy
    assert "background_white" in rules(feature)  # not checked again
    feature.panel.check_button.click()
    checked(qtbot, window)
    assert "background_white" not in rules(feature)


def test_the_window_keeps_responding_and_a_superseded_check_is_dropped(qtbot, window):
    feature = checked(qtbot, window, with_text())
    ticks = []
    timer = QTimer(interval=10, timeout=lambda: ticks.append(1))
    timer.start()
    feature.check_now()
    assert feature.busy
    feature.panel.profile_combo.setCurrentText("etsy")  # supersedes the running check
    checked(qtbot, window)
    timer.stop()
    assert len(ticks) > 3  # the event loop ran while the checks did
    assert "Etsy" in feature.panel.summary.text()


def test_the_chosen_profile_and_live_setting_are_remembered(qtbot, window):
    feature = _feature(window)
    feature.panel.profile_combo.setCurrentText("ebay")
    feature.panel.live_box.setChecked(False)
    again = MainWindow(Registry([]))
    qtbot.addWidget(again)
    assert _feature(again).panel.profile() == "ebay"
    assert not _feature(again).panel.is_live()


def test_a_fix_that_pads_transforms_the_document_in_one_undo_step():
    doc = document(grey_background())
    steps = doc.history.index
    padded = np.full((800, 800, 4), 255, np.uint8)
    outcome = FixOutcome(padded, ["pad_to_aspect"], [], (1.0, 0.0, 100.0))
    doc.history.push(fix_command(doc.size, outcome, "Fixed: aspect_ratio"))
    assert doc.size == (800, 800) and doc.history.index == steps + 1
    assert [layer.name for layer in doc.layers] == ["photo", "Fixed: aspect_ratio"]
    photo = doc.layers[0].pixels
    assert (photo[:100] == 255).all() and (photo[100, :, :3] == 200).any()  # moved down
    doc.history.undo()
    assert doc.size == (800, 600) and len(doc.layers) == 1
