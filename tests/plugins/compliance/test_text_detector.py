"""The bundled text detector finds text drawn on a photo and stays quiet on plain pixels."""

from __future__ import annotations

import cv2
import numpy as np

from editor.samples import render_sample
from plugins.compliance.text import detect_text, model_path


def _overlap(box: tuple[int, int, int, int], other: tuple[int, int, int, int]) -> int:
    w = min(box[2], other[2]) - max(box[0], other[0])
    h = min(box[3], other[3]) - max(box[1], other[1])
    return max(0, w) * max(0, h)


def test_the_model_ships_with_rapidocr() -> None:
    assert model_path().name == "ch_PP-OCRv4_det_infer.onnx"


def test_finds_rendered_text() -> None:
    image = np.full((400, 600, 3), 255, np.uint8)
    cv2.putText(image, "SALE -50%", (40, 120), cv2.FONT_HERSHEY_DUPLEX, 2.0, (200, 20, 20), 4)
    cv2.putText(image, "free shipping", (60, 300), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
    boxes = detect_text(image)
    assert len(boxes) >= 2
    assert any(_overlap(b.box, (40, 70, 400, 130)) > 0 for b in boxes)
    assert any(_overlap(b.box, (60, 270, 330, 310)) > 0 for b in boxes)
    assert all(b.score >= 0.6 for b in boxes)


def test_quiet_on_plain_pixels_and_on_the_background_of_a_product_shot() -> None:
    plain = np.full((300, 300, 3), 255, np.uint8)
    cv2.ellipse(plain, (150, 150), (80, 110), 0, 0, 360, (40, 90, 160), -1)
    assert detect_text(plain) == []
    sample = render_sample("bottle", (640, 640), background="white", scale=0.85)
    x0, y0, x1, y1 = sample.box
    for box in detect_text(sample.image):  # only the label printed on the product
        assert box.x0 >= x0 - 4 and box.x1 <= x1 + 4 and box.y0 >= y0 - 4 and box.y1 <= y1 + 4


def test_tiny_images_give_no_boxes() -> None:
    assert detect_text(np.zeros((5, 5, 3), np.uint8)) == []
