"""The Select and Mask menus, the mask view and the tool options bar, as a user meets them
in the main window: each command changes what it says and one undo takes it back."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from editor.model.commands import AddLayer, SetLayerProperties, SetSelection
from editor.model.document import Document
from editor.model.layers import MaskLayer, RasterLayer
from editor.qt.convert import qimage_to_rgba
from editor.qt.features.masks import MaskFeature
from editor.qt.main_window import MainWindow
from editor.tasks.registry import Registry

W, H = 120, 80


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow(Registry([]))
    win.ask_save_changes = lambda: "discard"
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def doc(window) -> Document:
    document = Document(W, H)
    pixels = np.full((H, W, 4), 90, np.uint8)
    pixels[..., 3] = 255
    document.history.push(AddLayer(RasterLayer("Photo", pixels)))
    mask = np.zeros((H, W), np.uint8)
    mask[20:60, 30:90] = 255
    document.history.push(AddLayer(MaskLayer("Cutout", mask)))
    window.load_document(document, [])
    return document


@pytest.fixture
def masks(window) -> MaskFeature:
    return next(f for f in window.features if isinstance(f, MaskFeature))


def rect_selection(x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    mask = np.zeros((H, W), np.uint8)
    mask[y0:y1, x0:x1] = 255
    return mask


def warnings(window: MainWindow) -> list[str]:
    return [text for level, text in window.notifications.messages() if level == "warning"]


def test_the_menus_are_in_the_menu_bar(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Select" in titles and "&Mask" in titles


def test_select_all_invert_and_deselect(window, doc, masks):
    masks.actions["select_all"].trigger()
    assert (doc.selection == 255).all()
    doc.history.push(SetSelection(rect_selection(0, 0, 60, 80)))
    masks.actions["select_invert"].trigger()
    assert doc.selection[10, 10] == 0 and doc.selection[10, 100] == 255
    masks.actions["deselect"].trigger()
    assert doc.selection is None
    doc.history.undo()
    doc.history.undo()
    assert np.array_equal(doc.selection, rect_selection(0, 0, 60, 80))


def test_selection_from_mask_and_mask_from_selection(window, doc, masks):
    cutout = doc.active_layer
    masks.actions["select_from_mask"].trigger()
    assert np.array_equal(doc.selection, cutout.mask)
    doc.history.push(SetSelection(rect_selection(0, 0, 10, 10)))
    count = len(doc.layers)
    masks.actions["mask_from_selection"].trigger()
    assert len(doc.layers) == count + 1
    new = doc.active_layer
    assert isinstance(new, MaskLayer) and np.array_equal(new.mask, rect_selection(0, 0, 10, 10))
    doc.history.undo()
    assert len(doc.layers) == count


def test_refining_the_selection_asks_for_a_radius(window, doc, masks):
    doc.history.push(SetSelection(rect_selection(40, 20, 80, 60)))
    masks.ask_radius = lambda title, default: 5
    masks.actions["select_grow"].trigger()
    assert (doc.selection > 127).sum() > 40 * 40 + 4 * 40 * 4
    masks.ask_radius = lambda title, default: None  # cancelled: nothing happens
    steps = len(doc.history.texts)
    masks.actions["select_shrink"].trigger()
    assert len(doc.history.texts) == steps
    doc.history.undo()
    assert np.array_equal(doc.selection, rect_selection(40, 20, 80, 60))


def test_new_mask_layer_is_empty_and_active(window, doc, masks):
    masks.actions["mask_new"].trigger()
    layer = doc.active_layer
    assert isinstance(layer, MaskLayer) and layer.size == (W, H) and not layer.mask.any()
    assert layer.name == "Mask 2"


def test_grow_invert_and_feather_the_mask_undo_exactly(window, doc, masks):
    layer = doc.active_layer
    original = layer.mask.copy()
    masks.ask_radius = lambda title, default: 4
    masks.actions["mask_grow"].trigger()
    assert layer.mask[17, 60] == 255 and layer.mask[10, 60] == 0
    masks.actions["mask_feather"].trigger()
    assert 0 < layer.mask[14, 60] < 255
    masks.actions["mask_invert"].trigger()
    assert layer.mask[40, 60] == 0 and layer.mask[2, 2] == 255
    for _ in range(3):
        doc.history.undo()
    assert np.array_equal(layer.mask, original)


def test_fill_and_clear_act_inside_the_selection(window, doc, masks):
    layer = doc.active_layer
    original = layer.mask.copy()
    doc.history.push(SetSelection(rect_selection(0, 0, 20, 20)))
    masks.actions["mask_fill"].trigger()
    assert (layer.mask[:20, :20] == 255).all() and layer.mask[70, 5] == 0
    masks.actions["deselect"].trigger()
    masks.actions["mask_clear"].trigger()
    assert not layer.mask.any()
    doc.history.undo()
    doc.history.undo()
    doc.history.undo()
    assert np.array_equal(layer.mask, original)


def test_mask_commands_refuse_a_locked_layer_and_say_why(window, doc, masks):
    layer = doc.active_layer
    doc.history.push(SetLayerProperties(layer, locked=True))
    before = layer.mask.copy()
    masks.actions["mask_invert"].trigger()
    assert np.array_equal(layer.mask, before)
    assert any("locked" in text for text in warnings(window))


def test_a_tool_refusal_reaches_the_notification_bar(qtbot, window, doc):
    doc.set_active(doc.layers[0])  # the photo, not a mask
    window.canvas.set_tool("brush")
    point = window.canvas.image_to_widget(QPointF(60, 40)).toPoint()
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert any("works on a mask layer" in text for text in warnings(window))


def seen(window: MainWindow, x: float, y: float) -> tuple[int, int, int]:
    point = window.canvas.image_to_widget(QPointF(x, y)).toPoint()
    grabbed = qimage_to_rgba(window.canvas.viewport().grab().toImage())
    return tuple(int(v) for v in grabbed[point.y(), point.x(), :3])


def test_the_mask_shows_as_red_overlay_or_black_and_white(window, doc, masks):
    window.canvas.wait_for_composite()
    inside, outside = seen(window, 60, 40), seen(window, 5, 5)
    assert inside[0] > inside[1] + 40  # tinted red
    assert outside == (90, 90, 90)
    masks.actions["mask_view_bw"].trigger()
    assert window.canvas.mask_view() == "bw"
    assert seen(window, 60, 40) == (255, 255, 255)
    assert seen(window, 5, 5) == (0, 0, 0)
    masks.actions["mask_view_overlay"].trigger()
    assert seen(window, 5, 5) == (90, 90, 90)


def test_the_options_bar_shows_the_active_tools_options(window, doc, masks):
    canvas = window.canvas
    canvas.set_tool("brush")
    assert masks._tool_label.text() == "Brush"
    assert masks._options.currentWidget() is canvas.tool_instance("brush").options()
    canvas.set_tool("magic_wand")
    assert masks._options.currentWidget() is canvas.tool_instance("magic_wand").options()
