"""The Catalogue dock as a user meets it: a folder indexed without blocking the window, the
open photo's most similar catalogue photos as thumbnails, and duplicates kept or trashed."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.layers import RasterLayer
from editor.qt.features.catalogue import CatalogueFeature
from editor.qt.main_window import MainWindow
from editor.tasks.registry import Registry
from editor.training import features

WAIT_MS = 60000


def picture(seed: int, size: int = 96) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = np.empty((size, size, 3), np.uint8)
    image[:] = rng.integers(0, 256, 3)
    for _ in range(4):
        x0, y0 = (int(v) for v in rng.integers(0, size - 20, 2))
        w, h = (int(v) for v in rng.integers(10, size // 2, 2))
        cv2.rectangle(image, (x0, y0), (x0 + w, y0 + h),
                      tuple(int(c) for c in rng.integers(0, 256, 3)), -1)
    return image


@pytest.fixture(autouse=True)
def tiny_backbone(monkeypatch, tmp_path):
    monkeypatch.setenv("LIGHTBOX_FEATURE_CACHE", str(tmp_path / "features"))
    monkeypatch.setattr(features, "efficientnet_embedder",
                        lambda device="cpu": features.tiny_embedder())


@pytest.fixture
def catalogue(tmp_path):
    folder = tmp_path / "catalogue"
    folder.mkdir()
    for i in range(5):
        cv2.imwrite(str(folder / f"item{i}.jpg"), picture(i)[..., ::-1].copy())
    return folder


@pytest.fixture
def window(qtbot):
    win = MainWindow(Registry.discover())
    win.ask_save_changes = lambda: "discard"
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    qtbot.waitUntil(lambda: not _feature(win).busy, timeout=WAIT_MS)


def _feature(window) -> CatalogueFeature:
    return next(f for f in window.features if isinstance(f, CatalogueFeature))


def document(rgb: np.ndarray) -> Document:
    doc = Document(rgb.shape[1], rgb.shape[0])
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    doc.history.push(AddLayer(RasterLayer("photo", rgba)))
    return doc


def test_the_catalogue_fills_without_blocking_the_window(window, catalogue, qtbot):
    feature = _feature(window)
    window.load_document(document(picture(3)), [])
    feature.index_folder(catalogue)
    # the call returned at once: the work is on a worker and the window still answers
    assert feature.busy and "Indexing" in feature.panel.status.text()
    qtbot.waitUntil(lambda: feature.panel.grid.count() > 0, timeout=WAIT_MS)
    grid = feature.panel.grid
    assert grid.count() == 5
    assert grid.item(0).toolTip().endswith("item3.jpg")  # the photo itself is the best match
    assert "5 photos" in feature.panel.status.text()
    opened = []
    feature.panel.open_requested.connect(opened.append)
    grid.itemClicked.emit(grid.item(1))
    assert opened == [grid.item(1).toolTip()]


def test_duplicates_are_grouped_and_the_best_copy_is_kept(window, catalogue, qtbot, tmp_path):
    big = picture(1, 240)
    cv2.imwrite(str(catalogue / "big.jpg"), big[..., ::-1].copy())
    cv2.imwrite(str(catalogue / "small.jpg"), cv2.resize(big, (120, 120))[..., ::-1].copy(),
                [cv2.IMWRITE_JPEG_QUALITY, 60])
    feature = _feature(window)
    feature.index_folder(catalogue)
    qtbot.waitUntil(lambda: feature.panel.duplicates_button.isEnabled(), timeout=WAIT_MS)
    feature.find_duplicates()
    qtbot.waitUntil(lambda: feature.panel.groups.topLevelItemCount() > 0, timeout=WAIT_MS)
    top = feature.panel.groups.topLevelItem(0)
    group = top.data(0, 256)
    assert [p.rsplit("/", 1)[1] for p in group] == ["big.jpg", "small.jpg"]
    feature.panel.groups.setCurrentItem(top)
    assert feature.panel.keep_button.isEnabled()
    moved = feature.keep_best(group)
    if moved:  # a desktop without a trash cannot move; the message says so
        assert not (catalogue / "small.jpg").exists() and (catalogue / "big.jpg").exists()


def test_a_damaged_saved_index_offers_a_rebuild(window, catalogue, qtbot):
    from editor.qt.features.catalogue import index_path_for

    index_path_for(catalogue).write_bytes(b"not an index")
    feature = _feature(window)
    feature.index_folder(catalogue)
    qtbot.waitUntil(lambda: not feature.busy, timeout=WAIT_MS)
    assert "rebuild" in feature.panel.status.text().lower()
    assert feature.panel.rebuild_button.isEnabled()
    feature.index_folder(catalogue, rebuild=True)
    qtbot.waitUntil(lambda: "5 photos" in feature.panel.status.text(), timeout=WAIT_MS)
