"""Annotating a folder: next/previous auto-save labels; import/export through the menu."""

from pathlib import Path

import pytest
from PIL import Image

from editor.model.commands import SetBoxes
from editor.model.labels import convert
from editor.model.layers import Box, BoxLayer
from editor.qt.features.annotate import AnnotateFeature, label_layer
from editor.qt.main_window import MainWindow
from editor.tasks.registry import Registry


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow(Registry([]))
    win.ask_save_changes = lambda: "discard"
    qtbot.addWidget(win)
    return win


def annotate(window) -> AnnotateFeature:
    return next(f for f in window.features if isinstance(f, AnnotateFeature))


def idle(qtbot, window, feature):
    qtbot.waitUntil(lambda: not feature.is_busy and not window.is_busy, timeout=10000)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    for name in ("a", "b", "c"):
        Image.new("RGB", (80, 60), (200, 200, 200)).save(root / "images" / f"{name}.png")
    (root / "classes.txt").write_text("cup\nbottle\n")
    (root / "labels" / "b.txt").write_text("1 0.5 0.5 0.5 0.5\n")
    return root


def test_next_and_previous_auto_save_the_labels(qtbot, window, shop):
    feature = annotate(window)
    feature.open_folder(shop)
    idle(qtbot, window, feature)
    doc = window.document
    assert doc.path.name == "a.png" and feature.session.classes == ["cup", "bottle"]
    layer = label_layer(doc)
    doc.history.push(SetBoxes(layer, [Box(0, 0, 40, 30, "cup")]))
    feature.next_action.trigger()
    idle(qtbot, window, feature)
    assert (shop / "labels" / "a.txt").read_text() == "0 0.25 0.25 0.5 0.5\n"
    assert window.document.path.name == "b.png"
    assert label_layer(window.document).boxes == [Box(20, 15, 60, 45, "bottle")]
    assert window.document.history.is_clean  # opening with labels is not an undo step
    feature.next_action.trigger()  # b is unchanged: its file is left alone
    idle(qtbot, window, feature)
    assert (shop / "labels" / "b.txt").read_text() == "1 0.5 0.5 0.5 0.5\n"
    assert not (shop / "labels" / "c.txt").exists()
    assert not feature.next_action.isEnabled()
    feature.previous_action.trigger()
    idle(qtbot, window, feature)
    assert window.document.path.name == "b.png"


def test_import_and_export_round_trip_through_the_menu(qtbot, window, shop, tmp_path,
                                                       monkeypatch):
    feature = annotate(window)
    window.open_path(shop / "images" / "a.png")
    qtbot.waitUntil(lambda: window.document is not None, timeout=10000)
    doc = window.document
    monkeypatch.setattr(feature, "ask_import_path", lambda: shop / "labels" / "b.txt")
    feature.import_action.trigger()
    idle(qtbot, window, feature)
    imported = label_layer(doc)
    assert imported.name == "b.txt" and imported.boxes == [Box(20, 15, 60, 45, "bottle")]
    for fmt in convert.FORMATS:
        target = tmp_path / "exported" / fmt / f"a{convert.SUFFIXES[fmt]}"
        target.parent.mkdir(parents=True)
        monkeypatch.setattr(feature, "ask_export_target", lambda t=target, f=fmt: (t, f))
        feature.export_action.trigger()
        idle(qtbot, window, feature)
        monkeypatch.setattr(feature, "ask_import_path", lambda t=target: t)
        feature.import_action.trigger()
        idle(qtbot, window, feature)
        assert label_layer(doc).boxes == imported.boxes, fmt
    assert sum(isinstance(x, BoxLayer) for x in doc.layers) == 5
    doc.history.undo()
    assert sum(isinstance(x, BoxLayer) for x in doc.layers) == 4


def test_a_bad_label_line_is_reported_and_the_rest_loads(qtbot, window, shop):
    (shop / "labels" / "a.txt").write_text("0 0.5 0.5 0.5 0.5\n9 0.5 0.5 0.1 0.1\n")
    feature = annotate(window)
    feature.open_folder(shop)
    idle(qtbot, window, feature)
    assert len(label_layer(window.document).boxes) == 1
    warnings = [text for level, text in window.notifications.messages() if level == "warning"]
    assert any("a.txt line 2: class id 9 is out of range" in text for text in warnings)


def test_renaming_and_deleting_a_class_undo_as_one_step_each(window):
    import numpy as np

    from editor.model.commands import AddLayer
    from editor.model.document import Document
    from editor.model.layers import RasterLayer

    doc = Document(80, 60)
    doc.history.push(AddLayer(RasterLayer("photo", np.zeros((60, 80, 4), np.uint8))))
    boxes = [Box(1, 1, 20, 20, "cup"), Box(30, 30, 50, 50, "bottle")]
    doc.history.push(AddLayer(BoxLayer("Labels", boxes, doc.size)))
    window.load_document(doc, [])
    feature = annotate(window)
    feature.session.set_classes(["cup", "bottle"])
    feature.ask_text = lambda *args: "mug"
    feature.rename_class("cup")
    assert feature.session.classes == ["mug", "bottle"]
    assert [b.label for b in label_layer(doc).boxes] == ["mug", "bottle"]
    feature.ask_yes = lambda *args: True
    feature.delete_class("bottle")
    assert feature.session.classes == ["mug"] and len(label_layer(doc).boxes) == 1
    doc.history.undo()
    assert feature.session.classes == ["mug", "bottle"] and len(label_layer(doc).boxes) == 2
    doc.history.undo()
    assert feature.session.classes == ["cup", "bottle"]
    assert [b.label for b in label_layer(doc).boxes] == ["cup", "bottle"]


def test_a_number_key_beyond_the_classes_says_so(qtbot, window, shop):
    from PySide6.QtCore import Qt

    notes = annotate(window)
    notes.open_folder(shop)
    idle(qtbot, window, notes)
    window.canvas.set_tool("boxes")
    qtbot.keyClick(window.canvas, Qt.Key.Key_7)
    message = window.statusBar().currentMessage()
    assert "Key 7" in message and "only 2 classes" in message
    qtbot.keyClick(window.canvas, Qt.Key.Key_2)
    assert notes.session.current == "bottle"


def test_class_colours_follow_the_class_list_and_are_distinct():
    import numpy as np

    from editor.imaging.colour import delta_e76, srgb_to_lab
    from editor.model.labels import palette
    from editor.qt.canvas_overlays import label_colour

    names = [f"class {i}" for i in range(25)]
    palette.set_classes(["milk", "coffee"])
    assert label_colour("milk").name() != label_colour("coffee").name()
    palette.set_classes(names)  # the first 25 classes
    rgb = np.array([[label_colour(n).red(), label_colour(n).green(), label_colour(n).blue()]
                    for n in names], np.float32) / 255
    lab = srgb_to_lab(rgb)
    distances = delta_e76(lab[:, None], lab[None])
    assert distances[~np.eye(25, dtype=bool)].min() >= 20
    palette.set_classes(["coffee"])  # stable per class: its place in the list
    assert label_colour("coffee").name() == palette.PALETTE[0]
