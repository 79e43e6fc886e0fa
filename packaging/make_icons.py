"""Draw the Lightbox app icon and write it in the sizes each desktop wants.

    python packaging/make_icons.py [OUT_DIR]     (default packaging/icons)

The icon: a product (a bottle) standing in a bright light box on a deep teal tile, with
its soft contact shadow — what the app makes of a product photo. It is drawn here with
Pillow at 1024 px (4x supersampled shapes), so no image from elsewhere goes into it.

Writes ``lightbox-<size>.png`` for 16..1024 (freedesktop hicolor sizes), ``lightbox.ico``
(Windows: 16-256) and ``lightbox.icns`` (macOS: 16-1024).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
BASE = 1024
SS = 4  # supersampling of the shapes


def _gradient(size: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    column = Image.new("RGB", (1, size))
    for y in range(size):
        t = y / (size - 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom,
                                                                                strict=True)))
    return column.resize((size, size))


def _mask(draw_fn) -> Image.Image:
    big = Image.new("L", (BASE * SS, BASE * SS), 0)
    draw_fn(ImageDraw.Draw(big), SS)
    return big.resize((BASE, BASE), Image.Resampling.LANCZOS)


def draw_icon() -> Image.Image:
    """The icon at 1024 x 1024, RGBA."""
    icon = Image.new("RGBA", (BASE, BASE), (0, 0, 0, 0))
    tile = _mask(lambda d, s: d.rounded_rectangle(
        (56 * s, 56 * s, 968 * s, 968 * s), radius=200 * s, fill=255))
    icon.paste(_gradient(BASE, (18, 120, 128), (10, 52, 74)), (0, 0), tile)
    # the light box: a bright rounded panel with a floor gradient
    box = _mask(lambda d, s: d.rounded_rectangle(
        (196 * s, 196 * s, 828 * s, 828 * s), radius=72 * s, fill=255))
    icon.paste(_gradient(BASE, (255, 255, 255), (222, 232, 238)), (0, 0), box)
    # contact shadow under the product
    shadow = Image.new("L", (BASE, BASE), 0)
    ImageDraw.Draw(shadow).ellipse((352, 690, 672, 760), fill=150)
    shadow = shadow.filter(ImageFilter.GaussianBlur(22))
    icon.paste((40, 60, 70), (0, 0), Image.composite(shadow, Image.new("L", shadow.size, 0), box))

    def bottle(d: ImageDraw.ImageDraw, s: int) -> None:
        d.rounded_rectangle((392 * s, 420 * s, 632 * s, 726 * s), radius=54 * s, fill=255)
        d.polygon([(412 * s, 470 * s), (470 * s, 352 * s), (554 * s, 352 * s),
                   (612 * s, 470 * s)], fill=255)
        d.rounded_rectangle((470 * s, 276 * s, 554 * s, 372 * s), radius=14 * s, fill=255)

    product = _mask(bottle)
    icon.paste(_gradient(BASE, (255, 149, 64), (214, 72, 44)), (0, 0), product)
    label = _mask(lambda d, s: d.rounded_rectangle(
        (392 * s, 520 * s, 632 * s, 628 * s), radius=10 * s, fill=255))
    icon.paste((255, 244, 228), (0, 0), Image.composite(label, Image.new("L", label.size, 0),
                                                         product))
    cap = _mask(lambda d, s: d.rounded_rectangle(
        (462 * s, 256 * s, 562 * s, 300 * s), radius=12 * s, fill=255))
    icon.paste((22, 78, 96), (0, 0), cap)
    # a glint: the "light" in the light box
    glint = _mask(lambda d, s: d.rounded_rectangle(
        (420 * s, 440 * s, 446 * s, 700 * s), radius=13 * s, fill=120))
    icon.paste((255, 255, 255), (0, 0), Image.composite(glint, Image.new("L", glint.size, 0),
                                                         product))
    return icon


def write_icons(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    icon = draw_icon()
    written = []
    for size in SIZES:
        path = out / f"lightbox-{size}.png"
        icon.resize((size, size), Image.Resampling.LANCZOS).save(path, optimize=True)
        written.append(path)
    icon.save(out / "lightbox.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    icon.save(out / "lightbox.icns")
    return [*written, out / "lightbox.ico", out / "lightbox.icns"]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "icons"
    for path in write_icons(target):
        print(path)
