"""Scans made from PDFs with a text layer: pages rendered to pictures, as a scanner would give them.

``scan(src, out, pages)`` renders the chosen pages (pdfium, the renderer under pdfplumber) at a
realistic resolution (150–200 dpi), in grey, turns each a little (a sheet is never square on the
glass), adds sensor noise and stores them JPEG-compressed in a PDF with no text layer; the other
pages are copied unchanged, so the result is the document with those pages scanned. The same
arguments give the same bytes.

    python tests/scanned.py SRC.pdf OUT.pdf [PAGE ...]     (1-based pages; all when none)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image


def picture(page, dpi: float, skew: float, noise: float, rng: np.random.Generator) -> Image.Image:
    """One page as a scanner gives it: grey, turned by ``skew`` degrees, with Gaussian noise of
    ``noise`` grey levels."""
    img = page.render(scale=dpi / 72.0, grayscale=True).to_pil().convert("L")
    if skew:
        img = img.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if noise:
        a = np.asarray(img, dtype=np.float32) + rng.normal(0.0, noise, (img.height, img.width))
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    return img


def scan(src: str | Path, out: str | Path, pages: list[int] | None = None, dpi: float = 150.0,
         skew: float = 0.4, noise: float = 6.0, seed: int = 18) -> Path:
    """Write ``out``: ``src`` with ``pages`` (1-based; all when None) replaced by their pictures.
    Successive scanned pages are turned alternately one way and the other."""
    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(src))
    chosen = set(pages) if pages is not None else set(range(1, len(doc) + 1))
    new = pdfium.PdfDocument.new()
    for n in range(1, len(doc) + 1):
        if n not in chosen:
            new.import_pages(doc, [n - 1])
            continue
        page = doc[n - 1]
        width, height = page.get_size()
        img = picture(page, dpi, skew if n % 2 else -skew, noise, rng)
        buf = io.BytesIO()
        img.save(buf, "PDF", resolution=dpi, quality=85)
        one = pdfium.PdfDocument(buf.getvalue())
        new.import_pages(one, [0])
    out = Path(out)
    new.save(str(out))
    return out


if __name__ == "__main__":
    src, dst, *which = sys.argv[1:]
    print(scan(src, dst, [int(p) for p in which] or None))


def facts(ex) -> dict[str, set]:
    """What a scan must give as its text-layer twin does: budget lines (table, side, row, code, column,
    exact yuan), projects (name, yuan) and the project → basis edges (project, what it rests on)."""
    names = {i: p.name for i, p in enumerate(ex.projects)}
    return {
        "budget lines": {(b.table_title, b.side, b.row_label, b.code, b.column, b.amount) for b in ex.budget_lines},
        "functional lines": {(b.table_title, b.side, b.row_label, b.code, b.column, b.amount) for b in ex.budget_lines
                             if b.scheme == "functional"},
        "projects": {(p.name, p.row.amount if p.row else p.kpi.annual_total) for p in ex.projects},
        "bases": {(names[r.project], r.key) for r in ex.references
                  if r.project is not None and r.section == "立项依据"},
    }


def recall(want: dict[str, set], got: dict[str, set]) -> dict[str, tuple[int, int]]:
    """Per kind of fact: how many of the text layer's the scan gives, of how many."""
    return {k: (len(want[k] & got.get(k, set())), len(want[k])) for k in want}
