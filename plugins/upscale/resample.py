"""Resampling the super-resolution protocol depends on: MATLAB-style bicubic ``imresize``.

The Set5/Set14 low-resolution images were made with MATLAB's ``imresize(hr, 1/s, 'bicubic')``
(kernel a = -0.5, antialiased when shrinking, mirrored borders). Training pairs must be made
the same way or the model learns the wrong blur, and the "bicubic" baseline must use the same
kernel, so both live here. OpenCV's ``INTER_CUBIC`` (a = -0.75, no antialiasing) differs.

The resize is separable: one weight matrix per axis, ``out = Wy @ image @ Wx.T``, cached by
size. Pure numpy.
"""

from __future__ import annotations

import functools

import numpy as np


def _cubic(x: np.ndarray) -> np.ndarray:
    """Keys' cubic convolution kernel with a = -0.5 (MATLAB's ``cubic``)."""
    ax = np.abs(x)
    ax2, ax3 = ax * ax, ax * ax * ax
    return ((1.5 * ax3 - 2.5 * ax2 + 1.0) * (ax <= 1)
            + (-0.5 * ax3 + 2.5 * ax2 - 4.0 * ax + 2.0) * ((ax > 1) & (ax <= 2)))


@functools.lru_cache(maxsize=64)
def weights(in_len: int, out_len: int) -> np.ndarray:
    """The (out_len, in_len) float32 matrix of MATLAB's bicubic resize along one axis."""
    if in_len < 1 or out_len < 1:
        raise ValueError(f"cannot resize {in_len} pixels to {out_len}")
    scale = out_len / in_len
    shrink = scale < 1
    width = 4.0 / scale if shrink else 4.0
    u = np.arange(1, out_len + 1, dtype=np.float64)
    x = u / scale + 0.5 * (1 - 1 / scale)  # output pixel centre in 1-based input coordinates
    left = np.floor(x - width / 2)
    taps = int(np.ceil(width)) + 2
    idx = left[:, None] + np.arange(taps)[None, :]
    dist = x[:, None] - idx
    w = scale * _cubic(scale * dist) if shrink else _cubic(dist)
    w /= w.sum(axis=1, keepdims=True)
    # mirror out-of-range taps back inside (MATLAB's symmetric padding)
    period = 2 * in_len
    j = np.mod(idx - 1, period)
    j = np.where(j >= in_len, period - 1 - j, j).astype(np.int64)
    matrix = np.zeros((out_len, in_len), np.float64)
    rows = np.repeat(np.arange(out_len), taps)
    np.add.at(matrix, (rows, j.ravel()), w.ravel())
    return matrix.astype(np.float32)


def imresize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """``image`` (H, W) or (H, W, C), any numeric dtype, resized to (height, width) with
    MATLAB's bicubic; float32 out, not rounded or clipped."""
    img = np.asarray(image, np.float32)
    wy = weights(img.shape[0], height)
    wx = weights(img.shape[1], width)
    if img.ndim == 2:
        return wy @ img @ wx.T
    h, w, c = img.shape
    rows = (wy @ img.reshape(h, w * c)).reshape(height, w, c)
    return np.ascontiguousarray((rows.transpose(0, 2, 1) @ wx.T).transpose(0, 2, 1))


def downscale(hr: np.ndarray, scale: int) -> np.ndarray:
    """The protocol's low-resolution image: ``hr`` cropped to a multiple of ``scale`` and
    shrunk by ``scale`` with MATLAB's bicubic (float32, unrounded)."""
    h, w = hr.shape[0] // scale, hr.shape[1] // scale
    return imresize(hr[: h * scale, : w * scale], h, w)


def mod_crop(image: np.ndarray, scale: int) -> np.ndarray:
    """``image`` cropped at the bottom/right to a multiple of ``scale`` in both sides."""
    h, w = image.shape[0] - image.shape[0] % scale, image.shape[1] - image.shape[1] % scale
    return image[:h, :w]
