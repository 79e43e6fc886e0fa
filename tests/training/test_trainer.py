"""Training a tiny real model end to end: learn, checkpoint, cancel, resume, stop early."""

import numpy as np
import pytest

from editor.tasks.api import Cancelled, Request
from editor.tasks.jobs import Job, JobState
from editor.tasks.registry import Registry
from editor.training.run import TrainingError, plan_training, run_training, use_model
from editor.training.store import ModelStore


def drive(progress, stop_after_epochs=None):
    """Pull every step; with ``stop_after_epochs`` cancel like the user would."""
    steps = []
    try:
        while True:
            step = next(progress)
            steps.append(step)
            if stop_after_epochs and step.epoch_finished and step.epoch == stop_after_epochs:
                progress.throw(Cancelled())
    except StopIteration as done:
        return steps, done.value


@pytest.fixture
def plan(tmp_path, make_squares, tinyseg):
    def make(**values):
        data = make_squares(tmp_path / "squares")
        plugin = Registry.discover().get("tinyseg")
        return plan_training(plugin, data, tmp_path / "model.pt", {"batch": 4, **values}, "cpu")

    return make


def test_a_tiny_model_trains_saves_a_card_and_is_used_by_a_plugin_that_had_none(plan, tmp_path):
    steps, outcome = drive(run_training(plan(epochs=6)))
    card = outcome.card
    assert card.plugin == "tinyseg" and card.architecture == "TinySeg-2conv"
    assert card.metrics["iou"] > 0.8
    assert card.data["train"] + card.data["validation"] == 12
    assert card.parameters == 3 * 4 * 9 + 4 + 4 + 1
    assert (tmp_path / "model.pt").exists() and (tmp_path / "model.json").exists()
    assert not (tmp_path / "model.ckpt").exists()  # the checkpoint goes once the model is saved
    fractions = [s.fraction for s in steps]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert [s.epoch for s in steps if s.epoch_finished] == [1, 2, 3, 4, 5, 6]

    # the plugin had no learned model, so the first one trained is what it uses
    assert outcome.comparison.current is None and "no learned model" in outcome.comparison.reason
    assert outcome.activated
    stored = ModelStore().active("tinyseg")
    assert stored is not None and stored.name == "model.pt"
    image = np.zeros((32, 32, 4), np.uint8)
    image[..., 3] = 255
    image[8:20, 8:20, :3] = 230
    plugin = Registry.discover().get("tinyseg")
    job = Job(plugin, Request(image, plugin.manifest.validate({"model": str(stored)})))
    job.run()
    assert job.state is JobState.DONE, job.error
    mask = job.result.layers[0].data
    assert mask[10:18, 10:18].all() and not mask[24:, 24:].any()


def test_cancel_then_resume_continues_from_the_saved_epoch(plan, tmp_path):
    with pytest.raises(Cancelled):
        drive(run_training(plan(epochs=4)), stop_after_epochs=2)
    assert (tmp_path / "model.ckpt").exists() and not (tmp_path / "model.pt").exists()
    steps, outcome = drive(run_training(plan(epochs=4)))
    card = outcome.card
    assert steps[0].epoch == 3
    assert [h["epoch"] for h in steps[-1].history] == [1, 2, 3, 4]
    assert card.epochs == 4


def test_changed_params_start_afresh_instead_of_resuming(plan, tmp_path):
    with pytest.raises(Cancelled):
        drive(run_training(plan(epochs=3)), stop_after_epochs=1)
    steps, _ = drive(run_training(plan(epochs=3, crop=12)))
    assert steps[0].epoch == 1


def test_training_stops_early_when_validation_stops_improving(plan, tmp_path):
    steps, outcome = drive(run_training(plan(epochs=20, lr=1e-7, patience=2)))
    card = outcome.card
    finished = [s for s in steps if s.epoch_finished]
    assert len(finished) < 20
    assert "stopping early" in finished[-1].message
    assert card.epochs == len(finished)


def test_numpy_figures_from_a_plugin_still_resume(plan, tinyseg, tmp_path):
    train_py = tinyseg / "lightbox_tinyseg" / "train.py"
    train_py.write_text(train_py.read_text().replace(
        'return {"iou": inter / union if union else 1.0}',
        'return {"iou": np.float64(inter / union if union else 1.0)}'))
    with pytest.raises(Cancelled):
        drive(run_training(plan(epochs=3)), stop_after_epochs=1)
    steps, outcome = drive(run_training(plan(epochs=3)))
    card = outcome.card
    assert steps[0].epoch == 2 and not steps[0].note
    assert card.best_epoch >= 1 and card.data["metrics_on"] == "validation images"


def test_a_checkpoint_from_other_settings_says_why_it_starts_afresh(plan, tmp_path):
    with pytest.raises(Cancelled):
        drive(run_training(plan(epochs=3)), stop_after_epochs=1)
    steps, _ = drive(run_training(plan(epochs=3, crop=12)))
    assert "other data or settings" in steps[0].note
    assert not any(s.note for s in steps[1:])


def test_a_new_model_is_stored_but_not_used_until_chosen_and_compared_on_the_same_split(plan):
    _, first = drive(run_training(plan(epochs=4)))
    assert first.activated
    # a second, worse run (one epoch at a tiny learning rate) must not replace the first
    worse = plan(epochs=1, lr=1e-6)
    worse.output = worse.output.with_name("worse.pt")
    _, second = drive(run_training(worse))
    store = ModelStore()
    assert not second.activated and store.active("tinyseg") == first.stored
    assert second.comparison.current == first.stored
    assert set(second.comparison.current_metrics) == set(second.card.metrics)
    assert second.comparison.current_metrics["iou"] > second.card.metrics["iou"]
    assert "first model trained" in store.why_active("tinyseg")
    use_model("tinyseg", second.stored)
    assert store.active("tinyseg") == second.stored
    assert store.why_active("tinyseg").startswith("chosen by the user")
    use_model("tinyseg", None)
    assert store.active("tinyseg") is None


def test_a_folder_below_eight_samples_is_refused_unless_allowed(tmp_path, make_squares, tinyseg):
    data = make_squares(tmp_path / "few", count=3)
    plugin = Registry.discover().get("tinyseg")
    with pytest.raises(TrainingError, match=r"only 3 usable image\+mask pairs.*allow_small=true"):
        plan_training(plugin, data, tmp_path / "m.pt", {}, "cpu")
    allowed = plan_training(plugin, data, tmp_path / "m.pt", {"allow_small": True}, "cpu")
    assert any("validation" in w and "mean little" in w for w in allowed.warnings)
