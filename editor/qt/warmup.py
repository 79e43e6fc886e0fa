"""Load the heavy parts (torch, the plugin the user will run first) on a background thread
while the window opens, so the first job does not freeze the window when it starts.

The first ``import torch`` in a process holds the interpreter for a second or more; done
here, it happens while the editor is starting instead of under the user's first click.
A plugin's task module may define ``warm_up()`` to load its model too (``segment`` does).
Plain ``threading``, no Qt objects: it may outlive any window.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Iterable

from editor.tasks.registry import PluginInfo

log = logging.getLogger("lightbox.warmup")
_started = threading.Event()
_thread: threading.Thread | None = None


def running() -> bool:
    """Whether the warm-up is still loading."""
    return _thread is not None and _thread.is_alive()


def warm_up(plugins: Iterable[PluginInfo]) -> threading.Thread | None:
    """Start loading torch and ``plugins``' code in the background, once per process.
    Returns the thread (None when a warm-up already ran)."""
    global _thread
    if _started.is_set():
        return None
    _started.set()
    chosen = [p for p in plugins if not p.broken]
    thread = threading.Thread(target=_load, args=(chosen,), name="lightbox-warmup",
                              daemon=True)
    thread.start()
    _thread = thread
    return thread


def _load(plugins: list[PluginInfo]) -> None:
    try:
        import torch  # noqa: F401 - the import is the point
    except ImportError:  # plugins say what they need when they run
        log.info("warm-up: torch is not installed")
    for plugin in plugins:
        try:
            plugin.load_run()
            # a plugin's task module may offer ``warm_up()``: load its model now
            assert plugin.manifest is not None
            module = importlib.import_module(plugin.manifest.entry.partition(":")[0])
            hook = getattr(module, "warm_up", None)
            if callable(hook):
                hook()
        except Exception as exc:  # a broken plugin is reported when the user runs it
            log.info("warm-up: %s did not load: %s", plugin.id, exc)
