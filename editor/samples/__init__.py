"""Synthetic product photos with exact ground truth: the bundled samples, test fixtures and
(later) composites for training the cutout network.

A small Qt-free renderer: products are built from smooth signed-distance shapes with
analytic anti-aliasing, shaded as glossy cylinders, printed cartons or padded leather, then
put on a backdrop with a contact shadow. Everything is seeded and deterministic.

``python -m editor.samples OUTDIR [--size WxH]`` writes one photo per kind on a studio sweep.
"""

from editor.samples.backgrounds import BACKGROUNDS
from editor.samples.cli import main
from editor.samples.scene import KINDS, Sample, render_product, render_sample

__all__ = ["BACKGROUNDS", "KINDS", "Sample", "main", "render_product", "render_sample"]
