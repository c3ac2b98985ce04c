"""Source readers: CSV (encoding detection), Parquet, Excel and DataFrames.

Every reader returns a DataFrame of **strings** (``object`` dtype, missing values as
``None``) plus a ``_row`` column: the row number as a person sees it in the file, the
header being row 1 and the first data row row 2. Typing happens later, in validation,
so that a bad value becomes a row-level error instead of a failed read.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes
from pandas.api.types import infer_dtype

from guanxi.errors import InvalidData, RowError

__all__ = ["read_table", "read_csv", "frame_to_strings", "detect_encoding", "ROW"]

log = logging.getLogger(__name__)

ROW = "_row"
#: Encodings tried in order before asking charset-normalizer (GB18030 is a superset of GBK).
_CANDIDATES = ("utf-8-sig", "gb18030")
_OTHER_CJK = {"big5", "big5hkscs", "cp950"}
_NULLS = {"", "nan", "NaN", "NULL", "null", "None", "NA", "N/A", "#N/A"}


def detect_encoding(data: bytes) -> str:
    """Return the encoding of ``data``.

    ``utf-8-sig`` (UTF-8 with or without BOM) when it decodes as UTF-8, else ``gb18030``
    (GBK and GB2312 are subsets), UTF-16 with a BOM, or Big5 when charset-normalizer is
    confident. Anything else raises the ``UnicodeDecodeError`` of UTF-8, so a stray byte
    in a UTF-8 file is reported rather than read as mojibake in a Western code page.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for enc in _CANDIDATES:
        try:
            data.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding in _OTHER_CJK:
        return best.encoding
    data.decode("utf-8")  # raises with the position of the bad byte
    return "utf-8"  # pragma: no cover - the line above raised


def _decode_error(file: str, data: bytes, exc: UnicodeDecodeError) -> InvalidData:
    line = data.count(b"\n", 0, exc.start) + 1
    bad = data[exc.start : exc.start + 4]
    err = RowError(
        file, line, None, bad.hex(" "),
        f"undecodable byte at offset {exc.start} (not UTF-8, GBK/GB18030 or a known encoding)",
    )  # fmt: skip
    return InvalidData(f"{file}: cannot decode line {line}", [err])


def read_csv(
    path: Path | str,
    *,
    encoding: str = "auto",
    sep: str = ",",
    name: str | None = None,
) -> pd.DataFrame:
    """Read a CSV file as strings; ``encoding="auto"`` detects UTF-8 (with or without BOM),
    GBK/GB18030 and others. CRLF and LF line endings are both accepted.

    Raises
    ------
    InvalidData
        When the bytes cannot be decoded (a RowError names the line and the bytes).
    """
    path = Path(path)
    file = name or path.name
    data = path.read_bytes()
    try:
        if encoding == "auto":
            encoding = detect_encoding(data)
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise _decode_error(file, data, e) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    df = pd.read_csv(
        io.StringIO(text, newline=None),
        sep=sep,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skipinitialspace=False,
    )
    log.debug("read %s: %d rows, encoding %s", file, len(df), encoding)
    return frame_to_strings(df)


def frame_to_strings(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every cell a stripped string or ``None`` and a ``_row``
    column (position + 2: header = row 1). Column names are stripped of whitespace/BOM."""
    out = pd.DataFrame(index=range(len(df)))
    for col in df.columns:
        name = str(col).strip().lstrip("\ufeff")
        if name == ROW:
            continue
        # object dtype: pandas 3 would infer ``str`` and turn None into NaN ("nan" later)
        out[name] = pd.Series(_strings(df[col]), dtype=object)
    out[ROW] = df[ROW].tolist() if ROW in df.columns else list(range(2, len(df) + 2))
    return out


def _strings(col: pd.Series) -> np.ndarray | list[str | None]:
    """The cells of ``col`` as :func:`_cell` makes them; a column of strings only (every
    CSV column) is stripped and nulled in vectorised passes — the per-cell call was half of
    the bulk load's validation at 1M companies (134M cells)."""
    if infer_dtype(col, skipna=False) != "string":
        return [_cell(v) for v in col.tolist()]
    stripped = col.str.strip()
    out = stripped.to_numpy(dtype=object, copy=True)
    out[stripped.isin(_NULLS).to_numpy()] = None
    return out


def _cell(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        if v != v:  # NaN
            return None
        if v.is_integer():
            return str(int(v))
    if hasattr(v, "isoformat") and not isinstance(v, str):
        s = v.isoformat()
        return s[:10] if s.endswith("T00:00:00") else s
    s = str(v).strip()
    return None if s in _NULLS else s


def read_table(source: Any, *, name: str | None = None, **options: Any) -> pd.DataFrame:
    """Read a CSV, Parquet or Excel file (by suffix) or take a DataFrame, as strings.

    ``options``: ``encoding`` and ``sep`` for CSV, ``sheet`` for Excel.
    """
    if isinstance(source, pd.DataFrame):
        return frame_to_strings(source)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        sep = options.get("sep") or ("\t" if suffix == ".tsv" else ",")
        return read_csv(path, encoding=options.get("encoding", "auto"), sep=sep, name=name)
    if suffix == ".parquet":
        return frame_to_strings(pd.read_parquet(path))
    if suffix in (".xlsx", ".xlsm"):
        sheet = options.get("sheet", 0)
        return frame_to_strings(pd.read_excel(path, sheet_name=sheet, dtype=object))
    raise InvalidData(
        f"{path.name}: unsupported file type {suffix!r} (CSV, Parquet or .xlsx)",
        [RowError(path.name, None, None, suffix, "unsupported file type")],
    )
