"""The catalogue index: incremental updates, searching, and damaged or foreign files."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

from plugins.similar.embed import imagenet_embedding
from plugins.similar.index import CatalogueIndex, IndexFileError, update_index


def build(folder, old=None):
    return update_index(old, [folder], imagenet_embedding())


def test_indexing_a_folder_twice_embeds_nothing_the_second_time(catalogue, tmp_path):
    index, first = build(catalogue)
    assert (first.added, first.embedded, len(index)) == (6, 6, 6)
    index.save(tmp_path / "cat.idx")
    again, second = build(catalogue, CatalogueIndex.load(tmp_path / "cat.idx"))
    assert second.embedded == 0 and second.kept == 6
    assert sorted(again.paths) == sorted(index.paths)


def test_a_deleted_file_disappears_from_the_results(catalogue):
    index, _ = build(catalogue)
    gone = catalogue / "item2.jpg"
    query = index.vectors[index.paths.index(str(gone.resolve()))][None]
    assert index.search(query, 1)[0][0][0] == str(gone.resolve())
    gone.unlink()
    index, stats = build(catalogue, index)
    assert stats.removed == 1 and stats.embedded == 0
    assert str(gone.resolve()) not in [p for p, _ in index.search(query, 10)[0]]


def test_a_changed_file_is_embedded_again_and_a_touched_one_is_not(catalogue, picture, save):
    index, _ = build(catalogue)
    touched = catalogue / "item1.jpg"
    os.utime(touched, ns=(1_000_000_000, 1_000_000_000))
    index, stats = build(catalogue, index)
    assert (stats.changed, stats.embedded) == (0, 0)
    changed = catalogue / "item3.jpg"
    before = index.vectors[index.paths.index(str(changed.resolve()))].copy()
    save(changed, picture(99))
    index, stats = build(catalogue, index)
    assert (stats.changed, stats.embedded) == (1, 1)
    after = index.vectors[index.paths.index(str(changed.resolve()))]
    assert not np.allclose(before, after)


def test_search_finds_the_image_itself_first_with_a_cosine_score(catalogue):
    index, _ = build(catalogue)
    matches = index.search(index.vectors[:1], 3)[0]
    assert matches[0][0] == index.paths[0] and matches[0][1] == pytest.approx(1.0, abs=1e-4)
    assert len(matches) == 3 and matches[0][1] >= matches[1][1] >= matches[2][1]
    excluded = index.search(index.vectors[:1], 3, exclude=[index.paths[0]])[0]
    assert index.paths[0] not in [p for p, _ in excluded]


def test_unreadable_images_are_named_and_skipped(catalogue):
    (catalogue / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    index, stats = build(catalogue)
    assert len(index) == 6
    assert [p.name for p, _ in stats.problems] == ["broken.jpg"]


def test_a_damaged_index_file_says_so_and_offers_a_rebuild(tmp_path):
    path = tmp_path / "cat.idx"
    path.write_bytes(b"PK\x03\x04 garbage")
    with pytest.raises(IndexFileError, match="damaged.*rebuild"):
        CatalogueIndex.load(path)


def test_an_index_of_another_version_says_so_and_offers_a_rebuild(catalogue, tmp_path):
    index, _ = build(catalogue)
    path = tmp_path / "cat.idx"
    index.save(path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(bytes(arrays["meta"]).decode())
    meta["version"] = 99
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    with path.open("wb") as fh:
        np.savez(fh, **arrays)
    assert zipfile.is_zipfile(path)
    with pytest.raises(IndexFileError, match="version 99.*rebuild"):
        CatalogueIndex.load(path)


def test_a_large_index_uses_ivf_lists_and_still_finds_neighbours():
    from plugins.similar.index import build_ann

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(50, 16)).astype(np.float32)
    x = centres[rng.integers(0, 50, 25_000)] + 0.05 * rng.normal(size=(25_000, 16))
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    ann = build_ann(x)
    assert type(ann).__name__ == "IndexIVFFlat"
    _, ids = ann.search(x[:20], 1)
    assert (ids[:, 0] == np.arange(20)).mean() >= 0.9
