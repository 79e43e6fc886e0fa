"""A carton's own print is not a watermark or added text: real GroceryStore product shots
on white whose stacked words were once reported as "a faint, see-through watermark", as
shot and enlarged x4 (the enlargement is where the backdrop estimate ran into the white
face of a carton, so its words counted as added text)."""

from __future__ import annotations

import cv2
import pytest

from editor.model.imageio import decode_image, load_image
from plugins.compliance import synth
from plugins.compliance.checks import check
from plugins.compliance.facts import FileFacts, facts_from_bytes
from plugins.compliance.profiles import load_profile

FACTS = FileFacts("jpeg", 300_000)
ONCE_FLAGGED = [("Milk__Garant-Ecological-Medium-Fat-Milk.jpg", 1),
                ("Yoghurt__Arla-Natural-Mild-Low-Fat-Yoghurt.jpg", 1),
                ("Sour-Milk__Arla-Sour-Milk.jpg", 4),
                ("Milk__Arla-Medium-Fat-Milk.jpg", 4)]


@pytest.fixture(scope="module")
def text_rules():
    profile = load_profile("amazon-main")
    return type(profile)(profile.name, profile.title,
                         {k: profile.rules[k] for k in ("watermark", "text_overlay")})


@pytest.mark.parametrize(("name", "scale"), ONCE_FLAGGED)
def test_printed_words_on_a_carton_are_the_products(shared_data, text_rules, name, scale):
    pixels = load_image(shared_data / "products-on-white" / name).pixels
    if scale > 1:
        pixels = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_LANCZOS4)
    assert not check(pixels, FACTS, text_rules)


def test_a_tiled_watermark_over_the_product_is_still_found(text_rules):
    # three lines of the same words, mostly over a mug that fills the frame
    case = synth.make_case(("watermark",), 640, 0, "mug")
    pixels = decode_image(case.data, "x.jpg").pixels
    found = {v.rule for v in check(pixels, facts_from_bytes(case.data), text_rules)}
    assert found == {"watermark"}
