"""What waits for the user, seen from every page: the unread alerts and the open tasks counted
beside « Alertes » and « Mes tâches » in the menu (and on its phone button), and on the home
page with links to them; one statement per page, and the counts follow reading and closing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from tests.api.test_tasks_and_inbox import CAMILLE, CLAIRE, _run_rules
from tests.web import ClientFactory

KARIM = 2  # dispatcher: alerts, no tasks


def _badge(html: str, badge_id: str) -> int | None:
    found = re.search(rf'id="{badge_id}"[^>]*>(\d+)<', html)
    return int(found.group(1)) if found else None


def _tiles(html: str) -> dict[str, int]:
    """Home tiles with a count: path → count."""
    listed = html.split('<ul class="tiles">', 1)[1].split("</ul>", 1)[0]
    return {
        path: int(n)
        for path, n in re.findall(r'<a href="([^"]+)">[^<]*<span [^>]*data-count="(\d+)"', listed)
    }


def _waiting(html: str) -> str:
    found = re.search(r'<p id="waiting">(.*?)</p>', html, re.S)
    assert found is not None, "no « waiting » line on the home page"
    return found.group(1)


def _unread(db: Session, user_id: int) -> int:
    return int(
        db.execute(
            text(
                "SELECT count(*) FROM notifications WHERE user_id = :u "
                "AND channel = 'in_app' AND read_at IS NULL"
            ),
            {"u": user_id},
        ).scalar_one()
    )


def _open_tasks(db: Session, user_id: int) -> int:
    return int(
        db.execute(
            text("SELECT count(*) FROM tasks WHERE assignee_id = :u AND status = 'open'"),
            {"u": user_id},
        ).scalar_one()
    )


@contextmanager
def _statements(db: Session) -> Iterator[list[str]]:
    """The SQL statements run on the test's connection meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    bind = db.connection()
    event.listen(bind, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(bind, "before_cursor_execute", record)


def test_home_and_menu_count_camilles_unread_alerts_and_open_tasks(
    api_as: ClientFactory, demo_db: Session
) -> None:
    rep = api_as(CAMILLE)
    quiet = rep.get("/").text
    assert 'id="waiting"' not in quiet and 'id="menu-count"' not in quiet, "nothing waits yet"
    assert _badge(quiet, "open-tasks") is None and _tiles(quiet) == {}
    _run_rules(demo_db)
    alerts, tasks = _unread(demo_db, CAMILLE), _open_tasks(demo_db, CAMILLE)
    assert alerts > 1 and tasks > 1
    with _statements(demo_db) as seen:
        home = rep.get("/").text
    counting = [s for s in seen if "FROM notifications" in s or "FROM tasks" in s]
    assert len(counting) == 1, counting  # both counts in one statement
    assert _badge(home, "unread-alerts") == alerts
    assert _badge(home, "open-tasks") == tasks
    assert _badge(home, "menu-count") == alerts + tasks  # on the phone's « Menu » button
    assert _tiles(home) == {"/alertes": alerts, "/mes-taches": tasks}
    waiting = _waiting(home)
    assert f'<a href="/alertes?unread=true" id="waiting-alerts">{alerts} alertes non lues</a>' in (
        waiting
    )
    assert f'<a href="/mes-taches" id="waiting-tasks">{tasks} tâches ouvertes</a>' in waiting
    english = _waiting(rep.get("/", params={"lang": "en"}).text)
    assert f"{alerts} unread alerts" in english and f"{tasks} open tasks" in english
    # reading an alert and closing a task: one fewer of each, on every page
    alert_id = rep.get("/api/alerts", params={"limit": 1}).json()[0]["alert_id"]
    assert rep.post(f"/alertes/{alert_id}/lu", follow_redirects=False).status_code == 303
    task_id = rep.get("/api/tasks").json()[0]["id"]
    assert rep.post(f"/mes-taches/{task_id}/fait", follow_redirects=False).status_code == 303
    page = rep.get("/comptes").text
    assert _badge(page, "unread-alerts") == alerts - 1
    assert _badge(page, "open-tasks") == tasks - 1
    assert _tiles(rep.get("/").text) == {"/alertes": alerts - 1, "/mes-taches": tasks - 1}


def test_a_manager_counts_the_teams_open_tasks_and_a_dispatcher_has_none(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _run_rules(demo_db)
    manager = api_as(CLAIRE)
    team_tasks = len(manager.get("/api/tasks").json())
    assert team_tasks > _open_tasks(demo_db, CLAIRE), "the team's, as « Mes tâches » lists"
    home = manager.get("/").text
    assert _badge(home, "open-tasks") == team_tasks
    assert _tiles(home).get("/mes-taches") == team_tasks
    dispatcher = api_as(KARIM)
    page = dispatcher.get("/").text
    assert _badge(page, "open-tasks") is None and "/mes-taches" not in page
    assert _badge(page, "unread-alerts") == (_unread(demo_db, KARIM) or None)
