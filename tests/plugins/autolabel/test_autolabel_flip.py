"""Test-time flip: the mirror image's head outputs, turned back, line up with the photo's."""

import torch

from plugins.autolabel.model import STRIDES, merge_mirrored


def _mirror(out: dict, height: int, width: int) -> dict:
    """What the head says about the mirror image of a photo it saw as ``out``."""
    mirrored, start = {}, 0
    parts: dict[str, list] = {k: [] for k in out}
    for stride in STRIDES:
        h, w = height // stride, width // stride
        for key, value in out.items():
            level = value[:, start:start + h * w]
            level = level.reshape(level.shape[0], h, w, *level.shape[2:]).flip(2)
            parts[key].append(level.reshape(level.shape[0], h * w, *level.shape[3:]))
        start += h * w
    for key, chunks in parts.items():
        mirrored[key] = torch.cat(chunks, 1)
    mirrored["ltrb"] = mirrored["ltrb"][..., [2, 1, 0, 3]]
    return mirrored


def test_the_mirrored_outputs_turned_back_agree_with_the_photos():
    height, width = 128, 192
    n = sum((height // s) * (width // s) for s in STRIDES)
    torch.manual_seed(0)
    out = {"obj": torch.randn(2, n), "ctr": torch.randn(2, n), "ltrb": torch.rand(2, n, 4),
           "cls": torch.randn(2, n, 3), "photo": torch.randn(2, 3)}
    other = {k: v for k, v in out.items() if k != "photo"}
    merged = merge_mirrored(out, _mirror(other, height, width), height, width)
    for key in ("obj", "ctr", "ltrb", "cls"):
        assert torch.allclose(merged[key], out[key], atol=1e-6)
    changed = merge_mirrored(out, other, height, width)  # not mirrored: no longer agrees
    assert not torch.allclose(changed["ltrb"], out["ltrb"])
