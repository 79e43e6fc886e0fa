"""Model files and cards: what is saved is what loads; anything else is refused with why."""

import pytest
import torch

from editor.training.store import (
    ModelCard,
    ModelError,
    ModelStore,
    card_path,
    load_model,
    save_model,
    sha256_of,
)


def card(name="m", plugin="tinyseg"):
    return ModelCard(plugin=plugin, name=name, architecture="Lin", parameters=6,
                     data={"folder": "/x"}, metrics={"iou": 0.9}, device="cpu", seconds=1.0,
                     date="2026-11-26T00:00:00+00:00", epochs=3)


def weights():
    return torch.nn.Linear(2, 2).state_dict()


def test_a_saved_model_loads_with_its_card(tmp_path):
    path = tmp_path / "m.pt"
    original = weights()
    saved = save_model(path, original, card())
    loaded, read = load_model(path, "tinyseg")
    assert read.sha256 == saved.sha256 and len(read.sha256) == 64
    assert read.metrics == {"iou": 0.9} and read.epochs == 3
    assert all(torch.equal(loaded[k], original[k]) for k in original)


def test_damaged_foreign_and_mismatched_files_are_refused(tmp_path):
    path = tmp_path / "m.pt"
    save_model(path, weights(), card())
    with pytest.raises(ModelError, match="for the 'tinyseg' plugin, not 'denoise'"):
        load_model(path, "denoise")
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ModelError, match="does not match its model card"):
        load_model(path)
    alien = tmp_path / "alien.pt"
    torch.save({"hello": torch.zeros(1)}, alien)
    with pytest.raises(ModelError, match="no model card"):
        load_model(alien)
    junk = tmp_path / "junk.pt"
    junk.write_text("not a model at all")
    forged = card(name="junk")
    forged.sha256 = sha256_of(junk)
    card_path(junk).write_text(forged.to_json())
    with pytest.raises(ModelError, match="not a Lightbox model"):
        load_model(junk)


def test_the_store_installs_lists_and_remembers_the_active_model(tmp_path):
    store = ModelStore(tmp_path / "store")
    path = tmp_path / "m.pt"
    save_model(path, weights(), card())
    stored = store.install(path)
    assert [p for p, _ in store.models("tinyseg")] == [stored]
    assert store.active("tinyseg") is None
    store.set_active("tinyseg", stored)
    assert store.active("tinyseg") == stored
    with pytest.raises(ModelError):
        store.set_active("denoise", stored)
    store.set_active("tinyseg", None)
    assert store.active("tinyseg") is None


def test_a_run_uses_the_chosen_then_the_active_then_the_bundled_model(tmp_path, monkeypatch):
    from editor.training import store as store_module

    bundled = tmp_path / "bundled"
    monkeypatch.setattr(store_module, "BUNDLED", bundled)
    models = ModelStore(tmp_path / "store")
    assert store_module.model_for("tinyseg", store=models) is None  # nothing anywhere

    shipped = bundled / "tinyseg" / "default.pt"
    shipped.parent.mkdir(parents=True)
    save_model(shipped, weights(), card("default"))
    assert store_module.model_for("tinyseg", store=models) == shipped
    assert store_module.model_for("tinyseg", bundled="x4", store=models) is None

    mine = models.root / "tinyseg" / "mine.pt"
    mine.parent.mkdir(parents=True)
    save_model(mine, weights(), card("mine"))
    models.set_active("tinyseg", mine)
    assert store_module.model_for("tinyseg", store=models) == mine
    assert store_module.model_for("tinyseg", tmp_path / "other.pt", store=models) == \
        tmp_path / "other.pt"
