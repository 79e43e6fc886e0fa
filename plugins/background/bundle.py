"""Train the bundled harmoniser (``resources/models/background/harmonise.pt``).

    python -m plugins.background.bundle --minutes 25 [--data ../shared/data] [--out PATH]

Self-supervised, the iHarmony4 recipe (see :mod:`plugins.background.harmonise_data`): each
training case is a real picture with an object whose colour was changed at random, and the
network learns to predict the colour transform that undoes it, given the rest of the
picture. The pictures are the training part of ``segmentation/sod-dev`` (photo + object
mask), the training products of ``products-on-white`` pasted on training BSDS backdrops, and
training BSDS photos with a random blob as the "object". Nothing the benchmark measures on
is ever read here.

The run is bounded by wall-clock time on one CPU thread. Every :data:`EVAL_EVERY` seconds it
scores the validation composites (held-out SOD photos), keeps the best weights and writes
a checkpoint it resumes from; at the end the best weights are saved with a model card.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import cv2
import numpy as np

from editor.paths import RESOURCES
from editor.training.store import ModelCard, save_model
from plugins.background import harmonise_data as hd
from plugins.background.model import (
    HARMONISE_ARCHITECTURE,
    HARMONISE_SIZE,
    PLUGIN_ID,
    build_harmoniser,
    colour_transform,
)

OUT = RESOURCES / "models" / "background" / "harmonise.pt"
EVAL_EVERY = 60.0
BATCH = 16
LICENCE = ("code Apache-2.0; trained by Lightbox's plugins/background/bundle.py from scratch "
           "(no pretrained parts) on SOD salient-object photos and BSDS500 photos "
           "(research use) and products-on-white (GroceryStoreDataset iconic images, MIT)")


def crop_resize(rgb: np.ndarray, mask: np.ndarray, rng: np.random.Generator | None,
                size: int = HARMONISE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """A random crop (60-100 % of each side, keeping part of the object) and flip, resized
    to ``size`` square; the whole picture when ``rng`` is None."""
    if rng is not None:
        h, w = mask.shape
        ch, cw = (max(16, int(s * rng.uniform(0.6, 1.0))) for s in (h, w))
        for _ in range(6):
            y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
            if mask[y:y + ch, x:x + cw].mean() > 0.03:
                break
        else:
            y, x, ch, cw = 0, 0, h, w
        rgb, mask = rgb[y:y + ch, x:x + cw], mask[y:y + ch, x:x + cw]
        if rng.random() < 0.5:
            rgb, mask = rgb[:, ::-1], mask[:, ::-1]
    rgb = cv2.resize(np.ascontiguousarray(rgb), (size, size), interpolation=cv2.INTER_AREA)
    mask = cv2.resize(np.ascontiguousarray(mask), (size, size), interpolation=cv2.INTER_AREA)
    return rgb, mask


def blob_mask(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """One to three overlapping ellipses, softly edged: a stand-in object on a plain photo."""
    mask = np.zeros((h, w), np.float32)
    for _ in range(int(rng.integers(1, 4))):
        centre = (int(rng.uniform(0.25, 0.75) * w), int(rng.uniform(0.3, 0.8) * h))
        axes = (int(rng.uniform(0.08, 0.3) * w), int(rng.uniform(0.1, 0.35) * h))
        cv2.ellipse(mask, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    return cv2.GaussianBlur(mask, (5, 5), 0)


class Sampler:
    """Training cases at :data:`HARMONISE_SIZE` px, from the three kinds of picture."""

    def __init__(self, data: Path, scene_jitter: float = 0.0) -> None:
        self.scene_jitter = scene_jitter
        parts = hd.split(data)
        self.parts = parts
        self.sod = hd.load_sod(parts["sod_train"], data)
        self.products = hd.load_products(parts["products_train"], data)
        self.backdrops = hd.load_backdrops(parts["backdrops_train"], data)

    def case(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        kind = rng.random()
        if kind < 0.4:
            src = self.sod[int(rng.integers(len(self.sod)))]
            rgb, mask = crop_resize(src.rgb, src.mask, rng)
        elif kind < 0.65:
            product = self.products[int(rng.integers(len(self.products)))]
            backdrop = self.backdrops[int(rng.integers(len(self.backdrops)))]
            src = hd.paste(product, backdrop, rng)
            rgb, mask = crop_resize(src.rgb, src.mask, rng)
        else:
            photo = self.backdrops[int(rng.integers(len(self.backdrops)))]
            rgb, mask = crop_resize(photo, blob_mask(*photo.shape[:2], rng), rng)
        if rng.random() < self.scene_jitter:
            # the whole picture recoloured first (as a camera's white balance or exposure
            # would): the network must judge the object against its backdrop, not
            # remember the colours of the training photos
            rgb = np.clip(np.rint(hd.perturb(rgb / 255.0, rng) * 255), 0, 255).astype(np.uint8)
        return hd.harmonisation_case(hd.Source("", rgb, mask), rng)


def to_tensors(cases):
    import torch

    comp = torch.from_numpy(np.stack([c[0] for c in cases])).permute(0, 3, 1, 2).float() / 255
    target = torch.from_numpy(np.stack([c[1] for c in cases])).permute(0, 3, 1, 2).float() / 255
    mask = torch.from_numpy(np.stack([c[2] for c in cases]))[:, None].float()
    return comp, target, mask


def fmse_loss(net, comp, target, mask):
    """Mean over images of the foreground MSE (0..1 scale) of the harmonised composite."""
    params = net(comp, mask)
    out = colour_transform(comp, params)
    out = out * mask + comp * (1 - mask)
    err = ((out - target) ** 2).mean(1, keepdim=True) * mask
    return (err.sum((1, 2, 3)) / mask.sum((1, 2, 3)).clamp_min(1)).mean()


def validation_cases(data: Path, parts: dict[str, list[str]]):
    rng = np.random.default_rng(1234)
    cases = []
    for src in hd.load_sod(parts["sod_val"], data):
        rgb, mask = crop_resize(src.rgb, src.mask, None)
        cases += [hd.harmonisation_case(hd.Source("", rgb, mask), rng) for _ in range(4)]
    return to_tensors(cases)


def evaluate(net, val) -> dict[str, float]:
    import torch

    net.eval()
    with torch.no_grad():
        comp, target, mask = val
        fmse = float(fmse_loss(net, comp, target, mask)) * 255 ** 2
        noop = float((((comp - target) ** 2).mean(1, keepdim=True) * mask).sum((1, 2, 3))
                     .div(mask.sum((1, 2, 3))).mean()) * 255 ** 2
    net.train()
    return {"fmse": round(fmse, 2), "noop_fmse": round(noop, 2)}


def main(argv: list[str] | None = None) -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=25.0)
    parser.add_argument("--data", type=Path, default=hd.DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--init", type=Path, help="continue from these weights (a model file)")
    parser.add_argument("--scene-jitter", type=float, default=0.0,
                        help="share of cases whose whole picture is recoloured first")
    ns = parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.manual_seed(ns.seed)
    sampler = Sampler(ns.data, ns.scene_jitter)
    val = validation_cases(ns.data, sampler.parts)
    net = build_harmoniser()
    earlier: list[dict] = []
    before_seconds, before_steps = 0.0, 0
    if ns.init is not None:
        from editor.training.store import load_model

        weights, init_card = load_model(ns.init, PLUGIN_ID)
        net.load_state_dict(weights)
        earlier = list(init_card.params.get("history", []))
        before_seconds, before_steps = float(init_card.seconds), int(init_card.epochs)
        print(f"starting from {ns.init}", flush=True)
    opt = torch.optim.AdamW(net.parameters(), lr=ns.lr, weight_decay=ns.weight_decay)
    ckpt = ns.out.with_suffix(".ckpt")
    state = {"step": 0, "seconds": 0.0, "best": None, "best_state": None, "history": []}
    if ckpt.is_file():
        saved = torch.load(ckpt, map_location="cpu", weights_only=True)
        net.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimiser"])
        state = saved["state"]
        print(f"resumed at step {state['step']} ({state['seconds']:.0f} s)", flush=True)
    budget = ns.minutes * 60
    rng = np.random.default_rng([ns.seed, state["step"]])
    start, last_eval = time.monotonic() - state["seconds"], time.monotonic()
    first = evaluate(net, val)
    if ns.init is not None and state["best"] is None:  # the starting weights stand unless beaten
        state["best"] = {"step": 0, "seconds": 0, **first}
        state["best_state"] = {k: v.detach().clone() for k, v in net.state_dict().items()}
    print(f"training on {len(sampler.sod)} SOD photos, {len(sampler.products)} products, "
          f"{len(sampler.backdrops)} backdrops; validation: {first}", flush=True)
    losses: list[float] = []
    while True:
        elapsed = time.monotonic() - start
        # a slow cosine decay over the budget, with a floor
        # (a plain float: a numpy one in the optimiser state would make the checkpoint
        # unloadable with weights_only)
        decay = 0.1 + 0.45 * (1 + np.cos(np.pi * min(1, elapsed / budget)))
        for group in opt.param_groups:
            group["lr"] = float(ns.lr * decay)
        comp, target, mask = to_tensors([sampler.case(rng) for _ in range(BATCH)])
        loss = fmse_loss(net, comp, target, mask)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()) * 255 ** 2)
        state["step"] += 1
        done = elapsed >= budget
        if done or time.monotonic() - last_eval >= EVAL_EVERY:
            last_eval = time.monotonic()
            metrics = evaluate(net, val)
            record = {"step": state["step"], "seconds": round(elapsed), "train_fmse":
                      round(float(np.mean(losses[-200:])), 1), **metrics}
            state["history"].append(record)
            if state["best"] is None or metrics["fmse"] < state["best"]["fmse"]:
                state["best"] = record
                state["best_state"] = {k: v.detach().clone() for k, v in net.state_dict().items()}
            state["seconds"] = elapsed
            torch.save({"model": net.state_dict(), "optimiser": opt.state_dict(),
                        "state": state}, ckpt)
            print(record, flush=True)
        if done:
            break
    best = state["best"]
    card = ModelCard(
        plugin=PLUGIN_ID, name=ns.out.stem, architecture=HARMONISE_ARCHITECTURE,
        parameters=sum(int(p.numel()) for p in net.parameters()),
        data={"folders": {"segmentation/sod-dev": len(sampler.sod),
                          "products-on-white": len(sampler.products),
                          "restoration/train-bsds400 (backdrops and blob-mask photos)":
                              len(sampler.backdrops)},
              "format": f"self-supervised composites (iHarmony4 recipe), {HARMONISE_SIZE} px",
              "held_out_for_benchmark": {k: len(v) for k, v in sampler.parts.items()
                                         if k.endswith("_bench")},
              "validation": f"{len(sampler.parts['sod_val'])} SOD photos x 4 perturbations",
              "metrics_on": f"validation composites at {HARMONISE_SIZE} px, fMSE in 0..255 levels"},
        metrics={k: float(v) for k, v in best.items() if k != "step"},
        device="cpu (1 thread)", seconds=round(before_seconds + state["seconds"], 1),
        date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        epochs=before_steps + state["step"], best_epoch=before_steps + best["step"],
        config={"kind": "harmonise", "size": HARMONISE_SIZE, "width": 16},
        params={"minutes": ns.minutes, "lr": ns.lr, "batch": BATCH, "seed": ns.seed,
                "scene_jitter": ns.scene_jitter, "weight_decay": ns.weight_decay,
                "init": str(ns.init or ""),
                "earlier_history": earlier, "history": state["history"]},
        licence=LICENCE)
    save_model(ns.out, state["best_state"], card)
    ckpt.unlink(missing_ok=True)
    print(f"saved {ns.out} (best step {best['step']}: {best})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
