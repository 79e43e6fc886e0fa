"""Edge refinement: an unsure edge on a busy backdrop comes out crisp; a truly soft edge on
a calm backdrop keeps its measured softness."""

from __future__ import annotations

import cv2
import numpy as np

from plugins.segment.edges import refine_alpha

SIZE = 200


def disc(soft: float = 0.0) -> np.ndarray:
    """A disc's alpha (0..1), its edge blurred by ``soft`` pixels (0: anti-aliased only)."""
    big = np.zeros((SIZE * 4, SIZE * 4), np.float32)
    cv2.circle(big, (SIZE * 2, SIZE * 2), SIZE, 1.0, -1)
    alpha = cv2.resize(big, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(alpha, (0, 0), soft) if soft else alpha


def unsure(alpha: np.ndarray) -> np.ndarray:
    """What an unsure network gives: the right shape, with a ramp 20-odd pixels wide."""
    return cv2.GaussianBlur((alpha > 0.5).astype(np.float32), (0, 0), 5.0)


def soft_width(alpha: np.ndarray) -> float:
    """Mean width in pixels of the partly transparent band around the disc."""
    return float(((alpha > 5) & (alpha < 250)).sum()) / (np.pi * SIZE)


def test_an_unsure_edge_on_a_busy_backdrop_is_crisp_not_a_halo():
    rng = np.random.default_rng(0)
    # product and backdrop are the same kind of colourful clutter: colour cannot tell them
    # apart, so the alpha must not pretend to know a soft edge there
    clutter = lambda: cv2.resize(rng.integers(0, 256, (SIZE // 4, SIZE // 4, 3), np.uint8),  # noqa: E731
                                 (SIZE, SIZE), interpolation=cv2.INTER_NEAREST)
    truth = disc()
    a = truth[..., None]
    photo = np.clip(clutter() * a + clutter() * (1 - a) + 0.5, 0, 255).astype(np.uint8)
    alpha = refine_alpha(photo, unsure(truth))
    assert soft_width(alpha) < 4.5  # the unsure ramp alone is 10 pixels wide
    assert np.abs(alpha / 255.0 - truth).mean() < 0.03


def test_a_soft_edge_on_a_calm_backdrop_keeps_its_measured_softness():
    truth = disc(soft=4.0)  # a defocused edge, about 16 pixels wide
    a = truth[..., None]
    photo = np.clip(np.array([200, 60, 40]) * a + np.array([235, 235, 235]) * (1 - a) + 0.5,
                    0, 255).astype(np.uint8)
    alpha = refine_alpha(photo, unsure(truth))
    assert soft_width(alpha) > 0.6 * soft_width((truth * 255).astype(np.uint8))
    assert np.abs(alpha / 255.0 - truth).mean() < 0.008  # steepened, it reads 0.013
