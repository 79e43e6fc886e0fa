"""The image loader turns every photo into sRGB RGBA, or says clearly why it cannot."""

from __future__ import annotations

import builtins
import io
import os
import struct
import time
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageCms

from editor.model.imageio import (
    IMAGE_SUFFIXES,
    MAX_PIXELS,
    ImageFileError,
    decode_image,
    iter_image_files,
    load_image,
    save_image,
    save_mask,
)


def photo(width: int = 64, height: int = 48, alpha: bool = True) -> np.ndarray:
    """A smooth RGBA test picture (smooth so lossy formats stay close)."""
    y, x = np.mgrid[0:height, 0:width]
    out = np.empty((height, width, 4), np.uint8)
    out[..., 0] = x * 255 // max(width - 1, 1)
    out[..., 1] = y * 255 // max(height - 1, 1)
    out[..., 2] = 128
    out[..., 3] = (x * 4) % 256 if alpha else 255
    return out


def refused(path: Path) -> str:
    """Load ``path`` expecting a refusal; check it names the file, return the reason."""
    with pytest.raises(ImageFileError) as info:
        load_image(path)
    assert info.value.path == path
    assert str(info.value) == f"{path}: {info.value.reason}"
    return info.value.reason


# -- formats -----------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".png", ".tif", ".tiff"])
def test_lossless_formats_round_trip_with_transparency(tmp_path: Path, suffix: str) -> None:
    pixels = photo()
    save_image(tmp_path / f"p{suffix}", pixels)
    loaded = load_image(tmp_path / f"p{suffix}")
    np.testing.assert_array_equal(loaded.pixels, pixels)
    assert loaded.notices == []
    assert loaded.pixels.flags.writeable  # brushes paint straight into layer pixels


def test_lossless_webp_round_trips_exactly(tmp_path: Path) -> None:
    pixels = photo()
    save_image(tmp_path / "p.webp", pixels, quality=100)
    loaded = load_image(tmp_path / "p.webp")
    assert loaded.format == "WEBP"
    np.testing.assert_array_equal(loaded.pixels, pixels)


def test_lossy_webp_keeps_transparency(tmp_path: Path) -> None:
    pixels = photo()
    save_image(tmp_path / "p.webp", pixels, quality=90)
    loaded = load_image(tmp_path / "p.webp")
    assert np.abs(loaded.pixels[..., 3].astype(int) - pixels[..., 3]).max() <= 2


def test_bmp_round_trips_opaque_pictures(tmp_path: Path) -> None:
    pixels = photo(alpha=False)
    save_image(tmp_path / "p.bmp", pixels)
    np.testing.assert_array_equal(load_image(tmp_path / "p.bmp").pixels, pixels)


@pytest.mark.parametrize("suffix", [".jpg", ".jpeg"])
def test_jpeg_round_trips_closely(tmp_path: Path, suffix: str) -> None:
    pixels = photo(alpha=False)
    save_image(tmp_path / f"p{suffix}", pixels, quality=95)
    loaded = load_image(tmp_path / f"p{suffix}")
    assert loaded.format == "JPEG" and loaded.size == (64, 48)
    assert np.abs(loaded.pixels.astype(int) - pixels).mean() < 2


def test_jpeg_and_bmp_are_flattened_onto_the_background(tmp_path: Path) -> None:
    half_red = np.zeros((16, 16, 4), np.uint8)
    half_red[...] = (255, 0, 0, 128)
    save_image(tmp_path / "white.jpg", half_red)
    save_image(tmp_path / "black.bmp", half_red, background=(0, 0, 0))
    pink = load_image(tmp_path / "white.jpg").pixels[8, 8]
    assert np.abs(pink.astype(int) - (255, 127, 127, 255)).max() <= 3
    np.testing.assert_array_equal(load_image(tmp_path / "black.bmp").pixels[8, 8],
                                  (128, 0, 0, 255))


def test_gif_opens_its_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "blue")]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    loaded = load_image(tmp_path / "anim.gif")
    np.testing.assert_array_equal(loaded.pixels[0, 0], (255, 0, 0, 255))
    assert "opened the first of its 2 frames" in loaded.notices


def test_suffixes_cover_the_supported_formats() -> None:
    assert {".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp", ".gif"} <= IMAGE_SUFFIXES


# -- conversions -------------------------------------------------------------------------
def test_exif_orientation_6_turns_the_photo_upright(tmp_path: Path) -> None:
    stored = np.zeros((20, 40, 3), np.uint8)
    stored[...] = (0, 0, 255)
    stored[:10, :10] = (255, 0, 0)  # red in the stored top-left corner
    image = Image.fromarray(stored)
    exif = image.getexif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    image.save(tmp_path / "camera.jpg", exif=exif, quality=95)
    loaded = load_image(tmp_path / "camera.jpg")
    assert loaded.size == (20, 40)  # portrait now
    assert loaded.pixels[3, 16, 0] > 200 and loaded.pixels[3, 16, 2] < 60  # top-right red
    assert loaded.pixels[3, 3, 2] > 200  # top-left blue
    assert "rotated according to the EXIF orientation" in loaded.notices


@pytest.mark.parametrize("suffix", [".jpg", ".tif"])
def test_cmyk_becomes_rgb(tmp_path: Path, suffix: str) -> None:
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(tmp_path / f"print{suffix}")
    loaded = load_image(tmp_path / f"print{suffix}")
    assert loaded.mode == "CMYK"
    assert "converted from CMYK to RGB" in loaded.notices
    assert np.abs(loaded.pixels[8, 8].astype(int) - (255, 0, 0, 255)).max() <= 3


def test_16bit_greyscale_png(tmp_path: Path) -> None:
    grey = np.array([[0, 100 * 257, 65535]], np.uint16)
    cv2.imwrite(str(tmp_path / "scan.png"), grey)
    loaded = load_image(tmp_path / "scan.png")
    assert loaded.notices == ["converted from 16-bit greyscale to 8-bit RGB"]
    np.testing.assert_array_equal(loaded.pixels[0, :, 0], (0, 100, 255))
    np.testing.assert_array_equal(loaded.pixels[0, 1], (100, 100, 100, 255))


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_16bit_colour_keeps_its_colours(tmp_path: Path, suffix: str) -> None:
    bgra = np.zeros((4, 6, 4), np.uint16)
    bgra[..., 2] = 65535  # OpenCV stores blue-green-red: this is pure red
    bgra[..., 1] = 128 * 257
    bgra[..., 3] = 32896  # half transparent
    cv2.imwrite(str(tmp_path / f"deep{suffix}"), bgra)
    loaded = load_image(tmp_path / f"deep{suffix}")
    assert loaded.notices == ["converted from 16-bit to 8-bit per channel"]
    assert loaded.mode == "RGBA;16"
    np.testing.assert_array_equal(loaded.pixels[2, 3], (255, 128, 0, 128))


def test_16bit_rgb_png_without_alpha(tmp_path: Path) -> None:
    bgr = np.zeros((4, 6, 3), np.uint16)
    bgr[..., 0] = 65535  # blue
    cv2.imwrite(str(tmp_path / "deep.png"), bgr)
    np.testing.assert_array_equal(load_image(tmp_path / "deep.png").pixels[0, 0],
                                  (0, 0, 255, 255))


def test_palette_png_keeps_its_transparency(tmp_path: Path) -> None:
    image = Image.new("P", (4, 4), 1)
    image.putpalette([255, 0, 0, 0, 200, 0] + [0] * 762)
    image.putpixel((0, 0), 0)
    image.save(tmp_path / "icon.png", transparency=0)
    loaded = load_image(tmp_path / "icon.png")
    assert loaded.mode == "P"
    assert any("palette" in notice for notice in loaded.notices)
    assert loaded.pixels[0, 0, 3] == 0
    np.testing.assert_array_equal(loaded.pixels[1, 1], (0, 200, 0, 255))


@pytest.mark.parametrize(
    ("mode", "value", "expected", "notice"),
    [
        ("L", 100, (100, 100, 100, 255), "converted from greyscale to RGB"),
        ("LA", (100, 50), (100, 100, 100, 50), "converted from greyscale with transparency"),
        ("1", 1, (255, 255, 255, 255), "black-and-white (1-bit)"),
    ],
)
def test_greyscale_becomes_rgb(tmp_path: Path, mode, value, expected, notice) -> None:
    Image.new(mode, (5, 5), value).save(tmp_path / "grey.png")
    loaded = load_image(tmp_path / "grey.png")
    np.testing.assert_array_equal(loaded.pixels[2, 2], expected)
    assert any(notice in n for n in loaded.notices), loaded.notices


def test_32bit_integer_and_float_greyscale(tmp_path: Path) -> None:
    Image.fromarray(np.array([[0, 1000, 65535]], np.int32), "I").save(tmp_path / "i.tif")
    Image.fromarray(np.array([[0.0, 0.5, 1.0]], np.float32), "F").save(tmp_path / "f.tif")
    ints, floats = load_image(tmp_path / "i.tif"), load_image(tmp_path / "f.tif")
    np.testing.assert_array_equal(ints.pixels[0, :, 0], (0, 4, 255))
    np.testing.assert_array_equal(floats.pixels[0, :, 0], (0, 128, 255))
    assert "32-bit" in ints.notices[0] and "floating-point" in floats.notices[0]


def _icc_profile(name: str) -> bytes:
    """A minimal RGB matrix/gamma ICC v2 profile whose red and green primaries are swapped,
    so a correct conversion visibly turns stored red into sRGB green."""

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    text = name.encode() + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + bytes(8 + 3 + 67)
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(*green)),
            (b"gXYZ", xyz(*red)), (b"bXYZ", xyz(*blue)), (b"rTRC", curve), (b"gTRC", curve),
            (b"bTRC", curve), (b"cprt", b"text\0\0\0\0CC0\0")]
    offset, table, body = 128 + 4 + 12 * len(tags), b"", b""
    for signature, data in tags:
        data += bytes(-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    header = (struct.pack(">I", offset + len(body)) + b"lcms" + bytes([2, 0x10, 0, 0])
              + b"mntrRGB XYZ " + bytes(12) + b"acspAPPL" + bytes(24)
              + s15(0.9642) + s15(1.0) + s15(0.8249) + bytes(48))
    return header + struct.pack(">I", len(tags)) + table + body


def test_embedded_colour_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    icc = _icc_profile("Swapped RG")
    try:
        ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        pytest.skip("this LittleCMS cannot read the hand-built profile")
    Image.new("RGB", (4, 4), (200, 0, 0)).save(tmp_path / "tagged.png", icc_profile=icc)
    loaded = load_image(tmp_path / "tagged.png")
    r, g, b, a = (int(v) for v in loaded.pixels[1, 1])
    assert r < 20 and g > 180 and b < 20 and a == 255
    assert loaded.notices == ["converted from the embedded colour profile 'Swapped RG' to sRGB"]


def test_srgb_profile_needs_no_conversion(tmp_path: Path) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (4, 4), (200, 10, 30)).save(tmp_path / "srgb.png", icc_profile=srgb)
    loaded = load_image(tmp_path / "srgb.png")
    assert loaded.notices == []
    np.testing.assert_array_equal(loaded.pixels[0, 0], (200, 10, 30, 255))


def test_damaged_colour_profile_does_not_stop_the_photo(tmp_path: Path) -> None:
    Image.new("RGB", (4, 4), (200, 10, 30)).save(tmp_path / "odd.png", icc_profile=b"junk")
    loaded = load_image(tmp_path / "odd.png")
    np.testing.assert_array_equal(loaded.pixels[0, 0], (200, 10, 30, 255))
    assert any("damaged embedded colour profile" in n for n in loaded.notices)


def test_a_one_pixel_image_loads(tmp_path: Path) -> None:
    Image.new("RGB", (1, 1), (1, 2, 3)).save(tmp_path / "dot.png")
    loaded = load_image(tmp_path / "dot.png")
    assert loaded.size == (1, 1) and loaded.pixels.shape == (1, 1, 4)


# -- refusals ----------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".jpg", ".png"])
def test_truncated_files_are_reported_as_damaged(tmp_path: Path, suffix: str) -> None:
    noisy = np.random.default_rng(1).integers(0, 255, (200, 300, 3), np.uint8)
    Image.fromarray(noisy).save(tmp_path / f"full{suffix}")
    data = (tmp_path / f"full{suffix}").read_bytes()
    (tmp_path / f"cut{suffix}").write_bytes(data[: len(data) // 2])
    assert refused(tmp_path / f"cut{suffix}") == "the image is damaged or truncated"


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert refused(tmp_path / "empty.jpg") == "the file is empty (0 bytes)"


def test_text_file_renamed_png(tmp_path: Path) -> None:
    (tmp_path / "notes.png").write_text("Product: blue mug\nPrice: 12 €\n", encoding="utf-8")
    assert refused(tmp_path / "notes.png") == "not an image file (it looks like text)"


def test_random_bytes_are_not_an_image(tmp_path: Path) -> None:
    (tmp_path / "blob.png").write_bytes(bytes(range(256)) * 4)
    assert refused(tmp_path / "blob.png").startswith("not an image file")


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def test_huge_header_is_refused_before_decoding(tmp_path: Path) -> None:
    (tmp_path / "bomb.png").write_bytes(_png_header_only(30000, 30000))
    start = time.perf_counter()
    reason = refused(tmp_path / "bomb.png")
    assert time.perf_counter() - start < 2  # decoding 3.6 GB would take far longer
    assert reason == ("image is 30000x30000 pixels (900 megapixels); "
                      "Lightbox opens images up to 200 megapixels")


def test_just_over_the_limit_is_refused_too(tmp_path: Path) -> None:
    side = int(MAX_PIXELS**0.5) + 1  # above our limit, below Pillow's own hard limit
    (tmp_path / "big.png").write_bytes(_png_header_only(side, side))
    assert refused(tmp_path / "big.png").startswith(f"image is {side}x{side} pixels")


def test_permission_denied(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "locked.png"
    Image.new("RGB", (2, 2)).save(target)
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):  # chmod does not stop root in CI
        if Path(str(file)) == target:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    assert refused(target) == "permission denied"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_for_real(tmp_path: Path) -> None:
    target = tmp_path / "locked.png"
    Image.new("RGB", (2, 2)).save(target)
    target.chmod(0)
    try:
        assert refused(target) == "permission denied"
    finally:
        target.chmod(0o644)


def test_folder_and_missing_file(tmp_path: Path) -> None:
    assert refused(tmp_path) == "is a folder, not an image file"
    assert refused(tmp_path / "gone.jpg") == "no such file"


def test_decode_image_names_the_given_path() -> None:
    with pytest.raises(ImageFileError, match=r"^project.ora!data/a.png: the file is empty"):
        decode_image(b"", "project.ora!data/a.png")


# -- folders -----------------------------------------------------------------------------
def test_iter_image_files_walks_folders_in_order(tmp_path: Path) -> None:
    shoot = tmp_path / "shoot"
    for name in ["b.jpg", "a.PNG", "notes.txt", ".hidden.png", "a/z.tiff", "c/d.webp",
                 ".cache/x.png"]:
        (shoot / name).parent.mkdir(parents=True, exist_ok=True)
        (shoot / name).write_bytes(b"x")
    odd = tmp_path / "photo.data"
    odd.write_bytes(b"x")
    found = iter_image_files([shoot, odd, shoot / "b.jpg"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "shoot/a/z.tiff", "shoot/a.PNG", "shoot/b.jpg", "shoot/c/d.webp", "photo.data"]


def test_iter_image_files_refuses_a_missing_input(tmp_path: Path) -> None:
    with pytest.raises(ImageFileError, match="no such file or folder"):
        iter_image_files([tmp_path / "nothing"])


# -- saving ------------------------------------------------------------------------------
def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageFileError, match=r"cannot save images as '\.psd'"):
        save_image(tmp_path / "out.psd", photo())
    assert list(tmp_path.iterdir()) == []


def test_saving_into_a_file_instead_of_a_folder(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("not a folder")
    with pytest.raises(ImageFileError) as info:
        save_image(tmp_path / "out" / "p.png", photo())
    assert "is a file, not a folder" in info.value.reason
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_interrupted_save_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "p.png"
    save_image(target, photo())
    before = target.read_bytes()

    def crash(self, fp, *args, **kwargs):
        fp.write(b"\x89PNG half")
        raise OSError("disk unplugged")

    monkeypatch.setattr(Image.Image, "save", crash)
    with pytest.raises(ImageFileError, match="could not be saved"):
        save_image(target, photo(alpha=False))
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.png"]


def test_save_mask_writes_8bit_greyscale_png(tmp_path: Path) -> None:
    mask = np.zeros((10, 12), np.uint8)
    mask[2:8, 3:9] = 255
    save_mask(tmp_path / "m.png", mask)
    with Image.open(tmp_path / "m.png") as image:
        assert image.mode == "L"
        np.testing.assert_array_equal(np.asarray(image), mask)
