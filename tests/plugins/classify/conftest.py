"""Classifier tests run on tiny synthetic images with the tiny stand-in backbones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from editor.training import features
from plugins.classify import tail


@pytest.fixture(autouse=True)
def tiny_backbone(monkeypatch, tmp_path_factory):
    """Every FeatureCache built in a test uses the tiny embedder and a private cache."""
    monkeypatch.setenv("LIGHTBOX_FEATURE_CACHE", str(tmp_path_factory.mktemp("features")))
    monkeypatch.setattr(features, "efficientnet_embedder",
                        lambda device="cpu": features.tiny_embedder())
    monkeypatch.setattr(tail, "shared_tail_embedder",
                        lambda device="cpu": tail.tiny_tail_embedder())


def make_picture(seed: int, size: int = 96) -> np.ndarray:
    """A distinct synthetic 'photo': a few coloured rectangles on a coloured ground."""
    import cv2

    rng = np.random.default_rng(seed)
    image = np.empty((size, size, 3), np.uint8)
    image[:] = rng.integers(0, 256, 3)
    for _ in range(4):
        x0, y0 = rng.integers(0, size - 20, 2)
        w, h = rng.integers(10, size // 2, 2)
        cv2.rectangle(image, (int(x0), int(y0)), (int(x0 + w), int(y0 + h)),
                      tuple(int(c) for c in rng.integers(0, 256, 3)), -1)
    return image


def save_jpeg(path: Path, rgb: np.ndarray, quality: int = 95) -> Path:
    import cv2

    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.ascontiguousarray(rgb[..., ::-1]),
                [cv2.IMWRITE_JPEG_QUALITY, quality])
    return path


@pytest.fixture
def picture():
    """``picture(seed, size=96)``: a distinct synthetic RGB photo."""
    return make_picture


@pytest.fixture
def save():
    """``save(path, rgb, quality=95)``: write a JPEG (folders made), return its path."""
    return save_jpeg


@pytest.fixture
def catalogue(tmp_path) -> Path:
    """A folder of six distinct synthetic product photos."""
    folder = tmp_path / "catalogue"
    for i in range(6):
        save_jpeg(folder / f"item{i}.jpg", make_picture(i))
    return folder
