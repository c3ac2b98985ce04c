"""Chinese person names and company names for the synthetic landscape.

Surnames follow their approximate frequency in the population (王, 李, 张 … cover a fifth),
so homonyms such as 张伟 occur as often as they do in real registries. Company names follow
the registry pattern 行政区划 + 字号 + 行业 + 组织形式, e.g. 苏州瑞泰精密机械有限公司;
members of a holding group share the group's 字号.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

__all__ = ["person_names", "trade_names", "unique_names", "TRADE_CHARS"]

log = logging.getLogger(__name__)

_SURNAME_TABLE = """
王7.1 李7.0 张6.8 刘5.4 陈4.6 杨3.1 黄2.3 赵2.2 吴2.0 周1.9 徐1.6 孙1.5 马1.4 朱1.3 胡1.3
郭1.1 何1.1 高1.0 林1.0 罗0.9 郑0.9 梁0.8 谢0.6 宋0.6 唐0.6 许0.5 韩0.5 冯0.5 邓0.5 曹0.5
彭0.5 曾0.5 肖0.4 田0.4 董0.4 袁0.4 潘0.4 于0.4 蒋0.4 蔡0.4 余0.4 杜0.4 叶0.4 程0.3 苏0.3
魏0.3 吕0.3 丁0.3 任0.3 沈0.3 姚0.3 卢0.3 姜0.3 崔0.3 钟0.3 谭0.3 陆0.3 汪0.2 范0.2 金0.2
石0.2 廖0.2 贾0.2 夏0.2 韦0.2 付0.2 方0.2 白0.2 邹0.2 孟0.2 熊0.2 秦0.2 邱0.2 江0.2 尹0.2
薛0.2 闫0.2 段0.2 雷0.2 侯0.2 龙0.2 史0.2 陶0.1 黎0.1 贺0.1 顾0.1 毛0.1 郝0.1 龚0.1 邵0.1
万0.1 钱0.1 严0.1 覃0.1 武0.1 戴0.1 莫0.1 孔0.1 欧阳0.05 上官0.02 司马0.02 诸葛0.01
"""
_PARSED = re.findall(r"(\D+?)([\d.]+)\s*", _SURNAME_TABLE.strip())
SURNAMES = np.array([name for name, _ in _PARSED])
_SURNAME_P = np.array([float(p) for _, p in _PARSED])
_SURNAME_P = _SURNAME_P / _SURNAME_P.sum()

_MALE = np.array(
    list(
        "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国峰东文志海亮成新永春"
        "晨博诚瑞泽昊然毅宏睿思子天嘉一家振兴德金荣庆福卫忠清松柏山江豪铭轩锋"
    )
)
_FEMALE = np.array(
    list(
        "芳娜敏静丽艳娟霞秀燕玲桂红英梅琳雪婷慧颖倩洁佳琪悦欣蕾薇云萍晶丹莉雯怡璐媛瑶露月彤"
        "晓思雨梦诗嘉心玉兰凤珊楠岚蓉菲"
    )
)
TRADE_CHARS = np.array(
    list(
        dict.fromkeys(
            "华鑫盛瑞泰恒达宏兴嘉德和信诚源通力新创联天海金安远航科明光中博卓晟昊宇辰星汇丰隆荣昌润"
            "森凯锦鼎帆腾越美佳优顺利正大东方永久国合众富万邦亿祥康峰云智迅捷洲环宝福龙凤飞骏驰裕诺"
            "铭弘毅睿致启元泓沣淳澜璟琨瀚翔奥普拓展灵乐悦艾贝宸晖耀旭谷岳川钧璞"
        )
    )
)


def person_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` Chinese names and genders (``"M"``/``"F"``), 70 % with a two-character
    given name.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    n : int
        How many names.

    Returns
    -------
    tuple of numpy.ndarray
        Names (``str``) and genders.
    """
    male = rng.random(n) < 0.62  # company officers skew male
    sur = SURNAMES[rng.choice(len(SURNAMES), n, p=_SURNAME_P)]
    m1, m2 = _MALE[rng.integers(0, len(_MALE), (2, n))]
    f1, f2 = _FEMALE[rng.integers(0, len(_FEMALE), (2, n))]
    first = np.where(male, m1, f1)
    second = np.where(male, m2, f2)
    two = rng.random(n) < 0.7
    names = [
        s + a + (b if t else "")
        for s, a, b, t in zip(
            sur.tolist(), first.tolist(), second.tolist(), two.tolist(), strict=True
        )
    ]
    return np.array(names, dtype=object), np.where(male, "M", "F")


def trade_names(rng: np.random.Generator, n: int, length: int = 2) -> np.ndarray:
    """``n`` trade names (字号) of ``length`` characters, e.g. 瑞泰."""
    idx = rng.integers(0, len(TRADE_CHARS), (length, n))
    parts = TRADE_CHARS[idx]
    out = parts[0].astype(object)
    for row in parts[1:]:
        out = out + row.astype(object)
    return out


def unique_names(
    rng: np.random.Generator,
    make: Callable[[np.random.Generator, np.ndarray, int], Sequence[str]],
    n: int,
) -> np.ndarray:
    """Names from ``make(rng, idx, length)`` with duplicates redrawn with longer 字号.

    ``make`` builds the names of the rows ``idx`` using trade names of ``length``
    characters; rows whose name repeats an earlier row are rebuilt until all are unique.
    """
    names = np.empty(n, dtype=object)
    names[:] = make(rng, np.arange(n), 2)
    for attempt in range(12):
        dup = pd.Series(names).duplicated(keep="first").to_numpy()
        if not dup.any():
            return names
        idx = np.flatnonzero(dup)
        names[idx] = make(rng, idx, 3 if attempt < 6 else 4)
    dup = np.flatnonzero(pd.Series(names).duplicated(keep="first").to_numpy())
    for k, i in enumerate(dup):  # vanishingly rare: number them
        names[i] = f"{names[i]}（{k + 2}）"
    return names
