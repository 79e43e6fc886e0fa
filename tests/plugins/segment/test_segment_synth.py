"""Training data for the cutout network: pasted objects and augmented real pairs."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from plugins.segment.synth import composite, cutout_from_pair
from plugins.segment.train import augment_pair


def _pair() -> tuple[np.ndarray, np.ndarray]:
    """A bright object on a dark photo, and its mask."""
    rgb = np.full((120, 160, 3), 40, np.uint8)
    mask = np.zeros((120, 160), np.uint8)
    mask[30:90, 50:120] = 255
    rgb[mask > 0] = (220, 200, 180)
    return rgb, mask


def test_an_object_cut_from_a_pair_is_cropped_to_its_mask_and_pastes_with_it():
    rgb, mask = _pair()
    cut = cutout_from_pair(rgb, mask, "vase", margin=2)
    assert cut is not None and cut.name == "vase"
    assert cut.alpha.shape == (64, 74)  # 60x70 object plus 2 px each side
    assert cut.alpha[2:-2, 2:-2].min() == 1.0 and cut.alpha[:2].max() == 0.0
    image, pasted = composite(np.random.default_rng(3), [cut], 96, 96)
    bright = image.mean(axis=2) > 150
    inside = pasted > 200
    assert inside.sum() > 200  # the object landed, and its mask with it
    assert bright[inside].mean() > 0.8


def test_close_ups_fill_the_frame_and_run_off_its_edges():
    rgb, mask = _pair()
    cut = cutout_from_pair(rgb, mask, "vase")

    def shots(close_ups: float) -> list[np.ndarray]:
        rng = np.random.default_rng(11)
        return [composite(rng, [cut], 96, 96, count=1, close_ups=close_ups)[1] > 127
                for _ in range(30)]

    normal, close = shots(0.0), shots(1.0)
    assert np.mean([m.mean() for m in close]) > 1.8 * np.mean([m.mean() for m in normal])
    assert max(m.mean() for m in normal) < 0.75 and max(m.mean() for m in close) > 0.95

    def cut_at_both_sides(m: np.ndarray) -> bool:
        return bool((m[:, 0].any() and m[:, -1].any()) or (m[0].any() and m[-1].any()))

    assert sum(map(cut_at_both_sides, close)) >= 10
    assert not any(map(cut_at_both_sides, normal))


def test_an_empty_mask_gives_no_object():
    rgb, _ = _pair()
    assert cutout_from_pair(rgb, np.zeros((120, 160), np.uint8)) is None


def test_augmented_pairs_keep_the_mask_on_the_object():
    rgb, mask = _pair()
    for seed in range(20):
        image, target = augment_pair(np.random.default_rng(seed), rgb, mask, 64)
        assert image.shape == (64, 64, 3) and image.dtype == np.uint8
        assert target.shape == (64, 64)
        grey = image.astype(np.float32).mean(axis=2)
        on, off = target > 200, target < 50
        assert on.any() and off.any()
        assert grey[on].mean() > grey[off].mean() + 60, seed  # the object is still where it was


def test_augmented_pairs_vary():
    rgb, mask = _pair()
    images = [augment_pair(np.random.default_rng(s), rgb, mask, 64)[0] for s in range(6)]
    assert len({im.tobytes() for im in images}) == 6


def _data_folder(root):
    """A miniature ``../shared/data``: shots on white, salient-object pairs, backdrops."""
    from editor.model.imageio import save_image

    rng = np.random.default_rng(0)
    shots = root / "products-on-white"
    images, masks = (root / "segmentation" / "sod-dev" / d for d in ("images", "masks"))
    photos = root / "restoration" / "train-bsds400"
    for folder in (shots, images, masks, photos):
        folder.mkdir(parents=True)
    for i in range(14):
        shot = np.full((64, 64, 3), 255, np.uint8)
        shot[16:52, 20:44] = rng.integers(0, 160, 3)
        save_image(shots / f"p{i}.jpg", np.dstack([shot, np.full((64, 64), 255, np.uint8)]))
    for i in range(46):
        rgb, mask = _pair()
        rgb = np.roll(rgb, i, axis=1)
        save_image(images / f"{i}.jpg", np.dstack([rgb, np.full(mask.shape, 255, np.uint8)]))
        Image.fromarray(np.roll(mask, i, axis=1)).save(masks / f"{i}.png")
    for i in range(3):
        photo = rng.integers(0, 255, (80, 120, 3), dtype=np.uint8)
        save_image(photos / f"b{i}.jpg", np.dstack([photo, np.full((80, 120), 255, np.uint8)]))
    return root


def test_the_bundle_script_keeps_its_best_validated_weights_with_a_card(tmp_path,
                                                                        monkeypatch):
    """`python -m plugins.segment.bundle` end to end, at a tiny size and budget."""
    from editor.training.store import load_model, read_card
    from plugins.segment import bundle
    from plugins.segment.synth import rendered_products

    monkeypatch.setattr(bundle, "rendered_products",
                        lambda count, height: rendered_products(3, height=60.0))
    main = bundle.main
    data = _data_folder(tmp_path / "data")
    out = tmp_path / "model" / "default.pt"
    assert main(["--data", str(data), "--out", str(out), "--minutes", "0.05", "--size", "64",
                 "--batch", "2"]) == 0
    card = read_card(out)
    assert card.plugin == "segment"
    # benchmark and validation photos kept out
    assert card.data["real_pairs_train"] == 46 - 30 - 12
    assert 0 < card.data["kept_step"] <= card.data["steps"]
    assert set(card.metrics) == {"composites_iou", "composites_mae", "sod_val_iou",
                                 "sod_val_mae"}
    state, _ = load_model(out, "segment")
    assert state  # loads back, sha256 checked
    assert not out.with_suffix(".ckpt").exists()  # the checkpoint is gone once finished


def test_the_bundle_script_draws_pairs_from_further_folders_and_holds_their_bench_part_out(
        tmp_path, monkeypatch):
    """``--pairs DIR``: a further images/ + masks/ folder (DUTS-TR kind, soft masks) joins
    training, gives validation and benchmark parts that training never sees, and a mask of
    the wrong size is named and skipped, not resized."""
    from editor.model.imageio import save_image
    from editor.training.store import read_card
    from plugins.segment import bundle
    from plugins.segment.synth import rendered_products

    monkeypatch.setattr(bundle, "rendered_products",
                        lambda count, height: rendered_products(3, height=60.0))
    data = _data_folder(tmp_path / "data")
    extra = tmp_path / "duts-like"
    (extra / "images").mkdir(parents=True)
    (extra / "masks").mkdir()
    for i in range(50):
        rgb, mask = _pair()
        save_image(extra / "images" / f"x{i}.jpg",
                   np.dstack([rgb, np.full(mask.shape, 255, np.uint8)]))
        soft = cv2.GaussianBlur(mask, (7, 7), 2) if i else mask[:-3]  # x0: wrong size
        Image.fromarray(soft).save(extra / "masks" / f"x{i}.png")
    train, val, bench = bundle.pairs_split(extra)
    assert (len(train), len(val), len(bench)) == (36, 4, 10)
    assert not {f.name for f in bench} & {f.name for f in train + val}
    assert bundle.pairs_split(extra)[2] == bench  # the benchmark part is stable
    logged = []
    pairs = bundle.usable_pairs(sorted((extra / "images").glob("*.jpg"))[:3], logged.append)
    assert len(pairs) == 2 and any("x0.png" in line and "160x117" in line for line in logged)

    out = tmp_path / "model" / "default.pt"
    assert bundle.main(["--data", str(data), "--out", str(out), "--minutes", "0.05",
                        "--size", "64", "--batch", "2", "--pairs", str(extra)]) == 0
    card = read_card(out)
    in_train = sum(f.name != "x0.jpg" for f in train)
    assert card.data["real_pairs_train"] == 46 - 30 - 12 + in_train
    assert card.data["pair_folders"][str(extra)] == {"train": 36, "validation": 4, "bench": 10}
    assert {"pairs_val_iou", "pairs_val_mae"} <= set(card.metrics)
