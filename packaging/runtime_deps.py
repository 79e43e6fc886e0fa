"""Print the runtime dependencies of pyproject.toml that the desktop bundle installs from
the package index, one per line: all but torch (installed first, as a CPU build) and
torchvision (no CPU build of it on the index; see packaging/README.md)."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

#: installed by build.sh on its own (torch) or left out of the bundle (torchvision)
SKIPPED = {"torch", "torchvision"}


def runtime_deps(pyproject: Path) -> list[str]:
    """The ``[project] dependencies`` of ``pyproject`` less :data:`SKIPPED`."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    return [d for d in deps if re.split(r"[<>=!~ \[;]", d, maxsplit=1)[0] not in SKIPPED]


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    sys.stdout.write("\n".join(runtime_deps(root / "pyproject.toml")) + "\n")
