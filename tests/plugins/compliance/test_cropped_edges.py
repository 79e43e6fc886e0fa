"""A product cut at the frame edge is flagged however it meets the edge, and a compliant
shot is not: light products, cables and corners (AMZ-M4: mask within 2 px of an edge)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from plugins.compliance.checks import check
from plugins.compliance.facts import facts_for_pixels
from plugins.compliance.profiles import load_profile

S = 800


def rules(rgb: np.ndarray) -> set[str]:
    pixels = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    profile = load_profile("amazon-main")
    return {v.rule for v in check(pixels, facts_for_pixels(pixels), profile)}


def studio() -> np.ndarray:
    return np.full((S, S, 3), 255, np.uint8)


@pytest.mark.parametrize("colour", [(220, 220, 220), (245, 240, 235), (40, 60, 150)])
def test_a_light_product_cut_at_the_top_is_flagged(colour) -> None:
    # a light grey carton was flooded from its own cut edge: "no product", never "cropped"
    cut = studio()
    cv2.rectangle(cut, (200, 0), (600, 720), colour, -1)
    assert "product_cropped" in rules(cut)
    whole = studio()
    cv2.rectangle(whole, (200, 40), (600, 760), colour, -1)
    assert not {"product_cropped", "fill_ratio"} & rules(whole)


def test_a_cable_running_off_the_edge_is_a_cut() -> None:
    img = studio()
    cv2.rectangle(img, (240, 48), (560, 760), (40, 60, 150), -1)
    cv2.line(img, (0, 400), (240, 400), (30, 30, 30), 2)  # 0.3 % of the edge
    assert "product_cropped" in rules(img)
