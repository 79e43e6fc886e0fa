"""No file Lightbox loads with torch may run code: ``weights_only=False`` is banned."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
BANNED = "weights_only=" + "False"


def test_no_unsafe_torch_load_in_the_tree() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("editor", "plugins", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BANNED in line.replace(" ", "")
    ]
    assert offenders == []


def test_detector_cache_round_trips_and_refuses_a_crafted_pickle(tmp_path: Path) -> None:
    from plugins.autolabel.train import Cached, DetectorTask

    task = DetectorTask({"size": 64})
    task.classes = ["shoe"]
    maps = tuple(torch.zeros(2, 4, 4, dtype=torch.float16) for _ in range(3))
    task._cache["a.jpg"] = Cached(maps, maps, np.arange(5), np.arange(5),
                                  np.ones((1, 4), np.float32), np.ones((1, 4), np.float32),
                                  np.zeros(1, np.int64), 0.5)
    task.save_cache(tmp_path / "cache.pt")
    again = DetectorTask({"size": 64})
    again.classes = ["shoe"]
    again.load_cache(tmp_path / "cache.pt")
    item = again._cache["a.jpg"]
    assert isinstance(item.owner, np.ndarray) and item.owner.tolist() == [0, 1, 2, 3, 4]
    assert item.scale == 0.5 and torch.equal(item.maps[0], maps[0])

    class Evil:
        def __reduce__(self):  # noqa: ANN204 - what a crafted cache file would hold
            return (Path.touch, (tmp_path / "pwned",))

    crafted = tmp_path / "crafted.pt"
    torch.save({"size": 64, "classes": ["shoe"], "items": Evil()}, crafted)
    with pytest.raises(pickle.UnpicklingError):
        again.load_cache(crafted)
    assert not (tmp_path / "pwned").exists()
