"""The main window as a user meets it: opening, saving, exporting, undo, recent files,
layout, drag and drop, and errors in the notification bar."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget

from editor.model.commands import AddLayer, SetLayerProperties
from editor.model.document import Document
from editor.model.layers import MaskLayer, RasterLayer
from editor.qt.main_window import MainWindow
from editor.tasks.registry import Registry


def photo(w: int = 64, h: int = 48) -> np.ndarray:
    """A gradient RGB photo, so pixels differ everywhere."""
    x = np.linspace(0, 255, w, dtype=np.uint8)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h, dtype=np.uint8)[:, None].repeat(w, 1)
    return np.dstack([x, y, 255 - x])


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow(Registry([]))
    win.ask_save_changes = lambda: "discard"
    qtbot.addWidget(win)
    win.show()
    return win


def open_and_wait(qtbot, window: MainWindow, path: Path) -> None:
    window.open_path(path)
    qtbot.waitUntil(lambda: not window.is_busy, timeout=10000)


def errors(window: MainWindow) -> list[str]:
    return [text for level, text in window.notifications.messages() if level == "error"]


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp", ".tif", ".bmp"])
def test_opens_each_supported_format(qtbot, window, tmp_path, suffix):
    path = tmp_path / f"shoe{suffix}"
    Image.fromarray(photo()).save(path)
    open_and_wait(qtbot, window, path)
    doc = window.document
    assert doc is not None and doc.size == (64, 48)
    assert window.windowTitle() == f"shoe{suffix}[*] — Lightbox"
    assert not window.isWindowModified()
    assert errors(window) == []
    assert window.size_label.text() == "64 × 48 px"


def huge_png_header(path: Path) -> None:
    """A PNG that claims 30000x30000 pixels (the data is not there)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))


@pytest.mark.parametrize("kind", ["corrupt", "empty", "text", "huge", "missing"])
def test_bad_files_show_an_error_naming_the_file(qtbot, window, tmp_path, kind):
    path = tmp_path / f"bad-{kind}.png"
    if kind == "corrupt":
        good = tmp_path / "good.png"
        Image.fromarray(photo()).save(good)
        path.write_bytes(good.read_bytes()[:80])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("this is not a picture\n")
    elif kind == "huge":
        huge_png_header(path)
    open_and_wait(qtbot, window, path)
    qtbot.waitUntil(lambda: bool(errors(window)))
    assert path.name in errors(window)[0]
    assert window.document is None


def test_a_failed_open_keeps_the_current_document(qtbot, window, tmp_path):
    good = tmp_path / "good.png"
    Image.fromarray(photo()).save(good)
    open_and_wait(qtbot, window, good)
    shown = window.document
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"")
    open_and_wait(qtbot, window, bad)
    assert window.document is shown
    assert "bad.png" in errors(window)[0]


def layered_document() -> Document:
    doc = Document(64, 48)
    pixels = np.dstack([photo(), np.full((48, 64), 255, np.uint8)])
    doc.history.push(AddLayer(RasterLayer("Photo", pixels)))
    top = np.zeros((48, 64, 4), np.uint8)
    top[10:30, 10:40] = (255, 0, 0, 180)
    doc.history.push(AddLayer(RasterLayer("Red patch", top)))
    mask = np.zeros((48, 64), np.uint8)
    mask[5:20, 5:20] = 255
    doc.history.push(AddLayer(MaskLayer("Product", mask)))
    return doc


def test_save_and_reopen_an_ora_project(qtbot, window, tmp_path):
    doc = layered_document()
    window.load_document(doc, [])
    assert window.isWindowModified()
    path = tmp_path / "project.ora"
    window.ask_save_path = lambda: path
    window.actions_.save.trigger()
    qtbot.waitUntil(lambda: not window.is_busy, timeout=10000)
    assert path.is_file()
    assert not window.isWindowModified()
    assert window.windowTitle() == "project.ora[*] — Lightbox"

    window.load_document(None, [])
    open_and_wait(qtbot, window, path)
    reopened = window.document
    assert [layer.name for layer in reopened.layers] == [layer.name for layer in doc.layers]
    for before, after in zip(doc.layers, reopened.layers, strict=True):
        if isinstance(before, RasterLayer):
            assert np.array_equal(before.pixels, after.pixels)
        else:
            assert np.array_equal(before.mask, after.mask)


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_export_flattens_the_image(qtbot, window, tmp_path, suffix):
    doc = Document(32, 32)
    half = np.zeros((32, 32, 4), np.uint8)
    half[:, :16] = (0, 0, 255, 255)
    doc.history.push(AddLayer(RasterLayer("Half", half)))
    window.load_document(doc, [])
    path = tmp_path / f"out{suffix}"
    window.ask_export_path = lambda: path
    window.ask_flatten_colour = lambda: (0, 255, 0)
    window.actions_.export.trigger()
    qtbot.waitUntil(lambda: not window.is_busy, timeout=10000)
    assert errors(window) == []
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGBA"))
    assert pixels.shape == (32, 32, 4)
    assert abs(int(pixels[5, 5, 2]) - 255) < 8  # blue half
    if suffix == ".png":
        assert pixels[5, 25, 3] == 0  # transparency kept
    else:
        assert abs(int(pixels[5, 25, 1]) - 255) < 8 and pixels[5, 25, 0] < 8  # on green


def test_recent_files_remember_and_forget(qtbot, window, tmp_path):
    paths = []
    for name in ("a.png", "b.png"):
        path = tmp_path / name
        Image.fromarray(photo()).save(path)
        open_and_wait(qtbot, window, path)
        paths.append(path)
    window._fill_recent_menu()
    names = [a.text() for a in window.recent_menu.actions() if a.text()]
    assert names[:2] == ["b.png", "a.png"]
    paths[1].unlink()
    window._fill_recent_menu()
    names = [a.text() for a in window.recent_menu.actions() if a.text()]
    assert "b.png" not in names and "a.png" in names
    assert any("b.png" in text for _, text in window.notifications.messages())

    fresh = MainWindow(Registry([]))  # a new run remembers them
    qtbot.addWidget(fresh)
    assert fresh.recent.paths() == [paths[0].resolve()]


def test_undo_redo_actions_follow_the_history(window):
    undo, redo = window.actions_.undo, window.actions_.redo
    assert not undo.isEnabled() and not redo.isEnabled()
    doc = Document(16, 16)
    layer = RasterLayer("Photo", np.zeros((16, 16, 4), np.uint8))
    doc.history.push(AddLayer(layer))
    doc.history.mark_clean()
    window.load_document(doc, [])
    assert window.windowTitle() == "Untitled[*] — Lightbox"
    assert not window.isWindowModified()
    doc.history.push(SetLayerProperties(layer, visible=False))
    assert undo.isEnabled() and undo.text() == "&Undo Toggle visibility “Photo”"
    assert window.isWindowModified()
    undo.trigger()
    assert layer.visible and not window.isWindowModified()
    assert redo.isEnabled() and redo.text() == "&Redo Toggle visibility “Photo”"
    redo.trigger()
    assert not layer.visible


def test_asks_before_discarding_changes(qtbot, window, tmp_path):
    doc = layered_document()
    window.load_document(doc, [])
    asked = []
    window.ask_save_changes = lambda: asked.append(1) or "cancel"
    window.actions_.close.trigger()
    assert asked and window.document is doc
    saved = tmp_path / "kept.ora"
    window.ask_save_changes = lambda: "save"
    window.ask_save_path = lambda: saved
    window.actions_.close.trigger()
    assert window.document is None and saved.is_file()


def test_dock_layout_is_restored(qtbot, window):
    jobs = window.docks["jobs"]
    jobs.setFloating(True)
    window.docks["history"].hide()
    window.close()
    again = MainWindow(Registry([]))
    qtbot.addWidget(again)
    again.show()
    assert again.docks["jobs"].isFloating()
    assert again.docks["history"].isHidden()
    names = {d.objectName() for d in again.findChildren(QDockWidget)}
    assert len(names) == len(again.docks) and "" not in names


def test_dropping_a_file_opens_it(qtbot, window, tmp_path):
    path = tmp_path / "dropped.png"
    Image.fromarray(photo()).save(path)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(100, 100), Qt.DropAction.CopyAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)  # offscreen Qt delivers no synthetic drops: call directly
    assert enter.isAccepted()
    window.dropEvent(QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, data,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: window.document is not None, timeout=10000)
    assert window.document.path.name == "dropped.png"


def test_status_bar_shows_zoom_and_cursor(qtbot, window, tmp_path):
    doc = layered_document()
    window.load_document(doc, [])
    window.canvas.actual_size()
    assert window.zoom_label.text() == "100 %"
    point = window.canvas.image_to_widget(QPointF(3.2, 4.2)).toPoint()
    qtbot.mouseMove(window.canvas.viewport(), point)
    qtbot.waitUntil(lambda: window.position_label.text() == "3, 4")
    assert window.colour_label.text().startswith("#")
    window.actions_.tool_pan.trigger()
    assert window.canvas.tool() == "pan"
    qtbot.keyClick(window.canvas, Qt.Key.Key_Plus)
    assert window.zoom_label.text() == "125 %"


def test_notices_from_loading_show_as_info(window):
    doc = Document(8, 8)
    window.load_document(doc, ["converted from CMYK to RGB"])
    assert window.notifications.messages() == [("info", "Untitled: converted from CMYK to RGB")]


def test_dropping_other_files_is_refused(window, tmp_path):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()


def test_opening_another_photo_takes_the_old_photos_errors_away(window):
    first, second = Document(8, 8), Document(8, 8)
    window.load_document(first, [])
    window.notifications.show_message("first.jpg: Denoise failed", "error")
    window.notifications.show_message("Training failed: out of memory", "error", app_wide=True)
    window.load_document(second, [])
    assert [text for _, text in window.notifications.messages()] == [
        "Training failed: out of memory"]
