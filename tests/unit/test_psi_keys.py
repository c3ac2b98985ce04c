"""The PSI matching keys (guanxi/psi/keys.py): both sides must get the same string for the
same company however its code or name is written."""

from __future__ import annotations

import pytest

from guanxi.psi.keys import clean_text, company_key, name_key, uscc_key
from guanxi.psi.protocol import frame, unframe
from guanxi.psi.server import TokenBucket, input_bucket


@pytest.mark.parametrize(
    "raw",
    [
        "91350100M000100Y43",
        " 91350100m000100y43\n",
        "９１３５０１００Ｍ０００１００Ｙ４３",  # full-width
        "9135 0100 M000 100Y 43",
        "\u300091350100M000100Y43\t",  # ideographic space
    ],
)
def test_uscc_forms_give_one_key(raw: str) -> None:
    assert uscc_key(raw) == "U:91350100M000100Y43"


@pytest.mark.parametrize(
    "raw", ["", "91350100M000100Y4", "91350100M000100Y433", "91350100O000100Y43", None, 42]
)
def test_not_a_uscc_gives_no_key(raw: object) -> None:
    assert uscc_key(raw) is None


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("深圳市星河科技有限公司", "广东"),
        ("深圳市星河科技股份有限公司", "广东省"),
        (" 深圳市 星河科技有限责任公司 ", "广东"),
        ("深圳市星河科技（有限公司）", "广东"),
        ("深圳市·星河-科技有限公司", " 广东 "),
    ],
)
def test_name_forms_give_one_key(name: str, region: str) -> None:
    assert name_key(name, region) == "N:广东|深圳市星河科技"


def test_latin_names_are_case_and_suffix_insensitive() -> None:
    assert name_key("ACME Co., Ltd.", "Hong Kong") == name_key("acme co ltd", "HONG KONG")
    assert name_key("ACME Co., Ltd.", "Hong Kong") == "N:hongkong|acme"


def test_a_bare_suffix_is_not_cut_to_nothing() -> None:
    assert name_key("有限公司", "") == "N:|有限公司"
    assert name_key("  ", "上海") is None
    assert clean_text(None) == ""


def test_region_tells_namesakes_apart() -> None:
    assert name_key("华兴贸易有限公司", "上海") != name_key("华兴贸易有限公司", "北京")


def test_company_key_prefers_the_code() -> None:
    assert company_key("91350100M000100Y43", "星河科技", "福建") == "U:91350100M000100Y43"
    assert company_key("C-000123", "星河科技有限公司", "福建") == "N:福建|星河科技"
    assert company_key(None, None, "福建") is None


def test_frames_round_trip() -> None:
    parts = [b"", b"abc", bytes(range(256)) * 3]
    assert unframe(frame(*parts)) == parts


def test_input_bucket_covers_the_inputs() -> None:
    assert input_bucket(1) == 1024
    assert input_bucket(1025) == 2048
    assert input_bucket(100_000) == 131072


def test_token_bucket_refuses_after_the_burst() -> None:
    bucket = TokenBucket(rate=0.001, burst=2)
    assert bucket.take("a") == 0 and bucket.take("a") == 0
    assert bucket.take("a") > 0
    assert bucket.take("b") == 0
