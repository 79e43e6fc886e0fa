"""Backdrop sets and generated backdrops: the product put on each through the
``background`` plugin (shadow included), never by compositing here."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from editor.imaging.colour import parse_hex_colour
from editor.imaging.composite import over
from editor.model.imageio import iter_image_files, save_image
from editor.tasks.api import Context, PluginError
from editor.tasks.chain import call_plugin
from editor.training.store import ModelError, load_model, model_for

PLUGIN_ID = "variants"
NAMED = ("white", "gradient", "sweep", "blur")


def backdrop_specs(text: str, folder: str | None) -> list[tuple[str, dict[str, Any]]]:
    """``white,#f3e5d8,gradient,sweep:#ffffff:#cfd8dc,blur`` (and every image of
    ``folder``) -> ``[(variant name, background params)]``; PluginError on a bad item."""
    specs: list[tuple[str, dict[str, Any]]] = []
    for raw in (t.strip() for t in text.split(",")):
        if not raw:
            continue
        head, *colours = [p.strip() for p in raw.split(":")]
        for colour in colours:
            _check_colour(colour, raw)
        if head.startswith("#") or (not colours and _is_hex(head)):
            _check_colour(head, raw)
            specs.append((f"bg-{head.lstrip('#').lower()}",
                          {"background": "colour", "colour": _hex(head)}))
        elif head.lower() in NAMED:
            kind = head.lower()
            params: dict[str, Any] = {"background": kind}
            if colours:
                params["colour"] = _hex(colours[0])
            if len(colours) > 1:
                params["colour2"] = _hex(colours[1])
            name = "-".join([f"bg-{kind}", *(c.lstrip("#").lower() for c in colours)])
            specs.append((name, params))
        else:
            raise PluginError(f"backgrounds: {raw!r} is not a backdrop; use white, a #RRGGBB "
                              f"colour, gradient, sweep or blur (gradient:#RRGGBB:#RRGGBB "
                              "for its colours)")
    if folder:
        path = Path(folder)
        if not path.is_dir():
            raise PluginError(f"folder: {path} is not a folder")
        images = sorted(iter_image_files([path]))
        if not images:
            raise PluginError(f"folder: {path} holds no images")
        specs += [(f"bg-{p.stem}", {"background": "image", "image": str(p)}) for p in images]
    if not specs:
        raise PluginError("backgrounds: name at least one backdrop (e.g. white,gradient)")
    return specs


def _is_hex(text: str) -> bool:
    try:
        parse_hex_colour(text)
    except ValueError:
        return False
    return len(text.lstrip("#")) == 6


def _check_colour(text: str, item: str) -> None:
    try:
        parse_hex_colour(text)
    except ValueError as exc:
        raise PluginError(f"backgrounds: in {item!r}: {exc}") from None


def _hex(text: str) -> str:
    return "#{:02x}{:02x}{:02x}".format(*parse_hex_colour(text))


def on_backdrop(image: np.ndarray, mask: np.ndarray, params: dict[str, Any], ctx: Context,
                span: tuple[float, float]) -> np.ndarray:
    """The finished picture of ``background`` run with ``params`` (and a flat result)."""
    result = call_plugin("background", image, {**params, "layers": "flat"}, ctx, mask=mask,
                         span=span)
    rasters = [layer.data for layer in result.layers if layer.kind == "raster"]
    if not rasters:
        raise PluginError("the background plugin returned no picture")
    picture = image
    for layer in rasters:  # bottom first, as the editor stacks them
        picture = over(layer, picture)  # type: ignore[arg-type]
    return picture


# -- generated backdrops -------------------------------------------------------------------

def load_backdrop_generator(model: str | None) -> tuple[Any, Path]:
    """The trained generator (``model``, else the one made active for ``variants``)."""
    path = model_for(PLUGIN_ID, model)
    if path is None:
        raise PluginError("generate: no backdrop generator yet; train one on a folder of your "
                          "backdrop photos with `lightbox train variants FOLDER -o gen.pt`, "
                          "then pass -p model=gen.pt")
    try:
        state, _card = load_model(path, PLUGIN_ID)
    except ModelError as exc:
        raise PluginError(f"generate: {exc}") from None
    from plugins.variants.generator import load_generator

    try:
        return load_generator(state), path
    except (RuntimeError, KeyError) as exc:
        raise PluginError(f"generate: {path} is not a backdrop generator ({exc})") from None


def generated_backdrops(generator: Any, count: int, seed: int) -> np.ndarray:
    from plugins.variants.generator import sample

    return sample(generator, count, seed)


def enlarge(backdrop: np.ndarray, size: tuple[int, int], ctx: Context, use_upscale: bool,
            span: tuple[float, float]) -> np.ndarray:
    """A small square backdrop ``uint8 (s, s, 3)`` scaled to cover ``size`` = (w, h) and
    centred: through the ``upscale`` plugin (x4) when asked, then a plain resize."""
    import cv2

    rgba = np.dstack([backdrop, np.full(backdrop.shape[:2], 255, np.uint8)])
    w, h = size
    side = max(w, h)
    if use_upscale and side > backdrop.shape[0]:
        result = call_plugin("upscale", rgba, {"scale": 4}, ctx, span=span)
        rasters = [layer.data for layer in result.layers if layer.kind == "raster"]
        if rasters:
            rgba = rasters[0]  # type: ignore[assignment]
    method = cv2.INTER_AREA if rgba.shape[0] > side else cv2.INTER_CUBIC
    square = cv2.resize(rgba, (side, side), interpolation=method)
    y, x = (side - h) // 2, (side - w) // 2
    return np.ascontiguousarray(square[y:y + h, x:x + w])


def backdrop_files(backdrops: list[np.ndarray]) -> Iterator[Path]:
    """Each backdrop written to a temporary PNG for the ``background`` plugin's ``image``
    param; the folder goes when the iteration ends."""
    with tempfile.TemporaryDirectory(prefix="lightbox-variants-") as folder:
        for i, backdrop in enumerate(backdrops):
            path = Path(folder) / f"backdrop-{i}.png"
            save_image(path, backdrop)
            yield path
