"""The synthetic compliance test set: compliant studio shots, and each kind of violation
alone and combined, at several sizes, with the rules each one must break.

Built on :func:`editor.samples.render_sample` (product + exact mask); violations are drawn
on top (text, watermark, border, collage, blur, grey background, ...) or made by the
encoding (format, colour mode, file size, transparency). Every case is an encoded file, so
it is checked exactly as a real one: decoded by the loader, facts read from the header.

``python -m plugins.compliance.synth OUTDIR`` writes the set and ``expected.json``.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, PngImagePlugin

from editor.samples import render_sample
from plugins.compliance.profiles import Profile, parse_profile

#: the profile the set is checked against: Amazon's main image plus every rule that
#: Amazon does not have or sets differently, with limits the set can reach cheaply
PROFILE_TOML = """\
name = "synthetic"
title = "Synthetic test set (amazon-main + every rule)"
inherits = "amazon-main"

[rules.file_size]
max_mb = 8
severity = "error"

[rules.min_size]
recommended_longest = 0

[rules.max_size]
max_longest = 1500

[rules.aspect_ratio]
ratio = "1:1"
tolerance = 0.01
severity = "error"

[rules.color_mode]
modes = ["RGB"]
max_bit_depth = 8
srgb = true
severity = "error"

[rules.transparency]
severity = "error"
"""
SIZES = (640, 1000, 1400)
KINDS = ("bottle", "box", "mug", "jar", "can", "bag")
#: the product fills this share of the frame's longest side in compliant shots
FILL = 0.9


@dataclass
class Case:
    """One file of the set: its bytes, the rules it must break, and the product mask."""

    name: str
    data: bytes
    suffix: str
    expected: frozenset[str]
    mask: np.ndarray


def synthetic_profile() -> Profile:
    """The profile the synthetic set is checked against."""
    return parse_profile(PROFILE_TOML, Path("synthetic.toml"))


@dataclass
class _Shot:
    rgb: np.ndarray
    mask: np.ndarray
    alpha: np.ndarray | None = None


def compliant(kind: str, size: tuple[int, int], seed: int = 0, background: str = "white",
              fill: float = FILL) -> _Shot:
    """A studio shot, centred, whose product fills ``fill`` of the frame's longest side.

    Wide products are limited by the renderer's width margin, so they are rendered on a
    larger canvas and the frame is cut from its middle."""
    w, h = size
    # render with room around the frame, so it can be cut out with the product anywhere
    canvas, scale = (int(w * 1.1), int(h * 1.1)), fill / 1.1
    for _ in range(4):
        s = render_sample(kind, canvas, background=background, seed=seed, scale=scale,
                          drop_shadow=False)
        bw, bh = s.box[2] - s.box[0], s.box[3] - s.box[1]
        got = max(bw / w, bh / h)
        if abs(got - fill) < 0.01:
            break
        if got > fill:
            scale *= fill / got
        else:  # limited by the renderer's side margins: render larger, cut the frame out
            grow = fill / max(got, 1e-3)
            canvas = (int(round(canvas[0] * grow)), int(round(canvas[1] * grow)))
    image, mask = s.image[..., :3], s.mask
    x0 = (s.box[0] + s.box[2]) // 2 - w // 2
    y0 = (s.box[1] + s.box[3]) // 2 - h // 2 + int(0.02 * h)  # room for the shadow below
    x0 = min(max(0, x0), image.shape[1] - w)
    y0 = min(max(0, y0), image.shape[0] - h)
    return _Shot(image[y0:y0 + h, x0:x0 + w].copy(), mask[y0:y0 + h, x0:x0 + w].copy())


def _cropped(shot: _Shot) -> None:
    """Move the product up until its top is cut off by 4 % of the frame."""
    h = shot.mask.shape[0]
    top = int(np.flatnonzero(shot.mask.any(axis=1))[0])
    shift = top + int(0.04 * h)
    for layer, fill in ((shot.rgb, 255), (shot.mask, 0)):
        layer[:-shift] = layer[shift:].copy()
        layer[-shift:] = fill


def _grey(shot: _Shot, rng: np.random.Generator) -> None:
    level = float(rng.uniform(215, 238))
    a = shot.mask[..., None].astype(np.float32) / 255
    shot.rgb[:] = np.rint(shot.rgb * a + shot.rgb * (level / 255) * (1 - a)).astype(np.uint8)


def _text(shot: _Shot, rng: np.random.Generator) -> None:
    h, w = shot.mask.shape
    cols = np.flatnonzero(shot.mask.any(axis=0))
    free = max(cols[0], w - cols[-1]) - 0.08 * w  # the wider empty column beside the product
    words = str(rng.choice(["SALE -50%", "NEW!", "BEST PRICE", "FREE SHIP"]))
    font, thick = cv2.FONT_HERSHEY_DUPLEX, max(2, w // 300)
    scale = 4.0
    while cv2.getTextSize(words, font, scale, thick)[0][0] > free and scale > 0.3:
        scale *= 0.9
    tw, th = cv2.getTextSize(words, font, scale, thick)[0]
    x = int(0.04 * w) if cols[0] >= w - cols[-1] else int(w - 0.04 * w - tw)
    y = int(h * rng.uniform(0.3, 0.7))
    cv2.putText(shot.rgb, words, (x, y), font, scale, (210, 20, 30), thick, cv2.LINE_AA)


def _watermark(shot: _Shot, rng: np.random.Generator) -> None:
    h, w = shot.mask.shape
    layer = np.zeros((h, w), np.uint8)
    thick = max(2, w // 200)
    for y in np.arange(0.18, 0.95, 0.22) * h:
        cv2.putText(layer, "(c) STUDIO PHOTO", (int(0.04 * w), int(y)),
                    cv2.FONT_HERSHEY_SIMPLEX, w / 520, 255, thick, cv2.LINE_AA)
    a = (layer.astype(np.float32) / 255 * rng.uniform(0.3, 0.4))[..., None]
    shot.rgb[:] = np.rint(shot.rgb * (1 - a) + 90 * a).astype(np.uint8)


def _border(shot: _Shot, rng: np.random.Generator) -> None:
    """Frame the shot: shrink it and pad it with a solid colour back to its size."""
    h, w = shot.mask.shape
    width = max(3, int(0.025 * min(h, w)))
    colour = [int(v) for v in rng.choice([(20, 20, 20), (30, 60, 140), (200, 30, 30)])]
    inner = (w - 2 * width, h - 2 * width)
    rgb = cv2.resize(shot.rgb, inner, interpolation=cv2.INTER_AREA)
    mask = cv2.resize(shot.mask, inner, interpolation=cv2.INTER_AREA)
    shot.rgb[:] = colour
    shot.rgb[width:h - width, width:w - width] = rgb
    shot.mask[:] = 0
    shot.mask[width:h - width, width:w - width] = mask


def _blur(shot: _Shot, _: np.random.Generator) -> None:
    shot.rgb[:] = cv2.GaussianBlur(shot.rgb, (0, 0), max(2.0, max(shot.rgb.shape) / 400))


def _transparent(shot: _Shot, _: np.random.Generator) -> None:
    shot.alpha = shot.mask.copy()


PIXEL_VIOLATIONS: dict[str, tuple[str, Callable[[_Shot, np.random.Generator], None]]] = {
    "grey": ("background_white", _grey),
    "text": ("text_overlay", _text),
    "watermark": ("watermark", _watermark),
    "border": ("border", _border),
    "blur": ("blur", _blur),
    "transparent": ("transparency", _transparent),
}
#: violations made by how the shot is framed or rendered (handled in :func:`make_case`)
FRAMING = {"sweep": "background_white", "small_product": "fill_ratio",
           "cropped": "product_cropped", "collage": "collage", "small_image": "min_size",
           "large_image": "max_size", "aspect": "aspect_ratio"}
#: violations made by the encoding
ENCODING = {"webp": "format", "cmyk": "color_mode", "deep": "color_mode",
            "big_file": "file_size"}
ALONE = tuple(PIXEL_VIOLATIONS) + tuple(FRAMING) + tuple(ENCODING)
COMBINED = (("grey", "small_product"), ("text", "border"), ("blur", "small_image"),
            ("watermark", "aspect"), ("collage", "grey"), ("cropped", "cmyk"),
            ("text", "sweep", "webp"), ("border", "small_product", "big_file"))
#: products whose colours survive a blur on white (a blurred white jar melts into white)
SOLID_KINDS = ("bottle", "box", "mug", "can", "bag")


def make_case(violations: tuple[str, ...], size: int, seed: int, kind: str) -> Case:
    """One case with ``violations`` (names from :data:`ALONE`) on a ``kind`` product."""
    rng = np.random.default_rng([seed, size, len(violations)])
    w = h = size
    if "small_image" in violations:
        w = h = 400
    if "large_image" in violations:
        w = h = 1600
    if "aspect" in violations:
        h = int(w * 0.8)
    background = "sweep" if "sweep" in violations else "white"
    fill = 0.55 if "small_product" in violations else FILL
    if "collage" in violations:
        left = compliant(kind, (w // 2, h), seed, background, 0.8)
        other = KINDS[(KINDS.index(kind) + 1) % len(KINDS)]
        right = compliant(other, (w - w // 2, h), seed + 1, background, 0.8)
        shot = _Shot(np.hstack([left.rgb, right.rgb]), np.hstack([left.mask, right.mask]))
    else:
        shot = compliant(kind, (w, h), seed, background, fill)
    if "cropped" in violations:
        _cropped(shot)
    for name in violations:
        if name in PIXEL_VIOLATIONS:
            PIXEL_VIOLATIONS[name][1](shot, rng)
    expected = {_rule_of(v) for v in violations}
    data, suffix = _encode(shot, violations)
    label = "+".join(violations) or "compliant"
    return Case(f"{label}-{kind}-{size}-{seed}", data, suffix, frozenset(expected), shot.mask)


def _rule_of(violation: str) -> str:
    if violation in PIXEL_VIOLATIONS:
        return PIXEL_VIOLATIONS[violation][0]
    return FRAMING.get(violation) or ENCODING[violation]


def _encode(shot: _Shot, violations: tuple[str, ...]) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    rgb = shot.rgb
    if "deep" in violations:
        ok, png = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR).astype(np.uint16) * 257)
        assert ok
        return png.tobytes(), ".png"
    if shot.alpha is not None:
        Image.fromarray(np.dstack([rgb, shot.alpha]), "RGBA").save(buffer, "PNG")
        return buffer.getvalue(), ".png"
    image = Image.fromarray(rgb, "RGB")
    if "webp" in violations:
        image.save(buffer, "WEBP", lossless=True)
        return buffer.getvalue(), ".webp"
    if "big_file" in violations:
        info = PngImagePlugin.PngInfo()
        padding = np.random.default_rng(0).integers(0, 256, 4_300_000, np.uint8).tobytes()
        info.add_text("padding", padding.hex())
        image.save(buffer, "PNG", pnginfo=info)
        return buffer.getvalue(), ".png"
    if "cmyk" in violations:
        image = image.convert("CMYK")
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue(), ".jpg"


def cases(sizes: tuple[int, ...] = SIZES, seeds: tuple[int, ...] = (0,)) -> Iterator[Case]:
    """The whole set: per size and seed, compliant shots of every product kind, each
    violation alone, and the combinations in :data:`COMBINED`."""
    for size in sizes:
        for seed in seeds:
            for i, kind in enumerate(KINDS):
                yield make_case((), size, seed + i, kind)
            for i, name in enumerate(ALONE):
                yield make_case((name,), size, seed, _kind_for((name,), seed + i))
            for i, combo in enumerate(COMBINED):
                yield make_case(combo, size, seed, _kind_for(combo, seed + i))


def _kind_for(violations: tuple[str, ...], index: int) -> str:
    pool = SOLID_KINDS if "blur" in violations else KINDS
    if "text" in violations:  # the text goes beside the product: narrow products leave room
        pool = ("bottle", "can", "mug")
    return pool[index % len(pool)]


def main(argv: list[str] | None = None) -> int:
    """Write the set to OUTDIR with ``expected.json`` (file name -> rules it breaks)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m plugins.compliance.synth OUTDIR", file=sys.stderr)
        return 2
    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    expected = {}
    for case in cases():
        (out / f"{case.name}{case.suffix}").write_bytes(case.data)
        expected[f"{case.name}{case.suffix}"] = sorted(case.expected)
    (out / "expected.json").write_text(json.dumps(expected, indent=1), encoding="utf-8")
    (out / "synthetic.toml").write_text(PROFILE_TOML, encoding="utf-8")
    print(f"{len(expected)} files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
