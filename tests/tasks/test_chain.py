"""A plugin calling another through the registry: params validated, progress nested,
cancel passed on, a missing plugin named."""

import numpy as np
import pytest

from editor.tasks.api import Cancelled, PluginError, RecordingContext
from editor.tasks.chain import SpanContext, call_plugin, first_layer
from editor.tasks.registry import Registry


def test_call_plugin_runs_the_other_plugin_with_defaults_inside_the_callers_span(fake_plugins):
    ctx = RecordingContext()
    image = np.full((6, 5, 4), 10, np.uint8)
    result = call_plugin("fake", image, {"seconds": 0}, ctx, span=(0.5, 0.75),
                         plugins=Registry.discover())
    layer = first_layer(result, "raster")
    assert layer is not None and layer.data[0, 0, 0] == 245
    assert ctx.fractions and min(ctx.fractions) >= 0.5 and max(ctx.fractions) <= 0.75
    assert first_layer(result, "mask") is None


def test_call_plugin_names_a_missing_plugin_and_a_bad_param(fake_plugins):
    image = np.zeros((4, 4, 4), np.uint8)
    plugins = Registry.discover()
    with pytest.raises(PluginError, match="'nope' plugin is unavailable"):
        call_plugin("nope", image, {}, RecordingContext(), plugins=plugins)
    with pytest.raises(PluginError, match="fake:"):
        call_plugin("fake", image, {"steps": "many"}, RecordingContext(), plugins=plugins)


def test_the_callers_cancel_stops_the_called_plugin(fake_plugins):
    image = np.zeros((4, 4, 4), np.uint8)
    with pytest.raises(Cancelled):
        call_plugin("fake", image, {"seconds": 0, "steps": 10},
                    RecordingContext(cancel_after=2), plugins=Registry.discover())


def test_span_context_clamps_fractions():
    parent = RecordingContext()
    SpanContext(parent, 0.2, 0.4).progress(1.5)
    assert parent.fractions == [pytest.approx(0.4)]
