"""Every route of the app against the policy table, as every kind of caller.

Each OpenAPI operation and each page route (``app.routes``, walked through included routers)
has one row in :data:`TABLE`: who is allowed (a set of callers) and the request to make. A
route missing from the table — a new one — fails :func:`test_every_route_has_a_rule`, so no
route ships without a decided rule. The walk sends every request as each caller, each in a
savepoint rolled back afterwards (a deletion by the admin does not change the next request):

* ``anon`` no session; ``rep`` Camille (owner of the subject data), ``rep2`` Julien (a rep of
  the same team), ``mgr`` Claire (their manager), ``mgr2`` a manager of another team,
  ``disp`` Karim (dispatcher), ``admin``.
* Denied: 401, 403, 404 (others' data is not even confirmed to exist) or a page's redirect to
  the login form. Allowed: anything else below 500 (a 422 on the tiny input means the
  caller got past the policy). A 500 fails whoever the caller.
* Rows with ``skip`` are heavy or reach outside (planning, solver, road graph, geocoders):
  only the callers who must be denied are sent, the reason is written in the row.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from fieldcrm.app import create_app
from fieldcrm.config import Settings
from fieldcrm.http.deps import get_session
from tests.api.authz_world import OTHER_MANAGER_EMAIL
from tests.web import EMAILS, PASSWORD, TEST_SECRET

CALLERS = ("anon", "rep", "rep2", "mgr", "mgr2", "disp", "admin")
ANY = frozenset(CALLERS[1:])
PUBLIC = frozenset(CALLERS)
NOBODY: frozenset[str] = frozenset()
OWN = frozenset({"rep", "mgr", "admin"})  # Camille's data: her, her manager, the admin
OWN_D = OWN | {"disp"}  # … and the dispatcher, who reads every account
OFFICE = frozenset({"mgr", "mgr2", "disp", "admin"})
MGMT = frozenset({"mgr", "mgr2", "admin"})
TEAM_MGMT = frozenset({"mgr", "admin"})  # managing Camille's team's things
TEAM_OFFICE = frozenset({"mgr", "disp", "admin"})
ADMIN = frozenset({"admin"})
REPS_AND_MGMT = frozenset({"rep", "rep2", "mgr", "mgr2", "admin"})
HEAVY = "plans with the solver or reads the road graph: allowed side skipped"
CSV = {"file": ("comptes.csv", b"Raison sociale;Code postal\nX;06000\n", "text/csv")}
DAY = "2026-04-14"


@dataclass(frozen=True)
class Rule:
    """Who may call a route, and the tiny request to send."""

    allowed: frozenset[str]
    json: Any = None
    data: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    headers: dict[str, str] | None = None  # e.g. the If-Match an edit of a stored row needs
    skip: str | None = None  # why the allowed callers are not sent (heavy or outside)
    note: str = field(default="", compare=False)


T = Rule
TABLE: dict[tuple[str, str], Rule] = {
    # --- outside the login: anyone
    ("GET", "/api/openapi.json"): T(PUBLIC),
    ("GET", "/docs"): T(PUBLIC),
    ("GET", "/redoc"): T(PUBLIC),
    ("GET", "/healthz"): T(PUBLIC),
    ("GET", "/readyz"): T(PUBLIC),
    ("POST", "/api/auth/login"): T(PUBLIC, json={"email": EMAILS[4], "password": PASSWORD}),
    ("POST", "/api/auth/logout"): T(PUBLIC),
    ("POST", "/api/auth/password-reset"): T(PUBLIC, json={}),
    ("GET", "/login"): T(PUBLIC),
    ("POST", "/login"): T(PUBLIC, data={"email": EMAILS[4], "password": PASSWORD}),
    ("POST", "/logout"): T(PUBLIC),
    ("GET", "/logout"): T(PUBLIC, note="harmless: back to the home page"),
    ("GET", "/langue/{language}"): T(PUBLIC),
    ("GET", "/sw.js"): T(PUBLIC),
    ("GET", "/mot-de-passe"): T(PUBLIC),
    ("POST", "/mot-de-passe"): T(PUBLIC, data={}),
    ("GET", "/api/calendar/feed.ics"): T(
        NOBODY, note="the feed's own secret token, not a session: an unknown one is 404 for all"
    ),
    # --- every logged-in user, on their own things
    ("GET", "/api/auth/me"): T(ANY),
    ("GET", "/"): T(ANY),
    ("GET", "/api/accounts"): T(ANY),
    ("GET", "/api/accounts/nearby"): T(ANY, params={"lon": 7.42, "lat": 43.74}),
    ("GET", "/api/accounts/reports"): T(ANY, params={"q": "remise"}),
    ("POST", "/api/accounts"): T(ANY, json={"name": ""}),
    ("GET", "/api/account-map"): T(ANY),
    ("GET", "/api/alerts"): T(ANY),
    ("GET", "/api/alerts/unread-count"): T(ANY),
    ("GET", "/api/tasks"): T(REPS_AND_MGMT),
    ("GET", "/api/tasks/overdue-accounts"): T(REPS_AND_MGMT),
    ("GET", "/api/territories"): T(ANY),
    ("GET", "/api/territories/{territory_id}"): T(ANY),
    ("GET", "/api/territories/overlaps"): T(ANY),
    ("GET", "/api/territories/gaps"): T(OFFICE),
    ("GET", "/api/territories/balance"): T(OFFICE),
    ("GET", "/api/territories/export"): T(ANY),
    ("GET", "/api/calendar/feed"): T(ANY),
    ("POST", "/api/calendar/feed"): T(ANY),
    ("DELETE", "/api/calendar/feed"): T(ANY),
    ("GET", "/comptes"): T(ANY),
    ("GET", "/autour"): T(ANY),
    ("GET", "/territoires"): T(OFFICE),
    ("GET", "/alertes"): T(ANY),
    ("GET", "/mes-taches"): T(REPS_AND_MGMT),
    ("GET", "/en-retard"): T(REPS_AND_MGMT),
    ("GET", "/agenda"): T(REPS_AND_MGMT),
    ("POST", "/agenda/abonnement"): T(ANY),
    ("POST", "/agenda/abonnement/revocation"): T(ANY),
    ("GET", "/journee"): T(REPS_AND_MGMT),
    ("GET", "/tournee"): T(REPS_AND_MGMT),
    ("GET", "/frais"): T(ANY),
    ("GET", "/frais/graphique.png"): T(ANY),
    ("GET", "/api/costs/report"): T(ANY, params={"month": "2026-03"}),
    ("GET", "/api/costs/report.{fmt}"): T(ANY, params={"month": "2026-03"}),
    ("POST", "/api/roads/matrix"): T(ANY, skip=HEAVY),
    ("POST", "/api/roads/route"): T(ANY, skip=HEAVY),
    ("POST", "/api/geocoding/reverse"): T(ANY, json={"lon": 7.42, "lat": 43.74}),
    # --- Camille's data: her, her manager, the admin (the other rep and manager: denied)
    ("GET", "/api/accounts/{account_id}"): T(OWN_D),
    ("PATCH", "/api/accounts/{account_id}"): T(
        OWN_D, json={"notes": "politique"}, headers={"If-Match": "{account_etag}"}
    ),
    ("GET", "/comptes/{account_id}"): T(OWN_D),
    ("GET", "/comptes/{account_id}/ventes.png"): T(OWN_D),
    ("POST", "/comptes/{account_id}/compte-rendu"): T(
        frozenset({"rep", "mgr", "admin"}),
        data={"report": "Passage rapide."},
        note="the visit report form without its script: who may record a visit (/api/visits)",
    ),
    ("PUT", "/api/geocoding/accounts/{account_id}/location"): T(
        OWN_D, json={"lon": 7.42, "lat": 43.74}
    ),
    ("DELETE", "/api/geocoding/accounts/{account_id}/lock"): T(OWN_D),
    ("POST", "/api/geocoding/accounts/{account_id}/candidates/{index}"): T(OWN_D),
    ("POST", "/api/visits"): T(
        frozenset({"rep", "mgr", "admin"}),
        json={"account_id": "{account_id}", "client_key": "policy-table-1"},
    ),
    ("GET", "/api/appointments"): T(REPS_AND_MGMT, params={"from": DAY, "to": DAY}),
    ("POST", "/api/appointments"): T(
        OWN,
        json={"rep_id": 4, "date": DAY, "time": "07:00", "duration_minutes": 30, "title": "T"},
    ),
    ("GET", "/api/appointments/{appointment_id}"): T(OWN),
    ("PATCH", "/api/appointments/{appointment_id}"): T(OWN, json={"title": "RDV"}),
    ("DELETE", "/api/appointments/{appointment_id}"): T(OWN),
    ("POST", "/agenda/rendez-vous"): T(
        OWN | {"rep2"},
        data={"rep": "4", "date": DAY, "time": "07:00", "duration": "30", "title": "T"},
        note="a rep's `rep` is ignored: it goes in their own agenda",
    ),
    ("POST", "/agenda/rendez-vous/{appointment_id}"): T(
        OWN, data={"date": DAY, "time": "07:00", "duration": "30"}
    ),
    ("POST", "/agenda/rendez-vous/{appointment_id}/annulation"): T(OWN),
    ("POST", "/api/tasks/{task_id}/done"): T(OWN),
    ("POST", "/mes-taches/{task_id}/fait"): T(OWN),
    ("POST", "/api/alerts/{alert_id}/acknowledge"): T(frozenset({"rep"})),
    ("POST", "/alertes/{alert_id}/lu"): T(frozenset({"rep"})),
    ("PUT", "/api/costs/trips/{trip_id}/tolls"): T(OWN, json={"tolls_eur": 3}),
    ("POST", "/frais/trajets/{trip_id}/peages"): T(OWN, data={"tolls_eur": "3"}),
    ("POST", "/api/costs/months/{month}/validation"): T(TEAM_MGMT, json={"rep_id": 4}),
    ("POST", "/api/costs/months/{month}/adjustments"): T(
        TEAM_MGMT, json={"rep_id": 4, "amount_eur": 1, "reason": "péage oublié"}
    ),
    ("POST", "/frais/mois/validation"): T(TEAM_MGMT, data={"rep": "4", "month": "2026-03"}),
    ("POST", "/frais/mois/ajustement"): T(
        TEAM_MGMT,
        data={"rep": "4", "month": "2026-03", "amount_eur": "1", "reason": "péage oublié"},
    ),
    ("GET", "/api/planning/plans"): T(REPS_AND_MGMT),
    ("GET", "/api/planning/plans/{plan_id}"): T(OWN, skip="no plan in the demo"),
    ("GET", "/api/planning/day/{day}"): T(REPS_AND_MGMT, skip="no plan in the demo"),
    ("POST", "/api/planning/proposals/{proposal_id}/decision"): T(
        OWN, skip="no plan in the demo", json={"accept": True}
    ),
    ("POST", "/api/planning/day"): T(OWN, skip=HEAVY, json={"rep_id": 4, "day": "2026-04-14"}),
    ("POST", "/api/planning/picked"): T(
        OWN, skip=HEAVY, json={"rep_id": 4, "day": DAY, "account_ids": ["{account_id}"]}
    ),
    ("POST", "/api/planning/trip"): T(
        OWN, skip=HEAVY, json={"rep_id": 4, "start_day": DAY, "end_day": DAY}
    ),
    ("POST", "/api/planning/trip/jobs"): T(
        OWN, skip=HEAVY, json={"rep_id": 4, "start_day": DAY, "end_day": DAY}
    ),
    ("POST", "/journee/planifier"): T(
        OWN | {"rep2"},
        skip=HEAVY,
        data={"rep": "4", "date": DAY},
        note="a rep's `rep` is ignored: their own day is planned",
    ),
    ("POST", "/journee/propositions/{proposal_id}"): T(
        OWN, skip="no plan in the demo", data={"accept": "true", "date": DAY}
    ),
    ("POST", "/tournee/planifier"): T(
        OWN | {"rep2"},
        skip=HEAVY,
        data={"rep": "4", "start": DAY, "end": "2026-04-15"},
        note="a rep's `rep` is ignored: their own trip is planned",
    ),
    ("GET", "/comptes/{account_id}/trouver-un-jour"): T(OWN, skip=HEAVY),
    ("POST", "/comptes/{account_id}/trouver-un-jour"): T(
        OWN, skip=HEAVY, data={"day": DAY, "time": "07:00"}
    ),
    ("POST", "/itineraire"): T(
        OWN,
        skip=HEAVY,
        data={"account_ids": "{account_id}"},
        note="everyone plans their own day: a manager's or the admin's is refused as input",
    ),
    ("GET", "/api/jobs/{job_id}"): T(frozenset({"rep", "admin"})),
    ("GET", "/taches/{job_id}"): T(frozenset({"rep", "admin"})),
    ("GET", "/api/exports/{job_id}/file"): T(
        frozenset({"rep", "admin"}), skip="no finished export in the demo"
    ),
    ("GET", "/taches/{job_id}/fichier"): T(
        frozenset({"rep", "admin"}), skip="no finished export in the demo"
    ),
    # --- the office
    ("GET", "/api/rules"): T(OFFICE),
    ("GET", "/api/rules/{key}"): T(OFFICE),
    ("POST", "/api/rules/validate"): T(MGMT, json="key: x"),
    ("PUT", "/api/rules"): T(MGMT, json="key: x"),
    ("POST", "/api/rules/dry-run"): T(OFFICE, skip="evaluates every account"),
    ("POST", "/api/rules/dry-run/jobs"): T(OFFICE),
    ("POST", "/api/rules/run"): T(MGMT, skip="evaluates every account"),
    ("POST", "/api/rules/{key}/enabled"): T(
        MGMT, json={"enabled": False}, headers={"If-Match": "{rule_etag}"}
    ),
    ("DELETE", "/api/rules/{key}"): T(MGMT, headers={"If-Match": "{rule_etag}"}),
    ("GET", "/regles"): T(OFFICE),
    ("POST", "/regles"): T(MGMT, data={"document": "key: x", "action": "validate"}),
    ("POST", "/regles/{key}/activation"): T(MGMT, data={"enabled": "false"}),
    ("POST", "/regles/{key}/suppression"): T(MGMT),
    ("POST", "/regles/essai"): T(OFFICE),
    ("POST", "/api/territories"): T(
        MGMT,
        json={
            "name": "Nouveau",
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[7, 43], [7.1, 43], [7.1, 43.1], [7, 43]]],
            },
        },
    ),
    ("POST", "/api/territories/import"): T(MGMT, json={}),
    ("PATCH", "/api/territories/{territory_id}"): T(
        TEAM_MGMT, json={"priority": 1}, headers={"If-Match": "{territory_etag}"}
    ),
    ("DELETE", "/api/territories/{territory_id}"): T(
        TEAM_MGMT, headers={"If-Match": "{territory_etag}"}
    ),
    ("GET", "/territoires/{territory_id}/supprimer"): T(TEAM_MGMT),
    ("POST", "/territoires/{territory_id}/supprimer"): T(TEAM_MGMT),
    ("POST", "/territoires/construire"): T(MGMT, data={"name": "Nouveau"}),
    ("GET", "/api/territories/rebalance"): T(OFFICE, skip="CP-SAT solver"),
    ("POST", "/api/territories/rebalance/apply"): T(MGMT, skip="CP-SAT solver", json={}),
    ("POST", "/territoires/reequilibrer"): T(
        MGMT, skip="CP-SAT solver", data={"metric": "accounts", "codes": "06104"}
    ),
    ("GET", "/api/assignment/preview"): T(OFFICE),
    ("POST", "/api/assignment/apply"): T(OFFICE, skip="moves every account", json={}),
    ("POST", "/api/assignment/apply/jobs"): T(OFFICE, json={"expected": "0" * 32}),
    ("POST", "/api/assignment/manual"): T(
        TEAM_OFFICE, json={"account_ids": ["{account_id}"], "rep_id": 5}
    ),
    ("POST", "/api/assignment/lock"): T(TEAM_OFFICE, json={"account_ids": ["{account_id}"]}),
    ("GET", "/api/assignment/queue"): T(OFFICE),
    ("GET", "/api/assignment/preview/accounts"): T(OFFICE),
    ("GET", "/api/assignment/runs"): T(OFFICE),
    ("POST", "/api/assignment/runs/{run_id}/undo"): T(OFFICE, skip="no run yet"),
    ("GET", "/api/assignment/history"): T(OFFICE),
    ("GET", "/affectations"): T(OFFICE),
    ("POST", "/affectations/attribuer"): T(
        TEAM_OFFICE, data={"account_ids": "{account_id}", "rep_id": "5"}
    ),
    ("POST", "/affectations/appliquer"): T(
        OFFICE, skip="moves every account", data={"expected": "0" * 32}
    ),
    ("GET", "/affectations/operations/{run_id}"): T(OFFICE, skip="no assignment run yet"),
    ("POST", "/affectations/operations/{run_id}/annuler"): T(OFFICE, skip="no run yet"),
    ("GET", "/api/geocoding/review"): T(OFFICE),
    ("POST", "/api/geocoding/run"): T(OFFICE, skip="calls the geocoding services", json={}),
    ("POST", "/api/geocoding/run/jobs"): T(OFFICE, json={}),
    ("GET", "/geocodage"): T(OFFICE),
    ("POST", "/geocodage"): T(OFFICE, data={}),
    ("POST", "/api/imports/{kind}"): T(OFFICE, files=CSV),
    ("POST", "/api/imports/{kind}/jobs"): T(OFFICE, files=CSV),
    ("GET", "/api/imports/accounts/export"): T(
        ANY, skip="exports every account", note="a rep exports their own accounts"
    ),
    ("POST", "/api/exports/accounts"): T(ANY, note="a rep: their own accounts"),
    ("POST", "/api/exports/costs"): T(ANY, json={"month": "2026-03"}),
    ("POST", "/exports/comptes"): T(ANY, note="a rep: their own accounts"),
    ("POST", "/exports/frais"): T(ANY, data={"mois": "2026-03"}),
    ("GET", "/import"): T(OFFICE),
    ("POST", "/import"): T(OFFICE, data={"kind": "accounts"}, files=CSV),
    # --- the administrator
    ("GET", "/api/users"): T(ANY, note="the people one works with (a rep: themselves)"),
    ("POST", "/api/users"): T(ADMIN, json={"email": "n@x.fr", "full_name": "N", "role": "rep"}),
    ("GET", "/api/users/{user_id}"): T(ADMIN),
    ("PATCH", "/api/users/{user_id}"): T(ADMIN, json={}),
    ("POST", "/api/users/{user_id}/disable"): T(ADMIN),
    ("POST", "/api/users/{user_id}/enable"): T(ADMIN),
    ("POST", "/api/users/{user_id}/password-reset"): T(ADMIN),
    ("GET", "/api/users/{user_id}/sessions"): T(ADMIN),
    ("DELETE", "/api/users/{user_id}/sessions/{session_id}"): T(ADMIN),
    ("GET", "/utilisateurs"): T(ADMIN),
    ("POST", "/utilisateurs"): T(ADMIN, data={"email": "n@x.fr", "full_name": "N", "role": "rep"}),
    ("GET", "/utilisateurs/{user_id}"): T(ADMIN),
    ("POST", "/utilisateurs/{user_id}"): T(ADMIN, data={"role": "rep"}),
    ("POST", "/utilisateurs/{user_id}/vehicule"): T(ADMIN, data={"vehicle_kind": "car"}),
    ("POST", "/utilisateurs/{user_id}/desactiver"): T(ADMIN),
    ("POST", "/utilisateurs/{user_id}/activer"): T(ADMIN),
    ("POST", "/utilisateurs/{user_id}/reinitialiser"): T(ADMIN),
    ("POST", "/utilisateurs/{user_id}/sessions/{session_id}/revoquer"): T(ADMIN),
    ("GET", "/api/gdpr/contacts/{contact_id}"): T(ADMIN),
    ("DELETE", "/api/gdpr/contacts/{contact_id}"): T(ADMIN),
    ("GET", "/api/gdpr/stale-prospects"): T(ADMIN),
    ("POST", "/api/gdpr/stale-prospects/delete"): T(ADMIN, json={"ids": [2**31 - 1]}),
    ("GET", "/rgpd"): T(ADMIN),
    ("GET", "/rgpd/contacts/{contact_id}.json"): T(ADMIN),
    ("POST", "/rgpd/contacts/{contact_id}/effacer"): T(ADMIN),
    ("POST", "/rgpd/prospects"): T(ADMIN, data={"ids": str(2**31 - 1)}),
    ("GET", "/taches"): T(ADMIN),
    ("POST", "/taches/file/{job_id}/relancer"): T(
        ADMIN, skip="only a failed queue job is retried; the one here is an export"
    ),
    ("POST", "/taches/notifications/{notification_id}/relancer"): T(ADMIN),
}
"""(method, path) → rule. A new route needs a row here (see the module docstring)."""


def _settings() -> Settings:
    return Settings(
        database_url="postgresql+psycopg://unused/unused",
        planner_time_limit_s=1.0,
        secret_key=TEST_SECRET,
        secure_cookies=False,
        geocoders=["offline"],
        _env_file=None,
    )


def app_operations() -> set[tuple[str, str]]:
    """Every (method, path) the app answers, HEAD aside, through included routers."""
    app = create_app(_settings(), sessions=sessionmaker())
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            pairs = [(c.path, c.methods) for c in route.effective_route_contexts()]
        elif getattr(route, "methods", None):
            pairs = [(route.path, route.methods)]  # type: ignore[attr-defined]
        else:
            continue  # the static files mount
        for path, methods in pairs:
            found |= {(m, path) for m in methods if m != "HEAD"}
    return found


def test_every_route_has_a_rule() -> None:
    routes = app_operations()
    assert sorted(routes - TABLE.keys()) == [], "new routes need a row in the policy table"
    assert sorted(TABLE.keys() - routes) == [], "rows for routes that no longer exist"


# ------------------------------------------------------------------------------- the walk


@dataclass
class World:
    """Ids of the subject data (Camille's) and a logged-in token per caller."""

    ids: dict[str, Any]
    tokens: dict[str, str]


class _Holder:
    session: Session | None = None


def _scalar(db: Session, sql: str, **params: Any) -> Any:
    return db.execute(text(sql), params).scalar_one()


def _build(db: Session, client: TestClient) -> World:
    from tests.api.authz_world import other_team

    other_team(db)
    account = _scalar(db, "SELECT min(account_id) FROM account_assignments WHERE owner_id = 4")
    ids: dict[str, Any] = {
        "account_id": account,
        "territory_id": 1,
        "appointment_id": _scalar(db, "SELECT min(id) FROM appointments WHERE rep_id = 4"),
        "trip_id": _scalar(db, "SELECT min(id) FROM trips WHERE rep_id = 4"),
        "contact_id": _scalar(db, "SELECT min(id) FROM contacts WHERE account_id = :a", a=account),
        "user_id": 4,
        "day": "2026-04-14",
        "month": "2026-03",
        "fmt": "csv",
        "kind": "accounts",
        "language": "fr",
        "key": "politique-table",
        "plan_id": 2**31 - 1,
        "proposal_id": 2**31 - 1,
        "run_id": 2**31 - 1,
        "index": 0,
    }
    db.execute(
        text("""INSERT INTO rules (name, definition) VALUES ('politique-table',
                'key: politique-table\nwhen: {potential: {gt: 1}}\nthen: []')""")
    )
    for name, table, key in (("account", "accounts", account), ("territory", "territories", 1)):
        version = _scalar(db, f"SELECT version FROM {table} WHERE id = :i", i=key)
        ids[f"{name}_etag"] = f'"{version}"'  # what a GET answers as ETag
    rule_version = _scalar(db, "SELECT version FROM rules WHERE name = 'politique-table'")
    ids["rule_etag"] = f'"{rule_version}"'
    ids["alert_id"] = _scalar(
        db,
        """INSERT INTO alerts (rule_key, account_id, period, message, recipient_id)
           VALUES ('politique-table', :a, '2026-04', 'test', 4) RETURNING id""",
        a=account,
    )
    ids["task_id"] = _scalar(
        db,
        "INSERT INTO tasks (account_id, assignee_id, title) VALUES (:a, 4, 't') RETURNING id",
        a=account,
    )
    ids["job_id"] = _scalar(
        db,
        """INSERT INTO jobs (kind, label, user_id, status) VALUES ('export_accounts', 'x', 4,
           'failed') RETURNING id""",
    )
    ids["notification_id"] = _scalar(
        db,
        """INSERT INTO notifications (user_id, alert_id, channel, subject, body, status)
           VALUES (4, :al, 'email', 's', 'b', 'failed') RETURNING id""",
        al=ids["alert_id"],
    )
    emails = {
        "rep": EMAILS[4],
        "rep2": EMAILS[5],
        "mgr": EMAILS[1],
        "mgr2": OTHER_MANAGER_EMAIL,
        "disp": EMAILS[2],
        "admin": EMAILS[3],
    }
    tokens = {}
    for caller, email in emails.items():
        response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        tokens[caller] = response.json()["token"]
    ids["session_id"] = _scalar(db, "SELECT max(id) FROM user_sessions WHERE user_id = 4")
    return World(ids, tokens)


@pytest.fixture
def walk(demo_engine: Engine) -> Iterator[tuple[TestClient, World, _Holder, Any]]:
    """The app on one connection of the demo database, the world built in it, and a
    per-request savepoint: everything is rolled back at the end."""
    connection = demo_engine.connect()
    outer = connection.begin()
    holder = _Holder()

    def scope() -> Iterator[Session]:
        assert holder.session is not None
        yield holder.session

    app = create_app(_settings(), sessions=sessionmaker())
    app.dependency_overrides[get_session] = scope
    client = TestClient(app, raise_server_exceptions=False)
    setup = Session(bind=connection, join_transaction_mode="create_savepoint", autoflush=False)
    holder.session = setup
    world = _build(setup, client)
    setup.commit()
    try:
        yield client, world, holder, connection
    finally:
        setup.close()
        outer.rollback()
        connection.close()


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        if whole:
            return ids[whole.group(1)]
        return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), value)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _verdict(status: int, location: str) -> str:
    if status >= 500 and status != 503:  # 503: a readiness check that fails, answered
        return f"server error {status}"
    if status in (401, 403, 404) or (status in (302, 303, 307) and "/login?next=" in location):
        return "denied"
    return "allowed"


def test_every_route_answers_every_caller_as_the_policy_table_says(
    walk: tuple[TestClient, World, _Holder, Any],
) -> None:
    client, world, holder, connection = walk
    wrong: list[str] = []
    spent: list[tuple[float, str]] = []
    sent = 0
    for (method, path), rule in sorted(TABLE.items()):
        url = _fill(path, world.ids)
        for caller in CALLERS:
            expected = "allowed" if caller in rule.allowed else "denied"
            if rule.skip and expected == "allowed":
                continue
            headers = (
                {} if caller == "anon" else {"Authorization": f"Bearer {world.tokens[caller]}"}
            ) | _fill(rule.headers or {}, world.ids)
            savepoint = connection.begin_nested()
            session = Session(
                bind=connection, join_transaction_mode="create_savepoint", autoflush=False
            )
            holder.session = session
            client.cookies.clear()  # the bearer token alone says who calls
            started = time.perf_counter()
            try:
                response = client.request(
                    method,
                    url,
                    headers=headers,
                    params=rule.params,
                    json=_fill(rule.json, world.ids) if rule.data is None else None,
                    data=_fill(rule.data, world.ids),
                    files=rule.files,
                    follow_redirects=False,
                )
            finally:
                session.close()
                savepoint.rollback()
            sent += 1
            spent.append((time.perf_counter() - started, f"{method} {path} as {caller}"))
            got = _verdict(response.status_code, response.headers.get("location", ""))
            if response.status_code == 428:  # the row's edit was never tried: send If-Match
                got = "precondition required"
            if got != expected:
                wrong.append(
                    f"{method} {path} as {caller}: {got} ({response.status_code}), "
                    f"expected {expected}: {response.text[:120]!r}"
                )
    print("slowest:", sorted(spent, reverse=True)[:8])  # for whoever makes the walk faster
    assert sent > 700
    assert wrong == [], "\n".join(wrong)


ROLE_CALLERS = {"rep": ("rep", "rep2"), "mgr": ("mgr", "mgr2"), "disp": ("disp",)}
"""The logged-in callers of each role but the admin's (who may do everything)."""


def test_a_role_that_may_not_use_a_route_is_refused_before_its_input_is_read(
    walk: tuple[TestClient, World, _Holder, Any],
) -> None:
    """QA 22: ``POST /rgpd/prospects`` answered a rep 422 (« ids : champ obligatoire »)
    before 403. A route none of a role's callers may use refuses them with an empty or bad
    input too, before saying anything about the form: the right is checked first."""
    client, world, holder, connection = walk
    wrong: list[str] = []
    sent = 0
    for (method, path), rule in sorted(TABLE.items()):
        if method == "GET" and not rule.params:
            continue  # nothing to validate before the right
        url = _fill(path, world.ids)
        for callers in ROLE_CALLERS.values():
            if any(c in rule.allowed for c in callers):
                continue  # the role may use it (on some data): the service decides
            caller = callers[0]
            savepoint = connection.begin_nested()
            session = Session(
                bind=connection, join_transaction_mode="create_savepoint", autoflush=False
            )
            holder.session = session
            client.cookies.clear()
            try:
                response = client.request(
                    method,
                    url,
                    headers={"Authorization": f"Bearer {world.tokens[caller]}"},
                    params={k: "?" for k in rule.params or {}},  # each one invalid
                    json={"ids": "x"} if rule.json is not None else None,
                    data={"ids": "x"} if rule.data is not None or rule.files else None,
                    follow_redirects=False,
                )
            finally:
                session.close()
                savepoint.rollback()
            sent += 1
            got = _verdict(response.status_code, response.headers.get("location", ""))
            if got != "denied":
                wrong.append(f"{method} {path} as {caller}: {response.status_code}")
    assert sent > 50
    assert wrong == [], "\n".join(wrong)
