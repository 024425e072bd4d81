"""PDF pages as pixels, for tests that look at a report the way a reader does.

pdfium (the PDF engine of Chromium, shipped inside the pypdfium2 wheel) renders
the pages, so the tests need no system tool such as poppler's pdftoppm.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2


def render_pages(path: Path, dpi: int = 50, first: int = 1, last: int | None = None) -> list[np.ndarray]:
    """Pages ``first``..``last`` (1-based, inclusive) as RGB arrays of floats in [0, 1]."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        last = len(document) if last is None else last
        pages = []
        for number in range(first, last + 1):
            bitmap = document[number - 1].render(scale=dpi / 72)
            pages.append(np.asarray(bitmap.to_pil().convert("RGB"), dtype=np.float32) / 255)
        return pages
    finally:
        document.close()
