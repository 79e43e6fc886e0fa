"""Train the bundled harmoniser (``resources/models/background/harmonise.pt``).

    python -m plugins.background.bundle --minutes 25 [--data ../shared/data] [--out PATH]

Self-supervised, the iHarmony4 recipe (see :mod:`plugins.background.harmonise_data`): each
training case is a real picture with an object whose colour was changed at random, and the
network learns to predict the colour transform that undoes it, given the rest of the
picture. The pictures are the training part of ``segmentation/sod-dev`` (photo + object
mask), training BSDS photos and Freiburg shelf photos with the ``segment`` plugin's cutout
as the object (:func:`plugins.background.harmonise_data.load_pseudo_masked`), the training
products of ``products-on-white`` pasted on training BSDS backdrops, and training BSDS
photos with a random blob as the "object". Nothing the benchmark measures on is ever read
here.

The run is bounded by wall-clock time on one CPU thread. Every :data:`EVAL_EVERY` seconds it
scores the validation composites (held-out SOD photos and held-out cut-out photos), keeps
the weights that score best on the loss being trained (``--relative`` mixes in each
composite's error relative to how far it was moved) and writes a checkpoint it resumes
from; at the end the best weights are saved with a model card.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Sequence
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
           "(no pretrained parts) on SOD salient-object photos, BSDS500 photos and Freiburg "
           "Groceries shelf photos (research use) and products-on-white (GroceryStoreDataset "
           "iconic images, MIT)")


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


#: every this-many-th Freiburg shelf photo (by name) is cut out for training
FREIBURG_EVERY = 4
#: every this-many-th cut-out photo is kept for validation, not training
VALIDATION_EVERY = 8
#: random perturbations per validation photo (SOD, cut-out)
VALIDATION_REPEATS = (8, 2)
#: the share of training cases of each kind: SOD photos, cut-out photos, pasted products;
#: the rest are blobs on BSDS photos
MIX = (0.2, 0.45, 0.2)


def mask_cache() -> Path:
    """Where the cutouts used as training masks are kept between runs."""
    from editor.training.features import default_cache_dir

    return default_cache_dir().parent / "harmonise-masks"


class Sampler:
    """Training cases at :data:`HARMONISE_SIZE` px, from the four kinds of picture."""

    def __init__(self, data: Path, scene_jitter: float = 0.0, pseudo: bool = True,
                 log=print, mix: tuple[float, float, float] = MIX) -> None:  # noqa: ANN001
        self.scene_jitter = scene_jitter
        self.mix = mix
        parts = hd.split(data)
        self.parts = parts
        self.sod = hd.load_sod(parts["sod_train"], data)
        self.products = hd.load_products(parts["products_train"], data)
        self.backdrops = hd.load_backdrops(parts["backdrops_train"], data)
        self.cutouts: list[hd.Source] = []
        self.validation: list[hd.Source] = []
        if pseudo:
            sod = set(parts["sod_train"])
            photos = [data / "restoration/train-bsds400" / f"{n}.jpg"
                      for n in parts["backdrops_train"] if n not in sod]
            shelf = sorted((data / "detection/freiburg/images").glob("*.jpg"))
            photos += shelf[::FREIBURG_EVERY]
            found = hd.load_pseudo_masked(photos, mask_cache(), log=log)
            # every VALIDATION_EVERY-th cut-out photo validates instead of training
            self.cutouts = [s for i, s in enumerate(found) if i % VALIDATION_EVERY]
            self.validation = [s for i, s in enumerate(found) if not i % VALIDATION_EVERY]

    def case(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        kind = rng.random()
        mix = self.mix
        sod, cut, pasted = mix if self.cutouts else (mix[0] + mix[1], 0.0, mix[2])
        if kind < sod:
            src = self.sod[int(rng.integers(len(self.sod)))]
            rgb, mask = crop_resize(src.rgb, src.mask, rng)
        elif kind < sod + cut:
            src = self.cutouts[int(rng.integers(len(self.cutouts)))]
            rgb, mask = crop_resize(src.rgb, src.mask, rng)
        elif kind < sod + cut + pasted:
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


#: the relative loss's allowance (0..1 scale): a composite moved by less than this from its
#: target counts as moved by this much (about the smallest perturbation, hd.MIN_FMSE)
RELATIVE_FLOOR = hd.MIN_FMSE / 255 ** 2


def fmse_loss(net, comp, target, mask, relative: float = 0.0):
    """Mean over images of the foreground MSE (0..1 scale) of the harmonised composite.

    With ``relative`` > 0, that share of the loss is each image's fMSE *relative to its
    composite's* (scaled back by the batch's mean composite fMSE): a composite that was
    changed a little weighs as much as one changed a lot, so the network learns to leave
    slight changes alone instead of making them worse."""
    import torch

    params = net(comp, mask)
    out = colour_transform(comp, params)
    out = out * mask + comp * (1 - mask)
    area = mask.sum((1, 2, 3)).clamp_min(1)
    fmse = (((out - target) ** 2).mean(1, keepdim=True) * mask).sum((1, 2, 3)) / area
    if relative <= 0:
        return fmse.mean()
    with torch.no_grad():
        noop = (((comp - target) ** 2).mean(1, keepdim=True) * mask).sum((1, 2, 3)) / area
    ratio = (fmse / (noop + RELATIVE_FLOOR)).mean() * noop.mean()
    return (1 - relative) * fmse.mean() + relative * ratio


def validation_cases(data: Path, parts: dict[str, list[str]],
                     cutouts: Sequence[hd.Source] = ()):  # noqa: ANN201
    """The validation SOD photos and the validation cut-out photos, each recoloured
    :data:`VALIDATION_REPEATS` times with a fixed seed."""
    rng = np.random.default_rng(1234)
    cases = []
    sources = [(s, VALIDATION_REPEATS[0]) for s in hd.load_sod(parts["sod_val"], data)]
    sources += [(s, VALIDATION_REPEATS[1]) for s in cutouts]
    for src, repeats in sources:
        rgb, mask = crop_resize(src.rgb, src.mask, None)
        cases += [hd.harmonisation_case(hd.Source("", rgb, mask), rng) for _ in range(repeats)]
    return to_tensors(cases)


def evaluate(net, val) -> dict[str, float]:
    import torch

    net.eval()
    with torch.no_grad():
        comp, target, mask = val
        out = colour_transform(comp, net(comp, mask)) * mask + comp * (1 - mask)
        area = mask.sum((1, 2, 3))
        fmse, noop = ((((x - target) ** 2).mean(1, keepdim=True) * mask).sum((1, 2, 3)) / area
                      * 255 ** 2 for x in (out, comp))
    net.train()
    floor = RELATIVE_FLOOR * 255 ** 2
    return {"fmse": round(float(fmse.mean()), 2), "noop_fmse": round(float(noop.mean()), 2),
            "worse_pct": round(100 * float((fmse > noop).float().mean()), 1),
            "relative": round(float((fmse / (noop + floor)).mean()), 4)}


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
    parser.add_argument("--relative", type=float, default=0.0,
                        help="share of the loss that is each image's fMSE relative to its "
                             "composite's (0..1)")
    parser.add_argument("--mix", default=",".join(f"{m:g}" for m in MIX),
                        help="shares of SOD photos, cut-out photos and pasted products in "
                             "the training cases (the rest: blobs on photos)")
    parser.add_argument("--no-cutouts", action="store_true",
                        help="train without the photos whose mask is the segment cutout")
    ns = parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.manual_seed(ns.seed)
    mix = tuple(float(m) for m in ns.mix.split(","))
    if len(mix) != 3 or min(mix) < 0 or sum(mix) > 1:
        parser.error(f"--mix {ns.mix}: give three shares that add up to at most 1")
    sampler = Sampler(ns.data, ns.scene_jitter, pseudo=not ns.no_cutouts,
                      log=lambda m: print(m, flush=True), mix=mix)
    val = validation_cases(ns.data, sampler.parts, sampler.validation)
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
    print(f"training on {len(sampler.sod)} SOD photos, {len(sampler.cutouts)} cut-out "
          f"photos, {len(sampler.products)} products, "
          f"{len(sampler.backdrops)} backdrops; validation: {first}", flush=True)

    def score(metrics: dict) -> float:
        """What the kept weights are chosen by: the validation loss the run minimises."""
        relative = metrics.get("relative", metrics["fmse"] / metrics["noop_fmse"])
        mean = metrics["fmse"] / metrics["noop_fmse"]
        return (1 - ns.relative) * mean + ns.relative * relative

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
        loss = fmse_loss(net, comp, target, mask, ns.relative)
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
            if state["best"] is None or score(metrics) < score(state["best"]):
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
                          "BSDS and detection/freiburg photos, segment cutout as the mask":
                              len(sampler.cutouts),
                          "restoration/train-bsds400 (backdrops and blob-mask photos)":
                              len(sampler.backdrops)},
              "format": f"self-supervised composites (iHarmony4 recipe), {HARMONISE_SIZE} px",
              "held_out_for_benchmark": {k: len(v) for k, v in sampler.parts.items()
                                         if k.endswith("_bench")},
              "validation": f"{len(sampler.parts['sod_val'])} SOD photos x "
                            f"{VALIDATION_REPEATS[0]} and {len(sampler.validation)} cut-out "
                            f"photos x {VALIDATION_REPEATS[1]} perturbations",
              "metrics_on": f"validation composites at {HARMONISE_SIZE} px, fMSE in 0..255 levels"},
        metrics={k: float(v) for k, v in best.items() if k != "step"},
        device="cpu (1 thread)", seconds=round(before_seconds + state["seconds"], 1),
        date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        epochs=before_steps + state["step"], best_epoch=before_steps + best["step"],
        config={"kind": "harmonise", "size": HARMONISE_SIZE, "width": 16},
        params={"minutes": ns.minutes, "lr": ns.lr, "batch": BATCH, "seed": ns.seed,
                "scene_jitter": ns.scene_jitter, "relative": ns.relative, "mix": list(mix),
                "cutouts": not ns.no_cutouts, "weight_decay": ns.weight_decay,
                "init": str(ns.init or ""),
                "earlier_history": earlier, "history": state["history"]},
        licence=LICENCE)
    save_model(ns.out, state["best_state"], card)
    ckpt.unlink(missing_ok=True)
    print(f"saved {ns.out} (best step {best['step']}: {best})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
