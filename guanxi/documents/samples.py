"""Rendered sample documents with known fields: a business licence (营业执照) and a simple
statement (资产负债表 + 利润表 main lines) drawn with a CJK font, optionally degraded by
noise, a slight rotation and JPEG artefacts.

The OCR benchmark (``benchmarks/ocr.py``) and the tests read them back and compare what
the OCR found with the fields they were drawn from. The font is Debian's
``fonts-wqy-microhei`` (nothing is downloaded).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from guanxi.documents.numerals import capital_words
from guanxi.errors import ConfigError

__all__ = [
    "FONT_PATHS",
    "SampleLicence",
    "SampleStatement",
    "render_licence",
    "render_statement",
    "degrade",
    "to_bytes",
]

log = logging.getLogger(__name__)

#: where Debian puts the CJK fonts the samples may use (first found wins)
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


@dataclass(frozen=True)
class SampleLicence:
    """The fields a sample licence is drawn with (registered capital in CNY 10k)."""

    name: str
    uscc: str
    legal_rep: str
    registered_capital: float
    founded: str
    address: str
    scope: str
    kind: str = "有限责任公司"


@dataclass(frozen=True)
class SampleStatement:
    """The lines a sample statement is drawn with (amounts in CNY)."""

    company: str
    period_end: str
    lines: dict[str, float] = field(default_factory=dict)


def _font(size: int) -> ImageFont.FreeTypeFont:
    for p in FONT_PATHS:
        if Path(p).exists():
            return ImageFont.truetype(p, size)
    raise ConfigError(
        "no CJK font found (apt-get install fonts-wqy-microhei); looked at " + ", ".join(FONT_PATHS)
    )


def _date_cn(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{y}年{m}月{d}日"


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def render_licence(lic: SampleLicence, scale: float = 1.0) -> Image.Image:
    """A licence page: title, then one row per field (label left, value right); long
    values (address, business scope) wrap onto further rows."""
    w, h = int(1400 * scale), int(1000 * scale)
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    big, small = _font(int(64 * scale)), _font(int(30 * scale))
    d.text((w // 2 - int(130 * scale), int(40 * scale)), "营业执照", font=big, fill="black")
    d.text(
        (int(80 * scale), int(150 * scale)),
        f"统一社会信用代码 {lic.uscc}",
        font=small,
        fill="black",
    )
    rows = [
        ("名称", lic.name),
        ("类型", lic.kind),
        ("法定代表人", lic.legal_rep),
        ("注册资本", f"人民币{capital_words(lic.registered_capital)}"),
        ("成立日期", _date_cn(lic.founded)),
        ("住所", lic.address),
        ("经营范围", lic.scope),
    ]
    y, lx, vx = int(230 * scale), int(80 * scale), int(300 * scale)
    for label, value in rows:
        d.text((lx, y), label, font=small, fill="black")
        for part in _wrap(value, 32):
            d.text((vx, y), part, font=small, fill="black")
            y += int(48 * scale)
        y += int(12 * scale)
    d.text(
        (w - int(520 * scale), h - int(90 * scale)),
        "登记机关 市场监督管理局",
        font=small,
        fill="black",
    )
    return img


#: statement lines in the order they are drawn, with their section titles
STATEMENT_LAYOUT = (
    ("资产负债表", ("资产总计", "负债合计", "所有者权益合计", "负债和所有者权益总计")),
    ("利润表", ("营业收入", "营业成本", "营业利润", "利润总额", "所得税费用", "净利润")),
)


def render_statement(st: SampleStatement, scale: float = 1.0) -> Image.Image:
    """A statement page: the company and period, then each section's main lines with the
    amount right-aligned (``1,234,567.89``, CNY)."""
    w, h = int(1200 * scale), int(1100 * scale)
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    big, small = _font(int(44 * scale)), _font(int(28 * scale))
    y = int(40 * scale)
    d.text((int(80 * scale), y), f"编制单位：{st.company}", font=small, fill="black")
    y += int(50 * scale)
    d.text(
        (int(80 * scale), y),
        f"报告期末：{_date_cn(st.period_end)}  单位：元",
        font=small,
        fill="black",
    )
    y += int(70 * scale)
    for title, names in STATEMENT_LAYOUT:
        d.text((w // 2 - int(110 * scale), y), title, font=big, fill="black")
        y += int(80 * scale)
        for name in names:
            if name not in st.lines:
                continue
            amount = f"{st.lines[name]:,.2f}"
            d.text((int(100 * scale), y), name, font=small, fill="black")
            tw = d.textlength(amount, font=small)
            d.text((w - int(100 * scale) - tw, y), amount, font=small, fill="black")
            y += int(52 * scale)
        y += int(30 * scale)
    return img


def degrade(img: Image.Image, rng: np.random.Generator, quality: int = 40) -> Image.Image:
    """A scanned look: rotated by up to ±2°, slightly blurred, Gaussian noise (σ 18 of
    255), then saved as JPEG at ``quality`` and read back (its block artefacts)."""
    angle = float(rng.uniform(-2.0, 2.0))
    out = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor="white")
    out = out.filter(ImageFilter.GaussianBlur(radius=0.6))
    arr = np.asarray(out, dtype=np.float32)
    arr = arr + rng.normal(0.0, 18.0, arr.shape)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    out.save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def to_bytes(img: Image.Image, fmt: str = "PNG") -> bytes:
    """The image encoded as ``fmt`` (PNG, JPEG)."""
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()
