"""``plugin.toml``: what a plugin is and which parameters it takes, read without importing it.

The GUI builds its parameter form from :class:`ParamSpec`, the CLI its ``-p key=value``
options; both validate through :meth:`Manifest.validate`.
"""

from __future__ import annotations

import importlib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PARAM_TYPES = ("int", "float", "bool", "choice", "str", "path")
CAPABILITIES = ("trainable", "uses_mask", "prompts")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ManifestError(Exception):
    """A ``plugin.toml`` that cannot be used; the message names the file and the problem."""


class ParamError(ValueError):
    """A parameter value outside what the manifest allows."""


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: str
    default: Any = None
    label: str = ""
    help: str = ""
    min: float | None = None
    max: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    #: a param that may stay unset (``None``), e.g. ``sigma`` for "estimate it"
    optional: bool = False

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    def parse(self, text: str) -> Any:
        """Convert command-line text (``-p name=text``) and validate it."""
        text = text.strip()
        if self.optional and text.lower() in {"", "none", "auto"}:
            return None
        try:
            if self.type == "int":
                value: Any = int(text)
            elif self.type == "float":
                value = float(text)
            elif self.type == "bool":
                if text.lower() not in _TRUE | _FALSE:
                    raise ValueError
                value = text.lower() in _TRUE
            else:
                value = text
        except ValueError:
            raise ParamError(f"{self.name}: {text!r} is not a valid {self.type}") from None
        return self.validate(value)

    def validate(self, value: Any) -> Any:
        """Return ``value`` in its proper type, or raise :class:`ParamError` saying why."""
        if value is None:
            if self.optional:
                return None
            raise ParamError(f"{self.name}: a value is required")
        if self.type == "bool":
            if not isinstance(value, bool):
                raise ParamError(f"{self.name}: expected true or false, got {value!r}")
            return value
        if self.type in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParamError(f"{self.name}: expected a number, got {value!r}")
            if self.type == "int":
                if float(value) != int(value):
                    raise ParamError(f"{self.name}: expected a whole number, got {value!r}")
                value = int(value)
            else:
                value = float(value)
                if not math.isfinite(value):
                    raise ParamError(f"{self.name}: expected a finite number, got {value!r}")
            if self.min is not None and value < self.min:
                raise ParamError(f"{self.name}: {value} is below the minimum {self.min:g}")
            if self.max is not None and value > self.max:
                raise ParamError(f"{self.name}: {value} is above the maximum {self.max:g}")
            return value
        if not isinstance(value, str):
            raise ParamError(f"{self.name}: expected text, got {value!r}")
        if self.type == "choice" and value not in self.choices:
            raise ParamError(f"{self.name}: {value!r} is not one of {', '.join(self.choices)}")
        return value


@dataclass(frozen=True)
class Manifest:
    id: str
    name: str
    version: str
    entry: str
    folder: Path
    description: str = ""
    params: tuple[ParamSpec, ...] = ()
    capabilities: frozenset[str] = frozenset()
    weights: tuple[dict[str, Any], ...] = field(default=())
    #: the devices the plugin can compute on; a classical plugin says ("cpu",)
    devices: tuple[str, ...] = ("cpu", "cuda", "mps")
    #: how to train it; present exactly when the plugin is ``trainable``
    training: TrainingInfo | None = None
    #: how ``lightbox selftest`` runs it cheaply (the optional ``[selftest]`` table)
    selftest: SelfTestInfo = field(default_factory=lambda: SelfTestInfo())

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise ParamError(f"{self.id} has no parameter {name!r}")

    def has(self, capability: str) -> bool:
        return capability in self.capabilities

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def validate(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Complete ``values`` with defaults and check each; unknown names are errors."""
        return validate_values(self.params, values, self.id)

    def parse_cli(self, pairs: list[str]) -> dict[str, Any]:
        """Parse ``["key=value", ...]`` from the command line into validated params."""
        return parse_pairs(self.params, pairs, self.id)


@dataclass(frozen=True)
class TrainingInfo:
    """The ``[training]`` table of a trainable plugin's manifest."""

    #: ``module:function`` returning the plugin's :class:`editor.training.task.TrainingTask`
    entry: str
    #: the dataset layout it learns from: images, pairs, classes or detection
    dataset: str
    #: training params of its own; one named like a common trainer param replaces it
    params: tuple[ParamSpec, ...] = ()


@dataclass(frozen=True)
class SelfTestInfo:
    """The optional ``[selftest]`` table: fast ``params`` for ``lightbox selftest``,
    ``mask = true`` to get the sample's product mask as the selection, ``prepare`` =
    ``"module:function"`` that makes what the run needs in a scratch folder and returns
    params (a catalogue index of the bundled samples, say), or ``skip`` = why the self-test
    cannot run this plugin on a sample."""

    params: dict[str, Any] = field(default_factory=dict)
    mask: bool = False
    skip: str = ""
    prepare: str = ""


def load_entry(entry: str) -> Any:
    """The object a manifest's ``"module:name"`` entry names (``entry``, ``[training]
    entry``, ``[selftest] prepare``), imported on first use; import errors propagate."""
    module_name, _, attr = entry.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def validate_values(
    specs: tuple[ParamSpec, ...], values: Mapping[str, Any], owner: str
) -> dict[str, Any]:
    """``values`` completed with the defaults of ``specs`` and checked; unknown names fail."""
    names = {p.name for p in specs}
    unknown = [name for name in values if name not in names]
    if unknown:
        known = ", ".join(p.name for p in specs) or "none"
        raise ParamError(f"{owner} has no parameter {unknown[0]!r} (known: {known})")
    return {p.name: p.validate(values.get(p.name, p.default)) for p in specs}


def parse_pairs(specs: tuple[ParamSpec, ...], pairs: list[str], owner: str) -> dict[str, Any]:
    """Command-line ``key=value`` pairs parsed by ``specs`` and validated."""
    by_name = {p.name: p for p in specs}
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep:
            raise ParamError(f"expected key=value, got {pair!r}")
        if key not in by_name:
            known = ", ".join(by_name) or "none"
            raise ParamError(f"{owner} has no parameter {key!r} (known: {known})")
        values[key] = by_name[key].parse(text)
    return validate_values(specs, values, owner)


def load_manifest(path: Path) -> Manifest:
    """Read and check ``plugin.toml``; raises :class:`ManifestError` naming the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: no plugin.toml") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path}: {exc}") from None
    try:
        return _build(data, path.parent)
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError(f"{path}: {exc}") from None


def _build(data: dict[str, Any], folder: Path) -> Manifest:
    for key in ("id", "name", "version", "entry"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ValueError(f"'{key}' must be a non-empty string")
    if ":" not in data["entry"]:
        raise ValueError("'entry' must look like 'package.module:function'")
    caps = data.get("capabilities", {})
    unknown_caps = set(caps) - set(CAPABILITIES)
    if unknown_caps:
        raise ValueError(f"unknown capability {sorted(unknown_caps)[0]!r}")
    params = tuple(_param(raw) for raw in data.get("params", []))
    devices = tuple(data.get("devices", ("cpu", "cuda", "mps")))
    if not devices or not set(devices) <= {"cpu", "cuda", "mps"}:
        raise ValueError("'devices' must list some of cpu, cuda, mps")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise ValueError("two parameters share a name")
    training = _training(data.get("training"), "trainable" in caps and bool(caps["trainable"]))
    return Manifest(
        id=data["id"],
        name=data["name"],
        version=data["version"],
        entry=data["entry"],
        folder=folder,
        description=str(data.get("description", "")),
        params=params,
        capabilities=frozenset(k for k, v in caps.items() if v),
        weights=tuple(data.get("weights", [])),
        devices=devices,
        training=training,
        selftest=_selftest(data.get("selftest"), params),
    )


def _selftest(raw: Any, params: tuple[ParamSpec, ...]) -> SelfTestInfo:
    if raw is None:
        return SelfTestInfo()
    if not isinstance(raw, dict):
        raise ValueError("[selftest] must be a table")
    values = raw.get("params", {})
    if not isinstance(values, dict):
        raise ValueError("[selftest] params must be a table")
    try:
        validate_values(params, values, "[selftest] params")
    except ParamError as exc:
        raise ValueError(str(exc)) from None
    prepare = str(raw.get("prepare", ""))
    if prepare and ":" not in prepare:
        raise ValueError(f'[selftest] prepare must be "module:function", not {prepare!r}')
    return SelfTestInfo(params=dict(values), mask=bool(raw.get("mask", False)),
                        skip=str(raw.get("skip", "")), prepare=prepare)


DATASET_KINDS = ("images", "pairs", "classes", "detection", "two-folders")


def _training(raw: Any, trainable: bool) -> TrainingInfo | None:
    if raw is None:
        if trainable:
            raise ValueError("a trainable plugin needs a [training] table")
        return None
    if not isinstance(raw, dict):
        raise ValueError("[training] must be a table")
    entry = raw.get("entry")
    if not isinstance(entry, str) or ":" not in entry:
        raise ValueError("[training] entry must look like 'package.module:function'")
    if raw.get("dataset") not in DATASET_KINDS:
        raise ValueError(f"[training] dataset must be one of {', '.join(DATASET_KINDS)}")
    params = tuple(_param(p) for p in raw.get("params", []))
    return TrainingInfo(entry=entry, dataset=raw["dataset"], params=params)


def _param(raw: dict[str, Any]) -> ParamSpec:
    kind = raw.get("type")
    if kind not in PARAM_TYPES:
        raise ValueError(f"parameter {raw.get('name')!r}: type must be one of {PARAM_TYPES}")
    spec = ParamSpec(
        name=str(raw["name"]),
        type=kind,
        default=raw.get("default"),
        label=str(raw.get("label", "")),
        help=str(raw.get("help", "")),
        min=raw.get("min"),
        max=raw.get("max"),
        step=raw.get("step"),
        choices=tuple(raw.get("choices", ())),
        optional=bool(raw.get("optional", False)),
    )
    if kind == "choice" and not spec.choices:
        raise ValueError(f"parameter {spec.name!r}: a choice needs 'choices'")
    try:
        spec.validate(spec.default)
    except ParamError as exc:
        raise ValueError(f"default of {exc}") from None
    return spec
