"""What every benchmark shares: where the data is, the :class:`Report` that prints one line
per figure beside its baseline, timing, and a plugin context for running plugins headless.

Quality numbers come from :mod:`editor.training.metrics`, the project's one metrics module;
benchmarks never compute a metric themselves.
"""

from __future__ import annotations

import logging
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, TypeVar

from editor.tasks.api import Context, QuietContext, Request, Result
from editor.tasks.registry import PluginLoadError, Registry

#: the shared, read-only development data (see ../shared/data/README.md)
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
#: images per dataset under ``--quick``
QUICK_IMAGES = 3
#: digits after the point, by unit; "-" marks a dimensionless index such as SSIM
DIGITS = {"dB": 2, "-": 4, "ms": 1, "%": 1}
#: units where smaller is better: the difference is printed as "x<ratio> faster/slower"
TIME_UNITS = frozenset({"s/MP", "ms", "s"})

T = TypeVar("T")
PluginRun = Callable[[Request, Context], Result]


def _fmt(value: float, unit: str) -> str:
    if math.isinf(value) or math.isnan(value):
        return str(value)
    if unit == "s/MP":  # from 0.00123 (a resize) to 12.3 (a network on CPU)
        return f"{value:.3g}" if value >= 1e-4 else f"{value:.1e}"
    return f"{value:.{DIGITS.get(unit, 3)}f}"


def _ratio(r: float) -> str:
    return f"{r:.1f}" if r < 10 else f"{r:.0f}"


@dataclass(frozen=True)
class Figure:
    """One measured figure and the baseline it is measured against, in the same run.

    ``plugin`` names what produced the figure: a plugin id (``denoise``) or, for a
    classical method standing in until a plugin exists, ``<plugin>/<method>``
    (``upscale/bicubic``). Every name is a single token so that lines stay parseable.
    """

    plugin: str
    dataset: str
    setting: str
    metric: str
    value: float
    unit: str
    baseline: str
    baseline_value: float

    def __post_init__(self) -> None:
        for name in ("plugin", "dataset", "setting", "metric", "unit", "baseline"):
            token = getattr(self, name)
            if not token or any(c.isspace() for c in token):
                raise ValueError(f"figure {name} must be one token, got {token!r}")

    @property
    def difference(self) -> str:
        """``+6.48 dB`` for quality; ``x2.5 faster`` / ``x1.3 slower`` for time units."""
        a, b = self.value, self.baseline_value
        if self.unit in TIME_UNITS:
            if a <= 0 or b <= 0:
                return "n/a"
            return f"x{_ratio(b / a)} faster" if a <= b else f"x{_ratio(a / b)} slower"
        delta = a - b
        if math.isnan(delta):
            return "n/a"
        return f"{delta:+.{DIGITS.get(self.unit, 3)}f} {self.unit}"

    def columns(self) -> list[str]:
        """The line's parts, for the summary table."""
        return [
            self.plugin, self.dataset, self.setting, self.metric,
            f"{_fmt(self.value, self.unit)} {self.unit}",
            f"{self.baseline} {_fmt(self.baseline_value, self.unit)} {self.unit}",
            self.difference,
        ]

    def line(self) -> str:
        """``<plugin> <dataset> <setting> <metric> <value> <unit> | <baseline> <value>
        <unit> | <difference>``."""
        c = self.columns()
        return f"{' '.join(c[:5])} | {c[5]} | {c[6]}"


@dataclass
class Report:
    """Collects figures and prints each as soon as it is measured.

    A benchmark module receives one of these in ``run(report)``. ``quick`` asks for a
    smaller sample (see :meth:`limit`); ``data`` is the shared data folder.
    """

    data: Path = DATA
    quick: bool = False
    out: TextIO = field(default_factory=lambda: sys.stdout)
    figures: list[Figure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def figure(self, plugin: str, dataset: str, setting: str, metric: str, value: float,
               unit: str, baseline: str, baseline_value: float) -> Figure:
        """Record and print one figure beside its baseline (same unit for both)."""
        fig = Figure(plugin, dataset, setting, metric, float(value), unit, baseline,
                     float(baseline_value))
        self.figures.append(fig)
        self.print(fig.line())
        return fig

    def speed(self, plugin: str, dataset: str, setting: str, seconds: float,
              megapixels: float, baseline: str, baseline_seconds: float) -> Figure:
        """A throughput figure in seconds per megapixel; both timings cover the same pixels."""
        mp = max(megapixels, 1e-12)
        return self.figure(plugin, dataset, setting, "speed", seconds / mp, "s/MP", baseline,
                           baseline_seconds / mp)

    def skip(self, what: str, reason: str) -> None:
        """Say clearly that something was not measured, and why."""
        line = f"{what}: skipped, {reason}"
        self.skipped.append(line)
        self.print(line)

    def note(self, text: str) -> None:
        """A comment line (starts with ``#``), not a figure."""
        self.print(f"# {text}")

    def print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def limit(self, items: Sequence[T]) -> list[T]:
        """The items to measure: all of them, or the first few under ``--quick``."""
        return list(items[:QUICK_IMAGES] if self.quick else items)

    def folder(self, what: str, *parts: str) -> Path | None:
        """``data/<parts>`` if it exists; otherwise print a skip line for ``what`` and
        return None, so a benchmark can ``return`` cleanly without the shared data."""
        path = self.data.joinpath(*parts)
        if path.is_dir():
            return path
        self.skip(what, f"no data at {path}")
        return None

    def installed(self, plugin_id: str) -> bool:
        """Whether a plugin with this id is installed and not broken (nothing imported)."""
        return any(p.id == plugin_id for p in Registry.discover().available)

    def plugin_run(self, plugin_id: str) -> PluginRun | None:
        """The installed plugin's ``run`` function, loaded as the editor loads it; None with
        a skip line when it is not installed or cannot load (baselines still print)."""
        try:
            return Registry.discover().get(plugin_id).load_run()
        except (KeyError, PluginLoadError) as exc:
            reason = exc.args[0] if exc.args else type(exc).__name__
            self.skip(plugin_id, f"plugin unavailable ({reason}); baseline lines only")
            return None

    def summary(self) -> None:
        """The closing table: every figure in aligned columns, then what was skipped."""
        self.print("")
        self.print(f"# summary: {len(self.figures)} figures, {len(self.skipped)} skipped")
        header = ["plugin", "dataset", "setting", "metric", "value", "baseline", "difference"]
        rows = [header] + [f.columns() for f in self.figures]
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        for row in rows:
            self.print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        for line in self.skipped:
            self.print(f"# {line}")


def timed(fn: Callable[[], T], repeat: int = 1) -> tuple[T, float]:
    """Run ``fn`` ``repeat`` times; its last result and the fastest wall time in seconds."""
    best = math.inf
    out: T
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return out, best


class BenchContext(QuietContext):
    """The context benchmarks run plugins with: CPU, silent, never cancelled."""

    log = logging.getLogger("bench")
