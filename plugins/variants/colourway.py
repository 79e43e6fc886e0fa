"""Colourways: the product's main colour moved to a target colour, texture kept.

A palette-based recolouring in the spirit of Chang et al. 2015 ("Palette-based photo
recoloring"), in CIE L*a*b* / LCh:

1. Palette: the product's chromatic pixels (chroma above :data:`CHROMA_FULL`) are
   clustered in Lab (k-means); clusters whose hues lie within :data:`HUE_MERGE` degrees are
   one colour in lighter and darker shading. The colour with the most pixels is the *main
   colour*, the others (a red logo on a blue bag) stay as they are.
2. Membership: every product pixel gets a soft weight, the product of a chroma ramp
   (neutral below :data:`CHROMA_NEUTRAL`: white or black print, labels, metal, never move)
   and a soft assignment of its hue to the main colour against the other colours and
   against "no colour of the palette" (more than ~45 degrees from the main hue).
3. Transfer: members rotate their hue by the main colour's hue change, scale their chroma
   by the chroma ratio and shift their lightness by ``lightness`` x the lightness change,
   so each pixel keeps its offset from the mean: the texture, shading and highlights stay.

Only pixels with a weight above zero are converted and written back: the backdrop and
every neutral part come out bit-identical. Protected pixels (a mask) weigh zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from editor.imaging import colour as cs
from editor.tasks.api import PluginError

#: below this chroma a pixel is neutral and never recoloured
CHROMA_NEUTRAL = 6.0
#: from this chroma a pixel is fully chromatic (a ramp between the two)
CHROMA_FULL = 14.0
#: clusters closer in hue than this are one colour (its shading)
HUE_MERGE = 22.0
#: softness of the hue assignment, degrees
HUE_WIDTH = 18.0
#: hue distance at which a pixel is as likely "not of the palette" as of the main colour
HUE_REACH = 45.0
CLUSTERS = 5
MAX_SAMPLES = 20_000
#: the main colour must cover this share of the product's pixels
MIN_SHARE = 0.03
#: pixels converted at a time when recolouring
BLOCK = 1 << 20
#: the palette is found on a copy of the photo at most this many pixels on its longer side
PALETTE_SIDE = 1024


@dataclass
class MainColour:
    """The product's main colour and the hues of its other colours."""

    lab: np.ndarray  # mean L*a*b* of its pixels
    hues: list[float]  # hues of its shading clusters
    other_hues: list[float]  # hues of the product's other colours
    share: float  # of the product's pixels

    @property
    def lch(self) -> np.ndarray:
        return cs.lab_to_lch(self.lab)

    @property
    def hex(self) -> str:
        return to_hex(self.lab)


def to_hex(lab: np.ndarray) -> str:
    r, g, b = cs.to_uint8(cs.lab_to_srgb(np.asarray(lab, np.float32)))
    return f"#{r:02x}{g:02x}{b:02x}"


def hex_to_lab(text: str) -> np.ndarray:
    """``#RRGGBB`` -> L*a*b*; :class:`PluginError` saying why for anything else."""
    try:
        rgb = cs.parse_hex_colour(text)
    except ValueError as exc:
        raise PluginError(f"colours: {exc}") from None
    return cs.srgb_to_lab(cs.to_float(np.array(rgb, np.uint8)))


def find_main_colour(lab: np.ndarray, product: np.ndarray, seed: int = 0) -> MainColour:
    """The main colour of the product pixels ``product`` (bool (H, W)) of ``lab``;
    PluginError when the product is neutral (nothing to recolour)."""
    import cv2

    pixels = lab[product]
    if len(pixels) == 0:
        raise PluginError("the product mask is empty: select the product, or pass --mask")
    chroma = np.hypot(pixels[:, 1], pixels[:, 2])
    vivid = pixels[chroma >= CHROMA_FULL]
    vivid_share = len(vivid) / len(pixels)
    if len(vivid) < max(16, MIN_SHARE * len(pixels)):
        raise PluginError("the product has no main colour to change: it is white, grey or "
                          "black (a colourway moves a colour; it does not paint neutral parts)")
    if len(vivid) > MAX_SAMPLES:
        vivid = vivid[np.random.default_rng(seed).choice(len(vivid), MAX_SAMPLES, False)]
    k = min(CLUSTERS, len(vivid))
    cv2.setRNGSeed(seed)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.1)
    _, labels, centres = cv2.kmeans(vivid.astype(np.float32), k, None, criteria, 3,
                                    cv2.KMEANS_PP_CENTERS)
    labels = labels.ravel()
    counts = np.bincount(labels, minlength=k)
    hues = cs.lab_to_lch(centres)[:, 2]
    groups = _merge_by_hue(hues, counts)
    main = max(groups, key=lambda g: counts[g].sum())
    members = np.isin(labels, main)
    others = [float(hues[i]) for g in groups if g is not main for i in g]
    return MainColour(lab=vivid[members].mean(axis=0), hues=[float(hues[i]) for i in main],
                      other_hues=others, share=float(members.mean() * vivid_share))


def _merge_by_hue(hues: np.ndarray, counts: np.ndarray) -> list[list[int]]:
    """Clusters joined (single linkage) while their hues are within HUE_MERGE."""
    groups: list[list[int]] = []
    for i in np.argsort(-counts):
        near = [g for g in groups
                if min(float(cs.hue_difference(hues[i], hues[j])) for j in g) < HUE_MERGE]
        joined = [int(i)] + [j for g in near for j in g]
        groups = [g for g in groups if g not in near] + [joined]
    return groups


def membership(lch: np.ndarray, main: MainColour) -> np.ndarray:
    """Soft weight 0..1 of each pixel (any shape (..., 3) of LCh) being the main colour."""
    chroma, hue = lch[..., 1], lch[..., 2]
    ramp = np.clip((chroma - CHROMA_NEUTRAL) / (CHROMA_FULL - CHROMA_NEUTRAL), 0, 1)
    ramp = ramp * ramp * (3 - 2 * ramp)

    def near(hue_list: list[float]) -> np.ndarray:
        d = np.min([cs.hue_difference(hue, h) for h in hue_list], axis=0)
        return np.exp(-0.5 * (d / HUE_WIDTH) ** 2)

    own = near(main.hues)
    rest = near(main.other_hues) if main.other_hues else 0.0
    floor = float(np.exp(-0.5 * (HUE_REACH / HUE_WIDTH) ** 2))
    return (ramp * own / (own + rest + floor)).astype(np.float32)


def recolour(rgba: np.ndarray, product: np.ndarray, target_lab: np.ndarray,
             main: MainColour, lightness: float = 1.0, protect: np.ndarray | None = None
             ) -> np.ndarray:
    """``rgba`` with ``main`` moved to ``target_lab`` inside ``product`` (uint8 mask,
    soft), except where ``protect`` (uint8 mask) is set."""
    weight = product.astype(np.float32) / 255.0
    if protect is not None:
        weight *= 1.0 - protect.astype(np.float32) / 255.0
    src = main.lch
    dst = cs.lab_to_lch(np.asarray(target_lab, np.float32))
    out = rgba.copy()
    flat_out = out.reshape(-1, 4)
    flat_weight = weight.ravel()
    where = np.flatnonzero(flat_weight > 0)
    # in blocks, so a 24-megapixel photo never holds more than a few float copies of 1 MP
    for start in range(0, len(where), BLOCK):
        index = where[start:start + BLOCK]
        lab = cs.srgb_to_lab(cs.to_float(flat_out[index, :3]))
        lch = cs.lab_to_lch(lab)
        w = membership(lch, main) * flat_weight[index]
        moved = np.empty_like(lch)
        moved[:, 0] = np.clip(lch[:, 0] + lightness * (dst[0] - src[0]), 0.0, 100.0)
        moved[:, 1] = lch[:, 1] * float(np.clip(dst[1] / max(src[1], 1e-3), 0.2, 4.0))
        moved[:, 2] = (lch[:, 2] + (dst[2] - src[2])) % 360.0
        new_lab = lab + w[:, None] * (cs.lch_to_lab(moved) - lab)
        changed = w > 0
        flat_out[index[changed], :3] = cs.to_uint8(cs.lab_to_srgb(new_lab[changed]))
    return out


def naive_hue_rotation(rgba: np.ndarray, product: np.ndarray, target_lab: np.ndarray,
                       main: MainColour) -> np.ndarray:
    """The baseline: every product pixel's hue rotated by the main colour's hue change."""
    where = product >= 128
    lch = cs.lab_to_lch(cs.srgb_to_lab(cs.to_float(rgba[..., :3][where])))
    lch[:, 2] = (lch[:, 2] + cs.lab_to_lch(target_lab)[2] - main.lch[2]) % 360.0
    out = rgba.copy()
    out[..., :3][where] = cs.to_uint8(cs.lab_to_srgb(cs.lch_to_lab(lch)))
    return out


def auto_colours(main: MainColour, count: int) -> list[str]:
    """A harmonious set: ``count`` hues spread evenly around the wheel from the main
    colour's, at its lightness and a chroma that sells (matched, kept within 30..70)."""
    lch = main.lch
    chroma = float(np.clip(lch[1], 30.0, 70.0))
    out = []
    for i in range(1, count + 1):
        hue = (lch[2] + 360.0 * i / (count + 1)) % 360.0
        out.append(to_hex(cs.lch_to_lab(np.array([lch[0], chroma, hue], np.float32))))
    return out


def parse_colours(text: str) -> list[str]:
    """``#1565c0,#2e7d32`` -> the list, each checked (PluginError naming a bad one)."""
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise PluginError("colours: give one or more #RRGGBB colours separated by commas, "
                          "or auto")
    for item in items:
        hex_to_lab(item)
    return [f"#{''.join(f'{v:02x}' for v in cs.parse_hex_colour(t))}" for t in items]
