"""Products that are not turned: a printed carton in three-quarter view, and a handbag."""

from __future__ import annotations

import cv2
import numpy as np

from editor.samples.parts import ProductImage, mottle, pick, tube
from editor.samples.sdf import (
    F32,
    Array,
    Canvas,
    box,
    convex,
    coverage,
    ellipse,
    lambert,
    noise,
)

CARTON = [(200, 40, 50), (30, 70, 140), (240, 238, 230), (30, 120, 100), (245, 180, 40),
          (35, 35, 40), (120, 70, 150)]
LEATHER = [(120, 70, 40), (30, 28, 28), (170, 120, 80), (140, 30, 40), (60, 80, 110),
           (210, 190, 160), (90, 100, 70)]


def _rotation(yaw: float, pitch: float) -> Array:
    """World (x right, y up, z to camera) to camera space, for a camera above the product."""
    cy, sy, cp, sp = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch)
    turn = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    tilt = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    return tilt @ turn


def _face_coords(x: Array, y: Array, o: Array, a: Array, b: Array) -> tuple[Array, Array]:
    """Pixel coordinates along the face edges ``a`` and ``b`` from corner ``o`` (orthographic
    projection keeps faces parallelograms, so this is one 2x2 inverse)."""
    inv = np.linalg.inv(np.array([[a[0], b[0]], [a[1], b[1]]]))
    px, py = x - o[0], y - o[1]
    u = (inv[0, 0] * px + inv[0, 1] * py) * np.hypot(*a)
    v = (inv[1, 0] * px + inv[1, 1] * py) * np.hypot(*b)
    return u.astype(F32), v.astype(F32)


def carton(h: float, rng: np.random.Generator, colour: Array | None) -> ProductImage:
    """A printed cardboard box in three-quarter view: front, right side and top visible,
    a logo panel on the front."""
    ink = colour if colour is not None else pick(rng, CARTON)
    dims = np.array([rng.uniform(0.55, 0.75), 1.0, rng.uniform(0.28, 0.4)])
    rot = _rotation(np.radians(rng.uniform(-38, -24)), np.radians(14))
    corners = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (0, 1) for sz in (-1, 1)])
    world = corners * [dims[0] / 2, dims[1], dims[2] / 2]
    cam = world @ rot.T
    screen = np.stack([cam[:, 0], -cam[:, 1]], axis=1)
    scale = h / np.ptp(screen[:, 1])
    screen = (screen - screen.min(axis=0)) * scale
    c = Canvas(h, np.ptp(screen[:, 0]) / 2)
    pts = screen + [-np.ptp(screen[:, 0]) / 2, 0]

    def corner(sx: int, sy: int, sz: int) -> Array:
        return pts[(sx > 0) * 4 + sy * 2 + (sz > 0)]

    faces = {  # corner order: origin, along a, opposite, along b
        "front": [(-1, 1, 1), (1, 1, 1), (1, 0, 1), (-1, 0, 1)],
        "side": [(1, 1, 1), (1, 1, -1), (1, 0, -1), (1, 0, 1)],
        "top": [(-1, 1, -1), (1, 1, -1), (1, 1, 1), (-1, 1, 1)],
    }
    normals = {"front": (0, 0, 1), "side": (1, 0, 0), "top": (0, 1, 0)}
    grain = 1 + 0.025 * noise(rng, c.height, c.width, max(h / 40, 2))[..., None]
    wear = mottle(rng, c, 0.04)
    sds = []
    for name, quad in faces.items():
        q = np.array([corner(*k) for k in quad])
        d = convex(c.x, c.y, q)
        sds.append(d)
        n = rot @ np.array(normals[name], float)
        light = float(lambert(np.float32(n[0]), np.float32(-n[1]), np.float32(n[2]), 0.5))
        u, v = _face_coords(c.x, c.y, q[0], q[1] - q[0], q[3] - q[0])
        fu, fv = np.hypot(*(q[1] - q[0])), np.hypot(*(q[3] - q[0]))
        # Light falls off a little down each face, and a fold catches light at its edges.
        shade = (0.28 + 0.8 * light) * (1.04 - 0.1 * np.clip(v / max(fv, 1), 0, 1))
        edge = np.minimum(np.minimum(u, fu - u), np.minimum(v, fv - v))
        shade = shade * (1 + 0.06 * np.clip(1 - edge / max(0.012 * h, 1.0), 0, 1))
        shade = shade[..., None] * grain * wear
        c.painter.paint(d, ink * shade)
        if name == "front":
            _print_front(c, d, u, v, fu, fv, ink, shade, rng)
        elif name == "side":
            stripe = np.maximum(d, np.abs(v - 0.2 * fv) - 0.03 * fv)
            c.painter.paint(stripe, np.full(3, 0.95, F32) * shade)
    silhouette = np.minimum.reduce(sds)
    bottom = np.array([corner(sx, 0, sz) for sx in (-1, 1) for sz in (-1, 1)])
    bottom[:, 0] += c.cx
    bottom[:, 1] += c.top
    mid = bottom.mean(axis=0)
    rx, ry = np.ptp(bottom[:, 0]) / 2, np.ptp(bottom[:, 1]) / 2
    return ProductImage(np.clip(c.painter.straight(), 0, 1), coverage(silhouette),
                        (float(mid[0]), float(mid[1]), float(rx), float(ry)))


def _print_front(c: Canvas, face: Array, u: Array, v: Array, fu: float, fv: float,
                 ink: Array, shade: Array, rng: np.random.Generator) -> None:
    """The front print: a pale logo panel with a round mark and lines of 'text'."""
    paper = np.full(3, 0.96, F32) if ink.mean() < 0.8 else np.array([0.15, 0.15, 0.18], F32)
    panel = np.maximum(face, box(u, v, fu / 2, 0.33 * fv, 0.36 * fu, 0.13 * fv, 0.02 * fv))
    c.painter.paint(panel, paper * shade)
    mark = np.maximum(face, ellipse(u, v, 0.27 * fu, 0.33 * fv, 0.07 * fv, 0.07 * fv))
    c.painter.paint(mark, ink * shade)
    for i, w in enumerate((0.2, 0.13)):
        y = (0.30 + 0.07 * i) * fv
        line = box(u, v, 0.52 * fu + w * fu / 2, y, w * fu, 0.022 * fv, 0.01 * fv)
        c.painter.paint(np.maximum(face, line), ink * 0.7 * shade)
    for i, w in enumerate(rng.uniform(0.2, 0.5, 3)):
        line = box(u, v, 0.12 * fu + w * fu / 2, (0.72 + 0.06 * i) * fv, w * fu / 2, 0.012 * fv)
        c.painter.paint(np.maximum(face, line), paper * shade)


def bag(h: float, rng: np.random.Generator, colour: Array | None) -> ProductImage:
    """A padded leather handbag: trapezoid body, a flap with a clasp, and a handle arch."""
    hide = colour if colour is not None else pick(rng, LEATHER)
    top_w, bot_w, y_top = 0.36 * h, 0.5 * h, 0.4 * h
    c = Canvas(h, bot_w)
    corner = 0.06 * h
    trapezoid = [(-top_w + corner, y_top + corner), (top_w - corner, y_top + corner),
                 (bot_w - corner, h - corner), (-bot_w + corner, h - corner)]
    body = convex(c.x, c.y, trapezoid) - corner
    ring = ellipse(c.x, c.y, 0, y_top + 0.04 * h, 0.24 * h, 0.36 * h)
    half = 0.028 * h
    handle = np.maximum(np.abs(ring) - half, c.y - y_top - 0.1 * h)
    c.painter.paint(handle, tube(ring, half, hide * 0.9, 0.35))
    # Padded look: height grows with distance inside the outline; light hits its slopes.
    depth = np.clip(-body / (0.16 * h), 0, 1)
    lift = np.sqrt(1 - (1 - depth) ** 2) * 0.16 * h
    # The distance field creases along the outline's medial axis; blurring rounds the
    # creases off, as stuffing would.
    lift = cv2.GaussianBlur(lift.astype(F32), (0, 0), max(0.03 * h, 0.5))
    gy, gx = np.gradient(lift)
    n = np.sqrt(gx * gx + gy * gy + 1)
    light = lambert(-gx / n, -gy / n, 1 / n, 0.4)
    grain = 1 + 0.04 * rng.normal(0, 1, c.x.shape).astype(F32) if h > 60 else 1.0
    leather = hide * ((0.3 + 0.8 * light) * grain)[..., None] * mottle(rng, c)
    sheen = np.clip(light - 0.8, 0, 1)[..., None] * 1.2
    c.painter.paint(body, leather + sheen * (1 - leather))
    flap_edge = y_top + 0.26 * h + 0.07 * h * (1 - (c.x / bot_w) ** 2)
    flap = np.maximum(body + 0.012 * h, c.y - flap_edge)
    lip = np.clip(1 - np.abs(c.y - flap_edge) / (0.02 * h), 0, 1)[..., None]
    c.painter.paint(flap, leather * (1.08 - 0.25 * lip) + sheen * 0.3)
    stitch_line = np.abs(c.y - flap_edge + 0.03 * h) - max(0.004 * h, 0.35)
    dashes = np.abs(np.mod(c.x, 0.03 * h) - 0.015 * h) - 0.009 * h
    stitches = np.maximum(np.maximum(stitch_line, dashes), flap + 0.02 * h)
    c.painter.paint(stitches, np.clip(hide * 1.5 + 0.15, 0, 1) * light[..., None])
    clasp = box(c.x, c.y, 0, y_top + 0.33 * h, 0.05 * h, 0.035 * h, 0.012 * h)
    gold = np.array([0.85, 0.68, 0.35], F32) * (0.7 + 0.5 * light)[..., None]
    c.painter.paint(clasp, np.clip(gold + 0.3 * np.exp(-((c.x + 0.02 * h) / (0.01 * h)) ** 2)
                                   [..., None], 0, 1))
    silhouette = np.minimum(body, handle)
    base = (c.cx, c.top + h - 0.03 * h, bot_w * 0.95, 0.05 * h)
    return ProductImage(np.clip(c.painter.straight(), 0, 1), coverage(silhouette), base)

