import logging

import numpy as np
import pytest

from editor.tasks.api import Request
from editor.training import metrics
from plugins.denoise.task import estimate_sigma, run


class Ctx:
    device = "cpu"
    log = logging.getLogger("test")

    def __init__(self):
        self.fractions = []

    def progress(self, fraction, message=""):
        self.fractions.append(fraction)

    def check_cancelled(self):
        pass


def smooth_photo(h=240, w=320):
    """A smooth synthetic photo: gradients and a soft disc, like a product on a sweep."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rgb = np.stack([80 + 100 * xx / w, 120 + 60 * yy / h, 160 - 50 * xx / w], -1)
    disc = np.exp(-(((xx - w / 2) ** 2 + (yy - h / 2) ** 2) / (2 * (h / 5) ** 2)))
    rgb = rgb * (1 - 0.4 * disc[..., None])
    rgba = np.empty((h, w, 4), np.uint8)
    rgba[..., :3] = np.clip(rgb, 0, 255)
    rgba[..., 3] = 255
    return rgba


def noisy(image, sigma, seed=0):
    rng = np.random.default_rng(seed)
    out = image.copy()
    out[..., :3] = np.clip(image[..., :3] + rng.normal(0, sigma, image[..., :3].shape), 0, 255)
    return out


def psnr(a, b):
    return metrics.psnr(a[..., :3], b[..., :3])


@pytest.mark.parametrize("sigma", [10, 25, 40])
def test_the_noise_level_is_measured_from_the_photo(sigma):
    assert estimate_sigma(noisy(smooth_photo(), sigma)[..., :3]) == pytest.approx(sigma, rel=0.2)


def test_blind_denoising_removes_most_of_the_noise_and_keeps_alpha():
    clean = smooth_photo()
    dirty = noisy(clean, 25)
    dirty[:10, :10, 3] = 0  # a transparent corner must stay transparent
    ctx = Ctx()
    result = run(Request(dirty, {"sigma": None, "strength": 1.0}), ctx)
    out = result.layers[0].data
    assert psnr(out, clean) > psnr(dirty, clean) + 6
    assert (out[:10, :10, 3] == 0).all()
    assert result.report["sigma_estimated"] and 20 < result.report["sigma"] < 30
    assert ctx.fractions[-1] == 1.0


def test_sigma_zero_changes_nothing_and_tiny_images_work():
    clean = smooth_photo(2, 2)
    out = run(Request(clean, {"sigma": 0.0, "strength": 1.0}), Ctx()).layers[0].data
    np.testing.assert_array_equal(out, clean)
