"""Cut the product out: the plugin's ``run``.

A coarse product probability comes from the learned network (bundled, active or chosen
model) or from the classical path; prompts pick which product(s) to keep; the edges are
refined at full resolution (:mod:`plugins.segment.edges`); the cutout's edge colours are
decontaminated; the contact shadow can come out as a layer of its own.

Layers: ``OutputLayer("mask", "Product mask", role="mask")`` and ``OutputLayer("raster",
"Cutout", role="cutout")`` (as ``output`` asks), plus ``"Shadow"`` (role ``shadow``) when
``shadow=keep`` and one was found. Report: ``method`` (``model`` | ``classical``),
``products``, ``coverage`` and, when nothing stands out, ``warning: "no product found"``.
"""

from __future__ import annotations

import cv2
import numpy as np

from editor.model.imageio import flatten
from editor.tasks.api import (
    Context,
    OutputLayer,
    PluginError,
    Prompt,
    QuietContext,
    Request,
    Result,
)
from plugins.segment.classical import (
    WORK_SIDE,
    Seeds,
    add_thin_parts,
    classical_probability,
    fill_product_holes,
    studio_backdrop,
)
from plugins.segment.edges import estimate_foreground, refine_alpha
from plugins.segment.prompts import Prompts, crop_region, select_components, speck_area
from plugins.segment.shadow import find_shadow, shadow_layer

#: the smallest image side a cutout is attempted on
MIN_SIDE = 8
#: input alpha below this is "already transparent": backdrop for sure
TRANSPARENT = 8
#: photos up to this many pixels (6000x4000) are cut out at full resolution, within the
#: design's ~2 GB; a larger one is cut out at WORK_PIXELS and its mask scaled up, because
#: at full resolution a 12000x9000 photo needed 19 GB
FULL_RES_PIXELS = 24_000_000
WORK_PIXELS = 12_000_000
NO_PRODUCT = "no product found"


def run(request: Request, ctx: Context) -> Result:
    image = request.image
    h, w = image.shape[:2]
    if min(h, w) < MIN_SIDE:
        raise PluginError(f"the image is {w}x{h} pixels; a cutout needs at least "
                          f"{MIN_SIDE}x{MIN_SIDE}")
    if h * w > FULL_RES_PIXELS:
        return _run_reduced(request, ctx)
    params = request.params
    ctx.progress(0.02, "Preparing")
    transparent = image[..., 3] < TRANSPARENT
    has_alpha = bool(transparent.mean() > 0.001)
    rgb = flatten(image, (255, 255, 255)) if has_alpha else np.ascontiguousarray(image[..., :3])
    prompts = Prompts.from_request(request.prompts, w, h)
    region = crop_region(prompts, request.mask, w, h)
    x0, y0, x1, y1 = region
    crop = rgb[y0:y1, x0:x1]
    local = prompts.shifted(-x0, -y0)
    known_bg = transparent[y0:y1, x0:x1] if has_alpha else None
    if request.mask is not None:
        outside = request.mask[y0:y1, x0:x1] < 128
        known_bg = outside if known_bg is None else (known_bg | outside)

    segmenter, why = _segmenter(params, ctx)
    ctx.progress(0.1, "Finding the product")
    sh, sw = _work_shape(*crop.shape[:2])
    small = cv2.resize(crop, (sw, sh), interpolation=cv2.INTER_AREA)
    sx, sy = sw / crop.shape[1], sh / crop.shape[0]
    seeds_small = local.scaled(sx, sy)
    bg_small = None
    if known_bg is not None:
        bg_small = cv2.resize(known_bg.astype(np.uint8), (sw, sh),
                              interpolation=cv2.INTER_NEAREST).astype(bool)

    def classical() -> np.ndarray:
        return classical_probability(small, Seeds(seeds_small.box, seeds_small.positive,
                                                  seeds_small.negative, bg_small))

    method = "model" if segmenter is not None else "classical"
    windows = _windows(sh, sw)
    if _uniform(small, bg_small):
        prob = np.zeros((sh, sw), np.float32)  # nothing stands out: no product
    elif len(windows) == 1:
        prob = (cv2.resize(segmenter.probability(crop), (sw, sh),
                           interpolation=cv2.INTER_LINEAR)
                if segmenter is not None else classical())
    else:  # a long strip: look at it a few short sides at a time
        prob = np.zeros((sh, sw), np.float32)
        for i, (ys, xs) in enumerate(windows):
            ctx.progress(0.1 + 0.3 * i / len(windows), "Finding the product")
            part = small[ys, xs]
            if segmenter is not None:
                found = cv2.resize(segmenter.probability(part), (part.shape[1], part.shape[0]),
                                   interpolation=cv2.INTER_LINEAR)
            else:
                hint = None if bg_small is None else bg_small[ys, xs]
                found = classical_probability(part, Seeds(known_background=hint))
            prob[ys, xs] = np.maximum(prob[ys, xs], found)
    if method == "model":
        backdrop = studio_backdrop(small) if min(sh, sw) >= 16 else None
        prob = fill_product_holes(small, add_thin_parts(small, prob, backdrop), backdrop)
    if bg_small is not None:
        prob[bg_small] = 0
    ctx.progress(0.45, "Applying the prompts")
    prob = select_components(prob, seeds_small, small, classical if method == "model" else None)

    ctx.progress(0.55, "Refining the edges")
    alpha_crop = refine_alpha(crop, prob, soft=bool(params.get("edges", True)))
    alpha = np.zeros((h, w), np.uint8)
    alpha[y0:y1, x0:x1] = alpha_crop
    if has_alpha:
        alpha = np.minimum(alpha, image[..., 3])
    if request.mask is not None:
        alpha = (alpha.astype(np.uint16) * request.mask // 255).astype(np.uint8)

    products = _count(alpha)
    coverage = float(alpha.mean() / 255)
    report: dict = {"method": method, "products": products, "coverage": round(coverage, 4)}
    if why:
        report["note"] = why
    if segmenter is not None:
        report["model"] = segmenter.source
    if has_alpha:
        report["hint"] = "used the image's own transparency as backdrop"
    if products == 0:
        alpha[:] = 0
        report.update(products=0, coverage=0.0, warning=NO_PRODUCT)
        ctx.log.info("segment: %s", NO_PRODUCT)

    ctx.progress(0.75, "Cleaning the edge colours")
    layers = _layers(image, rgb, alpha, params, products > 0)
    if params.get("shadow") == "keep" and products > 0:
        ctx.progress(0.9, "Looking for the shadow")
        dark = find_shadow(rgb, alpha)
        report["shadow"] = dark is not None
        if dark is not None:
            layers.append(OutputLayer("raster", "Shadow", shadow_layer(dark), role="shadow"))
    ctx.progress(1.0, "Done")
    return Result(layers=layers, report=report)


def _run_reduced(request: Request, ctx: Context) -> Result:
    """The cutout of a photo above FULL_RES_PIXELS: found and refined on a copy of
    WORK_PIXELS, the soft mask scaled up to the photo; the cutout keeps the photo's own
    pixels, with the edge colours cleaned on the copy."""
    image = request.image
    h, w = image.shape[:2]
    scale = (WORK_PIXELS / (h * w)) ** 0.5
    sw, sh = max(MIN_SIDE, round(w * scale)), max(MIN_SIDE, round(h * scale))
    fx, fy = sw / w, sh / h
    small = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA)
    mask = None if request.mask is None else cv2.resize(request.mask, (sw, sh),
                                                        interpolation=cv2.INTER_AREA)
    prompts = [Prompt(p.kind, tuple(c * (fx if i % 2 == 0 else fy)
                                    for i, c in enumerate(p.coords)), p.positive)
               for p in request.prompts]
    reduced = run(Request(small, request.params, mask=mask, prompts=prompts), ctx)
    del small
    layers = []
    for layer in reduced.layers:
        if layer.kind == "mask":
            layers.append(OutputLayer("mask", layer.name, _upscale(layer.data, w, h),
                                      role=layer.role))
        elif layer.role == "cutout":
            layers.append(OutputLayer("raster", layer.name, _cutout_up(image, layer.data),
                                      role=layer.role))
        else:
            layers.append(OutputLayer(layer.kind, layer.name, _upscale(layer.data, w, h),
                                      role=layer.role))
    report = dict(reduced.report)
    report["working_size"] = [sw, sh]
    report["note"] = (f"the {w}x{h} photo was cut out at {sw}x{sh} and the mask scaled up "
                      f"(photos above {FULL_RES_PIXELS // 1_000_000} MP, to bound memory)")
    return Result(layers=layers, report=report)


def _upscale(small: np.ndarray, w: int, h: int, top: int = 0, bottom: int | None = None,
             ) -> np.ndarray:
    """Rows ``top..bottom`` of ``small`` scaled (bilinear, as cv2.resize) to ``w`` x ``h``;
    a band at a time, the whole picture is never scaled up in one piece."""
    bottom = h if bottom is None else bottom
    if bottom - top > 256:  # in bands: the float maps stay small
        return np.concatenate([_upscale(small, w, h, y, min(bottom, y + 256))
                               for y in range(top, bottom, 256)])
    sh, sw = small.shape[:2]
    xs = (np.arange(w, dtype=np.float32) + 0.5) * (sw / w) - 0.5
    ys = (np.arange(top, bottom, dtype=np.float32) + 0.5) * (sh / h) - 0.5
    map_x = np.ascontiguousarray(np.broadcast_to(xs, (bottom - top, w)))
    map_y = np.ascontiguousarray(np.broadcast_to(ys[:, None], (bottom - top, w)))
    return cv2.remap(small, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _cutout_up(image: np.ndarray, small: np.ndarray, rows: int = 256) -> np.ndarray:
    """The photo with the reduced cutout's alpha, scaled up; where the edge is soft, the
    cleaned edge colours of the reduced cutout. Band by band: no full-size temporaries."""
    h, w = image.shape[:2]
    out = image.copy()
    for top in range(0, h, rows):
        bottom = min(h, top + rows)
        part, big = _upscale(small, w, h, top, bottom), out[top:bottom]
        soft = (part[..., 3] > 0) & (part[..., 3] < 255)
        big[..., :3][soft] = part[..., :3][soft]
        np.minimum(part[..., 3], image[top:bottom, :, 3], out=big[..., 3])
    return out


def _layers(image: np.ndarray, rgb: np.ndarray, alpha: np.ndarray, params: dict,
            found: bool) -> list[OutputLayer]:
    output = params.get("output", "both")
    layers = []
    if output in ("both", "mask"):
        layers.append(OutputLayer("mask", "Product mask", alpha, role="mask"))
    if output in ("both", "cutout"):
        colours = estimate_foreground(rgb, alpha) if found and params.get("edges", True) \
            else rgb
        cutout = np.dstack([colours, alpha])
        layers.append(OutputLayer("raster", "Cutout", np.ascontiguousarray(cutout),
                                  role="cutout"))
    return layers


def _uniform(small: np.ndarray, known_bg: np.ndarray | None) -> bool:
    """Whether the (still visible part of the) image is one flat colour, give or take noise."""
    calm = cv2.medianBlur(small, 3)  # lone noisy pixels are not a product
    pixels = calm[~known_bg] if known_bg is not None else calm.reshape(-1, 3)
    if pixels.size == 0:
        return True
    return bool((pixels.max(axis=0).astype(int) - pixels.min(axis=0)).max() < 8)


def _work_shape(h: int, w: int) -> tuple[int, int]:
    """The working size: a window of at most three short sides gets the classical path's
    working resolution (so a long strip is not squashed to a line)."""
    short, long = min(h, w), max(h, w)
    window = min(long, max(3 * short, long / 64))
    scale = min(1.0, WORK_SIDE / window)
    return max(1, round(h * scale)), max(1, round(w * scale))


def _windows(h: int, w: int) -> list[tuple[slice, slice]]:
    """Overlapping windows along the long side, about three short sides long each."""
    short, long = min(h, w), max(h, w)
    size = int(min(long, max(3 * short, long / 64)))
    if size >= long:
        return [(slice(0, h), slice(0, w))]
    step = max(1, size // 2)
    starts = list(range(0, long - size, step)) + [long - size]
    if h >= w:
        return [(slice(a, a + size), slice(0, w)) for a in starts]
    return [(slice(0, h), slice(a, a + size)) for a in starts]


def _count(alpha: np.ndarray) -> int:
    """Products: connected parts of the mask larger than 0.2 % of the frame (of three
    short sides of it, for a long strip)."""
    hard = (alpha >= 128).astype(np.uint8)
    if not hard.any():
        return 0
    short, long = min(hard.shape), max(hard.shape)
    scale = max(min(1.0, 512 / long), min(1.0, 64 / short))
    if scale < 1:
        hard = cv2.resize(hard, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    n, _, stats, _ = cv2.connectedComponentsWithStats(hard, connectivity=8)
    floor = speck_area(*hard.shape)
    return int((stats[1:, cv2.CC_STAT_AREA] >= floor).sum())


def _segmenter(params: dict, ctx: Context):
    """(network or None, why the classical path runs when it was not asked for)."""
    method = params.get("method", "auto")
    if method == "classical":
        return None, ""
    from editor.training.store import ModelError, model_for

    path = model_for("segment", params.get("model"))
    if path is None:
        if method == "model":
            raise PluginError("no cutout model is installed: train one with "
                              "`lightbox train segment DIR`, or use method=classical")
        return None, "no cutout model installed; used the classical path"
    try:
        import torch  # noqa: F401 - the learned path needs it

        from plugins.segment.model import load_segmenter

        device = ctx.device if ctx.device in ("cpu", "cuda") else "cpu"
        return load_segmenter(path, device), ""
    except (ModelError, OSError, RuntimeError, ImportError) as exc:
        if method == "model" or params.get("model"):
            raise PluginError(f"cannot use the cutout model: {exc}") from None
        ctx.log.warning("segment: %s; using the classical path", exc)
        return None, f"the cutout model could not be used ({exc}); used the classical path"


def warm_up(device: str = "cpu") -> None:
    """Load the model a first run would use (the editor calls this on a background thread
    while its window opens, so the first cutout does not wait for it)."""
    ctx = QuietContext()
    ctx.device = device
    _segmenter({}, ctx)
