"""``make bench`` as a developer runs it: one parseable line per figure beside its baseline,
clear skip lines without the shared data, and a summary table at the end."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

NUMBER = r"(?:-?\d+(?:\.\d+)?(?:e[+-]\d+)?|inf|nan)"
LINE = re.compile(
    rf"^(?P<plugin>\S+) (?P<dataset>\S+) (?P<setting>\S+) (?P<metric>\S+) "
    rf"(?P<value>{NUMBER}) (?P<unit>\S+) \| (?P<baseline>\S+) (?P<base_value>{NUMBER}) "
    rf"(?P<base_unit>\S+) \| (?P<difference>[+-]{NUMBER} \S+|x\d+(?:\.\d)? (?:faster|slower)|n/a)$"
)


@pytest.fixture
def bench_main(monkeypatch):
    """``bench.__main__.main``, importable from the repository root like ``python -m bench``."""
    monkeypatch.syspath_prepend(str(ROOT))
    return importlib.import_module("bench.__main__").main


def figure_lines(out: str) -> list[re.Match[str]]:
    """The figure lines printed before the summary, each checked against the format."""
    body = out.split("# summary:")[0]
    matches = []
    for line in body.splitlines():
        if not line or line.startswith("#") or ": skipped, " in line:
            continue
        match = LINE.match(line)
        assert match, f"badly formatted figure line: {line!r}"
        assert match["unit"] == match["base_unit"], line
        matches.append(match)
    return matches


def test_quick_editor_speed_prints_figures_and_a_summary(bench_main, capsys) -> None:
    assert bench_main(["--quick", "--only", "editor_speed"]) == 0
    out = capsys.readouterr().out
    figures = figure_lines(out)
    assert [f["setting"] for f in figures] == ["two-layers", "stroke-rect-256"]
    assert all(f["plugin"] == "editor" and f["unit"] == "ms" for f in figures)
    assert "# summary: 2 figures, 0 skipped" in out
    summary = out.split("# summary:")[1]
    assert "stroke-rect-256" in summary and "whole-image" in summary


def test_benchmarks_needing_data_skip_with_a_clear_line(bench_main, tmp_path, capsys) -> None:
    missing = tmp_path / "no-data"
    code = bench_main(["--quick", "--data", str(missing),
                       "--only", "denoise", "--only", "upscale"])
    assert code == 0
    out = capsys.readouterr().out
    assert f"denoise: skipped, no data at {missing}" in out
    assert f"upscale: skipped, no data at {missing}" in out
    assert figure_lines(out) == []


def test_unknown_benchmark_name_is_an_error(bench_main, capsys) -> None:
    assert bench_main(["--only", "no_such_bench"]) == 2
    assert "no benchmark named no_such_bench" in capsys.readouterr().err


def test_upscale_baseline_lines_print_without_the_plugin(
    bench_main, shared_data, monkeypatch, capsys
) -> None:
    from editor.tasks.registry import Registry

    common = importlib.import_module("bench.common")
    monkeypatch.setattr(common.Registry, "discover", classmethod(lambda cls: Registry([])))
    assert bench_main(["--quick", "--data", str(shared_data), "--only", "upscale"]) == 0
    figures = {(f["dataset"], f["setting"], f["metric"]): f
               for f in figure_lines(capsys.readouterr().out)}
    for dataset in ("Set5", "Set14"):
        for scale in ("x2", "x3", "x4"):
            psnr = figures[(dataset, scale, "psnr-y")]
            assert psnr["plugin"] == "upscale/bicubic" and psnr["baseline"] == "nearest"
            assert float(psnr["value"]) > float(psnr["base_value"])  # bicubic beats nearest
            assert figures[(dataset, scale, "speed")]["unit"] == "s/MP"
            assert 0 < float(figures[(dataset, scale, "ssim-y")]["value"]) <= 1


def test_denoise_baseline_lines_print_without_the_plugin(
    bench_main, shared_data, monkeypatch, capsys
) -> None:
    from editor.tasks.registry import Registry

    common = importlib.import_module("bench.common")
    monkeypatch.setattr(common.Registry, "discover", classmethod(lambda cls: Registry([])))
    assert bench_main(["--quick", "--data", str(shared_data), "--only", "denoise"]) == 0
    out = capsys.readouterr().out
    assert "denoise: skipped, plugin unavailable" in out
    figures = figure_lines(out)
    assert {f["dataset"] for f in figures} == {"Kodak24", "McMaster"}
    for f in figures:
        assert f["plugin"] == "denoise/nlmeans-known-sigma" and f["baseline"] == "noisy"
        assert float(f["value"]) > float(f["base_value"])  # denoising beats doing nothing
