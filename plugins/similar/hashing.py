"""Perceptual hashes: 64-bit fingerprints that change little when a photo is re-encoded,
resized or brightened, and a lot when it shows something else.

- dHash (difference hash, Krawetz 2013): the grey image at 9x8, one bit per pair of
  neighbours (is the left pixel brighter?). Fast; robust to scaling and brightness.
- pHash (DCT hash): the grey image at 32x32, its 2-D DCT, the 8x8 lowest frequencies
  (the DC term left out), one bit per coefficient above their median. Robust to
  re-encoding, mild blur and colour changes.

Both are written here with numpy and OpenCV rather than taken from a hashing package.
"""

from __future__ import annotations

import numpy as np

_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], np.uint8)


def _grey(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    import cv2

    grey = cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA).astype(np.float32)


def _pack(bits: np.ndarray) -> int:
    return int.from_bytes(np.packbits(bits.astype(np.uint8).ravel()).tobytes(), "big")


def dhash(rgb: np.ndarray) -> int:
    """The 64-bit difference hash of a uint8 RGB(A) image."""
    grey = _grey(rgb, (9, 8))
    return _pack(grey[:, 1:] > grey[:, :-1])


def phash(rgb: np.ndarray) -> int:
    """The 64-bit DCT hash of a uint8 RGB(A) image."""
    import cv2

    coeffs = cv2.dct(_grey(rgb, (32, 32)))[:8, :8].ravel()
    low = coeffs[1:]  # the DC term only says how bright the image is
    return _pack(np.concatenate([[False], low > np.median(low)]))


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bit distances between uint64 hashes (broadcast: (N,1) against (M,) gives (N, M))."""
    x = np.ascontiguousarray(np.bitwise_xor(np.asarray(a, np.uint64), np.asarray(b, np.uint64)))
    bytes_ = x.reshape(-1).view(np.uint8).reshape(*x.shape, 8)
    return _POPCOUNT[bytes_].sum(axis=-1, dtype=np.int32)
