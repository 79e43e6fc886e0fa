"""Large recomposites run in the background: the editor stays smooth and shows the result."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtWidgets import QWidget

import editor.qt.canvas_worker as worker_module
from editor.model.commands import AddLayer, ReplaceRegion, SetLayerProperties
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.canvas import Canvas
from editor.qt.convert import qimage_to_rgba

BLUE = (0, 0, 255, 255)
RED = (255, 0, 0, 255)


def solid(w: int, h: int, rgba: tuple[int, int, int, int]) -> np.ndarray:
    image = np.empty((h, w, 4), np.uint8)
    image[...] = rgba
    return image


def two_layers(w: int, h: int, **top_props) -> tuple[Document, RasterLayer, RasterLayer]:
    """Blue photo under a red layer (with ``top_props``)."""
    doc = Document(w, h)
    bottom = RasterLayer("Blue", solid(w, h, BLUE))
    top = RasterLayer("Red", solid(w, h, RED), **top_props)
    doc.history.push(AddLayer(bottom))
    doc.history.push(AddLayer(top))
    return doc, bottom, top


def pixel_at(canvas: Canvas, image_point: tuple[float, float]) -> tuple[int, ...]:
    """The colour the user sees at an image point."""
    point = canvas.image_to_widget(QPointF(*image_point)).toPoint()
    grabbed = qimage_to_rgba(canvas.viewport().grab().toImage())
    return tuple(int(v) for v in grabbed[point.y(), point.x(), :3])


def close_to(colour: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 2) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


class TickGaps:
    """Measures how long the event loop goes without serving a 10 ms timer."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(interval=10, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def __enter__(self) -> TickGaps:
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.stop()
        self._tick()


def test_toggling_a_layer_of_a_large_photo_keeps_the_editor_smooth(canvas, qtbot):
    doc, _, top = two_layers(4000, 3000, visible=False, opacity=0.5)
    canvas.set_document(doc)
    assert canvas.wait_for_composite()
    assert pixel_at(canvas, (2000, 1500)) == (0, 0, 255)
    with TickGaps() as gaps:
        qtbot.wait(50)
        started = time.perf_counter()
        doc.history.push(SetLayerProperties(top, visible=True))
        assert time.perf_counter() - started < 0.05  # the push only queues the work
        assert pixel_at(canvas, (2000, 1500)) == (0, 0, 255)  # the old picture meanwhile
        assert canvas.wait_for_composite()
        qtbot.wait(30)
    assert gaps.longest < 0.1, f"the event loop stalled for {gaps.longest * 1000:.0f} ms"
    assert close_to(pixel_at(canvas, (2000, 1500)), (128, 0, 127))


def test_a_burst_of_opacity_changes_shows_the_last_with_few_composites(
    canvas, qtbot, monkeypatch
):
    doc, _, top = two_layers(4000, 3000)
    canvas.set_document(doc)
    assert canvas.wait_for_composite()
    runs = []
    render = worker_module.render

    def counting(request, cancelled):
        runs.append(request.generation)
        return render(request, cancelled)

    monkeypatch.setattr(worker_module, "render", counting)
    for step in range(20):  # a slider drag, faster than one composite
        doc.history.push(SetLayerProperties(top, opacity=1.0 - step * 0.04))
    assert canvas.wait_for_composite()
    assert top.opacity == pytest.approx(0.24)
    assert close_to(pixel_at(canvas, (100, 100)), (61, 0, 194))
    assert len(runs) <= 3


def test_a_brush_dab_during_a_composite_is_kept(canvas, qtbot):
    doc, bottom, top = two_layers(1500, 1000)
    canvas.set_document(doc)
    assert canvas.wait_for_composite()
    doc.history.push(SetLayerProperties(top, opacity=0.5))
    # lands while the worker may be reading exactly those rows
    doc.history.push(ReplaceRegion(bottom, 10, 10, solid(40, 40, (0, 255, 0, 255))))
    assert canvas.wait_for_composite()
    canvas.actual_size()
    canvas.pan_by(1e6, 1e6)  # top-left corner
    assert close_to(pixel_at(canvas, (20, 20)), (128, 127, 0))
    assert close_to(pixel_at(canvas, (100, 100)), (128, 0, 127))


def test_a_large_edit_during_a_composite_is_not_shown_half_done(canvas, qtbot):
    doc, bottom, top = two_layers(1500, 1000, opacity=0.5)
    canvas.set_document(doc)
    assert canvas.wait_for_composite()
    doc.history.push(SetLayerProperties(top, visible=False))
    doc.history.push(ReplaceRegion(bottom, 0, 0, solid(1500, 600, (0, 255, 0, 255))))
    assert canvas.wait_for_composite()
    assert pixel_at(canvas, (750, 300)) == (0, 255, 0)
    assert pixel_at(canvas, (750, 800)) == (0, 0, 255)


def test_switching_documents_drops_the_old_composite(canvas, qtbot):
    first, _, _ = two_layers(2000, 1500, opacity=0.5)
    canvas.set_document(first)
    second, _, _ = two_layers(2000, 1500, visible=False)
    canvas.set_document(second)
    assert canvas.wait_for_composite()
    qtbot.wait(100)  # let a late result of the first document arrive, if it were kept
    assert pixel_at(canvas, (1000, 750)) == (0, 0, 255)
    canvas.set_document(first)
    canvas.set_document(None)  # stops the worker before returning
    assert canvas.wait_for_composite(0)
    canvas.viewport().grab()


@pytest.fixture
def slow_composite(monkeypatch):
    """Make each band of a background composite take 50 ms; records the worker's thread."""
    threads: set[int] = set()
    bands: list[int] = []
    composite = worker_module.composite

    def slow(layers, size, rect=None, background=None):
        if threading.current_thread() is not threading.main_thread():
            threads.add(threading.get_native_id())
            bands.append(rect[1])
            time.sleep(0.05)
        return composite(layers, size, rect, background)

    monkeypatch.setattr(worker_module, "composite", slow)
    return threads, bands


def thread_alive(native_id: int) -> bool:
    return Path(f"/proc/self/task/{native_id}").exists()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_closing_the_canvas_while_compositing_stops_its_thread(canvas, qtbot, slow_composite):
    threads, bands = slow_composite
    doc, _, _ = two_layers(1000, 1000, opacity=0.5)  # 8 bands of 128 rows
    canvas.set_document(doc)
    qtbot.waitUntil(lambda: len(bands) > 0)
    started = time.perf_counter()
    canvas.close()
    assert time.perf_counter() - started < 0.5  # cancelled at the next band, not finished
    assert len(bands) < 8
    # joined; the kernel may list a joined thread for a moment longer
    qtbot.waitUntil(lambda: not any(thread_alive(t) for t in threads), timeout=1000)
    assert threads
    qtbot.wait(50)  # nothing arrives late
    canvas.show()  # and shown again, it finishes the picture it dropped
    assert canvas.wait_for_composite()
    assert close_to(pixel_at(canvas, (500, 500)), (128, 0, 127))


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_destroying_the_canvas_while_compositing_stops_its_thread(qtbot, slow_composite):
    threads, bands = slow_composite
    window = QWidget()
    canvas = Canvas(window)
    doc, _, _ = two_layers(1000, 1000, opacity=0.5)
    canvas.set_document(doc)
    qtbot.waitUntil(lambda: len(bands) > 0)
    destroyed = []
    canvas.destroyed.connect(lambda: destroyed.append(True))
    window.deleteLater()
    qtbot.waitUntil(lambda: len(destroyed) > 0)
    assert len(bands) < 8
    # joined; the kernel may list a joined thread for a moment longer
    qtbot.waitUntil(lambda: not any(thread_alive(t) for t in threads), timeout=1000)
    assert threads
