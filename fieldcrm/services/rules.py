"""Managers edit the strategic rules: list, validate, save, enable, delete, dry run, run.

Authorisation lives here (``rules.read`` / ``rules.edit``); evaluation is in
:mod:`fieldcrm.services.scoring`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, author_id
from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import InvalidInput
from fieldcrm.scoring.rules import load_text, parse_rule
from fieldcrm.services import scoring
from fieldcrm.store import rules as rule_store
from fieldcrm.store.rules import StoredRule


def list_rules(session: Session, *, actor: Actor) -> list[StoredRule]:
    """Every stored rule."""
    policy.require(actor, "rules.read")
    return scoring.list_rules(session)


def get_rule(session: Session, key: str, *, actor: Actor) -> StoredRule:
    """One rule by key."""
    policy.require(actor, "rules.read")
    return scoring.get_rule(session, key)


def validate(document: str, *, actor: Actor) -> str:
    """The key of the rule written in ``document`` (YAML) if valid; :class:`InvalidInput` naming each faulty part."""
    policy.require(actor, "rules.edit")
    data = load_text(document, source="rule")
    if not isinstance(data, Mapping):
        raise InvalidInput("rule", "must be a mapping with key, when and then")
    return parse_rule(data).key


def save_rule(session: Session, document: str, *, actor: Actor) -> StoredRule:
    """Validate and store one rule (a mapping with ``key``); replaces the rule with that key."""
    policy.require(actor, "rules.edit")
    return scoring.save_rule(session, document, actor_id=author_id(actor))


def set_enabled(session: Session, key: str, *, enabled: bool, actor: Actor) -> StoredRule:
    """Switch a rule on or off."""
    policy.require(actor, "rules.edit")
    rule = scoring.get_rule(session, key)
    stored = rule_store.save_rule(
        session,
        key=rule.key,
        definition=rule.definition,
        description=rule.description,
        enabled=enabled,
        actor_id=author_id(actor),
    )
    session.commit()
    return stored


def delete_rule(session: Session, key: str, *, actor: Actor) -> None:
    """Delete a rule (its past alerts stay)."""
    policy.require(actor, "rules.edit")
    scoring.delete_rule(session, key)


def run(
    session: Session,
    *,
    actor: Actor,
    as_of: dt.date | None = None,
    dry_run: bool = True,
    settings: Settings | None = None,
    draft: str | None = None,
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
    today = dt.datetime.now(ZoneInfo(cfg.scoring_timezone)).date()
    return scoring.run_rules(
        session, as_of=as_of or today, dry_run=dry_run, settings=cfg, draft=draft
    )
