"""Frozen image features, computed once per file and kept on disk: the embedding backbone
that ``classify`` and ``similar`` share.

A feature is EfficientNet-Lite0's :meth:`pooled` output at 224x224, concatenated (the five
average-pooled feature maps, 1,792 numbers): the 1,280 semantic head activations plus the
early levels, which keep the colour and texture that tell a red pepper from a yellow one.

The :class:`FeatureCache` keys each file by a hash of its *content*, so a renamed file is
not computed again and a changed one is. View 0 of a file is the whole image; views 1, 2, ...
are augmented copies (random crop, flip, colour jitter, fixed per file and view), so a head
trained on cached features still sees the usual augmentations at no extra cost per epoch.
Entries are ``<root>/<backbone>/<hash[:2]>/<hash>.npy`` (float16, one row per view), written
atomically. Qt-free; torch is imported only when a real backbone is built.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from editor.model.atomic import atomic_write
from editor.model.imageio import ImageFileError, flatten, load_image

#: the length of one feature vector (16 + 24 + 40 + 112 + 320 + 1280)
FEATURE_DIM = 1792
#: names the backbone and preprocessing; a different one never reads another's entries
BACKBONE_ID = "efflite0-pooled224-v1"
INPUT_SIZE = 224

#: list of uint8 RGB images -> (N, D) float32 features
Embedder = Callable[[list[np.ndarray]], np.ndarray]


def default_cache_dir() -> Path:
    """``$LIGHTBOX_FEATURE_CACHE``, else the per-user cache folder (``~/.cache/lightbox``)."""
    override = os.environ.get("LIGHTBOX_FEATURE_CACHE")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("lightbox", "Lightbox")) / "features"


def content_hash(data: bytes) -> str:
    """The cache key of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_hash(path: Path | str) -> str:
    """:func:`content_hash` of a file (read in chunks)."""
    digest = hashlib.blake2b(digest_size=16)
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_rgb(path: Path | str) -> np.ndarray:
    """A file as uint8 RGB, transparent parts on white (a cut-out product on white looks
    like its studio shot); raises :class:`ImageFileError` naming the file."""
    return flatten(load_image(path).pixels, (255, 255, 255))


def augmented_view(rgb: np.ndarray, key: str, view: int) -> np.ndarray:
    """View ``view`` of an image: 0 is the image itself; others a random crop of 55-100 % of
    the area, a mirror half the time, and brightness/contrast/saturation jitter, fixed by
    ``key`` (the content hash) and ``view`` so the cache stays reproducible."""
    if view == 0:
        return rgb
    import cv2

    seed = int(key[:8], 16) ^ (view * 0x9E3779B1)
    rng = np.random.default_rng(seed & 0xFFFFFFFF)
    h, w = rgb.shape[:2]
    area = rng.uniform(0.55, 1.0)
    aspect = np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
    cw = int(round(min(w, w * np.sqrt(area * aspect))))
    ch = int(round(min(h, h * np.sqrt(area / aspect))))
    x0 = int(rng.integers(0, w - cw + 1))
    y0 = int(rng.integers(0, h - ch + 1))
    out = rgb[y0:y0 + ch, x0:x0 + cw]
    if rng.random() < 0.5:
        out = out[:, ::-1]
    out = cv2.resize(np.ascontiguousarray(out), (INPUT_SIZE, INPUT_SIZE),
                     interpolation=cv2.INTER_AREA).astype(np.float32)
    grey = out.mean(axis=2, keepdims=True)
    out = grey + (out - grey) * rng.uniform(0.7, 1.3)  # saturation
    out = (out - out.mean()) * rng.uniform(0.8, 1.2) + out.mean()  # contrast
    out = out * rng.uniform(0.8, 1.2)  # brightness
    return np.clip(out, 0, 255).astype(np.uint8)


def efficientnet_embedder(device: str = "cpu", batch: int = 16) -> Embedder:
    """The real backbone: EfficientNet-Lite0 ImageNet weights, pooled features (N, 1792)."""
    import torch

    from editor.training.backbones import efficientnet_lite0, to_input

    model = efficientnet_lite0(pretrained=True).to(device)

    def embed(images: list[np.ndarray]) -> np.ndarray:
        rows = []
        with torch.inference_mode():
            for start in range(0, len(images), batch):
                x = to_input(images[start:start + batch], INPUT_SIZE).to(device)
                rows.append(torch.cat(model.pooled(x), dim=1).float().cpu().numpy())
        return np.concatenate(rows) if rows else np.zeros((0, FEATURE_DIM), np.float32)

    return embed


def shared_embedder(device: str = "cpu") -> Embedder:
    """The real backbone for photos in memory, built once per device per process (keyed by
    the factory too, so a test's stand-in and the real one never mix)."""
    return shared_instance(efficientnet_embedder, device)


@functools.lru_cache(maxsize=4)
def shared_instance(factory: Callable[[str], Embedder], device: str) -> Embedder:
    """``factory(device)``, built once per factory and device per process."""
    return factory(device)


def tiny_embedder(dim: int = FEATURE_DIM, seed: int = 0) -> Embedder:
    """A cheap stand-in for the backbone (tests, dry runs): the image's 8x8 colour layout
    through a fixed random projection to ``dim`` numbers. Similar-looking images get
    similar features; it knows nothing about products."""
    import cv2

    weights = np.random.default_rng(seed).normal(size=(192, dim)).astype(np.float32)

    def embed(images: list[np.ndarray]) -> np.ndarray:
        rows = [cv2.resize(np.ascontiguousarray(im[..., :3]), (8, 8),
                           interpolation=cv2.INTER_AREA).astype(np.float32).ravel() / 255 - 0.5
                for im in images]
        return (np.stack(rows) @ weights if rows else np.zeros((0, dim))).astype(np.float32)

    return embed


@dataclass
class Extracted:
    """What :meth:`FeatureCache.features` found: one (views, D) array per readable file."""

    paths: list[Path] = field(default_factory=list)
    features: list[np.ndarray] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    #: (path, reason) of each file that could not be read; it is left out
    problems: list[tuple[Path, str]] = field(default_factory=list)
    computed: int = 0  # files whose features were not in the cache


class FeatureCache:
    """Per-file features on disk, computed on demand with ``embedder`` (the real backbone
    unless a test or a caller gives another; give it a distinct ``backbone_id``)."""

    def __init__(self, root: Path | str | None = None, embedder: Embedder | None = None,
                 backbone_id: str = BACKBONE_ID, device: str = "cpu") -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.backbone_id = backbone_id
        self._embedder = embedder
        self._device = device

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = efficientnet_embedder(self._device)
        return self._embedder

    def _entry(self, key: str) -> Path:
        return self.root / self.backbone_id / key[:2] / f"{key}.npy"

    def cached(self, key: str) -> np.ndarray | None:
        """The stored (views, D) features of a content hash, or None."""
        path = self._entry(key)
        try:
            return np.load(path, allow_pickle=False).astype(np.float32)
        except (OSError, ValueError):
            return None  # missing or damaged: computed again

    def _store(self, key: str, rows: np.ndarray) -> None:
        path = self._entry(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.save(buffer, rows.astype(np.float16), allow_pickle=False)
        with atomic_write(path, "wb") as fh:
            fh.write(buffer.getvalue())

    def embed_images(self, images: list[np.ndarray]) -> np.ndarray:
        """Features of images in memory (not cached), (N, D) float32."""
        return np.asarray(self.embedder(images), dtype=np.float32)

    def features(self, paths: Sequence[Path | str], views: int = 1,
                 progress: Callable[[float, str], None] | None = None,
                 chunk: int = 16) -> Extracted:
        """(views, D) features of each file, from the cache where present. Unreadable files
        go to ``problems`` with the reason; ``progress(fraction, message)`` is called between
        chunks (it may raise to cancel; what was computed so far stays cached)."""
        out = Extracted()
        pending: list[tuple[int, Path, str, int, np.ndarray | None]] = []
        failed: set[int] = set()
        total = len(paths)

        def flush() -> None:
            images, owners = [], []
            for slot, path, key, have, _old in pending:
                try:
                    rgb = load_rgb(path)
                except ImageFileError as exc:
                    out.problems.append((path, exc.reason))
                    failed.add(slot)
                    continue
                for view in range(have, views):
                    images.append(augmented_view(rgb, key, view))
                    owners.append(slot)
            rows = self.embed_images(images) if images else np.zeros((0, FEATURE_DIM))
            for slot, _path, key, have, old in pending:
                if slot in failed:
                    continue
                new = rows[[i for i, o in enumerate(owners) if o == slot]]
                full = new if old is None else np.concatenate([old[:have], new])
                self._store(key, full)
                out.features[slot] = full.astype(np.float16).astype(np.float32)
                out.computed += 1
            pending.clear()

        for index, raw in enumerate(paths):
            path = Path(raw)
            try:
                key = file_hash(path)
            except OSError as exc:
                out.problems.append((path, f"cannot be read ({exc.strerror or exc})"))
                continue
            slot = len(out.paths)
            out.paths.append(path)
            out.hashes.append(key)
            old = self.cached(key)
            if old is not None and len(old) >= views:
                out.features.append(old[:views])
                continue
            out.features.append(None)  # type: ignore[arg-type]
            pending.append((slot, path, key, 0 if old is None else len(old), old))
            if len(pending) >= chunk:
                flush()
                if progress is not None:
                    progress((index + 1) / max(total, 1), f"features {index + 1}/{total}")
        flush()
        keep = [i for i in range(len(out.paths)) if i not in failed]
        out.paths = [out.paths[i] for i in keep]
        out.hashes = [out.hashes[i] for i in keep]
        out.features = [out.features[i][:views] for i in keep]
        if progress is not None:
            progress(1.0, f"features {total}/{total}")
        return out


class SampleFeatures:
    """The cached views of class-folder samples, kept in memory once read, for heads trained
    on frozen features (classify, similar). Unreadable images are remembered in
    :attr:`skipped` and left out of every batch."""

    def __init__(self, cache: FeatureCache | None = None) -> None:
        self.cache = cache or FeatureCache()
        self._memo: dict[Path, np.ndarray] = {}
        #: (path, reason) of each image whose pixels could not be read
        self.skipped: list[tuple[Path, str]] = []

    def get(self, samples: Sequence[Any], index: dict[str, int],
            views: int) -> tuple[np.ndarray, np.ndarray]:
        """(N, views, D) features and (N,) class numbers (``index[sample.label]``) of the
        readable ``samples`` (objects with ``image`` and ``label``)."""
        todo = [s.image for s in samples
                if s.image not in self._memo or len(self._memo[s.image]) < views]
        if todo:
            found = self.cache.features(list(dict.fromkeys(todo)), views=views)
            self._memo.update(zip(found.paths, found.features, strict=True))
            self.skipped.extend(found.problems)
            for path, _ in found.problems:
                self._memo[path] = np.zeros((0, FEATURE_DIM), np.float32)  # not tried again
        kept = [s for s in samples if len(self._memo[s.image]) >= views]
        if not kept:
            return np.zeros((0, views, FEATURE_DIM), np.float32), np.zeros(0, np.int64)
        x = np.stack([self._memo[s.image][:views] for s in kept])
        y = np.array([index[s.label] for s in kept], np.int64)
        return x, y
