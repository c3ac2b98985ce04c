"""Offline OCR of scanned documents: RapidOCR (PaddleOCR's PP-OCRv4 Chinese models as ONNX,
shipped inside the ``rapidocr-onnxruntime`` wheel from PyPI; nothing is downloaded) on
images, and PDF pages rendered by Debian's ``pdftoppm`` (poppler-utils) first.

The engine returns text boxes; :func:`group_rows` puts the boxes that share a line of the
page into one row (label and value of a licence field, the name and amount of a statement
line), left to right. docs/documents.md says why RapidOCR and not Tesseract.
"""

from __future__ import annotations

import io
import logging
import math
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from guanxi.errors import ConfigError, InvalidData

__all__ = [
    "OcrBox",
    "OcrRow",
    "ENGINE",
    "MEDIA_TYPES",
    "media_type",
    "read_boxes",
    "read_document",
    "group_rows",
    "pdf_pages",
    "skew",
]

log = logging.getLogger(__name__)

#: the engine and its models, cited in every stored document (``Document.engine``)
ENGINE = "rapidocr-onnxruntime 1.4.4 (PP-OCRv4 ch det/rec, mobile v2 cls)"
#: accepted uploads by their first bytes → media type
MEDIA_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"%PDF-": "application/pdf",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
}
_MAX_PAGES = 5
_LOCK = threading.Lock()
_ENGINE: object | None = None


@dataclass(frozen=True)
class OcrBox:
    """One text box found by the engine: its text, confidence (0–1) and bounds."""

    text: str
    confidence: float
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class OcrRow:
    """The boxes of one line of the page, left to right; ``confidence`` is their minimum."""

    boxes: tuple[OcrBox, ...]
    page: int = 1

    @property
    def text(self) -> str:
        return " ".join(b.text for b in self.boxes)

    @property
    def confidence(self) -> float:
        return min((b.confidence for b in self.boxes), default=0.0)


def media_type(data: bytes) -> str | None:
    """The media type of an accepted file from its first bytes, else None."""
    for magic, kind in MEDIA_TYPES.items():
        if data.startswith(magic):
            return kind
    return None


def _engine() -> object:
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as e:  # pragma: no cover - a core dependency
                raise ConfigError("rapidocr-onnxruntime is not installed (pip install)") from e
            _ENGINE = RapidOCR()
        return _ENGINE


def skew(quads: list) -> float:
    """The page's skew in radians: the median angle of the top edges of the wider text
    boxes (a scan rotated by a degree or two tilts every line alike).

    Examples
    --------
    >>> round(skew([[(0, 0), (100, 2), (100, 22), (0, 20)]]), 3)
    0.02
    """
    angles = [
        math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0])
        for q in quads
        if q[1][0] - q[0][0] > 2 * abs(q[3][1] - q[0][1])
    ]
    return float(np.median(angles)) if angles else 0.0


def read_boxes(image: Image.Image) -> list[OcrBox]:
    """The text boxes of one page image (RapidOCR's detection and recognition; no angle
    classifier: pages are upright), in deskewed coordinates (rotated by :func:`skew`), so
    that a label and a value far apart on a tilted line still share a row; an empty list
    when it finds no text."""
    arr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])  # BGR
    result, _ = _engine()(arr, use_cls=False)
    result = result or []
    a = skew([r[0] for r in result])
    cos, sin = math.cos(a), math.sin(a)
    boxes = []
    for quad, text, score in result:
        xs = [x * cos + y * sin for x, y in quad]
        ys = [y * cos - x * sin for x, y in quad]
        boxes.append(OcrBox(str(text).strip(), float(score), min(xs), min(ys), max(xs), max(ys)))
    return [b for b in boxes if b.text]


def group_rows(boxes: list[OcrBox], page: int = 1) -> list[OcrRow]:
    """Boxes in reading order, grouped into rows: a box joins the current row when its
    vertical centre lies within the row's first box's height (so a slightly rotated
    scan still pairs a label with its value).

    Examples
    --------
    >>> a = OcrBox("名称", 1.0, 10, 10, 60, 30)
    >>> b = OcrBox("某公司", 0.9, 200, 12, 300, 32)
    >>> c = OcrBox("类型", 1.0, 10, 50, 60, 70)
    >>> [r.text for r in group_rows([c, b, a])]
    ['名称 某公司', '类型']
    """
    rows: list[list[OcrBox]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        centre = (box.y0 + box.y1) / 2
        if rows:
            first = rows[-1][0]
            if first.y0 <= centre <= first.y1:
                rows[-1].append(box)
                continue
        rows.append([box])
    return [OcrRow(tuple(sorted(r, key=lambda b: b.x0)), page) for r in rows]


def pdf_pages(data: bytes, dpi: int = 200) -> list[Image.Image]:
    """The first pages of a PDF as images, rendered by ``pdftoppm``."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise ConfigError("pdftoppm is missing: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "in.pdf"
        src.write_bytes(data)
        cmd = [exe, "-r", str(dpi), "-l", str(_MAX_PAGES), "-png", str(src), str(Path(d) / "p")]
        run = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
        if run.returncode != 0:
            raise InvalidData(f"not a readable PDF: {run.stderr.decode(errors='replace')[:200]}")
        pages = sorted(Path(d).glob("p*.png"))
        return [Image.open(p).convert("RGB") for p in pages]


def read_document(data: bytes) -> list[OcrRow]:
    """The rows of every page of an uploaded file (an image, or a PDF of at most five
    pages).

    Raises
    ------
    InvalidData
        When the bytes are not a PNG, JPEG, TIFF or PDF, or cannot be decoded.
    """
    kind = media_type(data)
    if kind is None:
        raise InvalidData("not a PNG, JPEG, TIFF or PDF file")
    if kind == "application/pdf":
        pages = pdf_pages(data)
    else:
        try:
            pages = [Image.open(io.BytesIO(data)).convert("RGB")]
        except (UnidentifiedImageError, OSError) as e:
            raise InvalidData(f"cannot decode the {kind} image: {e}") from e
    rows: list[OcrRow] = []
    for i, page in enumerate(pages, start=1):
        rows.extend(group_rows(read_boxes(page), page=i))
    log.info("OCR: %d page(s), %d rows", len(pages), len(rows))
    return rows
