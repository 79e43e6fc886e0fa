"""`lightbox train` and `lightbox models` as a user runs them."""

import pytest

from editor.cli import main


def test_train_reports_the_folder_trains_and_lists_the_model(tinyseg, make_squares, tmp_path,
                                                             capsys):
    data = make_squares(tmp_path / "data", broken=True)
    out = tmp_path / "models" / "squares.pt"
    code = main(["train", "tinyseg", str(data), "-o", str(out), "-p", "epochs=2",
                 "-p", "batch=4", "--device", "cpu"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "image+mask pairs" in captured.out and "12" in captured.out
    assert "small.png" in captured.err  # the mask of another size is skipped by name
    assert "epoch 1/2" in captured.out and "epoch 2/2" in captured.out
    assert f"saved {out}" in captured.out
    assert out.exists()

    assert main(["models"]) == 0
    listing = capsys.readouterr().out
    assert "tinyseg" in listing and "squares" in listing and "*" in listing


def test_scan_only_reports_without_training(tinyseg, make_squares, tmp_path, capsys):
    data = make_squares(tmp_path / "data")
    code = main(["train", "tinyseg", str(data), "-o", str(tmp_path / "m.pt"), "--scan-only"])
    assert code == 0
    assert not (tmp_path / "m.pt").exists()
    assert "12" in capsys.readouterr().out


def test_train_refuses_what_cannot_work(tinyseg, fake_plugins, make_squares, tmp_path, capsys):
    data = make_squares(tmp_path / "data")
    assert main(["train", "fake", str(data), "-o", str(tmp_path / "m.pt")]) == 2
    assert "cannot be trained" in capsys.readouterr().err
    assert main(["train", "tinyseg", str(data), "-o", str(tmp_path / "m.pt"),
                 "-p", "epochs=0"]) == 2
    assert "below the minimum" in capsys.readouterr().err
    assert main(["train", "tinyseg", str(tmp_path / "nowhere"), "-o",
                 str(tmp_path / "m.pt")]) == 1
    assert "nowhere" in capsys.readouterr().err
    assert main(["train", "tinyseg", str(data), "-o", str(tmp_path / "m.onnx")]) == 2
    assert "ends in .pt" in capsys.readouterr().err


def test_models_with_an_empty_store(capsys):
    assert main(["models"]) == 0
    assert "no trained models yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kind", "folder", "expected"),
    [
        ("detection", "detection/freiburg", ["YOLO", "2000"]),
        ("pairs", "segmentation/sod-dev", ["image+mask pairs", "turned a quarter turn"]),
        ("classes", "groceries/train", ["class folders", "81"]),
        ("images", "restoration/train-bsds400", ["400"]),
    ],
)
def test_train_reports_what_each_shared_folder_holds(
    tinyseg, shared_data, tmp_path, capsys, kind, folder, expected
):
    manifest = tinyseg / "lightbox_tinyseg" / "plugin.toml"
    manifest.write_text(manifest.read_text().replace('dataset = "pairs"', f'dataset = "{kind}"'))
    code = main(["train", "tinyseg", str(shared_data / folder), "-o", str(tmp_path / "m.pt"),
                 "--scan-only"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    text = (captured.out + captured.err).replace(",", "")
    for needle in expected:
        assert needle in text
