"""The metrics module against values worked out by hand in this file, not re-derived with the
same code: a wrong convention here would silently shift every number ``make bench`` prints."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from editor.model.layers import Box
from editor.training.metrics import (
    average_precision,
    box_iou,
    f_measure,
    iou,
    mae,
    max_f_measure,
    mean_average_precision,
    psnr,
    psnr_y,
    rgb_to_y,
    ssim,
    ssim_y,
    top_k_accuracy,
)

# --- PSNR ---------------------------------------------------------------------------------


def test_psnr_of_images_one_level_apart_is_48_13_db() -> None:
    # MSE = 1, so PSNR = 10 log10(255^2 / 1) = 20 log10(255) = 48.1308 dB
    a = np.full((8, 8, 3), 100, np.uint8)
    b = a + 1
    assert psnr(a, b) == pytest.approx(48.1308, abs=1e-4)
    assert psnr(b, a) == pytest.approx(48.1308, abs=1e-4)  # uint8 must not wrap around


def test_psnr_identical_is_inf_and_peak_scales() -> None:
    a = np.zeros((4, 4))
    assert psnr(a, a) == math.inf
    # float images in 0..1 that differ by 0.1 everywhere: 10 log10(1 / 0.01) = 20 dB
    assert psnr(a, a + 0.1, peak=1.0) == pytest.approx(20.0)


def test_psnr_refuses_different_shapes() -> None:
    with pytest.raises(ValueError):
        psnr(np.zeros((4, 4)), np.zeros((4, 5)))


def test_y_channel_of_black_white_and_pure_colours() -> None:
    rgb = np.array([[[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0]]], np.uint8)
    # 16 + 0; 16 + (65.481 + 128.553 + 24.966) = 235; 16 + 65.481; 16 + 128.553
    assert rgb_to_y(rgb)[0] == pytest.approx([16.0, 235.0, 81.481, 144.553])


def test_psnr_y_when_red_differs_by_one() -> None:
    # Y moves by 65.481 / 255 = 0.256788, so PSNR = 20 log10(255 / 0.256788) = 59.939 dB
    a = np.full((10, 10, 3), 120, np.uint8)
    b = a.copy()
    b[..., 0] += 1
    assert psnr_y(a, b) == pytest.approx(59.939, abs=1e-3)


def test_psnr_y_ignores_differences_inside_the_cropped_border() -> None:
    a = np.full((12, 12, 4), 80, np.uint8)
    b = a.copy()
    b[:2] = 0
    b[:, -2:] = 0
    b[..., 3] = 0  # alpha is not part of Y
    assert psnr_y(a, b, border=2) == math.inf
    assert psnr_y(a, b, border=1) < 20


# --- SSIM ---------------------------------------------------------------------------------


def test_ssim_of_an_image_with_itself_is_one() -> None:
    image = np.random.default_rng(1).integers(0, 256, (40, 50)).astype(np.uint8)
    assert ssim(image, image) == pytest.approx(1.0)


def test_ssim_of_two_constant_images_matches_the_luminance_formula() -> None:
    # Constant images have zero variance and covariance, so every window gives
    # (2 mu1 mu2 + C1) / (mu1^2 + mu2^2 + C1) with C1 = (0.01 * 255)^2 = 6.5025:
    # (22000 + 6.5025) / (10000 + 12100 + 6.5025) = 22006.5025 / 22106.5025 = 0.995476
    a = np.full((20, 20), 100.0)
    b = np.full((20, 20), 110.0)
    assert ssim(a, b) == pytest.approx(0.995476, abs=1e-6)


def test_ssim_agrees_with_an_opencv_gaussian_implementation() -> None:
    # Independent cross-check of the window and the "valid" crop (no scikit-image here):
    # OpenCV's filter with an 11-tap sigma-1.5 Gaussian, cropped by 5 pixels on each side.
    rng = np.random.default_rng(7)
    x = rng.integers(0, 256, (48, 64)).astype(np.float64)
    y = np.clip(x + rng.normal(0, 20, x.shape), 0, 255)
    g = cv2.getGaussianKernel(11, 1.5)
    window = g @ g.T

    def blur(image: np.ndarray) -> np.ndarray:
        return cv2.filter2D(image, -1, window)[5:-5, 5:-5]

    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx**2, blur(y * y) - my**2, blur(x * y) - mx * my
    expected = np.mean((2 * mx * my + c1) * (2 * cxy + c2)
                       / ((mx**2 + my**2 + c1) * (vx + vy + c2)))
    assert ssim(x, y) == pytest.approx(expected, abs=1e-9)
    assert 0.0 < ssim(x, y) < 1.0


def test_ssim_takes_greyscale_and_ssim_y_takes_rgb() -> None:
    rgb = np.random.default_rng(2).integers(0, 256, (16, 16, 3)).astype(np.uint8)
    with pytest.raises(ValueError):
        ssim(rgb, rgb)
    with pytest.raises(ValueError):
        ssim(np.zeros((8, 8)), np.zeros((8, 8)))  # smaller than the 11x11 window
    assert ssim_y(rgb, rgb) == pytest.approx(1.0)


# --- masks --------------------------------------------------------------------------------


def test_mae_normalises_uint8_and_float_masks_alike() -> None:
    pred = np.array([[255, 0], [128, 255]], np.uint8)
    target = np.array([[1.0, 0.0], [1.0, 0.0]])
    # |1 - 1| + |0 - 0| + |128/255 - 1| + |1 - 0| = 0 + 0 + 0.498039 + 1, over 4 = 0.374510
    assert mae(pred, target) == pytest.approx(0.374510, abs=1e-6)
    with pytest.raises(ValueError):
        mae(np.full((2, 2), 200.0), target)  # a float mask on the 0..255 scale is ambiguous


def test_iou_of_two_overlapping_rectangles() -> None:
    a = np.zeros((10, 10), bool)
    b = np.zeros((10, 10), bool)
    a[0:4, 0:4] = True  # 16 pixels
    b[2:6, 2:8] = True  # 24 pixels, overlapping a in rows 2-3, columns 2-3: 4 pixels
    # 4 / (16 + 24 - 4) = 4 / 36
    assert iou(a, b) == pytest.approx(1 / 9)
    assert iou(a.astype(np.uint8) * 255, b.astype(np.float64)) == pytest.approx(1 / 9)


def test_iou_of_two_empty_masks_is_one() -> None:
    empty = np.zeros((5, 5), np.uint8)
    assert iou(empty, empty) == 1.0
    full = np.full((5, 5), 255, np.uint8)
    assert iou(empty, full) == 0.0


def test_f_measure_on_four_pixels() -> None:
    pred = np.array([[0.9, 0.2], [0.6, 0.1]])
    target = np.array([[1, 1], [0, 0]], np.uint8) * 255
    # At 0.5 the prediction keeps 0.9 (true) and 0.6 (false): TP 1, FP 1, FN 1,
    # P = R = 1/2, F = 1.3 * 0.25 / (0.3 * 0.5 + 0.5) = 0.325 / 0.65 = 0.5
    assert f_measure(pred, target) == pytest.approx(0.5)
    # Over all thresholds (four distinct levels):
    #   keep all 4:       P 2/4, R 1   -> 1.3 * 0.5 / (0.15 + 1)      = 0.565217
    #   keep 0.9,0.6,0.2: P 2/3, R 1   -> 1.3 * 2/3 / (0.2 + 1)       = 0.722222
    #   keep 0.9,0.6:     P 1/2, R 1/2 -> 0.5
    #   keep 0.9:         P 1,   R 1/2 -> 1.3 * 0.5 / (0.3 + 0.5)     = 0.8125
    #   keep nothing:     F 0
    assert max_f_measure(pred, target) == pytest.approx(0.8125)
    assert f_measure(pred, target, threshold=0.15) == pytest.approx(13 / 18)


def test_f_measure_with_perfect_precision() -> None:
    pred = np.array([0.9, 0.7, 0.2, 0.1])
    target = np.array([1.0, 1.0, 1.0, 0.0])
    # TP 2, FP 0, FN 1: P 1, R 2/3, F = 1.3 * 2/3 / (0.3 + 2/3) = 2.6 / 2.9 = 26/29
    assert f_measure(pred, target) == pytest.approx(26 / 29)


def test_max_f_measure_is_the_best_single_threshold() -> None:
    rng = np.random.default_rng(3)
    target = rng.random((20, 20)) > 0.6
    pred = np.clip(target * 0.5 + rng.random((20, 20)) * 0.6, 0, 1)
    pred = np.rint(pred * 255) / 255  # on the 256 levels so the two thresholds agree
    best = max(f_measure(pred, target, threshold=t / 255) for t in range(256))
    assert max_f_measure(pred, target) == pytest.approx(best)


# --- boxes --------------------------------------------------------------------------------


def test_box_iou_of_overlapping_disjoint_and_identical_boxes() -> None:
    # (0,0)-(4,4) and (2,2)-(6,6): intersection 2 x 2 = 4, union 16 + 16 - 4 = 28
    assert box_iou((0, 0, 4, 4), (2, 2, 6, 6)) == pytest.approx(4 / 28)
    assert box_iou(Box(0, 0, 4, 4), Box(4, 0, 8, 4)) == 0.0  # touching edges share nothing
    assert box_iou(Box(1, 2, 3, 5, label="x"), (1, 2, 3, 5)) == 1.0


def _ap_example() -> tuple[list[tuple[str, Box]], dict[str, list[Box]]]:
    truth = {
        "a": [Box(0, 0, 10, 10), Box(20, 20, 30, 30)],
        "b": [Box(0, 0, 10, 10)],
    }
    predictions = [
        ("b", Box(0, 0, 10, 12, score=0.6)),
        ("a", Box(0, 0, 10, 10, score=0.9)),
        ("a", Box(1, 0, 11, 10, score=0.7)),
        ("b", Box(50, 50, 60, 60, score=0.8)),
    ]
    return predictions, truth


def test_average_precision_worked_by_hand() -> None:
    # By score: 0.9 a matches a[0] (IoU 1)                       -> TP
    #           0.8 b overlaps nothing                            -> FP
    #           0.7 a: best is a[0] (IoU 90/110), already matched -> FP (duplicate)
    #           0.6 b: b[0] with IoU 100/120 = 0.83               -> TP
    # cumulative TP 1,1,1,2  FP 0,1,2,2 of 3 true boxes:
    #   precision 1, 1/2, 1/3, 1/2    recall 1/3, 1/3, 1/3, 2/3
    # monotone precision envelope 1, 1/2, 1/2, 1/2
    # AP = (1/3 - 0) * 1 + (2/3 - 1/3) * 1/2 = 1/3 + 1/6 = 0.5 (a[1] is never found)
    predictions, truth = _ap_example()
    assert average_precision(predictions, truth) == pytest.approx(0.5)
    # at IoU 0.85 the 0.6 box (IoU 0.83) no longer counts: AP = 1/3 * 1 = 1/3
    assert average_precision(predictions, truth, iou_threshold=0.85) == pytest.approx(1 / 3)


def test_average_precision_edge_cases() -> None:
    truth = {"a": [Box(0, 0, 10, 10)]}
    assert average_precision([], truth) == 0.0
    assert average_precision([("a", Box(0, 0, 10, 10))], truth) == 1.0
    assert average_precision([("z", Box(0, 0, 10, 10))], truth) == 0.0  # unknown image
    assert math.isnan(average_precision([("a", Box(0, 0, 1, 1))], {}))


def test_mean_average_precision_per_class_and_agnostic() -> None:
    truth = {
        "a": [Box(0, 0, 10, 10, label="milk"), Box(20, 0, 30, 10, label="juice")],
    }
    predictions = [
        ("a", Box(0, 0, 10, 10, label="milk", score=0.9)),  # milk found: AP 1
        ("a", Box(20, 0, 30, 10, label="milk", score=0.8)),  # juice called milk
        ("a", Box(40, 0, 50, 10, label="soap", score=0.7)),  # class with no truth: skipped
    ]
    # milk: TP then FP -> precision 1, 1/2 at recall 1, 1 -> AP 1; juice: never found -> 0
    result = mean_average_precision(predictions, truth)
    assert result == pytest.approx({"juice": 0.0, "milk": 1.0, "mAP": 0.5})
    # ignoring labels both true boxes are found before the stray: AP 1
    agnostic = mean_average_precision(predictions, truth, class_agnostic=True)
    assert agnostic == pytest.approx({"all": 1.0, "mAP": 1.0})


# --- classification -----------------------------------------------------------------------


def test_top_k_accuracy_on_a_three_by_four_table() -> None:
    scores = np.array([
        [0.1, 0.5, 0.3, 0.1],  # label 1: highest                   -> rank 1
        [0.6, 0.1, 0.2, 0.1],  # label 2: only 0.6 is higher          -> rank 2
        [0.2, 0.3, 0.4, 0.1],  # label 0: 0.3 and 0.4 are higher      -> rank 3
    ])
    labels = np.array([1, 2, 0])
    assert top_k_accuracy(scores, labels, k=1) == pytest.approx(1 / 3)
    assert top_k_accuracy(scores, labels, k=2) == pytest.approx(2 / 3)
    assert top_k_accuracy(scores, labels, k=3) == 1.0
    assert top_k_accuracy(scores, labels, k=4) == 1.0


def test_top_k_accuracy_counts_ties_in_the_samples_favour() -> None:
    assert top_k_accuracy(np.array([[0.5, 0.5]]), np.array([1]), k=1) == 1.0
    with pytest.raises(ValueError):
        top_k_accuracy(np.zeros((2, 3)), np.array([0, 3]))
