"""No response leaks another branch's bank-internal facts: a property test (issue #13).

A bank of a head office, three branches and five sub-branches, with customers of several
branches (one of two at once, in two business lines), their products, payments and RMs,
RM contacts and person-to-person contacts recorded by a branch, and public registry links
(positions, shareholdings, supply, guarantees) that join companies of different branches,
so that ego networks, contact paths and key contacts cross branches. The graph is built
from the tables below (one CREATE), and so is :data:`MARKERS`: every internal fact carries
a text found nowhere else (an RM id or name, a branch id or name, a unique date, a unique
amount), mapped to the ``(branch, business line)`` pairs whose scope may see it, by the
rule of docs/access.md. Scope is computed here from the tables, independently of
``guanxi.access``.

Hypothesis draws a user (four roles, eight branches, business lines) and a request (every
endpoint and page, over the graph's ids); the response must not be a 5xx and must not
contain a marker outside the user's scope (a marker the request itself names may be echoed).
Plain tests check that the markers are findable (the admin sees every one), that a fenced
analyst's console is refused or clean, and the leaks the property test found.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guanxi.access.users import UserStore
from guanxi.api.app import create_app
from guanxi.api.deps import SESSION_COOKIE
from guanxi.config import Settings
from guanxi.graph.admin import wipe
from guanxi.graph.client import GraphClient
from guanxi.scoring.batch import run_scoring
from guanxi.scoring.path_index_cache import clear_index
from guanxi.scoring.risk_graph import run_groups
from tests.api.conftest import auth

# --- the bank --------------------------------------------------------------------------
#: id -> (name, parent, level, region)
BRANCHES: dict[str, tuple[str, str | None, str, str | None]] = {
    "HO": ("总行QZ", None, "head_office", None),
    "BRNA": ("分行QA", "HO", "branch", "上海"),
    "SUBA1": ("支行QA1", "BRNA", "sub_branch", "上海"),
    "SUBA2": ("支行QA2", "BRNA", "sub_branch", "上海"),
    "BRNB": ("分行QB", "HO", "branch", "北京"),
    "SUBB1": ("支行QB1", "BRNB", "sub_branch", "北京"),
    "BRNC": ("分行QC", "HO", "branch", "深圳"),
    "SUBC1": ("支行QC1", "BRNC", "sub_branch", "深圳"),
    "SUBC2": ("支行QC2", "BRNC", "sub_branch", "深圳"),
}
#: id -> (name, business line, branch)
RMS: dict[str, tuple[str, str, str]] = {
    "RMQ11": ("孙经理QA甲", "corporate", "BRNA"),
    "RMQ12": ("孙经理QA乙", "sme", "BRNA"),
    "RMQ13": ("周经理QA丙", "corporate", "SUBA1"),
    "RMQ14": ("周经理QA丁", "sme", "SUBA2"),
    "RMQ21": ("吴经理QB甲", "corporate", "BRNB"),
    "RMQ22": ("吴经理QB乙", "sme", "BRNB"),
    "RMQ23": ("郑经理QB丙", "corporate", "SUBB1"),
    "RMQ31": ("冯经理QC甲", "corporate", "BRNC"),
    "RMQ32": ("冯经理QC乙", "sme", "BRNC"),
    "RMQ33": ("陈经理QC丙", "corporate", "SUBC1"),
    "RMQ34": ("陈经理QC丁", "sme", "SUBC2"),
}
#: id -> (name, industry, region, tags)
COMPANIES: dict[str, tuple[str, str, str, list[str]]] = {
    "CQ01": ("甲一科技有限公司", "软件", "上海", ["high_tech"]),
    "CQ02": ("甲二制造有限公司", "制造", "上海", []),
    "CQ03": ("乙一能源有限公司", "能源", "北京", []),
    "CQ04": ("乙二物流有限公司", "物流", "北京", ["specialized_sme"]),
    "CQ05": ("丙一医药有限公司", "医药", "深圳", ["high_tech"]),
    "CQ06": ("丙二电子有限公司", "电子", "深圳", ["high_tech"]),
    "CQ07": ("丙三材料有限公司", "材料", "深圳", []),
    "CQ08": ("丁一控股有限公司", "投资", "杭州", []),
    "CQ09": ("戊一投资有限公司", "投资", "深圳", []),
    "CQ10": ("戊二贸易有限公司", "贸易", "上海", ["high_tech"]),
    "CQ11": ("戊三软件有限公司", "软件", "北京", ["specialized_sme"]),
    "CQ12": ("戊四新材有限公司", "材料", "深圳", ["high_tech", "specialized_sme"]),
}
PERSONS: dict[str, str] = {
    "PQ01": "赵一鸣", "PQ02": "钱二强", "PQ03": "孙三立", "PQ04": "李四海", "PQ05": "周五洲",
    "PQ06": "吴六合", "PQ07": "郑七星", "PQ08": "王八方", "PQ09": "冯九州", "PQ10": "陈十全",
}  # fmt: skip
#: code -> (name, line): the catalogue is public; holdings are not
PRODUCTS: dict[str, tuple[str, str]] = {
    "LOAN": ("流动资金贷款", "corporate"),
    "CASH": ("现金管理", "corporate"),
    "FX": ("外汇结算", "corporate"),
    "SMEL": ("小微快贷", "sme"),
}
# public registry facts
SERVES_AS = [  # (person, company, role)
    ("PQ01", "CQ01", "chairman"), ("PQ02", "CQ03", "chairman"), ("PQ02", "CQ09", "director"),
    ("PQ03", "CQ05", "chairman"), ("PQ03", "CQ01", "director"), ("PQ04", "CQ06", "ceo"),
    ("PQ04", "CQ03", "director"), ("PQ05", "CQ07", "chairman"), ("PQ06", "CQ10", "chairman"),
    ("PQ06", "CQ02", "director"), ("PQ07", "CQ11", "chairman"), ("PQ08", "CQ08", "chairman"),
    ("PQ08", "CQ04", "director"), ("PQ09", "CQ02", "cfo"), ("PQ10", "CQ12", "chairman"),
    ("PQ10", "CQ04", "legal_rep"),
]  # fmt: skip
HOLDS_SHARES = [  # (holder, company, pct)
    ("PQ01", "CQ09", 20.0), ("CQ09", "CQ01", 30.0), ("CQ09", "CQ03", 40.0),
    ("CQ09", "CQ05", 35.0), ("CQ01", "CQ10", 25.0), ("CQ08", "CQ04", 60.0),
    ("PQ05", "CQ12", 55.0), ("PQ02", "CQ03", 10.0), ("PQ07", "CQ11", 80.0),
    ("PQ10", "CQ07", 15.0),
]  # fmt: skip
SUPPLIES = [  # (supplier, buyer, amount, share)
    ("CQ03", "CQ06", 3.0e7, 0.3), ("CQ05", "CQ02", 1.2e7, 0.2),
    ("CQ07", "CQ11", 8.0e6, 0.1), ("CQ04", "CQ12", 5.0e6, 0.15),
]  # fmt: skip
GUARANTEES = [("CQ06", "CQ07", 5000.0), ("CQ02", "CQ10", 1200.0)]  # (guarantor, debtor, 万元)
# bank-internal facts: every date and amount below is unique (a marker)
CUSTOMER_OF = [  # (company, branch, business line, since)
    ("CQ01", "SUBA1", "corporate", "2003-01-11"),
    ("CQ02", "BRNA", "sme", "2003-03-13"),
    ("CQ03", "BRNB", "corporate", "2004-01-15"),
    ("CQ04", "SUBB1", "sme", "2004-03-17"),
    ("CQ05", "BRNC", "corporate", "2005-01-19"),
    ("CQ06", "SUBC1", "corporate", "2005-03-21"),
    ("CQ06", "BRNA", "sme", "2005-05-23"),
    ("CQ07", "SUBC2", "sme", "2005-07-25"),
    ("CQ08", "HO", "corporate", "2006-01-27"),
]
MANAGES = [  # (rm, company, since)
    ("RMQ13", "CQ01", "2003-02-12"), ("RMQ12", "CQ02", "2003-04-14"),
    ("RMQ21", "CQ03", "2004-02-16"), ("RMQ23", "CQ04", "2004-04-18"),
    ("RMQ31", "CQ05", "2005-02-20"), ("RMQ33", "CQ06", "2005-04-22"),
    ("RMQ12", "CQ06", "2005-06-24"), ("RMQ34", "CQ07", "2005-08-26"),
    ("RMQ11", "CQ08", "2006-02-28"),
]  # fmt: skip
HOLDS_PRODUCT = [  # (company, product, balance, since)
    ("CQ01", "LOAN", 7301011.0, "2003-05-02"), ("CQ01", "CASH", 7302011.0, "2003-06-03"),
    ("CQ02", "SMEL", 7303011.0, "2003-07-04"), ("CQ03", "LOAN", 7304011.0, "2004-05-05"),
    ("CQ03", "FX", 7305011.0, "2004-06-06"), ("CQ04", "SMEL", 7306011.0, "2004-07-07"),
    ("CQ05", "CASH", 7307011.0, "2005-09-08"), ("CQ06", "FX", 7308011.0, "2005-10-09"),
    ("CQ06", "SMEL", 7309011.0, "2005-11-10"), ("CQ07", "SMEL", 7310011.0, "2005-12-11"),
    ("CQ08", "LOAN", 7311011.0, "2006-03-12"),
]  # fmt: skip
PAYS = [  # (payer, payee, amount, count, first, last)
    ("CQ01", "CQ09", 6301017.0, 12, "2007-01-03", "2007-02-04"),
    ("CQ02", "CQ05", 6302017.0, 8, "2007-03-05", "2007-04-06"),
    ("CQ03", "CQ06", 6303017.0, 20, "2007-05-07", "2007-06-08"),
    ("CQ04", "CQ12", 6304017.0, 5, "2007-07-09", "2007-08-10"),
    ("CQ05", "CQ01", 6305017.0, 9, "2007-09-11", "2007-10-12"),
    ("CQ07", "CQ11", 6306017.0, 4, "2007-11-13", "2007-12-14"),
    ("CQ08", "CQ04", 6307017.0, 6, "2008-01-15", "2008-02-16"),
    ("CQ09", "CQ12", 6308017.0, 3, "2008-03-17", "2008-04-18"),  # no customer: admins only
    ("CQ06", "CQ10", 6309017.0, 7, "2008-05-19", "2008-06-20"),
]
RM_KNOWS = [  # (rm, person, strength, since, last_contact)
    ("RMQ13", "PQ01", 0.9, "2009-01-02", "2009-02-03"),
    ("RMQ21", "PQ02", 0.8, "2009-03-04", "2009-04-05"),
    ("RMQ31", "PQ03", 0.85, "2009-05-06", "2009-06-07"),
    ("RMQ33", "PQ04", 0.7, "2009-07-08", "2009-08-09"),
    ("RMQ12", "PQ04", 0.6, "2009-09-10", "2009-10-11"),
    ("RMQ22", "PQ06", 0.75, "2009-11-12", "2009-12-13"),
    ("RMQ34", "PQ05", 0.8, "2010-01-14", "2010-02-15"),
    ("RMQ11", "PQ08", 0.65, "2010-03-16", "2010-04-17"),
    ("RMQ32", "PQ07", 0.7, "2010-05-18", "2010-06-19"),
    ("RMQ23", "PQ10", 0.9, "2010-07-20", "2010-08-21"),
    ("RMQ14", "PQ09", 0.5, "2010-09-22", "2010-10-23"),
]
PERSON_KNOWS = [  # (person, person, ingested_by, strength, since)
    ("PQ01", "PQ02", "BRNA", 0.6, "2002-01-05"),
    ("PQ03", "PQ04", "SUBC1", 0.7, "2002-03-07"),
    ("PQ06", "PQ07", "BRNB", 0.5, "2002-05-09"),
    ("PQ08", "PQ10", "HO", 0.6, "2002-07-11"),
    ("PQ05", "PQ09", "SUBA2", 0.5, "2002-09-13"),
]
DOCUMENTS = [  # (document, company, branches that uploaded it, legal representative read)
    ("DOCQ01", "CQ04", ["SUBB1"], "文档乙QD一"),
    ("DOCQ02", "CQ06", ["SUBC1", "BRNA"], "文档丙QD二"),
    ("DOCQ03", "CQ09", ["HO"], "文档戊QD三"),
]


def _lit(v: Any) -> str:
    """A Cypher literal of a test value (the tables hold no quotes)."""
    if isinstance(v, str):
        return f"date('{v}')" if len(v) == 10 and v[4] == "-" and v[7] == "-" else f"'{v}'"
    if isinstance(v, list):
        return "[" + ", ".join(_lit(x) for x in v) + "]"
    return repr(v)


def _props(**kw: Any) -> str:
    return "{" + ", ".join(f"{k}: {_lit(v)}" for k, v in kw.items() if v is not None) + "}"


def _seed() -> str:
    """The whole bank as one CREATE statement."""
    out = []
    for b, (name, _, level, region) in BRANCHES.items():
        out.append(f"({b}:Branch {_props(id=b, name=name, level=level, region=region)})")
    out += [f"({b})-[:PART_OF]->({p})" for b, (_, p, _, _) in BRANCHES.items() if p]
    for r, (name, line, b) in RMS.items():
        out.append(f"({r}:RelationshipManager {_props(id=r, name=name, business_line=line)})")
        out.append(f"({r})-[:WORKS_AT]->({b})")
    for c, (name, ind, region, tags) in COMPANIES.items():
        props = _props(id=c, name=name, industry=ind, region=region, tags=tags or None)
        out.append(f"({c}:Company {props})")
    out += [f"({p}:Person {_props(id=p, name=name)})" for p, name in PERSONS.items()]
    out += [f"({c}:Product {_props(code=c, name=n, line=ln)})" for c, (n, ln) in PRODUCTS.items()]
    out += [f"({p})-[:SERVES_AS {_props(role=r)}]->({c})" for p, c, r in SERVES_AS]
    out += [f"({h})-[:HOLDS_SHARES {_props(pct=x)}]->({c})" for h, c, x in HOLDS_SHARES]
    out += [f"({a})-[:SUPPLIES {_props(amount=x, share=s)}]->({b})" for a, b, x, s in SUPPLIES]
    out += [f"({a})-[:GUARANTEES {_props(amount=x)}]->({b})" for a, b, x in GUARANTEES]
    out += [
        f"({c})-[:CUSTOMER_OF {_props(business_line=ln, since=s)}]->({b})"
        for c, b, ln, s in CUSTOMER_OF
    ]
    out += [f"({r})-[:MANAGES {_props(since=s)}]->({c})" for r, c, s in MANAGES]
    out += [
        f"({c})-[:HOLDS_PRODUCT {_props(balance=x, since=s)}]->({p})"
        for c, p, x, s in HOLDS_PRODUCT
    ]
    out += [
        f"({a})-[:PAYS {_props(amount=x, count=n, first=f, last=la)}]->({b})"
        for a, b, x, n, f, la in PAYS
    ]
    out += [
        f"({r})-[:KNOWS {_props(strength=s, since=d, last_contact=lc)}]->({p})"
        for r, p, s, d, lc in RM_KNOWS
    ]
    out += [
        f"({p})-[:KNOWS {_props(ingested_by=b, strength=s, since=d)}]->({q})"
        for p, q, b, s, d in PERSON_KNOWS
    ]
    for d, c, branches, rep in DOCUMENTS:  # scanned licences (docs/documents.md)
        fields = json.dumps([{"name": "legal_rep", "value": rep, "raw": rep, "confidence": 0.9}],
                            ensure_ascii=False)  # fmt: skip
        props = _props(id=d, kind="licence", sha256=d.lower(), branch=branches[0],
                       branches=branches, uploaded_by="seed", fields=fields,
                       problems="[]")  # fmt: skip
        out.append(f"({d}:Document {props})-[:DESCRIBES]->({c})")
    return "CREATE " + ",\n       ".join(out)


def _embeddings() -> list[dict[str, Any]]:
    """64-d vectors (the index's size): companies of one industry lie close together."""
    rng = random.Random(13)
    base = {ind: [rng.gauss(0, 1) for _ in range(64)] for _, ind, _, _ in COMPANIES.values()}
    return [
        {"id": c, "e": [x + rng.gauss(0, 0.3) for x in base[ind]]}
        for c, (_, ind, _, _) in COMPANIES.items()
    ]


# --- the markers and who may see them ---------------------------------------------------
Pair = tuple[str, str | None]  # (branch, business line or None: any line)


def _customers(company: str) -> list[Pair]:
    return [(b, ln) for c, b, ln, _ in CUSTOMER_OF if c == company]


def _markers() -> dict[str, list[Pair]]:
    """Marker text -> the (branch, line) pairs whose scope may see it (docs/access.md)."""
    m: dict[str, list[Pair]] = {}
    for b, (name, *_) in BRANCHES.items():
        if b != "HO":  # too short to search for; its name stands for it
            m[b] = [(b, None)]
        m[name] = [(b, None)]
    for r, (name, _, b) in RMS.items():  # the RM, its WORKS_AT, MANAGES and KNOWS
        m[r] = m[name] = [(b, None)]
    for _, b, ln, since in CUSTOMER_OF:
        m[since] = [(b, ln)]
    for r, _, since in MANAGES:
        m[since] = [(RMS[r][2], None)]
    for c, _, balance, since in HOLDS_PRODUCT:  # a company end is a customer in scope
        m[str(int(balance))] = m[since] = _customers(c)
    for a, b, amount, _, first, last in PAYS:
        m[str(int(amount))] = m[first] = m[last] = _customers(a) + _customers(b)
    for r, _, _, since, last_contact in RM_KNOWS:
        m[since] = m[last_contact] = [(RMS[r][2], None)]
    for _, _, by, _, since in PERSON_KNOWS:  # the organisation that recorded it
        m[since] = [(by, None)]
    for d, _, branches, rep in DOCUMENTS:  # the branches that uploaded it
        m[d] = m[rep] = [(b, None) for b in branches]
    return m


MARKERS = _markers()


def subtree(branch: str) -> frozenset[str]:
    """The branch and every branch below it (PART_OF points child -> parent)."""

    def under(b: str | None) -> bool:
        while b is not None:
            if b == branch:
                return True
            b = BRANCHES[b][1]
        return False

    return frozenset(b for b in BRANCHES if under(b))


@dataclass(frozen=True)
class Caller:
    name: str
    role: str
    branch: str
    lines: tuple[str, ...] = ()

    @property
    def whole_bank(self) -> bool:
        """Sees every fact in the console (admins; head office without lines)."""
        return self.role == "admin" or (BRANCHES[self.branch][1] is None and not self.lines)

    def sees(self, pairs: list[Pair]) -> bool:
        if self.role == "admin":
            return True
        scope = subtree(self.branch)
        return any(
            b in scope and (ln is None or not self.lines or ln in self.lines) for b, ln in pairs
        )


USERS = [
    Caller("rm_a", "rm", "BRNA"),
    Caller("rm_a1", "rm", "SUBA1"),
    Caller("rm_a_sme", "rm", "BRNA", ("sme",)),
    Caller("mgr_b", "manager", "BRNB"),
    Caller("rm_b1", "rm", "SUBB1"),
    Caller("mgr_c2", "manager", "SUBC2"),
    Caller("an_c", "analyst", "BRNC"),
    Caller("an_c1", "analyst", "SUBC1"),
    Caller("an_a_corp", "analyst", "BRNA", ("corporate",)),
    Caller("an_ho_sme", "analyst", "HO", ("sme",)),
    Caller("an_ho", "analyst", "HO"),  # control: the whole bank
    Caller("admin", "admin", "HO"),  # control: everything
]
BY_NAME = {u.name: u for u in USERS}


# --- requests -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Req:
    method: str
    url: str
    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None

    @property
    def page(self) -> bool:
        return self.url.startswith("/ui/")

    @property
    def console(self) -> bool:
        return self.url == "/api/v1/cypher" or self.url.startswith("/api/v1/queries/")

    def text(self) -> str:
        """What the caller sent: a marker found here may be echoed back (e.g. in a 403)."""
        return self.url + json.dumps([self.params, self.body], ensure_ascii=False)


COMPANY_IDS = sorted(COMPANIES)
PARTY_IDS = COMPANY_IDS + sorted(PERSONS) + sorted(RMS)
NODE_IDS = PARTY_IDS + sorted(BRANCHES) + sorted(PRODUCTS)
ORIGINS = sorted(RMS) + sorted(BRANCHES) + COMPANY_IDS + sorted(PERSONS)  # any party
DOCUMENT_IDS = [d for d, *_ in DOCUMENTS]
SEARCHES = ["有限公司", "科技", "CQ0", "CQ06", "戊", "投资"]
CONSOLE = [
    "MATCH (c:Company) RETURN c",
    "MATCH (p:Person) RETURN p",
    "MATCH (c:Company)-[r:HOLDS_SHARES]->(d) RETURN c, r, d",
    "MATCH (p:Person)-[s:SERVES_AS]->(c:Company) RETURN p.name, s, c.id",
    "MATCH p = (:Company)-[:SUPPLIES|GUARANTEES*1..2]->(:Company) RETURN p",
    "MATCH (c:Company)-[r:CUSTOMER_OF]->(b:Branch) RETURN c.id, r, b",
    "MATCH (r:RelationshipManager)-[m:MANAGES]->(c) RETURN r, m, c.id",
    "MATCH (a)-[k:KNOWS]->(b:Person) RETURN a, k, b",
    "MATCH (c:Company)-[f:PAYS]->(d) RETURN c.id, f, d.id",
    "MATCH (c:Company {id: 'CQ06'}) RETURN c, [(c)--(x) | x] AS around",
    "MATCH (n) RETURN n",
]
SAVED_PUBLIC = ["top_holders", "subsidiaries", "supplier_tiers", "guarantee_chains"]


def _saved(name: str, company: str, branch: str | None) -> Req:
    if name in SAVED_PUBLIC:
        params: dict[str, Any] = {"company": company}
    elif name == "branch_customers":
        params = {} if branch is None else {"branch": branch}
    else:
        params = {"limit": 50, "min_companies": 2}
    return Req("POST", f"/api/v1/queries/{name}", body={"params": params})


company = st.sampled_from(COMPANY_IDS)
party = st.sampled_from(PARTY_IDS)
node = st.sampled_from(NODE_IDS)
origin = st.none() | st.sampled_from(ORIGINS)
branch = st.none() | st.sampled_from(sorted(BRANCHES))
scenario = st.sampled_from(["onboarding", "credit", "change", "visit"])
requests = st.one_of(
    st.builds(lambda q: Req("GET", "/api/v1/companies", {"q": q}), st.sampled_from(SEARCHES)),
    st.builds(
        lambda c, sub: Req("GET", f"/api/v1/companies/{c}{sub}"),
        company,
        st.sampled_from(
            ["", "/contacts", "/ownership", "/lookalikes", "/recommendations", "/changes"]
        ),
    ),
    st.builds(
        lambda c: Req("GET", f"/api/v1/companies/{c}/ownership", {"as_of": "2030-01-01"}), company
    ),  # fmt: skip
    st.just(Req("GET", "/api/v1/changes", {"since": "2000-01-01"})),
    st.builds(
        lambda n: Req("GET", f"/api/v1/network/{n}", {"depth": 2, "as_of": "2030-01-01"}), node
    ),
    st.builds(lambda b: Req("GET", "/api/v1/prospects", {"branch": b} if b else {}), branch),
    st.builds(
        lambda n, d: Req("GET", f"/api/v1/network/{n}", {"depth": d}), node, st.integers(1, 3)
    ),
    st.builds(
        lambda t, o: Req("GET", "/api/v1/paths", {"to": t, "from": o} if o else {"to": t}),
        party,
        origin,
    ),
    st.builds(lambda a, b: Req("GET", "/api/v1/intimacy", {"a": a, "b": b}), party, party),
    st.sampled_from([Req("GET", "/api/v1/queries"), Req("GET", "/api/v1/audit", {"limit": 30})]),
    st.builds(lambda q: Req("POST", "/api/v1/cypher", body={"query": q}), st.sampled_from(CONSOLE)),
    st.builds(
        _saved,
        st.sampled_from(
            [
                "customers_per_branch",
                "branch_customers",
                "interlocking_directorates",
                "top_centrality",
                "companies_with_holders",
                *SAVED_PUBLIC,
            ]
        ),
        company,
        branch,
    ),
    st.builds(lambda n, d: Req("GET", f"/ui/network/{n}", {"depth": d}), node, st.integers(1, 2)),
    st.builds(lambda c: Req("GET", f"/ui/ownership/{c}"), company),
    st.builds(lambda t, o: Req("GET", f"/ui/paths/{t}", {"origin": o} if o else {}), party, origin),
    st.just(Req("GET", "/ui/")),
    st.builds(
        lambda r, b: Req(
            "GET", "/api/v1/opportunities", {k: v for k, v in (("rule", r), ("branch", b)) if v}
        ),
        st.none()
        | st.sampled_from(
            [
                "supply_chain",
                "group_extension",
                "executive_move",
                "product_maturity",
                "payment_flow",
                "long_tail",
                "tech_prospect",
                "risk_exclusion",
            ]
        ),
        branch,
    ),  # fmt: skip
    st.builds(lambda c: Req("GET", "/api/v1/groups", {"company_id": c}), company),
    st.builds(lambda c: Req("GET", "/api/v1/circles", {"company_id": c}), company),
    st.just(Req("GET", "/api/v1/risk")),
    st.sampled_from([Req("GET", "/api/v1/documents"), Req("GET", "/ui/documents")]),
    st.builds(lambda d: Req("GET", f"/api/v1/documents/{d}"), st.sampled_from(DOCUMENT_IDS)),
    st.builds(lambda c: Req("GET", f"/api/v1/companies/{c}/documents"), company),
    st.builds(
        lambda c, s, f: Req("GET", f"/api/v1/companies/{c}/reports/{s}", {"format": f}),
        company,
        scenario,
        st.sampled_from(["html", "json"]),
    ),
    st.builds(lambda c, s: Req("GET", f"/ui/reports/{s}/{c}"), company, scenario),
)


# --- fixtures -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def prop_bank(client: GraphClient) -> Iterator[GraphClient]:
    wipe(client)
    client.console(_seed(), allow_write=True)
    client.console(
        "UNWIND $rows AS r MATCH (c:Company {id: r.id}) SET c.embedding = r.e",
        {"rows": _embeddings()},
        allow_write=True,
    )
    run_scoring(client)  # centrality, INTIMACY and KEY_CONTACT: derived from internal facts
    run_groups(client)  # Group nodes (public); their exposure is internal
    clear_index()
    yield client
    wipe(client)
    clear_index()


@pytest.fixture(scope="module")
def prop_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp: Path = tmp_path_factory.mktemp("scope-property")
    return Settings(
        **{
            **settings.model_dump(),
            "users_file": tmp / "users.json",
            "audit_dir": tmp / "audit",
            "api_rate_per_min": 0,  # hundreds of requests per key
        }
    )


@pytest.fixture(scope="module")
def keys(prop_settings: Settings) -> dict[str, str]:
    store = UserStore(prop_settings)
    return {u.name: store.add(u.name, u.role, u.branch, u.lines) for u in USERS}


@pytest.fixture(scope="module")
def app(prop_bank: GraphClient, prop_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(prop_settings)) as tc:
        yield tc


def call(app: TestClient, user: Caller, req: Req, keys: dict[str, str]) -> Any:
    """``req`` as ``user``: the API with the Bearer key, pages with the session cookie."""
    key = keys[user.name]
    headers = {"Cookie": f"{SESSION_COOKIE}={key}"} if req.page else auth(key)
    return app.request(req.method, req.url, params=req.params, json=req.body, headers=headers)


def leaks(user: Caller, req: Req, body: str) -> list[str]:
    """Markers in ``body`` that ``user`` may not see (and did not send)."""
    sent = req.text()
    out = []
    for marker, pairs in MARKERS.items():
        if marker in sent or (req.console and user.whole_bank) or user.sees(pairs):
            continue
        escaped = json.dumps(marker)[1:-1]  # pages' JSON writes \\uXXXX
        grouped = f"{int(marker):,}" if marker.isdigit() else marker  # reports: 7,309,011
        if marker in body or escaped in body or grouped in body:
            out.append(marker)
    return out


# --- tests --------------------------------------------------------------------------------
def test_markers_are_unique_and_apart() -> None:
    facts = len(BRANCHES) * 2 - 1 + len(RMS) * 2 + len(CUSTOMER_OF) + len(MANAGES)
    facts += len(HOLDS_PRODUCT) * 2 + len(PAYS) * 3 + len(RM_KNOWS) * 2 + len(PERSON_KNOWS)
    facts += len(DOCUMENTS) * 2
    assert len(MARKERS) == facts  # no two facts share a marker
    for m in MARKERS:
        assert not any(m in other for other in MARKERS if other != m), m
    public = json.dumps([COMPANIES, PERSONS, PRODUCTS, SERVES_AS, HOLDS_SHARES], ensure_ascii=False)
    assert not [m for m in MARKERS if m in public]
    dates = [m for m in MARKERS if len(m) == 10 and m[4] == "-"]
    assert len(dates) == len({date.fromisoformat(d) for d in dates}) > 40
    # the scope rule as this test sees it
    assert subtree("BRNA") == {"BRNA", "SUBA1", "SUBA2"} and subtree("SUBC2") == {"SUBC2"}
    assert BY_NAME["rm_a_sme"].sees(MARKERS["2005-05-23"])  # CQ06 at BRNA, sme
    assert not BY_NAME["an_a_corp"].sees(MARKERS["7309011"])  # its products: sme only at A
    assert not BY_NAME["an_ho"].sees(MARKERS["6308017"])  # payment without a customer


def test_admin_sees_every_marker(app: TestClient, keys: dict[str, str]) -> None:
    """The markers can be found: every one is in some admin response (so the property
    test can fail), and a branch user sees their own."""
    admin = BY_NAME["admin"]
    text = ""
    for n in NODE_IDS:
        r = call(app, admin, Req("GET", f"/api/v1/network/{n}"), keys)
        assert r.status_code == 200, (n, r.text)
        text += r.text
    text += call(app, admin, Req("GET", "/api/v1/documents"), keys).text
    assert [m for m in MARKERS if m not in text] == []
    page = call(app, admin, Req("GET", "/ui/network/CQ03", {"depth": 2}), keys).text
    assert "7304011" in page and json.dumps("分行QB")[1:-1] in page
    own = call(app, BY_NAME["rm_a"], Req("GET", "/api/v1/companies/CQ06"), keys).json()
    assert [c["branch_id"] for c in own["customer_of"]] == ["BRNA"]
    assert [m["id"] for m in own["managed_by"]] == ["RMQ12"]
    assert {p["code"] for p in own["products"]} == {"FX", "SMEL"}
    assert leaks(BY_NAME["rm_a"], Req("GET", "/x"), json.dumps(own, ensure_ascii=False)) == []
    line = call(app, BY_NAME["an_a_corp"], Req("GET", "/api/v1/companies/CQ06"), keys).json()
    assert line["in_scope"] is False and line["products"] == []


def test_reports_leak_nothing(app: TestClient, keys: dict[str, str]) -> None:
    """Every scenario report of every company, for a branch RM, a sub-branch RM and a
    line-restricted analyst: no marker outside their scope (amounts also as the reports
    write them, 7,309,011); the admin's credit reports carry the product and payment
    amounts, so the check can fail."""
    admin = "".join(
        call(app, BY_NAME["admin"], Req("GET", f"/api/v1/companies/{c}/reports/credit",
                                        {"format": "json"}), keys).text
        for c in COMPANY_IDS
    )  # fmt: skip
    assert f"{int(HOLDS_PRODUCT[0][2]):,}" in admin and f"{int(PAYS[0][2]):,}" in admin
    for name in ("rm_a1", "mgr_b", "an_a_corp"):
        for c in COMPANY_IDS:
            for s in ("onboarding", "credit", "change", "visit"):
                req = Req("GET", f"/api/v1/companies/{c}/reports/{s}", {"format": "json"})
                r = call(app, BY_NAME[name], req, keys)
                assert r.status_code == 200, (name, c, s, r.text[:300])
                assert leaks(BY_NAME[name], req, r.text) == [], (name, c, s)


def test_fenced_console_is_refused_or_clean(app: TestClient, keys: dict[str, str]) -> None:
    for user in USERS:
        if user.role != "analyst" or user.whole_bank:
            continue
        answered = refused = 0
        for q in CONSOLE:
            req = Req("POST", "/api/v1/cypher", body={"query": q})
            r = call(app, user, req, keys)
            assert r.status_code in (200, 400, 403), (user.name, q, r.text)
            answered += r.status_code == 200
            refused += r.status_code != 200
            assert leaks(user, req, r.text) == [], (user.name, q, r.text[:500])
        assert answered and refused, user.name
    # the whole bank's analyst is not fenced: the same queries answer, markers included
    r = call(app, BY_NAME["an_ho"], Req("POST", "/api/v1/cypher", body={"query": CONSOLE[5]}), keys)
    assert r.status_code == 200 and "分行QB" in r.text


def test_rm_and_manager_may_not_run_cypher(app: TestClient, keys: dict[str, str]) -> None:
    for name in ("rm_a", "mgr_b"):
        req = Req("POST", "/api/v1/cypher", body={"query": CONSOLE[0]})
        assert call(app, BY_NAME[name], req, keys).status_code == 403


def test_pages_signed_in_with_the_session_form(app: TestClient, keys: dict[str, str]) -> None:
    r = app.post("/ui/session", data={"key": keys["rm_b1"]}, follow_redirects=False)
    assert r.status_code == 303
    try:
        for url in ("/ui/network/CQ06", "/ui/paths/CQ06", "/ui/ownership/CQ04"):
            page = app.get(url, params={"depth": 2} if "network" in url else {})
            assert page.status_code == 200, url
            assert leaks(BY_NAME["rm_b1"], Req("GET", url), page.text) == [], url
    finally:
        app.cookies.clear()


def test_intimacy_hides_indirect_links_through_other_branches_rms(
    app: TestClient, keys: dict[str, str]
) -> None:
    """CQ02 (BRNA) and CQ06 (SUBC1 and BRNA) are both managed by RMQ12 of BRNA: the
    indirect evidence names the RM, which SUBC1 may not see (found by the property test)."""
    req = Req("GET", "/api/v1/intimacy", {"a": "CQ02", "b": "CQ06"})
    admin = call(app, BY_NAME["admin"], req, keys).json()
    assert any(
        e["kind"] == "indirect" and "RMQ12" in e["detail"]["path"] for e in admin["evidence"]
    )
    for name in ("an_c1", "mgr_b", "rm_a"):
        r = call(app, BY_NAME[name], req, keys)
        assert r.status_code == 200 and leaks(BY_NAME[name], req, r.text) == [], r.text
    assert call(app, BY_NAME["an_c1"], req, keys).json()["masked_evidence"] >= 1
    assert "孙经理QA乙" in call(app, BY_NAME["rm_a"], req, keys).json()["text"]  # own RM


#: contact paths whose introducer or reason named another branch's RM or branch (found by
#: the property test). The introducer of a company is described with its first RM and
#: branch (``scoring.path_hops``): for CQ06, a customer of SUBC1 and of BRNA, either may
#: come first, so one of the first two cases names the other's RM or branch.
PATH_CASES = [
    ("rm_a", {"to": "PQ04"}),  # via CQ06: SUBC1's RM 陈经理QC丙 or its branch
    ("an_c1", {"to": "CQ02"}),  # via CQ06: BRNA's RM 孙经理QA乙 or 分行QA
    ("rm_a", {"to": "PQ10"}),  # via CQ08, the head office's customer: 总行QZ
    ("rm_a", {"to": "CQ01", "from": "CQ03"}),  # origin BRNB's customer: 吴经理QB甲, 分行QB
]


@pytest.mark.parametrize(("name", "params"), PATH_CASES)
def test_paths_cite_no_rm_or_branch_outside_scope(
    app: TestClient, keys: dict[str, str], name: str, params: dict[str, str]
) -> None:
    user, req = BY_NAME[name], Req("GET", "/api/v1/paths", params)
    r = call(app, user, req, keys)
    if params.get("from", "").startswith("CQ") and r.status_code == 403:
        # a company origin must be a customer in the caller's scope: refused, naming none
        assert leaks(user, req, r.text) == [], r.text
        return
    assert r.status_code == 200 and r.json()["paths"], r.text
    cited = [(p["introducer"], p["reason"]) for p in r.json()["paths"]]
    assert leaks(user, req, r.text) == [], cited
    origin = {"origin": params["from"]} if "from" in params else {}
    page = call(app, user, Req("GET", f"/ui/paths/{params['to']}", origin), keys)
    assert page.status_code == 200
    assert leaks(user, req, page.text) == []


@settings(
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(user=st.sampled_from(USERS), req=requests)
def test_no_response_leaks_facts_outside_scope(
    app: TestClient, keys: dict[str, str], user: Caller, req: Req
) -> None:
    r = call(app, user, req, keys)
    assert r.status_code < 500, (user.name, req, r.text[:500])
    found = leaks(user, req, r.text)
    assert found == [], (user.name, req, r.status_code, found, _excerpt(r.text, found[0]))


def _excerpt(text: str, marker: str, width: int = 200) -> str:
    i = text.find(marker)
    if i < 0:
        i = text.find(json.dumps(marker)[1:-1])
    return text[max(0, i - width) : i + width]
