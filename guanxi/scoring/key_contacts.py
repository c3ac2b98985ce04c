"""Key contacts (核心联系人): whom to approach at a company, ranked, with reasons.

Candidates are the company's executives, its person shareholders (direct or penetrated),
its actual controller and the executives of its controlling shareholders. Each gets
``score = 0.45·role + 0.35·control + 0.15·reach + 0.05·centrality`` (docs/scoring.md).
:func:`rank_contacts` is the pure scorer on
:class:`~guanxi.scoring.contact_facts.ContactFacts`; :func:`company_contacts` fetches the
facts with two queries.
"""

from __future__ import annotations

import logging
import math
from datetime import date

import pandas as pd

from guanxi.graph.gateway import Gateway
from guanxi.records import KeyContact, Reason, ScorerInfo
from guanxi.scoring.contact_facts import ContactFacts, assemble_facts, person_stakes
from guanxi.scoring.controllers import CONTROL_KINDS, KIND_ZH, actual_controllers
from guanxi.scoring.evidence import ROLE_SENIORITY, ROLE_ZH
from guanxi.scoring.nominees import is_nominee
from guanxi.scoring.penetration import stakes_in
from guanxi.scoring.projection import read_company

__all__ = [
    "WEIGHTS",
    "INFO",
    "same_person",
    "rank_contacts",
    "reach_of",
    "company_contacts",
]

log = logging.getLogger(__name__)

#: Component weights of the key-contact score (they sum to 1).
WEIGHTS = {"role": 0.45, "control": 0.35, "reach": 0.15, "centrality": 0.05}
PARENT_ROLE_FACTOR = 0.6
#: Control strength of a suspected controller (largest bloc, lead below the margin).
SUSPECTED_CONTROL = 0.8
INFO = ScorerInfo(
    name="key_contacts",
    method="weighted sum of role seniority, control, bank reachability and PageRank",
    config={"weights": WEIGHTS, "parent_role_factor": PARENT_ROLE_FACTOR, "k": 5},
    result="list[KeyContact]; KEY_CONTACT {rank, score, reasons, run_id}",
)


def reach_of(
    rm_strength: float | None,
    rm_name: str | None,
    customer: str | None,
    known_customer_person: str | None,
    *,
    rm_id: str | None = None,
    customer_id: str | None = None,
    known_customer_id: str | None = None,
    known_recorded_by: str | None = None,
) -> tuple[float, Reason]:
    """Reachability from the bank: an RM knows the person (their recorded strength), the
    person serves at or holds a customer (0.7), or knows someone at a customer (0.4).
    The reason cites the RM or the customer company (``refs``) for masking."""
    best: tuple[float, Reason] = (0.0, Reason(""))
    if rm_strength is not None and rm_strength == rm_strength and rm_name:
        text = f"客户经理{rm_name}相识(强度{rm_strength:.1f})"
        best = max(best, (float(rm_strength), Reason(text, "rm_knows", (rm_id or rm_name,))))
    if customer:
        text = f"在本行客户{customer}任职/持股"
        best = max(best, (0.7, Reason(text, "customer_tie", (customer_id or customer,))))
    if known_customer_person:
        text = f"与本行客户人员{known_customer_person}相识"
        # the customer, and the branch that recorded the acquaintance (internal too)
        refs = (known_customer_id or known_customer_person, known_recorded_by or "")
        best = max(best, (0.4, Reason(text, "knows_customer_person", refs)))
    return best


def same_person(facts: ContactFacts) -> dict[str, str]:
    """Direct holders of the company that are one of its executives under another node.

    Sources key persons differently (an executive register by name + gender + age, a
    holder register by name + the company held), so the chairman who holds 30% may arrive
    as two nodes. Within one company a name is the holder register's own identity, so a
    person who holds the company directly and has no role there is taken to be the
    executive of the same name, when exactly one executive there has that name and that
    executive holds no shares under their own node. Returns holder id → executive id.

    Examples
    --------
    >>> f = ContactFacts("C", roles=[("e1", "chairman", False)], stakes={"h1": (30.0, 30.0)},
    ...                  names={"e1": "张三", "h1": "张三"})
    >>> same_person(f)
    {'h1': 'e1'}
    """
    by_name: dict[str, set[str]] = {}
    for pid, _, _ in facts.roles:
        if name := facts.names.get(pid):
            by_name.setdefault(name, set()).add(pid)
    role_ids = {pid for ids in by_name.values() for pid in ids}
    out = {}
    for pid, (direct, _) in facts.stakes.items():
        execs = by_name.get(facts.names.get(pid) or "", set())
        if direct > 0 and pid not in role_ids and len(execs) == 1:
            (exec_id,) = execs
            if facts.stakes.get(exec_id, (0.0, 0.0))[0] <= 0:
                out[pid] = exec_id
    return out


def rank_contacts(facts: ContactFacts, k: int | None = 5) -> list[KeyContact]:
    """Rank the persons to approach at ``facts.company_id``.

    Notes
    -----
    ``role`` = the highest seniority of the person's current roles at the company (ended
    roles × 0.4), or ``0.6 ×`` their seniority at a controlling shareholder;
    ``control`` = 1 for the actual controller, otherwise ``sqrt(min(1, stake/50))`` of the
    penetrated stake; ``reach`` from :func:`reach_of`; ``centrality =
    min(1, ln(1+PR)/ln(11))``. ``score = Σ WEIGHTS[c]·c``. Nominee-like persons are left out.
    A holder that :func:`same_person` matches to an executive is scored as that executive
    (its id listed in ``same_as``).

    Examples
    --------
    >>> f = ContactFacts("C", roles=[("p1", "chairman", False), ("p2", "cfo", False)])
    >>> [c.id for c in rank_contacts(f)]
    ['p1', 'p2']
    """
    comp: dict[str, dict[str, float]] = {}
    reasons: dict[str, list[Reason]] = {}
    alias = same_person(facts)
    merged: dict[str, list[str]] = {}
    for holder, executive in sorted(alias.items()):
        merged.setdefault(executive, []).append(holder)

    def bump(pid: str, key: str, value: float, reason: Reason) -> None:
        if pid in facts.nominees or is_nominee(facts.names.get(pid)):
            return
        pid = alias.get(pid, pid)
        c = comp.setdefault(pid, {"role": 0.0, "control": 0.0, "reach": 0.0, "centrality": 0.0})
        rs = reasons.setdefault(pid, [])
        if reason and reason not in rs:
            rs.append(reason)
        c[key] = max(c[key], value)

    for pid, role, ended in facts.roles:
        s = ROLE_SENIORITY.get(role, 0.4) * (0.4 if ended else 1.0)
        bump(
            pid, "role", s, Reason(ROLE_ZH.get(role, role) + ("(已离任)" if ended else ""), "role")
        )
    for pid, role, parent, pname in facts.parent_roles:
        s = PARENT_ROLE_FACTOR * ROLE_SENIORITY.get(role, 0.4)
        text = f"控股股东{pname or parent}的{ROLE_ZH.get(role, role)}"
        bump(pid, "role", s, Reason(text, "parent_role"))
    for pid, (direct, stake) in facts.stakes.items():
        if stake <= 0:
            continue
        text = (
            f"持股{direct:.2f}%"
            if direct and abs(direct - stake) < 1e-6
            else (f"穿透持股{stake:.2f}%" + (f"(直接{direct:.2f}%)" if direct else ""))
        )
        bump(pid, "control", math.sqrt(min(1.0, stake / 50.0)), Reason(text, "stake"))
    ctl = facts.controller
    if ctl is not None and ctl.controller_id and ctl.controller_label == "Person":
        if ctl.kind in CONTROL_KINDS:
            text, strength = f"实际控制人({KIND_ZH[ctl.kind]}, 表决权{ctl.votes:.1f}%)", 1.0
        else:
            text, strength = f"疑似实际控制人(第一大表决权{ctl.votes:.1f}%)", SUSPECTED_CONTROL
        bump(ctl.controller_id, "control", strength, Reason(text, "controller"))
    out = []
    for pid, c in comp.items():
        ids = [pid, *merged.get(pid, ())]
        reach, why = max(facts.reach.get(i, (0.0, "")) for i in ids)
        c["reach"] = reach
        if why:
            reasons[pid].append(why if isinstance(why, Reason) else Reason(why, "reach"))
        pr = max(facts.pagerank.get(i) or 0.0 for i in ids)
        c["centrality"] = min(1.0, math.log1p(max(pr, 0.0)) / math.log(11.0))
        score = sum(WEIGHTS[key] * v for key, v in c.items())
        out.append(
            KeyContact(
                pid,
                facts.names.get(pid, pid),
                score,
                tuple(reasons[pid]),
                0,
                dict(c),
                tuple(merged.get(pid, ())),
            )
        )
    out.sort(key=lambda x: (-x.score, x.id))
    return [
        KeyContact(x.id, x.name, x.score, x.reasons, i + 1, x.components, x.same_as)
        for i, x in enumerate(out[:k] if k else out)
    ]


def _facts_from_rows(
    company_id: str, holdings: list[dict], roles: list[dict], today: date
) -> ContactFacts:
    """The facts from ``scoring.key_contact_facts``: the holdings of the company's upstream
    graph and the roles at the company and at the companies above it."""
    hold = pd.DataFrame(
        holdings,
        columns=["holder_id", "holder_label", "holder_name", "nominee", "company_id", "pct"],
    )
    hold["pct"] = hold["pct"].fillna(0.0).astype(float)
    names = {r["holder_id"]: r["holder_name"] for r in holdings}
    names.update({r["person_id"]: r["name"] for r in roles})
    nominees = {r["holder_id"] for r in holdings if r["nominee"]}
    controller, stakes = None, {}
    if not hold.empty:
        parties = hold.rename(
            columns={"holder_id": "id", "holder_name": "name", "holder_label": "label"}
        )[["id", "name", "label", "nominee"]].drop_duplicates("id")
        penetrated = stakes_in(hold, company_id)
        controller = actual_controllers(
            hold,
            parties,
            [company_id],
            stakes={(p, company_id): s for p, s in penetrated.items()},
        )[company_id]
        labels = dict(zip(hold["holder_id"], hold["holder_label"], strict=True))
        direct = hold[hold["company_id"] == company_id].groupby("holder_id")["pct"].sum()
        stakes = person_stakes(penetrated, direct.to_dict(), labels)
    rows = (
        (r["person_id"], r["role"], r["company_id"], r["company_name"], r.get("until"))
        for r in roles
    )
    return assemble_facts(
        company_id, rows, stakes, controller, names=names, nominees=nominees, today=today
    )


def company_contacts(
    client: Gateway, company_id: str, k: int | None = 5, as_of: date | None = None
) -> list[KeyContact]:
    """Fetch the facts about ``company_id`` (two queries) and rank its key contacts. With
    ``as_of``: the holdings and roles valid on that date (docs/time.md); how the bank
    reaches each person (RM contacts, customers) stays today's.

    Raises
    ------
    NotFound
        When no company has that id.
    """
    if as_of is None:
        row = read_company(client, "scoring.key_contact_facts", company_id)[0]
    else:
        row = read_company(client, "time.key_contact_facts_as_of", company_id, as_of=as_of)[0]
    facts = _facts_from_rows(company_id, row["holdings"], row["roles"], as_of or date.today())
    persons = facts.candidates()
    for r in client.read("scoring.person_reach", ids=persons) if persons else []:
        facts.reach[r["id"]] = reach_of(
            r["rm_strength"],
            r["rm_name"],
            r["customer_name"],
            r["known_customer_person"],
            rm_id=r.get("rm_id"),
            customer_id=r.get("customer_id"),
            known_customer_id=r.get("known_customer_id"),
            known_recorded_by=r.get("known_recorded_by"),
        )
        facts.pagerank[r["id"]] = r["pagerank"] or 0.0
    return rank_contacts(facts, k)
