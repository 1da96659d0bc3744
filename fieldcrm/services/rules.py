"""Managers edit the strategic rules: list, validate, save, enable, delete, dry run, run.

Authorisation lives here (``rules.read`` / ``rules.edit``); evaluation is in
:mod:`fieldcrm.services.scoring`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm import trip_job_text
from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, author_id
from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import FieldcrmError, Forbidden, InvalidInput
from fieldcrm.scoring.rules import Rule, load_text
from fieldcrm.services import jobs, plan_dates, scoring
from fieldcrm.store import jobs as job_store
from fieldcrm.store import rules as rule_store
from fieldcrm.store import versions
from fieldcrm.store.rules import StoredRule


def list_rules(session: Session, *, actor: Actor) -> list[StoredRule]:
    """Every stored rule."""
    policy.require(actor, "rules.read")
    return scoring.list_rules(session)


def get_rule(session: Session, key: str, *, actor: Actor) -> StoredRule:
    """One rule by key."""
    policy.require(actor, "rules.read")
    return scoring.get_rule(session, key)


def validate(session: Session, document: str, *, actor: Actor) -> str:
    """The key of the rule written in ``document`` (YAML) if valid; :class:`InvalidInput`
    naming each faulty part. The one check of a rule being written, for the editor and the
    API alike: :func:`fieldcrm.services.scoring.parse_draft` (its name's length, the users
    it names among the active ones)."""
    return _valid(session, document, actor=actor).key


def _valid(session: Session, document: str, *, actor: Actor) -> Rule:
    policy.require(actor, "rules.edit")
    if not document.strip():
        raise InvalidInput("rule", "the rule is empty")
    data = load_text(document, source="rule")
    if not isinstance(data, Mapping):
        raise InvalidInput("rule", "must be a mapping with key, when and then")
    return scoring.parse_draft(session, data)[1]


def check(
    session: Session, document: str, *, actor: Actor, lang: str = "fr"
) -> tuple[str, scoring.RuleAbout]:
    """The key of the rule written in ``document`` if valid (as :func:`validate`) and what
    the editor says of it to a reader of ``lang`` (:func:`fieldcrm.services.scoring.about`)."""
    rule = _valid(session, document, actor=actor)
    return rule.key, scoring.about(rule, lang=lang)


def save_rule(
    session: Session, document: str, *, actor: Actor, expected_version: versions.Expected = None
) -> StoredRule:
    """Validate and store one rule (a mapping with ``key``); replaces the rule with that key.

    Replacing checks ``expected_version`` (the version the editor read; 409 naming who edited
    meanwhile, nothing saved); ``None`` skips the check; :data:`~fieldcrm.store.versions.UNSENT`
    (an API client without ``If-Match``) may create a rule but not replace one (428)."""
    key = validate(session, document, actor=actor)
    rule_id = rule_store.rule_ids(session).get(key)
    version = 1
    if rule_id is not None:
        version = versions.claim(
            session, "rules", rule_id, expected=expected_version, actor_id=author_id(actor)
        )
    stored = scoring.save_rule(session, document, actor_id=author_id(actor))
    return replace(stored, version=version)


def set_enabled(
    session: Session,
    key: str,
    *,
    enabled: bool,
    actor: Actor,
    expected_version: versions.Expected = None,
) -> StoredRule:
    """Switch a rule on or off (checking ``expected_version`` as :func:`save_rule`); the rules
    are evaluated again at once (queued)."""
    policy.require(actor, "rules.edit")
    rule = scoring.get_rule(session, key)
    version = versions.claim(
        session, "rules", rule.id, expected=expected_version, actor_id=author_id(actor)
    )
    stored = rule_store.save_rule(
        session,
        key=rule.key,
        definition=rule.definition,
        description=rule.description,
        enabled=enabled,
        actor_id=author_id(actor),
    )
    job_store.defer_rules(session, at_once=True)  # its alerts and priority points follow
    session.commit()
    return replace(stored, version=version)


def delete_rule(
    session: Session, key: str, *, actor: Actor, expected_version: versions.Expected = None
) -> None:
    """Delete a rule (its past alerts stay), checking ``expected_version`` as :func:`save_rule`."""
    policy.require(actor, "rules.edit")
    if expected_version is not None:
        rule = scoring.get_rule(session, key)
        versions.claim(
            session, "rules", rule.id, expected=expected_version, actor_id=author_id(actor)
        )
    scoring.delete_rule(session, key)


def open_alerts_by_rule(session: Session, *, actor: Actor) -> dict[str, int]:
    """Open alerts per rule key: what a rule's deletion leaves behind (they stay open)."""
    policy.require(actor, "rules.read")
    return rule_store.open_alerts_by_rule(session)


def rule_names(session: Session, *, actor: Actor, lang: str = "fr") -> dict[str, str]:
    """Each stored rule's name by key, in ``lang`` if the rule gives it (what the list and
    the confirmation of a deletion name)."""
    policy.require(actor, "rules.read")
    return scoring.rule_names(session, lang=lang)


def rule_about(session: Session, *, actor: Actor, lang: str = "fr") -> dict[str, scoring.RuleAbout]:
    """Each stored rule's description and conditions by key, for a reader of ``lang`` (what
    the rules list says of it)."""
    policy.require(actor, "rules.read")
    return scoring.rule_about(session, lang=lang)


def run(
    session: Session,
    *,
    actor: Actor,
    as_of: dt.date | None = None,
    dry_run: bool = True,
    settings: Settings | None = None,
    draft: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> scoring.RunReport:
    """Evaluate the enabled rules; a dry run lists what would fire and writes nothing.

    With ``draft`` (one rule as YAML, as in the editor; dry run only, ``rules.edit``), the
    draft is evaluated instead of the stored rules and the report lists its firings only,
    as if it replaced the stored rule of its key (or alone for a new key); an invalid draft
    raises InvalidInput naming each faulty part, as saving it would. ``as_of`` defaults to
    today in the company's time zone.
    """
    policy.require(actor, "rules.read" if dry_run and draft is None else "rules.edit")
    if draft is not None and not dry_run:
        raise InvalidInput("draft", "a draft rule can only be dry run; save it first")
    cfg = settings or get_settings()
    today = dt.datetime.now(plan_dates.company_zone(cfg)).date()
    return scoring.run_rules(
        session,
        as_of=as_of or today,
        dry_run=dry_run,
        settings=cfg,
        draft=draft,
        progress=progress,
    )


# ------------------------------------------------------------------ the dry run as a job
DRY_RUN_KIND = "rules_dry_run"


def _today(settings: Settings) -> dt.date:
    return dt.datetime.now(plan_dates.company_zone(settings)).date()


def start_dry_run(
    session: Session,
    *,
    actor: Actor,
    settings: Settings,
    as_of: dt.date | None = None,
    draft: str | None = None,
) -> int:
    """Queue a dry run (of ``draft``, else of the enabled stored rules) for a worker; the
    job's id. Refused at once, nothing queued: missing rights, an invalid draft
    (:class:`InvalidInput` naming each faulty part)."""
    policy.require(actor, "rules.read" if draft is None else "rules.edit")
    key = validate(session, draft, actor=actor) if draft is not None else None
    day = as_of or _today(settings)
    label = (
        f"Essai à blanc du brouillon « {key} » au {day:%d/%m/%Y}"
        if key
        else f"Essai à blanc des règles au {day:%d/%m/%Y}"
    )
    job_id = job_store.create_job(
        session,
        kind=DRY_RUN_KIND,
        label=label,
        user_id=author_id(actor),
        params={
            "actor": jobs.actor_params(actor),
            "as_of": day.isoformat(),
            "draft": draft,
            "key": key,
        },
    )
    job_store.defer(session, job_store.RULES_DRY_RUN, {"job_id": job_id})
    session.commit()
    return job_id


def dry_run_result(report: scoring.RunReport) -> dict[str, Any]:
    """What a dry run found, as JSON data (the shape of ``POST /api/rules/dry-run``)."""
    return {
        "as_of": report.as_of.isoformat(),
        "dry_run": True,
        "draft": report.draft,
        "rules": report.rules,
        "accounts": report.accounts,
        "firings": report.firings,
        "by_rule": report.by_rule,
        "rule_names": report.rule_names,
        "texts": report.texts,
        "fired": [asdict(f) for f in report.fired],
        "seconds": report.seconds,
    }


DRY_RUN_LEAD_INS: dict[trip_job_text.Kind, str] = {
    "forbidden": "Vous ne pouvez plus faire cet essai : %(why)s",
    "refused": "Essai impossible : %(why)s",
}
"""The lead-in of a refused dry run by its kind, the reason in ``%(why)s`` (catalogue
msgids: the job keeps the French, a page words it for its reader,
:func:`fieldcrm.http.error_text.job_error_text`)."""


def dry_run_failure(exc: FieldcrmError) -> str:
    """The French sentence a refused dry run ends its job with."""
    kind: trip_job_text.Kind = "forbidden" if isinstance(exc, Forbidden) else "refused"
    return DRY_RUN_LEAD_INS[kind] % {"why": exc}


def dry_run_failure_details(exc: FieldcrmError) -> dict[str, Any] | None:
    """What a dry run refused for its input keeps with its failed job, to be worded in its
    reader's language (``problems``, :func:`fieldcrm.services.jobs.problems_data`)."""
    return {"problems": jobs.problems_data(exc)} if isinstance(exc, InvalidInput) else None


def run_dry_run_job(sessions: Callable[[], Session], job_id: int, *, settings: Settings) -> None:
    """Run a queued dry run (the worker calls this): a step of the progress bar per stage
    of the evaluation, then :func:`dry_run_result`. Nothing else is written; run again
    after an interruption, it starts over. The starter's rights are checked again."""
    with sessions() as session:
        job = job_store.job(session, job_id)
        if job is None or job.status != "queued" or job.kind != DRY_RUN_KIND:
            return
        params = job.params
        job_store.mark_running(
            session, job_id, total=scoring.RUN_STEPS, now=dt.datetime.now(dt.UTC)
        )
        session.commit()
    with sessions() as progress_session, sessions() as session:

        def progress(step: int) -> None:
            job_store.set_progress(progress_session, job_id, step)
            progress_session.commit()

        def dry_run() -> dict[str, Any]:
            report = run(
                session,
                actor=jobs.starter(session, params["actor"]),
                as_of=dt.date.fromisoformat(params["as_of"]),
                dry_run=True,
                settings=settings,
                draft=params["draft"],
                progress=progress,
            )
            return dry_run_result(report)

        jobs.finish_job(
            session,
            job_id,
            dry_run,
            unexpected="erreur inattendue pendant l’essai à blanc",
            reason=dry_run_failure,
            details=dry_run_failure_details,
        )
