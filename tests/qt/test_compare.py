"""Compare: the divider decides which version shows; side-by-side views zoom together."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.compare import BELOW_TOP, COMPOSITE, render_source
from editor.qt.features.compare import CompareFeature
from editor.qt.main_window import MainWindow

RED, BLUE, GREEN = (255, 0, 0, 255), (0, 0, 255, 255), (0, 255, 0, 255)


def _doc(width=80, height=60) -> Document:
    doc = Document(width, height)
    for name, colour in (("photo", RED), ("result", BLUE)):
        doc.history.push(AddLayer(RasterLayer(name, np.full((height, width, 4), colour,
                                                            np.uint8))))
    return doc


@pytest.fixture
def window(qtbot, fake_plugins):
    win = MainWindow()
    win.ask_save_changes = lambda: "discard"
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.load_document(_doc(), [])
    return win


def _feature(window) -> CompareFeature:
    return next(f for f in window.features if isinstance(f, CompareFeature))


def _colour(widget, x, y):
    c = widget.grab().toImage().pixelColor(QPoint(int(x), int(y)))
    return c.red(), c.green(), c.blue(), c.alpha()


def test_the_divider_decides_which_version_shows(qtbot, window):
    feature = _feature(window)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Y)
    split = feature.split
    assert split.isVisible() and feature.split_action.isChecked()
    qtbot.waitUntil(lambda: split.images.images[1] is not None)
    canvas = window.canvas
    y = canvas.image_to_widget(QPointF(40, 30)).y()
    left_x = canvas.image_to_widget(QPointF(10, 30)).x()
    right_x = canvas.image_to_widget(QPointF(70, 30)).x()
    split.set_divider(canvas.image_to_widget(QPointF(40, 30)).x() / split.width())
    assert _colour(split, right_x, y) == BLUE  # right of the divider: all layers
    assert _colour(split, left_x, y) == RED  # left: without the top layer
    end = QPoint(int(right_x) + 30, 5)
    qtbot.mousePress(split, Qt.MouseButton.LeftButton, pos=QPoint(int(left_x), 5))
    qtbot.mouseMove(split, end)
    qtbot.mouseRelease(split, Qt.MouseButton.LeftButton, pos=end)
    assert split.divider_x() == pytest.approx(end.x(), abs=1)
    assert _colour(split, right_x, y) == RED
    assert window.document.history.index == 2  # comparing changes nothing


def test_the_split_follows_the_canvas_zoom_and_the_document(qtbot, window):
    feature = _feature(window)
    feature.show_split(True)
    split, canvas = feature.split, window.canvas
    qtbot.waitUntil(lambda: split.images.images[1] is not None)
    canvas.set_zoom(16.0)
    corner = canvas.image_to_widget(QPointF(0, 0))
    assert corner.x() < 0  # zoomed in: the photo is larger than the view
    doc = window.document
    green = RasterLayer("green", np.full((60, 80, 4), GREEN, np.uint8))
    doc.history.push(AddLayer(green))
    split.set_divider(0.5)
    qtbot.waitUntil(lambda: _colour(split, split.width() * 0.9, split.height() / 2) == GREEN)
    assert _colour(split, split.width() * 0.1, split.height() / 2) == BLUE
    split.images.set_keys(doc.layers[0].id, BELOW_TOP)
    assert split.images.label(0) == "photo"
    assert _colour(split, split.width() * 0.1, split.height() / 2) == RED
    qtbot.keyClick(canvas, Qt.Key.Key_Y)
    assert not split.isVisible()


def test_side_by_side_panes_zoom_and_pan_together(qtbot, window):
    feature = _feature(window)
    feature.side_action.trigger()
    view = feature.side_by_side
    qtbot.waitExposed(view)
    left, right = view.panes
    qtbot.waitUntil(lambda: right.images.images[1] is not None)
    pos = QPointF(left.width() / 2, left.height() / 2)
    from PySide6.QtGui import QWheelEvent

    wheel = QWheelEvent(pos, left.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    left.wheelEvent(wheel)
    assert right.effective_zoom() == pytest.approx(left.effective_zoom())
    assert left.effective_zoom() > 0
    qtbot.mousePress(right, Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
    qtbot.mouseMove(right, QPoint(80, 60))
    qtbot.mouseRelease(right, Qt.MouseButton.LeftButton, pos=QPoint(80, 60))
    assert left.centre == right.centre
    assert _colour(left, left.width() / 2, left.height() / 2)[:3] == RED[:3]
    assert _colour(right, right.width() / 2, right.height() / 2)[:3] == BLUE[:3]
    view.close()
    assert not feature.side_action.isChecked()


def test_large_documents_render_off_the_gui_thread(qtbot, window):
    feature = _feature(window)
    window.load_document(_doc(1200, 900), [])
    feature.show_split(True)
    images = feature.split_images
    assert images.busy()  # 1200x900 is composited on a worker
    qtbot.waitUntil(lambda: images.images[0] is not None, timeout=10000)
    assert images.images[0].width() == 1200


def test_render_source_picks_composites_and_single_layers():
    doc = _doc(4, 3)
    assert tuple(render_source(COMPOSITE, doc.layers, doc.size)[0, 0]) == BLUE
    assert tuple(render_source(BELOW_TOP, doc.layers, doc.size)[0, 0]) == RED
    assert tuple(render_source(doc.layers[0].id, doc.layers, doc.size)[0, 0]) == RED
