"""Apply a two-folder restyle model (trained with ``lightbox train background DIR``).

The model's a -> b generator (its running average) is a per-pixel colour transform (a
global transform + LUT residual), so it is applied to every pixel of the full-size photo
directly: no tiles, no resampling, nothing that could blur the photo. The b -> a generator and the
discriminators in the file are only used in training.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np

from editor.tasks.api import PluginError
from editor.training.store import ModelError, load_model, verify_model
from plugins.background.model import LUT_SIZE, PLUGIN_ID, build_generator

#: pixels per chunk on the way through the generator (bounds the memory of a huge photo)
CHUNK = 1 << 20


def apply_style(rgb: np.ndarray, model: str, device: str) -> np.ndarray:
    """Turn a ``uint8 (H, W, 3)`` photo from style a into style b with the restyle model
    file ``model``; returns a new ``uint8 (H, W, 3)``. PluginError for a missing,
    damaged or foreign model."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise PluginError(f"restyle needs a uint8 RGB image, got {rgb.dtype} {rgb.shape}")
    generator = load_style(model, "cuda" if device == "cuda" else "cpu")
    return run_generator(generator, rgb)


def load_style(model: str | Path, device: str = "cpu") -> Any:
    """The a -> b generator of a restyle model file, in eval mode (cached per content)."""
    if not model:
        raise PluginError("no restyle model: train one with `lightbox train background DIR` "
                          "(DIR/a/ and DIR/b/ hold photos in the two styles)")
    path = Path(model)
    try:
        card = verify_model(path, PLUGIN_ID)
        if card.config.get("kind") != "restyle":
            raise ModelError(path, "this is not a restyle model (train one with `lightbox "
                                   "train background DIR`)")
        return _load(str(path.resolve()), card.sha256, device,
                     int(card.config.get("lut_size", LUT_SIZE)))
    except ModelError as exc:
        raise PluginError(f"cannot use the restyle model: {exc}") from None


@functools.lru_cache(maxsize=4)
def _load(path: str, sha256: str, device: str, lut_size: int) -> Any:
    state, _ = load_model(path, PLUGIN_ID)
    # the running average of the a -> b generator when the file has one
    prefix = "ema." if any(k.startswith("ema.") for k in state) else "g_ab."
    own = {k[len(prefix):]: v.float() for k, v in state.items() if k.startswith(prefix)}
    generator = build_generator(lut_size)
    try:
        generator.load_state_dict(own, strict=True)
    except RuntimeError as exc:
        raise ModelError(path, f"the weights do not fit the restyle model ({exc})") from None
    return generator.to(device).eval()


def run_generator(generator: Any, rgb: np.ndarray) -> np.ndarray:
    """A generator applied to every pixel of ``rgb`` (uint8 (H, W, 3)), in chunks."""
    import torch

    device = next(generator.parameters()).device
    flat = rgb.reshape(-1, 3)
    out = np.empty_like(flat)
    with torch.inference_mode():
        for start in range(0, len(flat), CHUNK):
            x = torch.from_numpy(flat[start:start + CHUNK]).to(device).float().div(255)
            y = generator(x.T[None])[0].T
            out[start:start + CHUNK] = (y * 255).round().clamp(0, 255).byte().cpu().numpy()
    return out.reshape(rgb.shape)
