"""Auto-label quality and speed on the Freiburg shelf photos (``detection/freiburg``, YOLO).

Two held-out sets, both never trained on (the bundled model's card lists them):

- the **group split** (``editor/training/groups.py``): whole groups of near-duplicate photos
  (file-name sequences and perceptual hashes) held out, about 15 %: photos of shelves the
  model never saw, the figure that predicts how pre-labels do on a user's new photos;
- the **random split**: a further 8 % of the other photos held out one by one; their
  near-duplicates are among the training photos, so this figure flatters (it is printed to
  show by how much).

Full run: the detector is trained afresh with the bundled model's own script
(``plugins/autolabel/bundle.py``, 30 CPU minutes on one thread, the backbone's feature
caching included) and measured. ``--quick``: no training; the bundled model (trained by the
same script) is measured on the held-out photos its card lists.

Figures: mAP@0.5 (each box ranked under its three most probable classes, as torchvision's
detectors rank every box-class pair; and, as ``<setting>-1label``, under its most probable
class only, as the editor shows it), class-agnostic AP@0.5, and the share of true boxes an
annotator could accept unchanged (a shown pre-label with IoU >= 0.5, the right class and a
confidence at or above the plugin's default threshold). The baseline, in the same run, is the
class-agnostic saliency proposals that the plugin gives without any model (their mAP and
accept share are zero: they name no class). Speed is the plugin's ``run`` per photo; the
training time is the card's CPU seconds.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import BenchContext, Report, timed
from editor.model.imageio import load_image
from editor.tasks.api import Request

VAL_FRACTION = 0.15
BUDGET_S = 1800.0
CONF = 0.25
#: photos timed for the speed figure
SPEED_PHOTOS = 20


def run(report: Report) -> None:
    root = report.folder("autolabel", "detection", "freiburg")
    if root is None:
        return
    from editor.training.backbones import WeightsUnavailable, weights_path

    try:
        weights_path()
    except WeightsUnavailable as exc:
        report.skip("autolabel", str(exc))
        return
    from editor.training.datasets import scan
    from editor.training.store import bundled_model, read_card

    dataset = scan(root, "detection")
    if report.quick:
        model = bundled_model("autolabel")
        if model is None:
            report.skip("autolabel", "no bundled model (resources/models/autolabel/default.pt)")
            return
        card = read_card(model)
        report.note(f"autolabel: quick run measures the bundled model (trained in "
                    f"{_train_seconds(card):.0f} CPU s on {card.device}, {card.epochs} epochs) "
                    "on the held-out photos its card lists; the full run retrains it")
        _measure_both(report, model, dataset, card, "bundled")
        return
    with tempfile.TemporaryDirectory(prefix="autolabel-bench-") as tmp:
        model = Path(tmp) / "bench.pt"
        from plugins.autolabel.bundle import main as train

        report.note(f"autolabel: training afresh, {BUDGET_S:.0f} CPU s budget, one thread, "
                    "group split")
        start = time.monotonic()
        code = train([str(root), "-o", str(model), "--budget", str(BUDGET_S),
                      "--val", str(VAL_FRACTION), "--eval-every", "0"])
        if code != 0 or not model.is_file():
            report.skip("autolabel", "training failed; see the lines above")
            return
        card = read_card(model)
        report.note(f"autolabel: trained in {card.seconds:.0f} CPU s "
                    f"({time.monotonic() - start:.0f} s wall) on {card.device}, "
                    f"{card.epochs} epochs")
        _measure_both(report, model, dataset, card, "retrained")


def _train_seconds(card) -> float:
    """Training CPU seconds, the backbone caching included (a run that reused a cache made
    earlier records that cache's cost apart)."""
    return float(card.seconds) + float(card.params.get("backbone_cache_cpu_s", 0.0))


def _measure_both(report: Report, model: Path, dataset, card, setting: str) -> None:
    """The group-split figures, then the random-split ones, each beside the baseline."""
    by_name = {s.image.relative_to(dataset.root).as_posix(): s for s in dataset.samples}
    held = [by_name[n] for n in card.data.get("held_out", []) if n in by_name]
    leaky = [by_name[n] for n in card.data.get("random_split", {}).get("held_out", [])
             if n in by_name]
    if "split" not in card.data:  # a model held out at random: the group split's photos it
        # never trained on (their group-mates it did, so these still flatter it)
        from editor.training.groups import group_split

        names = {s.image for s in held}
        leaky = held
        held = [s for s in group_split(dataset.samples, dataset.root, VAL_FRACTION)[1]
                if s.image in names]
        report.note(f"autolabel: this model was held out at random; its group-split figure is "
                    f"on the {len(held)} group-split photos it never trained on, whose "
                    "near-duplicates it did train on (so it flatters too)")
    if not held:
        report.skip("autolabel", "the model card lists no held-out photos of this folder")
        return
    _measure(report, model, held, setting, "groupsplit", speed=True)
    if leaky:
        _measure(report, model, leaky, setting, "randomsplit", speed=False)
    cache = float(card.params.get("backbone_cache_cpu_s", 0.0))
    report.note(f"autolabel: training time {_train_seconds(card):.0f} CPU s on one thread "
                f"({_train_seconds(card) / 60:.1f} min; backbone caching "
                f"{cache or 'included'}{' s' if cache else ''}), {card.data.get('train')} "
                f"training photos, {len(held)} held out by group, {len(leaky)} at random")


def _measure(report: Report, model: Path, held: list, setting: str, split: str,
             speed: bool) -> None:
    import torch

    from plugins.autolabel.evaluate import scores
    from plugins.autolabel.model import Detection, load_detector
    from plugins.autolabel.proposals import propose

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the figures below are for one core
    try:
        detector = load_detector(model)
        found, proposed, truth = {}, {}, {}
        for sample in held:
            image = load_image(sample.image).pixels
            key = str(sample.image)
            truth[key] = list(sample.boxes or [])
            found[key] = detector.detect([image])[0]
            proposed[key] = [Detection(b.x0, b.y0, b.x1, b.y1, b.score)
                             for b in propose(image)]
        ours, base = scores(found, truth, CONF), scores(proposed, truth, CONF)
        data = f"freiburg-{split}-{len(held)}"
        report.figure("autolabel", data, setting, "mAP50", ours["mAP50"], "-",
                      "autolabel/proposals-agnosticAP", base["agnostic_AP50"])
        report.figure("autolabel", data, f"{setting}-1label", "mAP50", ours["mAP50_1label"],
                      "-", "autolabel/proposals-agnosticAP", base["agnostic_AP50"])
        report.figure("autolabel", data, setting, "agnostic_AP50", ours["agnostic_AP50"], "-",
                      "autolabel/proposals", base["agnostic_AP50"])
        report.figure("autolabel", data, f"{setting}-conf{CONF}", "accept_share",
                      100 * ours["accept_share"], "%", "autolabel/proposals",
                      100 * base["accept_share"])
        if speed:
            _speed(report, model, held[:SPEED_PHOTOS], setting)
    finally:
        torch.set_num_threads(threads)
    if speed:
        report.note("autolabel targets (group split, photos of new shelves): mAP50 >= 0.60, "
                    "agnostic_AP50 >= 0.80, <= 0.5 s per photo on CPU, <= 35 CPU min training")


def _speed(report: Report, model: Path, samples: list, setting: str) -> None:
    """Seconds per photo of the plugin's run (model loaded once, as in a batch)."""
    run = report.plugin_run("autolabel")
    if run is None:
        return
    ctx = BenchContext()
    images = [load_image(s.image).pixels for s in samples]
    run(Request(images[0], {"model": str(model), "conf": CONF}), ctx)  # load once
    cpu = time.process_time()
    _, ours = timed(lambda: [run(Request(im, {"model": str(model), "conf": CONF}), ctx)
                             for im in images])
    cpu = time.process_time() - cpu
    _, base = timed(lambda: [run(Request(im, {"method": "proposals", "conf": CONF}), ctx)
                             for im in images])
    n = max(1, len(images))
    report.figure("autolabel", f"freiburg-{n}photos", f"{setting}-cpu-1thread", "time_per_photo",
                  ours / n, "s", "autolabel/proposals", base / n)
    report.note(f"autolabel: {cpu / n:.3f} CPU s per photo (the wall time above includes "
                "any wait for a busy CPU)")
