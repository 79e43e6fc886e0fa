"""Every fix: the fixed photo passes the same profile when checked again as a file, and the
product's own pixels are unchanged except for scaling."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from editor.model.imageio import decode_image
from plugins.compliance import synth
from plugins.compliance.checks import check, passed
from plugins.compliance.facts import FileFacts, facts_from_bytes
from plugins.compliance.fixes import apply_fixes, verify

SIZE = 640
#: a case per fix id (the violation that needs it) and the fix it must apply
CASES = {
    "whiten_background": ("grey",),
    "remove_border": ("border",),
    "flatten_transparency": ("transparent",),
    "scale_to_fill": ("small_product",),
    "pad_to_aspect": ("aspect",),
    "resize": ("small_image",),
    "convert_format": ("webp",),
    "convert_color": ("cmyk",),
    "reencode": ("big_file",),
}


@pytest.fixture(scope="module")
def profile():
    return synth.synthetic_profile()


def _fix(violations: tuple[str, ...], profile, kind: str = "bottle"):
    case = synth.make_case(violations, SIZE, 0, kind)
    pixels = decode_image(case.data, f"x{case.suffix}").pixels
    facts = facts_from_bytes(case.data)
    found = check(pixels, facts, profile)
    fixed = apply_fixes(pixels, facts, profile, found)
    return case, pixels, found, fixed


def _product_unchanged(case, before: np.ndarray, fixed) -> None:
    """Inner product pixels land where the transform says, equal up to the scaling (and
    JPEG rounding when the fixed file is a JPEG)."""
    scale, dx, dy = fixed.transform
    core = cv2.erode(case.mask, np.ones((9, 9), np.uint8)) > 200
    if abs(scale - 1) > 1e-9:
        h, w = before.shape[:2]
        size = (round(w * scale), round(h * scale))
        method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        before = cv2.resize(before, size, interpolation=method)
        core = cv2.resize(core.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        core = cv2.erode(core.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    ys, xs = np.nonzero(core)
    oy, ox = np.rint(ys + dy).astype(int), np.rint(xs + dx).astype(int)
    after = decode_image(fixed.data, f"f{fixed.suffix}").pixels
    inside = (ox >= 0) & (oy >= 0) & (ox < after.shape[1]) & (oy < after.shape[0])
    assert inside.mean() > 0.99
    diff = np.abs(after[oy[inside], ox[inside], :3].astype(int)
                  - before[ys[inside], xs[inside], :3].astype(int))
    limit = 3.0 if fixed.format == "jpeg" else 0.5
    assert diff.mean() < limit, f"product changed by {diff.mean():.2f} on average"


@pytest.mark.parametrize("fix_id", CASES)
def test_the_fixed_photo_passes_and_keeps_the_product(profile, fix_id: str) -> None:
    violations = CASES[fix_id]
    case, before, found, fixed = _fix(violations, profile)
    assert not passed(found)
    assert fix_id in fixed.applied
    remaining = verify(fixed, profile)
    assert passed(remaining), [v.rule for v in remaining]
    assert not {v.rule for v in remaining} & case.expected
    _product_unchanged(case, before, fixed)


def test_several_fixes_combine(profile) -> None:
    case, before, found, fixed = _fix(("border", "small_product", "big_file"), profile)
    assert {"remove_border", "scale_to_fill", "reencode"} <= set(fixed.applied)
    assert passed(verify(fixed, profile))


def test_a_cropped_product_stays_reported(profile) -> None:
    case, _, found, fixed = _fix(("cropped",), profile, "can")
    assert "product_cropped" in {v.rule for v in verify(fixed, profile)}


def test_only_the_chosen_fix_is_applied(profile) -> None:
    case = synth.make_case(("grey", "aspect"), SIZE, 0, "bottle")
    pixels = decode_image(case.data, "x.jpg").pixels
    facts = facts_from_bytes(case.data)
    fixed = apply_fixes(pixels, facts, profile, only={"whiten_background"})
    assert "whiten_background" in fixed.applied and "pad_to_aspect" not in fixed.applied
    rules = {v.rule for v in verify(fixed, profile)}
    assert "aspect_ratio" in rules and "background_white" not in rules


def test_the_plugin_reports_and_returns_the_fixed_photo_as_a_layer() -> None:
    from editor.tasks.api import RecordingContext, Request
    from editor.tasks.registry import Registry

    run = Registry.discover().get("compliance").load_run()
    case = synth.make_case(("grey",), SIZE, 0, "bottle")
    pixels = decode_image(case.data, "x.jpg").pixels
    result = run(Request(pixels, {"profile": "amazon-main", "fix": True}), RecordingContext())
    assert result.report["profile"] == "amazon-main" and result.report["passed"] is False
    assert "background_white" in {v["rule"] for v in result.report["violations"]}
    assert result.report["fixed"]["passed"] is True
    kinds = {layer.role: layer.kind for layer in result.layers}
    assert kinds == {"product": "mask", "fixed": "raster"}


def _standing_on_the_bottom_edge() -> np.ndarray:
    """A bottle on white whose base meets the frame's bottom edge."""
    image = np.full((600, 600, 4), 255, np.uint8)
    image[180:600, 230:370, :3] = (40, 90, 160)
    image[120:180, 270:330, :3] = (30, 60, 120)
    return image


def test_a_product_on_the_bottom_edge_is_padded_when_asked(profile) -> None:
    image = _standing_on_the_bottom_edge()
    facts = FileFacts("jpeg", 200_000)
    found = check(image, facts, profile)
    cut = [v for v in found if v.rule == "product_cropped"]
    assert cut and cut[0].fix == "pad_edges" and "bottom" in cut[0].message
    # Fix all / --fix alone keep the cut reported: padding could hide a real cut
    assert "product_cropped" in {v.rule for v in verify(apply_fixes(image, facts, profile,
                                                                      found), profile)}
    for fixed in (apply_fixes(image, facts, profile, found, pad_edges=True),
                  apply_fixes(image, facts, profile, found, only={"pad_edges"})):
        assert "pad_edges" in fixed.applied
        assert any("cut part of it off" in n for n in fixed.notes)
        assert "product_cropped" not in {v.rule for v in verify(fixed, profile)}
        h = fixed.image.shape[0]
        assert (fixed.image[int(0.97 * h):, :, :3] == 255).all()  # white space below it
