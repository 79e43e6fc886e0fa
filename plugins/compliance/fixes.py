"""Fixes: turn a photo that breaks a profile into one that keeps it, without touching the
product's own pixels except by scaling.

The steps run in a fixed order (each is skipped when not needed): flatten transparency on
white, remove a border, whiten the background around the product mask, reframe (crop or
pad) to the aspect ratio and the share of the frame the product must fill, resize to the
allowed size, encode in an accepted format (8-bit sRGB) and re-encode under the byte limit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from plugins.compliance.checks import Violation, check
from plugins.compliance.cutout import needs_cutout, on_white, product_mask
from plugins.compliance.facts import FileFacts, facts_from_bytes
from plugins.compliance.measure import product_fill, ratio
from plugins.compliance.product import analyse, bounding_box
from plugins.compliance.profiles import Profile

#: formats the fixer writes, in order of preference
WRITABLE = {"jpeg": ("JPEG", ".jpg"), "png": ("PNG", ".png")}
JPEG_QUALITIES = (95, 90, 85, 80, 75, 70, 60)
#: how far above the minimum fill the fixer aims, so the re-check passes with a margin
FILL_MARGIN = 0.03
#: the share of the frame a padded product fills when the profile sets no fill ratio
PAD_FILL = 0.9


class FixError(Exception):
    """A fix that cannot be made (e.g. no encoding fits under the byte limit)."""


@dataclass
class Fixed:
    """A fixed photo: its pixels, the encoded file, and what was done.

    ``transform`` is ``(scale, dx, dy)``: a point ``(x, y)`` of the input lands at
    ``(x * scale + dx, y * scale + dy)`` in the output.
    """

    image: np.ndarray
    data: bytes
    format: str
    suffix: str
    applied: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    transform: tuple[float, float, float] = (1.0, 0.0, 0.0)


#: fixes made only when asked for by name (``only``) or by ``pad_edges=True``
ON_REQUEST = frozenset({"pad_edges"})


def apply_fixes(image: np.ndarray, facts: FileFacts, profile: Profile,
                violations: list[Violation] | None = None, mask: np.ndarray | None = None,
                only: set[str] | None = None, pad_edges: bool = False) -> Fixed:
    """Fix ``image`` for ``profile``. ``violations`` (checked here when None) say which fixes
    are needed: those of the errors, or, with ``only`` (a Fix button per violation), those
    fix ids whatever the severity. ``mask`` is the product mask from a cutout, if any.

    A product touching the frame's edge is padded with white only when asked for
    (``only`` names ``pad_edges``, or ``pad_edges=True``): the fixer cannot tell a product
    standing on the edge from one the frame cuts off, and padding would hide the cut."""
    if violations is None:
        violations = check(image, facts, profile, mask)
    if only is None:
        wanted = {v.fix for v in violations if v.fix and v.severity == "error"}
        wanted -= ON_REQUEST - ({"pad_edges"} if pad_edges else set())
    else:
        wanted = {v.fix for v in violations if v.fix} & only
    cut = [v for v in violations if v.rule == "product_cropped"]
    if mask is None and needs_cutout(image):
        mask = product_mask(image)  # a busy backdrop: the cutout finds the product
    state = _State(image.copy(), mask)
    if "flatten_transparency" in wanted or (state.rgba[..., 3] < 255).any():
        state.flatten()
    if "remove_border" in wanted:
        state.remove_border()
    if "whiten_background" in wanted:
        state.whiten()
    pad = "pad_edges" in wanted and bool(cut)
    reframe = {"scale_to_fill", "pad_to_aspect"} & wanted
    if reframe or pad:
        state.reframe(profile, "scale_to_fill" in wanted or pad, bool(cut) and not pad)
    if pad:
        state.applied.add("pad_edges")
        state.notes.append("added white space where the product touched the frame's edge; "
                           "if the frame cut part of it off, use a photo that shows all of it")
    state.resize(profile, recommended="resize" in wanted)
    fmt = _output_format(facts, profile)
    data = state.encode(fmt, profile)
    if fmt != facts.format:
        state.applied.add("convert_format")
    if "reencode" in wanted:
        state.applied.add("reencode")
    if facts.format and (facts.mode not in ("RGB", "RGBA") or facts.bit_depth > 8
                         or not facts.icc_is_srgb):
        state.applied.add("convert_color")
    return Fixed(state.rgba, data, fmt, WRITABLE[fmt][1], sorted(state.applied), state.notes,
                 (state.scale, state.dx, state.dy))


def verify(fixed: Fixed, profile: Profile, mask: np.ndarray | None = None) -> list[Violation]:
    """Check a fixed photo again exactly as a file would be checked: decoded by the loader."""
    from editor.model.imageio import decode_image

    loaded = decode_image(fixed.data, f"fixed{fixed.suffix}")
    return check(loaded.pixels, facts_from_bytes(fixed.data), profile, mask)


class _State:
    """The photo as the steps change it, with its product mask and the input->output map."""

    def __init__(self, rgba: np.ndarray, mask: np.ndarray | None) -> None:
        self.rgba = rgba
        self.mask = mask
        self.scale, self.dx, self.dy = 1.0, 0.0, 0.0
        self.applied: set[str] = set()
        self.notes: list[str] = []

    def product(self) -> np.ndarray:
        """Full-size product mask (bool): the given one, or the estimate scaled up."""
        if self.mask is not None:
            return self.mask > 127
        frame = analyse(self.rgba)
        h, w = self.rgba.shape[:2]
        up = cv2.resize(frame.product.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        return up > 0.5

    def flatten(self) -> None:
        a = self.rgba[..., 3:4].astype(np.uint16)
        if (a < 255).any():
            if self.mask is None:
                self.mask = self.rgba[..., 3].copy()
            rgb = (self.rgba[..., :3] * a + 255 * (255 - a) + 127) // 255
            self.rgba = np.dstack([rgb.astype(np.uint8), np.full(a.shape[:2], 255, np.uint8)])
            self.applied.add("flatten_transparency")

    def remove_border(self) -> None:
        frame = analyse(self.rgba, self.mask)
        if frame.border <= 0:
            return
        cut = int(np.ceil((frame.border + 1) * frame.scale))
        h, w = self.rgba.shape[:2]
        self._crop(cut, cut, w - cut, h - cut)
        self.applied.add("remove_border")

    def whiten(self) -> None:
        """Background to pure white; the product's edge pixels are un-mixed from the old
        background colour so no grey halo stays, its inner pixels are untouched. With a
        cutout's mask (a busy backdrop) the ``background`` plugin puts it on white."""
        if self.mask is not None:
            white = on_white(self.rgba, self.mask)
            if white is not None:
                self.rgba = white
                self.applied.add("whiten_background")
                return
        frame = analyse(self.rgba, self.mask)
        h, w = self.rgba.shape[:2]
        product = self.product()
        grow = int(np.ceil(frame.scale)) + 2
        kernel = np.ones((2 * grow + 1, 2 * grow + 1), np.uint8)
        keep = cv2.dilate(product.astype(np.uint8), kernel) > 0
        core = cv2.erode(product.astype(np.uint8), kernel) > 0
        rgb = self.rgba[..., :3].astype(np.float32)
        back = _spread(frame.rgb, frame.background, (w, h), 15.0)
        front = _spread(self.rgba[..., :3], core, (w, h), 3.0 * grow)
        ring = keep & ~core
        span = front[ring] - back[ring]
        alpha = np.clip(((rgb[ring] - back[ring]) * span).sum(1) /
                        np.maximum((span * span).sum(1), 1.0), 0, 1)[:, None]
        out = rgb.copy()
        out[ring] = rgb[ring] + (1 - alpha) * (255 - back[ring])
        out[~keep] = 255
        self.rgba[..., :3] = np.clip(np.rint(out), 0, 255).astype(np.uint8)
        self.applied.add("whiten_background")
        self.mask = (keep * 255).astype(np.uint8) if self.mask is None else self.mask

    def reframe(self, profile: Profile, fill: bool, keep_cut: bool) -> None:
        """Crop or pad (with white) to the profile's aspect ratio and fill share: padding
        the frame when that keeps the fill, else a frame built around the product."""
        h, w = self.rgba.shape[:2]
        rule = profile.rules.get("aspect_ratio")
        r = ratio(rule.params.get("ratio", "1:1")) if rule else w / h
        box = bounding_box(self.product())
        fill_rule = profile.rules.get("fill_ratio")
        nw, nh = (r * h, h) if w / h < r else (w, w / r)
        x0, y0 = (w - nw) / 2, (h - nh) / 2
        if (fill_rule or fill) and box is not None:
            p = fill_rule.params if fill_rule else {}
            mode = p.get("mode", "longest_side")
            low, high = float(p.get("min", 0.0)), float(p.get("max", 1.0))
            target = min(low + FILL_MARGIN, 0.95, high - 0.02) if fill_rule else PAD_FILL
            padded = product_fill(box, (int(nw), int(nh)), mode)
            if fill or not low <= padded <= high:
                nw, nh = _frame_for(box, r, target, mode)
                x0 = (box[0] + box[2]) / 2 - nw / 2
                y0 = (box[1] + box[3]) / 2 - nh / 2
                if keep_cut:  # a cut product stays cut: do not hide the cut edge in white
                    x0 = 0 if box[0] <= 1 else (w - nw if box[2] >= w - 1 else x0)
                    y0 = 0 if box[1] <= 1 else (h - nh if box[3] >= h - 1 else y0)
                fill = True
        x0, y0 = int(round(x0)), int(round(y0))
        self._crop(x0, y0, x0 + int(round(nw)), y0 + int(round(nh)))
        self.applied.add("scale_to_fill" if fill else "pad_to_aspect")
        if abs(w / h - r) > 1e-3:
            self.applied.add("pad_to_aspect")

    def resize(self, profile: Profile, recommended: bool = False) -> None:
        """Within the profile's size limits; ``recommended`` (the size fix was asked for)
        enlarges to the recommended size, not just the minimum: else the re-check warns
        that the recommended size was missed. Other fixes never enlarge past the minimum."""
        h, w = self.rgba.shape[:2]
        factor = 1.0
        small = profile.rules.get("min_size")
        if small:
            p = small.params
            longest = max(p.get("min_longest", 0),
                          p.get("recommended_longest", 0) if recommended else 0)
            factor = max(factor, longest / max(w, h), p.get("min_width", 0) / w,
                         p.get("min_height", 0) / h)
        big = profile.rules.get("max_size")
        if big:
            p = big.params
            limit = min(p.get("max_longest", 10**9) / max(w, h), p.get("max_width", 10**9) / w,
                        p.get("max_height", 10**9) / h,
                        np.sqrt(p.get("max_megapixels", 1e9) * 1e6 / (w * h)))
            factor = min(factor, limit) if factor <= 1 else factor
        if abs(factor - 1) < 1e-9:
            return
        if factor > 1:
            self.notes.append(f"enlarged x{factor:.2f}: a larger original would look sharper")
        self._scale(factor)
        self.applied.add("resize")

    def encode(self, fmt: str, profile: Profile) -> bytes:
        rule = profile.rules.get("file_size")
        limit = float(rule.params.get("max_mb", 1e9)) * 1_000_000 if rule else float("inf")
        while True:
            for quality in JPEG_QUALITIES if fmt == "jpeg" else (None,):
                data = _encode(self.rgba, fmt, quality)
                if len(data) <= limit:
                    if quality not in (None, JPEG_QUALITIES[0]):
                        self.applied.add("reencode")
                    return data
            h, w = self.rgba.shape[:2]
            if min(h, w) < 64:
                raise FixError(f"cannot encode under {limit / 1e6:g} MB")
            self.notes.append("reduced the size to fit under the byte limit")
            self.applied.add("reencode")
            self._scale(0.85)

    def _scale(self, factor: float) -> None:
        h, w = self.rgba.shape[:2]
        size = (max(1, int(round(w * factor))), max(1, int(round(h * factor))))
        method = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
        self.rgba = cv2.resize(self.rgba, size, interpolation=method)
        if self.mask is not None:
            self.mask = cv2.resize(self.mask, size, interpolation=cv2.INTER_LINEAR)
        self.scale *= factor
        self.dx *= factor
        self.dy *= factor

    def _crop(self, x0: int, y0: int, x1: int, y1: int) -> None:
        """Cut out ``x0..x1, y0..y1`` (may lie outside the image: padded with white)."""
        h, w = self.rgba.shape[:2]
        out = np.full((y1 - y0, x1 - x0, 4), 255, np.uint8)
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        sx0, sy0, sx1, sy1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
        if sx1 > sx0 and sy1 > sy0:
            out[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = self.rgba[sy0:sy1, sx0:sx1]
            if self.mask is not None:
                mask[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = self.mask[sy0:sy1, sx0:sx1]
        self.rgba = out
        self.mask = mask if self.mask is not None else None
        self.dx -= x0
        self.dy -= y0


def _frame_for(box: tuple[int, int, int, int], r: float, target: float, mode: str
               ) -> tuple[float, float]:
    """Width and height of a frame of aspect ``r`` the product ``box`` fills to ``target``."""
    bw, bh = box[2] - box[0], box[3] - box[1]
    if mode == "area":
        nh = max(np.sqrt(bw * bh / (r * target)), bh * 1.04, bw * 1.04 / r)
    else:
        nh = max(bw / r, bh) / target
    return r * nh, nh


def _spread(rgb: np.ndarray, known: np.ndarray, size: tuple[int, int], sigma: float
            ) -> np.ndarray:
    """Colours of ``rgb`` where ``known``, spread into the unknown pixels by normalised
    Gaussian smoothing, at ``size`` (w, h), as float RGB."""
    weight = known.astype(np.float32)
    summed = cv2.GaussianBlur(rgb.astype(np.float32) * weight[..., None], (0, 0), sigma)
    norm = cv2.GaussianBlur(weight, (0, 0), sigma)[..., None]
    colour = np.where(norm > 1e-4, summed / np.maximum(norm, 1e-4), 255.0)
    if colour.shape[:2] != (size[1], size[0]):
        colour = cv2.resize(colour, size, interpolation=cv2.INTER_LINEAR)
    return colour.astype(np.float32)


def _output_format(facts: FileFacts, profile: Profile) -> str:
    rule = profile.rules.get("format")
    allowed = [a.lower() for a in rule.params.get("allowed", [])] if rule else ["jpeg"]
    if facts.format in WRITABLE and facts.format in allowed:
        return facts.format
    for fmt in ("jpeg", "png"):
        if fmt in allowed:
            return fmt
    raise FixError(f"cannot write any format the profile accepts ({', '.join(allowed)})")


def _encode(rgba: np.ndarray, fmt: str, quality: int | None) -> bytes:
    buffer = io.BytesIO()
    image = Image.fromarray(np.ascontiguousarray(rgba[..., :3]), "RGB")
    if fmt == "jpeg":
        image.save(buffer, "JPEG", quality=quality or 95, optimize=True)
    else:
        image.save(buffer, "PNG", optimize=False, compress_level=6)
    return buffer.getvalue()
