"""Scanning a training folder: the layout is recognised, the samples found, and every bad
file named with its reason instead of stopping the scan."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import pytest
from PIL import Image

from editor.model.layers import Box
from editor.training.datasets import DatasetError, Problem, Sample, scan


def png(path: Path, width: int = 20, height: int = 10, mode: str = "RGB") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, (width, height), 128).save(path)
    return path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def reasons(problems: list[Problem]) -> str:
    return "\n".join(map(str, problems))


# -- image+mask pairs --------------------------------------------------------------------
def test_pairs_are_matched_by_name_and_mismatches_are_named(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        png(tmp_path / "images" / f"{name}.png")
        png(tmp_path / "masks" / f"{name}.png", mode="L")
    png(tmp_path / "masks" / "c.png", 30, 10, mode="L")  # wrong size
    png(tmp_path / "images" / "lonely.png")  # no mask
    png(tmp_path / "masks" / "orphan.png", mode="L")  # no image
    ds = scan(tmp_path)
    assert (ds.kind, ds.format) == ("pairs", "image+mask pairs")
    assert [(s.image.name, s.mask.name, s.size) for s in ds.samples] == [
        ("a.png", "a.png", (20, 10)), ("b.png", "b.png", (20, 10))]
    assert ds.counts() == {"pairs": 2}
    text = reasons(ds.problems)
    assert f"{tmp_path / 'masks' / 'c.png'}: mask is 30x10 pixels but its image c.png is 20x10" \
        in text
    assert f"{tmp_path / 'images' / 'lonely.png'}: no mask for this image" in text
    assert f"{tmp_path / 'masks' / 'orphan.png'}: mask without an image" in text


def test_pairs_take_any_image_type_for_masks_and_skip_unreadable_files(tmp_path: Path) -> None:
    png(tmp_path / "images" / "shoe.jpg")
    png(tmp_path / "masks" / "shoe.bmp", mode="L")
    write(tmp_path / "images" / "notes.jpg", "this is text, not a photo")
    png(tmp_path / "masks" / "notes.png", mode="L")
    (tmp_path / "images" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 10)
    png(tmp_path / "masks" / "broken.png", mode="L")
    ds = scan(tmp_path, "pairs")
    assert [s.image.name for s in ds.samples] == ["shoe.jpg"]
    text = reasons(ds.problems)
    assert f"{tmp_path / 'images' / 'notes.jpg'}: not an image file" in text
    assert f"{tmp_path / 'images' / 'broken.png'}: " in text


def test_a_photo_stored_sideways_with_an_exif_tag_matches_its_upright_mask(
        tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to view"
    (tmp_path / "images").mkdir()
    Image.new("RGB", (40, 20)).save(tmp_path / "images" / "p.jpg", exif=exif)
    png(tmp_path / "masks" / "p.png", 20, 40, mode="L")
    ds = scan(tmp_path, "pairs")
    assert [s.size for s in ds.samples] == [(20, 40)] and not ds.problems


def test_asking_for_pairs_in_a_folder_of_photos_says_what_is_expected(tmp_path: Path) -> None:
    png(tmp_path / "photo.png")
    with pytest.raises(DatasetError, match="images/ and masks/") as caught:
        scan(tmp_path, "pairs")
    assert str(tmp_path) in str(caught.value)


# -- class folders -----------------------------------------------------------------------
def test_class_folders_one_level(tmp_path: Path) -> None:
    for i in range(3):
        png(tmp_path / "bags" / f"{i}.png")
        png(tmp_path / "shoes" / f"{i}.jpg")
    png(tmp_path / "shoes" / "3.jpg")
    (tmp_path / "hats").mkdir()  # a class without images
    png(tmp_path / "loose.png")  # in no class
    ds = scan(tmp_path)
    assert (ds.kind, ds.format) == ("classes", "class folders")
    assert ds.classes == ["bags", "shoes"]
    assert ds.counts() == {"bags": 3, "shoes": 4}
    assert all(s.label == s.image.parent.name for s in ds.samples)
    text = reasons(ds.problems)
    assert f"{tmp_path / 'hats'}: class folder has no images" in text
    assert "1 images lie directly in the folder" in text


def test_nested_class_folders_are_named_by_their_path(tmp_path: Path) -> None:
    png(tmp_path / "Fruit" / "Apple" / "1.jpg")
    png(tmp_path / "Fruit" / "Apple" / "2.jpg")
    png(tmp_path / "Fruit" / "Pear" / "1.jpg")
    png(tmp_path / "Packages" / "Milk" / "1.jpg")
    ds = scan(tmp_path, "classes")
    assert ds.classes == ["Fruit/Apple", "Fruit/Pear", "Packages/Milk"]
    assert ds.counts()["Fruit/Apple"] == 2


def test_a_single_class_folder_cannot_train_a_classifier(tmp_path: Path) -> None:
    png(tmp_path / "shoes" / "1.png")
    with pytest.raises(DatasetError, match="only one class"):
        scan(tmp_path, "classes")
    assert scan(tmp_path).kind == "images"  # without a kind it is just photos


# -- YOLO --------------------------------------------------------------------------------
def yolo(root: Path, labels: dict[str, str], names: str = "cup\nbottle\n") -> Path:
    write(root / "classes.txt", names)
    for stem, text in labels.items():
        png(root / "images" / f"{stem}.png", 100, 50)
        if text is not None:
            write(root / "labels" / f"{stem}.txt", text)
    return root


def test_yolo_boxes_come_out_in_pixels(tmp_path: Path) -> None:
    yolo(tmp_path, {"a": "0 0.5 0.5 0.2 0.4\n1 0.1 0.1 0.2 0.2 0.75\n", "b": None, "c": ""})
    ds = scan(tmp_path)
    assert (ds.kind, ds.format, ds.classes) == ("detection", "YOLO", ["cup", "bottle"])
    a, b, c = ds.samples
    assert a.boxes == [Box(40, 15, 60, 35, "cup", 1.0), Box(0, 0, 20, 10, "bottle", 0.75)]
    assert b.boxes == [] and c.boxes == []  # no label file, or an empty one: a negative
    assert ds.counts() == {"cup": 1, "bottle": 1}
    assert not ds.problems


def test_yolo_bad_lines_are_named_and_their_image_left_out(tmp_path: Path) -> None:
    yolo(tmp_path, {"good": "0 0.5 0.5 0.2 0.2\n",
                    "short": "0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2\n",
                    "range": "7 0.5 0.5 0.2 0.2\n",
                    "big": "1 0.5 1.5 0.2 0.2\n",
                    "word": "cup 0.5 0.5 0.2 0.2\n"})
    write(tmp_path / "labels" / "ghost.txt", "0 0.5 0.5 0.1 0.1\n")
    ds = scan(tmp_path, "detection")
    assert [s.image.stem for s in ds.samples] == ["good"]
    text = reasons(ds.problems)
    labels = tmp_path / "labels"
    assert f"{labels / 'short.txt'} line 2: expected 5 numbers (class cx cy w h), got 4" in text
    assert f"{labels / 'range.txt'} line 1: class id 7 is out of range" in text
    assert f"{labels / 'big.txt'} line 1: numbers after the class must be between 0 and 1" \
        in text
    assert f"{labels / 'word.txt'} line 1: expected numbers" in text
    assert f"{labels / 'ghost.txt'}: label file without an image" in text


@pytest.mark.parametrize("yaml", [
    "path: .\nnames: [cup, 'bottle']\n",
    "names:\n  - cup\n  - bottle  # a comment\nnc: 2\n",
    "names:\n  0: cup\n  1: \"bottle\"\n",
    "names: {0: cup, 1: bottle}\n",
])
def test_yolo_class_names_from_data_yaml(tmp_path: Path, yaml: str) -> None:
    yolo(tmp_path, {"a": "1 0.5 0.5 0.2 0.2\n"})
    (tmp_path / "classes.txt").unlink()
    write(tmp_path / "data.yaml", yaml)
    ds = scan(tmp_path)
    assert ds.classes == ["cup", "bottle"]
    assert ds.samples[0].boxes[0].label == "bottle"


def test_yolo_without_class_names_names_classes_by_number(tmp_path: Path) -> None:
    yolo(tmp_path, {"a": "2 0.5 0.5 0.2 0.2\n"})
    (tmp_path / "classes.txt").unlink()
    ds = scan(tmp_path)
    assert ds.format == "YOLO" and ds.classes == ["0", "1", "2"]
    assert "no classes.txt or data.yaml" in reasons(ds.problems)


# -- COCO and Pascal VOC ------------------------------------------------------------------
def test_coco_json_with_images_folder(tmp_path: Path) -> None:
    png(tmp_path / "images" / "a.png", 100, 50)
    png(tmp_path / "images" / "b.png", 100, 50)
    png(tmp_path / "images" / "c.png", 100, 50)
    coco = {
        "images": [{"id": 1, "file_name": "a.png", "width": 100, "height": 50},
                   {"id": 2, "file_name": "b.png", "width": 100, "height": 50},
                   {"id": 3, "file_name": "c.png"},
                   {"id": 4, "file_name": "missing.png"}],
        "annotations": [{"id": 10, "image_id": 1, "category_id": 5, "bbox": [10, 5, 20, 10]},
                        {"id": 11, "image_id": 1, "category_id": 5, "bbox": [0, 0, 9, 9],
                         "iscrowd": 1},
                        {"id": 12, "image_id": 2, "category_id": 99, "bbox": [1, 1, 2, 2]}],
        "categories": [{"id": 5, "name": "cup"}],
    }
    write(tmp_path / "annotations.json", json.dumps(coco))
    ds = scan(tmp_path)
    assert (ds.kind, ds.format, ds.classes) == ("detection", "COCO", ["cup"])
    assert [(s.image.name, s.boxes) for s in ds.samples] == [
        ("a.png", [Box(10, 5, 30, 15, "cup")]), ("c.png", [])]
    text = reasons(ds.problems)
    assert "annotation 12 of 'b.png': category_id 99 is not in 'categories'" in text
    assert "image 'missing.png' not found" in text


def test_pascal_voc_boxes_are_converted_from_one_based(tmp_path: Path) -> None:
    png(tmp_path / "JPEGImages" / "a.jpg", 100, 50)
    png(tmp_path / "JPEGImages" / "b.jpg", 100, 50)
    obj = "<object><name>{}</name><bndbox><xmin>{}</xmin><ymin>1</ymin><xmax>10</xmax>" \
          "<ymax>20</ymax></bndbox></object>"
    write(tmp_path / "Annotations" / "a.xml",
          f"<annotation><filename>a.jpg</filename>{obj.format('cup', 1)}"
          f"{obj.format('bottle', 5)}</annotation>")
    write(tmp_path / "Annotations" / "b.xml",
          f"<annotation><filename>b.jpg</filename>{obj.format('cup', 'left')}</annotation>")
    write(tmp_path / "Annotations" / "c.xml", "<annotation><filename>")
    ds = scan(tmp_path)
    assert (ds.kind, ds.format, ds.classes) == ("detection", "Pascal VOC", ["bottle", "cup"])
    assert [s.boxes for s in ds.samples] == [
        [Box(0, 0, 10, 20, "cup"), Box(4, 0, 10, 20, "bottle")]]
    text = reasons(ds.problems)
    assert f"{tmp_path / 'Annotations' / 'b.xml'}: object 1: expected <bndbox> with numbers" \
        in text
    assert f"{tmp_path / 'Annotations' / 'c.xml'}: not a readable XML file" in text


def test_detection_asked_of_a_photo_folder_names_the_formats(tmp_path: Path) -> None:
    png(tmp_path / "a.png")
    with pytest.raises(DatasetError, match="YOLO .* COCO .* Pascal VOC"):
        scan(tmp_path, "detection")


# -- plain images and unusable folders ---------------------------------------------------
def test_images_are_found_recursively_skipping_hidden_and_broken_files(tmp_path: Path) -> None:
    png(tmp_path / "b.png")
    png(tmp_path / "sub" / "a.jpg")
    png(tmp_path / ".hidden.png")
    png(tmp_path / ".cache" / "x.png")
    write(tmp_path / "fake.jpg", "not really")
    (tmp_path / "empty.png").write_bytes(b"")
    write(tmp_path / "notes.txt", "ignored")
    ds = scan(tmp_path)
    assert (ds.kind, ds.format) == ("images", "images")
    assert [s.image.relative_to(tmp_path).as_posix() for s in ds.samples] == ["b.png",
                                                                              "sub/a.jpg"]
    assert ds.counts() == {"images": 2}
    text = reasons(ds.problems)
    assert f"{tmp_path / 'fake.jpg'}: not an image file" in text
    assert f"{tmp_path / 'empty.png'}: the file is empty" in text


def test_any_layout_serves_as_images_without_its_masks(tmp_path: Path) -> None:
    png(tmp_path / "images" / "a.png")
    png(tmp_path / "masks" / "a.png", mode="L")
    ds = scan(tmp_path, "images")
    assert ds.kind == "images" and [s.image.parent.name for s in ds.samples] == ["images"]


def test_unusable_folders_raise_naming_the_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=f"{tmp_path / 'nope'}: no such folder"):
        scan(tmp_path / "nope")
    with pytest.raises(DatasetError, match="is a file, not a folder"):
        scan(png(tmp_path / "a.png"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match=f"{tmp_path / 'empty'}: the folder is empty"):
        scan(tmp_path / "empty")
    write(tmp_path / "text" / "readme.txt", "hello")
    with pytest.raises(DatasetError, match="no dataset found; expected"):
        scan(tmp_path / "text")
    write(tmp_path / "broken" / "a.png", "text")
    with pytest.raises(DatasetError, match="no usable images found .*1 problems"):
        scan(tmp_path / "broken")


# -- summary and split -------------------------------------------------------------------
def test_summary_tells_format_counts_and_problems(tmp_path: Path) -> None:
    yolo(tmp_path, {"a": "0 0.5 0.5 0.2 0.2\n", "b": "0 0.5\n"})
    text = scan(tmp_path).summary()
    assert "YOLO" in text and "1 images, 1 boxes in 2 classes" in text
    assert "1 classes have no boxes: bottle" in text and "1 problems" in text


def classes_dataset(root: Path, sizes: dict[str, int]):
    for name, n in sizes.items():
        for i in range(n):
            png(root / name / f"{i:03}.png", 4, 4)
    return scan(root)


def test_split_is_repeatable_disjoint_and_stratified(tmp_path: Path) -> None:
    ds = classes_dataset(tmp_path, {"bags": 30, "hats": 3, "shoes": 10})
    train, val = ds.split(0.1, seed=1)
    assert ds.split(0.1, seed=1) == (train, val)
    assert ds.split(0.1, seed=2) != (train, val)
    assert len(train) + len(val) == 43
    assert not {s.image for s in train} & {s.image for s in val}
    held = sorted(s.label for s in val)
    assert set(held) == {"bags", "hats", "shoes"}  # every class is measured
    assert 3 <= len(held) <= 9  # about 10 %: membership is decided per file by its hash


def test_split_keeps_earlier_validation_images_when_photos_are_added(tmp_path: Path) -> None:
    ds = classes_dataset(tmp_path, {"bags": 20, "shoes": 20})
    _, before = ds.split(0.2)
    ds = classes_dataset(tmp_path, {"bags": 21, "shoes": 21})
    _, after = ds.split(0.2)
    assert {s.image for s in before} <= {s.image for s in after}


def test_split_gives_one_validation_sample_from_two(tmp_path: Path) -> None:
    png(tmp_path / "a.png")
    png(tmp_path / "b.png")
    train, val = scan(tmp_path).split(0.1)
    assert len(train) == len(val) == 1
    train, val = scan(tmp_path).split(0.0)  # asked for none: none
    assert (len(train), len(val)) == (2, 0)
    with pytest.raises(ValueError, match="val_fraction"):
        scan(tmp_path).split(1.0)
    assert Sample(Path("x.png")).boxes is None


# -- the development data ----------------------------------------------------------------
def timed_scan(folder: Path, kind=None):
    start = time.perf_counter()
    ds = scan(folder, kind)
    return ds, time.perf_counter() - start


def test_freiburg_is_yolo_with_25_classes(shared_data: Path) -> None:
    ds, seconds = timed_scan(shared_data / "detection" / "freiburg")
    assert (ds.kind, ds.format, len(ds.classes)) == ("detection", "YOLO", 25)
    assert 1900 <= len(ds.samples) <= 2100 and not ds.problems
    assert sum(ds.counts().values()) > len(ds.samples)
    assert seconds < 10


def test_sod_pairs_are_all_matched(shared_data: Path) -> None:
    ds, seconds = timed_scan(shared_data / "segmentation" / "sod-dev")
    assert (ds.kind, ds.format) == ("pairs", "image+mask pairs")
    # Some of these photos are stored sideways (no EXIF tag) while their masks are upright:
    # they are reported as size mismatches and left out; every image still finds its mask.
    turned = [p for p in ds.problems if "turned a quarter turn" in p.reason]
    assert len(ds.samples) + len(turned) == 100 and len(turned) == len(ds.problems)
    assert len(ds.samples) >= 50 and seconds < 5


def test_groceries_train_has_the_81_fine_classes(shared_data: Path) -> None:
    groceries = shared_data / "groceries"
    ds, seconds = timed_scan(groceries / "train")
    assert ds.kind == "classes" and not ds.problems
    with (groceries / "classes.csv").open(newline="") as handle:
        fine = {row[0] for row in list(csv.reader(handle))[1:] if row}
    assert len(fine) == len(ds.classes) == 81
    assert {name.rsplit("/", 1)[-1] for name in ds.classes} == fine
    assert "Fruit/Apple/Granny-Smith" in ds.classes
    train, val = ds.split(0.1)
    assert {s.label for s in val} == set(ds.classes)
    assert seconds < 10


def test_bsds400_is_400_images(shared_data: Path) -> None:
    ds, seconds = timed_scan(shared_data / "restoration" / "train-bsds400")
    assert (ds.kind, len(ds.samples), ds.problems) == ("images", 400, [])
    assert seconds < 5
