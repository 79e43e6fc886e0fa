"""Where Lightbox keeps per-user files. ``LIGHTBOX_HOME`` overrides (tests use it)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
SAMPLES = RESOURCES / "samples"


def user_data_dir() -> Path:
    """Per-user data folder (settings, model store); created on first use."""
    override = os.environ.get("LIGHTBOX_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir("Lightbox", "Lightbox"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_path() -> Path:
    return user_data_dir() / "settings.ini"
