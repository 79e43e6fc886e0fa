"""Restyle the background: the plugin's ``run``.

The product's alpha comes from the request's mask (the editor's selection, ``--mask`` on
the command line) or, without one, from the ``segment`` plugin (through
:mod:`editor.tasks.chain`), whose cutout also gives edge colours cleaned of the old
backdrop. The product then goes over a new backdrop (:mod:`plugins.background.backdrops`)
with a shadow of its own (:mod:`editor.imaging.shadows`), optionally harmonised with the
scene and restyled by a two-folder model.

Layers, as ``layers`` asks: the finished picture ``"Background: <kind>"`` (role
``background``; the CLI's ``OUT/<stem>.png``), and the stack it is made of: the backdrop
(role ``backdrop``), the shadow or reflection (role ``shadow`` / ``reflection``) and the
product (role ``product``), bottom to top, so that in the editor each can be edited or
hidden and the stack still looks like the finished picture.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from editor.imaging.colour import parse_hex_colour
from editor.imaging.composite import over
from editor.imaging.matte import clean_edges
from editor.imaging.shadows import (
    contact_shadow,
    darken,
    darkness_layer,
    drop_shadow,
    footprint,
    reflection,
)
from editor.tasks.api import Context, OutputLayer, PluginError, Request, Result
from editor.tasks.chain import call_plugin, first_layer
from plugins.background import backdrops

#: backdrops for which ``harmonise=auto`` harmonises: a scene with its own light. On
#: white, a colour or a gradient the product's true colour is what the buyer must see.
SCENES = frozenset({"image", "blur", "sweep"})
NO_PRODUCT = "no product found"
#: the ``shadow_opacity`` at which ``shadow=photo`` keeps the photo's shadow as it was shot
PHOTO_OPACITY = 0.6
#: below this alpha a product pixel's own colour cannot be recovered from a change of
#: the composite (dividing by the alpha would amplify noise)
_FAINT = 8


def run(request: Request, ctx: Context) -> Result:
    params = request.params
    kind = params["background"]
    colour = _colour(params, "colour")
    colour2 = _colour(params, "colour2")
    image = request.image
    h, w = image.shape[:2]
    ctx.progress(0.02, "Finding the product")
    alpha, product, source, found_shadow = _product(request, ctx)
    report: dict[str, Any] = {"background": kind, "mask": source,
                              "coverage": round(float(alpha.mean()) / 255, 4),
                              "file_format": params.get("format", "png")}

    ctx.progress(0.55, "Building the backdrop")
    backdrop, backdrop_alpha = _backdrop(kind, image, alpha, product, colour, colour2, params)
    style = params.get("style")
    if style and params.get("style_scope") == "background":
        ctx.progress(0.6, "Restyling the backdrop")
        backdrop = _apply_style(backdrop, style, ctx.device)
        report["style"] = "background"

    ctx.progress(0.7, "Casting the shadow")
    shadows = _shadows(params, alpha, product, found_shadow)
    report["shadow"] = params["shadow"] if shadows else "none"
    if params["shadow"] == "photo" and not shadows:
        report["note"] = "the photo has no shadow of its own to keep"
    scene = backdrop
    for layer in shadows:
        if layer.role == "shadow":
            scene = darken(scene, layer.data[..., 3])  # type: ignore[index]

    if _wants_harmonise(params, kind):
        ctx.progress(0.8, "Harmonising the product")
        product, note = _harmonised(product, alpha, _floor(scene, shadows), params, ctx)
        report["harmonised"] = note is None
        if note:
            report["note"] = note
    else:
        report["harmonised"] = False

    ctx.progress(0.9, "Compositing")
    final = _compose(_floor(scene, shadows), backdrop_alpha, product, alpha, shadows)
    if style and params.get("style_scope") == "all":
        ctx.progress(0.93, "Restyling the picture")
        styled = _apply_style(np.ascontiguousarray(final[..., :3]), style, ctx.device)
        product = _follow(product, final[..., :3], styled, alpha)
        backdrop = _apply_style(backdrop, style, ctx.device)
        final = _rgba(styled, final[..., 3])
        report["style"] = "all"

    layers = _layers(kind, params["layers"], final, backdrop, backdrop_alpha, shadows,
                     product, alpha, report)
    report["size"] = [w, h]
    ctx.progress(1.0, "Done")
    return Result(layers=layers, report=report)


# -- inputs ---------------------------------------------------------------------------------
def _colour(params: dict, name: str) -> tuple[int, int, int] | None:
    text = params.get(name) or ""
    if not text.strip():
        if name == "colour":
            raise PluginError("colour: give a colour as #RRGGBB, e.g. #ffffff")
        return None
    try:
        return parse_hex_colour(text)
    except ValueError as exc:
        raise PluginError(f"{name}: {exc}") from None


def _product(request: Request, ctx: Context
             ) -> tuple[np.ndarray, np.ndarray, str, np.ndarray | None]:
    """The product's alpha (uint8 (H, W)), its colours (uint8 (H, W, 3)), where the alpha
    came from (``mask`` or ``segment``) and, for ``shadow=photo``, the darkness of the
    photo's own shadow (None when it has none)."""
    image = request.image
    rgb = np.ascontiguousarray(image[..., :3])
    keep_shadow = request.params.get("shadow") == "photo"
    if request.mask is not None:
        alpha = np.minimum(request.mask, image[..., 3])
        if not (alpha >= 128).any():
            raise PluginError(f"{NO_PRODUCT}: the mask is empty; select the product or give "
                              "a mask that covers it")
        found = None
        if keep_shadow:  # segment finds the shadow around the product the mask gives
            cut = call_plugin("segment", image, {"output": "mask", "shadow": "keep"}, ctx,
                              mask=request.mask, span=(0.02, 0.5))
            found = _darkness(first_layer(cut, "raster", "shadow"))
        # a mask's soft rim still holds the old backdrop's colour: take it out
        return alpha, clean_edges(rgb, alpha), "mask", found
    params = {"output": "both", "shadow": "keep" if keep_shadow else "drop"}
    result = call_plugin("segment", image, params, ctx, span=(0.02, 0.5))
    mask = first_layer(result, "mask", "mask")
    cutout = first_layer(result, "raster", "cutout")
    if mask is None or not (mask.data >= 128).any():  # type: ignore[operator]
        raise PluginError(f"{NO_PRODUCT} in the photo: select the product (or give "
                          "--mask) and run again")
    alpha = np.asarray(mask.data)
    colours = np.ascontiguousarray(cutout.data[..., :3]) if cutout is not None else rgb  # type: ignore[index]
    return alpha, colours, "segment", _darkness(first_layer(result, "raster", "shadow"))


def _darkness(layer: OutputLayer | None) -> np.ndarray | None:
    """A black shadow layer's darkness (its alpha), or None."""
    return None if layer is None else np.ascontiguousarray(layer.data[..., 3])  # type: ignore[index]


def _backdrop(kind: str, image: np.ndarray, alpha: np.ndarray, product: np.ndarray,
              colour: tuple[int, int, int] | None, colour2: tuple[int, int, int] | None,
              params: dict) -> tuple[np.ndarray, np.ndarray | None]:
    """The backdrop's RGB and, only when it is not opaque (``keep`` of a transparent
    photo), its alpha."""
    h, w = alpha.shape
    assert colour is not None
    if kind == "white":
        return backdrops.flat(h, w, (255, 255, 255)), None
    if kind == "colour":
        return backdrops.flat(h, w, colour), None
    if kind == "gradient":
        second = colour2 or tuple(int(c * 0.8) for c in colour)
        return backdrops.gradient(h, w, colour, second, params["angle"]), None  # type: ignore[arg-type]
    if kind == "sweep":
        return backdrops.sweep(h, w, colour, colour2, _horizon(alpha)), None
    if kind == "image":
        path = params.get("image")
        if not path:
            raise PluginError("background=image needs the backdrop photo: image=PATH")
        return backdrops.photo(path, h, w, params["image_blur"]), None
    rgb = np.ascontiguousarray(image[..., :3])
    if kind == "blur":
        sigma = params["blur"] / 1000.0 * max(h, w)
        return backdrops.fill_behind(rgb, alpha, max(sigma, 0.5)), None
    if kind == "keep":
        own = image[..., 3]
        return rgb, (None if own.min() == 255 else own.copy())
    raise PluginError(f"unknown background {kind!r}")


def _horizon(alpha: np.ndarray) -> float:
    """The row where a sweep's floor meets its wall: a little behind the product's base."""
    h = alpha.shape[0]
    fp = footprint(alpha)
    if fp is None:
        return 0.6 * h
    return float(np.clip(fp.floor - 0.12 * fp.height, 0.15 * h, 0.92 * h))


# -- shadows ----------------------------------------------------------------------------
def _shadows(params: dict, alpha: np.ndarray, product: np.ndarray,
             found: np.ndarray | None) -> list[OutputLayer]:
    kind = params["shadow"]
    opacity, softness = params["shadow_opacity"], params["shadow_softness"]
    if kind == "none" or opacity <= 0:
        return []
    if kind == "photo":  # the photo's own, as shot at the default opacity
        if found is None or not found.any():
            return []
        dark = np.clip(found.astype(np.float32) * (opacity / PHOTO_OPACITY) + 0.5, 0, 255
                       ).astype(np.uint8)
        return [OutputLayer("raster", "Shadow", darkness_layer(dark), role="shadow")]
    if kind == "contact":
        dark = contact_shadow(alpha, opacity=opacity, softness=max(softness, 0.05))
        return [OutputLayer("raster", "Shadow", darkness_layer(dark), role="shadow")]
    if kind == "drop":
        dark = drop_shadow(alpha, light_angle=params["light_angle"],
                           distance=params["shadow_distance"] / 100.0,
                           softness=0.03 * softness, opacity=opacity)
        return [OutputLayer("raster", "Shadow", darkness_layer(dark), role="shadow")]
    mirror = reflection(product, alpha, opacity=0.6 * opacity,
                        fade=0.2 + 0.15 * min(softness, 4.0))
    return [OutputLayer("raster", "Reflection", mirror, role="reflection")]


def _floor(scene: np.ndarray, shadows: list[OutputLayer]) -> np.ndarray:
    """The backdrop with the shadows and any reflection on it (opaque RGB)."""
    for layer in shadows:
        if layer.role == "reflection":
            rgba = layer.data
            scene = _over_opaque(rgba[..., :3], rgba[..., 3], scene)  # type: ignore[index]
    return scene


# -- harmonise and restyle (the learned parts, imported when used) --------------------------
def _wants_harmonise(params: dict, kind: str) -> bool:
    mode = params["harmonise"]
    if mode == "off" or params["harmonise_strength"] <= 0:
        return False
    return mode == "on" or kind in SCENES


def _harmonised(product: np.ndarray, alpha: np.ndarray, scene: np.ndarray, params: dict,
                ctx: Context) -> tuple[np.ndarray, str | None]:
    """The product's colours harmonised with ``scene``, and a note when it could not be
    (``harmonise=auto`` goes on without; ``on`` is an error)."""
    try:
        from plugins.background.harmonise import harmonise
    except ImportError as exc:
        why = f"harmonise is not available ({exc})"
        if params["harmonise"] == "on":
            raise PluginError(why) from None
        return product, why
    composite = _over_opaque(product, alpha, scene)
    try:
        adjusted = harmonise(composite, alpha, float(params["harmonise_strength"]),
                             ctx.device, params.get("harmonise_model"))
    except PluginError as exc:
        if params["harmonise"] == "on":
            raise
        return product, f"not harmonised: {exc}"
    return _follow(product, composite, adjusted, alpha), None


def _apply_style(rgb: np.ndarray, model: str, device: str) -> np.ndarray:
    try:
        from plugins.background.restyle import apply_style
    except ImportError as exc:
        raise PluginError(f"restyle is not available ({exc})") from None
    return apply_style(rgb, model, device)


def _follow(product: np.ndarray, before: np.ndarray, after: np.ndarray,
            alpha: np.ndarray) -> np.ndarray:
    """The product's own colours changed as the composite ``before`` -> ``after`` changed
    them: a product pixel of alpha ``a`` moved ``(after - before) / a`` (the change of a
    composite that blends the adjusted product in by its alpha)."""
    a = alpha.astype(np.float32)[..., None] / 255.0
    change = (after.astype(np.float32) - before.astype(np.float32)) / np.maximum(a, 1e-3)
    moved = np.clip(product.astype(np.float32) + change + 0.5, 0, 255).astype(np.uint8)
    return np.where(alpha[..., None] >= _FAINT, moved, product)


# -- output -----------------------------------------------------------------------------------
def _over_opaque(rgb: np.ndarray, alpha: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """``rgb`` with ``alpha`` over the opaque ``floor``: exact where the product is opaque
    and where it is absent; only the product's bounding box is blended."""
    out = floor.copy()
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if rows.size == 0:
        return out
    ys, xs = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
    a = alpha[ys, xs].astype(np.float32) * (1 / 255)
    out[ys, xs] = cv2.blendLinear(np.ascontiguousarray(rgb[ys, xs]),
                                  np.ascontiguousarray(floor[ys, xs]), a, 1 - a)
    return out


def _rgba(rgb: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    """RGB and an alpha (None: opaque) as one RGBA image."""
    out = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2RGBA)
    if alpha is not None:
        out[..., 3] = alpha
    return out


def _compose(floor: np.ndarray, floor_alpha: np.ndarray | None, product: np.ndarray,
             alpha: np.ndarray, shadows: list[OutputLayer]) -> np.ndarray:
    """The finished picture, RGBA: opaque unless the backdrop is transparent."""
    if floor_alpha is None:
        return _rgba(_over_opaque(product, alpha, floor), None)
    out = _rgba(floor, floor_alpha)
    for layer in shadows:
        out = over(layer.data, out)  # type: ignore[arg-type]
    return over(_rgba(product, alpha), out)


def _layers(kind: str, mode: str, final: np.ndarray, backdrop: np.ndarray,
            backdrop_alpha: np.ndarray | None, shadows: list[OutputLayer],
            product: np.ndarray, alpha: np.ndarray, report: dict) -> list[OutputLayer]:
    main = OutputLayer("raster", f"Background: {kind}", np.ascontiguousarray(final),
                       role="background")
    if mode == "flat":
        return [main]
    if backdrop_alpha is not None and mode == "both":
        # under a see-through backdrop the finished picture would show its shadow twice
        report["layers"] = "flat: the backdrop is transparent"
        return [main]
    stack = [OutputLayer("raster", f"Backdrop: {kind}", _rgba(backdrop, backdrop_alpha),
                         role="backdrop"),
             *shadows,
             OutputLayer("raster", "Product", _rgba(product, alpha), role="product")]
    return stack if mode == "stack" else [main, *stack]
