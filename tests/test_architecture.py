"""The rooms of the house: the model, tasks, training and plugins stay Qt-free, listing plugins
stays torch-free, and no file grows past what one can read in a sitting."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QT_FREE = ("editor/model", "editor/tasks", "editor/training", "editor/imaging", "editor/batch",
           "plugins")
MAX_LINES = 800


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter at the repository root (no modules preloaded)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def module_names(folder: str) -> list[str]:
    names = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def test_import_linter_contracts_hold() -> None:
    result = subprocess.run(
        [str(BIN / "lint-imports")], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_model_tasks_training_and_plugins_import_without_qt() -> None:
    modules = [name for folder in QT_FREE for name in module_names(folder)]
    assert "editor.model.history" in modules and "plugins.denoise.task" in modules
    result = run_python(f"""
        import importlib, json, sys
        for name in {modules!r}:
            importlib.import_module(name)
        qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
        print(json.dumps(qt))
    """)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == [], f"importing the Qt-free packages loaded {loaded}"


def test_listing_plugins_does_not_import_torch() -> None:
    result = run_python("""
        import json, sys
        from editor.tasks.registry import Registry
        registry = Registry.discover()
        ids = [p.id for p in registry.plugins]
        print(json.dumps({"ids": ids, "torch": "torch" in sys.modules,
                          "qt": "PySide6" in sys.modules}))
    """)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "denoise" in report["ids"], report  # otherwise the check below proves nothing
    assert not report["torch"], "Registry.discover() imported torch"
    assert not report["qt"], "Registry.discover() imported PySide6"


def test_no_python_file_is_longer_than_a_sitting() -> None:
    too_long = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in (".venv", ".git"):
            continue
        lines = len(path.read_text(encoding="utf-8", errors="replace").splitlines())
        if lines > MAX_LINES:
            too_long[str(relative)] = lines
    assert not too_long, f"split these by responsibility (limit {MAX_LINES} lines): {too_long}"
