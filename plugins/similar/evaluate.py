"""Figures for retrieval and duplicate finding (the training script, tests and the bench
share them): recall@k, and pair precision / recall / F1 of a grouping."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np


def recall_at_k(ranked: np.ndarray, truth: np.ndarray, k: int) -> float:
    """Share of queries whose true item is among the first ``k`` of its ranking.
    ``ranked`` is (Q, >=k) item ids best first; ``truth`` (Q,) the right item of each."""
    ranked = np.asarray(ranked)
    if not len(ranked):
        raise ValueError("no queries to score")
    return float(np.mean((ranked[:, :k] == np.asarray(truth)[:, None]).any(axis=1)))


def _pairs(groups: Sequence[Sequence[object]]) -> set[frozenset]:
    return {frozenset(p) for g in groups for p in combinations(g, 2)}


def pair_scores(found: Sequence[Sequence[object]],
                truth: Sequence[Sequence[object]]) -> dict[str, float]:
    """Precision, recall and F1 over the pairs that share a group (``found`` against
    ``truth``); an empty side scores 1.0 precision (nothing wrong was claimed)."""
    got, want = _pairs(found), _pairs(truth)
    hits = len(got & want)
    precision = hits / len(got) if got else 1.0
    recall = hits / len(want) if want else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def colour_histogram(rgb: np.ndarray, bins: int = 8) -> np.ndarray:
    """A unit-length joint HSV histogram (``bins`` per channel): the classical retrieval
    baseline."""
    import cv2

    hsv = cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1, 2], None, [bins] * 3, [0, 180, 0, 256, 0, 256])
    hist = np.sqrt(hist.ravel().astype(np.float32))  # Hellinger: cosine on square roots
    return hist / max(float(np.linalg.norm(hist)), 1e-8)
