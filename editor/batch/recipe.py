"""Recipes: an ordered list of plugin steps, read from TOML and checked before any work.

    name = "Amazon main image"

    [[steps]]
    plugin = "segment"
    params = { output = "cutout" }

    [[steps]]
    plugin = "compliance"
    params = { profile = "amazon-main", fix = true }
    mask = "previous"

Every step's params are validated against its plugin's manifest (defaults filled in), so a
typo stops the batch up front with the step number, the plugin and the param named. A step
with ``mask = "previous"`` receives the mask the steps before it left (see
:mod:`editor.batch.replay`); one whose earlier steps leave none is refused up front too.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editor.tasks.manifest import ParamError
from editor.tasks.registry import Registry

RECIPE_KEYS = frozenset({"name", "description", "steps"})
STEP_KEYS = frozenset({"plugin", "params", "mask", "version"})
MASK_SOURCES = ("previous",)


class RecipeError(ValueError):
    """A recipe that cannot run; the message names the file, the step and the problem."""


@dataclass(frozen=True)
class Step:
    """One plugin run of a recipe. ``params`` are complete and validated; ``given`` are the
    params as the recipe wrote them (what a saved recipe writes back)."""

    index: int
    plugin: str
    params: dict[str, Any]
    given: dict[str, Any] = field(default_factory=dict)
    #: hand this step the mask the earlier steps left (``mask = "previous"``)
    mask: bool = False
    #: the plugin version the recipe was recorded with ("" = not recorded)
    version: str = ""

    @property
    def label(self) -> str:
        """``step 2 (denoise)``: how messages and reports name the step."""
        return f"step {self.index} ({self.plugin})"

    @property
    def key(self) -> str:
        """``2-denoise``: the step in file names and report columns."""
        return f"{self.index}-{self.plugin}"


@dataclass(frozen=True)
class Recipe:
    name: str
    steps: tuple[Step, ...]
    description: str = ""
    source: str = ""  # the file it was read from, for messages

    def fingerprint(self) -> str:
        """A short hash of what the recipe computes: the same steps give the same value,
        so a resumed batch can tell outputs of this recipe from those of another."""
        data = [[s.plugin, s.params, s.mask] for s in self.steps]
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def as_data(self) -> dict[str, Any]:
        """The recipe as plain TOML-able data (what :func:`parse_recipe` reads back)."""
        steps = []
        for step in self.steps:
            raw: dict[str, Any] = {"plugin": step.plugin}
            if step.version:
                raw["version"] = step.version
            if step.mask:
                raw["mask"] = "previous"
            raw["params"] = dict(step.given)
            steps.append(raw)
        data: dict[str, Any] = {"name": self.name}
        if self.description:
            data["description"] = self.description
        data["steps"] = steps
        return data


def load_recipe(path: Path | str, registry: Registry) -> Recipe:
    """Read and validate the recipe file ``path``; :class:`RecipeError` says what is wrong."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecipeError(f"{path}: no such recipe file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecipeError(f"{path}: cannot read the recipe ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(f"{path}: not valid TOML ({exc})") from None
    return parse_recipe(data, registry, source=str(path))


def parse_recipe(data: Mapping[str, Any], registry: Registry, *, source: str = "recipe",
                 rehearse: bool = True) -> Recipe:
    """Validate recipe ``data`` (parsed TOML) against the installed plugins.

    ``rehearse`` runs the steps before a ``mask = "previous"`` step on a small sample photo
    to learn whether they leave a mask (a plugin's manifest does not say what it outputs).
    """
    def fail(message: str) -> RecipeError:
        return RecipeError(f"{source}: {message}")

    unknown = sorted(set(data) - RECIPE_KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (a recipe has name, description, steps)")
    name = data.get("name", "")
    if not isinstance(name, str) or not name.strip():
        raise fail("the recipe needs a name (name = \"...\")")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise fail("the recipe has no steps (add [[steps]] tables)")
    steps = tuple(_step(i, raw, registry, fail) for i, raw in enumerate(raw_steps, 1))
    recipe = Recipe(name.strip(), steps, str(data.get("description", "")), source)
    if rehearse and any(s.mask for s in steps):
        _check_masks(recipe, registry, fail)
    return recipe


def _step(index: int, raw: Any, registry: Registry, fail: Any) -> Step:
    where = f"step {index}"
    if not isinstance(raw, dict):
        raise fail(f"{where}: a step is a table with plugin and params")
    plugin_id = raw.get("plugin")
    if not isinstance(plugin_id, str) or not plugin_id:
        raise fail(f"{where}: no plugin named (plugin = \"...\")")
    where = f"step {index} ({plugin_id})"
    unknown = sorted(set(raw) - STEP_KEYS)
    if unknown:
        raise fail(f"{where}: unknown key {unknown[0]!r} (a step has plugin, params, mask)")
    try:
        plugin = registry.get(plugin_id)
    except KeyError as exc:
        raise fail(f"{where}: {exc.args[0]}") from None
    if plugin.broken or plugin.manifest is None:
        raise fail(f"{where}: the plugin is broken ({plugin.error})")
    given = raw.get("params", {})
    if not isinstance(given, dict):
        raise fail(f"{where}: params must be a table (params = {{ key = value }})")
    try:
        params = plugin.manifest.validate(given)
    except ParamError as exc:
        raise fail(f"{where}: {exc}") from None
    mask = raw.get("mask")
    if mask is not None and mask not in MASK_SOURCES:
        raise fail(f"{where}: mask = {mask!r}; the only mask source is \"previous\"")
    if mask is not None and not plugin.manifest.has("uses_mask"):
        raise fail(f"{where}: mask = \"previous\", but the {plugin_id} plugin uses no mask")
    if mask is not None and index == 1:
        raise fail(f"{where}: mask = \"previous\", but no earlier step produces a mask")
    version = raw.get("version", "")
    return Step(index, plugin_id, params, dict(given), mask is not None, str(version))


def _check_masks(recipe: Recipe, registry: Registry, fail: Any) -> None:
    """Refuse a ``mask = "previous"`` step whose earlier steps leave no mask, learned by
    replaying them on a small sample photo (classical plugins take milliseconds there;
    a model loads once, which the first real photo would have paid anyway)."""
    from editor.batch.replay import MissingMask, Replayer, rehearsal_image
    from editor.tasks.api import PluginError

    last = max(s.index for s in recipe.steps if s.mask)
    # the steps before the last that needs a mask (it need not run: only what it gets)
    head = Recipe(recipe.name, recipe.steps[: last - 1], source=recipe.source)
    try:
        replayed = Replayer(head, registry, device="cpu").replay(rehearsal_image())
        Replayer._mask_for(recipe.steps[last - 1], replayed.image, replayed.mask)
    except MissingMask as exc:
        raise fail(f"{exc.step.label}: mask = \"previous\", but no earlier step produces "
                   "a mask") from None
    except PluginError:
        pass  # a step that fails on the sample may well work on real photos


def recipe_toml(recipe: Recipe) -> str:
    """The recipe as TOML text (the format :func:`load_recipe` reads)."""
    data = recipe.as_data()
    lines = [f"name = {_value(data['name'])}"]
    if "description" in data:
        lines.append(f"description = {_value(data['description'])}")
    for raw in data["steps"]:
        lines += ["", "[[steps]]", f"plugin = {_value(raw['plugin'])}"]
        if "version" in raw:
            lines.append(f"version = {_value(raw['version'])}")
        if "mask" in raw:
            lines.append(f"mask = {_value(raw['mask'])}")
        params = ", ".join(f"{k} = {_value(v)}" for k, v in raw["params"].items()
                           if v is not None)  # TOML has no null: unset = the default
        lines.append(f"params = {{ {params} }}" if params else "params = {}")
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    """One TOML value: strings, booleans, numbers and lists of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def recipe_from_layers(layers: Sequence[Any], registry: Registry, name: str) -> Recipe:
    """The recipe that replays the AI layers of a document (bottom to top).

    Each AI layer records the run that made it (``layer.source``: plugin, version,
    params); the layers one run added (a cutout's mask and cutout) share one record and
    become one step (so do two identical runs in a row). Layers painted by hand are not
    steps. RecipeError when there is no AI layer, or when a recorded plugin or param is
    no longer installed."""
    runs: list[dict[str, Any]] = []
    for layer in layers:
        source = getattr(layer, "source", None) or {}
        if not source.get("plugin"):
            continue
        raw = {"plugin": str(source["plugin"]),
               "params": {k: v for k, v in dict(source.get("params") or {}).items()
                          if v is not None}}
        if source.get("version"):
            raw["version"] = str(source["version"])
        if runs and runs[-1] == raw:
            continue  # another layer of the same run
        runs.append(raw)
    if not runs:
        raise RecipeError("the document has no AI layers to record (run a plugin first)")
    return parse_recipe({"name": name, "steps": runs}, registry, source=name)
