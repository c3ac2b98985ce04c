"""Time on real data: the A-share top-10 holders as of 2020-05 (import_2020-05) and the
2020-Q3 snapshot (tushare, another form of the same parties), loaded as snapshots.

For 20 sampled companies the change events equal a difference computed here with pandas
from the two files (by company code and holder full name), and the ownership as of each
date equals the holdings of that file alone. Loading the Q3 snapshot again changes
nothing. The files are read in place from ../shared/data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest

from guanxi.graph.admin import wipe
from guanxi.graph.client import GraphClient
from guanxi.loaders import load
from guanxi.scoring.changes import company_changes, recent_changes
from guanxi.scoring.ownership import company_ownership
from tests.conftest import SHARED_DATA

DATA = SHARED_DATA / "cn_ashare_holders"
MAY, Q3 = date(2020, 5, 9), date(2020, 9, 30)
KINDS = {"holder_entered", "holder_left", "stake_changed"}


# an owner's own-money account is the owner (docs/loading.md, `account_owner`), written
# out here rather than imported, so that the expected events stay independent of the loader
_OWN = re.compile(r"^(?P<owner>[^-]+?)(?:-(?:自有资金|集团本级|资本金|自营账户|自有))+$")


def _owner(name: str) -> str:
    m = _OWN.match(name.strip())
    return m.group("owner").strip() if m else name


def _may() -> pd.DataFrame:
    df = pd.read_csv(DATA / "import_2020-05" / "holder_company.csv", dtype=str)
    return pd.DataFrame({
        "company": df[":END_ID(Company)"].str[:6],
        "holder": df["holderFullname:string"].map(_owner),
        "pct": df["holdRatio:double"].astype(float),
    }).drop_duplicates(["company", "holder"], keep="last")  # fmt: skip


def _q3() -> pd.DataFrame:
    df = pd.read_csv(DATA / "relation_tushare_top10_2020Q3.csv", dtype=str)
    df = df[df["end_date"] == "20200930"]
    return pd.DataFrame({
        "company": df["ts_code"].str[:6], "holder": df["holder_name"].map(_owner),
        "pct": df["hold_ratio"].astype(float),
    }).drop_duplicates(["company", "holder"], keep="last")  # fmt: skip


@pytest.fixture(scope="module")
def history(client: GraphClient) -> Iterator[GraphClient]:
    wipe(client)
    load(client, [DATA / "import_2020-05"], mapping="cn_ashare_holders", snapshot=MAY)
    load(client, [DATA / "relation_tushare_top10_2020Q3.csv"], mapping="cn_ashare_holders_q3",
         snapshot=Q3)  # fmt: skip
    yield client
    wipe(client)


def _sample(may: pd.DataFrame, q3: pd.DataFrame) -> list[str]:
    both = sorted(set(may["company"]) & set(q3["company"]))
    return pd.Series(both).sample(20, random_state=19).tolist()


def _expected(a: pd.DataFrame, b: pd.DataFrame, threshold: float) -> set[tuple]:
    m = a.merge(b, on="holder", how="outer", suffixes=("_a", "_b"), indicator=True)
    out = {
        ("holder_entered", h, None, p)
        for h, p in m.loc[m["_merge"] == "right_only", ["holder", "pct_b"]].itertuples(index=False)
    }
    out |= {
        ("holder_left", h, p, None)
        for h, p in m.loc[m["_merge"] == "left_only", ["holder", "pct_a"]].itertuples(index=False)
    }
    both = m[(m["_merge"] == "both") & ((m["pct_b"] - m["pct_a"]).abs() >= threshold - 1e-9)]
    out |= {("stake_changed", h, pa, pb) for h, pa, pb in
            both[["holder", "pct_a", "pct_b"]].itertuples(index=False)}  # fmt: skip
    return out


def test_change_events_equal_the_pandas_difference(history: GraphClient) -> None:
    may, q3 = _may(), _q3()
    threshold = history.settings.stake_change_points
    total = 0
    for company in _sample(may, q3):
        want = _expected(may[may["company"] == company], q3[q3["company"] == company], threshold)
        got = {
            (e.kind, e.party_name, e.before, e.after)
            for e in company_changes(history, company)
            if e.kind in KINDS
        }
        assert got == want, company
        assert all(e.date == Q3 and e.prev_date == MAY for e in company_changes(history, company))
        total += len(want)
    assert total > 20  # the sample does move: entries, exits and stake changes
    # and over every company of both files at once (the bank-wide feed)
    both = sorted(set(may["company"]) & set(q3["company"]))
    want_all = {
        (c, *e)
        for c in both
        for e in _expected(may[may["company"] == c], q3[q3["company"] == c], threshold)
    }
    feed = recent_changes(history, since=Q3, kinds=KINDS, limit=5000)
    assert {(e.company_id, e.kind, e.party_name, e.before, e.after) for e in feed} == want_all


@pytest.mark.parametrize(("on", "source"), [(date(2020, 6, 1), "may"), (date(2020, 10, 1), "q3")])
def test_ownership_as_of_equals_the_file_alone(history: GraphClient, on: date, source: str) -> None:
    may, q3 = _may(), _q3()
    file = may if source == "may" else q3
    for company in _sample(may, q3):
        res = company_ownership(history, company, as_of=on)
        want = dict(file.loc[file["company"] == company, ["holder", "pct"]].itertuples(index=False))
        assert {h.name: h.direct for h in res.holders} == pytest.approx(want), company
        # no holder is itself held here: the penetrated stake is the direct one
        assert all(h.stake == pytest.approx(h.direct) for h in res.holders)
    assert company_ownership(history, "000001", as_of=date(2019, 1, 1)).holders == ()


def test_loading_a_snapshot_again_changes_nothing(history: GraphClient) -> None:
    before = history.read("admin.rel_type_counts")
    n = history.console("MATCH (c:Change) RETURN count(c) AS n")
    rep = load(history, [DATA / "relation_tushare_top10_2020Q3.csv"],
               mapping="cn_ashare_holders_q3", snapshot=Q3)  # fmt: skip
    assert rep.snapshots["shareholdings"].rewritten == 0
    assert history.read("admin.rel_type_counts") == before
    assert history.console("MATCH (c:Change) RETURN count(c) AS n") == n
