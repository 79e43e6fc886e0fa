"""Batch recipes: replay the steps done on one photo across a catalogue (Qt-free).

- :mod:`editor.batch.recipe`: recipe TOML, validated against the plugins' manifests;
- :mod:`editor.batch.replay`: one photo through every step (what each step hands on);
- :mod:`editor.batch.engine`: planning, resuming, writing outputs; :func:`run_batch`;
- :mod:`editor.batch.local`: this process or N worker processes;
- :mod:`editor.batch.ray_engine`: Ray Data actors, locally or on a cluster;
- :mod:`editor.batch.report`: ``report.json`` and ``report.csv``.
"""

from editor.batch.engine import BatchError, BatchOptions, BatchResult, FileOutcome, run_batch
from editor.batch.recipe import Recipe, RecipeError, Step, load_recipe, parse_recipe

__all__ = ["BatchError", "BatchOptions", "BatchResult", "FileOutcome", "Recipe", "RecipeError",
           "Step", "load_recipe", "parse_recipe", "run_batch"]
