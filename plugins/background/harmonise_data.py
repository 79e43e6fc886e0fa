"""Composites for training and measuring the harmoniser, the iHarmony4 way.

Take a real photo with an object mask (or a product shot on white pasted on a photo), change
the object's colour at random (white balance, exposure, contrast, saturation, gamma), and
ask the harmoniser to undo it given the rest of the picture. The original is the target.

The split is fixed by a hash of each file's name, so the training script and the benchmark
agree on which photos training never sees:

- ``segmentation/sod-dev``: :data:`SOD_BENCH` photos for the benchmark, :data:`SOD_VAL`
  for validation, the rest for training;
- ``products-on-white``: :data:`PRODUCTS_BENCH` products for the benchmark;
- ``restoration/train-bsds400`` backdrops: :data:`BACKDROPS_BENCH` for the benchmark, and
  the salient-object photos held out above are never used as backdrops in training (the
  SOD photos are BSDS photos).

Sixty SOD photos are too few to learn from (a harmoniser trained on them overfits within a
few minutes), so training also reads photos whose object mask is the ``segment`` plugin's
cutout (:func:`load_pseudo_masked`): the training BSDS photos and shelf photos of
``detection/freiburg`` (other products than the GroceryStore ones the benchmark pastes).
A cutout need not be exact to make a good case: the composite recolours exactly the masked
pixels, and the target is the photo as shot.

``python -m plugins.background.harmonise_data`` calibrates the harmoniser's confidence gate
(:data:`plugins.background.harmonise.MIN_CHANGE`) on validation and training composites.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from editor.imaging.colour import linear_to_srgb, srgb_to_linear
from editor.model.imageio import load_image, load_mask

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SOD_BENCH, SOD_VAL = 30, 10
PRODUCTS_BENCH = 12
BACKDROPS_BENCH = 40
#: a perturbation must move the object at least this much (foreground MSE, 0..255 levels)
MIN_FMSE = 100.0
#: how unlike white (largest channel deficit, 0..255) a pixel of a product shot must be
WHITE_TOLERANCE = 18


@dataclass
class Source:
    """A photo (uint8 RGB) and its object mask (float 0..1), or a product cut-out."""

    name: str
    rgb: np.ndarray
    mask: np.ndarray


#: a cutout is used as a stand-in object mask when it covers this share of the photo
PSEUDO_AREA = (0.03, 0.6)


def _rank(name: str, salt: str) -> bytes:
    return hashlib.blake2b(f"{salt}\0{name}".encode(), digest_size=8).digest()


def pick(names: Sequence[str], count: int, salt: str) -> list[str]:
    """``count`` names chosen by hash: the same ones whatever else is in the folder."""
    return sorted(sorted(names, key=lambda n: _rank(n, salt))[:count])


def split(data: Path = DATA) -> dict[str, list[str]]:
    """File stems per part: sod_bench, sod_val, sod_train, products_bench, products_train,
    backdrops_bench, backdrops_train."""
    sod = sorted(p.stem for p in (data / "segmentation/sod-dev/images").glob("*.jpg"))
    sod_bench = pick(sod, SOD_BENCH, "harmonise-sod-bench")
    rest = [n for n in sod if n not in sod_bench]
    sod_val = pick(rest, SOD_VAL, "harmonise-sod-val")
    products = sorted(p.stem for p in (data / "products-on-white").glob("*.jpg"))
    products_bench = pick(products, PRODUCTS_BENCH, "harmonise-products")
    bsds = sorted(p.stem for p in (data / "restoration/train-bsds400").glob("*.jpg"))
    backdrops_bench = pick([n for n in bsds if n not in sod], BACKDROPS_BENCH,
                           "harmonise-backdrops")
    never = set(backdrops_bench) | set(sod_bench) | set(sod_val)
    return {"sod_bench": sod_bench, "sod_val": sod_val,
            "sod_train": [n for n in rest if n not in sod_val],
            "products_bench": products_bench,
            "products_train": [n for n in products if n not in products_bench],
            "backdrops_bench": backdrops_bench,
            "backdrops_train": [n for n in bsds if n not in never]}


def _rgb(path: Path, longest: int) -> np.ndarray:
    rgb = np.ascontiguousarray(load_image(path).pixels[..., :3])
    scale = longest / max(rgb.shape[:2])
    if scale < 1:
        size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return rgb


def load_pseudo_masked(paths: Sequence[Path], cache: Path | None = None, longest: int = 320,
                       log=None) -> list[Source]:  # noqa: ANN001
    """Photos with the ``segment`` plugin's cutout (run through :mod:`editor.tasks.chain`)
    as their object mask, kept when the cutout covers :data:`PSEUDO_AREA` of the photo.
    Masks are cached in ``cache`` (by file name, content hash and size) when given, so a
    second training run does not cut the photos out again (empty the folder after changing
    the cutout model). A photo that cannot be read, or that the cutout refuses, is left out
    (and named through ``log``)."""
    from editor.model.imageio import ImageFileError
    from editor.tasks.api import PluginError, QuietContext
    from editor.tasks.chain import call_plugin, first_layer
    from editor.training.features import file_hash

    out = []
    for number, path in enumerate(paths):
        try:
            rgb = _rgb(path, longest)
            key = f"{path.stem}-{file_hash(path)[:12]}-{longest}"
        except (ImageFileError, OSError) as exc:
            if log is not None:
                log(f"skipped {path}: {exc}")
            continue
        stored = cache / f"{key}.png" if cache else None
        if stored is not None and stored.is_file():
            mask = load_mask(stored)
        else:
            rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
            try:
                layer = first_layer(call_plugin("segment", rgba, {"output": "mask"},
                                                QuietContext()), "mask", "mask")
            except PluginError:
                continue
            if layer is None:
                continue
            mask = np.asarray(layer.data, np.uint8)
            if stored is not None:
                from editor.model.imageio import save_image

                stored.parent.mkdir(parents=True, exist_ok=True)
                save_image(stored, np.dstack([mask, mask, mask, np.full_like(mask, 255)]))
        if mask.shape != rgb.shape[:2]:
            continue
        if PSEUDO_AREA[0] <= float((mask >= 128).mean()) <= PSEUDO_AREA[1]:
            out.append(Source(path.stem, rgb, mask.astype(np.float32) / 255.0))
        if log is not None and (number + 1) % 100 == 0:
            log(f"cut out {number + 1}/{len(paths)} photos, {len(out)} kept")
    return out


def white_alpha(rgb: np.ndarray) -> np.ndarray:
    """Float 0..1 mask of a product shot on white: not near-white pixels connected to the
    border are backdrop; holes inside the product are filled."""
    deficit = 255 - rgb.min(axis=2).astype(np.int16)
    white = (deficit < WHITE_TOLERANCE).astype(np.uint8)
    n, labels = cv2.connectedComponents(white, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    backdrop = np.isin(labels, edge[edge > 0]) & (white > 0)
    product = (~backdrop).astype(np.float32)
    return cv2.GaussianBlur(product, (3, 3), 0)


def load_sod(names: Sequence[str], data: Path = DATA, longest: int = 320) -> list[Source]:
    out = []
    for name in names:
        rgb = _rgb(data / "segmentation/sod-dev/images" / f"{name}.jpg", longest)
        mask = load_image(data / "segmentation/sod-dev/masks" / f"{name}.png").pixels[..., 0]
        mask = cv2.resize(mask, rgb.shape[1::-1], interpolation=cv2.INTER_AREA)
        out.append(Source(name, rgb, mask.astype(np.float32) / 255.0))
    return out


def load_products(names: Sequence[str], data: Path = DATA) -> list[Source]:
    out = []
    for name in names:
        rgb = _rgb(data / "products-on-white" / f"{name}.jpg", 256)
        alpha = white_alpha(rgb)
        ys, xs = np.nonzero(alpha > 0.5)
        if len(ys) < 50:
            continue
        box = slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1)
        out.append(Source(name, rgb[box], alpha[box]))
    return out


def load_backdrops(names: Sequence[str], data: Path = DATA, longest: int = 320) -> list[np.ndarray]:
    return [_rgb(data / "restoration/train-bsds400" / f"{n}.jpg", longest) for n in names]


def paste(product: Source, backdrop: np.ndarray, rng: np.random.Generator) -> Source:
    """The product over the backdrop, 35-75 % of its height, somewhere in the lower part."""
    h, w = backdrop.shape[:2]
    scale = rng.uniform(0.35, 0.75) * h / product.rgb.shape[0]
    ph = max(8, round(product.rgb.shape[0] * scale))
    pw = max(8, min(w - 2, round(product.rgb.shape[1] * scale)))
    rgb = cv2.resize(product.rgb, (pw, ph), interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(product.mask, (pw, ph), interpolation=cv2.INTER_AREA)
    y = int(rng.integers(max(1, (h - ph) // 3), max(2, h - ph + 1)))
    x = int(rng.integers(0, max(1, w - pw + 1)))
    out, mask = backdrop.astype(np.float32).copy(), np.zeros((h, w), np.float32)
    a = alpha[..., None]
    region = out[y:y + ph, x:x + pw]
    out[y:y + ph, x:x + pw] = rgb * a + region * (1 - a)
    mask[y:y + ph, x:x + pw] = alpha
    return Source(product.name, np.clip(np.rint(out), 0, 255).astype(np.uint8), mask)


def perturb(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random global colour change of float sRGB 0..1 pixels (any shape, channels last):
    white balance and exposure in linear light, then gamma, contrast and saturation."""
    lin = srgb_to_linear(rgb)
    gains = np.exp(rng.normal(0, 0.18, 3)) * 2 ** rng.uniform(-0.9, 0.9)
    x = linear_to_srgb(np.clip(lin * gains.astype(np.float32), 0, 1))
    x = np.clip(x, 1e-4, 1) ** np.float32(np.exp(rng.normal(0, 0.15)))
    mean = x.reshape(-1, 3).mean(0)
    x = (x - mean) * np.float32(rng.uniform(0.7, 1.35)) + mean
    luma = x @ np.array([0.299, 0.587, 0.114], np.float32)
    x = luma[..., None] + (x - luma[..., None]) * np.float32(rng.uniform(0.45, 1.6))
    return np.clip(x, 0, 1).astype(np.float32)


def harmonisation_case(source: Source, rng: np.random.Generator,
                       tries: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(composite uint8, target uint8, mask float) from a real photo and its object mask:
    the object's colour is perturbed until it moved by at least :data:`MIN_FMSE`."""
    target = source.rgb
    inside = source.mask > 0.5
    base = target.astype(np.float32) / 255.0
    a = source.mask[..., None]
    for _ in range(tries):
        moved = perturb(base[inside], rng)
        fg = base.copy()
        fg[inside] = moved
        comp = np.clip(np.rint((fg * a + base * (1 - a)) * 255), 0, 255).astype(np.uint8)
        fmse = float(((comp[inside].astype(np.float32) - target[inside]) ** 2).mean())
        if fmse >= MIN_FMSE:
            break
    return comp, target, source.mask


# -- calibrating the harmoniser's confidence gate -------------------------------------------
#: calibration composites: perturbations per validation SOD photo, pasted training products
CALIBRATION_SOD_REPEATS, CALIBRATION_PRODUCTS = 20, 400


def calibration_cases(data: Path = DATA,
                      seed: int = 777) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """(group, composite, target, mask) for choosing the harmoniser's
    :data:`plugins.background.harmonise.MIN_CHANGE`: the validation SOD photos, each
    perturbed :data:`CALIBRATION_SOD_REPEATS` times, and training products pasted on
    training backdrops. Nothing the benchmark holds out is read."""
    parts = split(data)
    rng = np.random.default_rng(seed)
    cases = []
    for src in load_sod(parts["sod_val"], data):
        cases += [("sod-val", *harmonisation_case(src, rng))
                  for _ in range(CALIBRATION_SOD_REPEATS)]
    products = load_products(parts["products_train"], data)
    backdrops = load_backdrops(parts["backdrops_train"], data)
    for _ in range(CALIBRATION_PRODUCTS):
        src = paste(products[int(rng.integers(len(products)))],
                    backdrops[int(rng.integers(len(backdrops)))], rng)
        cases.append(("products-train", *harmonisation_case(src, rng)))
    return cases


def choose_min_change(rows: Sequence[tuple[str, float, float, float]],
                      worse_limit: float = 10.0) -> float:
    """The gate that keeps the fMSE lowest while, in every group, at most ``worse_limit``
    percent of the cases end worse than the composite itself.

    ``rows`` are (group, predicted change, fMSE harmonised, fMSE of the composite) per case;
    a case whose predicted change is below the gate keeps the composite's fMSE."""
    groups = sorted({r[0] for r in rows})
    best: tuple[float, float] | None = None
    for gate in sorted({0.0, *(float(r[1]) + 1e-6 for r in rows)}):
        kept = [(g, out if change >= gate else noop, noop) for g, change, out, noop in rows]
        worst = max(100.0 * np.mean([k[1] > k[2] for k in kept if k[0] == g]) for g in groups)
        total = float(np.mean([k[1] for k in kept]))
        if worst <= worse_limit and (best is None or total < best[1]):
            best = (gate, total)
    if best is None:
        raise ValueError("no gate keeps the worse-than-composite share within the limit")
    return best[0]


def calibrate(data: Path = DATA, model: str | None = None) -> list[tuple[str, float, float, float]]:
    """(group, predicted change, fMSE harmonised, fMSE of the composite) of the bundled (or
    ``model``) harmoniser on :func:`calibration_cases`, with no gate."""
    from plugins.background.harmonise import (
        apply_params,
        load_harmoniser,
        predict,
        predicted_change,
    )

    net = load_harmoniser(model)
    rows = []
    for group, comp, target, mask in calibration_cases(data):
        alpha = np.clip(np.rint(mask * 255), 0, 255).astype(np.uint8)
        params = predict(net, comp, alpha)
        out = apply_params(comp, alpha, params)
        inside = mask >= 0.5
        fmse = [float(((x[inside].astype(np.float64) - target[inside]) ** 2).mean())
                for x in (out, comp)]
        rows.append((group, predicted_change(comp, alpha, params), *fmse))
    return rows


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)
    found = calibrate()
    gate = choose_min_change(found)
    for group in sorted({r[0] for r in found}):
        mine = [r for r in found if r[0] == group]
        worse = np.mean([(out if c >= gate else noop) > noop for _, c, out, noop in mine])
        print(f"{group}: {len(mine)} composites, worse than the composite "
              f"{100 * np.mean([r[2] > r[3] for r in mine]):.1f} % ungated, "
              f"{100 * worse:.1f} % gated")
    print(f"MIN_CHANGE = {gate:.1f}")
