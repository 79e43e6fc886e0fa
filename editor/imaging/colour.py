"""Colour spaces: sRGB <-> linear light <-> CIE L*a*b* (D65), and colour differences.

Float in, float out (``float32``, sRGB and linear in 0..1, L in 0..100), any leading
shape with the channels last, so masks and pixel lists work as well as images.
"""

from __future__ import annotations

import numpy as np

# sRGB (D65) -> XYZ, and the D65 white point
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]], dtype=np.float64)
_XYZ_TO_RGB = np.linalg.inv(_RGB_TO_XYZ)
_WHITE = _RGB_TO_XYZ.sum(axis=1)
_EPS = 216 / 24389
_KAPPA = 24389 / 27


def to_float(rgb8: np.ndarray) -> np.ndarray:
    """``uint8`` channels -> ``float32`` 0..1."""
    return rgb8.astype(np.float32) / 255.0


def to_uint8(rgb: np.ndarray) -> np.ndarray:
    """``float`` 0..1 -> ``uint8``, rounded and clipped."""
    return np.clip(np.rint(np.asarray(rgb, dtype=np.float32) * 255.0), 0, 255).astype(np.uint8)


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    rgb = np.asarray(rgb, dtype=np.float32)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4).astype(
        np.float32)


def linear_to_srgb(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(np.asarray(lin, dtype=np.float32), 0.0, None)
    return np.where(lin <= 0.0031308, lin * 12.92,
                    1.055 * np.power(lin, 1 / 2.4) - 0.055).astype(np.float32)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0..1 -> L*a*b* (L 0..100, a/b roughly -128..127)."""
    xyz = srgb_to_linear(rgb) @ _RGB_TO_XYZ.T.astype(np.float32)
    t = xyz / _WHITE.astype(np.float32)
    f = np.where(t > _EPS, np.cbrt(t), (_KAPPA * t + 16) / 116)
    lab = np.empty_like(f)
    lab[..., 0] = 116 * f[..., 1] - 16
    lab[..., 1] = 500 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return lab.astype(np.float32)


def lab_to_srgb(lab: np.ndarray) -> np.ndarray:
    """L*a*b* -> sRGB 0..1 (out-of-gamut colours clipped)."""
    lab = np.asarray(lab, dtype=np.float32)
    fy = (lab[..., 0] + 16) / 116
    fx = fy + lab[..., 1] / 500
    fz = fy - lab[..., 2] / 200
    f = np.stack([fx, fy, fz], axis=-1)
    t = np.where(f ** 3 > _EPS, f ** 3, (116 * f - 16) / _KAPPA)
    xyz = t * _WHITE.astype(np.float32)
    lin = xyz @ _XYZ_TO_RGB.T.astype(np.float32)
    return np.clip(linear_to_srgb(lin), 0.0, 1.0)


def lab_to_lch(lab: np.ndarray) -> np.ndarray:
    """L*a*b* -> L, chroma, hue in degrees 0..360."""
    lab = np.asarray(lab, dtype=np.float32)
    out = np.empty_like(lab)
    out[..., 0] = lab[..., 0]
    out[..., 1] = np.hypot(lab[..., 1], lab[..., 2])
    out[..., 2] = np.degrees(np.arctan2(lab[..., 2], lab[..., 1])) % 360.0
    return out


def lch_to_lab(lch: np.ndarray) -> np.ndarray:
    lch = np.asarray(lch, dtype=np.float32)
    out = np.empty_like(lch)
    h = np.radians(lch[..., 2])
    out[..., 0] = lch[..., 0]
    out[..., 1] = lch[..., 1] * np.cos(h)
    out[..., 2] = lch[..., 1] * np.sin(h)
    return out


def delta_e76(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIE76 colour difference (Euclidean distance in L*a*b*)."""
    return np.linalg.norm(np.asarray(lab1, np.float32) - np.asarray(lab2, np.float32), axis=-1)


def hue_difference(h1: np.ndarray, h2: np.ndarray) -> np.ndarray:
    """Smallest angle between hues in degrees (0..180)."""
    d = np.abs(np.asarray(h1, np.float32) - np.asarray(h2, np.float32)) % 360.0
    return np.minimum(d, 360.0 - d)


def parse_hex_colour(text: str) -> tuple[int, int, int]:
    """``#RRGGBB`` or ``#RGB`` (the ``#`` optional) -> (r, g, b); ValueError saying why."""
    value = text.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise ValueError(f"{text!r} is not a colour; write it as #RRGGBB, e.g. #1565c0")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
