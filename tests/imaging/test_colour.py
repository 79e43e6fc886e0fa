"""Colour spaces agree with the CIE definitions and round-trip."""

import numpy as np
import pytest

from editor.imaging.colour import (
    delta_e76,
    hue_difference,
    lab_to_lch,
    lab_to_srgb,
    lch_to_lab,
    parse_hex_colour,
    srgb_to_lab,
)


def test_white_black_and_red_have_their_textbook_lab_values():
    lab = srgb_to_lab(np.array([[1, 1, 1], [0, 0, 0], [1, 0, 0]], np.float32))
    assert lab[0] == pytest.approx([100, 0, 0], abs=0.01)
    assert lab[1] == pytest.approx([0, 0, 0], abs=0.01)
    assert lab[2] == pytest.approx([53.24, 80.09, 67.20], abs=0.05)


def test_lab_and_lch_round_trip():
    rgb = np.random.default_rng(0).random((500, 3)).astype(np.float32)
    assert np.abs(lab_to_srgb(srgb_to_lab(rgb)) - rgb).max() < 1e-4
    lab = srgb_to_lab(rgb)
    assert np.abs(lch_to_lab(lab_to_lch(lab)) - lab).max() < 1e-3


def test_delta_e_and_hue_difference():
    assert delta_e76(np.array([50, 0, 0]), np.array([53, 4, 0])) == pytest.approx(5.0)
    assert hue_difference(np.float32(350), np.float32(10)) == pytest.approx(20)


def test_hex_colours_parse_and_bad_ones_say_how_to_write_them():
    assert parse_hex_colour("#1565c0") == (0x15, 0x65, 0xC0)
    assert parse_hex_colour("fff") == (255, 255, 255)
    with pytest.raises(ValueError, match="#RRGGBB"):
        parse_hex_colour("#12345g")
