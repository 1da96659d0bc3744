"""Scoring use cases end to end on PostGIS, with real SMTP and SMS servers on loopback."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import PACKAGE_DATA, Settings
from fieldcrm.errors import InvalidInput
from fieldcrm.services import notifications, rules, scoring
from fieldcrm.store import jobs as job_store
from fieldcrm.store import notifications as notification_store
from fieldcrm.store.tables import (
    AccountAssignment,
    AccountPriority,
    Alert,
    AssignmentChange,
    Contact,
    ContactDate,
    Delivery,
    Notification,
    Task,
)
from tests.services.loopback import free_port, sms_webhook, smtp_server
from tests.services.scoring_world import World, add_account, user

AS_OF = dt.date(2026, 4, 2)
RULES = PACKAGE_DATA / "rules"


def cfg(**kw: object) -> Settings:
    return Settings(_env_file=None, sms_webhook_token="s3cret", **kw)  # type: ignore[arg-type]


def lambda_world(db: Session) -> dict[str, object]:
    """The brief's story: LAMBDA SARL, its rep, the sales director."""
    director = user(db, "directeur@acme.fr", "manager", phone="06 11 22 33 44")
    rep = user(db, "paul.rep@acme.fr", "rep", manager_id=director.id, phone="0612345678")
    other = user(db, "autre.directrice@acme.fr", "manager")
    world = World()
    lam = add_account(
        db,
        world,
        name="LAMBDA SARL",
        owner=rep,
        potential_eur_month=40_000,
        qualification="A",
        sector="BTP",
        sales={"2025-03": 20_000, "2026-03": 17_700, "2026-02": 16_000},
        visits=[dt.date(2025, 9, 25)],
    )
    quiet = add_account(
        db,
        world,
        name="STABLE SA",
        owner=rep,
        potential_eur_month=50_000,
        qualification="B",
        sales={"2025-03": 20_000, "2026-03": 19_000},
        visits=[dt.date(2025, 6, 1)],
    )
    prospect = add_account(
        db,
        world,
        name="NOUVEAU PROSPECT",
        kind="prospect",
        owner=rep,
        created=dt.date(2026, 1, 10),
    )
    for path in sorted(RULES.glob("*.yaml")):
        scoring.import_rules(db, path.read_text())
    return {
        "rep": rep,
        "director": director,
        "other": other,
        "lambda": lam,
        "quiet": quiet,
        "prospect": prospect,
    }


def count(db: Session, model: type) -> int:
    return int(db.scalar(select(func.count()).select_from(model)))


def test_lambda_sarl_alert_reaches_the_rep_with_copy_to_the_director(db: Session) -> None:
    w = lambda_world(db)
    report = scoring.run_rules(db, as_of=AS_OF, settings=cfg())
    assert report.by_rule == {"declining-key-account": 1, "stale-prospect": 1}
    assert report.new_alerts == 2

    alert = db.scalars(select(Alert).where(Alert.rule_key == "declining-key-account")).one()
    assert (alert.account_id, alert.period, alert.recipient_id) == (
        w["lambda"].id,
        "2026-04",
        w["rep"].id,
    )  # type: ignore[attr-defined]
    assert "−11,5 %" in alert.message and "LAMBDA SARL" in alert.message
    task = db.scalars(select(Task).where(Task.alert_id == alert.id)).one()
    assert (task.assignee_id, task.due_date) == (w["rep"].id, dt.date(2026, 4, 16))  # type: ignore[attr-defined]
    channels = sorted(
        (n.channel, n.user_id)
        for n in db.scalars(select(Notification).where(Notification.alert_id == alert.id))
    )
    rep_id, dir_id = w["rep"].id, w["director"].id  # type: ignore[attr-defined]
    # email: one mail to the rep with the director in Cc; in-app and SMS for both
    assert channels == sorted(
        [
            ("email", rep_id),
            ("in_app", rep_id),
            ("in_app", dir_id),
            ("sms", rep_id),
            ("sms", dir_id),
        ]
    )
    lam = db.get(AccountPriority, w["lambda"].id)  # type: ignore[attr-defined]
    assert lam is not None
    db.refresh(lam)
    assert lam.band in ("high", "urgent")
    assert (lam.rule_keys, lam.rule_points) == (["declining-key-account"], [30])

    with smtp_server() as (port, box), sms_webhook() as (url, texts):
        sent = notifications.deliver_pending(
            db, now=dt.datetime.now(dt.UTC), settings=cfg(smtp_port=port, sms_webhook_url=url)
        )
    assert sent.retry == sent.failed == 0 and sent.sent == count(db, Notification)
    mails = [m for _, m in box.messages if "LAMBDA SARL" in m["Subject"]]
    assert len(mails) == 1
    rcpts, mail = next((r, m) for r, m in box.messages if "LAMBDA SARL" in m["Subject"])
    assert mail["To"] == "paul.rep@acme.fr" and mail["Cc"] == "directeur@acme.fr"
    assert sorted(rcpts) == ["directeur@acme.fr", "paul.rep@acme.fr"]
    assert "−11,5 %" in mail["Subject"]
    body = mail.get_content()
    assert "17 700 €" in body and "20 000 €" in body and "189 jours" in body
    assert "autre.directrice" not in str(rcpts)  # the rep's own director only
    numbers = sorted(t["json"]["to"] for t in texts if "LAMBDA" in t["json"]["text"])
    assert numbers == ["+33611223344", "+33612345678"]
    assert all(t["auth"] == "Bearer s3cret" for t in texts)
    assert count(db, Delivery) == count(db, Notification)

    inbox = notification_store.inbox(db, dir_id)
    assert [i.account_name for i in inbox if i.rule_key == "declining-key-account"] == [
        "LAMBDA SARL"
    ]


def test_two_runs_the_same_day_raise_no_duplicate(db: Session) -> None:
    lambda_world(db)
    first = scoring.run_rules(db, as_of=AS_OF, settings=cfg())
    counts = [count(db, m) for m in (Alert, Notification, Task)]
    second = scoring.run_rules(db, as_of=AS_OF, settings=cfg(), keep=0)
    assert first.new_alerts == 2 and second.new_alerts == 0 and second.by_rule == first.by_rule
    scored = count(db, AccountPriority)
    assert first.priorities_updated == scored > 0 and second.priorities_updated == 0
    assert [count(db, m) for m in (Alert, Notification, Task)] == counts
    later = scoring.run_rules(db, as_of=dt.date(2026, 4, 20), settings=cfg())
    assert later.new_alerts == 0  # same monthly period
    assert [count(db, m) for m in (Alert, Notification, Task)] == counts


def test_dry_run_lists_what_would_fire_and_writes_nothing(db: Session) -> None:
    w = lambda_world(db)
    before = db.execute(
        text("SELECT md5(string_agg(a::text, '' ORDER BY id)) FROM accounts a")
    ).scalar()
    report = scoring.run_rules(db, as_of=AS_OF, dry_run=True, settings=cfg())
    assert {(f.rule_key, f.account) for f in report.fired} == {
        ("declining-key-account", "LAMBDA SARL"),
        ("stale-prospect", "NOUVEAU PROSPECT"),
    }
    assert any("−11,5 %" in f.subject for f in report.fired)
    assert [count(db, m) for m in (Alert, Notification, Task, AssignmentChange)] == [0, 0, 0, 0]
    after = db.execute(
        text("SELECT md5(string_agg(a::text, '' ORDER BY id)) FROM accounts a")
    ).scalar()
    assert after == before
    assert db.get(AccountPriority, w["lambda"].id) is None  # type: ignore[attr-defined]


def test_failed_delivery_is_retried_later_and_never_lost(db: Session) -> None:
    lambda_world(db)
    scoring.run_rules(db, as_of=AS_OF, settings=cfg())
    NOW = dt.datetime.now(dt.UTC)
    port = free_port()  # nothing listens there yet
    settings = cfg(smtp_port=port, notify_retry_base_s=60, notify_timeout_s=2)
    with sms_webhook(status=503) as (url, _):
        first = notifications.deliver_pending(
            db, now=NOW, settings=settings.model_copy(update={"sms_webhook_url": url})
        )
    assert first.retry == 4 and first.failed == 0  # 2 mails + 2 SMS, all transient failures
    mail = db.scalars(select(Notification).where(Notification.channel == "email")).first()
    assert mail is not None and mail.status == "retry" and mail.attempts == 1
    assert mail.next_attempt_at == NOW + dt.timedelta(seconds=60)
    assert notification_store.deliveries_of(db, mail.id)[0][:2] == (1, "failed")

    # Not due yet: nothing is attempted.
    assert (
        notifications.deliver_pending(
            db, now=NOW + dt.timedelta(seconds=30), settings=settings
        ).sent
        == 0
    )
    with smtp_server(port) as (_, box), sms_webhook() as (url, texts):
        again = notifications.deliver_pending(
            db,
            now=NOW + dt.timedelta(minutes=2),
            settings=settings.model_copy(update={"sms_webhook_url": url}),
        )
    assert again.retry == 0 and again.sent == 4
    assert len(box.messages) == 2 and len(texts) == 2
    db.refresh(mail)
    assert mail.status == "sent" and mail.attempts == 2
    assert [s for _, s, _ in notification_store.deliveries_of(db, mail.id)] == ["failed", "sent"]
    assert (
        db.scalar(
            select(func.count()).select_from(Notification).where(Notification.status != "sent")
        )
        == 0
    )


def test_backoff_grows_and_is_capped() -> None:
    delays = [notifications.backoff(a, base_s=60, max_s=600).total_seconds() for a in range(1, 7)]
    assert delays == [60, 120, 240, 480, 600, 600]


def test_stale_prospect_to_dispatcher_queue(db: Session) -> None:
    w = lambda_world(db)
    definition = (
        (RULES / "stale_prospect.yaml").read_text().replace("enabled: false", "enabled: true")
    )
    definition = definition.replace(
        "days_since_creation: {gt: 122}", "days_since_creation: {gt: 61}"
    )
    scoring.import_rules(db, definition)
    report = scoring.run_rules(db, as_of=AS_OF, settings=cfg())
    assert report.reassigned == 1
    assignment = db.get(AccountAssignment, w["prospect"].id)  # type: ignore[attr-defined]
    assert assignment is not None
    db.refresh(assignment)
    assert assignment.owner_id is None
    change = db.scalars(select(AssignmentChange)).one()
    assert (change.from_rep_id, change.to_rep_id) == (w["rep"].id, None)  # type: ignore[attr-defined]
    assert "répartiteur" in change.reason


def test_retirement_reminder_from_2_may(db: Session) -> None:
    w = lambda_world(db)
    buyer = Contact(
        account_id=w["lambda"].id, first_name="Jean", last_name="Dupont", role="Acheteur"
    )  # type: ignore[attr-defined]
    db.add(buyer)
    db.flush()
    db.add(ContactDate(contact_id=buyer.id, kind="retirement", date=dt.date(2026, 7, 1)))
    db.flush()
    assert scoring.run_rules(db, as_of=dt.date(2026, 5, 1), settings=cfg()).reminders == 0
    report = scoring.run_rules(db, as_of=dt.date(2026, 5, 2), settings=cfg())
    assert report.reminders == 1
    alert = db.scalars(
        select(Alert).where(Alert.rule_key == f"reminder:retirement:{buyer.id}")
    ).one()
    assert "Jean Dupont" in alert.message and "successeur" in alert.message
    task = db.scalars(select(Task).where(Task.alert_id == alert.id)).one()
    assert (task.assignee_id, task.due_date) == (w["rep"].id, dt.date(2026, 7, 1))  # type: ignore[attr-defined]
    assert scoring.run_rules(db, as_of=dt.date(2026, 5, 3), settings=cfg()).new_alerts == 0


def test_priorities_for_the_planner_and_the_account_page(db: Session) -> None:
    w = lambda_world(db)
    scoring.run_rules(db, as_of=AS_OF, settings=cfg())
    ids = [w["lambda"].id, w["quiet"].id, 999_999]  # type: ignore[attr-defined]
    prio = scoring.priority_of(db, ids)
    assert prio[ids[0]] > prio[ids[1]] > 0 and prio[999_999] == 0.0
    page = scoring.account_priority(db, ids[0])
    assert page.index == prio[ids[0]]
    assert page.explain()[0] == "Règle « declining-key-account » : +30 points"


def test_stored_rules_are_validated_with_paths(db: Session) -> None:
    with pytest.raises(InvalidInput) as info:
        scoring.save_rule(
            db,
            {
                "key": "x",
                "when": {"potential": {"gt": "beaucoup"}},
                "then": [{"priority": {"add": 1}}],
            },
        )
    assert info.value.problems[0].field == "when.potential.gt"
    stored = scoring.save_rule(
        db, "key: x\nwhen: {potential: {gt: 1}}\nthen: [{priority: {add: 1}}]\n"
    )
    assert [r.key for r in scoring.list_rules(db)] == ["x"] and stored.enabled


def _rules_runs_queued_now(db: Session) -> int:
    return int(
        db.execute(
            text("""SELECT count(*) FROM procrastinate_jobs WHERE task_name = :t
                    AND status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= now())"""),
            {"t": job_store.EVALUATE_RULES},
        ).scalar_one()
    )


def test_a_rule_saved_switched_or_deleted_is_evaluated_at_once(db: Session) -> None:
    """QA 22: a rule saved at 22:11 reached nobody until a run queued by something else (the
    next one was the night's): saving, switching and deleting queue a run at once, and the run
    after switching a rule off takes its priority points away."""
    w = lambda_world(db)
    lam = w["lambda"].id  # type: ignore[attr-defined]
    db.execute(text("DELETE FROM procrastinate_jobs"))
    scoring.save_rule(db, "key: x\nwhen: {potential: {gt: 1}}\nthen: [{priority: {add: 1}}]\n")
    assert _rules_runs_queued_now(db) == 1
    scoring.run_rules(db, as_of=AS_OF, settings=cfg())
    assert (
        scoring.account_priority(db, lam)
        .explain()[0]
        .startswith("Règle « declining-key-account » : +30")
    )
    db.execute(text("DELETE FROM procrastinate_jobs"))
    manager = Actor(w["director"].id, Role.MANAGER)  # type: ignore[attr-defined]
    rules.set_enabled(db, "declining-key-account", enabled=False, actor=manager)
    assert _rules_runs_queued_now(db) == 1
    scoring.run_rules(db, as_of=AS_OF, settings=cfg())
    assert not any(
        "declining-key-account" in line for line in scoring.account_priority(db, lam).explain()
    )
    db.execute(text("DELETE FROM procrastinate_jobs"))
    scoring.delete_rule(db, "x")
    assert _rules_runs_queued_now(db) == 1
