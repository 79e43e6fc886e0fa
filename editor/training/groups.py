"""A validation split that does not leak: photos split by groups of near-duplicates.

Shelf photos come in series: an annotator walks along a shelf and takes several photos of
the same products from nearly the same place. A split that puts each photo on a side of its
own puts members of one series on both sides, and the held-out figures then measure how
well the model remembers a shelf, not how it does on a new one. Here photos are grouped
first, and whole groups go to one side.

Two photos are in one group when either

- their file names are one *sequence*: the same prefix with numbers in the same block of
  :data:`SEQUENCE_BLOCK` (``MILK0040.jpg`` ... ``MILK0059.jpg``), the way cameras and
  datasets number a series; or
- their *perceptual hashes* (64-bit DCT hash of the 32x32 grey thumbnail) differ in at most
  :data:`HASH_DISTANCE` bits: the same shot saved twice, cropped or re-encoded, whatever its
  name.

Groups are the connected components of those links. A group's side follows a hash of its
first file's path (as :meth:`Dataset.split` does per file), so the split is the same every
time and adding photos later moves few groups.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from editor.training.formats import Sample

#: numbers ``n`` of a file-name sequence with the same ``n // SEQUENCE_BLOCK`` are one group
SEQUENCE_BLOCK = 20
#: perceptual hashes this many bits apart or nearer are the same shot
HASH_DISTANCE = 10
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def sequence_key(path: Path) -> str | None:
    """The group a file name's sequence number puts it in (``"MILK#2"`` for MILK0045.jpg),
    or None for a name without a trailing number."""
    found = _NUMBERED.match(path.stem)
    if not found:
        return None
    return f"{path.parent.as_posix()}/{found.group(1)}#{int(found.group(2)) // SEQUENCE_BLOCK}"


def perceptual_hash(path: Path) -> np.ndarray | None:
    """The 64-bit DCT hash of an image file (bools), or None when it cannot be read."""
    import cv2

    grey = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if grey is None:
        return None
    small = cv2.resize(grey.astype(np.float32), (32, 32), interpolation=cv2.INTER_AREA)
    low = cv2.dct(small)[:8, :8].ravel()
    return low > np.median(low[1:])


def groups(samples: Sequence[Sample]) -> list[int]:
    """The group number of each sample (connected components of the links above)."""
    parent = list(range(len(samples)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first: dict[str, int] = {}
    for i, sample in enumerate(samples):
        key = sequence_key(sample.image)
        if key is not None:
            union(i, first.setdefault(key, i))
    hashes = [perceptual_hash(s.image) for s in samples]
    known = [i for i, h in enumerate(hashes) if h is not None]
    if known:
        bits = np.stack([hashes[i] for i in known]).astype(np.uint8)
        for row, i in enumerate(known):
            # distances to later photos only: each pair is looked at once
            near = np.count_nonzero(bits[row + 1:] != bits[row], axis=1) <= HASH_DISTANCE
            for k in np.flatnonzero(near):
                union(i, known[row + 1 + int(k)])
    return [find(i) for i in range(len(samples))]


def group_split(samples: Sequence[Sample], root: Path, val_fraction: float, seed: int = 0
                ) -> tuple[list[Sample], list[Sample]]:
    """(train, held-out) with every group wholly on one side; about ``val_fraction`` of the
    photos are held out (whole groups, so not exactly)."""
    if not 0 <= val_fraction < 1:
        raise ValueError(f"val_fraction must be at least 0 and below 1, got {val_fraction}")
    labels = groups(samples)
    side: dict[int, bool] = {}
    for i, group in enumerate(labels):
        if group not in side:  # the group's first member names it
            side[group] = _fraction(samples[i].image, root, seed) < val_fraction
    train = [s for s, g in zip(samples, labels, strict=True) if not side[g]]
    held = [s for s, g in zip(samples, labels, strict=True) if side[g]]
    if not held and len(set(labels)) >= 2 and val_fraction > 0:
        smallest = min(set(labels), key=lambda g: _fraction(samples[labels.index(g)].image,
                                                            root, seed))
        train = [s for s, g in zip(samples, labels, strict=True) if g != smallest]
        held = [s for s, g in zip(samples, labels, strict=True) if g == smallest]
    return train, held


def _fraction(image: Path, root: Path, seed: int) -> float:
    try:
        name = image.relative_to(root).as_posix()
    except ValueError:
        name = image.as_posix()
    digest = hashlib.blake2b(f"group\0{seed}\0{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64
