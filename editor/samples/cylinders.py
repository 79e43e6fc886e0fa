"""Products built around a cylinder: bottle, jar, can and mug.

The camera looks slightly down, so every circular edge is an ellipse ``E`` times as tall as
it is wide: the bottom edge bulges towards the viewer and the tops of caps and lids show.
"""

from __future__ import annotations

import numpy as np

from editor.samples.parts import ProductImage, mottle, pick, tube, turned
from editor.samples.sdf import F32, Array, Canvas, box, coverage, ellipse, smin, span

E = 0.14
CREAM = [(242, 236, 222), (250, 250, 246), (214, 190, 150), (236, 228, 210)]
INK = [(30, 32, 38), (120, 30, 40), (24, 60, 110), (30, 90, 60), (160, 110, 40)]
METAL = [(200, 200, 204), (205, 170, 95), (40, 40, 44), (235, 235, 232)]


def cylinder(c: Canvas, r: float, y0: float, y1: float, corner: float = 0.0) -> Array:
    """Upright cylinder of radius ``r`` from the top of its top ellipse ``y0`` to the bottom
    of its bottom ellipse ``y1``."""
    e = E * r
    side = span(c.x, c.y, r, y0 + e, y1 - e, corner)
    ends = np.minimum(ellipse(c.x, c.y, 0, y0 + e, r, e), ellipse(c.x, c.y, 0, y1 - e, r, e))
    return np.minimum(side, ends)


def band(c: Canvas, r: float, v0: float, v1: float) -> tuple[Array, Array, Array]:
    """A label wrapped round a cylinder of radius ``r`` between surface rows ``v0`` and ``v1``.
    Returns its distance and the surface coordinates ``(s, v)``: ``s`` is arc length from the
    front, ``v`` the row the point would have if it faced the camera."""
    u = np.clip(c.x / r, -1, 1)
    # A point turned away from the camera sits higher on screen, by E * r at the sides.
    v = c.y - E * r * np.sqrt(1 - u * u) + E * r
    s = (np.arcsin(u) * r).astype(F32)
    d = np.maximum(np.maximum(v0 - v, v - v1), np.abs(c.x) - r)
    return d.astype(F32), s, v.astype(F32)


def print_label(c: Canvas, body: Array, d: Array, s: Array, v: Array, r: float, v0: float,
                v1: float, rng: np.random.Generator, paper: Array, mark: Array) -> None:
    """Paint a label ``d`` on ``body``: paper, a brand stripe, a round logo and lines of
    'text'. It is shaded with the body's radius, since it follows the body's curve."""
    c.painter.paint(d, turned(c, body, paper, 0.12))
    tall = v1 - v0
    shade = np.clip(c.painter.straight() / np.maximum(paper, 1e-3), 0, 1.4)
    stripe = np.maximum(d, np.abs(v - (v0 + 0.16 * tall)) - 0.05 * tall)
    c.painter.paint(stripe, mark * shade)
    logo = box(s, v, 0, v0 + 0.45 * tall, 0.16 * r, 0.16 * r, 0.16 * r)
    c.painter.paint(np.maximum(d, logo), mark * shade)
    for i, width in enumerate(rng.uniform(0.25, 0.55, 3) * r):
        line = box(s, v, 0, v0 + (0.70 + 0.09 * i) * tall, width, 0.018 * tall, 0.01 * tall)
        c.painter.paint(np.maximum(d, line), (0.25 + 0.5 * paper) * shade)


def finish(c: Canvas, silhouette: Array, r: float, rng: np.random.Generator) -> ProductImage:
    """Slight colour variation, a darker foot where the floor shades it, and the footprint."""
    rgb = c.painter.straight() * mottle(rng, c)
    foot = 1 - 0.25 * np.clip(1 - (c.h - c.y) / max(0.04 * c.h, 1.0), 0, 1)
    rgb = np.clip(rgb * foot[..., None], 0, 1)
    base = (c.cx, c.top + c.h - E * r, r, E * r)
    return ProductImage(rgb, coverage(silhouette), base)


def bottle(h: float, rng: np.random.Generator, colour: Array | None) -> ProductImage:
    """A glossy bottle with a shoulder, a ridged cap and a label band."""
    body_colour = colour if colour is not None else pick(rng, [
        (150, 85, 30), (40, 105, 70), (30, 60, 140), (236, 236, 230), (32, 32, 34),
        (222, 168, 168), (40, 128, 138)])
    r, neck, cap_r, cap_h = 0.19 * h, 0.062 * h, 0.08 * h, 0.15 * h
    c = Canvas(h, r)
    shoulder = 0.36 * h
    # A dome for the shoulder whose widest row is where the straight side starts, so the
    # radius (and so the shading) changes smoothly there.
    body = np.minimum.reduce([span(c.x, c.y, r, shoulder, h - E * r),
                              ellipse(c.x, c.y, 0, shoulder, r, 0.15 * h),
                              ellipse(c.x, c.y, 0, h - E * r, r, E * r)])
    glass = smin(body, span(c.x, c.y, neck, 0.5 * cap_h, shoulder, 0), 0.05 * h)
    cap = cylinder(c, cap_r, 0, cap_h, 0.01 * h)
    c.painter.paint(glass, turned(c, glass, body_colour, 0.75))
    v0, v1 = 0.52 * h, 0.86 * h
    label, s, v = band(c, r, v0, v1)
    print_label(c, glass, label, s, v, r, v0, v1, rng, pick(rng, CREAM), pick(rng, INK))
    c.painter.paint(cap, turned(c, cap, pick(rng, METAL), 0.5, ridges=48))
    return finish(c, np.minimum(glass, cap), r, rng)


def jar(h: float, rng: np.random.Generator, colour: Array | None) -> ProductImage:
    """A wide cosmetic or food jar with a ridged lid and a wrap-round label."""
    contents = colour if colour is not None else pick(rng, [
        (238, 232, 220), (196, 120, 30), (150, 30, 45), (40, 40, 42), (150, 170, 140)])
    r, lid_h = 0.45 * h, 0.24 * h
    c = Canvas(h, r * 1.02)
    body = cylinder(c, r, 0.5 * lid_h, h, 0.03 * h)
    lid = cylinder(c, 1.02 * r, 0, lid_h, 0.02 * h)
    c.painter.paint(body, turned(c, body, contents, 0.8))
    v0, v1 = 0.40 * h, 0.86 * h
    label, s, v = band(c, r, v0, v1)
    print_label(c, body, label, s, v, r, v0, v1, rng, pick(rng, CREAM), pick(rng, INK))
    c.painter.paint(lid, turned(c, lid, pick(rng, METAL), 0.45, ridges=90))
    return finish(c, np.minimum(body, lid), r, rng)


def can(h: float, rng: np.random.Generator, colour: Array | None) -> ProductImage:
    """A drinks can: printed metal body, tapered silver neck and foot, bright streaks."""
    paint = colour if colour is not None else pick(rng, [
        (200, 30, 40), (30, 80, 170), (120, 180, 40), (235, 120, 20), (90, 40, 120),
        (25, 25, 28)])
    r = 0.29 * h
    c = Canvas(h, r)
    body = smin(cylinder(c, r, 0.1 * h, 0.93 * h, 0.01 * h), cylinder(c, 0.82 * r, 0, h), 0.04 * h)
    silver = pick(rng, [(205, 206, 210)], 3)
    c.painter.paint(body, turned(c, body, silver, 1.0, ambient=0.2))
    wrap, s, v = band(c, r, 0.13 * h, 0.91 * h)
    c.painter.paint(wrap, turned(c, body, paint, 0.9, ambient=0.25))
    shade = turned(c, body, np.ones(3, F32), 0.0, ambient=0.25)
    accent = pick(rng, CREAM)
    wave = np.abs(v - 0.62 * h - 0.05 * h * np.sin(s / (0.25 * r))) - 0.035 * h
    c.painter.paint(np.maximum(wrap, wave), accent * shade)
    logo = box(s, v, 0, 0.4 * h, 0.55 * r, 0.1 * h, 0.03 * h)
    c.painter.paint(np.maximum(wrap, logo), accent * shade)
    return finish(c, body, 0.82 * r, rng)


def mug(h: float, rng: np.random.Generator, colour: Array | None) -> ProductImage:
    """A ceramic mug seen from a little above, with a handle whose hole shows the floor."""
    glaze = colour if colour is not None else pick(rng, [
        (245, 244, 238), (232, 222, 200), (150, 170, 140), (190, 95, 60), (30, 45, 80),
        (35, 35, 36), (215, 170, 60)])
    r, e = 0.36 * h, 0.22
    ex, ey, half = 0.17 * h, 0.25 * h, 0.045 * h
    hx = r + 0.02 * h
    c = Canvas(h, hx + ex + half + 1)
    rim = e * r
    body = np.minimum(span(c.x, c.y, r, rim, h - E * r),
                      np.minimum(ellipse(c.x, c.y, 0, rim, r, rim),
                                 ellipse(c.x, c.y, 0, h - E * r, r, E * r)))
    ring = ellipse(c.x, c.y, hx, 0.5 * h, ex, ey)
    handle = np.maximum(np.abs(ring) - half, r * 0.5 - c.x)
    c.painter.paint(handle, tube(ring, half, glaze, 0.6))
    c.painter.paint(body, turned(c, body, glaze, 0.55))
    # The opening: a lit rim, then the inside wall, darker towards the front lip.
    top = ellipse(c.x, c.y, 0, rim, r, rim)
    c.painter.paint(top, np.clip(glaze * 1.05 + 0.05, 0, 1) * np.ones_like(c.x)[..., None])
    wall = 0.05 * h
    inner = ellipse(c.x, c.y, 0, rim, r - wall, rim - wall * e)
    depth = np.clip((c.y - (rim - (rim - wall * e))) / (2 * rim), 0, 1)
    inside = glaze * (0.95 - 0.55 * depth)[..., None] * (0.8 + 0.2 * np.abs(c.x / r))[..., None]
    c.painter.paint(inner, inside)
    return finish(c, np.minimum(body, handle), r, rng)
