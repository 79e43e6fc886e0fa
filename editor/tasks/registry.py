"""Find installed plugins through the ``lightbox.plugins`` entry-point group.

Listing plugins reads their ``plugin.toml`` only: no plugin code (and so no torch) is
imported until a plugin first runs. A plugin that cannot be read or imported is kept in
the list as *broken*, with the reason, and the app goes on.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

from editor.tasks.api import Context, Request, Result
from editor.tasks.manifest import Manifest, ManifestError, load_entry, load_manifest

GROUP = "lightbox.plugins"
log = logging.getLogger(__name__)

RunFunction = Callable[[Request, Context], Result]


class PluginLoadError(Exception):
    """The plugin's code could not be imported or has no run function."""


@dataclass
class PluginInfo:
    id: str
    module: str
    manifest: Manifest | None = None
    error: str | None = None
    _run: RunFunction | None = field(default=None, repr=False)

    @property
    def broken(self) -> bool:
        return self.manifest is None or self.error is not None

    @property
    def name(self) -> str:
        return self.manifest.name if self.manifest else self.id

    def load_run(self) -> RunFunction:
        """Import the plugin's code on first use and return its ``run`` function."""
        if self._run is not None:
            return self._run
        if self.manifest is None:
            raise PluginLoadError(f"plugin {self.id!r} is broken: {self.error}")
        try:
            run = load_entry(self.manifest.entry)
        except Exception as exc:  # any import-time failure marks the plugin broken
            self.error = f"cannot load {self.manifest.entry}: {type(exc).__name__}: {exc}"
            raise PluginLoadError(f"plugin {self.id!r}: {self.error}") from exc
        if not callable(run):
            self.error = f"{self.manifest.entry} is not callable"
            raise PluginLoadError(f"plugin {self.id!r}: {self.error}")
        self._run = run
        return run


class Registry:
    def __init__(self, plugins: list[PluginInfo]) -> None:
        self._plugins = {p.id: p for p in plugins}

    @classmethod
    def discover(cls, group: str = GROUP) -> Registry:
        """Read the manifest of every plugin installed under the entry-point ``group``."""
        found: list[PluginInfo] = []
        for ep in entry_points(group=group):
            found.append(_describe(ep.name, ep.value))
        return cls(found)

    @property
    def plugins(self) -> list[PluginInfo]:
        """Every plugin, broken ones included, sorted by display name."""
        return sorted(self._plugins.values(), key=lambda p: p.name.lower())

    @property
    def available(self) -> list[PluginInfo]:
        return [p for p in self.plugins if not p.broken]

    def get(self, plugin_id: str) -> PluginInfo:
        try:
            return self._plugins[plugin_id]
        except KeyError:
            known = ", ".join(sorted(self._plugins)) or "none installed"
            raise KeyError(f"no plugin {plugin_id!r} (installed: {known})") from None


def _describe(name: str, module: str) -> PluginInfo:
    info = PluginInfo(id=name, module=module)
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError) as exc:
        spec = None
        info.error = f"cannot find package {module!r}: {exc}"
    if spec is None or not spec.submodule_search_locations:
        info.error = info.error or f"{module!r} is not an installed package"
        return info
    folder = Path(next(iter(spec.submodule_search_locations)))
    try:
        info.manifest = load_manifest(folder / "plugin.toml")
    except ManifestError as exc:
        info.error = str(exc)
        return info
    if info.manifest.id != name:
        info.error = f"entry point {name!r} does not match manifest id {info.manifest.id!r}"
    return info
