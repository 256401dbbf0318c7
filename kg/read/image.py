"""A scanned page's image: straightened, and its ruling lines found (the only module that uses OpenCV).

OpenCV comes with the OCR extra (``pip install 'budget-kg[ocr]'``). Two small steps, each a pure
function of an image (a numpy array):

- :func:`straighten`: a scan is rarely square on the page. The skew is the angle at which the
  rows of dark pixels are sharpest (a horizontal projection profile, on a reduced copy, over
  ±3° in tenths, then hundredths); the page is rotated back by it, so that printed lines are
  horizontal again and the rows of a table stay apart.
- :func:`rulings`: the ruling lines of tables: long thin runs of dark pixels, horizontal and
  vertical, kept by a morphological opening with a long line-shaped kernel (characters are too
  short to survive it), each connected run one segment.

Coordinates are image pixels; :mod:`kg.read.scan` turns them into PDF points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

#: the skew searched, in degrees either way
MAX_SKEW = 3.0
#: a ruling is at least this long, in inches (the strokes of a large title are shorter)
MIN_RULING_INCH = 0.5


@dataclass(frozen=True)
class Segment:
    """A ruling: horizontal (``x0 < x1``, ``y0 == y1``) or vertical, in image pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return self.y0 == self.y1


def gray(image: np.ndarray) -> np.ndarray:
    """An RGB (or grey) image as one 8-bit grey channel."""
    if image.ndim == 3:
        return cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY)
    return image


def _sharpness(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = rotated.sum(axis=1, dtype=np.float64)
    return float(np.sum(np.diff(profile) ** 2))


def skew(image: np.ndarray, near: float | None = None) -> float:
    """The angle (degrees, counter-clockwise) that makes the page's lines horizontal: searched over
    ±:data:`MAX_SKEW`, or within 0.3° of ``near`` (the slant of its text lines) when given."""
    g = gray(image)
    f = min(1.0, 1000.0 / max(g.shape))
    small = cv2.resize(g, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else g
    ink = (small < 128).astype(np.uint8)
    if ink.sum() == 0:
        return 0.0
    lo, hi = (near - 0.3, near + 0.3) if near is not None else (-MAX_SKEW, MAX_SKEW)
    best = max(np.arange(lo, hi + 1e-9, 0.1), key=lambda a: _sharpness(ink, float(a)))
    fine = max(np.arange(best - 0.1, best + 0.1 + 1e-9, 0.02), key=lambda a: _sharpness(ink, float(a)))
    return round(float(fine), 2)


def rotation(image: np.ndarray, angle: float) -> np.ndarray:
    """The 2×3 matrix that turns the image by ``angle`` degrees (counter-clockwise) about its middle."""
    h, w = image.shape[:2]
    return cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)


def straighten(image: np.ndarray, angle: float | None = None) -> tuple[np.ndarray, float]:
    """The image rotated so that its lines are horizontal (by :func:`skew`, near ``angle`` when the
    slant of its text lines gives one), and the angle it was rotated by."""
    angle = skew(image, angle)
    if abs(angle) < 0.05:
        return image, 0.0
    h, w = image.shape[:2]
    border = (255, 255, 255) if image.ndim == 3 else 255
    out = cv2.warpAffine(image, rotation(image, angle), (w, h), flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    return out, angle


def _runs(mask: np.ndarray, horizontal: bool, min_len: int) -> list[Segment]:
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:n]:
        if horizontal and w >= min_len and h <= max(6, w // 20):
            out.append(Segment(float(x), y + h / 2, float(x + w), y + h / 2))
        elif not horizontal and h >= min_len and w <= max(6, h // 20):
            out.append(Segment(x + w / 2, float(y), x + w / 2, float(y + h)))
    return out


def _ink(g: np.ndarray) -> np.ndarray:
    """Dark pixels (255) on a light page (0), whatever the page's brightness."""
    return cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def _ruling_masks(ink: np.ndarray, dpi: float) -> list[tuple[bool, np.ndarray]]:
    length = max(15, int(dpi * MIN_RULING_INCH))
    bridge = max(2, int(dpi / 75))  # close the gaps noise leaves in a line
    out = []
    for horizontal in (True, False):
        along = (length, 1) if horizontal else (1, length)
        gap = (bridge, 1) if horizontal else (1, bridge)
        closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, gap))
        out.append((horizontal, cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))))
    return out


def rulings(image: np.ndarray, dpi: float) -> list[Segment]:
    """The ruling lines of a (straightened) page image scanned at ``dpi``."""
    length = max(15, int(dpi * MIN_RULING_INCH))
    return [s for horizontal, m in _ruling_masks(_ink(gray(image)), dpi) for s in _runs(m, horizontal, length)]


@dataclass
class Analysed:
    """A page image straightened (``image``, rotated by ``angle`` degrees), its rulings, and its ink
    without them (:class:`Ink`)."""

    image: np.ndarray
    angle: float
    rulings: list[Segment]
    ink: "Ink"


def analyse(image: np.ndarray, dpi: float, angle: float | None = None) -> Analysed:
    """Straighten a page image (by ``angle`` when it is known), find its rulings and where its text's ink is."""
    image, angle = straighten(image, angle)
    ink = _ink(gray(image))
    length = max(15, int(dpi * MIN_RULING_INCH))
    masks = _ruling_masks(ink, dpi)
    segs = [s for horizontal, m in masks for s in _runs(m, horizontal, length)]
    text = ink.copy()
    grow = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    for _, m in masks:
        text[cv2.dilate(m, grow) > 0] = 0
    text = cv2.medianBlur(text, 3)  # a speck of noise is no ink: gaps between words stay blank
    return Analysed(image, angle, segs, Ink(text))


class Ink:
    """Where a page image is dark: the extent of the ink inside a box, to place a word's edges on the
    pixel (the recogniser only says roughly where a character stands)."""

    def __init__(self, ink: np.ndarray):
        self.mask = ink > 0

    def extent(self, x0: float, top: float, x1: float, bottom: float) -> tuple[float, float] | None:
        """The first and last inked column between ``x0`` and ``x1`` (pixels) of the rows from ``top``
        to ``bottom``; None when the box holds no ink."""
        h, w = self.mask.shape
        a, b = max(0, int(x0)), min(w, int(math.ceil(x1)))
        t, u = max(0, int(top)), min(h, int(math.ceil(bottom)))
        if a >= b or t >= u:
            return None
        cols = np.flatnonzero(self.mask[t:u, a:b].sum(axis=0) >= 2)
        if cols.size == 0:
            return None
        return float(a + cols[0]), float(a + cols[-1] + 1)

    def rows(self, x0: float, top: float, x1: float, bottom: float) -> tuple[float, float] | None:
        """The first and last inked row between ``top`` and ``bottom`` (pixels) of the columns from
        ``x0`` to ``x1``; None when the box holds no ink."""
        h, w = self.mask.shape
        a, b = max(0, int(x0)), min(w, int(math.ceil(x1)))
        t, u = max(0, int(top)), min(h, int(math.ceil(bottom)))
        if a >= b or t >= u:
            return None
        rows = np.flatnonzero(self.mask[t:u, a:b].sum(axis=1) >= 2)
        if rows.size == 0:
            return None
        return float(t + rows[0]), float(t + rows[-1] + 1)

    def blank(self, x0: float, top: float, x1: float, bottom: float) -> float:
        """The widest run of columns without ink between ``x0`` and ``x1`` (pixels) in those rows."""
        h, w = self.mask.shape
        a, b = max(0, int(x0)), min(w, int(math.ceil(x1)))
        t, u = max(0, int(top)), min(h, int(math.ceil(bottom)))
        if a >= b or t >= u:
            return 0.0
        inked = self.mask[t:u, a:b].sum(axis=0) >= 2
        best = run = 0
        for dark in inked:
            run = 0 if dark else run + 1
            best = max(best, run)
        return float(best)
