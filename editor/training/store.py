"""Trained models and their model cards, and the per-user model store.

A model is two files: ``<name>.pt`` (a ``torch.save`` of plain data: format tag, plugin id,
architecture, config and the weights) and ``<name>.json``, its model card, which records
the sha256 of the ``.pt``. Loading checks both, so a damaged, replaced or foreign file is
refused with a reason instead of being loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from editor.model.atomic import atomic_write
from editor.paths import RESOURCES, user_data_dir

FORMAT = "lightbox-model/1"
#: bundled default models: ``<BUNDLED>/<plugin>/<name>.pt`` with their cards, trained by the
#: plugin's own script in this repository
BUNDLED = RESOURCES / "models"


class ModelError(Exception):
    """A model file that cannot be used. ``str(e)`` is ``"<path>: <reason>"``."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass
class ModelCard:
    plugin: str
    name: str
    architecture: str
    parameters: int
    #: {"folder": ..., "format": ..., "counts": {...}, "train": n, "validation": n}
    data: dict[str, Any]
    #: validation figures of the saved (best) epoch
    metrics: dict[str, float]
    device: str
    seconds: float
    date: str
    epochs: int
    #: the epoch whose weights were saved (the best on validation)
    best_epoch: int = 0
    config: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    licence: str = "trained by the user on their own data"
    sha256: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> ModelCard:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("a model card is a JSON object")
        known = {f.name for f in fields(cls)}
        missing = {"plugin", "name", "architecture", "sha256"} - set(raw)
        if missing:
            raise ValueError(f"the model card lacks {', '.join(sorted(missing))}")
        return cls(**{k: v for k, v in raw.items() if k in known})


def card_path(model: Path) -> Path:
    return model.with_suffix(".json")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_model(path: Path, state_dict: dict[str, Any], card: ModelCard) -> ModelCard:
    """Write the weights and their card atomically; returns the card with its sha256."""
    import torch

    payload = {
        "format": FORMAT,
        "plugin": card.plugin,
        "architecture": card.architecture,
        "config": card.config,
        "state_dict": {k: v.detach().cpu() for k, v in state_dict.items()},
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    data = buffer.getvalue()
    card.sha256 = hashlib.sha256(data).hexdigest()
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    with atomic_write(card_path(path), "w") as fh:
        fh.write(card.to_json())
    return card


def read_card(path: Path) -> ModelCard:
    """The card beside ``path`` (the ``.pt``); ModelError if missing or unreadable."""
    cpath = card_path(path)
    try:
        return ModelCard.from_json(cpath.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(path, f"no model card ({cpath.name}) beside it") from None
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise ModelError(path, f"its model card is unreadable ({exc})") from None


def verify_model(path: Path | str, plugin: str | None = None) -> ModelCard:
    """The card of an intact model for ``plugin`` (file matches its card); no torch import."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(path, "no such model file")
    card = read_card(path)
    if sha256_of(path) != card.sha256:
        raise ModelError(path, "the file does not match its model card (damaged or replaced)")
    if plugin is not None and card.plugin != plugin:
        raise ModelError(path, f"this model is for the {card.plugin!r} plugin, not {plugin!r}")
    return card


def load_model(path: Path | str, plugin: str | None = None) -> tuple[dict[str, Any], ModelCard]:
    """(weights, card) of a model file, after checking it is intact and meant for ``plugin``."""
    import torch

    path = Path(path)
    card = verify_model(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for foreign or damaged pickles
        raise ModelError(path, f"not a Lightbox model ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelError(path, "not a Lightbox model (unknown format)")
    if plugin is not None and payload.get("plugin") != plugin:
        raise ModelError(path, f"this model is for the {payload.get('plugin')!r} plugin, "
                               f"not {plugin!r}")
    return payload["state_dict"], card


class ModelStore:
    """Models the user trained, in ``<user data>/models/<plugin>/<name>.pt`` + ``.json``,
    and which one each plugin uses (``active.json``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or user_data_dir() / "models"

    def models(self, plugin: str | None = None) -> list[tuple[Path, ModelCard]]:
        """Every intact-looking model (card readable), newest first."""
        found = []
        pattern = f"{plugin}/*.pt" if plugin else "*/*.pt"
        for path in self.root.glob(pattern):
            try:
                found.append((path, read_card(path)))
            except ModelError:
                continue
        return sorted(found, key=lambda item: item[1].date, reverse=True)

    def plugins(self) -> set[str]:
        """Plugins with a stored model or a recorded choice."""
        found = {path.parent.name for path, _ in self.models()}
        return found | {k for k, v in self._active().items() if v}

    def install(self, path: Path) -> Path:
        """Copy a checked model and its card into the store; returns the stored path."""
        _, card = load_model(path)
        folder = self.root / card.plugin
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{card.name}.pt"
        if target.resolve() != path.resolve():
            for src, dst in ((path, target), (card_path(path), card_path(target))):
                with src.open("rb") as fh, atomic_write(dst, "wb") as out:
                    shutil.copyfileobj(fh, out)
        return target

    def active(self, plugin: str) -> Path | None:
        """The model ``plugin`` uses (None = its bundled default)."""
        chosen = self._entry(plugin).get("path")
        return Path(chosen) if chosen and Path(chosen).is_file() else None

    def why_active(self, plugin: str) -> str:
        """Why the plugin uses what it uses, in words for ``lightbox models``."""
        entry = self._entry(plugin)
        if self.active(plugin) is not None:
            when = f" on {entry['date'][:10]}" if entry.get("date") else ""
            return f"{entry.get('why') or 'chosen by the user'}{when}"
        if entry.get("path"):
            return f"the chosen model {entry['path']} is gone, so the bundled default is used"
        if bundled_model(plugin) is not None:
            return "the bundled default: no trained model has been chosen"
        return "no learned model: the plugin takes its classical path"

    def set_active(self, plugin: str, path: Path | None, why: str = "") -> None:
        """Make ``plugin`` use ``path`` (None = its bundled default), recording ``why``."""
        if path is not None:
            verify_model(path, plugin)  # refuse a broken or foreign model, without torch
        choices = self._active()
        choices[plugin] = None if path is None else {
            "path": str(path), "why": why or "chosen by the user",
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        self.root.mkdir(parents=True, exist_ok=True)
        with atomic_write(self.root / "active.json", "w") as fh:
            json.dump(choices, fh, indent=2)

    def _entry(self, plugin: str) -> dict[str, str]:
        raw = self._active().get(plugin)
        if isinstance(raw, str):  # written by Lightbox 0.1: a bare path
            return {"path": raw}
        return raw if isinstance(raw, dict) else {}

    def _active(self) -> dict[str, Any]:
        try:
            data = json.loads((self.root / "active.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}


def bundled_model(plugin: str, name: str = "default") -> Path | None:
    """The model shipped with Lightbox for ``plugin`` (None when there is none)."""
    path = BUNDLED / plugin / f"{name}.pt"
    return path if path.is_file() else None


def model_for(plugin: str, chosen: Path | str | None = None, *,
              bundled: str = "default", store: ModelStore | None = None) -> Path | None:
    """The model a run of ``plugin`` should use: the one the user ``chosen`` for this run,
    else the one made active in the model store, else the bundled ``bundled`` model, else
    None (the plugin then takes its classical path or says what to train)."""
    if chosen:
        return Path(chosen)
    active = (store or ModelStore()).active(plugin)
    return active or bundled_model(plugin, bundled)
