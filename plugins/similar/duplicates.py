"""Exact and near duplicates among a set of images: re-encoded, resized, slightly cropped,
brightened or captioned copies of one photo.

Two images are copies when their perceptual hashes are close (re-encoding, resizing and
brightening move few bits), or when their ImageNet features are nearly the same *and* the
DCT hash still roughly agrees (a crop or a text overlay moves the hash more, but not the
features; two different photos of one product have close features yet different hashes).
Groups are the connected sets of copies. Exact copies (the same bytes) always group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from editor.model.imageio import ImageFileError
from editor.training.features import FeatureCache, load_rgb
from plugins.similar.embed import imagenet_embedding
from plugins.similar.hashing import dhash, hamming, phash

#: at most this many pHash bits differ between a photo and a re-encoded/resized copy
HASH_BITS = 12
#: ... and with features this close (cosine), this many bits may differ (crops, captions)
FEATURE_COS = 0.90
LOOSE_HASH_BITS = 26


@dataclass
class Fingerprints:
    """What duplicate finding compares, per readable image."""

    paths: list[Path] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 1280), np.float32))
    dhashes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    phashes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    problems: list[tuple[Path, str]] = field(default_factory=list)


def fingerprints(paths: Sequence[Path], cache: FeatureCache | None = None,
                 progress: Callable[[float, str], None] | None = None) -> Fingerprints:
    """Features and hashes of each image; unreadable ones go to ``problems``."""
    cache = cache or FeatureCache()
    found = cache.features(list(paths), progress=progress)
    out = Fingerprints(problems=list(found.problems))
    embed = imagenet_embedding()
    vectors, dh, ph = [], [], []
    for path, key, feats in zip(found.paths, found.hashes, found.features, strict=True):
        try:
            rgb = load_rgb(path)
        except ImageFileError as exc:
            out.problems.append((path, exc.reason))
            continue
        out.paths.append(path)
        out.content.append(key)
        vectors.append(embed(feats[:1]))
        dh.append(dhash(rgb))
        ph.append(phash(rgb))
    if vectors:
        out.vectors = np.concatenate(vectors)
        out.dhashes = np.array(dh, np.uint64)
        out.phashes = np.array(ph, np.uint64)
    return out


def duplicate_pairs(fp: Fingerprints, hash_bits: int = HASH_BITS,
                    feature_cos: float = FEATURE_COS,
                    loose_bits: int = LOOSE_HASH_BITS) -> list[tuple[int, int]]:
    """Index pairs (i < j) judged to be copies of each other."""
    n = len(fp.paths)
    pairs: list[tuple[int, int]] = []
    block = 1024  # keeps the distance matrices a few MB however many images there are
    for start in range(0, n, block):
        rows = slice(start, min(n, start + block))
        bits = hamming(fp.phashes[rows, None], fp.phashes[None, :])
        cos = fp.vectors[rows] @ fp.vectors.T
        same = (bits <= hash_bits) | ((cos >= feature_cos) & (bits <= loose_bits))
        for k in range(rows.stop - start):
            i = start + k
            same[k, : i + 1] = False
            pairs.extend((i, int(j)) for j in np.flatnonzero(same[k]))
    first: dict[str, int] = {}
    for i, key in enumerate(fp.content):  # the same bytes are always the same image
        if key in first:
            pairs.append((first[key], i))
        first.setdefault(key, i)
    return sorted(set(pairs))


def group_pairs(n: int, pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Connected groups (two or more members) of the pairs' graph, largest first."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    found = [sorted(g) for g in groups.values() if len(g) > 1]
    return sorted(found, key=lambda g: (-len(g), g[0]))


def find_duplicates(paths: Sequence[Path], cache: FeatureCache | None = None,
                    progress: Callable[[float, str], None] | None = None,
                    ) -> tuple[list[list[Path]], list[tuple[Path, str]]]:
    """(groups of copies, unreadable files with the reason)."""
    fp = fingerprints(paths, cache, progress)
    groups = group_pairs(len(fp.paths), duplicate_pairs(fp))
    return [[fp.paths[i] for i in g] for g in groups], fp.problems


def sharpness(rgb: np.ndarray) -> float:
    """Variance of the Laplacian of the grey image: higher is sharper."""
    import cv2

    grey = cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def best_of(group: Sequence[Path]) -> Path:
    """The copy to keep: the most pixels, then the sharpest (unreadable ones never win)."""
    def score(path: Path) -> tuple[int, float]:
        try:
            rgb = load_rgb(path)
        except ImageFileError:
            return (-1, 0.0)
        return (rgb.shape[0] * rgb.shape[1], sharpness(rgb))

    return max(group, key=score)
