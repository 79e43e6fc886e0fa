"""The Catalogue dock's tags for the open photo are the ones ``Run`` on the classify plugin
gives: the dock reads the classifier's own path, not only the features it shares with the
similarity search (a fine-tuned classifier reads more than those)."""

from __future__ import annotations

from editor.model.commands import AddLayer
from editor.model.document import Document
from editor.model.imageio import load_image
from editor.model.layers import RasterLayer
from editor.paths import SAMPLES
from editor.qt.features.catalogue import describe_photo
from editor.tasks.api import QuietContext
from editor.tasks.chain import call_plugin


def test_the_docks_tags_match_the_classify_plugin(tmp_path, monkeypatch):
    monkeypatch.setenv("LIGHTBOX_FEATURE_CACHE", str(tmp_path / "features"))
    pixels = load_image(SAMPLES / "jar.png").pixels
    doc = Document(pixels.shape[1], pixels.shape[0])
    doc.history.push(AddLayer(RasterLayer("photo", pixels)))
    tags, matches = describe_photo(doc, None)
    assert isinstance(tags, dict) and matches == []
    report = call_plugin("classify", pixels, {}, QuietContext()).report
    assert tags["label"] == report["label"]
    assert abs(tags["score"] - report["score"]) < 1e-3


def test_tag_a_folder_writes_the_classify_plugins_labels(tmp_path, monkeypatch):
    import csv
    import shutil

    from editor.qt.features.catalogue import tag_folder

    monkeypatch.setenv("LIGHTBOX_FEATURE_CACHE", str(tmp_path / "features"))
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("jar.png", "mug.png"):
        shutil.copy(SAMPLES / name, folder / name)
    target = tmp_path / "tags.csv"
    assert tag_folder(folder, target, lambda *a: None)[0] == 2
    with target.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        report = call_plugin("classify", load_image(row["path"]).pixels, {},
                             QuietContext()).report
        assert row["label"] == report["label"]
        assert abs(float(row["score"]) - report["score"]) < 1e-3
