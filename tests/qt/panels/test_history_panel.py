"""HistoryPanel: the list of steps, the current one highlighted, click to go there."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from editor.model.commands import AddLayer, SetLayerProperties
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.panels.history import HistoryPanel


@pytest.fixture
def doc() -> Document:
    d = Document(4, 4)
    d.history.push(AddLayer(RasterLayer("Photo", np.zeros((4, 4, 4), np.uint8))))
    d.history.push(SetLayerProperties(d.layers[0], name="Bottle"))
    d.history.push(SetLayerProperties(d.layers[0], visible=False))
    return d


@pytest.fixture
def panel(qtbot, doc) -> HistoryPanel:
    p = HistoryPanel()
    qtbot.addWidget(p)
    p.set_document(doc)
    p.resize(300, 300)
    p.show()
    return p


def rows(panel: HistoryPanel) -> list[str]:
    return [panel.model.data(panel.model.index(r)) for r in range(panel.model.rowCount())]


def is_greyed(panel: HistoryPanel, row: int) -> bool:
    return panel.model.data(panel.model.index(row), Qt.ItemDataRole.ForegroundRole) is not None


def test_lists_open_then_every_step(panel, doc):
    assert rows(panel) == ["Open", *doc.history.texts]
    assert len(rows(panel)) == 4
    assert panel.view.currentIndex().row() == 3
    assert not any(is_greyed(panel, r) for r in range(4))


def test_undo_greys_later_steps(panel, doc):
    doc.history.undo()
    assert panel.view.currentIndex().row() == 2
    assert is_greyed(panel, 3) and not is_greyed(panel, 2)
    brush = panel.model.data(panel.model.index(3), Qt.ItemDataRole.ForegroundRole)
    assert brush.color() == QPalette().color(QPalette.ColorGroup.Disabled,
                                              QPalette.ColorRole.Text)
    font = panel.model.data(panel.model.index(2), Qt.ItemDataRole.FontRole)
    assert font.bold()


def test_click_goes_back_and_forward(qtbot, panel, doc):
    layer = doc.layers[0]
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.view.visualRect(panel.model.index(1)).center())
    assert doc.history.index == 1
    assert layer.name == "Photo" and layer.visible
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.view.visualRect(panel.model.index(3)).center())
    assert doc.history.index == 3
    assert layer.name == "Bottle" and not layer.visible
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.view.visualRect(panel.model.index(0)).center())
    assert doc.layers == []
    assert panel.view.currentIndex().row() == 0


def test_new_step_after_undo_drops_the_redo_rows(panel, doc):
    doc.history.goto(1)
    doc.history.push(SetLayerProperties(doc.layers[0], opacity=0.5))
    assert rows(panel) == ["Open", doc.history.texts[0], "Change opacity “Photo”"]


def test_switching_documents(panel):
    other = Document(2, 2)
    panel.set_document(other)
    assert rows(panel) == ["Open"]
    panel.set_document(None)
    assert rows(panel) == []
