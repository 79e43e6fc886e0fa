"""The one metrics module of Lightbox: image quality, mask quality, detection and
classification scores. Plugins, training loops, tests and ``make bench`` all call these
functions; none re-implements them.

Pure numpy (no Qt, no torch), so it can run anywhere, including inside a training loop that
has moved its tensors to numpy. Each function states its convention (value range, how it
binarises, what it returns for empty input) because published numbers differ by exactly
these details.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from editor.model.layers import Box

BoxLike = Box | tuple[float, float, float, float] | Sequence[float]

#: ITU-R BT.601 luma for 0..255 RGB, as MATLAB's ``rgb2ycbcr`` and the SR literature use it
_Y_WEIGHTS = np.array([65.481, 128.553, 24.966]) / 255.0
_Y_OFFSET = 16.0

# ---------------------------------------------------------------------------------------
# Image quality
# ---------------------------------------------------------------------------------------


def _pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError("empty arrays have no quality score")
    return a, b


def psnr(a: np.ndarray, b: np.ndarray, peak: float = 255.0) -> float:
    """Peak signal-to-noise ratio in dB over every element of two same-shaped arrays.

    ``peak`` is the largest possible value: 255 for uint8 images, 1.0 for float images in
    0..1. Computed in float64, so uint8 inputs do not wrap. For RGB photos this is "RGB PSNR"
    (the mean squared error over all three channels, as denoising papers report it); pass
    ``rgba[..., :3]`` to leave alpha out. Returns ``inf`` when the arrays are identical.
    """
    x, y = _pair(a, b)
    mse = float(np.mean((x - y) ** 2))
    if mse == 0.0:
        return float("inf")
    return float(10.0 * np.log10(peak * peak / mse))


def rgb_to_y(rgb: np.ndarray) -> np.ndarray:
    """The BT.601 luma plane ``Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255`` in float64.

    ``rgb`` is ``(H, W, 3)`` or ``(H, W, 4)`` (alpha ignored) on the 0..255 scale; the result
    lies in 16..235 and is not rounded (the convention of most Python SR code; MATLAB rounds
    to uint8, which moves PSNR by a few hundredths of a dB).
    """
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] not in (3, 4):
        raise ValueError(f"expected an (H, W, 3) or (H, W, 4) RGB image, got {rgb.shape}")
    return _Y_OFFSET + rgb[..., :3].astype(np.float64) @ _Y_WEIGHTS


def _crop(image: np.ndarray, border: int) -> np.ndarray:
    if border < 0:
        raise ValueError("border must be >= 0")
    if border == 0:
        return image
    if min(image.shape[:2]) <= 2 * border:
        raise ValueError(f"a border of {border} leaves nothing of a {image.shape[:2]} image")
    return image[border:-border, border:-border]


def psnr_y(a: np.ndarray, b: np.ndarray, border: int = 0) -> float:
    """PSNR in dB on the BT.601 Y channel (see :func:`rgb_to_y`), peak 255, after cropping
    ``border`` pixels from every side of both images.

    This is the super-resolution protocol of Set5/Set14 tables: pass ``border=scale``. Inputs
    are RGB(A) on the 0..255 scale (uint8 or float). ``inf`` when the Y planes are identical.
    """
    return psnr(_crop(rgb_to_y(a), border), _crop(rgb_to_y(b), border), peak=255.0)


def _gaussian_window(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    w = np.exp(-(x * x) / (2.0 * sigma * sigma))
    return w / w.sum()


def _filter_valid(image: np.ndarray, window: np.ndarray) -> np.ndarray:
    """Separable correlation with ``window`` along both axes, keeping only the positions
    where the window lies wholly inside the image (MATLAB ``filter2(..., 'valid')``)."""
    n = len(window)
    h, w = image.shape
    rows = sum(window[k] * image[k : h - n + 1 + k, :] for k in range(n))
    return sum(window[k] * rows[:, k : w - n + 1 + k] for k in range(n))


def ssim(a: np.ndarray, b: np.ndarray, peak: float = 255.0) -> float:
    """Structural similarity of two greyscale images (Wang, Bovik, Sheikh & Simoncelli 2004).

    Convention of the paper's reference code: an 11x11 Gaussian window with sigma 1.5,
    ``K1 = 0.01``, ``K2 = 0.03``, ``C1 = (K1 peak)^2``, ``C2 = (K2 peak)^2``, population
    (biased) local variances, the map computed only where the window fits inside the image
    ("valid"), and its mean returned. No automatic downsampling.

    ``a`` and ``b`` must be 2-D. For colour images the caller chooses the channel: the SR
    protocol uses the Y plane (``ssim(rgb_to_y(x), rgb_to_y(y))`` after cropping the border);
    a per-channel mean is another common choice. Both sides must be at least 11x11.
    """
    x, y = _pair(a, b)
    if x.ndim != 2:
        raise ValueError(f"ssim takes 2-D greyscale images, got shape {x.shape}")
    window = _gaussian_window()
    if min(x.shape) < len(window):
        raise ValueError(f"ssim needs images of at least 11x11 pixels, got {x.shape}")
    c1 = (0.01 * peak) ** 2
    c2 = (0.03 * peak) ** 2
    mu_x = _filter_valid(x, window)
    mu_y = _filter_valid(y, window)
    var_x = _filter_valid(x * x, window) - mu_x * mu_x
    var_y = _filter_valid(y * y, window) - mu_y * mu_y
    cov = _filter_valid(x * y, window) - mu_x * mu_y
    numerator = (2.0 * mu_x * mu_y + c1) * (2.0 * cov + c2)
    denominator = (mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2)
    return float(np.mean(numerator / denominator))


def ssim_y(a: np.ndarray, b: np.ndarray, border: int = 0) -> float:
    """SSIM on the BT.601 Y plane after cropping ``border`` pixels: the SR protocol's SSIM."""
    return ssim(_crop(rgb_to_y(a), border), _crop(rgb_to_y(b), border), peak=255.0)


# ---------------------------------------------------------------------------------------
# Masks (cutouts, salient objects)
# ---------------------------------------------------------------------------------------


def _unit_mask(mask: np.ndarray) -> np.ndarray:
    """A mask as float64 in 0..1: bool -> 0/1, integer types divided by 255, float kept."""
    m = np.asarray(mask)
    if m.dtype == bool:
        return m.astype(np.float64)
    if np.issubdtype(m.dtype, np.integer):
        return m.astype(np.float64) / 255.0
    m = m.astype(np.float64)
    if m.size and (m.min() < 0.0 or m.max() > 1.0):
        raise ValueError("a float mask must lie in 0..1 (pass uint8 for the 0..255 scale)")
    return m


def _mask_pair(pred: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p, t = _unit_mask(pred), _unit_mask(target)
    if p.shape != t.shape:
        raise ValueError(f"mask shapes differ: {p.shape} and {t.shape}")
    if p.size == 0:
        raise ValueError("empty masks have no score")
    return p, t


def mae(pred: np.ndarray, target: np.ndarray) -> float:
    """Mean absolute error between two masks, on the 0..1 scale.

    Normalisation, per argument: ``bool`` is 0/1, integer arrays (uint8 masks) are divided
    by 255, float arrays must already be in 0..1. So a uint8 prediction and a float target
    compare fairly, and the result is the SOD benchmarks' MAE (0 perfect, 1 inverted).
    """
    p, t = _mask_pair(pred, target)
    return float(np.mean(np.abs(p - t)))


def iou(pred_mask: np.ndarray, target_mask: np.ndarray, threshold: float = 0.5) -> float:
    """Intersection over union of two masks, each binarised as ``value >= threshold`` after
    the normalisation of :func:`mae`. Two empty masks agree perfectly: 1.0."""
    p, t = _mask_pair(pred_mask, target_mask)
    pb, tb = p >= threshold, t >= threshold
    union = int(np.count_nonzero(pb | tb))
    if union == 0:
        return 1.0
    return int(np.count_nonzero(pb & tb)) / union


def _f_beta(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, beta2: float) -> np.ndarray:
    """F-beta from counts; 0 where nothing is found, 1 where target and prediction are empty."""
    tp, fp, fn = (np.asarray(v, dtype=np.float64) for v in (tp, fp, fn))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        denominator = beta2 * precision + recall
        f = np.where(denominator > 0, (1 + beta2) * precision * recall / denominator, 0.0)
    return np.where((tp + fp + fn) == 0, 1.0, f)


def f_measure(
    pred: np.ndarray, target: np.ndarray, beta2: float = 0.3, *, threshold: float = 0.5
) -> float:
    """F-beta of a mask: ``(1 + b2) P R / (b2 P + R)`` with ``b2 = beta2`` (0.3 weighs
    precision more, the salient-object convention).

    The prediction is binarised as ``pred >= threshold`` and the target at 0.5, after the
    normalisation of :func:`mae`. Returns 0 when no true positive is found, and 1.0 when both
    the target and the binarised prediction are empty.
    """
    p, t = _mask_pair(pred, target)
    pb, tb = p >= threshold, t >= 0.5
    tp = np.count_nonzero(pb & tb)
    fp = np.count_nonzero(pb & ~tb)
    fn = np.count_nonzero(~pb & tb)
    return float(_f_beta(tp, fp, fn, beta2))


def max_f_measure(pred: np.ndarray, target: np.ndarray, beta2: float = 0.3) -> float:
    """The best :func:`f_measure` over 256 thresholds (the SOD benchmarks' "max F").

    The prediction is quantised to 256 levels (``round(255 p)`` of its 0..1 value) and each
    level ``t`` in 0..255 is tried as the threshold ``level >= t``; the target is binarised at
    0.5. Edge cases follow :func:`f_measure`.
    """
    p, t = _mask_pair(pred, target)
    levels = np.rint(p * 255.0).astype(np.int64).ravel()
    fg = t.ravel() >= 0.5
    # count[t] = pixels whose level is >= t, by cumulative sums from the top level down
    fg_at = np.bincount(levels[fg], minlength=256)
    bg_at = np.bincount(levels[~fg], minlength=256)
    tp = np.cumsum(fg_at[::-1])[::-1]
    fp = np.cumsum(bg_at[::-1])[::-1]
    fn = int(fg.sum()) - tp
    return float(np.max(_f_beta(tp, fp, fn, beta2)))


# ---------------------------------------------------------------------------------------
# Boxes (auto-labelling)
# ---------------------------------------------------------------------------------------


def _coords(box: BoxLike) -> tuple[float, float, float, float]:
    if isinstance(box, Box):
        return box.x0, box.y0, box.x1, box.y1
    x0, y0, x1, y1 = (float(v) for v in box)
    return x0, y0, x1, y1


def box_iou(a: BoxLike, b: BoxLike) -> float:
    """Intersection over union of two boxes, ``Box`` or ``(x0, y0, x1, y1)``.

    Coordinates are continuous with ``x1``/``y1`` exclusive (as in :class:`Box`), so a box's
    area is ``(x1 - x0) * (y1 - y0)`` with no "+1". Zero when the union is empty.
    """
    ax0, ay0, ax1, ay1 = _coords(a)
    bx0, by0, bx1, by1 = _coords(b)
    iw = max(0.0, min(ax1, bx1) - max(ax0, bx0))
    ih = max(0.0, min(ay1, by1) - max(ay0, by0))
    inter = iw * ih
    union = max(0.0, ax1 - ax0) * max(0.0, ay1 - ay0) + max(0.0, bx1 - bx0) * max(
        0.0, by1 - by0
    ) - inter
    return inter / union if union > 0 else 0.0


def average_precision(
    predictions: Sequence[tuple[Any, Box]],
    ground_truth: Mapping[Any, Sequence[BoxLike]],
    iou_threshold: float = 0.5,
) -> float:
    """Average precision of one class, PASCAL VOC style (all-point interpolation).

    ``predictions`` are ``(image_id, Box)`` pairs, the box's ``score`` giving the order;
    ``ground_truth`` maps each image id to its true boxes (labels are not looked at here).
    Predictions are taken highest score first (ties keep input order); each is matched to the
    true box of its image with the highest IoU, and is a true positive if that IoU is
    ``>= iou_threshold`` and the box was not matched before; otherwise it is a false positive
    (duplicates included). AP is the area under the precision-recall curve after making
    precision monotonically decreasing. Returns NaN when there is no true box at all.
    """
    n_true = sum(len(boxes) for boxes in ground_truth.values())
    if n_true == 0:
        return float("nan")
    order = sorted(range(len(predictions)), key=lambda i: -predictions[i][1].score)
    taken = {image_id: [False] * len(boxes) for image_id, boxes in ground_truth.items()}
    hits = np.zeros(len(order), dtype=bool)
    for rank, i in enumerate(order):
        image_id, box = predictions[i]
        truths = ground_truth.get(image_id, ())
        if not truths:
            continue
        overlaps = [box_iou(box, truth) for truth in truths]
        best = int(np.argmax(overlaps))
        if overlaps[best] >= iou_threshold and not taken[image_id][best]:
            taken[image_id][best] = True
            hits[rank] = True
    tp = np.cumsum(hits)
    fp = np.cumsum(~hits)
    recall = np.concatenate([[0.0], tp / n_true, [1.0]])
    precision = np.concatenate([[0.0], tp / np.maximum(tp + fp, 1), [0.0]])
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    steps = np.flatnonzero(recall[1:] != recall[:-1])
    return float(np.sum((recall[steps + 1] - recall[steps]) * precision[steps + 1]))


def mean_average_precision(
    predictions: Sequence[tuple[Any, Box]],
    ground_truth: Mapping[Any, Sequence[Box]],
    iou_threshold: float = 0.5,
    class_agnostic: bool = False,
) -> dict[str, float]:
    """Per-class :func:`average_precision` and their mean under the key ``"mAP"``.

    Classes are the ``label`` of each :class:`Box`. A class with no true box anywhere is
    skipped (its predictions only count against no one); ``"mAP"`` is NaN if no class has a
    true box. With ``class_agnostic=True`` labels are ignored and the single class is keyed
    ``"all"`` (mAP equals its AP): this measures localisation alone.
    """
    if class_agnostic:
        ap = average_precision(predictions, ground_truth, iou_threshold)
        return {"mAP": ap} if np.isnan(ap) else {"all": ap, "mAP": ap}
    labels = sorted({b.label for boxes in ground_truth.values() for b in boxes})
    result: dict[str, float] = {}
    for label in labels:
        preds = [(i, b) for i, b in predictions if b.label == label]
        truths = {i: [b for b in boxes if b.label == label] for i, boxes in ground_truth.items()}
        result[label] = average_precision(preds, truths, iou_threshold)
    result["mAP"] = float(np.mean(list(result.values()))) if result else float("nan")
    return result


# ---------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------


def top_k_accuracy(scores: np.ndarray, labels: np.ndarray, k: int = 1) -> float:
    """Fraction of samples whose true class is among the ``k`` highest scores.

    ``scores`` is ``(N, C)`` (logits or probabilities; only the order matters), ``labels``
    is ``(N,)`` of class indices. A sample counts as correct when fewer than ``k`` classes
    score strictly higher than its true class, so ties are resolved in its favour.
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if s.ndim != 2 or y.shape != (s.shape[0],):
        raise ValueError(f"expected scores (N, C) and labels (N,), got {s.shape}, {y.shape}")
    if s.shape[0] == 0:
        raise ValueError("no samples to score")
    if k < 1:
        raise ValueError("k must be at least 1")
    if y.min() < 0 or y.max() >= s.shape[1]:
        raise ValueError(f"labels must lie in 0..{s.shape[1] - 1}")
    true_scores = s[np.arange(len(y)), y]
    higher = np.sum(s > true_scores[:, None], axis=1)
    return float(np.mean(higher < k))
