"""A check-in far from the account (« pointage à distance ») is recorded, but it is not a visit
until its report is written: the visit due date, the rules' last visit, the proposal's reason,
the accounts list and the tasks a visit closes all ignore it until then (QA: a check-in in
Nice, 11 km from LAMBDA SARL in Monaco, moved the due date and closed "CA en baisse")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import PACKAGE_DATA
from fieldcrm.geo import GeoPoint
from fieldcrm.services import scoring, visits
from fieldcrm.store import accounts as account_store
from fieldcrm.store import facts as facts_store
from fieldcrm.store import intervals as intervals_store
from fieldcrm.store import plans as plan_store
from fieldcrm.store import visits as visit_store
from tests.conftest import DEMO_TODAY

CAMILLE = 4
TZ = "Europe/Paris"


def _lambda_with_its_task(db: Session) -> tuple[int, GeoPoint, int]:
    """LAMBDA SARL (Camille's), visited once 100 days ago, every 30 days; its open
    "CA en baisse" task (``closed_by: visit``) made by the demo's rules."""
    for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
        scoring.import_rules(db, path.read_text(encoding="utf-8"))
    scoring.run_rules(db, as_of=DEMO_TODAY)
    account, lon, lat = db.execute(
        text("SELECT id, ST_X(geom), ST_Y(geom) FROM accounts WHERE name = 'LAMBDA SARL'")
    ).one()
    task = db.execute(
        text("""SELECT id FROM tasks WHERE account_id = :a AND status = 'open'
                AND closed_by_visit"""),
        {"a": account},
    ).scalar_one()
    db.execute(text("DELETE FROM activities WHERE account_id = :a"), {"a": account})
    db.execute(
        text("""UPDATE accounts SET visit_interval_days = 30, created_at = '2000-01-01'
                WHERE id = :a"""),
        {"a": account},
    )
    # 100 days ago at noon in Paris: ``now() - 100 days`` is the next day in Paris when it
    # is 22:00–23:00 UTC in winter and the summer's clocks were ahead (CI failed at 22:35)
    paris = ZoneInfo(TZ)
    today = dt.datetime.now(paris).date()
    noon = dt.datetime.combine(today - dt.timedelta(days=100), dt.time(12), paris)
    db.execute(
        text("""INSERT INTO activities (account_id, rep_id, kind, occurred_at)
                VALUES (:a, :rep, 'visit', :at)"""),
        {"a": account, "rep": CAMILLE, "at": noon},
    )
    return account, GeoPoint(lon, lat), task


def _seen(db: Session, account: int, today: dt.date) -> dict[str, object]:
    """What every reader of "the last visit" says about ``account`` on ``today``."""
    rhythm = intervals_store.rhythm(db, account, today=today, tz=TZ)
    facts_store.build_facts(db, as_of=today, tz=TZ)
    days = db.execute(
        text("SELECT days_since_last_visit FROM scoring_facts WHERE account_id = :a"),
        {"a": account},
    ).scalar_one()
    return {
        "due_on": rhythm.due_on,
        "last_visit": rhythm.last_visit,
        "days_late": rhythm.days_late,
        "rules_days_since_last_visit": days,
        "reason_last_visit": plan_store.visit_facts(db, [account], as_of=today, tz="Europe/Paris")[
            account
        ].last_visit,
        "account_last_visit": account_store.get_account(db, account).last_visit,
    }


def _task(db: Session, task: int) -> tuple[str, int | None]:
    row = db.execute(
        text("SELECT status, done_by_activity_id FROM tasks WHERE id = :id"), {"id": task}
    ).one()
    return row.status, row.done_by_activity_id


def test_a_far_check_in_does_not_reset_the_visit_due_date_until_its_report(
    demo_db: Session,
) -> None:
    account, place, task = _lambda_with_its_task(demo_db)
    camille = Actor(CAMILLE, Role.REP)
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(ZoneInfo(TZ)).date()
    before = _seen(demo_db, account, today)
    assert before["days_late"] == 70 and before["rules_days_since_last_visit"] == 100

    nice = GeoPoint(place.lon - 0.14, place.lat)  # about 11 km west, as the QA's phone in Nice
    far, created = visits.record_visit(
        demo_db, actor=camille, account_id=account, client_key="far-nice-01", at=now, point=nice
    )
    assert created and far.far_from_account and not far.counts
    assert far.distance_m is not None and 10_000 < far.distance_m < 12_500
    assert _seen(demo_db, account, today) == before  # nothing counted it as a visit
    assert _task(demo_db, task) == ("open", None)  # "CA en baisse" stays to do
    resent, created = visits.record_visit(
        demo_db, actor=camille, account_id=account, client_key="far-nice-01", at=now, point=nice
    )
    assert not created and not resent.counts and _task(demo_db, task) == ("open", None)

    # the rep writes the visit's report: the visit is declared, it counts (still flagged)
    reported, _ = visits.record_visit(
        demo_db,
        actor=camille,
        account_id=account,
        client_key="far-nice-01",
        report="Rendez-vous tenu au bureau du gérant, à Nice.",
    )
    assert reported.far_from_account and reported.counts
    after = _seen(demo_db, account, today)
    assert after["last_visit"] == today and after["days_late"] == 0
    assert after["rules_days_since_last_visit"] == 0 and after["reason_last_visit"] == today
    assert after["account_last_visit"] == far.occurred_at
    assert _task(demo_db, task) == ("done", far.id)


def test_a_near_check_in_counts_at_once_and_closes_the_task(demo_db: Session) -> None:
    account, place, task = _lambda_with_its_task(demo_db)
    now = dt.datetime.now(dt.UTC)
    near, _ = visits.record_visit(
        demo_db,
        actor=Actor(CAMILLE, Role.REP),
        account_id=account,
        client_key="near-lambda-01",
        at=now,
        point=GeoPoint(place.lon + 0.001, place.lat),  # about 80 m
    )
    assert not near.far_from_account and near.counts
    today = now.astimezone(ZoneInfo(TZ)).date()
    assert intervals_store.rhythm(demo_db, account, today=today, tz=TZ).last_visit == today
    assert _task(demo_db, task) == ("done", near.id)


def test_moving_a_misplaced_account_makes_its_check_in_count(demo_db: Session) -> None:
    """The warning asks to check the account's place: the distance is measured against the
    account's location of now, so a pin moved where the rep stood makes the visit count."""
    account, place, _task_id = _lambda_with_its_task(demo_db)
    now = dt.datetime.now(dt.UTC)
    nice = GeoPoint(place.lon - 0.14, place.lat)
    far, _ = visits.record_visit(
        demo_db,
        actor=Actor(CAMILLE, Role.REP),
        account_id=account,
        client_key="far-pin-01",
        at=now,
        point=nice,
    )
    today = now.astimezone(ZoneInfo(TZ)).date()
    assert intervals_store.rhythm(demo_db, account, today=today, tz=TZ).last_visit != today
    demo_db.execute(
        text("UPDATE accounts SET geom = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) WHERE id = :a"),
        {"lon": nice.lon, "lat": nice.lat, "a": account},
    )
    assert intervals_store.rhythm(demo_db, account, today=today, tz=TZ).last_visit == today
    assert not visit_store.get_visit(demo_db, far.id).far_from_account


def test_an_account_placed_at_its_communes_centre_is_no_yardstick(demo_db: Session) -> None:
    """A location not trusted (a match to review, a commune's centre) is usually hundreds of
    metres from the shop: a check-in is not judged far from it and counts at once; once the
    pin is confirmed by hand, the same check-in is measured and no longer counts."""
    account, place, _task_id = _lambda_with_its_task(demo_db)
    demo_db.execute(
        text("UPDATE accounts SET geocode_status = 'to_review' WHERE id = :a"), {"a": account}
    )
    now = dt.datetime.now(dt.UTC)
    nice = GeoPoint(place.lon - 0.14, place.lat)
    checked, _ = visits.record_visit(
        demo_db,
        actor=Actor(CAMILLE, Role.REP),
        account_id=account,
        client_key="far-untrusted-01",
        at=now,
        point=nice,
    )
    assert not checked.far_from_account and checked.counts
    demo_db.execute(
        text("UPDATE accounts SET geocode_status = 'manual' WHERE id = :a"), {"a": account}
    )
    again = visit_store.get_visit(demo_db, checked.id)
    assert again.far_from_account and not again.counts


def test_a_task_raised_between_a_far_check_in_and_its_report_is_closed_by_it(
    demo_db: Session,
) -> None:
    """Monday 10:00 a far check-in without its report; the night's rules raise « CA en baisse »
    (the visit did not count yet); the report written on Tuesday makes the visit count, and
    that task, raised for the very visit now counted, is done by it."""
    account, place, task = _lambda_with_its_task(demo_db)
    now = dt.datetime.now(dt.UTC)
    checked_at = now - dt.timedelta(hours=2)
    camille = Actor(CAMILLE, Role.REP)
    nice = GeoPoint(place.lon - 0.14, place.lat)
    far, _ = visits.record_visit(
        demo_db, actor=camille, account_id=account, client_key="far-late-01", at=checked_at,
        point=nice,
    )  # fmt: skip
    assert not far.counts
    demo_db.execute(  # the rules raised it after the check-in
        text("UPDATE tasks SET created_at = :t WHERE id = :id"),
        {"t": now - dt.timedelta(hours=1), "id": task},
    )
    visits.record_visit(
        demo_db, actor=camille, account_id=account, client_key="far-late-01",
        report="Vu le gérant à Nice.",
    )  # fmt: skip
    assert _task(demo_db, task) == ("done", far.id)
