"""The segment plugin's run: exact masks on rendered samples, prompts, clean edges, shadows
and the awkward inputs (all white, tiny, huge, existing transparency)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from editor.model.imageio import load_image
from editor.paths import RESOURCES
from editor.samples import render_product, render_sample
from editor.tasks.api import PluginError, Prompt, RecordingContext, Request
from editor.training.metrics import iou
from plugins.segment.task import NO_PRODUCT, run

SAMPLES = RESOURCES / "samples"


def params(**kw):
    base = {"output": "both", "shadow": "drop", "edges": True, "method": "classical",
            "model": None}
    base.update(kw)
    return base


def cut(image, prompts=(), mask=None, **kw):
    return run(Request(image, params(**kw), mask=mask, prompts=list(prompts)), RecordingContext())


def layer(result, role):
    return next(out for out in result.layers if out.role == role)


def needs_model(method: str) -> None:
    """Skip a model-path test when this checkout has no bundled cutout model."""
    if method == "model":
        pytest.importorskip("torch")
        from editor.training.store import bundled_model
        if bundled_model("segment") is None:
            pytest.skip("no bundled segment model in this checkout")


def rgba(rgb: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    a = np.full(rgb.shape[:2], 255, np.uint8) if alpha is None else alpha
    return np.dstack([rgb, a]).astype(np.uint8)


@pytest.mark.parametrize("method", ["classical", "model"])
@pytest.mark.parametrize("kind", ["bottle", "box", "mug"])
def test_bundled_samples_get_their_exact_mask(kind, method):
    needs_model(method)
    image = load_image(SAMPLES / f"{kind}.png").pixels
    truth = load_image(SAMPLES / "masks" / f"{kind}.png").pixels[..., 0]
    result = cut(image, method=method)
    mask = layer(result, "mask").data
    assert mask.shape == truth.shape and mask.dtype == np.uint8
    assert iou(mask, truth) >= 0.95
    assert np.abs(mask.astype(float) - truth).mean() / 255 < 0.012
    assert result.report["method"] == method
    assert result.report["products"] == 1
    cutout = layer(result, "cutout").data
    assert cutout.shape == image.shape[:2] + (4,)
    assert (cutout[..., 3] == mask).all()


def two_products(w=640, h=360) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A red can on the left and a blue box on the right of a grey sweep, with their masks."""
    sample = render_sample("can", (w, h), background="sweep", seed=3, scale=0.55,
                           position=(0.27, 0.5), colour=(200, 40, 40))
    image = sample.image[..., :3].astype(np.float32)
    box_rgba, box_mask = render_product("box", 0.55 * h, seed=4, colour=(40, 60, 200))
    ph, pw = box_mask.shape
    y0, x0 = int(0.5 * h - ph / 2), int(0.73 * w - pw / 2)
    a = box_mask.astype(np.float32)[..., None] / 255
    region = image[y0:y0 + ph, x0:x0 + pw]
    image[y0:y0 + ph, x0:x0 + pw] = box_rgba[..., :3] * a + region * (1 - a)
    right = np.zeros((h, w), np.uint8)
    right[y0:y0 + ph, x0:x0 + pw] = box_mask
    return rgba(np.clip(image + 0.5, 0, 255).astype(np.uint8)), sample.mask, right


@pytest.mark.parametrize("method", ["classical", "model"])
def test_a_box_prompt_picks_one_of_two_products(method):
    needs_model(method)
    image, left, right = two_products()
    both = cut(image, method=method)
    assert both.report["products"] == 2
    ys, xs = np.nonzero(right)
    box = Prompt("box", (xs.min() - 12, ys.min() - 12, xs.max() + 12, ys.max() + 12))
    one = cut(image, [box], method=method)
    mask = layer(one, "mask").data
    assert one.report["products"] == 1
    assert iou(mask, right) >= 0.9
    assert (mask[left > 0] >= 128).mean() < 0.01


@pytest.mark.parametrize("method", ["classical", "model"])
def test_clicks_keep_and_drop_products(method):
    needs_model(method)
    image, left, right = two_products()
    ly, lx = (np.array(np.nonzero(left)).mean(axis=1)).astype(int)
    ry, rx = (np.array(np.nonzero(right)).mean(axis=1)).astype(int)
    kept = layer(cut(image, [Prompt("point", (lx, ly))], method=method), "mask").data
    assert iou(kept, left) >= 0.9 and (kept[right > 0] >= 128).mean() < 0.01
    dropped = layer(cut(image, [Prompt("point", (lx, ly), positive=False)], method=method),
                    "mask").data
    assert iou(dropped, right) >= 0.9 and (dropped[left > 0] >= 128).mean() < 0.01


def green_screen_shot(size=320) -> tuple[np.ndarray, np.ndarray]:
    """A pale product with soft (anti-aliased, partly transparent) edges on green."""
    product, mask = render_product("bottle", 0.75 * size, seed=2, colour=(235, 225, 210))
    h, w = mask.shape
    canvas = np.zeros((size, size, 3), np.float32)
    canvas[:] = (30, 200, 40)
    alpha = np.zeros((size, size), np.float32)
    y0, x0 = (size - h) // 2, (size - w) // 2
    # a wider soft edge than rendering gives, as hair, fur or a blurred edge would
    soft = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), 1.5)
    alpha[y0:y0 + h, x0:x0 + w] = soft
    colour = np.zeros_like(canvas)
    colour[y0:y0 + h, x0:x0 + w] = product[..., :3]
    out = colour * alpha[..., None] + canvas * (1 - alpha[..., None])
    return rgba(np.clip(out + 0.5, 0, 255).astype(np.uint8)), (alpha * 255).astype(np.uint8)


def greenness_on_white(cutout: np.ndarray, band: np.ndarray) -> float:
    """Mean green excess (G minus the mean of R and B) in ``band`` once composited on white."""
    a = cutout[..., 3:].astype(np.float32) / 255
    on_white = cutout[..., :3].astype(np.float32) * a + 255 * (1 - a)
    excess = on_white[..., 1] - (on_white[..., 0] + on_white[..., 2]) / 2
    return float(excess[band].mean())


@pytest.mark.parametrize("method", ["classical", "model"])
def test_a_cutout_from_green_shows_no_green_fringe_on_white(method):
    needs_model(method)
    image, truth = green_screen_shot()
    result = cut(image, method=method)
    cutout = layer(result, "cutout").data
    alpha = cutout[..., 3]
    band = (alpha > 10) & (alpha < 245)
    assert band.sum() > 200, "the edge is soft, not a hard step"
    naive = np.dstack([image[..., :3], alpha])
    fringe, untreated = greenness_on_white(cutout, band), greenness_on_white(naive, band)
    # the product is pale (its own green excess is about 0); the untreated edge is green
    assert untreated > 20
    assert fringe < 6, f"green fringe {fringe:.1f} (untreated {untreated:.1f})"
    assert iou(alpha, truth) >= 0.95


def test_hard_edges_when_edges_are_off():
    image = load_image(SAMPLES / "can.png").pixels
    mask = layer(cut(image, edges=False), "mask").data
    assert set(np.unique(mask)) <= {0, 255}


def test_an_all_white_photo_gives_an_empty_mask_and_says_so():
    white = np.full((300, 400, 4), 255, np.uint8)
    for method in ("classical", "auto"):
        result = cut(white, method=method, output="mask")
        assert result.report["warning"] == NO_PRODUCT
        assert result.report["products"] == 0
        assert [out.role for out in result.layers] == ["mask"]
        assert not layer(result, "mask").data.any()


def test_a_one_pixel_image_is_refused_with_a_reason():
    with pytest.raises(PluginError, match="1x1 pixels"):
        cut(np.full((1, 1, 4), 128, np.uint8))


def test_a_very_wide_image_is_cut_at_its_own_size():
    strip = np.full((40, 30000, 4), 240, np.uint8)
    strip[10:30, 14000:14100, :3] = (20, 30, 160)
    result = cut(strip)
    mask = layer(result, "mask").data
    assert mask.shape == (40, 30000)
    assert result.report["products"] == 1
    assert mask[15:25, 14010:14090].min() >= 200 and mask[:, :13000].max() == 0


def test_existing_transparency_is_a_strong_hint():
    sample = render_sample("jar", (400, 300), background="sweep", seed=1)
    image = sample.image.copy()
    # a product already cut out once: the backdrop is transparent
    image[..., 3] = np.where(sample.mask > 0, 255, 0)
    result = cut(image)
    mask = layer(result, "mask").data
    assert iou(mask, sample.mask) >= 0.95
    assert (mask[image[..., 3] == 0] == 0).all()
    assert "transparency" in result.report["hint"]


def test_the_selection_limits_the_cutout():
    image, left, right = two_products()
    selection = np.zeros(left.shape, np.uint8)
    selection[:, : left.shape[1] // 2] = 255
    mask = layer(cut(image, mask=selection), "mask").data
    assert iou(mask, left) >= 0.9 and not mask[:, left.shape[1] // 2:].any()


def test_shadow_keep_adds_a_shadow_layer_outside_the_product():
    sample = render_sample("can", (480, 360), background="sweep", seed=5)
    result = cut(sample.image, shadow="keep")
    assert [out.role for out in result.layers] == ["mask", "cutout", "shadow"]
    shadow = layer(result, "shadow").data
    assert shadow.shape == (360, 480, 4) and not shadow[..., :3].any()
    found = shadow[..., 3] > 20
    assert found.any()
    assert (sample.mask[found] < 128).mean() > 0.95, "the shadow lies outside the product"
    assert (sample.shadow[found] > 10).mean() > 0.6, "and where the renderer put one"
    dropped = cut(sample.image, shadow="drop")
    assert [out.role for out in dropped.layers] == ["mask", "cutout"]


@pytest.mark.parametrize("output,roles", [("mask", ["mask"]), ("cutout", ["cutout"])])
def test_output_picks_the_layers(output, roles):
    image = load_image(SAMPLES / "bottle.png").pixels
    assert [out.role for out in cut(image, output=output).layers] == roles


@pytest.mark.parametrize("method", ["classical", "model"])
def test_thin_parts_are_kept(method):
    """A round product on a thin stick (a lollipop, a leek's root, a cable): the stick,
    four pixels wide in a 640 px photo, stays in the mask."""
    sample = render_sample("can", (640, 480), background="sweep", seed=6, scale=0.3,
                           position=(0.5, 0.35), colour=(180, 30, 120))
    image = sample.image.copy()
    truth = sample.mask.copy()
    ys, xs = np.nonzero(sample.mask)
    x = int(xs.mean())
    stick = (slice(ys.max(), 460), slice(x - 2, x + 2))
    image[stick[0], stick[1], :3] = (90, 60, 40)
    truth[stick] = 255
    needs_model(method)
    mask = layer(cut(image, method=method), "mask").data
    assert (mask[stick] >= 128).mean() > 0.8
    assert iou(mask, truth) >= 0.9


def test_a_plain_face_the_network_saw_only_the_rim_of_is_filled_but_a_handle_hole_is_not():
    """On a studio backdrop, what lies inside a product's rim and is unlike the backdrop is
    product; a hole showing the backdrop (inside a mug's handle) stays a hole."""
    from plugins.segment.classical import fill_product_holes

    rgb = np.full((120, 160, 3), 230, np.uint8)
    rgb[20:100, 30:90] = (170, 40, 30)  # a plain red box
    rgb[40:80, 100:140] = (40, 60, 150)  # a blue handle around a backdrop-coloured hole
    rgb[50:70, 110:130] = 230
    prob = np.zeros((120, 160), np.float32)
    prob[20:100, 30:90] = 0.3  # faint inside: only the rim is sure
    prob[20:26, 30:90] = prob[94:100, 30:90] = 0.95
    prob[20:100, 30:36] = prob[20:100, 84:90] = 0.95
    prob[40:80, 100:140] = 0.95
    prob[50:70, 110:130] = 0.0
    out = fill_product_holes(rgb, prob)
    assert (out[26:94, 36:84] >= 0.5).all()  # the face is product now
    assert (out[52:68, 112:128] < 0.5).all()  # the handle's hole is still backdrop
    assert (out[:15] == 0).all()  # the backdrop is untouched


def test_holes_are_left_alone_on_a_busy_backdrop():
    from plugins.segment.classical import fill_product_holes

    rgb = np.random.default_rng(0).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    prob = np.zeros((120, 160), np.float32)
    prob[20:100, 30:90] = 0.95
    prob[40:80, 45:75] = 0.1
    assert np.array_equal(fill_product_holes(rgb, prob), prob)
