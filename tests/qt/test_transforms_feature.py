"""The Image menu transforms the whole document in one undo step, and the canvas follows."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from editor.model.commands import AddLayer, SetLayerProperties, SetSelection
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.model.transform import CanvasSize, Resize, Straighten
from editor.qt.features.transforms import (
    CanvasSizeDialog,
    ResizeDialog,
    StraightenDialog,
    TransformsFeature,
)
from editor.qt.main_window import MainWindow


@pytest.fixture
def window(qtbot, fake_plugins):
    win = MainWindow()
    win.ask_save_changes = lambda: "discard"  # closing at the end must not ask
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    pixels = np.zeros((60, 80, 4), np.uint8)
    pixels[..., 3] = 255
    pixels[:, :40, 0] = 255  # left half red, right half black
    doc = Document(80, 60)
    doc.history.push(AddLayer(RasterLayer("photo", pixels)))
    win.load_document(doc, [])
    return win


def _feature(window) -> TransformsFeature:
    return next(f for f in window.features if isinstance(f, TransformsFeature))


def _action(window, text):
    menu = window.menu(window.tr("&Image"))
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def _image_colour_at(window, x, y):
    canvas = window.canvas
    canvas.wait_for_composite()
    grab = canvas.viewport().grab().toImage()
    point = canvas.image_to_widget(QPointF(x + 0.5, y + 0.5)).toPoint()
    colour = grab.pixelColor(point)
    return colour.red(), colour.green(), colour.blue()


def test_rotating_from_the_menu_turns_the_photo_and_the_canvas_shows_it(window):
    doc = window.document
    _action(window, "Rotate 90° Clockwise").trigger()
    assert doc.size == (60, 80)
    assert doc.layers[0].pixels.shape == (80, 60, 4)
    assert _image_colour_at(window, 30, 5) == (255, 0, 0)  # the red half is now on top
    assert _image_colour_at(window, 30, 75) == (0, 0, 0)
    corner = window.canvas.image_to_widget(QPointF(60, 80))
    assert window.canvas.viewport().rect().contains(corner.toPoint())  # refitted
    window.actions_.undo.trigger()
    assert doc.size == (80, 60)
    assert _image_colour_at(window, 5, 30) == (255, 0, 0)


def test_flip_and_rotate_180_and_counter_clockwise(window):
    doc = window.document
    _action(window, "Flip Horizontal").trigger()
    assert _image_colour_at(window, 75, 30) == (255, 0, 0)
    _action(window, "Flip Vertical").trigger()
    _action(window, "Rotate 180°").trigger()
    assert _image_colour_at(window, 5, 30) == (255, 0, 0)
    _action(window, "Rotate 90° Counter-clockwise").trigger()
    assert doc.size == (60, 80) and _image_colour_at(window, 30, 75) == (255, 0, 0)
    assert doc.history.index == 5


def test_crop_to_selection_is_enabled_only_with_a_selection(window):
    doc = window.document
    action = _action(window, "Crop to Selection")
    assert not action.isEnabled()
    mask = np.zeros((60, 80), np.uint8)
    mask[10:20, 35:55] = 255
    doc.history.push(SetSelection(mask))
    assert action.isEnabled()
    action.trigger()
    assert doc.size == (20, 10)
    assert _image_colour_at(window, 2, 5) == (255, 0, 0)
    assert _image_colour_at(window, 10, 5) == (0, 0, 0)


def test_dialog_driven_transforms_apply_what_the_dialog_says(window, monkeypatch):
    feature = _feature(window)
    doc = window.document
    monkeypatch.setattr(feature, "ask_canvas_size",
                        lambda d: CanvasSize.anchored(d.size, (100, 60), (0, 1),
                                                      (255, 255, 255, 255)))
    _action(window, "Canvas Size…").trigger()
    assert doc.size == (100, 60) and _image_colour_at(window, 95, 30) == (255, 255, 255)
    monkeypatch.setattr(feature, "ask_resize", lambda d: Resize(50, 30))
    _action(window, "Resize…").trigger()
    assert doc.size == (50, 30)
    monkeypatch.setattr(feature, "ask_straighten", lambda d: Straighten(5))
    _action(window, "Straighten…").trigger()
    assert doc.size[0] < 50
    monkeypatch.setattr(feature, "ask_resize", lambda d: None)  # cancelled
    _action(window, "Resize…").trigger()
    assert doc.history.undo_text == "Straighten"


def test_a_transform_that_fails_is_reported_and_changes_nothing(window, monkeypatch):
    shown = []
    monkeypatch.setattr(window.notifications, "show_message",
                        lambda text, level, *rest: shown.append((text, level)))
    feature = _feature(window)
    monkeypatch.setattr(feature, "ask_canvas_size", lambda d: CanvasSize(100, 100))
    monkeypatch.setattr(CanvasSize, "pixels", lambda *a, **k: np.empty((1, 1, 4), np.uint8))
    _action(window, "Canvas Size…").trigger()
    assert shown and shown[0][1] == "error" and "Canvas size" in shown[0][0]
    assert window.document.size == (80, 60) and not window.document.history.can_redo
    assert window.document.history.index == 1


def test_canvas_size_dialog_pads_to_a_marketplace_shape_at_the_anchor(qtbot):
    dialog = CanvasSizeDialog((1200, 900))
    qtbot.addWidget(dialog)
    dialog.aspect.setCurrentIndex(dialog.aspect.findText("Amazon main image (1:1)"))
    dialog.aspect.activated.emit(dialog.aspect.currentIndex())
    dialog.anchors.button(0).setChecked(True)
    dialog.colour.setCurrentIndex(1)
    dialog.colour.activated.emit(1)
    transform = dialog.transform()
    assert (transform.width, transform.height) == (1200, 1200)
    assert transform.offset == (0, 0) and transform.fill == (255, 255, 255, 255)


def test_resize_dialog_keeps_the_aspect_in_pixels_and_per_cent(qtbot):
    dialog = ResizeDialog((1200, 900))
    qtbot.addWidget(dialog)
    dialog.width_box.setValue(600)
    assert dialog.height_box.value() == 450
    dialog.unit.setCurrentIndex(1)
    assert dialog.width_box.value() == 50
    dialog.width_box.setValue(200)
    assert dialog.transform() == Resize(2400, 1800)
    dialog.keep.setChecked(False)
    dialog.height_box.setValue(100)
    assert dialog.pixels() == (2400, 900)


def test_straighten_dialog(qtbot):
    dialog = StraightenDialog()
    qtbot.addWidget(dialog)
    dialog.angle.setValue(-2.5)
    dialog.crop.setChecked(False)
    assert dialog.transform() == Straighten(-2.5, crop=False)


def test_a_large_photo_is_transformed_on_a_worker_and_lands_as_one_step(qtbot, window,
                                                                      monkeypatch):
    from editor.qt.features import transforms as transforms_feature

    monkeypatch.setattr(transforms_feature, "SYNC_PIXELS", 10)  # treat the photo as large
    doc = window.document
    steps = len(doc.history.texts)
    _action(window, "Rotate 90° Clockwise").trigger()
    assert doc.size == (80, 60)  # not yet: the worker is computing
    qtbot.waitUntil(lambda: doc.size == (60, 80), timeout=10000)
    assert len(doc.history.texts) == steps + 1
    doc.history.undo()
    assert doc.size == (80, 60) and doc.layers[0].pixels[0, 0, 0] == 255


def test_a_large_transform_is_dropped_if_the_photo_changed_meanwhile(qtbot, window,
                                                                    monkeypatch):
    from editor.qt.features import transforms as transforms_feature

    monkeypatch.setattr(transforms_feature, "SYNC_PIXELS", 10)
    doc = window.document
    _action(window, "Rotate 90° Clockwise").trigger()
    doc.history.push(SetLayerProperties(doc.layers[0], name="renamed"))  # an edit meanwhile
    qtbot.waitUntil(lambda: any("not applied" in text
                                for _, text in window.notifications.messages()), timeout=10000)
    assert doc.size == (80, 60)
