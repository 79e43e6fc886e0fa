"""The framing a marketplace profile asks for: its aspect ratio and product fill.

Reads the profile's TOML itself (``resources/profiles/<name>.toml``, or the user's copy in
``<data dir>/profiles/``, following ``inherits``), only the two rules it needs:
``[rules.aspect_ratio] ratio`` and ``[rules.fill_ratio] min``/``max``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from editor.paths import RESOURCES, user_data_dir
from editor.tasks.api import PluginError

#: a profile naming no aspect ratio is framed square, which every marketplace takes
DEFAULT_RATIO = "1:1"
#: how far above a profile's minimum fill the product is framed (rounding must not fail it)
FILL_MARGIN = 0.02


@dataclass(frozen=True)
class Framing:
    ratios: list[str]
    fill: float
    source: str


def framing(name: str, fill: float) -> Framing:
    """The ratios and the fill for profile ``name`` (``fill`` is kept when the profile
    allows it)."""
    rules = _rules(_find(name), ())
    ratio = rules.get("aspect_ratio", {}).get("ratio", DEFAULT_RATIO)
    fill_rule = rules.get("fill_ratio", {})
    low = float(fill_rule.get("min", 0.0))
    high = float(fill_rule.get("max", 1.0))
    if fill_rule.get("mode", "longest_side") == "longest_side" and not low <= fill <= high:
        fill = min(max(fill, low + FILL_MARGIN), high - FILL_MARGIN)
    return Framing([str(ratio)], fill, name)


def _find(name: str) -> Path:
    candidate = Path(name)
    if candidate.suffix == ".toml" and candidate.is_file():
        return candidate
    folders = [user_data_dir() / "profiles", RESOURCES / "profiles"]
    for folder in folders:
        if (folder / f"{name}.toml").is_file():
            return folder / f"{name}.toml"
    known = sorted({p.stem for f in folders if f.is_dir() for p in f.glob("*.toml")})
    raise PluginError(f"profile: unknown profile {name!r}; available: {', '.join(known)}")


def _rules(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    if path in chain:
        raise PluginError(f"profile: {path} inherits from itself")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PluginError(f"profile: cannot read {path} ({exc})") from None
    rules: dict[str, Any] = {}
    if data.get("inherits"):
        rules.update(_rules(_find(str(data["inherits"])), (*chain, path)))
    rules.update(data.get("rules", {}))
    return rules
