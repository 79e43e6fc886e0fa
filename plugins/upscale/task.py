"""Upscale: the plugin's ``run``. Works out the output size, refuses impossible ones before
any work, optionally removes noise first, enlarges with the learned model at the nearest
scale it has (or with bicubic/Lanczos), then resamples the rest of the way with Lanczos."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from editor.tasks.api import Context, OutputLayer, PluginError, Request, Result
from plugins.upscale.model import PLUGIN_ID
from plugins.upscale.upscaler import Upscaler, classical_resize

#: the longest side Lightbox will make; asked for more, the run is refused before any work
MAX_SIDE = 40_000
#: a side shorter than this holds no detail to enlarge
MIN_SIDE = 2


@dataclass(frozen=True)
class SizePlan:
    """What a run will make: the output size and the exact enlargement factor."""

    width: int
    height: int
    factor: float


def plan_size(width: int, height: int, params: dict[str, Any]) -> SizePlan:
    """The output size for an input of ``width`` x ``height`` (PluginError if impossible).

    A target size wins over ``scale``: ``width`` and ``height`` together give that exact
    size; one of them, or ``long_side``, keeps the aspect ratio."""
    if min(width, height) < MIN_SIDE:
        raise PluginError(f"the image is {width}x{height} pixels; upscaling needs at least "
                          f"{MIN_SIDE} pixels on each side")
    w_to, h_to, longest = (params.get(k) for k in ("width", "height", "long_side"))
    if longest is not None and (w_to is not None or h_to is not None):
        raise PluginError("give either a long side or a width/height, not both")
    if w_to is not None and h_to is not None:
        out_w, out_h = int(w_to), int(h_to)
    elif w_to is not None:
        out_w, out_h = int(w_to), max(1, round(height * w_to / width))
    elif h_to is not None:
        out_w, out_h = max(1, round(width * h_to / height)), int(h_to)
    elif longest is not None:
        ratio = longest / max(width, height)
        out_w, out_h = max(1, round(width * ratio)), max(1, round(height * ratio))
    else:
        scale = int(params.get("scale", 2))
        out_w, out_h = width * scale, height * scale
    if max(out_w, out_h) > MAX_SIDE:
        raise PluginError(f"the result would be {out_w}x{out_h} pixels; the largest side "
                          f"Lightbox makes is {MAX_SIDE:,} pixels — choose a smaller scale "
                          "or target size")
    return SizePlan(out_w, out_h, max(out_w / width, out_h / height))


def model_scale(factor: float, scales: tuple[int, ...]) -> int | None:
    """The model scale to use for an enlargement by ``factor``: the smallest one that
    reaches it (the rest is a downsample, which loses nothing), else the largest; None
    when the image does not grow."""
    if factor <= 1.0 + 1e-6:
        return None
    reaching = [s for s in sorted(scales) if s >= factor - 1e-3]
    return reaching[0] if reaching else max(scales)


@functools.lru_cache(maxsize=2)
def _load(path: str, mtime: float, device: str) -> Upscaler:
    from plugins.upscale.model import load_network

    net, config, _ = load_network(path, device)
    return Upscaler(net, config, device)


def _upscaler(params: dict[str, Any], device: str) -> tuple[Upscaler | None, str]:
    """The learned upscaler to use (None = none available) and the model's path."""
    from editor.training.store import ModelError, model_for

    path = model_for(PLUGIN_ID, params.get("model"), bundled="default")
    if path is None:
        return None, ""
    path = Path(path)
    try:
        return _load(str(path), path.stat().st_mtime if path.exists() else 0.0, device), str(path)
    except ModelError as exc:
        raise PluginError(str(exc)) from None
    except OSError as exc:
        raise PluginError(f"{path}: {exc.strerror or exc}") from None


def _denoise(image: np.ndarray, ctx: Context) -> np.ndarray:
    """The image through the installed ``denoise`` plugin with its default settings."""
    from editor.tasks.chain import call_plugin, first_layer

    try:
        result = call_plugin("denoise", image, {}, ctx, span=(0.0, 0.3))
    except PluginError as exc:
        raise PluginError(f"denoise before upscaling failed: {exc}") from None
    layer = first_layer(result, "raster")
    if layer is None:
        raise PluginError("the denoise plugin returned no image")
    return layer.data  # type: ignore[return-value]


def run(request: Request, ctx: Context) -> Result:
    params = request.params
    height, width = request.image.shape[:2]
    plan = plan_size(width, height, params)  # refuses before any work
    image = request.image
    start = 0.0
    if params.get("denoise"):
        ctx.progress(0.0, "Removing noise first")
        image = _denoise(image, ctx)
        start = 0.3
    method = params.get("method", "learned")
    report: dict[str, Any] = {"size": [plan.width, plan.height], "factor": round(plan.factor, 4),
                              "denoised": bool(params.get("denoise"))}
    upscaler, model_path = (None, "")
    if method == "learned":
        upscaler, model_path = _upscaler(params, ctx.device)
        if upscaler is None:
            method = "lanczos"
            report["note"] = "no upscale model installed: used Lanczos"
            ctx.log.warning("upscale: no model found, falling back to Lanczos")
    scale = model_scale(plan.factor, upscaler.config.scales) if upscaler else None
    if upscaler is not None and scale is not None:
        ctx.progress(start, f"Upscaling x{scale}")
        big = upscaler.upscale(image, scale, mask=request.mask, tile=int(params.get("tile", 512)),
                               ctx=ctx, progress=(start, 0.95))
        report.update(method="learned", model=model_path, model_scale=scale)
    else:
        big = image
        report["method"] = method if method != "learned" else "lanczos"
    ctx.progress(0.95, "Resampling to the exact size")
    if big.shape[:2] == (plan.height, plan.width) and big is not request.image:
        out = big  # no copy: a x4 of a large photo is gigabytes
    else:
        out = classical_resize(big, (plan.width, plan.height),
                               "bicubic" if report["method"] == "bicubic" else "lanczos")
    if request.image[..., 3].min() == 255:  # an opaque photo stays exactly opaque
        out[..., 3] = 255
    ctx.progress(1.0, "Done")
    name = (f"Upscaled x{round(plan.factor)}" if math.isclose(plan.factor, round(plan.factor))
            else f"Upscaled to {plan.width}x{plan.height}")
    return Result(layers=[OutputLayer("raster", name, out)], report=report)
