"""The Auto-label dock: pre-label a photo into its labels, the confidence slider, accept and
reject with A and X, saving in the folder's format, and a folder sorted by uncertainty."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import Box, BoxLayer, RasterLayer
from editor.qt.features.annotate import AnnotateFeature, label_layer
from editor.qt.features.autolabel import AutolabelFeature, merge_prelabels
from editor.qt.main_window import MainWindow
from editor.samples import KINDS, render_sample
from editor.tasks.registry import Registry

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot) -> MainWindow:
    plugin = Registry.discover().get("autolabel")
    assert not plugin.broken, plugin.error
    win = MainWindow(Registry([plugin]))
    win.ask_save_changes = lambda: "discard"
    qtbot.addWidget(win)
    win.resize(900, 600)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def feature(window) -> AutolabelFeature:
    found = next(f for f in window.features if isinstance(f, AutolabelFeature))
    found.method = "proposals"  # no model needed: saliency boxes named "product"
    return found


def annotate(window) -> AnnotateFeature:
    return next(f for f in window.features if isinstance(f, AnnotateFeature))


def settle(qtbot, window, *features) -> None:
    qtbot.waitUntil(lambda: not any(f.is_busy for f in features) and not window.is_busy,
                    timeout=30000)


def product_photo(seed: int = 0) -> np.ndarray:
    return render_sample(KINDS[seed % len(KINDS)], (240, 180), background="white",
                         seed=seed).image


def test_merge_keeps_accepted_boxes_and_replaces_old_pre_labels():
    accepted = Box(10, 10, 50, 50, "tea", 1.0)
    old = Box(60, 10, 90, 40, "tea", 0.4)
    same = Box(11, 10, 50, 51, "tea", 0.8)  # repeats the accepted box
    new = Box(100, 10, 140, 50, "milk", 0.6)
    assert merge_prelabels([accepted, old], [same, new]) == [accepted, new]


def test_pre_label_photo_adds_boxes_in_one_undo_step(qtbot, window, feature):
    doc = Document(240, 180)
    doc.history.push(AddLayer(RasterLayer("Photo", product_photo())))
    doc.history.clear()
    window.load_document(doc, [])
    feature.panel.slider.setValue(0)
    feature.prelabel_photo()
    settle(qtbot, window, feature)
    layer = label_layer(doc)
    assert layer is not None and layer.boxes
    assert all(b.label == "product" and b.score < 1.0 for b in layer.boxes)
    doc.history.undo()
    assert label_layer(doc) is None


def test_slider_hides_unsure_pre_labels_but_not_accepted_ones(window, feature):
    doc = Document(200, 100)
    doc.history.push(AddLayer(RasterLayer("Photo", np.full((100, 200, 4), 200, np.uint8))))
    boxes = [Box(0, 0, 20, 20, "tea", 0.9), Box(30, 0, 50, 20, "tea", 0.3),
             Box(60, 0, 80, 20, "tea", 1.0), Box(90, 0, 110, 20, "tea", 0.1)]
    doc.history.push(AddLayer(BoxLayer("Labels", boxes, doc.size)))
    window.load_document(doc, [])
    feature.panel.slider.setValue(50)
    layer = label_layer(doc)
    assert layer.boxes == [boxes[0], boxes[2]]
    feature.panel.slider.setValue(20)
    assert sorted(b.score for b in layer.boxes) == [0.3, 0.9, 1.0]
    feature.panel.slider.setValue(100)
    assert layer.boxes == [boxes[2]]
    feature.panel.slider.setValue(0)
    assert sorted(b.score for b in layer.boxes) == [0.1, 0.3, 0.9, 1.0]
    assert "hidden by the slider" in feature.panel.counts.text()


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    for i, name in enumerate(("a", "b", "c")):
        Image.fromarray(product_photo(i)[..., :3]).save(root / "images" / f"{name}.png")
    (root / "classes.txt").write_text("cup\nproduct\n")
    (root / "labels" / "b.txt").write_text("0 0.5 0.5 0.5 0.5\n")
    return root


def test_accept_and_reject_keys_then_next_saves_in_the_folder_format(qtbot, window, feature,
                                                                     shop):
    notes = annotate(window)
    notes.open_folder(shop)
    settle(qtbot, window, notes)
    doc = window.document
    assert doc.path.name == "a.png"
    feature.apply_prelabels([Box(20, 20, 100, 120, "product", 0.8),
                             Box(130, 20, 200, 120, "product", 0.4),
                             Box(60, 130, 110, 170, "product", 0.6)])
    canvas = window.canvas
    canvas.set_tool("boxes")
    canvas.set_zoom(2.0)
    view = canvas.viewport()

    def click(x, y):
        qtbot.mouseClick(view, LEFT, pos=canvas.image_to_widget(QPointF(x, y)).toPoint())

    click(60, 70)
    qtbot.keyClick(canvas, Qt.Key.Key_A)  # accept the first
    click(165, 70)
    qtbot.keyClick(canvas, Qt.Key.Key_X)  # reject the second
    layer = label_layer(doc)
    assert [b.score for b in layer.boxes] == [1.0, 0.6]
    notes.next_action.trigger()
    settle(qtbot, window, notes)
    lines = (shop / "labels" / "a.txt").read_text().splitlines()
    assert len(lines) == 1  # only the accepted box is a label, in plain 5-column YOLO
    assert lines[0].split()[0] == "1" and len(lines[0].split()) == 5
    waiting = json.loads((shop / "labels" / "a.scores.json").read_text())["prelabels"]
    assert [(p["label"], p["score"]) for p in waiting] == [("product", pytest.approx(0.6))]
    assert (shop / "classes.txt").read_text().split() == ["cup", "product"]
    notes.previous_action.trigger()  # back again: the review state is as it was
    settle(qtbot, window, notes)
    assert sorted(b.score for b in label_layer(window.document).boxes) == [0.6, 1.0]


def test_pre_label_folder_writes_only_unlabelled_photos_and_puts_them_first(
        qtbot, window, feature, shop):
    notes = annotate(window)
    notes.open_folder(shop)
    settle(qtbot, window, notes)
    before = (shop / "labels" / "b.txt").read_text()
    feature.prelabel_folder()
    settle(qtbot, window, notes, feature)
    assert (shop / "labels" / "b.txt").read_text() == before  # labelled: left alone
    assert not (shop / "labels" / "c.txt").exists()  # pre-labels are not labels
    for name in ("a", "c"):
        sidecar = shop / "labels" / f"{name}.scores.json"
        waiting = json.loads(sidecar.read_text())["prelabels"] if sidecar.is_file() else []
        assert all(0.5 <= p["score"] < 1 for p in waiting)  # none below the review line
    names = [p.name for p in notes.folder.images]
    assert set(names[:2]) == {"a.png", "c.png"} and names[2] == "b.png"
    assert feature.panel.order.count() == 2


def test_pre_labels_below_the_review_threshold_are_not_written(tmp_path):
    from editor.qt.features.autolabel import prelabel_folder

    plugin = Registry.discover().get("autolabel")
    scores = []
    for review in (0.0, None):
        root = tmp_path / str(review)
        (root / "images").mkdir(parents=True)
        for i in range(3):
            Image.fromarray(product_photo(i)[..., :3]).save(root / "images" / f"p{i}.png")
        line = review if review is not None else sorted(scores)[len(scores) // 2]
        params = {"method": "proposals", "conf": line, "review": line}
        prelabel_folder(plugin, root, "yolo", params)
        assert not list((root / "labels").glob("*.txt"))  # nothing became a label
        found = [p["score"] for f in (root / "labels").glob("*.scores.json")
                 for p in json.loads(f.read_text())["prelabels"]]
        if review is not None:
            scores = found
        else:
            assert found and all(s >= line for s in found)
            assert len(found) < len(scores)
