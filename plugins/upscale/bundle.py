"""Train the bundled upscale model: ``python -m plugins.upscale.bundle --minutes 40``.

Trains one network for x2, x3 and x4 together on ``../shared/data/restoration/train-bsds400``
(bicubic degradation, the benchmark protocol) within a wall-clock budget, with a cosine
learning-rate schedule over that budget, a checkpoint every few minutes (a rerun with the same
settings resumes), and the best weights on held-out BSDS photos saved with their model card to
``resources/models/upscale/default.pt``. Set5/Set14 are never looked at during training.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from editor.model.atomic import atomic_write
from editor.model.imageio import iter_image_files
from editor.paths import RESOURCES
from editor.training.store import ModelCard, save_model
from plugins.upscale.model import ARCHITECTURE, PLUGIN_ID, SCALES, NetConfig, build_network
from plugins.upscale.train import PatchSampler, evaluate

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "restoration" / "train-bsds400"
OUTPUT = RESOURCES / "models" / PLUGIN_ID / "default.pt"
#: every HOLD_OUT-th photo (sorted by name) is held out for model selection
HOLD_OUT = 40
LICENCE = ("Apache-2.0; trained by Lightbox's plugins/upscale/bundle.py on BSDS500 "
           "train+test (restoration/train-bsds400, Berkeley Segmentation Dataset, research use)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--output", type=Path, default=OUTPUT)
    ap.add_argument("--minutes", type=float, default=45.0,
                    help="training budget in CPU minutes (the machine is shared)")
    ap.add_argument("--until", default="",
                    help="UTC wall-clock time HH:MM by which training ends whatever the budget")
    ap.add_argument("--channels", type=int, default=NetConfig.channels)
    ap.add_argument("--layers", type=int, default=NetConfig.layers)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=40, help="low-resolution patch side")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--eval-every", type=int, default=250, help="steps between validations")
    ap.add_argument("--checkpoint", type=Path, default=Path("/tmp/upscale-bundle.ckpt"))
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    train(args)


def train(args: argparse.Namespace) -> ModelCard:
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    paths = iter_image_files([args.data])
    if not paths:
        raise SystemExit(f"{args.data}: no training photos")
    held = paths[::HOLD_OUT]
    training = [p for p in paths if p not in set(held)]
    sampler = PatchSampler(training, "bicubic", args.patch)
    val_photos = [sampler.photo(p) for p in held]
    config = NetConfig(args.channels, args.layers, SCALES)
    net = build_network(config)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    budget = args.minutes * 60.0
    fingerprint = [config.to_dict(), args.batch, args.patch, args.lr, len(paths)]
    state = _resume(args.checkpoint, fingerprint, net, opt)
    rng = np.random.default_rng([0, state["step"]])
    # the schedule runs on whichever ends first: the CPU budget or the wall-clock deadline
    started = state["started"] or time.time() - state["elapsed"]
    state["started"] = started
    deadline = _deadline(args.until, started)
    cpu_before = state["elapsed"]
    cpu_start = time.process_time()
    last_save = time.monotonic()

    def progress() -> float:
        cpu = cpu_before + time.process_time() - cpu_start
        wall = (time.time() - started) / max(1.0, deadline - started)
        return max(cpu / budget, wall)

    losses: list[float] = []
    print(f"training {ARCHITECTURE} {config} on {len(training)} photos, {len(held)} held out; "
          f"{sum(p.numel() for p in net.parameters())} parameters; resumed at step "
          f"{state['step']}", flush=True)
    while True:
        fraction = progress()
        elapsed = cpu_before + time.process_time() - cpu_start
        done = fraction >= 1.0
        step = state["step"]
        if done or (step and step % args.eval_every == 0 and step != state["evaluated"]):
            net.eval()
            metrics = evaluate(net, val_photos, SCALES)
            net.train()
            state["evaluated"] = step
            state["history"].append({"step": step, "seconds": round(elapsed), **metrics})
            better = state["best"] is None or metrics["psnr_y"] > state["best_metrics"]["psnr_y"]
            if better:
                state["best"] = {k: v.detach().clone() for k, v in net.state_dict().items()}
                state["best_metrics"], state["best_step"] = metrics, step
            print(f"step {step} {elapsed / 60:.1f} cpu-min {fraction:.0%} "
                  f"lr {opt.param_groups[0]['lr']:.2e} "
                  f"loss {np.mean(losses[-200:]) if losses else 0:.5f} "
                  + " ".join(f"x{s} {metrics[f'psnr_y_x{s}']:.2f} "
                             f"(+{metrics[f'psnr_y_x{s}'] - metrics[f'bicubic_psnr_y_x{s}']:.2f})"
                             for s in SCALES) + (" *" if better else ""), flush=True)
        if done:
            break
        for group in opt.param_groups:  # cosine over the wall-clock budget
            group["lr"] = args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * fraction)))
        scale = SCALES[step % len(SCALES)]
        low, high = sampler.batch(args.batch, scale, rng)
        loss = torch.nn.functional.l1_loss(net(low, scale), high)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
        state["step"] = step + 1
        if time.monotonic() - last_save > 180:
            state["elapsed"] = cpu_before + time.process_time() - cpu_start
            _save_checkpoint(args.checkpoint, fingerprint, net, opt, state)
            last_save = time.monotonic()
    card = _finish(args, config, state, len(training), len(held),
                   cpu_before + time.process_time() - cpu_start)
    print(f"saved {args.output}: best step {state['best_step']}, {card.metrics}", flush=True)
    return card


def _deadline(until: str, started: float) -> float:
    """``HH:MM`` UTC as a timestamp: the next such time after ``started`` (none: far away)."""
    if not until:
        return started + 10 * 365 * 86400.0
    hour, minute = (int(part) for part in until.split(":"))
    start = dt.datetime.fromtimestamp(started, dt.UTC)
    end = start.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if end <= start:
        end += dt.timedelta(days=1)
    return end.timestamp()


def _resume(path: Path, fingerprint: list[Any], net: Any, opt: Any) -> dict[str, Any]:
    import torch

    fresh: dict[str, Any] = {"step": 0, "elapsed": 0.0, "started": 0.0, "evaluated": -1,
                             "history": [], "best": None, "best_metrics": {}, "best_step": 0}
    if not path.is_file():
        return fresh
    saved = torch.load(path, map_location="cpu", weights_only=True)
    if saved.get("fingerprint") != fingerprint:
        print(f"{path}: made with other settings, starting afresh", flush=True)
        return fresh
    net.load_state_dict(saved["model"])
    opt.load_state_dict(saved["optimiser"])
    return {k: saved.get(k, v) for k, v in fresh.items()}


def _save_checkpoint(path: Path, fingerprint: list[Any], net: Any, opt: Any,
                     state: dict[str, Any]) -> None:
    import torch

    buffer = io.BytesIO()
    torch.save({"fingerprint": fingerprint, "model": net.state_dict(),
                "optimiser": opt.state_dict(), **state}, buffer)
    with atomic_write(path, "wb") as fh:
        fh.write(buffer.getvalue())


def _finish(args: argparse.Namespace, config: NetConfig, state: dict[str, Any], n_train: int,
            n_val: int, seconds: float) -> ModelCard:
    card = ModelCard(
        plugin=PLUGIN_ID,
        name=args.output.stem,
        architecture=ARCHITECTURE,
        parameters=sum(int(v.numel()) for v in state["best"].values()),
        data={"folder": "restoration/train-bsds400 (BSDS500 train+test, 400 photos)",
              "format": "images", "counts": {"images": n_train + n_val}, "train": n_train,
              "validation": n_val, "degradation": "bicubic (MATLAB imresize)",
              "metrics_on": f"validation images: every {HOLD_OUT}th BSDS photo, centre "
                            "240x240, Y channel, border = scale"},
        metrics={k: round(float(v), 4) for k, v in state["best_metrics"].items()},
        device="cpu (1 thread)",
        seconds=round(seconds, 1),
        date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        epochs=state["step"],
        best_epoch=state["best_step"],
        config={**config.to_dict(), "trained_scales": list(SCALES), "degradation": "bicubic"},
        params={"steps": state["step"], "batch": args.batch, "patch": args.patch, "lr": args.lr,
                "minutes": args.minutes, "schedule": "cosine over the budget", "loss": "L1",
                "optimiser": "Adam", "history": state["history"]},
        licence=LICENCE,
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    return save_model(args.output, state["best"], card)


if __name__ == "__main__":
    main()
