"""Train the bundled default denoiser on a folder of clean photos within a wall-clock budget.

    python -m plugins.denoise.train_default ../shared/data/restoration/train-bsds400 \
        --minutes 80 -o resources/models/denoise/default.pt

The whole folder is held in memory (BSDS400 is 185 MB); every step draws fresh random
patches and fresh noise (:mod:`plugins.denoise.synth`), so there are no epochs, only steps.
The learning rate follows a cosine over the *time* budget (after a short warm-up), so the
run anneals properly whatever speed the machine has, and ends on time. A checkpoint is
written every few minutes; run the same command again to resume (a different
``--minutes`` moves the end of the schedule). A few images are held out (a fixed,
name-sorted selection) and scored at sigma 15/25/50 with fixed noise; the best
sigma-25 score decides which weights are saved, at half precision, with a model card.

On a GPU (``--device auto`` picks one), give ``--workers`` CPU processes to make the
batches and a larger ``--batch``/``--patch``: the network is small, so the noise synthesis
is what limits the speed. ``--init`` starts a fresh schedule from an existing model's
weights (the bundled model was continued this way).

This is the script the bundled ``resources/models/denoise/default.pt`` comes from; users
train their own models with ``lightbox train denoise DIR`` (:mod:`plugins.denoise.train`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from editor.model.atomic import atomic_write
from editor.model.imageio import iter_image_files, load_image
from editor.tasks.device import choose_device
from editor.training.metrics import psnr
from editor.training.store import ModelCard, load_model, save_model
from plugins.denoise.model import (
    ARCHITECTURE,
    DEFAULT_CONFIG,
    PLUGIN_ID,
    build_net,
    condition_maps,
    denoise_array,
    state_to_fp16,
)
from plugins.denoise.synth import Batch, Mix, add_gaussian, make_batch, to_tensors

#: every HOLDOUT_EVERY-th image (name order) is held out for validation
HOLDOUT_EVERY = 40
VAL_SIGMAS = (15, 25, 50)
LICENCE = ("Apache-2.0; trained by Lightbox's plugins/denoise/train_default.py on {data} "
           "(Berkeley Segmentation Dataset photos, research use)")


def load_folder(folder: Path) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """(training RGB images, held-out RGB images, held-out names)."""
    files = sorted(iter_image_files([folder]))
    if not files:
        raise SystemExit(f"{folder}: no images")
    train, val, names = [], [], []
    for i, path in enumerate(files):
        rgb = load_image(path).pixels[..., :3].copy()
        if i % HOLDOUT_EVERY == HOLDOUT_EVERY // 2:
            val.append(rgb)
            names.append(path.name)
        else:
            train.append(rgb)
    return train, val, names


def validate(net: Any, images: list[np.ndarray], sigmas: tuple[int, ...] = VAL_SIGMAS,
             device: str = "cpu") -> dict[str, float]:
    """Mean RGB PSNR on the held-out images at each of ``sigmas`` (fixed noise)."""
    net.eval()
    scores = {}
    for sigma in sigmas:
        rng = np.random.default_rng(1000 + sigma)
        values = [psnr(np.clip(denoise_array(net, add_gaussian(im, sigma, rng), sigma,
                                             device=device) + 0.5, 0, 255).astype(np.uint8),
                       im) for im in images]
        scores[f"psnr_sigma{sigma}"] = float(np.mean(values))
    net.train()
    return scores


def lr_at(fraction: float, peak: float, warmup: float = 0.02, floor: float = 0.01) -> float:
    """Linear warm-up, then a cosine from ``peak`` down to ``floor * peak`` at the end."""
    if fraction < warmup:
        return peak * max(fraction / warmup, 0.05)
    f = min(1.0, (fraction - warmup) / (1 - warmup))
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * f)))


def batches(images: list[np.ndarray], count: int, size: int, mix: Mix, seed: list[int],
            workers: int) -> Iterator[Batch]:
    """An endless stream of training batches, made here or by ``workers`` processes
    (each with its own random stream: no two workers make the same patches)."""
    if workers <= 0:
        rng = np.random.default_rng(seed)
        while True:
            yield make_batch(images, count, size, mix, rng)
    import torch.utils.data

    class Stream(torch.utils.data.IterableDataset):
        def __iter__(self) -> Iterator[Batch]:
            info = torch.utils.data.get_worker_info()
            rng = np.random.default_rng([*seed, info.id if info else 0])
            while True:
                yield make_batch(images, count, size, mix, rng)

    yield from torch.utils.data.DataLoader(
        Stream(), batch_size=None, num_workers=workers, prefetch_factor=4,
        persistent_workers=True, collate_fn=lambda b: b)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("-o", "--output", type=Path,
                    default=Path("resources/models/denoise/default.pt"))
    ap.add_argument("--minutes", type=float, default=80.0, help="wall-clock training budget")
    ap.add_argument("--checkpoint", type=Path, default=None)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=96)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--validate-every", type=float, default=300.0, help="seconds")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
    ap.add_argument("--workers", type=int, default=0,
                    help="processes making batches (0: made between steps)")
    ap.add_argument("--init", type=Path, default=None,
                    help="start from this model's weights (ignored when resuming)")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    choice = choose_device(args.device)
    device = choice.name
    print(f"training on {device}" + (f" ({choice.reason})" if choice.reason else ""),
          flush=True)
    if device == "cuda":
        torch.backends.cudnn.benchmark = True
    ckpt_path = args.checkpoint or args.output.with_suffix(".ckpt")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    ckpt_path.parent.mkdir(parents=True, exist_ok=True)
    train, val, val_names = load_folder(args.data)
    print(f"{len(train)} training images, {len(val)} held out: {', '.join(val_names)}",
          flush=True)
    mix = Mix()
    config = dict(DEFAULT_CONFIG)
    net = build_net(config)
    if args.init is not None:
        weights, init_card = load_model(args.init, PLUGIN_ID)
        if init_card.config and {k: init_card.config.get(k) for k in config} != config:
            raise SystemExit(f"{args.init}: made for another network shape "
                             f"({init_card.config}); this script trains {config}")
        net.load_state_dict({k: v.float() for k, v in weights.items()})
    net.to(device)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    budget = args.minutes * 60.0
    state: dict[str, Any] = {"step": 0, "elapsed": 0.0, "best": None, "best_state": None,
                             "best_metrics": {}, "history": []}
    if ckpt_path.is_file():
        saved = torch.load(ckpt_path, map_location=device, weights_only=True)
        net.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optimiser"])
        state = saved["state"]  # the budget is the one given now: a resume may extend it
        print(f"resumed at step {state['step']}, {state['elapsed'] / 60:.1f} min done",
              flush=True)
    stream = batches(train, args.batch, args.patch, mix, [args.seed, state["step"]],
                     args.workers)

    def checkpoint() -> None:
        buffer = io.BytesIO()
        torch.save({"model": net.state_dict(), "optimiser": opt.state_dict(), "state": state,
                    "budget": budget}, buffer)
        with atomic_write(ckpt_path, "wb") as fh:
            fh.write(buffer.getvalue())

    def evaluate(sigmas: tuple[int, ...] = (25,)) -> None:
        metrics = validate(net, val, sigmas, device)
        state["history"].append({"step": state["step"], "minutes": state["elapsed"] / 60,
                                 **metrics})
        score = metrics["psnr_sigma25"]
        if state["best"] is None or score > state["best"]:
            state["best"], state["best_metrics"] = score, metrics
            state["best_state"] = {k: v.detach().cpu().clone()
                                   for k, v in net.state_dict().items()}
            state["best_step"] = state["step"]
        print(f"step {state['step']} {state['elapsed'] / 60:.1f} min "
              + " ".join(f"{k} {v:.2f}" for k, v in metrics.items()), flush=True)

    if args.init is not None and state["step"] == 0:
        evaluate()  # the starting point: a run that never beats it keeps these weights
    net.train()
    started = time.monotonic() - state["elapsed"]
    last_val = state["elapsed"]
    losses: list[float] = []
    while state["elapsed"] < budget:
        lr = lr_at(state["elapsed"] / budget, args.lr)
        for group in opt.param_groups:
            group["lr"] = lr
        clean, noisy, sigma, jpeg = to_tensors(next(stream), device)
        maps = condition_maps(len(sigma), args.patch, args.patch, sigma.numpy(), jpeg.numpy(),
                              device)
        loss = torch.nn.functional.l1_loss(net(noisy, maps), clean)
        opt.zero_grad(set_to_none=True)
        state["elapsed"] = time.monotonic() - started
        if not torch.isfinite(loss):  # never let one bad step poison the weights
            print(f"step {state['step']}: non-finite loss, skipped", flush=True)
            continue
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
        state["step"] += 1
        if state["step"] % 25 == 0:
            print(f"step {state['step']} {state['elapsed'] / 60:.1f} min lr {lr:.2e} "
                  f"loss {np.mean(losses[-25:]) * 255:.3f}", flush=True)
        if state["elapsed"] - last_val >= args.validate_every:
            evaluate()
            checkpoint()
            last_val = state["elapsed"]
    evaluate()
    checkpoint()

    net.load_state_dict(state["best_state"])
    state["best_metrics"] = validate(net, val, device=device)  # every sigma, for the card
    card = ModelCard(
        plugin=PLUGIN_ID, name=args.output.stem, architecture=ARCHITECTURE,
        parameters=sum(int(p.numel()) for p in net.parameters()),
        data={"folder": str(args.data), "format": "images", "train": len(train),
              "validation": len(val), "held_out": val_names,
              "metrics_on": "held-out images, Gaussian noise with fixed seeds, RGB PSNR"},
        metrics={k: round(v, 3) for k, v in state["best_metrics"].items()},
        device=device, seconds=round(state["elapsed"], 1),
        date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        epochs=state["step"], best_epoch=state.get("best_step", state["step"]),
        config={**config, "sigma_range": [0.0, mix.max_sigma],
                "jpeg_quality": list(mix.jpeg_quality)},
        params={"steps": state["step"], "batch": args.batch, "patch": args.patch,
                "lr": args.lr, "schedule": "warm-up + cosine over the time budget",
                "loss": "L1", "mix": {"gaussian": mix.gaussian, "camera": mix.camera,
                                      "jpeg": mix.jpeg},
                "minutes": round(budget / 60, 1), "workers": args.workers,
                "init": str(args.init) if args.init else None,
                "history": state["history"]},
        licence=LICENCE.format(data=args.data.name),
    )
    save_model(args.output, state_to_fp16({k: v.cpu() for k, v in net.state_dict().items()}),
               card)
    print(f"saved {args.output}: " + ", ".join(f"{k} {v}" for k, v in card.metrics.items()),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
