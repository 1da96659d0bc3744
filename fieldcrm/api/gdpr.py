"""RGPD (admins): export and erase a contact, prospects past the retention period."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Body, Path

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.api.schemas.rules import ContactExport, Deleted, Scrubbed, StaleProspect
from fieldcrm.http.deps import allowed_to
from fieldcrm.services import gdpr

router = APIRouter(prefix="/gdpr", tags=["gdpr"])
CONTACT_ID = Path(ge=1, le=2**31 - 1)


@router.get("/contacts/{contact_id}", response_model=ContactExport)
def export_contact(
    session: SessionDep, actor: CurrentUser, contact_id: int = CONTACT_ID
) -> dict[str, Any]:
    """Everything held about one contact."""
    return gdpr.export_contact(session, actor=actor, contact_id=contact_id)


@router.delete("/contacts/{contact_id}", response_model=Scrubbed)
def erase_contact(
    session: SessionDep, actor: CurrentUser, contact_id: int = CONTACT_ID
) -> dict[str, int]:
    """Erase a contact; messages naming it are blanked; the audit log keeps only the erasure."""
    return {"messages_scrubbed": gdpr.erase_contact(session, actor=actor, contact_id=contact_id)}


@router.get("/stale-prospects", response_model=list[StaleProspect])
def stale_prospects(
    session: SessionDep, actor: CurrentUser, settings: SettingsDep
) -> list[dict[str, Any]]:
    """Prospects without any contact for the retention period (setting ``prospect_retention_days``)."""
    rows = gdpr.stale_prospects(
        session, actor=actor, retention_days=settings.prospect_retention_days
    )
    return [asdict(r) for r in rows]


@router.post("/stale-prospects/delete", response_model=Deleted, dependencies=[allowed_to("gdpr")])
def delete_stale(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    ids: list[int] = Body(..., embed=True, max_length=10_000),
) -> dict[str, int]:
    """Delete the chosen prospects that are still past the retention period."""
    deleted = gdpr.delete_stale_prospects(
        session, actor=actor, ids=ids, retention_days=settings.prospect_retention_days
    )
    return {"deleted": deleted}
