"""What every product builder returns, and the colour and shading helpers they share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from editor.samples.sdf import F32, Array, Canvas, coverage, lambert, noise, streak

Colour = tuple[int, int, int]


@dataclass
class ProductImage:
    """A product on its own canvas: straight colour 0..1, coverage 0..1, and the ellipse
    ``(cx, cy, rx, ry)`` where it stands on the floor, in canvas pixels (for its shadow)."""

    rgb: Array
    alpha: Array
    base: tuple[float, float, float, float]


def pick(rng: np.random.Generator, palette: list[Colour], jitter: float = 6.0) -> Array:
    """One colour of ``palette`` with a little jitter, as 0..1 floats."""
    base = np.array(palette[int(rng.integers(len(palette)))], np.float64)
    return np.clip((base + rng.normal(0.0, jitter, 3)) / 255.0, 0.0, 1.0).astype(F32)


def to_unit(colour: Colour | Array) -> Array:
    """An RGB colour given as 0..255 integers, as 0..1 floats."""
    return np.clip(np.asarray(colour, F32) / 255.0, 0.0, 1.0)


def mottle(rng: np.random.Generator, canvas: Canvas, amount: float = 0.035) -> Array:
    """A slow brightness variation, so no surface is a flat computer colour."""
    field = noise(rng, canvas.height, canvas.width, max(canvas.h / 3, 4.0))
    return (1.0 + amount * field)[..., None].astype(F32)


def row_radius(d: Array) -> Array:
    """Half width of a shape on each row, from its coverage: the local radius of a solid of
    revolution, which is all a cylinder's shading needs."""
    return coverage(d).sum(axis=1) / 2


def turned(
    canvas: Canvas,
    d: Array,
    albedo: Array,
    gloss: float,
    ridges: int = 0,
    ambient: float = 0.32,
) -> Array:
    """Shade the solid of revolution with silhouette ``d`` around ``x = 0``: diffuse light
    across it, edges turning away from the camera, a tilt where the radius changes (shoulders
    and rims) and two softbox streaks scaled by ``gloss``."""
    r = row_radius(d)
    slope = np.clip(np.gradient(r), -3.0, 3.0)[:, None].astype(F32)
    u = np.clip(canvas.x / np.maximum(r, 0.5)[:, None], -1.0, 1.0)
    nz = np.sqrt(1.0 - u * u)
    norm = np.sqrt(u * u + slope * slope + nz * nz)
    diffuse = lambert(u / norm, -slope / norm, nz / norm)
    edge = 0.55 + 0.45 * np.sqrt(nz)
    shade = (ambient + (1.05 - ambient) * diffuse) * edge
    if ridges:
        # Knurling on a cap: only drawn when each ridge is a few pixels wide, else it aliases.
        period = np.pi * float(r.max()) / ridges
        if period > 3:
            shade = shade * (1 + 0.07 * np.cos(np.arcsin(u) * ridges * 2))
    colour = albedo * shade[..., None]
    spec = gloss * (streak(u, -0.48, 0.11) + 0.45 * streak(u, 0.66, 0.05))
    return np.clip(colour + spec[..., None] * (1 - colour), 0.0, 1.0)


def tube(d_centre: Array, half: float, albedo: Array, gloss: float) -> Array:
    """Shade a round tube (a mug or bag handle) whose centre line is ``d_centre == 0``."""
    gy, gx = np.gradient(d_centre)
    g = np.maximum(np.hypot(gx, gy), 1e-6)
    w = np.clip(d_centre / max(half, 0.5), -1.0, 1.0)
    nz = np.sqrt(1 - w * w)
    diffuse = lambert(gx / g * w, gy / g * w, nz)
    colour = albedo * ((0.3 + 0.75 * diffuse) * (0.6 + 0.4 * nz))[..., None]
    spec = gloss * np.clip(diffuse - 0.75, 0, 1) * 3
    return np.clip(colour + spec[..., None] * (1 - colour), 0.0, 1.0)
