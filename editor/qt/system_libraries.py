"""Before Qt starts on Linux/X11: are the system libraries its xcb platform plugin loads
there? Without them Qt aborts the process (exit 134) with a hint naming only one of them;
this names every missing one and the command that installs them.

Plain ``ctypes``, no PySide6 import, so it runs before Qt can abort.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable

#: the shared libraries Qt 6's xcb platform plugin needs beyond a base system, and the
#: Debian/Ubuntu package of each (the names the README lists)
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def uses_xcb(environ: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether Qt will start its xcb (X11) platform plugin here."""
    env = os.environ if environ is None else environ
    if (platform or sys.platform) != "linux":
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    return not (env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland")


def missing_packages(loads: Callable[[str], bool] = _loads) -> list[str]:
    """The Debian packages of the xcb libraries that cannot be loaded, in README order."""
    return [package for library, package in XCB_LIBRARIES.items() if not loads(library)]


def startup_problem(environ: dict[str, str] | None = None,
                    loads: Callable[[str], bool] = _loads) -> str | None:
    """A message for the user when the editor cannot start on this system, else None."""
    if not uses_xcb(environ):
        return None
    missing = missing_packages(loads)
    if not missing:
        return None
    return ("the editor cannot open a window: Qt needs these system libraries, which are "
            f"missing: {', '.join(missing)}.\nOn Debian or Ubuntu install them with:\n"
            f"    sudo apt-get install {' '.join(missing)}\n"
            "(on other systems, the packages that provide the same libraries; the command "
            "line tools work without them)")
