"""Remove noise or JPEG artefacts: the plugin's ``run``.

The learned denoiser (:mod:`plugins.denoise.model`) is used when a model is found (the one
chosen for this run, the user's active model, else the bundled default); without one the
classical path, OpenCV non-local means, always works. Either way:

- the noise level is the user's ``sigma`` or, left empty, measured from the photo
  (:func:`plugins.denoise.estimate.estimate_sigma`) and reported back;
- ``strength`` scales what the denoiser is told (above 1 smooths more);
- ``mode = "jpeg"`` removes compression artefacts instead, for a photo saved at ``quality``;
- large photos go through overlapping tiles (bounded memory, blended seams, one cancel
  point per tile);
- with a selection only the selected pixels change (soft edges blend), and only the
  selection's surroundings are computed;
- alpha is passed through untouched; a grey photo stays grey.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from editor.tasks.api import Context, OutputLayer, PluginError, Request, Result
from editor.tasks.tiling import process_tiled
from plugins.denoise.estimate import estimate_sigma
from plugins.denoise.model import PLUGIN_ID
from plugins.denoise.synth import jpeg_strength

__all__ = ["estimate_sigma", "run"]

#: a measured noise level below this (0-255 units) is invisible: clean photos measure
#: 0.2-0.6 (Kodak24, the bundled samples), noise a viewer notices starts around 2
NEGLIGIBLE_SIGMA = 1.0
#: non-local means filter strength per unit of noise sigma (best of 0.4-1.0 at sigma 15, 25
#: and 50 on photos held out of train-bsds400; see bench/denoise.py)
H_PER_SIGMA = 0.6
#: tiles for the learned model (multiples of 8 so most tiles align with the network grid)
TILE = 768
OVERLAP = 48
#: tiles for non-local means
NLM_TILE = 512
NLM_OVERLAP = 24
#: rows per strip when finishing the result (grey photos, a selection's soft edge)
STRIP_ROWS = 256
#: around a selection, this much context is computed too
SELECTION_MARGIN = 48
#: non-local means has no JPEG model: artefacts of quality q are treated as noise of this
#: sigma per quality point below 100
NLM_SIGMA_PER_JPEG_POINT = 0.12


def run(request: Request, ctx: Context) -> Result:
    params = request.params
    image = request.image
    mode = params.get("mode", "noise")
    strength = float(params.get("strength", 1.0))
    method = params.get("method", "auto")

    region = _region(request.mask, image.shape[:2])
    if region is None:
        raise PluginError("the selection is empty: select the area to clean up, or clear "
                          "the selection to clean up the whole photo")
    y0, y1, x0, x1 = region
    rgb = image[y0:y1, x0:x1, :3]  # a view: tiles are copied one at a time

    sigma = params.get("sigma")
    measured = sigma is None
    if measured:
        if mode == "jpeg":
            sigma = 0.0  # blocks and ringing are not Gaussian noise: do not measure them
        else:
            ctx.progress(0.0, "Measuring the noise")
            sigma = estimate_sigma(rgb)
    sigma = float(sigma)
    if measured and mode != "jpeg" and sigma < NEGLIGIBLE_SIGMA:
        # a layer identical to the photo would only clutter the stack: say so instead
        ctx.progress(1.0, "No noticeable noise")
        return Result(report={
            "message": f"no noticeable noise (measured {sigma:.1f}); nothing was changed",
            "mode": mode, "sigma": round(sigma, 2), "sigma_estimated": True,
            "method": "none"})
    quality = float(params.get("quality", 50))
    jpeg = jpeg_strength(quality) if mode == "jpeg" else 0.0
    told_sigma, told_jpeg = sigma * strength, min(1.0, jpeg * strength)

    net, model_path = _network(method, params.get("model"), ctx)
    report: dict[str, Any] = {"mode": mode, "sigma": round(sigma, 2),
                              "sigma_estimated": measured and mode != "jpeg",
                              "strength": strength}
    if mode == "jpeg":
        report["quality"] = quality
    # the result is written straight into the new layer, a band of tiles at a time: no
    # float copy of the photo is ever made (a 196 MP photo peaked at 7.3 GB before)
    out = image.copy()
    patch = out[y0:y1, x0:x1, :3]
    if told_sigma < 0.5 and told_jpeg <= 0.0:
        report["method"] = "none"  # nothing to remove: the patch is the photo already
        ctx.progress(1.0, "No noise to remove")
    elif net is not None:
        report.update(method="learned", model=str(model_path))
        _learned(rgb, net, told_sigma, told_jpeg, ctx, patch)
    else:
        report["method"] = "nlmeans"
        nlm_sigma = told_sigma + (100.0 - quality) * NLM_SIGMA_PER_JPEG_POINT * strength \
            if mode == "jpeg" else told_sigma
        _nlmeans(rgb, nlm_sigma, ctx, patch)

    grey = _is_grey(rgb)
    for top in range(0, patch.shape[0], STRIP_ROWS):  # strips keep the float copies small
        rows = slice(top, top + STRIP_ROWS)
        if grey:
            patch[rows] = (patch[rows].astype(np.float32).mean(2, keepdims=True) + 0.5
                           ).astype(np.uint8)
        if request.mask is not None:
            alpha = request.mask[y0:y1, x0:x1][rows, :, None].astype(np.float32) / 255.0
            patch[rows] = np.clip(patch[rows] * alpha + rgb[rows] * (1 - alpha) + 0.5,
                                  0, 255).astype(np.uint8)
    if request.mask is not None:
        report["selection"] = [int(x0), int(y0), int(x1), int(y1)]
    ctx.log.info("denoise: %s, sigma %.1f (%s), strength %.2f", report["method"], sigma,
                 "estimated" if report["sigma_estimated"] else "given", strength)
    # the layer name shows the user the level that was used (and whether it was measured)
    if mode == "jpeg":
        name = f"JPEG cleaned (quality {quality:g})"
    else:
        name = f"Denoised (noise {sigma:.1f}, {'measured' if measured else 'given'})"
    return Result(layers=[OutputLayer("raster", name, out)], report=report)


def _region(mask: np.ndarray | None, shape: tuple[int, int]
            ) -> tuple[int, int, int, int] | None:
    """(y0, y1, x0, x1) to compute: the whole image, or the selection plus a margin
    (None when the selection is empty)."""
    h, w = shape
    if mask is None:
        return 0, h, 0, w
    ys = np.flatnonzero(mask.any(1))
    xs = np.flatnonzero(mask.any(0))
    if len(ys) == 0:
        return None
    m = SELECTION_MARGIN
    return (max(0, ys[0] - m), min(h, ys[-1] + 1 + m), max(0, xs[0] - m),
            min(w, xs[-1] + 1 + m))


def _is_grey(rgb: np.ndarray) -> bool:
    return bool((rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all())


def _network(method: str, chosen: str | Path | None, ctx: Context) -> tuple[Any, Path | None]:
    """(network, its path) for this run, or (None, None) for the classical path."""
    if method == "nlmeans":
        return None, None
    from editor.training.store import ModelError, model_for

    path = model_for(PLUGIN_ID, chosen)
    if path is None:
        if method == "learned":
            raise PluginError("no denoising model: the bundled one is missing and none was "
                              "trained (`lightbox train denoise DIR`); choose method "
                              "nlmeans or auto")
        return None, None
    device = ctx.device if ctx.device in ("cpu", "cuda") else "cpu"
    try:
        return load_network(path, device), Path(path)
    except ModelError as exc:
        raise PluginError(str(exc)) from None


def load_network(path: Path | str, device: str = "cpu") -> Any:
    """The network in a denoise model file (cached per file content and device);
    ``ModelError`` when the file is not an intact denoise model."""
    from editor.training.store import verify_model

    card = verify_model(path, PLUGIN_ID)
    return _load(str(Path(path).resolve()), card.sha256, device)


@functools.lru_cache(maxsize=4)
def _load(path: str, sha256: str, device: str) -> Any:
    from editor.training.store import ModelError, load_model
    from plugins.denoise.model import load_net

    state, card = load_model(path, PLUGIN_ID)
    try:
        return load_net(state, card.config, device)
    except (RuntimeError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(path, f"the weights do not fit the denoiser ({exc})") from None


def _learned(rgb: np.ndarray, net: Any, sigma: float, jpeg: float, ctx: Context,
             out: np.ndarray) -> np.ndarray:
    """The photo's clean pixels, written into ``out`` (uint8, the shape of ``rgb``)."""
    from plugins.denoise.model import denoise_array

    device = next(net.parameters()).device.type
    return process_tiled(
        rgb, lambda t: denoise_array(net, np.ascontiguousarray(t), sigma, jpeg, device),
        tile=TILE, overlap=OVERLAP, ctx=ctx, message="Removing noise", out=out)


def _nlmeans(rgb: np.ndarray, sigma: float, ctx: Context, out: np.ndarray) -> np.ndarray:
    """Like :func:`_learned`, with OpenCV's non-local means."""
    h = max(0.0, sigma * H_PER_SIGMA)

    def denoise_tile(tile: np.ndarray) -> np.ndarray:
        if h < 0.5 or min(tile.shape[:2]) < 3:
            return tile
        bgr = cv2.cvtColor(np.ascontiguousarray(tile), cv2.COLOR_RGB2BGR)
        clean = cv2.fastNlMeansDenoisingColored(bgr, None, h, h, 7, 21)
        return cv2.cvtColor(clean, cv2.COLOR_BGR2RGB)

    return process_tiled(rgb, denoise_tile, tile=NLM_TILE, overlap=NLM_OVERLAP, ctx=ctx,
                         message="Removing noise", out=out)
