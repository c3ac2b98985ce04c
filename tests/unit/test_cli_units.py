import math

import pytest
import typer

from guanxi.cli import parse_params
from guanxi.errors import InvalidData, ReadOnlyViolation, RowError
from guanxi.graph.values import to_plain


def test_params_are_json_when_they_parse() -> None:
    assert parse_params(["n=5", "s=abc", "l=[1,2]", 'q="5"', "e=a=b"]) == {
        "n": 5,
        "s": "abc",
        "l": [1, 2],
        "q": "5",
        "e": "a=b",
    }


def test_param_without_equals_is_a_bad_parameter() -> None:
    with pytest.raises(typer.BadParameter, match="expected key=value"):
        parse_params(["oops"])


def test_to_plain_handles_nan_and_nested() -> None:
    assert to_plain({"a": [1.5, math.nan], "b": (1, "x")}) == {"a": [1.5, None], "b": [1, "x"]}


def test_errors_carry_status_exit_code_and_rows() -> None:
    e = InvalidData("bad file", [RowError("f.csv", 3, "pct", 120, "pct must be 0-100")])
    d = e.to_dict()
    assert d["error"] == "InvalidData"
    assert d["errors"][0] == {
        "file": "f.csv",
        "row": 3,
        "column": "pct",
        "value": "120",
        "reason": "pct must be 0-100",
        "severity": "error",
    }
    assert ReadOnlyViolation.exit_code == 2
    assert ReadOnlyViolation.http_status == 403
