"""The canvas: zoom, pan, rectangle select and what the user sees (grabbed pixels)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from editor.model.commands import AddLayer, ReplaceRegion, SetLayerProperties
from editor.model.document import Document
from editor.model.layers import Box, BoxLayer, MaskLayer, RasterLayer
from editor.qt.canvas import Canvas
from editor.qt.convert import qimage_to_rgba


def solid(w: int, h: int, rgba: tuple[int, int, int, int]) -> np.ndarray:
    image = np.empty((h, w, 4), np.uint8)
    image[...] = rgba
    return image


def make_doc(w: int = 200, h: int = 100, rgba=(200, 30, 30, 255)) -> tuple[Document, RasterLayer]:
    doc = Document(w, h)
    layer = RasterLayer("Photo", solid(w, h, rgba))
    doc.history.push(AddLayer(layer))
    return doc, layer


def pixel_at(canvas: Canvas, image_point: tuple[float, float]) -> tuple[int, ...]:
    """The colour the user sees at an image point."""
    point = canvas.image_to_widget(QPointF(*image_point)).toPoint()
    grabbed = qimage_to_rgba(canvas.viewport().grab().toImage())
    return tuple(int(v) for v in grabbed[point.y(), point.x(), :3])


def wheel(canvas: Canvas, pos: QPointF, clicks: int) -> None:
    event = QWheelEvent(
        pos, canvas.viewport().mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * clicks),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(canvas.viewport(), event)


def test_shows_the_composite_fitted(canvas):
    doc, _ = make_doc()
    canvas.set_document(doc)
    assert canvas.zoom() == pytest.approx(1.0)  # 200x100 fits at 100 %, no enlarging
    assert pixel_at(canvas, (100, 50)) == (200, 30, 30)
    big, _ = make_doc(2000, 1000)
    canvas.set_document(big)
    assert canvas.zoom() < 0.25
    corner = canvas.image_to_widget(QPointF(2000, 1000))
    assert corner.x() <= canvas.viewport().width() and corner.y() <= canvas.viewport().height()


def test_wheel_zoom_keeps_the_point_under_the_cursor(canvas, qtbot):
    doc, _ = make_doc(1000, 800)
    canvas.set_document(doc)
    with qtbot.waitSignal(canvas.zoom_changed):
        canvas.actual_size()
    cursor = QPointF(123, 87)
    before = canvas.widget_to_image(cursor)
    wheel(canvas, cursor, 2)
    assert canvas.zoom() == pytest.approx(1.25**2)
    after = canvas.widget_to_image(cursor)
    assert after.x() == pytest.approx(before.x(), abs=1e-6)
    assert after.y() == pytest.approx(before.y(), abs=1e-6)
    wheel(canvas, cursor, -1)
    assert canvas.zoom() == pytest.approx(1.25)


def test_keys_zoom_fit_and_actual_size(canvas, qtbot):
    doc, _ = make_doc(1600, 1200)
    canvas.set_document(doc)
    fitted = canvas.zoom()
    qtbot.keyClick(canvas, Qt.Key.Key_1)
    assert canvas.zoom() == 1.0
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.zoom() == pytest.approx(1.25)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.zoom() == pytest.approx(0.8)
    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert canvas.zoom() == pytest.approx(fitted)


def test_pan_with_keys_middle_drag_and_hand_tool(canvas, qtbot):
    doc, _ = make_doc(1000, 800)
    canvas.set_document(doc)
    canvas.actual_size()
    centre = QPointF(200, 150)
    start = canvas.widget_to_image(centre)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.widget_to_image(centre).x() > start.x()
    assert canvas.horizontalScrollBar().value() > 0

    before = canvas.widget_to_image(centre)
    vp = canvas.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.MiddleButton, pos=QPoint(200, 150))
    qtbot.mouseMove(vp, QPoint(170, 120))
    qtbot.mouseRelease(vp, Qt.MouseButton.MiddleButton, pos=QPoint(170, 120))
    moved = canvas.widget_to_image(centre)
    assert (moved.x() - before.x(), moved.y() - before.y()) == pytest.approx((30, 30))

    canvas.set_tool("pan")
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    qtbot.mouseMove(vp, QPoint(220, 150))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QPoint(220, 150))
    assert canvas.widget_to_image(centre).x() == pytest.approx(moved.x() - 20)
    assert doc.selection is None


def test_rectangle_select_pushes_an_undoable_selection(canvas, qtbot):
    doc, _ = make_doc()
    canvas.set_document(doc)
    vp = canvas.viewport()
    a = canvas.image_to_widget(QPointF(10, 20)).toPoint()
    b = canvas.image_to_widget(QPointF(60, 70)).toPoint()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(vp, b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=b)
    assert doc.selection is not None
    ys, xs = np.nonzero(doc.selection)
    assert (xs.min(), xs.max() + 1, ys.min(), ys.max() + 1) == (10, 60, 20, 70)
    assert doc.history.undo_text == "Select rectangle"

    qtbot.keyClick(canvas, Qt.Key.Key_Escape)  # Esc deselects
    assert doc.selection is None
    doc.history.undo()
    assert doc.selection is not None
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=a)  # a click deselects too
    assert doc.selection is None
    doc.history.undo()
    doc.history.undo()
    assert doc.selection is None


def test_the_selection_outline_is_drawn(canvas):
    doc, _ = make_doc(rgba=(0, 0, 0, 255))
    canvas.set_document(doc)
    mask = np.zeros((100, 200), np.uint8)
    mask[20:80, 40:160] = 255
    from editor.model.commands import SetSelection

    doc.history.push(SetSelection(mask))
    edge = canvas.image_to_widget(QPointF(100, 20)).toPoint()
    grabbed = qimage_to_rgba(canvas.viewport().grab().toImage())
    band = grabbed[edge.y() - 1 : edge.y() + 2, edge.x() - 8 : edge.x() + 8, :3]
    assert band.max() == 255  # white dashes of the outline over the black photo


def test_composite_follows_opacity_visibility_and_pixel_changes(canvas):
    doc = Document(200, 100)
    bottom = RasterLayer("Blue", solid(200, 100, (0, 0, 255, 255)))
    top = RasterLayer("Red", solid(200, 100, (255, 0, 0, 255)))
    doc.history.push(AddLayer(bottom))
    doc.history.push(AddLayer(top))
    canvas.set_document(doc)
    assert pixel_at(canvas, (50, 50)) == (255, 0, 0)
    doc.history.push(SetLayerProperties(top, opacity=0.5))
    r, g, b = pixel_at(canvas, (50, 50))
    assert abs(r - 128) <= 2 and abs(b - 127) <= 2
    doc.history.push(SetLayerProperties(top, visible=False))
    assert pixel_at(canvas, (50, 50)) == (0, 0, 255)

    doc.history.push(ReplaceRegion(bottom, 10, 10, solid(20, 20, (0, 255, 0, 255))))
    assert pixel_at(canvas, (15, 15)) == (0, 255, 0)
    assert pixel_at(canvas, (50, 50)) == (0, 0, 255)
    doc.history.undo()
    assert pixel_at(canvas, (15, 15)) == (0, 0, 255)


def test_transparency_shows_a_checkerboard(canvas):
    doc = Document(200, 100)
    doc.history.push(AddLayer(RasterLayer("Empty", np.zeros((100, 200, 4), np.uint8))))
    canvas.set_document(doc)
    colours = {pixel_at(canvas, (x, 4)) for x in range(0, 40, 4)}
    assert colours == {(255, 255, 255), (204, 204, 204)}


def test_mask_and_box_overlays(canvas):
    doc, _ = make_doc(rgba=(0, 0, 0, 255))
    mask = np.zeros((100, 200), np.uint8)
    mask[:, :100] = 255
    mask_layer = MaskLayer("Product", mask, color=(0, 255, 0), opacity=1.0)
    doc.history.push(AddLayer(mask_layer))
    boxes = BoxLayer("Labels", [Box(120, 20, 180, 80, "bottle")], (200, 100))
    doc.history.push(AddLayer(boxes))
    canvas.set_document(doc)
    assert pixel_at(canvas, (50, 50)) == (0, 255, 0)
    assert pixel_at(canvas, (150, 50)) == (0, 0, 0)
    assert pixel_at(canvas, (150, 80)) != (0, 0, 0)  # the box's bottom edge

    doc.history.push(SetLayerProperties(mask_layer, opacity=0.5))
    assert pixel_at(canvas, (50, 50)) in {(0, 127, 0), (0, 128, 0)}
    doc.history.push(ReplaceRegion(mask_layer, 0, 0, np.zeros((100, 50), np.uint8)))
    assert pixel_at(canvas, (25, 50)) == (0, 0, 0)
    doc.history.push(SetLayerProperties(mask_layer, visible=False))
    doc.history.push(SetLayerProperties(boxes, visible=False))
    assert pixel_at(canvas, (75, 50)) == (0, 0, 0)
    assert pixel_at(canvas, (150, 80)) == (0, 0, 0)


def test_pixels_are_crisp_when_zoomed_in(canvas):
    doc = Document(4, 4)
    pixels = np.zeros((4, 4, 4), np.uint8)
    pixels[..., 3] = 255
    pixels[:, 2:, :3] = 255
    doc.history.push(AddLayer(RasterLayer("Tiny", pixels)))
    canvas.set_document(doc)
    canvas.set_zoom(40)
    assert pixel_at(canvas, (1.9, 2)) == (0, 0, 0)
    assert pixel_at(canvas, (2.1, 2)) == (255, 255, 255)


def test_cursor_reports_position_and_colour(canvas, qtbot):
    doc, _ = make_doc()
    canvas.set_document(doc)
    point = canvas.image_to_widget(QPointF(30.3, 40.3)).toPoint()
    with qtbot.waitSignal(canvas.cursor_moved) as blocker:
        qtbot.mouseMove(canvas.viewport(), point)
    assert blocker.args == [30, 40, (200, 30, 30, 255)]


def test_switching_documents_stops_listening_to_the_old_one(canvas):
    old, old_layer = make_doc(rgba=(255, 0, 0, 255))
    canvas.set_document(old)
    new, _ = make_doc(rgba=(0, 0, 255, 255))
    canvas.set_document(new)
    old.history.push(ReplaceRegion(old_layer, 0, 0, solid(200, 100, (0, 255, 0, 255))))
    assert pixel_at(canvas, (50, 50)) == (0, 0, 255)
    canvas.set_document(None)
    canvas.viewport().grab()  # paints an empty canvas without error


def test_a_large_photo_zooms_and_pans_without_recompositing(canvas, monkeypatch):
    doc, layer = make_doc(4000, 3000, rgba=(10, 120, 200, 255))
    canvas.set_document(doc)
    assert canvas.wait_for_composite()  # a photo this large composites in the background
    import editor.qt.canvas_cache as cache_module

    def forbidden(*args, **kwargs):
        raise AssertionError("recomposited on a pan or zoom")

    monkeypatch.setattr(cache_module, "composite", forbidden)
    for _ in range(6):
        canvas.zoom_in()
        canvas.viewport().grab()
    canvas.pan_by(-300, -200)
    canvas.fit()
    assert pixel_at(canvas, (2000, 1500)) == (10, 120, 200)
    monkeypatch.undo()
    doc.history.push(ReplaceRegion(layer, 100, 100, solid(50, 50, (255, 255, 0, 255))))
    canvas.actual_size()
    canvas.pan_by(1e6, 1e6)  # back to the top-left corner
    assert pixel_at(canvas, (120, 120)) == (255, 255, 0)
