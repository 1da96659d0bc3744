"""Planning use cases: plan a rep's day or trip, read stored plans, accept or reject proposals.

``plan_day``/``plan_trip`` read the rep and the fixed appointments, draw the detour corridor
around them, take the best-scored visible accounts inside it (one PostGIS query), get travel
times (road graph, or crow-fly where the graph does not reach), run the OR-Tools planner, store
the plan with its proposals, and commit once. Deciding a proposal books an appointment at its
slot when accepted. Every use case authorises first (action ``"plan"`` on the rep).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor
from fieldcrm.store import plans as store
from fieldcrm.store.plans import PlanRow, ProposalRow


@dataclass(frozen=True)
class Decision:
    """The outcome of accepting or rejecting a proposal."""

    proposal: ProposalRow
    appointment_id: int | None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (ISO dates)."""
        return {"proposal": proposal_json(self.proposal), "appointment_id": self.appointment_id}


def proposal_json(p: ProposalRow) -> dict[str, Any]:
    """A stored proposal as a JSON-ready dict."""
    out = asdict(p)
    for key in ("slot_start", "slot_end", "decided_at"):
        value = out[key]
        out[key] = value.isoformat() if value is not None else None
    return out


def plan_json(plan: PlanRow) -> dict[str, Any]:
    """A stored plan as a JSON-ready dict: its fields, the planner result, the proposals."""
    return {
        "id": plan.id,
        "rep_id": plan.rep_id,
        "kind": plan.kind,
        "day": plan.day.isoformat(),
        "end_day": plan.end_day.isoformat() if plan.end_day else None,
        "status": plan.status,
        "created_by": plan.created_by,
        "created_at": plan.created_at.isoformat(),
        "request": plan.request,
        "result": plan.result,
        "proposals": [proposal_json(p) for p in plan.proposals],
    }


def get_plan(session: Session, *, actor: Actor, plan_id: int) -> PlanRow:
    """A stored plan, if the actor may plan for its rep."""
    plan = store.get_plan(session, plan_id)
    policy.require(actor, "plan", owner_id=plan.rep_id)
    return plan


def list_plans(
    session: Session, *, actor: Actor, rep_id: int, day: dt.date | None = None, limit: int = 20
) -> list[PlanRow]:
    """The rep's latest plans (covering ``day`` if given), newest first."""
    policy.require(actor, "plan", owner_id=rep_id)
    return store.list_plans(session, rep_id=rep_id, day=day, limit=limit)


def decide_proposal(
    session: Session,
    *,
    actor: Actor,
    proposal_id: int,
    accept: bool,
    start: dt.datetime | None = None,
) -> Decision:
    """Accept (book an appointment at the slot, or at ``start`` inside it) or reject."""
    proposal = store.get_proposal(session, proposal_id)
    policy.require(actor, "plan", owner_id=proposal.rep_id)
    decided, appointment_id = store.decide_proposal(
        session, proposal_id, accept=accept, start=start
    )
    session.commit()
    return Decision(proposal=decided, appointment_id=appointment_id)
