"""``variants``: a set of listing variants of one product photo.

The request's mask (the selection, or ``--mask``) is the product; without one a cutout's
own transparency is used, else the ``segment`` plugin cuts the product out first. Every
variant is one raster layer whose role is its file name (``colour-1565c0``, ``bg-white``,
``crop-4x5``, ``gen-3``); the report lists them with their params and asks for the
per-input folder layout (``OUT/<stem>/<variant>.png`` + ``OUT/<stem>/variants.json``, see
:mod:`editor.tasks.outputs`).

Everything the params say is checked before any work, so a bad colour or ratio stops the
run before a single file exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from editor.imaging import colour as cs
from editor.imaging import framing
from editor.model.imageio import ImageFileError, load_mask
from editor.tasks.api import Context, OutputLayer, PluginError, Request, Result
from editor.tasks.chain import call_plugin, first_layer
from plugins.variants import colourway as cw
from plugins.variants import scenes
from plugins.variants.profiles import framing as profile_framing

#: the report key (and JSON file name) of the per-input folder layout
FOLDER = "variants"


@dataclass
class Variant:
    name: str
    image: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)


def run(request: Request, ctx: Context) -> Result:
    p = request.params
    kind = p["kind"]
    checked = _check(kind, p)
    mask, source = _product_mask(request, ctx, kind)
    ctx.progress(0.2, "Making the variants")
    report: dict[str, Any] = {"folder": FOLDER, "kind": kind, "mask": source}
    if kind == "colourway":
        variants = _colourways(request.image, mask, p, checked, ctx, report)
    elif kind == "backgrounds":
        variants = _backgrounds(request.image, mask, checked, p, ctx)
    elif kind == "crops":
        variants = _crops(request.image, mask, checked, p, ctx, report)
    else:
        variants = _generated(request.image, mask, p, ctx, report)
    _unique_names(variants)
    report["variants"] = [{"file": f"{v.name}.png", **v.params} for v in variants]
    ctx.progress(1.0, f"{len(variants)} variants")
    return Result(layers=[OutputLayer("raster", v.name, v.image, role=v.name)
                          for v in variants], report=report)


def _check(kind: str, p: dict[str, Any]) -> Any:
    """The parsed list the kind works through; PluginError before any work."""
    if kind == "colourway":
        return None if p["colours"].strip().lower() == "auto" else cw.parse_colours(
            p["colours"])
    if kind == "backgrounds":
        return scenes.backdrop_specs(p["backgrounds"], p.get("folder"))
    if kind == "crops":
        if p["profile"].strip():
            plan = profile_framing(p["profile"].strip(), p["fill"])
            texts, fill = plan.ratios, plan.fill
        else:
            texts, fill = [t.strip() for t in p["ratios"].split(",") if t.strip()], p["fill"]
        if not texts:
            raise PluginError("ratios: give one or more width:height ratios, e.g. 1:1,4:5")
        ratios = []
        for text in texts:
            try:
                ratio = framing.parse_ratio(text)
                framing.frame_size(ratio, p["size"])
            except ValueError as exc:
                raise PluginError(f"ratios: {exc}") from None
            ratios.append((text, ratio))
        return ratios, fill
    return None


def _product_mask(request: Request, ctx: Context, kind: str) -> tuple[np.ndarray, str]:
    image = request.image
    if request.mask is not None:
        mask, source = request.mask, "selection"
    elif image[..., 3].min() < 128:
        mask, source = image[..., 3].copy(), "transparency"
    else:
        ctx.progress(0.0, "Cutting out the product")
        result = call_plugin("segment", image, {"output": "mask"}, ctx, span=(0.0, 0.2))
        layer = first_layer(result, "mask")
        if layer is None:
            raise PluginError("the cutout found no product; select it and run again")
        mask, source = layer.data, "cutout"  # type: ignore[assignment]
    if framing.product_box(mask) is None:
        raise PluginError(f"the product mask is empty ({source}): select the product, or "
                          "pass a mask with --mask")
    return mask, source


def _colourways(image: np.ndarray, mask: np.ndarray, p: dict[str, Any],
                targets: list[str] | None, ctx: Context, report: dict[str, Any]
                ) -> list[Variant]:
    protect = None
    if p.get("protect"):
        try:
            protect = load_mask(p["protect"], image.shape[:2])
        except ImageFileError as exc:
            raise PluginError(f"protect: {exc}") from None
    keep = mask if protect is None else (mask * (protect < 128)).astype(np.uint8)
    small, small_keep = _shrunk(image, keep, cw.PALETTE_SIDE)
    main = cw.find_main_colour(cs.srgb_to_lab(cs.to_float(small[..., :3])), small_keep >= 128)
    report["main_colour"] = main.hex
    report["main_share"] = round(main.share, 4)
    colours = targets if targets is not None else cw.auto_colours(main, p["count"])
    out = []
    for i, colour in enumerate(colours):
        ctx.progress(0.2 + 0.8 * i / len(colours), f"Colourway {colour}")
        recoloured = cw.recolour(image, mask, cw.hex_to_lab(colour), main,
                                 lightness=p["lightness"], protect=protect)
        out.append(Variant(f"colour-{colour.lstrip('#')}", recoloured,
                           {"kind": "colourway", "colour": colour, "from": main.hex,
                            "lightness": p["lightness"]}))
    return out


def _backgrounds(image: np.ndarray, mask: np.ndarray, specs: list[tuple[str, dict]],
                 p: dict[str, Any], ctx: Context) -> list[Variant]:
    out = []
    n = len(specs)
    for i, (name, params) in enumerate(specs):
        params = {**params, "shadow": p["shadow"]}
        span = (0.2 + 0.8 * i / n, 0.2 + 0.8 * (i + 1) / n)
        picture = scenes.on_backdrop(image, mask, params, ctx, span)
        out.append(Variant(name, picture, {"kind": "background", **params}))
    return out


def _crops(image: np.ndarray, mask: np.ndarray, checked: tuple[list, float],
           p: dict[str, Any], ctx: Context, report: dict[str, Any]) -> list[Variant]:
    ratios, fill = checked
    report["fill"] = fill
    report["centre"] = "mask-weighted centroid, shifted only to keep the product whole"
    if p["profile"].strip():
        report["profile"] = p["profile"].strip()
    out = []
    for i, (text, ratio) in enumerate(ratios):
        ctx.progress(0.2 + 0.8 * i / len(ratios), f"Framing {text}")
        framed = framing.frame(image, mask, ratio, p["size"], fill)
        h, w = framed.mask.shape
        name = "crop-" + text.replace(":", "x").replace(".", "_")
        out.append(Variant(name, framed.image, {
            "kind": "crop", "ratio": text, "width": w, "height": h,
            "fill": round(framed.fill, 4), "box": list(framed.box),
            "scale": round(framed.scale, 4)}))
    return out


def _generated(image: np.ndarray, mask: np.ndarray, p: dict[str, Any], ctx: Context,
               report: dict[str, Any]) -> list[Variant]:
    generator, path = scenes.load_backdrop_generator(p.get("model"))
    report["model"] = str(path)
    count, seed = p["count"], p["seed"]
    backdrops = scenes.generated_backdrops(generator, count, seed)
    h, w = image.shape[:2]
    out = []
    files = scenes.backdrop_files([
        scenes.enlarge(b, (w, h), ctx, p["upscale"],
                       (0.2 + 0.4 * i / count, 0.2 + 0.4 * (i + 1) / count))
        for i, b in enumerate(backdrops)])
    for i, file in enumerate(files):
        lo = 0.6 + 0.4 * i / count
        picture = scenes.on_backdrop(image, mask, {"background": "image", "image": str(file),
                                                   "shadow": p["shadow"]},
                                     ctx, (lo, lo + 0.4 / count))
        out.append(Variant(f"gen-{seed + i}", picture,
                           {"kind": "generated", "seed": seed + i, "model": path.name,
                            "upscaled": bool(p["upscale"])}))
    return out


def _shrunk(image: np.ndarray, mask: np.ndarray, side: int) -> tuple[np.ndarray, np.ndarray]:
    """``image`` and ``mask`` at most ``side`` px on the longer side (the palette needs no
    more, and a 24-megapixel photo in float L*a*b* would take gigabytes)."""
    import cv2

    h, w = mask.shape
    scale = side / max(h, w)
    if scale >= 1:
        return image, mask
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return (cv2.resize(image, size, interpolation=cv2.INTER_AREA),
            cv2.resize(mask, size, interpolation=cv2.INTER_AREA))


def _unique_names(variants: list[Variant]) -> None:
    """Two variants with one name (a colour listed twice) get -2, -3, ..."""
    seen: dict[str, int] = {}
    for v in variants:
        n = seen.get(v.name, 0) + 1
        seen[v.name] = n
        if n > 1:
            v.name = f"{v.name}-{n}"
