"""Strategic rules: list, read, validate, save, enable, delete, dry run, run."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Body, Path, Response
from pydantic import BaseModel, Field

from fieldcrm.api.deps import CurrentUser, IfMatch, SessionDep, SettingsDep, etag
from fieldcrm.api.jobs import JobOut, job_out
from fieldcrm.api.schemas.rules import RuleValid, RunReport, StoredRule
from fieldcrm.errors import InvalidInput
from fieldcrm.http.deps import WorkDate, allowed_to
from fieldcrm.services import jobs, rules

router = APIRouter(prefix="/rules", tags=["rules"])
KEY = Path(min_length=1, max_length=200)
YAML = Body(
    ..., media_type="application/yaml", description="One rule as YAML (key, name, when, then)"
)
DRAFT = Body(
    None,
    media_type="application/yaml",
    max_length=50_000,
    description="Optional draft of one rule as YAML: dry-run it instead of the stored rules",
)


def _text(body: bytes) -> str:
    """A YAML body as text; bytes that are not UTF-8 are a 422, not a server error."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("document", "must be UTF-8 text", value=f"byte {exc.start}") from None


@router.get("", response_model=list[StoredRule])
def list_rules(session: SessionDep, actor: CurrentUser) -> list[dict[str, Any]]:
    """Every stored rule with its YAML definition."""
    return [asdict(r) for r in rules.list_rules(session, actor=actor)]


@router.post("/validate", response_model=RuleValid, dependencies=[allowed_to("rules.edit")])
def validate(session: SessionDep, actor: CurrentUser, document: bytes = YAML) -> dict[str, Any]:
    """Check a rule without saving it: 200 with its key, or 422 naming every faulty part
    (the same check as saving it: its name's length, the users it names among the active
    ones)."""
    return {"valid": True, "key": rules.validate(session, _text(document), actor=actor)}


@router.put("", response_model=StoredRule, dependencies=[allowed_to("rules.edit")])
def save(
    session: SessionDep,
    actor: CurrentUser,
    response: Response,
    document: bytes = YAML,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Save one rule (replaces the rule with the same key). Replacing needs ``If-Match`` (the
    ``ETag``/``version`` read; 428 without): 409 in French if someone changed the rule since.
    A new key needs none."""
    saved = rules.save_rule(session, _text(document), actor=actor, expected_version=if_match)
    response.headers["ETag"] = etag(saved.version)
    return asdict(saved)


class FiredOut(BaseModel):
    """One rule that would fire for one account."""

    rule_key: str
    account_id: int
    account: str
    period: str
    subject: str
    message: str
    values: dict[str, Any] | None = Field(
        None,
        description="The values of its texts as data (a rule with texts in other languages)",
    )


class DryRunOut(BaseModel):
    """What a dry run found; nothing was written."""

    as_of: dt.date
    dry_run: bool = True
    draft: str | None = Field(
        None, description="Key of the draft evaluated instead of the stored rules, if one was sent"
    )
    rules: int = Field(description="Rules evaluated (1 for a draft)")
    accounts: int
    firings: int = Field(description="Firings counted, all of them")
    by_rule: dict[str, int]
    rule_names: dict[str, str] = Field(
        default_factory=dict, description="The name of each rule evaluated, by key"
    )
    texts: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="The texts per language of each rule that gives some in other languages",
    )
    fired: list[FiredOut] = Field(description="The first firings (up to 1000)")
    seconds: dict[str, float]


@router.post("/dry-run/jobs", status_code=202)
def queue_dry_run(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    as_of: WorkDate | None = None,
    draft: bytes | None = DRAFT,
) -> JobOut:
    """Queue the same dry run for a worker and answer at once (a run over many accounts
    takes a while); follow it at ``GET /jobs/{id}``, whose ``result`` is this endpoint's
    ``/dry-run`` answer. An invalid draft or missing rights are refused at once (nothing is
    queued); the rights are checked again when the job runs."""
    job_id = rules.start_dry_run(
        session,
        actor=actor,
        settings=settings,
        as_of=as_of,
        draft=_text(draft) if draft else None,
    )
    return job_out(jobs.job_view(session, job_id, actor=actor))


@router.post("/dry-run")
def dry_run(
    session: SessionDep,
    actor: CurrentUser,
    settings: SettingsDep,
    as_of: WorkDate | None = None,
    draft: bytes | None = DRAFT,
) -> DryRunOut:
    """What the enabled rules would fire today (or on ``as_of``); nothing is written.

    With a draft rule as the YAML body (needs ``rules.edit``), only that draft is evaluated,
    as if it replaced the stored rule of its key (or alone for a new key), and only its
    firings are reported; an invalid draft is a 422 naming every faulty part, as saving it.
    """
    report = rules.run(
        session,
        actor=actor,
        as_of=as_of,
        dry_run=True,
        settings=settings,
        draft=_text(draft) if draft else None,
    )
    return DryRunOut.model_validate(asdict(report))


@router.post("/run", response_model=RunReport)
def run(
    session: SessionDep, actor: CurrentUser, settings: SettingsDep, as_of: WorkDate | None = None
) -> dict[str, Any]:
    """Evaluate the rules for real: alerts, tasks, reassignments, priorities (idempotent per period)."""
    report = asdict(rules.run(session, actor=actor, as_of=as_of, dry_run=False, settings=settings))
    report["fired"] = report["fired"][:100]
    return report


@router.get("/{key}", response_model=StoredRule)
def get_rule(
    session: SessionDep, actor: CurrentUser, response: Response, key: str = KEY
) -> dict[str, Any]:
    """One rule; its ``ETag`` is its version (send it as ``If-Match`` to edit)."""
    rule = rules.get_rule(session, key, actor=actor)
    response.headers["ETag"] = etag(rule.version)
    return asdict(rule)


@router.post("/{key}/enabled", response_model=StoredRule, dependencies=[allowed_to("rules.edit")])
def set_enabled(
    session: SessionDep,
    actor: CurrentUser,
    response: Response,
    key: str = KEY,
    enabled: bool = Body(..., embed=True),
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Switch a rule on or off (``If-Match``: 409 if the rule changed since it was read, 428
    without)."""
    rule = rules.set_enabled(session, key, enabled=enabled, actor=actor, expected_version=if_match)
    response.headers["ETag"] = etag(rule.version)
    return asdict(rule)


@router.delete("/{key}", status_code=204)
def delete(
    session: SessionDep, actor: CurrentUser, key: str = KEY, if_match: IfMatch = None
) -> None:
    """Delete a rule; its past alerts stay (``If-Match``: 409 if it changed since it was
    read, 428 without)."""
    rules.delete_rule(session, key, actor=actor, expected_version=if_match)
