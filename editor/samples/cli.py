"""Write the bundled sample photos: ``python -m editor.samples OUTDIR [--size WxH]``."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from editor.samples.scene import KINDS, Sample, render_sample

SIZE = (1200, 900)
# Sensor noise of the bundled photos, lower than render_sample's default: noise is what PNG
# cannot compress, and at 0.5 grey levels the six photos stay under 6 MB yet gradients on the
# sweep still do not band.
NOISE_SIGMA = 0.5

README = """\
# Sample product photos

Synthetic product shots on a studio sweep, one per product kind, with their exact masks in
`masks/` (255 = product, 0 = backdrop, anti-aliased edge; shadows are not part of the mask).

They are generated, not photographed: `python -m editor.samples resources/samples` (or
`make samples`) renders them with `editor/samples/`, a small numpy/OpenCV renderer in this
repository, at {width}x{height}, seed 0, sensor noise {noise} grey levels. A test checks that
the files here are what the script renders, so edit the script and regenerate rather than
editing the images.

Licence: Apache-2.0, like the rest of Lightbox. No third-party content: no photographs,
logos, fonts or textures from elsewhere went into them.
"""


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1200x900, got {text!r}") from None
    if w < 1 or h < 1:
        raise argparse.ArgumentTypeError(f"size must be positive, got {text!r}")
    return w, h


def _write_png(path: Path, pixels: np.ndarray) -> None:
    """Write through a temporary file and rename, so a file is never left half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=path.parent)
    os.close(fd)
    try:
        Image.fromarray(pixels).save(tmp, format="PNG", optimize=True)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def bundled_sample(kind: str, size: tuple[int, int] = SIZE) -> Sample:
    """The sample photo of ``kind`` exactly as ``main`` writes it (tests compare the two)."""
    return render_sample(kind, size, background="sweep", seed=0, noise_sigma=NOISE_SIGMA)


def main(argv: list[str] | None = None) -> int:
    """Write ``OUTDIR/<kind>.png`` (on a sweep), ``OUTDIR/masks/<kind>.png`` and a README."""
    parser = argparse.ArgumentParser(prog="python -m editor.samples", description=__doc__)
    parser.add_argument("outdir", type=Path, help="folder to write the samples into")
    parser.add_argument("--size", type=_size, default=SIZE, help="WxH (default 1200x900)")
    args = parser.parse_args(argv)
    for kind in KINDS:
        sample = bundled_sample(kind, args.size)
        # The photo is opaque, so RGB is stored: the alpha channel would only add bytes.
        _write_png(args.outdir / f"{kind}.png", sample.image[..., :3])
        _write_png(args.outdir / "masks" / f"{kind}.png", sample.mask)
        print(args.outdir / f"{kind}.png")
    width, height = args.size
    readme = README.format(width=width, height=height, noise=NOISE_SIGMA)
    (args.outdir / "README.md").write_text(readme)
    return 0
