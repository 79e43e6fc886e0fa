"""LayersPanel: every edit is a command; the list, the document and the image agree."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QLineEdit

from editor.model.commands import AddLayer
from editor.model.compositor import composite
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.panels.layers import LOCKED_ROLE, VISIBLE_ROLE, LayersPanel


def solid(name: str, rgb: tuple[int, int, int], alpha: int = 255) -> RasterLayer:
    pixels = np.zeros((4, 4, 4), np.uint8)
    pixels[..., :3] = rgb
    pixels[..., 3] = alpha
    return RasterLayer(name, pixels)


@pytest.fixture
def doc() -> Document:
    d = Document(4, 4)
    d.history.push(AddLayer(solid("Red", (255, 0, 0))))
    d.history.push(AddLayer(solid("Blue", (0, 0, 255))))
    d.history.clear()
    return d


@pytest.fixture
def panel(qtbot, doc) -> LayersPanel:
    p = LayersPanel()
    qtbot.addWidget(p)
    p.set_document(doc)
    return p


def pixel(doc: Document) -> tuple[int, ...]:
    return tuple(int(v) for v in composite(doc.layers, doc.size)[0, 0])


def names_in_list(panel: LayersPanel) -> list[str]:
    model = panel.model
    return [model.data(model.index(row)) for row in range(model.rowCount())]


def test_list_shows_top_layer_first_and_follows_active(panel, doc):
    assert names_in_list(panel) == ["Blue", "Red"]
    assert panel.view.currentIndex().row() == 0  # Blue is active (added last)
    doc.set_active(doc.layers[0])
    assert panel.view.currentIndex().row() == 1
    panel.view.setCurrentIndex(panel.model.index(0))
    assert doc.active_layer is doc.layers[1]


def test_add_layer_is_transparent_and_undoable(panel, doc):
    before = pixel(doc)
    panel.add_button.click()
    assert len(doc.layers) == 3
    added = doc.layers[-1]
    assert added.pixels.max() == 0
    assert names_in_list(panel)[0] == added.name
    assert doc.active_layer is added
    assert pixel(doc) == before
    doc.history.undo()
    assert names_in_list(panel) == ["Blue", "Red"]


def test_delete_layer_and_undo(panel, doc):
    panel.delete_button.click()
    assert [layer.name for layer in doc.layers] == ["Red"]
    assert names_in_list(panel) == ["Red"]
    assert pixel(doc) == (255, 0, 0, 255)
    doc.history.undo()
    assert names_in_list(panel) == ["Blue", "Red"]
    assert pixel(doc) == (0, 0, 255, 255)


def test_duplicate_layer_and_undo(panel, doc):
    doc.set_active(doc.layers[0])
    panel.duplicate_button.click()
    assert names_in_list(panel) == ["Blue", "Red copy", "Red"]
    copy = doc.layers[1]
    assert copy.pixels is not doc.layers[0].pixels
    np.testing.assert_array_equal(copy.pixels, doc.layers[0].pixels)
    doc.history.undo()
    assert names_in_list(panel) == ["Blue", "Red"]


def test_rename_through_the_model(panel, doc):
    index = panel.model.index(0)
    assert panel.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert panel.model.setData(index, "Sky")
    assert doc.layers[1].name == "Sky"
    assert names_in_list(panel) == ["Sky", "Red"]
    doc.history.undo()
    assert names_in_list(panel) == ["Blue", "Red"]


def test_reorder_by_move_and_by_drop(panel, doc):
    assert pixel(doc) == (0, 0, 255, 255)
    # drag Red (row 1) above Blue (before row 0)
    assert panel.model.moveRows(QModelIndex(), 1, 1, QModelIndex(), 0)
    assert names_in_list(panel) == ["Red", "Blue"]
    assert pixel(doc) == (255, 0, 0, 255)
    doc.history.undo()
    assert names_in_list(panel) == ["Blue", "Red"]
    assert pixel(doc) == (0, 0, 255, 255)

    data = panel.model.mimeData([panel.model.index(0)])
    assert panel.model.dropMimeData(data, Qt.DropAction.MoveAction, 2, 0, QModelIndex())
    assert names_in_list(panel) == ["Red", "Blue"]
    assert pixel(doc) == (255, 0, 0, 255)


def test_move_buttons(panel, doc):
    assert not panel.up_button.isEnabled()  # Blue is already on top
    panel.down_button.click()
    assert names_in_list(panel) == ["Red", "Blue"]
    assert pixel(doc) == (255, 0, 0, 255)
    assert panel.up_button.isEnabled() and not panel.down_button.isEnabled()
    doc.history.undo()
    assert names_in_list(panel) == ["Blue", "Red"]


def test_visibility_toggle_is_not_an_undo_step(panel, doc):
    top = panel.model.index(0)
    before = (doc.history.index, list(doc.history.texts))
    assert panel.model.setData(top, False, VISIBLE_ROLE)
    assert not doc.layers[1].visible
    assert panel.model.data(top, VISIBLE_ROLE) is False
    assert pixel(doc) == (255, 0, 0, 255)
    assert panel.model.setData(top, True, VISIBLE_ROLE)
    assert (doc.history.index, list(doc.history.texts)) == before  # twice: history as it was
    assert pixel(doc) == (0, 0, 255, 255)


def test_opacity_drag_is_one_undo_step(panel, doc):
    steps = doc.history.index
    for value in (90, 70, 50):
        panel.opacity_slider.setValue(value)
    assert doc.layers[1].opacity == pytest.approx(0.5)
    assert panel.opacity_spin.value() == 50
    assert doc.history.index == steps + 1
    assert pixel(doc)[0] == 128 and pixel(doc)[2] == 128  # half red, half blue
    doc.history.undo()
    assert doc.layers[1].opacity == 1.0
    assert panel.opacity_slider.value() == 100
    assert pixel(doc) == (0, 0, 255, 255)


def test_blend_mode(panel, doc):
    panel.blend_combo.setCurrentIndex(panel.blend_combo.findData("multiply"))
    assert doc.layers[1].blend == "multiply"
    assert pixel(doc) == (0, 0, 0, 255)  # red x blue
    doc.history.undo()
    assert panel.blend_combo.currentData() == "normal"
    assert pixel(doc) == (0, 0, 255, 255)


def test_locked_layer_refuses_delete_and_rename(panel, doc):
    top = panel.model.index(0)
    assert panel.model.setData(top, True, LOCKED_ROLE)
    assert doc.layers[1].locked
    assert not panel.delete_button.isEnabled()
    assert "locked" in panel.delete_button.toolTip()
    assert not panel.model.flags(top) & Qt.ItemFlag.ItemIsEditable
    assert not panel.model.setData(top, "Sky")
    panel.delete_layer()
    assert len(doc.layers) == 2 and doc.layers[1].name == "Blue"
    assert "locked" in panel.status.text()
    doc.history.undo()  # unlock
    assert not doc.layers[1].locked
    assert panel.delete_button.isEnabled()


def test_no_document(panel):
    panel.set_document(None)
    assert panel.model.rowCount() == 0
    assert not panel.add_button.isEnabled()
    assert not panel.delete_button.isEnabled()


def test_clicking_the_eye_and_lock_icons(qtbot, panel, doc):
    panel.resize(300, 400)
    panel.show()
    rect = panel.view.visualRect(panel.model.index(0))
    eye = QPoint(rect.left() + 8, rect.center().y())
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=eye)
    assert not doc.layers[1].visible
    assert pixel(doc) == (255, 0, 0, 255)
    lock = QPoint(rect.left() + 30, rect.center().y())
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=lock)
    assert doc.layers[1].locked
    assert doc.history.texts[-1] == "Toggle lock “Blue”"  # visibility is no undo step


def test_rename_in_place(qtbot, panel, doc):
    panel.show()
    panel.view.edit(panel.model.index(0))
    editor = panel.view.findChild(QLineEdit)
    assert editor is not None and editor.text() == "Blue"
    editor.selectAll()
    qtbot.keyClicks(editor, "Sky")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: doc.layers[1].name == "Sky", timeout=1000)  # Qt commits queued
    assert names_in_list(panel) == ["Sky", "Red"]
