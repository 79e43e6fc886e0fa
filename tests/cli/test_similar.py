"""`lightbox similar index|query|duplicates` as a scripted user drives them (tiny backbone)."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from editor.cli import main
from editor.training import features


@pytest.fixture(autouse=True)
def tiny_backbone(monkeypatch, tmp_path):
    monkeypatch.setenv("LIGHTBOX_FEATURE_CACHE", str(tmp_path / "features"))
    monkeypatch.setattr(features, "efficientnet_embedder",
                        lambda device="cpu": features.tiny_embedder())


def picture(seed: int, size: int = 96) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = np.empty((size, size, 3), np.uint8)
    image[:] = rng.integers(0, 256, 3)
    for _ in range(4):
        x0, y0 = (int(v) for v in rng.integers(0, size - 20, 2))
        w, h = (int(v) for v in rng.integers(10, size // 2, 2))
        cv2.rectangle(image, (x0, y0), (x0 + w, y0 + h),
                      tuple(int(c) for c in rng.integers(0, 256, 3)), -1)
    return image


def write(path, rgb, quality=95):
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), rgb[..., ::-1].copy(), [cv2.IMWRITE_JPEG_QUALITY, quality])
    return path


@pytest.fixture
def catalogue(tmp_path):
    for i in range(5):
        write(tmp_path / "cat" / f"item{i}.jpg", picture(i))
    return tmp_path / "cat"


def test_index_then_query_writes_the_documented_json(catalogue, tmp_path, capsys):
    index = tmp_path / "cat.idx"
    assert main(["similar", "index", str(catalogue), "-o", str(index)]) == 0
    assert "5 images (5 added" in capsys.readouterr().out
    assert main(["similar", "index", str(catalogue), "-o", str(index)]) == 0
    assert "0 embedded" in capsys.readouterr().out
    query = write(tmp_path / "q" / "shelf.jpg", picture(2), quality=60)
    out = tmp_path / "results.json"
    assert main(["similar", "query", str(query), "--index", str(index), "--top", "3",
                 "--json", str(out)]) == 0
    results = json.loads(out.read_text())["results"]
    assert [r["query"] for r in results] == [str(query)]
    matches = results[0]["matches"]
    assert len(matches) == 3 and set(matches[0]) == {"path", "score"}
    assert matches[0]["path"].endswith("item2.jpg")
    assert matches[0]["score"] >= matches[1]["score"]


def test_a_damaged_index_is_named_with_the_rebuild_command(catalogue, tmp_path, capsys):
    index = tmp_path / "cat.idx"
    index.write_text("not an index")
    assert main(["similar", "query", str(catalogue), "--index", str(index)]) == 1
    assert "damaged" in capsys.readouterr().err
    assert main(["similar", "index", str(catalogue), "-o", str(index)]) == 1
    err = capsys.readouterr().err
    assert "--rebuild" in err and index.read_text() == "not an index"  # left as it was
    assert main(["similar", "index", str(catalogue), "-o", str(index), "--rebuild"]) == 0


def test_duplicates_groups_copies_and_names_unreadable_files(catalogue, tmp_path, capsys):
    big = cv2.resize(picture(11), (240, 240), interpolation=cv2.INTER_NEAREST)
    write(catalogue / "original.jpg", big)
    write(catalogue / "copy.jpg", cv2.resize(big, (120, 120)), quality=50)
    (catalogue / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut off")
    out = tmp_path / "dups.json"
    assert main(["similar", "duplicates", str(catalogue), "--json", str(out)]) == 1
    groups = json.loads(out.read_text())["groups"]
    assert [sorted(p.rsplit("/", 1)[1] for p in g) for g in groups] == [
        ["copy.jpg", "original.jpg"]]
    assert "broken.jpg" in capsys.readouterr().err
