"""One plugin calling another: through the registry and the plain-data contract, never by
importing the other plugin's modules (background runs ``segment`` for its mask, variants
run ``background``, a recipe runs them all).

    result = call_plugin("segment", image, {"output": "mask"}, ctx, span=(0.0, 0.4))

The called plugin's params are validated against its manifest (defaults filled in), its
progress fills ``span`` of the caller's bar, and the caller's cancel stops it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from editor.tasks.api import Context, OutputLayer, PluginError, Prompt, Request, Result
from editor.tasks.manifest import ParamError
from editor.tasks.registry import PluginLoadError, Registry

_registry: Registry | None = None


def registry() -> Registry:
    """The installed plugins, read once per process."""
    global _registry
    if _registry is None:
        _registry = Registry.discover()
    return _registry


def call_plugin(
    plugin_id: str, image: np.ndarray, params: dict[str, Any] | None, ctx: Context, *,
    mask: np.ndarray | None = None, prompts: list[Prompt] | None = None,
    span: tuple[float, float] = (0.0, 1.0), plugins: Registry | None = None,
) -> Result:
    """Run the installed plugin ``plugin_id`` on ``image`` inside the caller's job.

    Raises :class:`PluginError` when the plugin is missing or broken or the params are
    wrong (the message names the plugin), and lets the called plugin's own
    ``PluginError`` and ``Cancelled`` through unchanged.
    """
    try:
        plugin = (plugins or registry()).get(plugin_id)
        run = plugin.load_run()
    except (KeyError, PluginLoadError) as exc:
        raise PluginError(f"the {plugin_id!r} plugin is unavailable ({exc})") from None
    assert plugin.manifest is not None
    try:
        values = plugin.manifest.validate(dict(params or {}))
    except ParamError as exc:
        raise PluginError(f"{plugin_id}: {exc}") from None
    request = Request(image, values, mask=mask, prompts=list(prompts or []))
    return run(request, SpanContext(ctx, *span))


def first_layer(result: Result, kind: str, role: str | None = None) -> OutputLayer | None:
    """The first output layer of ``kind`` (and ``role``, when given), or None."""
    for layer in result.layers:
        if layer.kind == kind and (role is None or layer.role == role):
            return layer
    return None


class SpanContext:
    """A context whose progress fills ``lo``..``hi`` of the parent's bar; cancel and
    device are the parent's."""

    def __init__(self, parent: Context, lo: float = 0.0, hi: float = 1.0) -> None:
        self.parent, self.lo, self.hi = parent, lo, hi
        self.device, self.log = parent.device, parent.log

    def progress(self, fraction: float, message: str = "") -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        self.parent.progress(self.lo + (self.hi - self.lo) * fraction, message)

    def check_cancelled(self) -> None:
        self.parent.check_cancelled()
