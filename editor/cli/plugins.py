"""``lightbox plugins``: the installed plugins, their parameters and the devices."""

from __future__ import annotations

import argparse
from typing import TextIO

from editor.tasks.device import available_devices
from editor.tasks.manifest import ParamSpec
from editor.tasks.registry import Registry
from editor.training.run import training_params


def add_parsers(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("plugins", help="list installed plugins, their parameters and devices")


def cmd_plugins(registry: Registry, out: TextIO) -> int:
    """Print every plugin with its parameters (broken ones with the reason)."""
    print(f"devices: {', '.join(available_devices())}", file=out)
    for plugin in registry.plugins:
        if plugin.broken:
            print(f"\n{plugin.id}  BROKEN: {plugin.error}", file=out)
            continue
        m = plugin.manifest
        assert m is not None
        print(f"\n{m.id}  {m.name} {m.version}", file=out)
        if m.description:
            print(f"  {m.description}", file=out)
        for p in m.params:
            print(f"  -p {_describe_param(p)}", file=out)
        if m.training is not None:
            print(f"  trainable on {m.training.dataset} folders: "
                  f"lightbox train {m.id} DATA_DIR -o MODEL.pt", file=out)
            for p in training_params(m):
                print(f"    -p {_describe_param(p)}", file=out)
    return 0


def _describe_param(p: ParamSpec) -> str:
    limits = ""
    if p.choices:
        limits = f" one of {'|'.join(p.choices)}"
    elif p.min is not None or p.max is not None:
        limits = f" in [{_fmt(p.min)}, {_fmt(p.max)}]"
    default = "unset" if p.default is None else p.default
    return f"{p.name}=<{p.type}>{limits}  (default {default})  {p.help}"


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


COMMANDS = {"plugins": lambda ns, out, err: cmd_plugins(Registry.discover(), out)}
