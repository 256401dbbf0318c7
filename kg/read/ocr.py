"""Text recognition on a page image: the only module that uses the OCR engine (RapidOCR, PP-OCRv4).

``rapidocr-onnxruntime`` ships PP-OCRv4's Chinese detection and recognition models inside its wheel
and runs them with ONNX Runtime on the CPU: nothing is downloaded at run time. It is an extra
(``pip install 'budget-kg[ocr]'``); :func:`available` says whether it is installed.

The engine's detector finds the text lines (quadrilaterals, at whatever slant the page was scanned);
its recogniser is run here directly, so that each recognised character keeps where it stands along
the line (the CTC time steps it was read at), its confidence and the runner-up reading of that place
(a 3 read where an 8 is nearly as likely): :class:`Glyph`. Lines come back in image pixels, top to
bottom; nothing here knows about PDF points, cells or tables (:mod:`kg.read.scan` does).
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass

from kg.errors import ReadError

#: a runner-up reading is kept when its probability is at least this share of the best one's
RUNNER_UP = 0.05
#: recognition batch: crops of similar width are recognised together
BATCH = 8


class OcrUnavailable(ReadError):
    """A page needs OCR and the engine is not installed."""


@dataclass(frozen=True)
class Glyph:
    """One recognised character: its text, where it stands on the line (image pixels, left and right
    of the time steps that read it), its probability and the runner-up readings of that place."""

    text: str
    x0: float
    x1: float
    conf: float
    alts: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class TextLine:
    """One detected line of text: the quadrilateral it was found in (four corners, image pixels,
    clockwise from the top left), its text, the mean confidence of its characters and the characters,
    whose ``x0``/``x1`` are fractions (0–1) of the way along the line from its left edge."""

    quad: tuple[tuple[float, float], ...]
    text: str
    conf: float
    glyphs: tuple[Glyph, ...]

    @property
    def box(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.quad]
        ys = [p[1] for p in self.quad]
        return min(xs), min(ys), max(xs), max(ys)


def available() -> bool:
    """Whether the OCR engine is installed."""
    try:
        import rapidocr_onnxruntime  # noqa: F401  (is it there?)
    except ImportError:
        return False
    return True


_ENGINE = None
_LOCK = threading.Lock()


def threads() -> int:
    """ONNX Runtime threads per process: ``KG_OCR_THREADS``, else 1 (parallelism comes from processes:
    ``kg ingest --jobs``; threads that spin while another process holds the core only slow it down)."""
    try:
        return max(1, int(os.environ.get("KG_OCR_THREADS", "1")))
    except ValueError:
        return 1


def _engine():
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as e:
                raise OcrUnavailable(
                    "a page has no text layer and the OCR engine is not installed (pip install 'budget-kg[ocr]')"
                ) from e
            n = threads()
            _ENGINE = RapidOCR(intra_op_num_threads=n, inter_op_num_threads=1, max_side_len=4000)
        return _ENGINE


def recognise(image) -> list[TextLine]:
    """The text lines of an RGB image (a numpy array, height × width × 3), top to bottom."""
    import numpy as np

    eng = _engine()
    boxes, _ = eng.text_det(image)
    if boxes is None or len(boxes) == 0:
        return []
    boxes = eng.sorted_boxes(boxes)
    crops = eng.get_crop_img_list(image, boxes)
    reads = _recognise_crops(eng, crops)
    out = []
    for quad, crop, (text, conf, glyphs) in zip(boxes, crops, reads):
        if not text.strip():
            continue
        width = max(crop.shape[1], 1)
        along = tuple(Glyph(g.text, g.x0 / width, g.x1 / width, g.conf, g.alts) for g in glyphs)
        corners = tuple((float(x), float(y)) for x, y in np.asarray(quad, dtype=float))
        out.append(TextLine(corners, text, conf, along))
    return out


def _recognise_crops(eng, crops) -> list[tuple[str, float, list[Glyph]]]:
    """Each crop's text, mean confidence and characters (x in the crop's pixels)."""
    import numpy as np

    rec = eng.text_rec
    charset = rec.postprocess_op.character
    ratios = [c.shape[1] / float(max(c.shape[0], 1)) for c in crops]
    order = np.argsort(np.array(ratios))
    out: list = [("", 0.0, [])] * len(crops)
    _, height, width = rec.rec_image_shape
    for start in range(0, len(crops), BATCH):
        idx = order[start:start + BATCH]
        widest = max(width / height, *(ratios[i] for i in idx))
        batch = np.concatenate([rec.resize_norm_img(crops[i], widest)[np.newaxis, :] for i in idx]).astype(np.float32)
        preds = rec.session(batch)[0]  # batch × time steps × classes (softmax)
        padded = height * widest  # the width the time steps cover, in resized pixels
        for k, i in enumerate(idx):
            resized = min(math.ceil(height * ratios[i]), int(padded))
            to_crop = crops[i].shape[1] / max(resized, 1)
            out[i] = _decode(preds[k], charset, padded / preds.shape[1] * to_crop)
    return out


def _decode(probs, charset: list[str], step: float) -> tuple[str, float, list[Glyph]]:
    """Greedy CTC decoding that keeps each character's time steps, probability and runner-up."""
    import numpy as np

    best = probs.argmax(axis=1)
    glyphs: list[Glyph] = []
    t, n = 0, len(best)
    while t < n:
        c = int(best[t])
        end = t
        while end + 1 < n and best[end + 1] == c:
            end += 1
        if c != 0 and c < len(charset):
            peak = t + int(np.argmax(probs[t:end + 1, c]))
            row = probs[peak]
            p = float(row[c])
            alts = []
            for a in np.argsort(row)[::-1][:4]:
                a = int(a)
                if a in (c, 0) or a >= len(charset) or row[a] < RUNNER_UP * p:
                    continue
                alts.append((charset[a], round(float(row[a]), 4)))
            glyphs.append(Glyph(charset[c], t * step, (end + 1) * step, round(p, 4), tuple(alts)))
        t = end + 1
    text = "".join(g.text for g in glyphs)
    conf = float(np.mean([g.conf for g in glyphs])) if glyphs else 0.0
    return text, conf, glyphs
