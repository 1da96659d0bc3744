"""Accounts: lists by role, the 360° view, nearby, report search, create and edit."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Body, Path, Query, Response

from fieldcrm.accounts.edits import check_changes
from fieldcrm.accounts.parse import account_from_row
from fieldcrm.api.deps import CurrentUser, IfMatch, SessionDep, etag
from fieldcrm.api.schemas.accounts import (
    AccountChanges,
    AccountOut,
    AccountViewOut,
    CreatedId,
    ReportHit,
)
from fieldcrm.geo import GeoPoint
from fieldcrm.services import accounts

router = APIRouter(prefix="/accounts", tags=["accounts"])
ACCOUNT_ID = Path(ge=1, le=2**31 - 1)


@router.get("", response_model=list[AccountOut])
def list_accounts(
    session: SessionDep,
    actor: CurrentUser,
    q: str | None = Query(None, max_length=200, description="Name, city, postcode or SIRET"),
    kind: str | None = Query(None, pattern="^(client|prospect)$"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> list[dict[str, Any]]:
    """Accounts the caller may see, best priority first."""
    rows = accounts.list_accounts(
        session, actor=actor, query=q, kind=kind, limit=limit, offset=offset
    )
    return [asdict(r) for r in rows]


@router.get("/nearby", response_model=list[AccountOut])
def nearby(
    session: SessionDep,
    actor: CurrentUser,
    lon: float = Query(..., ge=-180, le=180),
    lat: float = Query(..., ge=-90, le=90),
    radius_m: float = Query(5000, gt=0, le=accounts.MAX_RADIUS_M),
    limit: int = Query(50, ge=1, le=200),
) -> list[dict[str, Any]]:
    """Accounts around a point (a rep: own and unassigned prospects), by priority then distance."""
    rows = accounts.nearby(
        session, actor=actor, point=GeoPoint(lon, lat), radius_m=radius_m, limit=limit
    )
    return [asdict(r) for r in rows]


@router.get("/reports", response_model=list[ReportHit])
def search_reports(
    session: SessionDep, actor: CurrentUser, q: str = Query(..., min_length=1, max_length=200)
) -> list[dict[str, Any]]:
    """Visit reports matching a French full-text query (« remises » finds « remise »)."""
    return [asdict(h) for h in accounts.search_reports(session, actor=actor, query=q)]


@router.get("/{account_id}", response_model=AccountViewOut)
def account_view(
    session: SessionDep, actor: CurrentUser, response: Response, account_id: int = ACCOUNT_ID
) -> dict[str, Any]:
    """The 360° view: details, contacts, monthly sales, visits, alerts, appointments, priority.

    The ``ETag`` header is the account's version: send it as ``If-Match`` with a PATCH.
    """
    view = accounts.account_view(session, actor=actor, account_id=account_id)
    response.headers["ETag"] = etag(view.account.account.fields["version"])
    return {
        "account": asdict(view.account),
        "priority": asdict(view.priority) if view.priority else None,
        "tasks": [asdict(t) for t in view.tasks],
        "rhythm": asdict(view.rhythm) if view.rhythm else None,
    }


@router.post("", status_code=201, response_model=CreatedId)
def create_account(
    session: SessionDep, actor: CurrentUser, body: dict[str, Any] = Body(...)
) -> dict[str, int]:
    """Create an account from the same fields as the import (French numbers accepted); 422 names each bad field."""
    record = account_from_row(0, body)
    return {"id": accounts.create_account(session, actor=actor, record=record)}


@router.patch("/{account_id}", response_model=AccountChanges)
def update_account(
    session: SessionDep,
    actor: CurrentUser,
    response: Response,
    account_id: int = ACCOUNT_ID,
    changes: dict[str, Any] = Body(...),
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Change editable fields (audited); answers what changed, before and after.

    Optimistic concurrency: send the ``ETag`` of the GET as ``If-Match``; if someone edited
    the account since, the answer is 409 (« Ce compte a été modifié par … entre-temps ;
    rechargez la page. ») and nothing is changed. Without ``If-Match`` the answer is 428 and
    nothing is changed (``If-Match: *`` skips the check). The new ``ETag`` comes with the answer.
    """
    diff = accounts.update_account(
        session,
        actor=actor,
        account_id=account_id,
        changes=check_changes(changes),  # types, lengths, NUL, surrogates: 422 before writing
        expected_version=if_match,
    )
    response.headers["ETag"] = etag(
        accounts.account_version(session, actor=actor, account_id=account_id)
    )
    return {field: {"before": before, "after": after} for field, (before, after) in diff.items()}
