"""Every rule fires on its own violation, and only then, on the generated test set; each
violation carries a severity, a readable message, a box inside the photo and its fix."""

from __future__ import annotations

import numpy as np
import pytest

from editor.model.imageio import decode_image
from plugins.compliance import synth
from plugins.compliance.checks import FIXES, RULES, Violation, check, passed
from plugins.compliance.facts import facts_for_pixels, facts_from_bytes
from plugins.compliance.profiles import load_profile

SIZE = 640


@pytest.fixture(scope="module")
def checked() -> dict[str, tuple[frozenset[str], list[Violation], tuple[int, int]]]:
    """The synthetic set at one size, checked once: name -> (expected, found, (h, w))."""
    profile = synth.synthetic_profile()
    out = {}
    for case in synth.cases((SIZE,)):
        pixels = decode_image(case.data, f"{case.name}{case.suffix}").pixels
        found = check(pixels, facts_from_bytes(case.data), profile)
        out[case.name] = (case.expected, found, pixels.shape[:2])
    return out


def _alone(checked, violation: str):
    return [v for k, v in checked.items() if k.startswith(f"{violation}-")]


def test_the_set_covers_every_rule(checked) -> None:
    covered = set().union(*(expected for expected, _, _ in checked.values()))
    assert covered == set(RULES)


def test_compliant_studio_shots_pass_every_rule(checked) -> None:
    compliant = [found for name, (_, found, _) in checked.items()
                 if name.startswith("compliant-")]
    assert len(compliant) == len(synth.KINDS)
    for found in compliant:
        assert found == []


@pytest.mark.parametrize("violation", synth.ALONE)
def test_each_rule_fires_on_its_own_violation_only(checked, violation: str) -> None:
    for expected, found, _ in _alone(checked, violation):
        assert {v.rule for v in found} == set(expected)


@pytest.mark.parametrize("combo", synth.COMBINED)
def test_combined_violations_are_all_found(checked, combo) -> None:
    cases = _alone(checked, "+".join(combo))
    assert cases
    for expected, found, _ in cases:
        assert {v.rule for v in found} == set(expected)


def test_violations_are_readable_and_located(checked) -> None:
    for _expected, found, (h, w) in checked.values():
        for v in found:
            assert v.severity in ("error", "warning", "info")
            assert len(v.message) > 20 and v.message.endswith(".")
            assert v.fix == FIXES[v.rule]
            if v.box is not None:
                x0, y0, x1, y1 = v.box
                assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, (v.rule, v.box)
        assert passed(found) == (not any(v.severity == "error" for v in found))


def test_pixel_rules_point_at_the_problem(checked) -> None:
    (_, found, (h, w)), = [v for k, v in checked.items() if k.startswith("small_product-")]
    box = next(v.box for v in found if v.rule == "fill_ratio")
    assert box[0] > 0.1 * w and box[2] < 0.9 * w  # the product, not the frame


def test_a_given_mask_replaces_the_estimate() -> None:
    case = synth.make_case((), SIZE, 0, "bottle")
    pixels = decode_image(case.data, "x.jpg").pixels
    profile = load_profile("amazon-main")
    facts = facts_for_pixels(pixels)
    assert not [v for v in check(pixels, facts, profile, case.mask) if v.severity == "error"]
    small = np.zeros_like(case.mask)
    small[300:340, 300:340] = 255
    rules = {v.rule for v in check(pixels, facts, profile, small)}
    assert "fill_ratio" in rules


def test_future_thresholds_warn_ahead_of_their_date() -> None:
    import datetime as dt

    pixels = np.full((300, 300, 4), 255, np.uint8)
    pixels[60:240, 100:200, :3] = 40
    profile = load_profile("google-merchant", today=dt.date(2026, 12, 1))
    found = check(pixels, facts_for_pixels(pixels), profile, today=dt.date(2026, 12, 1))
    size = [v for v in found if v.rule == "min_size" and v.message.startswith("From ")]
    assert len(size) == 1 and size[0].severity == "warning"
    assert "2027-01-31" in size[0].message and "500 x 500" in size[0].message


def test_real_white_background_shots_raise_no_background_alarm(shared_data):
    """The 41 grocery shots on white: pale products (garlic) must not read as background."""
    from editor.model.imageio import load_image
    from plugins.compliance import checks, facts, profiles

    profile = profiles.load_profile("amazon-main")
    alarms = []
    for path in sorted((shared_data / "products-on-white").glob("*.jpg")):
        found = checks.check(load_image(path).pixels, facts.read_facts(path), profile)
        alarms += [path.name for v in found if v.rule == "background_white"]
    assert alarms == []
