"""Check marketplace compliance: the plugin's ``run``.

The report lists every violation of the chosen profile (rule, severity, message, box, fix).
With ``fix`` on, a fixed copy comes back as a new raster layer, checked again. The product
mask the checks used comes back as a mask layer, so the user sees what was taken for the
product. ``request.mask``, when given, is taken as the product mask (from a cutout).
"""

from __future__ import annotations

import cv2
import numpy as np

from editor.tasks.api import Context, OutputLayer, PluginError, Request, Result
from plugins.compliance.checks import check as check_image
from plugins.compliance.checks import inspect, passed
from plugins.compliance.facts import facts_for_pixels
from plugins.compliance.fixes import FixError, apply_fixes, verify
from plugins.compliance.profiles import ProfileError, load_profile


def run(request: Request, ctx: Context) -> Result:
    try:
        profile = load_profile(str(request.params.get("profile", "amazon-main")))
    except ProfileError as exc:
        raise PluginError(str(exc)) from None
    ctx.progress(0.05, "Looking for the product and for text")
    image = request.image
    facts = facts_for_pixels(image)
    inspection = inspect(image, request.mask)
    ctx.progress(0.5, f"Checking against {profile.title}")
    violations = check_image(image, facts, profile, request.mask, inspection=inspection)
    report = {"profile": profile.name, "passed": passed(violations),
              "violations": [v.as_dict() for v in violations]}
    h, w = image.shape[:2]
    product = cv2.resize(inspection.frame.product.astype(np.uint8) * 255, (w, h),
                         interpolation=cv2.INTER_LINEAR)
    layers = [OutputLayer("mask", "Product (as the check saw it)", product, role="product")]
    if request.params.get("fix"):
        ctx.progress(0.6, "Fixing")
        try:
            fixed = apply_fixes(image, facts, profile, violations, request.mask,
                                pad_edges=bool(request.params.get("pad_edges")))
        except FixError as exc:
            raise PluginError(f"cannot fix: {exc}") from None
        ctx.progress(0.85, "Checking the fixed photo again")
        remaining = verify(fixed, profile)
        report["fixed"] = {"applied": fixed.applied, "notes": fixed.notes,
                           "passed": passed(remaining),
                           "violations": [v.as_dict() for v in remaining]}
        layers.append(OutputLayer("raster", f"Fixed for {profile.title}", fixed.image,
                                  role="fixed"))
    ctx.progress(1.0, "Done")
    return Result(layers=layers, report=report)
