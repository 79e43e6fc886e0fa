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


def test_a_folder_of_three_pairs_is_refused_with_a_clear_message(tinyseg, make_squares,
                                                                  tmp_path, capsys):
    data = make_squares(tmp_path / "data", count=3)
    code = main(["train", "tinyseg", str(data), "-o", str(tmp_path / "m.pt"), "--device", "cpu"])
    assert code == 1
    err = capsys.readouterr().err
    assert "only 3 usable image+mask pairs" in err and "allow_small=true" in err
    assert not (tmp_path / "m.pt").exists()


def test_a_second_model_without_use_is_stored_but_not_active_and_models_says_why(
        tinyseg, make_squares, tmp_path, capsys):
    data = make_squares(tmp_path / "data")
    args = ["-p", "epochs=2", "-p", "batch=4", "--device", "cpu"]
    assert main(["train", "tinyseg", str(data), "-o", str(tmp_path / "first.pt"), *args]) == 0
    assert "now uses the new model" in capsys.readouterr().out
    assert main(["train", "tinyseg", str(data), "-o", str(tmp_path / "second.pt"), *args]) == 0
    out = capsys.readouterr().out
    assert "on the same validation split" in out and "current model  iou" in out
    assert "tinyseg still uses" in out and "lightbox models --use" in out

    assert main(["models"]) == 0
    listing = capsys.readouterr().out
    active_lines = [line for line in listing.splitlines() if line.startswith("* tinyseg")]
    assert len(active_lines) == 1 and " first " in f" {active_lines[0]} "
    assert "first model trained for a plugin that had none" in listing

    stored_second = next(line.split()[0] for line in listing.splitlines()
                         if line.strip().endswith(")") and "second.pt" in line)
    assert main(["models", "--use", stored_second]) == 0
    assert main(["models"]) == 0
    listing = capsys.readouterr().out
    assert "chosen by the user" in listing
    active_lines = [line for line in listing.splitlines() if line.startswith("* tinyseg")]
    assert " second " in f" {active_lines[0]} "


def test_train_with_use_makes_the_new_model_active(tinyseg, make_squares, tmp_path, capsys):
    data = make_squares(tmp_path / "data")
    args = ["-p", "epochs=1", "-p", "batch=4", "--device", "cpu"]
    assert main(["train", "tinyseg", str(data), "-o", str(tmp_path / "a.pt"), *args]) == 0
    assert main(["train", "tinyseg", str(data), "-o", str(tmp_path / "b.pt"), *args,
                 "--use"]) == 0
    assert "tinyseg now uses the new model" in capsys.readouterr().out
    assert main(["models", "--use-default", "tinyseg"]) == 0
    assert "bundled default" in capsys.readouterr().out


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
