"""The compliance rules: each rule id measures one thing and, when the profile's threshold
is broken, gives a :class:`Violation` a merchant can read, with where it is and its fix.

:func:`check` is the one entry point (the CLI, the plugin and the editor's panel call it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from plugins.compliance import measure
from plugins.compliance.cutout import needs_cutout, product_mask
from plugins.compliance.facts import FileFacts
from plugins.compliance.product import Frame, analyse
from plugins.compliance.profiles import LEARNED_PREFIX, Profile, Rule
from plugins.compliance.text import TextBox, TextDetectorUnavailable, detect_text

#: which fix cures which rule (None: needs a reshoot or manual work). ``pad_edges`` (white
#: space where the product meets the frame) is only made when asked for: a product cut off
#: by the frame looks whole once padded, so "Fix all" and ``--fix`` leave it to the user
FIXES: dict[str, str | None] = {
    "format": "convert_format", "file_size": "reencode", "min_size": "resize",
    "max_size": "resize", "aspect_ratio": "pad_to_aspect", "color_mode": "convert_color",
    "transparency": "flatten_transparency", "background_white": "whiten_background",
    "fill_ratio": "scale_to_fill", "product_cropped": "pad_edges", "border": "remove_border",
    "text_overlay": None, "watermark": None, "collage": None, "blur": None,
}
TEXT_RULES = frozenset({"text_overlay", "watermark"})


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``box`` is ``[x0, y0, x1, y1]`` in image pixels or None when the
    whole file is concerned; ``fix`` is the fix id that cures it, or None."""

    rule: str
    severity: str
    message: str
    box: list[int] | None = None
    fix: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The violation as the JSON report writes it."""
        return {"rule": self.rule, "severity": self.severity, "message": self.message,
                "box": self.box, "fix": self.fix}


@dataclass
class Inspection:
    """What the pixel rules share: the analysed frame and the text found in the image."""

    image: np.ndarray
    frame: Frame
    text: list[TextBox] = field(default_factory=list)
    text_error: str = ""
    #: the product mask the rules used when it came from a cutout (uint8, image size): the
    #: given one, or the cutout run on a busy backdrop; None when the flood estimated it
    mask: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.image.shape[0], self.image.shape[1]


def passed(violations: list[Violation]) -> bool:
    """A file passes exactly when none of its violations is an error."""
    return not any(v.severity == "error" for v in violations)


def inspect(image: np.ndarray, mask: np.ndarray | None = None, text: bool = True,
            cutout: bool = True) -> Inspection:
    """Analyse an RGBA image once for every pixel rule (``text=False`` skips the detector).

    On a busy (off-white) backdrop with no mask given, the cutout finds the product
    (``cutout=False`` keeps to the backdrop flood, e.g. for a baseline)."""
    if mask is None and cutout and needs_cutout(image):
        mask = product_mask(image)
    found: list[TextBox] = []
    error = ""
    if text:
        try:
            found = detect_text(image[..., :3])
        except TextDetectorUnavailable as exc:
            error = str(exc)
    frame = analyse(image, mask, [t.box for t in found])
    return Inspection(image, frame, found, error, mask)


def check(image: np.ndarray, facts: FileFacts, profile: Profile,
          mask: np.ndarray | None = None, *, today: dt.date | None = None,
          inspection: Inspection | None = None) -> list[Violation]:
    """Every violation of ``profile`` in an RGBA image whose file has ``facts``.

    ``mask`` is the product mask when a cutout made one (else it is estimated). Rules whose
    thresholds change on a future date are also checked with the new values, and a break of
    those is reported as a warning that says from when.
    """
    today = today or dt.date.today()
    if inspection is None:
        wants_text = any(r in profile.rules for r in TEXT_RULES)
        inspection = inspect(image, mask, text=wants_text)
    found: list[Violation] = []
    for rule in profile.rules.values():
        measure_rule = _learned if rule.id.startswith(LEARNED_PREFIX) else RULES[rule.id]
        found.extend(measure_rule(rule, rule.params, facts, inspection))
        if rule.upcoming and rule.upcoming_date and rule.upcoming_date > today:
            later = {**rule.params, **rule.upcoming}
            for v in measure_rule(rule, later, facts, inspection):
                if v not in found:
                    found.append(replace(v, severity="warning",
                                         message=f"From {rule.upcoming_date}: {v.message}"))
    return found


Measure = Callable[[Rule, dict[str, Any], FileFacts, Inspection], list[Violation]]


def _v(rule: Rule, message: str, box: list[int] | None = None,
       severity: str | None = None) -> list[Violation]:
    return [Violation(rule.id, severity or rule.severity, message, box, FIXES[rule.id])]


def _format(rule: Rule, p: dict, facts: FileFacts, _: Inspection) -> list[Violation]:
    allowed = [a.lower() for a in p.get("allowed", [])]
    if not facts.format:
        return []
    if facts.format not in allowed:
        return _v(rule, f"{facts.format.upper()} files are not accepted; save as "
                        f"{' or '.join(a.upper() for a in allowed[:3])}.")
    if facts.frames > 1:
        return _v(rule, f"Animated images ({facts.frames} frames) are not accepted; "
                        "save a single still image.")
    return []


def _file_size(rule: Rule, p: dict, facts: FileFacts, _: Inspection) -> list[Violation]:
    limit = float(p.get("max_mb", 0)) * 1_000_000
    if facts.byte_size and limit and facts.byte_size > limit:
        return _v(rule, f"The file is {facts.byte_size / 1e6:.1f} MB; the limit is "
                        f"{limit / 1e6:g} MB.")
    return []


def _min_size(rule: Rule, p: dict, _: FileFacts, ins: Inspection) -> list[Violation]:
    h, w = ins.shape
    need = []
    if w < p.get("min_width", 0) or h < p.get("min_height", 0):
        need.append(f"at least {p.get('min_width', 0)} x {p.get('min_height', 0)} px")
    if max(w, h) < p.get("min_longest", 0):
        need.append(f"at least {p['min_longest']} px on the longest side")
    if need:
        return _v(rule, f"The photo is {w} x {h} px; it must be {' and '.join(need)}.")
    if max(w, h) < p.get("recommended_longest", 0):
        return _v(rule, f"The photo is {w} x {h} px; {p['recommended_longest']} px on the "
                        "longest side is recommended (enables zoom).", severity="warning")
    return []


def _max_size(rule: Rule, p: dict, _: FileFacts, ins: Inspection) -> list[Violation]:
    h, w = ins.shape
    too_big = (max(w, h) > p.get("max_longest", 10**9) or w > p.get("max_width", 10**9)
               or h > p.get("max_height", 10**9) or w * h > p.get("max_megapixels", 1e9) * 1e6)
    if too_big:
        return _v(rule, f"The photo is {w} x {h} px ({w * h / 1e6:.1f} MP), larger than "
                        "the marketplace accepts.")
    return []


def _aspect(rule: Rule, p: dict, _: FileFacts, ins: Inspection) -> list[Violation]:
    h, w = ins.shape
    target = measure.ratio(p.get("ratio", "1:1"))
    actual = w / h
    if abs(actual / target - 1) > p.get("tolerance", 0.01):
        return _v(rule, f"The photo's shape is {w}:{h} ({actual:.2f}); the marketplace wants "
                        f"{p.get('ratio', '1:1')} (width:height).")
    return []


def _color_mode(rule: Rule, p: dict, facts: FileFacts, _: Inspection) -> list[Violation]:
    problems = []
    mode = "RGB" if facts.mode in ("RGB", "RGBA", "P", "PA", "L", "LA", "1", "RGBX") else \
        facts.mode
    if mode.startswith("I"):
        mode = "RGB"
    if mode not in p.get("modes", ["RGB"]):
        problems.append(f"it is {facts.mode}, not {' or '.join(p.get('modes', ['RGB']))}")
    if facts.bit_depth > p.get("max_bit_depth", 8):
        problems.append(f"it has {facts.bit_depth} bits per channel, not 8")
    if p.get("srgb", False) and not facts.icc_is_srgb:
        problems.append(f"its colour profile is {facts.icc!r}, not sRGB")
    if problems:
        return _v(rule, f"Colour format: {'; '.join(problems)}. Convert to 8-bit sRGB.")
    return []


def _transparency(rule: Rule, _: dict, __: FileFacts, ins: Inspection) -> list[Violation]:
    clear = ins.image[..., 3] < 255
    if not clear.any():
        return []
    box = measure.box_of(clear)
    return _v(rule, f"{clear.mean():.0%} of the photo is transparent; marketplaces may show "
                    "it black. Flatten it onto white.", box)


def _learned(rule: Rule, p: dict, _: FileFacts, ins: Inspection) -> list[Violation]:
    """A ``learned_<name>`` rule: the reject score of a model trained by the photo_rule
    plugin. A model that cannot be used is reported as a warning, so a batch goes on."""
    from editor.training.backbones import WeightsUnavailable
    from editor.training.store import ModelError
    from plugins.photo_rule.model import load_rule

    try:
        score = load_rule(p["model"]).score(ins.image)
    except (ModelError, WeightsUnavailable) as exc:
        return [Violation(rule.id, "warning", f"The learned rule could not run: {exc}")]
    if score >= float(p.get("threshold", 0.5)):
        return [Violation(rule.id, rule.severity,
                          f"Looks like photos you marked as rejected (score {score:.2f})")]
    return []


RULES: dict[str, Measure] = {
    "format": _format, "file_size": _file_size, "min_size": _min_size, "max_size": _max_size,
    "aspect_ratio": _aspect, "color_mode": _color_mode, "transparency": _transparency,
    "background_white": lambda r, p, f, i: measure.background_white(r, p, i, _v),
    "fill_ratio": lambda r, p, f, i: measure.fill_ratio(r, p, i, _v),
    "product_cropped": lambda r, p, f, i: measure.product_cropped(r, p, i, _v),
    "border": lambda r, p, f, i: measure.border(r, p, i, _v),
    "text_overlay": lambda r, p, f, i: measure.text_overlay(r, p, i, _v),
    "watermark": lambda r, p, f, i: measure.watermark(r, p, i, _v),
    "collage": lambda r, p, f, i: measure.collage(r, p, i, _v),
    "blur": lambda r, p, f, i: measure.blur(r, p, i, _v),
}
