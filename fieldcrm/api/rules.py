"""Strategic rules: list, read, validate, save, enable, delete, dry run, run."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Body, Path

from fieldcrm.api.deps import CurrentUser, SessionDep, SettingsDep
from fieldcrm.http.deps import WorkDate
from fieldcrm.services import rules

router = APIRouter(prefix="/rules", tags=["rules"])
KEY = Path(min_length=1, max_length=200)
YAML = Body(
    ..., media_type="application/yaml", description="One rule as YAML (key, name, when, then)"
)


@router.get("")
def list_rules(session: SessionDep, actor: CurrentUser) -> list[dict[str, Any]]:
    """Every stored rule with its YAML definition."""
    return [asdict(r) for r in rules.list_rules(session, actor=actor)]


@router.post("/validate")
def validate(actor: CurrentUser, document: str = YAML) -> dict[str, Any]:
    """Check a rule without saving it: 200 with its key, or 422 naming every faulty part."""
    return {"valid": True, "key": rules.validate(document, actor=actor)}


@router.put("")
def save(session: SessionDep, actor: CurrentUser, document: str = YAML) -> dict[str, Any]:
    """Save one rule (replaces the rule with the same key)."""
    return asdict(rules.save_rule(session, document, actor=actor))


@router.post("/dry-run")
def dry_run(
    session: SessionDep, actor: CurrentUser, settings: SettingsDep, as_of: WorkDate | None = None
) -> dict[str, Any]:
    """What the enabled rules would fire today (or on ``as_of``); nothing is written."""
    return asdict(rules.run(session, actor=actor, as_of=as_of, dry_run=True, settings=settings))


@router.post("/run")
def run(
    session: SessionDep, actor: CurrentUser, settings: SettingsDep, as_of: WorkDate | None = None
) -> dict[str, Any]:
    """Evaluate the rules for real: alerts, tasks, reassignments, priorities (idempotent per period)."""
    report = asdict(rules.run(session, actor=actor, as_of=as_of, dry_run=False, settings=settings))
    report["fired"] = report["fired"][:100]
    return report


@router.get("/{key}")
def get_rule(session: SessionDep, actor: CurrentUser, key: str = KEY) -> dict[str, Any]:
    """One rule."""
    return asdict(rules.get_rule(session, key, actor=actor))


@router.post("/{key}/enabled")
def set_enabled(
    session: SessionDep, actor: CurrentUser, key: str = KEY, enabled: bool = Body(..., embed=True)
) -> dict[str, Any]:
    """Switch a rule on or off."""
    return asdict(rules.set_enabled(session, key, enabled=enabled, actor=actor))


@router.delete("/{key}", status_code=204)
def delete(session: SessionDep, actor: CurrentUser, key: str = KEY) -> None:
    """Delete a rule; its past alerts stay."""
    rules.delete_rule(session, key, actor=actor)
