"""Dry run of a draft rule (the editor's text) instead of the stored rules, on PostGIS."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import PACKAGE_DATA, Settings
from fieldcrm.errors import Forbidden, InvalidInput, NotFound
from fieldcrm.services import rules, scoring
from fieldcrm.store import rules as rule_store
from fieldcrm.store.tables import (
    AccountPriority,
    Alert,
    AssignmentChange,
    Delivery,
    Notification,
    Task,
)
from tests.services.scoring_world import World, add_account, user

AS_OF = dt.date(2026, 4, 2)
KEY = "declining-key-account"
WRITTEN = (Alert, Task, Notification, Delivery, AssignmentChange, AccountPriority)
NEW_KEY_DRAFT = """key: gros-potentiel
name: Gros potentiel
enabled: false
period: month
when:
  potential: {gt: 45000}
then:
  - alert: {to: owner, channels: [in_app], subject: "{account} : gros potentiel"}
  - task: {title: "Appeler {account}", due_in_days: 3}
  - priority: {add: 5}
"""


def cfg() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def world(db: Session) -> Actor:
    """LAMBDA SARL (CA −11.5 %), STABLE SA (CA −5 %), a stale prospect; the shipped rules.

    Returns the manager who edits the rules.
    """
    director = user(db, "directeur@acme.fr", "manager")
    rep = user(db, "paul.rep@acme.fr", "rep", manager_id=director.id)
    w = World()
    add_account(
        db,
        w,
        name="LAMBDA SARL",
        owner=rep,
        potential_eur_month=40_000,
        qualification="A",
        sales={"2025-03": 20_000, "2026-03": 17_700},
        visits=[dt.date(2025, 9, 25)],
    )
    add_account(
        db,
        w,
        name="STABLE SA",
        owner=rep,
        potential_eur_month=50_000,
        qualification="B",
        sales={"2025-03": 20_000, "2026-03": 19_000},
        visits=[dt.date(2025, 6, 1)],
    )
    add_account(
        db, w, name="NOUVEAU PROSPECT", kind="prospect", owner=rep, created=dt.date(2026, 1, 10)
    )
    for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
        scoring.import_rules(db, path.read_text(encoding="utf-8"))
    return Actor(id=director.id, role=Role.MANAGER, name="Directeur")


def written(db: Session) -> list[int]:
    """Rows of every table a real run writes to."""
    return [int(db.scalar(select(func.count()).select_from(m)) or 0) for m in WRITTEN]


def looser_draft(db: Session) -> str:
    """The stored declining-key-account rule with its threshold lowered from 10 % to 4 %."""
    stored = scoring.get_rule(db, KEY).definition
    draft = stored.replace("below_pct: 10", "below_pct: 4")
    assert draft != stored
    return draft


def test_a_draft_of_a_stored_rule_reports_the_drafts_firings_and_writes_nothing(
    db: Session,
) -> None:
    manager = world(db)
    stored_before = scoring.get_rule(db, KEY)
    stored_run = rules.run(db, actor=manager, as_of=AS_OF, settings=cfg())
    assert stored_run.draft is None
    assert stored_run.by_rule == {KEY: 1, "stale-prospect": 1}

    report = rules.run(db, actor=manager, as_of=AS_OF, settings=cfg(), draft=looser_draft(db))

    assert report.dry_run and report.draft == KEY and report.rules == 1
    assert report.by_rule == {KEY: 2} and report.firings == 2, "the draft only, not the others"
    assert [(f.rule_key, f.account) for f in report.fired] == [
        (KEY, "LAMBDA SARL"),
        (KEY, "STABLE SA"),
    ]
    stable = next(f for f in report.fired if f.account == "STABLE SA")
    assert "−5,0 %" in stable.subject, "texts rendered from the draft"
    assert written(db) == [0] * len(WRITTEN)
    assert scoring.get_rule(db, KEY) == stored_before, "the stored rule is unchanged"
    again = rules.run(db, actor=manager, as_of=AS_OF, settings=cfg())
    assert again.by_rule == stored_run.by_rule, "the stored rules still fire as before"


def test_a_draft_with_a_new_key_is_simulated_alone_even_disabled_and_not_stored(
    db: Session,
) -> None:
    manager = world(db)
    keys = [r.key for r in scoring.list_rules(db)]
    report = rules.run(db, actor=manager, as_of=AS_OF, settings=cfg(), draft=NEW_KEY_DRAFT)
    assert report.draft == "gros-potentiel"
    assert report.by_rule == {"gros-potentiel": 1}
    assert [(f.account, f.subject) for f in report.fired] == [
        ("STABLE SA", "STABLE SA : gros potentiel")
    ]
    assert [r.key for r in scoring.list_rules(db)] == keys
    with pytest.raises(NotFound):
        scoring.get_rule(db, "gros-potentiel")
    assert written(db) == [0] * len(WRITTEN)


def test_an_invalid_draft_names_the_faulty_part_as_saving_does_and_stores_nothing(
    db: Session,
) -> None:
    manager = world(db)
    stored_before = scoring.get_rule(db, KEY)
    bad = looser_draft(db).replace("gt: 30000", "gt: beaucoup")
    with pytest.raises(InvalidInput) as draft_error:
        rules.run(db, actor=manager, as_of=AS_OF, settings=cfg(), draft=bad)
    with pytest.raises(InvalidInput) as save_error:
        rules.save_rule(db, bad, actor=manager)
    assert draft_error.value.problems == save_error.value.problems
    assert [p.field for p in draft_error.value.problems] == ["when.potential.gt"]
    assert scoring.get_rule(db, KEY) == stored_before
    assert written(db) == [0] * len(WRITTEN)


def test_a_draft_is_for_a_dry_run_by_an_editor_only(db: Session) -> None:
    manager = world(db)
    draft = looser_draft(db)
    with pytest.raises(InvalidInput) as info:
        rules.run(db, actor=manager, as_of=AS_OF, dry_run=False, settings=cfg(), draft=draft)
    assert info.value.field == "draft"
    with pytest.raises(ValueError, match="dry run"):
        scoring.run_rules(db, as_of=AS_OF, dry_run=False, settings=cfg(), draft=draft)
    dispatcher = Actor(id=manager.id, role=Role.DISPATCHER)
    assert rules.run(db, actor=dispatcher, as_of=AS_OF, settings=cfg()).by_rule[KEY] == 1
    with pytest.raises(Forbidden):
        rules.run(db, actor=dispatcher, as_of=AS_OF, settings=cfg(), draft=draft)
    assert written(db) == [0] * len(WRITTEN)


def test_a_draft_can_fix_a_stored_rule_that_no_longer_validates(db: Session) -> None:
    manager = world(db)
    fixed = looser_draft(db)
    rule_store.save_rule(
        db, key=KEY, definition=fixed.replace("gt: 30000", "gt: beaucoup"), enabled=True
    )
    with pytest.raises(InvalidInput):
        rules.run(db, actor=manager, as_of=AS_OF, settings=cfg())
    report = rules.run(db, actor=manager, as_of=AS_OF, settings=cfg(), draft=fixed)
    assert report.by_rule == {KEY: 2}
