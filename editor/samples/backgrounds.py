"""Backdrops for the samples, float RGB 0..255: studio sweep, marketplace white, a two-colour
gradient, and a procedural texture (wood planks or concrete)."""

from __future__ import annotations

import colorsys

import numpy as np

from editor.samples.sdf import F32, Array, grid, noise, smoothstep

BACKGROUNDS = ("sweep", "white", "gradient", "texture")


def backdrop(name: str, w: int, h: int, rng: np.random.Generator, horizon: float) -> Array:
    """The backdrop ``name`` at ``w`` x ``h``; ``horizon`` is the row where the floor meets
    the wall behind the product (the sweep's curve)."""
    if name not in BACKGROUNDS:
        raise ValueError(f"unknown background {name!r}; choose one of {', '.join(BACKGROUNDS)}")
    if name == "white":
        return np.full((h, w, 3), 255.0, F32)
    x, y = grid(h, w)
    if name == "sweep":
        return _sweep(x, y, w, h, rng, horizon)
    if name == "gradient":
        return _gradient(x, y, w, h, rng)
    return _texture(x, y, w, h, rng)


def _sweep(x: Array, y: Array, w: int, h: int, rng: np.random.Generator, horizon: float) -> Array:
    """Paper sweep: a darker wall above, brightest where it curves into the floor behind the
    product, the floor falling off towards the camera, light from the left, a vignette."""
    grey = rng.uniform(226, 238)
    tint = 1 + np.array([1.0, 0.3, -0.8]) * rng.uniform(-0.012, 0.012)
    curve = horizon - 0.05 * h * ((x - w / 2) / (w / 2)) ** 2
    t = (y - curve) / h
    value = (0.86 + 0.13 * smoothstep(-0.75, 0.03, t) - 0.05 * smoothstep(0.04, 0.7, t)
             - 0.008 * np.exp(-((t - 0.01) / 0.03) ** 2))
    value = value * (1 + 0.035 * (0.5 - x / w)) * (1 + 0.006 * noise(rng, h, w, h / 3))
    r2 = ((x - w / 2) / (w / 2)) ** 2 + ((y - h / 2) / (h / 2)) ** 2
    value = value * (1 - 0.09 * (r2 / 2) ** 1.2)
    return (value[..., None] * (grey * tint / 0.99)).astype(F32)


def _gradient(x: Array, y: Array, w: int, h: int, rng: np.random.Generator) -> Array:
    """Two soft random colours blended along a random direction."""
    colours = []
    for _ in range(2):
        rgb = colorsys.hsv_to_rgb(rng.uniform(), rng.uniform(0.12, 0.45), rng.uniform(0.72, 0.96))
        colours.append(np.array(rgb, F32) * 255)
    angle = rng.uniform(0, 2 * np.pi)
    dx, dy = np.cos(angle), np.sin(angle)
    p = (x - w / 2) * dx + (y - h / 2) * dy
    reach = abs(dx) * w / 2 + abs(dy) * h / 2
    t = smoothstep(-reach, reach, p)[..., None]
    return (colours[0] * (1 - t) + colours[1] * t).astype(F32)


def _texture(x: Array, y: Array, w: int, h: int, rng: np.random.Generator) -> Array:
    """Wood planks (grain that wanders, seams, plank-to-plank tone) or speckled concrete."""
    if rng.uniform() < 0.5:
        base = np.array(colorsys.hsv_to_rgb(rng.uniform(0.05, 0.1), rng.uniform(0.3, 0.6),
                                            rng.uniform(0.45, 0.8)), F32) * 255
        plank = max(h / rng.uniform(4, 7), 4.0)
        row = np.floor(y / plank)
        tone = 1 + 0.08 * np.sin(row * 12.9898 + rng.uniform(0, 6.3))
        wander = noise(rng, h, w, max(w / 6, 4)) * 2 + noise(rng, h, w, max(w / 40, 2)) * 0.3
        grain = 0.5 + 0.5 * np.sin((y / plank * 9 + wander) * np.pi)
        seam = 1 - 0.35 * np.exp(-((np.mod(y, plank) - 0.5) / max(plank * 0.03, 0.6)) ** 2)
        value = tone * (0.88 + 0.12 * grain) * seam
    else:
        base = np.full(3, rng.uniform(150, 200), F32) * (1 + rng.uniform(-0.03, 0.03, 3))
        value = (1 + 0.06 * noise(rng, h, w, max(w / 5, 4)) + 0.04 * noise(rng, h, w, 3.0)
                 + 0.03 * rng.normal(0, 1, (h, w)).astype(F32))
    return np.clip(value[..., None] * base, 0, 255).astype(F32)
