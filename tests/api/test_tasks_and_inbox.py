"""The rep's week on the seeded demo: late visits, "Mes tâches", the sorted alerts inbox."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import PACKAGE_DATA
from fieldcrm.scoring.intervals import VisitDue, overdue, reference_day
from fieldcrm.services import intervals, scoring
from fieldcrm.store import intervals as intervals_store
from tests.conftest import DEMO_TODAY
from tests.web import ClientFactory

CAMILLE, JULIEN, CLAIRE = 4, 5, 1
RANK = {"high": 0, "medium": 1, "low": 2}


def _run_rules(db: Session) -> None:
    for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
        scoring.import_rules(db, path.read_text(encoding="utf-8"))
    scoring.run_rules(db, as_of=DEMO_TODAY)


def _camilles_account(db: Session) -> int:
    return int(
        db.execute(
            text(
                "SELECT account_id FROM account_assignments WHERE owner_id = :rep "
                "ORDER BY account_id LIMIT 1"
            ),
            {"rep": CAMILLE},
        ).scalar_one()
    )


def _visit_only_on(db: Session, account_id: int, day: dt.date, *, interval: int) -> None:
    """The account was created long ago and visited once, at noon in Paris on ``day``."""
    db.execute(text("DELETE FROM activities WHERE account_id = :id"), {"id": account_id})
    db.execute(
        text(
            "UPDATE accounts SET visit_interval_days = :n, created_at = '2000-01-01' WHERE id = :id"
        ),
        {"id": account_id, "n": interval},
    )
    db.execute(
        text(
            "INSERT INTO activities (account_id, rep_id, kind, occurred_at) "
            "VALUES (:id, :rep, 'visit', CAST(:at AS timestamptz))"
        ),
        {"id": account_id, "rep": CAMILLE, "at": f"{day.isoformat()} 12:00:00+01:00"},
    )


def test_overdue_list_is_right_across_month_ends_and_matches_the_reference(
    demo_db: Session,
) -> None:
    camille = Actor(CAMILLE, Role.REP)
    account = _camilles_account(demo_db)
    _visit_only_on(demo_db, account, dt.date(2026, 1, 31), interval=30)  # due 02/03/2026

    def late_on(day: dt.date) -> dict[int, int]:
        found = intervals.overdue_accounts(demo_db, actor=camille, today=day, size=100_000)
        assert found.total == len(found.items)
        return {o.account_id: o.days_late for o in found.items}

    assert account not in late_on(dt.date(2026, 3, 2))
    assert late_on(dt.date(2026, 3, 3))[account] == 1
    assert late_on(dt.date(2026, 4, 1))[account] == 30

    # The whole list equals the pure reference over Camille's accounts, in the same order.
    defaults = intervals_store.defaults(demo_db)
    rows = demo_db.execute(
        text("""
        SELECT a.id, a.name, a.visit_interval_days, a.qualification, a.kind,
               (a.created_at AT TIME ZONE 'Europe/Paris')::date AS created,
               (SELECT (max(v.occurred_at) AT TIME ZONE 'Europe/Paris')::date FROM activities v
                WHERE v.account_id = a.id AND v.kind = 'visit') AS last_visit
        FROM accounts a JOIN account_assignments s ON s.account_id = a.id
        WHERE s.owner_id = :rep"""),
        {"rep": CAMILLE},
    ).all()
    from fieldcrm.scoring.intervals import interval_for

    reference = overdue(
        [
            VisitDue(
                r.id,
                r.name,
                reference_day(r.last_visit, r.created),
                interval_for(
                    own=r.visit_interval_days,
                    qualification=r.qualification,
                    kind=r.kind,
                    defaults=defaults,
                ),
                r.last_visit,
            )
            for r in rows
        ],
        today=DEMO_TODAY,
    )
    found = intervals.overdue_accounts(demo_db, actor=camille, today=DEMO_TODAY, size=100_000)
    assert len(reference) > 10 and found.items == reference
    assert [o.days_late for o in found.items] == sorted(
        (o.days_late for o in found.items), reverse=True
    )


def test_overdue_page_shows_the_days_late_and_reps_see_only_their_own(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = _camilles_account(demo_db)
    _visit_only_on(demo_db, account, DEMO_TODAY - dt.timedelta(days=5000), interval=1)
    rep = api_as(CAMILLE)
    page = rep.get("/en-retard")
    assert page.status_code == 200 and "En retard" in page.text
    first = page.text.split('<tr data-account="', 1)[1]
    assert first.startswith(f'{account}"'), "the most overdue comes first"
    today = dt.datetime.now(ZoneInfo("Europe/Paris")).date()  # the company's day
    late = (today - (DEMO_TODAY - dt.timedelta(days=4999))).days
    shown = re.search(r'class="days-late"><span class="badge high">(\d+) j<', first)
    assert shown and int(shown.group(1)) in (late, late + 1)  # unless midnight passes
    assert rep.get(f"/en-retard?rep={JULIEN}").status_code == 403
    assert api_as(CLAIRE).get(f"/en-retard?rep={CAMILLE}").status_code == 200


def test_lateness_raises_the_priority_with_a_french_reason(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account = _camilles_account(demo_db)
    _visit_only_on(demo_db, account, DEMO_TODAY - dt.timedelta(days=40), interval=3650)
    scoring.run_rules(demo_db, as_of=DEMO_TODAY)
    on_time = scoring.account_priority(demo_db, account)
    assert on_time.overdue_days == 0
    demo_db.execute(
        text("UPDATE accounts SET visit_interval_days = 30 WHERE id = :id"), {"id": account}
    )
    scoring.run_rules(demo_db, as_of=DEMO_TODAY)
    late = scoring.account_priority(demo_db, account)
    assert (late.overdue_days, late.overdue_points) == (10, round(20 * 10 / 30, 2))
    assert late.index > on_time.index
    assert "Visite en retard de 10 jours : +6,7 points" in late.explain()
    page = api_as(CAMILLE).get(f"/comptes/{account}")
    assert "Visite en retard de 10 jours : +6,7 points" in page.text
    assert 'id="visit-rhythm"' in page.text


def test_mes_taches_lists_the_rule_task_and_fait_closes_it(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _run_rules(demo_db)
    task_id, account_id = demo_db.execute(
        text("""SELECT t.id, t.account_id FROM tasks t JOIN accounts a ON a.id = t.account_id
                WHERE a.name = 'LAMBDA SARL' AND t.status = 'open'""")
    ).one()
    rep = api_as(CAMILLE)
    page = rep.get("/mes-taches")
    assert page.status_code == 200
    row = page.text.split(f'data-task="{task_id}"', 1)[1].split("</tr>", 1)[0]
    assert "Visiter LAMBDA SARL (CA en baisse)" in row and "declining-key-account" in row
    assert 'href="/journee?date=' in row and "Fait" in row
    assert f'href="/comptes/{account_id}/trouver-un-jour"' in row
    assert 'href="/mes-taches"' in rep.get("/").text, "in the rep's menu"
    assert f'data-task="{task_id}"' in rep.get(f"/comptes/{account_id}").text
    assert f'data-task="{task_id}"' in api_as(CLAIRE).get(f"/mes-taches?rep={CAMILLE}").text

    assert api_as(JULIEN).post(f"/mes-taches/{task_id}/fait").status_code == 404
    assert api_as(JULIEN).post(f"/api/tasks/{task_id}/done").status_code == 404
    done = rep.post(f"/mes-taches/{task_id}/fait", follow_redirects=False)
    assert done.status_code == 303
    status, done_by, done_at = demo_db.execute(
        text("SELECT status, done_by, done_at FROM tasks WHERE id = :id"), {"id": task_id}
    ).one()
    assert (status, done_by) == ("done", CAMILLE) and done_at is not None
    assert f'data-task="{task_id}"' not in rep.get("/mes-taches").text
    assert rep.post(f"/api/tasks/{task_id}/done").status_code == 409


def _sort_key(item: dict) -> tuple:  # type: ignore[type-arg]
    created = dt.datetime.fromisoformat(str(item["created_at"]))
    priority = item["priority"] if item["priority"] is not None else float("-inf")
    return (
        RANK.get(item["severity"], 1),
        -priority,
        -created.timestamp(),
        -item["notification_id"],
    )


def test_inbox_is_sorted_by_severity_priority_then_date_paged_and_filtered(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _run_rules(demo_db)
    rep = api_as(CAMILLE)
    everything = rep.get("/api/alerts", params={"limit": 1000}).json()
    assert len(everything) > 30
    assert everything == sorted(everything, key=_sort_key)
    assert {a["severity"] for a in everything} >= {"high", "medium"}
    lambda_at = next(i for i, a in enumerate(everything) if a["account_name"] == "LAMBDA SARL")
    assert lambda_at < 3, "the declining key account comes before the unqualified prospects"

    first = rep.get("/alertes")
    assert first.status_code == 200
    ids = re.findall(r'<li class="(?:un)?read" data-alert="(\d+)"', first.text)
    assert [int(i) for i in ids] == [a["alert_id"] for a in everything[:25]]
    assert f"{len(everything)} alertes, les plus" in first.text and "Page 1 sur" in first.text
    second = rep.get("/alertes?page=2")
    ids2 = re.findall(r'<li class="(?:un)?read" data-alert="(\d+)"', second.text)
    assert [int(i) for i in ids2] == [a["alert_id"] for a in everything[25:50]]

    prospects = rep.get("/api/alerts", params={"rule": "stale-prospect", "limit": 1000}).json()
    assert prospects and all(a["rule_key"] == "stale-prospect" for a in prospects)
    assert len(prospects) == sum(a["rule_key"] == "stale-prospect" for a in everything)
    declining = [a["alert_id"] for a in everything if a["rule_key"] == "declining-key-account"]
    filtered = rep.get("/alertes?regle=declining-key-account")
    ids3 = re.findall(r'<li class="(?:un)?read" data-alert="(\d+)"', filtered.text)
    assert [int(i) for i in ids3] == declining and "LAMBDA SARL" in filtered.text
    one = "1 alerte, les plus" if len(declining) == 1 else f"{len(declining)} alertes, les plus"
    assert one in filtered.text and "alerte(s)" not in filtered.text
    page_two = rep.get("/api/alerts", params={"limit": 25, "offset": 25}).json()
    assert page_two == everything[25:50]


def _badge(html: str) -> int | None:
    found = re.search(r'id="unread-alerts"[^>]*>(\d+)<', html)
    return int(found.group(1)) if found else None


def test_unread_badge_counts_unread_in_app_alerts_and_drops_after_reading(
    api_as: ClientFactory, demo_db: Session
) -> None:
    rep = api_as(CAMILLE)
    assert _badge(rep.get("/comptes").text) is None, "no alert yet, no badge"
    _run_rules(demo_db)

    def unread() -> int:
        return int(
            demo_db.execute(
                text(
                    "SELECT count(*) FROM notifications WHERE user_id = :u "
                    "AND channel = 'in_app' AND read_at IS NULL"
                ),
                {"u": CAMILLE},
            ).scalar_one()
        )

    before = unread()
    assert before > 0
    assert _badge(rep.get("/comptes").text) == before
    assert rep.get("/api/alerts/unread-count").json() == {"unread": before}
    alert_id = rep.get("/api/alerts", params={"limit": 1}).json()[0]["alert_id"]
    assert rep.post(f"/alertes/{alert_id}/lu", follow_redirects=False).status_code == 303
    assert unread() == before - 1
    assert _badge(rep.get("/mes-taches").text) == before - 1


def test_a_visit_report_completes_the_tasks_a_visit_closes_and_only_those(
    api_as: ClientFactory, demo_db: Session
) -> None:
    """The demo rule's "Visiter … (CA en baisse)" says ``closed_by: visit``: a call leaves it
    open, the visit report completes it (who, when, which visit); a task without the option
    stays open."""
    _run_rules(demo_db)
    task_id, account_id, by_visit = demo_db.execute(
        text("""SELECT t.id, t.account_id, t.closed_by_visit FROM tasks t
                JOIN accounts a ON a.id = t.account_id
                WHERE a.name = 'LAMBDA SARL' AND t.status = 'open'""")
    ).one()
    assert by_visit
    other = demo_db.execute(
        text("""INSERT INTO tasks (account_id, assignee_id, title, status)
                VALUES (:a, :rep, 'Envoyer le devis', 'open') RETURNING id"""),
        {"a": account_id, "rep": CAMILLE},
    ).scalar_one()
    rep = api_as(CAMILLE)

    def status(task: int) -> tuple[str, int | None, int | None]:
        row = demo_db.execute(
            text("SELECT status, done_by, done_by_activity_id FROM tasks WHERE id = :id"),
            {"id": task},
        ).one()
        return row.status, row.done_by, row.done_by_activity_id

    call = rep.post(
        "/api/visits",
        json={"account_id": account_id, "client_key": "call-closes-0", "kind": "call"},
    )
    assert call.status_code == 201, call.text
    assert status(task_id) == ("open", None, None)
    visit = rep.post(
        "/api/visits",
        json={
            "account_id": account_id,
            "client_key": "visit-closes-1",
            "kind": "visit",
            "report": "Point sur la baisse du CA.",
        },
    )
    assert visit.status_code == 201, visit.text
    assert status(task_id) == ("done", CAMILLE, visit.json()["id"])
    assert status(other) == ("open", None, None)
    assert f'data-task="{task_id}"' not in rep.get("/mes-taches").text
    page = rep.get(f"/comptes/{account_id}").text
    row = page.split(f'data-task="{task_id}"', 1)[1].split("</li>", 1)[0]
    assert "faite par la visite du" in row
