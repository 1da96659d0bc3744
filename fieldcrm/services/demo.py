"""Seed the demo company into the database (one transaction)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import Conflict
from fieldcrm.services import costs
from fieldcrm.services.demo_data import PASSWORD, DemoCompany, generate
from fieldcrm.store import territories as territory_store
from fieldcrm.store.assignment import assign_all

TABLES = (
    "plan_proposals",
    "plans",
    "trips",
    "notifications",
    "tasks",
    "alerts",
    "rules",
    "assignment_history",
    "account_assignments",
    "account_priorities",
    "appointments",
    "activities",
    "monthly_sales",
    "contact_dates",
    "contacts",
    "accounts",
    "territories",
    "geocode_cache",
    "import_runs",
    "audit_log",
    "users",
)


@dataclass(frozen=True)
class DemoSummary:
    """Counts of what was seeded."""

    users: int
    accounts: int
    sales_rows: int
    activities: int
    appointments: int
    territories: int
    pending_geocoding: int


# What the demo erases, as the refusal counts it (table → French label, singular/plural).
COUNTED: tuple[tuple[str, str, str], ...] = (
    ("accounts", "compte", "comptes"),
    ("users", "utilisateur", "utilisateurs"),
    ("audit_log", "entrée du journal d’audit", "entrées du journal d’audit"),
    ("territories", "territoire", "territoires"),
    ("activities", "activité", "activités"),
    ("monthly_sales", "ligne de ventes", "lignes de ventes"),
    ("appointments", "rendez-vous", "rendez-vous"),
    ("plans", "plan", "plans"),
    ("trips", "déplacement", "déplacements"),
    ("rules", "règle", "règles"),
    ("alerts", "alerte", "alertes"),
    ("import_runs", "import", "imports"),
)


def existing_data(session: Session) -> dict[str, int]:
    """Non-zero row counts of the tables the demo would erase (empty: nothing to lose)."""
    counts = ", ".join(f"(SELECT count(*) FROM {table}) AS {table}" for table, _, _ in COUNTED)
    row = session.execute(text(f"SELECT {counts}")).one()._asdict()
    return {table: int(row[table]) for table, _, _ in COUNTED if row[table]}


def describe_existing(counts: dict[str, int]) -> str:
    """``2 000 comptes, 6 utilisateurs, 1 entrée du journal d’audit`` (French, in table order)."""
    parts = []
    for table, one, many in COUNTED:
        if counts.get(table):
            n = counts[table]
            parts.append(f"{n:,}".replace(",", " ") + " " + (one if n == 1 else many))
    return ", ".join(parts)


def _hash(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def _reset(session: Session) -> None:
    session.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))


def _point(lon: float | None, lat: float | None) -> str | None:
    return None if lon is None or lat is None else f"SRID=4326;POINT({lon} {lat})"


def seed_demo(
    session: Session,
    *,
    today: dt.date | None = None,
    reset: bool = False,
    seed: int = 2026,
    settings: Settings | None = None,
) -> DemoSummary:
    """Write the demo company as of ``today``; refuse to overwrite any data unless ``reset``.

    Its trips are derived too (as the worker does when visits are recorded), so the costs
    screen has its figures at once.
    """
    if not reset:
        found = existing_data(session)
        if found:
            raise Conflict(
                f"la base contient déjà des données que la démo effacerait : "
                f"{describe_existing(found)}"
            )
    company = generate(today or dt.date.today(), seed=seed)
    check_company(company)
    _reset(session)
    _write(session, company)
    session.commit()
    years = {a["occurred_at"].year for a in company.activities} | {company.today.year}
    for year in sorted(years):
        costs.derive_trips(session, settings=settings or get_settings(), year=year)
    return DemoSummary(
        users=len(company.users),
        accounts=len(company.accounts),
        sales_rows=len(company.sales),
        activities=len(company.activities),
        appointments=len(company.appointments),
        territories=len(company.territories),
        pending_geocoding=sum(1 for a in company.accounts if a["lon"] is None),
    )


def check_company(company: DemoCompany) -> None:
    """Every demo territory passes the checks its next edit will meet (the store's one
    :func:`~fieldcrm.store.territories.check_fields`), or :class:`InvalidInput` before
    anything is written: a seed value the forms refuse would be refused on its first edit."""
    for territory in company.territories:
        territory_store.check_fields(
            {k: territory[k] for k in ("name", "rep_id", "priority", "color", "overlay")}
        )


def _write(session: Session, company: DemoCompany) -> None:
    password = _hash(PASSWORD)
    for user in company.users:
        home = user.get("home")
        session.execute(
            text("""
            INSERT INTO users (id, email, full_name, role, password_hash, manager_id, phone,
                home_address, home, work_start, work_end, max_driving_minutes, fiscal_hp,
                annual_km_estimate)
            VALUES (:id, :email, :full_name, :role, :password, :manager_id, :phone, :home_address,
                ST_GeomFromEWKT(:home), :work_start, :work_end, :max_driving_minutes, :fiscal_hp,
                :annual_km_estimate)"""),
            {
                "work_start": None,
                "work_end": None,
                "max_driving_minutes": None,
                "fiscal_hp": None,
                "annual_km_estimate": None,
                "home_address": None,
                "phone": None,
                **user,
                "password": password,
                "home": _point(*home) if home else None,
            },
        )
    for territory in company.territories:
        session.execute(
            text("""
            INSERT INTO territories (id, name, rep_id, priority, color, overlay, source, geom)
            VALUES (:id, :name, :rep_id, :priority, :color, :overlay, 'demo',
                    ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_UnaryUnion(
                        ST_SetSRID(ST_GeomFromGeoJSON(:geometry), 4326))), 3)))"""),
            {**territory, "geometry": json.dumps(territory["geometry"])},
        )
    session.execute(
        text("""
        INSERT INTO accounts (id, external_id, siret, name, address_line1, postcode, city, country,
            kind, sector, qualification, employees, potential_eur_month, phone, visit_minutes,
            opening_hours, created_at, geom, geocode_status, geocode_provider, geocode_precision,
            geocode_score, geocode_label)
        VALUES (:id, :external_id, :siret, :name, :address_line1, :postcode, :city, :country,
            :kind, :sector, :qualification, :employees, :potential_eur_month, :phone,
            :visit_minutes, CAST(:opening_hours AS jsonb), :created_at, ST_GeomFromEWKT(:geom),
            :status, :provider, :precision, :score, :label)"""),
        [
            {
                **a,
                "opening_hours": json.dumps(a["opening_hours"]),
                "geom": _point(a["lon"], a["lat"]),
                "status": "pending" if a["lon"] is None else "matched",
                "provider": None if a["lon"] is None else "demo",
                "precision": None if a["lon"] is None else "housenumber",
                "score": None if a["lon"] is None else 1.0,
                "label": None
                if a["lon"] is None
                else f"{a['address_line1']} {a['postcode']} {a['city']}",
            }
            for a in company.accounts
        ],
    )
    session.execute(
        text(
            "INSERT INTO contacts (id, account_id, first_name, last_name, role, phone, email) "
            "VALUES (:id, :account_id, :first_name, :last_name, :role, :phone, :email)"
        ),
        company.contacts,
    )
    if company.contact_dates:
        session.execute(
            text(
                "INSERT INTO contact_dates (contact_id, kind, date, note) "
                "VALUES (:contact_id, :kind, :date, :note)"
            ),
            company.contact_dates,
        )
    raw = session.connection().connection.driver_connection
    assert raw is not None  # a live psycopg connection: the session is bound
    with raw.cursor().copy("COPY monthly_sales (account_id, month, revenue) FROM STDIN") as copy:
        for row in company.sales:
            copy.write_row(row)
    columns = ("account_id", "rep_id", "kind", "occurred_at", "outcome", "report")
    with raw.cursor().copy(f"COPY activities ({', '.join(columns)}) FROM STDIN") as copy:
        for activity in company.activities:
            copy.write_row(tuple(activity[c] for c in columns))
    session.execute(
        text("""
        INSERT INTO appointments (rep_id, account_id, title, starts_at, ends_at, address, geom)
        VALUES (:rep_id, :account_id, :title, :starts_at, :ends_at, :address, ST_GeomFromEWKT(:geom))"""),
        [{**a, "geom": _point(a["lon"], a["lat"])} for a in company.appointments],
    )
    for table in ("users", "territories", "accounts", "contacts"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )
    assign_all(session, actor_id=None, reason="demo")
