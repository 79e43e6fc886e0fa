"""Duplicates: perceptual hashes, grouping, and which copy to keep."""

from __future__ import annotations

import cv2
import numpy as np

from plugins.similar.duplicates import best_of, find_duplicates, group_pairs
from plugins.similar.evaluate import pair_scores, recall_at_k
from plugins.similar.hashing import dhash, hamming, phash


def test_hashes_barely_move_for_a_resized_copy_and_a_lot_for_another_image(picture):
    a = cv2.resize(picture(1, 256), (256, 256))
    small = cv2.resize(a, (128, 128), interpolation=cv2.INTER_AREA)
    other = picture(2, 256)
    for h in (dhash, phash):
        assert hamming(np.uint64(h(a)), np.uint64(h(small))) <= 4
        assert hamming(np.uint64(h(a)), np.uint64(h(other))) >= 12


def test_a_resized_reencoded_copy_groups_with_its_original_not_with_others(tmp_path, picture, save):
    original = cv2.resize(picture(5), (240, 240), interpolation=cv2.INTER_NEAREST)
    paths = [save(tmp_path / "original.jpg", original),
             save(tmp_path / "copy.jpg", cv2.resize(original, (120, 120)), quality=50),
             save(tmp_path / "exact.jpg", original)]
    (tmp_path / "exact.jpg").write_bytes((tmp_path / "original.jpg").read_bytes())
    for i in range(3):
        paths.append(save(tmp_path / f"other{i}.jpg", picture(20 + i, 240)))
    groups, problems = find_duplicates(paths)
    assert not problems
    assert [sorted(p.name for p in g) for g in groups] == [["copy.jpg", "exact.jpg",
                                                           "original.jpg"]]


def test_the_copy_kept_is_the_largest(tmp_path, picture, save):
    big = save(tmp_path / "big.jpg", picture(3, 200))
    small = save(tmp_path / "small.jpg", cv2.resize(picture(3, 200), (80, 80)))
    assert best_of([small, big]) == big


def test_grouping_and_the_figures():
    assert group_pairs(5, [(0, 1), (1, 2), (3, 4)]) == [[0, 1, 2], [3, 4]]
    scores = pair_scores([["a", "b", "c"]], [["a", "b"], ["c", "d"]])
    assert scores["precision"] == 1 / 3 and scores["recall"] == 0.5
    assert recall_at_k(np.array([[1, 2], [0, 3]]), np.array([2, 1]), 1) == 0.0
    assert recall_at_k(np.array([[1, 2], [0, 3]]), np.array([2, 1]), 2) == 0.5
