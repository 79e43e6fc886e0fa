"""The auto-label detector: a frozen ImageNet EfficientNet-Lite0 with a small trained FCOS head.

Only the head learns (and only the head is stored in the model file, well under 8 MB); the
backbone is the shared one from :mod:`editor.training.backbones`, frozen, so its feature maps
can be computed once per training photo and cached, and training costs minutes on a CPU.

The head is FCOS-style (Tian et al., "FCOS: Fully Convolutional One-Stage Object Detection",
2019; torchvision's ``FCOS`` follows the same paper): a light FPN over the strides 8/16/32
maps, then one shared tower whose every location predicts

- an *objectness* logit (is a product's centre here?, trained with the focal loss),
- a *centre-ness* logit (how central, to down-weight boxes from a product's edge),
- the distances to the four sides of the box (trained with the generalised IoU loss),
- class logits, to which a *photo-level* classifier adds its logits: shelf photos usually
  show one kind of product, and the whole photo says more about the kind than one spot.

Scores are factored: ``objectness x class probability``. The first alone is the
class-agnostic confidence (what "is this a product?" proposals are measured by), the product
is the confidence of the labelled box shown to the annotator. Detection looks at each photo
and its mirror image and averages the two (test-time flip, :func:`merge_mirrored`). Qt-free;
torch is imported on first use.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from editor.model.imageio import flatten
from editor.model.layers import Box

if TYPE_CHECKING:
    import torch

PLUGIN_ID = "autolabel"
ARCHITECTURE = "FCOS-head (strides 16-64) on frozen EffLite0 + photo classifier"
#: strides of the head's levels: the backbone maps at 16 and 32, and one more made from 32.
#: Products fill much of a product photo, so a stride-8 level would cost three quarters of
#: the head's time for the few smallest boxes.
STRIDES = (16, 32, 64)
#: channels of the backbone maps the head reads (strides 16, 32)
IN_CHANNELS = (112, 320)
#: widths of the photo descriptor: pooled maps at strides 8, 16, 32 and the 1280 embedding
PHOTO_WIDTHS = (40, 112, 320, 1280)
#: the longest side photos are resized to before detection
DEFAULT_SIZE = 320
#: photos are padded to a multiple of this, the coarsest stride
MULTIPLE = 64
#: FCOS size ranges: a level takes boxes whose longest distance from the location to a side
#: lies here, in pixels of the resized photo
RANGES = ((0.0, 80.0), (80.0, 160.0), (160.0, float("inf")))
#: centre sampling radius in strides: only locations this near a box centre are positives
CENTRE_RADIUS = 1.5
WIDTH = 64
EMBED_BATCH = 8


@dataclass
class Detection:
    """One box found by the detector, with its class probabilities."""

    x0: float
    y0: float
    x1: float
    y1: float
    #: class-agnostic confidence 0..1 (is this a product?)
    objectness: float
    #: (class name, probability) pairs, most probable first
    classes: list[tuple[str, float]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.classes[0][0] if self.classes else "product"

    @property
    def confidence(self) -> float:
        """Confidence of the labelled box: objectness x probability of its class."""
        return self.objectness * (self.classes[0][1] if self.classes else 1.0)

    def box(self, rank: int = 0) -> Box:
        """As a :class:`Box` labelled with the ``rank``-th most probable class."""
        if not self.classes:
            return Box(self.x0, self.y0, self.x1, self.y1, "product", self.objectness)
        name, prob = self.classes[rank]
        return Box(self.x0, self.y0, self.x1, self.y1, name, self.objectness * prob)


# ---------------------------------------------------------------------------------------
# Backbone features
# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def backbone(device: str = "cpu") -> torch.nn.Module:
    """The shared pretrained EfficientNet-Lite0, loaded once per device, frozen, eval mode."""
    import torch

    from editor.training.backbones import efficientnet_lite0

    net = efficientnet_lite0(pretrained=True).to(device).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net.to(memory_format=torch.channels_last)


def letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float]:
    """``image`` (uint8 RGB/RGBA) scaled so its longest side is ``size``, padded at the right
    and bottom to a multiple of :data:`MULTIPLE` with mid-grey; and the scale factor used."""
    import cv2

    rgb = flatten(image, (255, 255, 255)) if image.shape[2] == 4 else image[..., :3]
    h, w = rgb.shape[:2]
    scale = size / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    if (nw, nh) != (w, h):
        rgb = cv2.resize(np.ascontiguousarray(rgb), (nw, nh),
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    ph, pw = -nh % MULTIPLE, -nw % MULTIPLE
    if ph or pw:
        rgb = np.pad(rgb, ((0, ph), (0, pw), (0, 0)), constant_values=127)
    return np.ascontiguousarray(rgb), scale


def features(images: Sequence[np.ndarray], device: str = "cpu"
             ) -> list[tuple[torch.Tensor, ...]]:
    """What the head reads of equally sized letterboxed uint8 RGB images, per image (CPU
    float16): the backbone maps at strides 16 and 32, and the photo descriptor (each map
    level average-pooled, then the 1280-wide ImageNet embedding; see :data:`PHOTO_WIDTHS`)."""
    import torch

    from editor.training.backbones import normalise

    net = backbone(device)
    out = []
    with torch.inference_mode():
        for start in range(0, len(images), EMBED_BATCH):
            chunk = np.stack(images[start:start + EMBED_BATCH])
            x = normalise(torch.from_numpy(chunk).permute(0, 3, 1, 2).float()).to(device)
            maps = net.features(x.contiguous(memory_format=torch.channels_last))[2:]
            # the embedding from the stride-32 map already at hand (embed() would run the
            # whole backbone a second time)
            photo = torch.cat([m.mean(dim=(2, 3)) for m in maps] + [net._head(maps[-1])], 1)
            for i in range(len(chunk)):
                out.append(tuple(m[i].half().cpu().contiguous()
                                 for m in (maps[1], maps[2], photo)))
    return out


# ---------------------------------------------------------------------------------------
# The head
# ---------------------------------------------------------------------------------------


def build_head(num_classes: int) -> torch.nn.Module:
    """The trainable part (FPN + FCOS head + photo classifier) for ``num_classes``
    classes (0: class-agnostic, objectness only)."""
    import torch
    from torch import nn

    def conv(cin: int, cout: int, k: int = 3) -> nn.Module:
        return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False),
                             nn.GroupNorm(8, cout), nn.ReLU(inplace=True))

    class Head(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.num_classes = num_classes
            self.lateral = nn.ModuleList(nn.Conv2d(c, WIDTH, 1) for c in IN_CHANNELS)
            self.smooth = nn.ModuleList(conv(WIDTH, WIDTH) for _ in IN_CHANNELS)
            self.down = nn.Sequential(nn.Conv2d(WIDTH, WIDTH, 3, 2, 1, bias=False),
                                      nn.GroupNorm(8, WIDTH), nn.ReLU(inplace=True))
            self.tower = nn.Sequential(conv(WIDTH, WIDTH), conv(WIDTH, WIDTH))
            self.box = nn.Conv2d(WIDTH, 6 + num_classes, 3, padding=1)  # obj, ctr, ltrb, cls
            self.scales = nn.Parameter(torch.ones(len(STRIDES)))
            self.photo = nn.Sequential(nn.Dropout(0.3),
                                       nn.Linear(sum(PHOTO_WIDTHS), max(1, num_classes)))
            nn.init.constant_(self.box.bias[0], -4.6)  # prior 1 %: focal loss starts stable

        def forward(self, feats: Sequence[Any]) -> dict[str, Any]:
            """``feats``: batched maps at strides 16 and 32 and photo descriptors, as
            :func:`features` gives them."""
            from torch.nn import functional as F  # noqa: N812

            c4, c5, descriptor = (f.float() for f in feats)
            p5 = self.lateral[1](c5)
            p4 = self.lateral[0](c4) + F.interpolate(p5, size=c4.shape[-2:], mode="nearest")
            p5 = self.smooth[1](p5)
            levels = [self.smooth[0](p4), p5, self.down(p5)]
            outs = []
            for level, p in enumerate(levels):
                y = self.box(self.tower(p))
                n = y.shape[0]
                y = y.flatten(2).transpose(1, 2)  # (N, HW, 6 + K)
                dist = F.relu(y[..., 2:6] * self.scales[level]) * STRIDES[level]
                outs.append(torch.cat([y[..., :2], dist, y[..., 6:]], -1).reshape(n, -1,
                                                                                 y.shape[-1]))
            out = torch.cat(outs, 1)
            # each level L2-normalised so the wide embedding does not drown the others
            parts = descriptor.split(list(PHOTO_WIDTHS), dim=1)
            photo = self.photo(torch.cat([F.normalize(q, dim=1) for q in parts], 1) * 10.0)
            return {"obj": out[..., 0], "ctr": out[..., 1], "ltrb": out[..., 2:6],
                    "cls": out[..., 6:] + photo[:, None, :num_classes], "photo": photo}

    return Head()


def merge_mirrored(out: dict[str, Any], mirrored: dict[str, Any], height: int, width: int
                   ) -> dict[str, Any]:
    """Test-time flip: the head's outputs on a photo and on its mirror image (both padded to
    ``height`` x ``width``), averaged location by location. The mirror's maps are turned back
    first (each level's columns reversed, left and right distances swapped), so both say
    where the same product is; the average is steadier than either (about +0.02 mAP)."""
    import torch

    back: dict[str, Any] = {}
    for key in ("obj", "ctr", "ltrb", "cls"):
        value, parts, start = mirrored[key], [], 0
        for stride in STRIDES:
            h, w = height // stride, width // stride
            level = value[:, start:start + h * w]
            level = level.reshape(level.shape[0], h, w, *level.shape[2:]).flip(2)
            parts.append(level.reshape(level.shape[0], h * w, *level.shape[3:]))
            start += h * w
        value = torch.cat(parts, 1)
        if key == "ltrb":
            value = value[..., [2, 1, 0, 3]]
        back[key] = (out[key] + value) / 2
    return {**out, **back}


def locations(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Centres ``(L, 2)`` (x, y) of every head location of a padded input of this size, in
    the order the head outputs them, and the level index of each."""
    points, levels = [], []
    for level, stride in enumerate(STRIDES):
        ys, xs = np.meshgrid(np.arange(height // stride), np.arange(width // stride),
                             indexing="ij")
        pts = np.stack([xs.ravel(), ys.ravel()], 1).astype(np.float32) * stride + stride / 2
        points.append(pts)
        levels.append(np.full(len(pts), level))
    return np.concatenate(points), np.concatenate(levels)


def assign(boxes: np.ndarray, points: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """FCOS targets: for each location the index of the box it learns (-1: background).

    A location is a positive of a box when it lies inside it, within
    :data:`CENTRE_RADIUS` strides of its centre, and the box's size suits the location's
    level; when several boxes claim it, the smallest wins."""
    owner = np.full(len(points), -1, dtype=np.int64)
    if len(boxes) == 0:
        return owner
    x, y = points[:, 0:1], points[:, 1:2]
    ltrb = np.stack([x - boxes[:, 0], y - boxes[:, 1], boxes[:, 2] - x, boxes[:, 3] - y], -1)
    inside = ltrb.min(-1) > 0
    stride = np.asarray(STRIDES, dtype=np.float32)[levels][:, None]
    cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    radius = stride * CENTRE_RADIUS
    near = (np.abs(x - cx) < radius) & (np.abs(y - cy) < radius)
    reach = ltrb.max(-1)
    lo = np.asarray([r[0] for r in RANGES], dtype=np.float32)[levels][:, None]
    hi = np.asarray([r[1] for r in RANGES], dtype=np.float32)[levels][:, None]
    ok = inside & near & (reach >= lo) & (reach <= hi)
    area = ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]))[None, :]
    area = np.where(ok, area, np.inf)
    best = area.argmin(1)
    has = np.isfinite(area.min(1))
    owner[has] = best[has]
    return owner


def decode(out: dict[str, Any], points: Any, classes: Sequence[str], scale: float,
           size: tuple[int, int], min_score: float = 0.05, nms_iou: float = 0.6,
           max_boxes: int = 100, top_classes: int = 3) -> list[list[Detection]]:
    """Head outputs -> detections in pixels of the original photos (``size`` = (w, h))."""
    import torch
    from torchvision.ops import nms

    results = []
    obj = torch.sigmoid(out["obj"].float())
    ctr = torch.sigmoid(out["ctr"].float())
    score = torch.sqrt(obj * ctr)
    probs = torch.softmax(out["cls"].float(), -1) if classes else None
    for n in range(score.shape[0]):
        keep = torch.nonzero(score[n] >= min_score).flatten()
        keep = keep[score[n, keep].argsort(descending=True)[:1000]]
        d = out["ltrb"][n, keep].float()
        p = points[keep]
        boxes = torch.stack([p[:, 0] - d[:, 0], p[:, 1] - d[:, 1],
                             p[:, 0] + d[:, 2], p[:, 1] + d[:, 3]], 1) / scale
        boxes[:, 0::2] = boxes[:, 0::2].clamp(0, size[0])
        boxes[:, 1::2] = boxes[:, 1::2].clamp(0, size[1])
        s = score[n, keep]
        valid = (boxes[:, 2] - boxes[:, 0] > 1) & (boxes[:, 3] - boxes[:, 1] > 1)
        boxes, s, keep = boxes[valid], s[valid], keep[valid]
        picked = nms(boxes, s, nms_iou)[:max_boxes]
        found = []
        for i in picked.tolist():
            labels: list[tuple[str, float]] = []
            if probs is not None:
                top = probs[n, keep[i]].topk(min(top_classes, len(classes)))
                labels = [(classes[j], float(v)) for v, j in
                          zip(top.values.tolist(), top.indices.tolist(), strict=True)]
            x0, y0, x1, y1 = (float(v) for v in boxes[i])
            found.append(Detection(x0, y0, x1, y1, float(s[i]), labels))
        results.append(found)
    return results


# ---------------------------------------------------------------------------------------
# A trained detector
# ---------------------------------------------------------------------------------------


@dataclass
class Detector:
    """A trained detector ready to label photos."""

    path: Path
    head: Any  # torch.nn.Module
    classes: list[str]
    size: int = DEFAULT_SIZE
    device: str = "cpu"

    def detect(self, images: Sequence[np.ndarray], min_score: float = 0.05
               ) -> list[list[Detection]]:
        """Detections of each uint8 RGB(A) photo, in its own pixels, best first."""
        import torch

        found: list[list[Detection]] = []
        for image in images:
            boxed, scale = letterbox(image, self.size)
            feats = features([boxed, boxed[:, ::-1].copy()], self.device)
            h, w = boxed.shape[:2]
            points = torch.from_numpy(locations(h, w)[0]).to(self.device)
            with torch.no_grad():
                out, mirrored = (self.head([f[None].to(self.device) for f in one])
                                 for one in feats)
            out = merge_mirrored(out, mirrored, h, w)
            size = (image.shape[1], image.shape[0])
            found.extend(decode(out, points, self.classes, scale, size, min_score))
        return found


def load_detector(path: Path | str, device: str = "cpu") -> Detector:
    """A detector from a model file trained by this plugin (``ModelError`` if it is not one).
    Loaded detectors are cached per file content."""
    from editor.training.store import verify_model

    card = verify_model(path, PLUGIN_ID)
    return _load(str(Path(path).resolve()), card.sha256, device)


@functools.lru_cache(maxsize=4)
def _load(path: str, sha256: str, device: str) -> Detector:
    from editor.training.store import ModelError, load_model

    state, card = load_model(path, PLUGIN_ID)
    classes = list(card.config.get("classes", []))
    head = build_head(len(classes))
    try:
        head.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    except RuntimeError as exc:
        raise ModelError(path, f"the weights do not fit this detector ({exc})") from None
    size = int(card.config.get("size", DEFAULT_SIZE))
    return Detector(Path(path), head.to(device).eval(), classes, size, device)
