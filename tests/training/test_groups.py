"""The group split: near-duplicate photos (one file-name sequence, or the same shot saved
twice under another name) never sit on both sides of the split."""

from pathlib import Path

import numpy as np
from PIL import Image

from editor.training.formats import Sample
from editor.training.groups import group_split, groups, sequence_key


def _photo(path: Path, seed: int) -> Sample:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (8, 8, 3), dtype=np.uint8)
    Image.fromarray(small).resize((64, 64), Image.NEAREST).save(path)
    return Sample(path, boxes=[], size=(64, 64))


def test_a_file_name_sequence_and_a_re_saved_shot_are_one_group(tmp_path):
    samples = [_photo(tmp_path / f"MILK{i:04d}.jpg", i) for i in (1, 3, 19, 21)]
    copy = tmp_path / "holiday.png"  # MILK0021 again, under another name
    Image.open(samples[3].image).save(copy)
    samples.append(Sample(copy, boxes=[], size=(64, 64)))
    found = groups(samples)
    assert found[0] == found[1] == found[2]  # numbers 1..19: one block of 20
    assert found[3] != found[0]  # number 21 starts the next block
    assert found[4] == found[3]  # the same picture, found by its perceptual hash
    assert sequence_key(Path("x/notes.jpg")) is None


def test_whole_groups_are_held_out(tmp_path):
    samples = [_photo(tmp_path / f"{kind}{i:04d}.jpg", 100 * k + i)
               for k, kind in enumerate(("TEA", "JAM", "OIL", "RICE", "SODA", "NUTS"))
               for i in range(0, 60, 3)]
    train, held = group_split(samples, tmp_path, 0.3)
    assert train and held and len(train) + len(held) == len(samples)
    side = {s.image: s in held for s in samples}
    by_group: dict[int, set[bool]] = {}
    for sample, group in zip(samples, groups(samples), strict=True):
        by_group.setdefault(group, set()).add(side[sample.image])
    assert all(len(sides) == 1 for sides in by_group.values())
    assert group_split(samples, tmp_path, 0.3) == (train, held)  # the same every time
