"""Backdrop replacement (the ``background`` plugin's compositing, harmonise off): on
rendered product photos with exact masks (:mod:`editor.samples`, on sweep, gradient and
texture backdrops), and on the real white-background shots through its own cutout.

Figures, each beside a baseline measured in the same run:

- the share of the backdrop (outside the product and its shadow layer) within 3 levels of
  the requested colour, beside the input photo's share;
- the largest change inside the product (alpha 255), beside a plain alpha-over;
- the contact shadow's mean darkening of the floor just under the base, beside no shadow;
- how many ``background=white`` results pass the amazon-main ``background_white`` rule,
  beside the input photos;
- seconds for a 2000x2000 backdrop + contact shadow once the mask exists, beside a plain
  alpha-over of the product on the same colour.
"""

from __future__ import annotations

import numpy as np

from bench.common import BenchContext, Report, timed
from editor.imaging.composite import over, solid
from editor.imaging.shadows import footprint
from editor.model.imageio import IMAGE_SUFFIXES, load_image
from editor.samples import KINDS, render_sample
from editor.tasks.api import Request
from editor.tasks.registry import Registry

COLOUR = (0x33, 0x66, 0x99)
SCENES = ("sweep", "gradient", "texture")
SIZE = (480, 360)
TOLERANCE = 3


def run(report: Report) -> None:
    plugin = Registry.discover().get("background") if report.installed("background") else None
    if plugin is None or plugin.manifest is None:
        report.skip("background", "plugin unavailable")
        return
    go = plugin.load_run()
    cases = report.limit([(kind, scene, seed) for seed, kind in enumerate(KINDS)
                          for scene in SCENES])
    samples = [render_sample(kind, SIZE, background=scene, seed=seed)
               for kind, scene, seed in cases]
    report.note(f"background: {len(samples)} rendered photos {SIZE[0]}x{SIZE[1]} with exact "
                f"masks ({', '.join(SCENES)} backdrops)")
    _exact(report, plugin, go, samples)
    _shadow(report, plugin, go, samples)
    _white_rule(report, plugin, go, samples)
    _speed(report, plugin, go)


def _run(plugin, go, image: np.ndarray, mask: np.ndarray | None, **params):
    values = plugin.manifest.validate({"harmonise": "off", **params})
    return go(Request(image, values, mask=mask), BenchContext())


def _exact(report: Report, plugin, go, samples) -> None:
    shares, inputs, inside, naive = [], [], [], []
    hex_colour = "#" + "".join(f"{c:02x}" for c in COLOUR)
    for s in samples:
        result = _run(plugin, go, s.image, s.mask, background="colour", colour=hex_colour)
        final = result.layers[0].data[..., :3].astype(int)
        shadow = next(o for o in result.layers if o.role == "shadow").data[..., 3]
        outside = (s.mask == 0) & (shadow == 0)
        close = np.abs(final - COLOUR).max(axis=2) <= TOLERANCE
        shares.append(close[outside].mean())
        src_close = np.abs(s.image[..., :3].astype(int) - COLOUR).max(axis=2) <= TOLERANCE
        inputs.append(src_close[outside].mean())
        solid_alpha = s.mask == 255
        inside.append(np.abs(final[solid_alpha] - s.image[solid_alpha][:, :3]).max())
        top = s.image.copy()
        top[..., 3] = s.mask
        plain = over(top, solid(*s.mask.shape, COLOUR))[..., :3].astype(int)
        naive.append(np.abs(plain[solid_alpha] - s.image[solid_alpha][:, :3]).max())
    report.figure("background", "samples", "colour", "backdrop-within-3", 100 * np.mean(shares),
                  "%", "input-photo", 100 * np.mean(inputs))
    report.figure("background", "samples", "colour", "product-max-change",
                  float(np.max(inside)), "levels", "alpha-over", float(np.max(naive)))


def _shadow(report: Report, plugin, go, samples) -> None:
    ours, none = [], []
    for s in samples:
        fp = footprint(s.mask)
        if fp is None:
            continue
        band = (slice(fp.floor + 1, fp.floor + 1 + max(2, fp.height // 30)),
                slice(fp.x0 + (fp.x1 - fp.x0) // 6, fp.x1 - (fp.x1 - fp.x0) // 6))
        for shadow, into in (("contact", ours), ("none", none)):
            final = _run(plugin, go, s.image, s.mask, background="white", shadow=shadow,
                         layers="flat").layers[0].data
            floor = final[band][..., :3].astype(float)
            if floor.size:
                into.append(255.0 - floor.mean())
    report.figure("background", "samples", "white-contact", "floor-darkening",
                  float(np.mean(ours)), "levels", "no-shadow", float(np.mean(none)))


def _amazon(image: np.ndarray) -> bool:
    from plugins.compliance.checks import check
    from plugins.compliance.facts import facts_for_pixels
    from plugins.compliance.profiles import load_profile

    profile = load_profile("amazon-main")
    rule = type(profile)(profile.name, profile.title,
                         {"background_white": profile.rules["background_white"]})
    return not check(image, facts_for_pixels(image), rule)


def _white_rule(report: Report, plugin, go, samples) -> None:
    passed = [_amazon(_run(plugin, go, s.image, s.mask, background="white",
                           layers="flat").layers[0].data) for s in samples]
    before = [_amazon(s.image) for s in samples]
    report.figure("background", "samples", "white", "amazon-background-pass",
                  100 * np.mean(passed), "%", "input-photo", 100 * np.mean(before))
    folder = report.folder("background products-on-white", "products-on-white")
    if folder is None:
        return
    files = report.limit(sorted(p for p in folder.iterdir()
                                if p.suffix.lower() in IMAGE_SUFFIXES))
    ours, inputs, failed = [], [], 0
    for path in files:
        pixels = load_image(path).pixels
        inputs.append(_amazon(pixels))
        try:  # no mask: the plugin cuts the product out itself
            final = _run(plugin, go, pixels, None, background="white",
                         layers="flat").layers[0].data
        except Exception as exc:  # noqa: BLE001 - a shot with no product counts as a fail
            report.note(f"background: {path.name}: {exc}")
            failed += 1
            ours.append(False)
            continue
        ours.append(_amazon(final))
    report.figure("background", "products-on-white", "white-segment", "amazon-background-pass",
                  100 * np.mean(ours), "%", "input-photo", 100 * np.mean(inputs))


def _speed(report: Report, plugin, go) -> None:
    s = render_sample("bottle", (2000, 2000), background="sweep", seed=0)
    request = Request(s.image, plugin.manifest.validate(
        {"harmonise": "off", "background": "white", "shadow": "contact", "layers": "flat"}),
        mask=s.mask)
    go(request, BenchContext())  # warm up
    _, ours = timed(lambda: go(request, BenchContext()), repeat=3)
    both = Request(s.image, {**request.params, "layers": "both"}, mask=s.mask)
    _, stacked = timed(lambda: go(both, BenchContext()), repeat=3)
    top = s.image.copy()
    top[..., 3] = s.mask
    _, plain = timed(lambda: over(top, solid(2000, 2000, (255, 255, 255))), repeat=3)
    report.figure("background", "2000x2000", "white-contact-flat", "time", ours, "s",
                  "alpha-over", plain)
    report.figure("background", "2000x2000", "white-contact-layers", "time", stacked, "s",
                  "alpha-over", plain)
