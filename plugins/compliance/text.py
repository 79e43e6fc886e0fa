"""Text detection with the PP-OCRv4 detector bundled in ``rapidocr-onnxruntime``.

Only the detection model is used (no recognition): it says *where* text is, which is what
the ``text_overlay`` and ``watermark`` rules need. The package itself is never imported
(its ``__init__`` pulls in dependencies Lightbox does not install); we only locate its
model file. The ONNX session is created once per process and runs on the CPU.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

#: the longest side the detector sees; sides are rounded to multiples of 32
LIMIT_SIDE = 960
#: probability above which a pixel counts as text (DB binarisation)
PIXEL_THRESHOLD = 0.3
#: mean probability a region needs to be kept as a text box
BOX_THRESHOLD = 0.6
#: DB "unclip": the shrunk text kernel is grown by area * ratio / perimeter
UNCLIP_RATIO = 1.6
MODEL_NAME = "ch_PP-OCRv4_det_infer.onnx"
_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
_STD = np.array([0.229, 0.224, 0.225], np.float32)
_LOCK = threading.Lock()


class TextDetectorUnavailable(RuntimeError):
    """The bundled model or onnxruntime is missing; the message says which."""


@dataclass(frozen=True)
class TextBox:
    """One detected text region in image pixels (x1/y1 exclusive) and its mean probability."""

    x0: int
    y0: int
    x1: int
    y1: int
    score: float

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.x0, self.y0, self.x1, self.y1)

    @property
    def area(self) -> int:
        return max(0, self.x1 - self.x0) * max(0, self.y1 - self.y0)


def model_path() -> Path:
    """Where the bundled detector lives, or raise :class:`TextDetectorUnavailable`."""
    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        raise TextDetectorUnavailable("the rapidocr-onnxruntime package is not installed")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "models" / MODEL_NAME
        if path.is_file():
            return path
    raise TextDetectorUnavailable(f"rapidocr-onnxruntime has no models/{MODEL_NAME}")


@lru_cache(maxsize=1)
def _session():  # -> onnxruntime.InferenceSession, imported lazily
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(model_path()), options, providers=["CPUExecutionProvider"])


def _prepare(rgb: np.ndarray, limit: int) -> tuple[np.ndarray, float, float]:
    h, w = rgb.shape[:2]
    scale = min(1.0, limit / max(h, w))
    nh = max(32, int(round(h * scale / 32)) * 32)
    nw = max(32, int(round(w * scale / 32)) * 32)
    small = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else
                       cv2.INTER_LINEAR)
    # PaddleOCR models were trained on BGR input
    x = (small[..., ::-1].astype(np.float32) / 255.0 - _MEAN) / _STD
    return x.transpose(2, 0, 1)[None].copy(), w / nw, h / nh


def probability_map(rgb: np.ndarray, limit: int = LIMIT_SIDE) -> tuple[np.ndarray, float, float]:
    """The detector's text probability map and the factors from map to image pixels."""
    x, sx, sy = _prepare(np.ascontiguousarray(rgb[..., :3]), limit)
    session = _session()
    with _LOCK:  # one inference at a time: the session is shared and already multi-threaded
        prob = session.run(None, {session.get_inputs()[0].name: x})[0][0, 0]
    return prob, sx, sy


def detect_text(rgb: np.ndarray, limit: int = LIMIT_SIDE) -> list[TextBox]:
    """Text regions in an RGB(A) ``uint8`` image, largest first."""
    h, w = rgb.shape[:2]
    if h < 8 or w < 8:
        return []
    prob, sx, sy = probability_map(rgb, limit)
    bitmap = (prob > PIXEL_THRESHOLD).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for contour in contours:
        x, y, bw, bh = cv2.boundingRect(contour)
        if min(bw, bh) < 3:
            continue
        region = np.zeros((bh, bw), np.uint8)
        cv2.drawContours(region, [contour - (x, y)], -1, 1, thickness=-1)
        score = float(prob[y:y + bh, x:x + bw][region > 0].mean())
        if score < BOX_THRESHOLD:
            continue
        area, perimeter = cv2.contourArea(contour), cv2.arcLength(contour, True)
        grow = area * UNCLIP_RATIO / max(perimeter, 1.0)
        boxes.append(TextBox(
            max(0, int((x - grow) * sx)), max(0, int((y - grow) * sy)),
            min(w, int(np.ceil((x + bw + grow) * sx))), min(h, int(np.ceil((y + bh + grow) * sy))),
            round(score, 3)))
    return sorted(boxes, key=lambda b: -b.area)
