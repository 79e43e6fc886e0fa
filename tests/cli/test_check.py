"""`lightbox check`, as a merchant's script drives it: the JSON report format, the HTML and
CSV reports, exit codes, bad profiles and bad files, and fixing without touching inputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from editor.cli import main
from plugins.compliance import synth

PROFILES = ("amazon-main", "ebay", "walmart-main")


def run_cli(*args) -> int:
    return main(["check", *(str(a) for a in args)])


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """A compliant studio shot, a grey-background one and one with added text."""
    folder = tmp_path_factory.mktemp("shots")
    for name, violations in (("good", ()), ("grey", ("grey",)), ("text", ("text",))):
        case = synth.make_case(violations, 1000, 0, "bottle")
        (folder / f"{name}{case.suffix}").write_bytes(case.data)
    return folder


def test_the_json_report_has_exactly_the_documented_format(shots, tmp_path, capsys) -> None:
    report = tmp_path / "report.json"
    code = run_cli(shots / "good.jpg", shots / "grey.jpg", "--profile", "amazon-main",
                   "--json", report)
    assert code == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert set(data) == {"profile", "files"} and data["profile"] == "amazon-main"
    good, grey = data["files"]
    for entry in data["files"]:
        assert set(entry) == {"path", "passed", "violations"}
        for v in entry["violations"]:
            assert set(v) == {"rule", "severity", "message", "box", "fix"}
            assert v["box"] is None or (len(v["box"]) == 4 and all(isinstance(c, int)
                                                                   for c in v["box"]))
        assert entry["passed"] == (not any(v["severity"] == "error"
                                           for v in entry["violations"]))
    assert good["path"].endswith("good.jpg") and good["passed"] is True
    assert grey["passed"] is False
    white = [v for v in grey["violations"] if v["rule"] == "background_white"]
    assert white and white[0]["severity"] == "error" and white[0]["fix"] == "whiten_background"
    out = capsys.readouterr().out
    assert "good.jpg: passed" in out and "grey.jpg: FAILED" in out
    assert "1 passed, 1 failed" in out


def test_exit_code_is_zero_when_every_file_passes(shots, capsys) -> None:
    assert run_cli(shots / "good.jpg", "--profile", "amazon-main") == 0


def test_html_and_csv_reports_for_a_folder(shots, tmp_path, capsys) -> None:
    page, summary = tmp_path / "r.html", tmp_path / "s.csv"
    assert run_cli(shots, "--profile", "ebay", "--html", page, "--csv", summary) == 1
    html = page.read_text(encoding="utf-8")
    assert html.count("data:image/jpeg;base64,") == 3 and "text_overlay" in html
    rows = list(csv.DictReader(summary.open(encoding="utf-8")))
    assert [Path(r["path"]).name for r in rows] == ["good.jpg", "grey.jpg", "text.jpg"]
    assert {r["path"].split("/")[-1]: r["passed"] for r in rows}["text.jpg"] == "no"


def test_an_unknown_profile_lists_the_available_ones(shots, capsys) -> None:
    assert run_cli(shots / "good.jpg", "--profile", "amazn") == 2
    err = capsys.readouterr().err
    assert "unknown profile 'amazn'" in err
    assert all(name in err for name in PROFILES)


def test_a_broken_profile_names_its_line_and_key(shots, tmp_path, capsys) -> None:
    broken = tmp_path / "mine.toml"
    broken.write_text('inherits = "amazon-main"\n\n[rules.fill_ratio]\nmin = "most"\n',
                      encoding="utf-8")
    assert run_cli(shots / "good.jpg", "--profile", broken) == 2
    err = capsys.readouterr().err
    assert "mine.toml" in err and "line 4" in err and "rules.fill_ratio.min" in err


def test_a_corrupt_file_is_reported_and_the_batch_goes_on(shots, tmp_path, capsys) -> None:
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    report = tmp_path / "r.json"
    assert run_cli(bad, shots / "good.jpg", "--profile", "amazon-main", "--json", report) == 2
    captured = capsys.readouterr()
    assert "broken.jpg: unreadable" in captured.err
    assert "good.jpg: passed" in captured.out
    files = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert [f["passed"] for f in files] == [False, True]
    assert files[0]["violations"][0]["rule"] == "unreadable"


def test_fix_writes_passing_copies_and_never_touches_inputs(shots, tmp_path, capsys) -> None:
    before = {p.name: p.read_bytes() for p in shots.iterdir()}
    out = tmp_path / "fixed"
    assert run_cli(shots / "grey.jpg", shots / "good.jpg", "--profile", "amazon-main",
                   "--fix", "-o", out) == 1
    assert {p.name: p.read_bytes() for p in shots.iterdir()} == before
    assert [p.name for p in out.iterdir()] == ["grey.jpg"]  # only failing photos are fixed
    assert "passes" in capsys.readouterr().out
    assert run_cli(out / "grey.jpg", "--profile", "amazon-main") == 0


def test_fix_into_the_input_folder_is_refused_per_file(shots, tmp_path, capsys) -> None:
    grey = tmp_path / "grey.jpg"
    grey.write_bytes((shots / "grey.jpg").read_bytes())
    original = grey.read_bytes()
    run_cli(grey, "--profile", "amazon-main", "--fix", "-o", tmp_path)
    assert grey.read_bytes() == original
    assert "would overwrite an input" in capsys.readouterr().err


def test_a_fixed_copy_never_replaces_another_input_of_the_run(shots, tmp_path, capsys) -> None:
    from PIL import Image

    grey = tmp_path / "p.webp"
    Image.open(shots / "grey.jpg").save(grey)  # fixing converts it to p.jpg...
    other = tmp_path / "p.jpg"
    other.write_bytes((shots / "good.jpg").read_bytes())  # ...the name of another input
    original = other.read_bytes()
    run_cli(grey, other, "--profile", "amazon-main", "--fix", "-o", tmp_path)
    assert other.read_bytes() == original
    assert "would overwrite an input" in capsys.readouterr().err


def test_fix_needs_an_output_folder(shots, capsys) -> None:
    assert run_cli(shots / "grey.jpg", "--profile", "amazon-main", "--fix") == 2
    assert "-o OUTDIR" in capsys.readouterr().err


def test_pad_edges_pads_a_product_standing_on_the_bottom_edge(tmp_path, capsys) -> None:
    import numpy as np
    from PIL import Image

    from editor.model.imageio import load_image

    image = np.full((800, 800, 3), 255, np.uint8)
    image[240:800, 300:500] = (40, 90, 160)
    photo = tmp_path / "in" / "standing.png"
    photo.parent.mkdir()
    Image.fromarray(image).save(photo)
    plain, padded = tmp_path / "plain", tmp_path / "padded"
    assert run_cli(photo, "--profile", "amazon-main", "--fix", "-o", plain) == 1
    assert "still fail" in capsys.readouterr().out  # the cut stays reported without consent
    run_cli(photo, "--profile", "amazon-main", "--fix", "--pad-edges", "-o", padded)
    out = capsys.readouterr().out
    assert "still fail" not in out
    fixed = load_image(next(padded.iterdir())).pixels
    assert (fixed[-int(0.03 * fixed.shape[0]):, :, :3] >= 250).all()


def test_pad_edges_needs_fix(shots, capsys) -> None:
    assert run_cli(shots / "good.jpg", "--profile", "amazon-main", "--pad-edges") == 2
    assert "--pad-edges works with --fix" in capsys.readouterr().err
