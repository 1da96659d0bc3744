"""ORM tables (SQLAlchemy 2 + GeoAlchemy2). Geometry columns are EPSG:4326 with GiST indexes.

The schema is created by Alembic migrations in ``migrations/``; this module is the model
those migrations describe, and what repositories query.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("rep", "manager", "dispatcher", "admin")
ACCOUNT_KINDS = ("prospect", "client")
GEOCODE_STATUSES = ("pending", "matched", "to_review", "failed", "manual")
PRECISIONS = ("housenumber", "street", "municipality", "none")
ACTIVITY_KINDS = ("visit", "call", "email", "meeting")

JsonB = JSONB


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _now() -> Any:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class User(Base):
    """People who log in: reps, managers, dispatchers, admins."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), server_default="fr")
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    phone: Mapped[str | None] = mapped_column(String(40))
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Reps: home base, working day, vehicle.
    home_address: Mapped[str | None] = mapped_column(Text)
    home: Mapped[Any] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=True), nullable=True
    )
    work_start: Mapped[dt.time | None] = mapped_column(Time)
    work_end: Mapped[dt.time | None] = mapped_column(Time)
    lunch_minutes: Mapped[int] = mapped_column(Integer, server_default="60")
    max_driving_minutes: Mapped[int | None] = mapped_column(Integer)
    vehicle_kind: Mapped[str] = mapped_column(String(20), server_default="car")
    fiscal_hp: Mapped[int | None] = mapped_column(Integer)
    electric: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    annual_km_estimate: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = _now()


class Territory(Base):
    """A rep's area as a MultiPolygon; overlaps resolved by priority, then area, then id."""

    __tablename__ = "territories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    geom: Mapped[Any] = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True))
    rep_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    priority: Mapped[int] = mapped_column(Integer, server_default="0")
    color: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(Text)
    # 0026_territory_overlay: laid over the local territories (national key accounts): a
    # rebalancing leaves it out (fieldcrm.territories.rebalance_effects.left_out).
    overlay: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[dt.datetime] = _now()
    updated_at: Mapped[dt.datetime] = _now()
    # 0017_edit_versions: optimistic concurrency (fieldcrm.store.versions).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    edited_by: Mapped[int | None] = mapped_column(Integer)


class Account(Base):
    """A company: prospect or client, with its geocoded point and assignment."""

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(_in("kind", ACCOUNT_KINDS), name="kind"),
        CheckConstraint(_in("geocode_status", GEOCODE_STATUSES), name="geocode_status"),
        CheckConstraint(
            "geocode_precision IS NULL OR " + _in("geocode_precision", PRECISIONS),
            name="geocode_precision",
        ),
        Index(
            "uq_accounts_external_id",
            "external_id",
            unique=True,
            postgresql_where=text("external_id IS NOT NULL"),
        ),
        Index(
            "uq_accounts_siret", "siret", unique=True, postgresql_where=text("siret IS NOT NULL")
        ),
        Index("ix_accounts_postcode", "postcode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    siret: Mapped[str | None] = mapped_column(String(14))
    name: Mapped[str] = mapped_column(String(300))
    address_line1: Mapped[str | None] = mapped_column(Text)
    address_line2: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), server_default="FR")
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    geom: Mapped[Any] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=True), nullable=True
    )
    geocode_provider: Mapped[str | None] = mapped_column(String(40))
    geocode_score: Mapped[float | None] = mapped_column(Float)
    geocode_precision: Mapped[str | None] = mapped_column(String(20))
    geocode_status: Mapped[str] = mapped_column(String(20), server_default="pending", index=True)
    geocode_label: Mapped[str | None] = mapped_column(Text)
    geocode_reason: Mapped[str | None] = mapped_column(Text)
    # 0016_ban_addresses: the places a doubtful answer could be ([{label, lon, lat}...]).
    geocode_candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonB)
    geocoded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    location_locked: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    kind: Mapped[str] = mapped_column(String(20), server_default="prospect")
    sector: Mapped[str | None] = mapped_column(String(100))
    qualification: Mapped[str | None] = mapped_column(String(50))
    employees: Mapped[int | None] = mapped_column(Integer)
    potential_eur_month: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    opening_hours: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    visit_minutes: Mapped[int] = mapped_column(Integer, server_default="45")
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _now()
    updated_at: Mapped[dt.datetime] = _now()
    # 0013_call_intervals: days between visits set by hand (overrides the segment's default).
    visit_interval_days: Mapped[int | None] = mapped_column(Integer)
    # 0017_edit_versions: optimistic concurrency (fieldcrm.store.versions).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    edited_by: Mapped[int | None] = mapped_column(Integer)


class VisitInterval(Base):
    """Default days between visits of a segment: a qualification (A/B/C) or a kind (0013).

    An account's own ``visit_interval_days`` wins, then its qualification's, then its kind's.
    """

    __tablename__ = "visit_intervals"
    __table_args__ = (
        CheckConstraint("segment IN ('qualification', 'kind')", name="segment"),
        CheckConstraint("days BETWEEN 1 AND 3650", name="days"),
    )

    segment: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(50), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)


def _statement_key(type_: Any = Integer, **kwargs: Any) -> Any:
    """A reference checked per statement by triggers (migration 0006), not a foreign key.

    Tables written in bulk use them: same rules as a foreign key (the parent must exist,
    ``cascade`` or ``set null`` on its deletion), one set-based check per statement.
    """
    return mapped_column(type_, index=True, **kwargs)


class AccountAssignment(Base):
    """Who owns an account and through which territory, and whether a dispatcher locked it.

    Its own narrow table (migration 0006): one row per account ever assigned or locked;
    readers ``LEFT JOIN`` it, no row meaning no owner, no territory and not locked.
    """

    __tablename__ = "account_assignments"

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int | None] = _statement_key()
    territory_id: Mapped[int | None] = _statement_key()
    locked: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    updated_at: Mapped[dt.datetime] = _now()


class AccountPriority(Base):
    """The priority index of an account as the last scoring run made it, with its parts.

    Its own narrow table: the nightly run writes here, not through the wide ``accounts``.
    Its ``account_id`` is a statement key (migration 0006) on ``accounts``. The
    parts are typed columns (migration 0005); ``rule_keys``/``rule_points`` name the rules
    that gave points, NULL when none did.
    """

    __tablename__ = "account_priorities"

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(10))
    rule_band: Mapped[str | None] = mapped_column(String(10))
    rule_keys: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    rule_points: Mapped[list[int] | None] = mapped_column(ARRAY(Integer))
    rfm_r: Mapped[int | None] = mapped_column(SmallInteger)
    rfm_f: Mapped[int | None] = mapped_column(SmallInteger)
    rfm_m: Mapped[int | None] = mapped_column(SmallInteger)
    rfm_points: Mapped[float | None] = mapped_column(Float)
    potential: Mapped[float | None] = mapped_column(Float)
    potential_pct: Mapped[float | None] = mapped_column(Float)
    potential_points: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[dt.datetime] = _now()
    # 0013_call_intervals: days the next visit is late, and the points that gives.
    overdue_days: Mapped[int | None] = mapped_column(Integer)
    overdue_points: Mapped[float | None] = mapped_column(Float)


class CorridorPoint(Base):
    """What the corridor ranks, beside the point: one row per account, whether its location
    is confirmed, its kind, potential, owner and score (migration 0023).

    A copy kept by statement-level triggers on ``accounts``, ``account_assignments`` and
    ``account_priorities``, each writing its own columns; the application never writes it.
    Its GiST on the point, over the confirmed rows, includes every column, so that a band of
    the corridor is one index-only scan.
    """

    __tablename__ = "corridor_points"
    __table_args__ = (
        Index(
            "ix_corridor_points_point",
            text("(geom::point)"),
            postgresql_using="gist",
            postgresql_include=["geom", "account_id", "kind", "potential", "owner_id", "score"],
            postgresql_where=text("confirmed"),
        ),
        Index(  # a rep's own accounts over the whole country (migration 0027)
            "ix_corridor_points_owner",
            "owner_id",
            postgresql_include=["geom", "account_id", "kind", "potential", "score"],
            postgresql_where=text("confirmed"),
        ),
    )

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    confirmed: Mapped[bool] = mapped_column(Boolean)
    geom: Mapped[Any | None] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    kind: Mapped[str] = mapped_column(String(20))
    potential: Mapped[float] = mapped_column(Float)
    owner_id: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)


class Contact(Base):
    """A person at an account."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)
    last_contact_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = _now()


class ContactDate(Base):
    """An important date of a contact (retirement, birthday, contract end…)."""

    __tablename__ = "contact_dates"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    date: Mapped[dt.date] = mapped_column(Date)
    remind_days_before: Mapped[int] = mapped_column(Integer, server_default="60")
    note: Mapped[str | None] = mapped_column(Text)


class MonthlySale(Base):
    """Revenue of an account for one month (``month`` is the first day of the month)."""

    __tablename__ = "monthly_sales"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    revenue: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class Activity(Base):
    """A visit, call, email or meeting, with its report (French full-text indexed)."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(_in("kind", ACTIVITY_KINDS), name="kind"),
        Index("ix_activities_report_tsv", "report_tsv", postgresql_using="gin"),
        Index("ix_activities_account_occurred", "account_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    rep_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(100))
    report: Mapped[str | None] = mapped_column(Text)
    report_tsv: Mapped[Any] = mapped_column(
        TSVECTOR, Computed("to_tsvector('french', coalesce(report, ''))", persisted=True)
    )
    checkin: Mapped[Any] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=False), nullable=True
    )
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    checkin_distance_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    """Metres from the check-in to its account, kept by triggers (migration 0025)."""
    created_at: Mapped[dt.datetime] = _now()


APPOINTMENT_STATUSES = ("confirmed", "cancelled")


class Appointment(Base):
    """A fixed appointment: exact start and end, at an account or a free location.

    Cancelling keeps the row (``status = 'cancelled'``); every change of time, place or text
    bumps ``sequence`` and ``updated_at`` (calendar clients follow them, 0012_calendar).
    """

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(_in("status", APPOINTMENT_STATUSES), name="status"),
        Index("ix_appointments_rep_id_starts_at", "rep_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str | None] = mapped_column(Text)
    geom: Mapped[Any] = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=False), nullable=True
    )
    status: Mapped[str] = mapped_column(String(20), server_default="confirmed")
    created_at: Mapped[dt.datetime] = _now()
    # 0012_calendar
    note: Mapped[str | None] = mapped_column(Text)
    proposal_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("plan_proposals.id", ondelete="SET NULL"), index=True
    )
    """The accepted proposal that booked it (kept when it is moved)."""
    sequence: Mapped[int] = mapped_column(Integer, server_default="0")
    updated_at: Mapped[dt.datetime] = _now()


class CalendarFeed(Base):
    """A rep's calendar feed: the digest of its secret token, one per user (0012_calendar).

    Regenerating replaces the digest; revoking deletes the row.
    """

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_digest: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    created_at: Mapped[dt.datetime] = _now()


class AssignmentChange(Base):
    """History of owner/territory changes: who, when, why, from, to."""

    __tablename__ = "assignment_history"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = _statement_key()
    from_rep_id: Mapped[int | None] = mapped_column(Integer)
    to_rep_id: Mapped[int | None] = mapped_column(Integer)
    from_territory_id: Mapped[int | None] = mapped_column(Integer)
    to_territory_id: Mapped[int | None] = mapped_column(Integer)
    changed_by: Mapped[int | None] = _statement_key()
    changed_at: Mapped[dt.datetime] = _now()
    reason: Mapped[str] = mapped_column(String(200))
    # 0018_assignment_runs: the run that wrote this change (plain indexed column, no key)
    run_id: Mapped[int | None] = mapped_column(BigInteger, index=True)


class AssignmentRun(Base):
    """One automatic assignment, applied rebalancing, territory deletion or undo (0018)."""

    __tablename__ = "assignment_runs"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('auto', 'manual', 'rebalance', 'territory_delete', 'undo')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = _now()
    reason: Mapped[str] = mapped_column(String(200))
    accounts: Mapped[int] = mapped_column(Integer, server_default="0")
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    undoes_run_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_runs.id"), index=True)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AssignmentRunShape(Base):
    """A territory's outline before and after a rebalancing run, to put it back (0018)."""

    __tablename__ = "assignment_run_shapes"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("assignment_runs.id", ondelete="CASCADE"), primary_key=True
    )
    territory_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geom_before: Mapped[Any] = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False
    )
    geom_after: Mapped[Any] = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False
    )


class Rule(Base):
    """A strategic rule as managers wrote it (YAML/JSON text, validated before saving)."""

    __tablename__ = "rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[dt.datetime] = _now()
    # 0017_edit_versions: optimistic concurrency (fieldcrm.store.versions).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    edited_by: Mapped[int | None] = mapped_column(Integer)


class Alert(Base):
    """A rule that fired for an account in a period; unique per (rule, account, period)."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("rule_key", "account_id", "period"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    rule_id: Mapped[int | None] = _statement_key()
    rule_key: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int] = _statement_key()
    period: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20), server_default="medium")
    message: Mapped[str] = mapped_column(Text)
    recipient_id: Mapped[int | None] = _statement_key()
    status: Mapped[str] = mapped_column(String(20), server_default="open")
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    created_at: Mapped[dt.datetime] = _now()


class Task(Base):
    """A to-do with a due date, usually created by a rule or a reminder."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int | None] = _statement_key()
    assignee_id: Mapped[int | None] = _statement_key()
    title: Mapped[str] = mapped_column(Text)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), server_default="open")
    alert_id: Mapped[int | None] = _statement_key(BigInteger)
    created_at: Mapped[dt.datetime] = _now()
    # 0013_call_intervals: who marked it done, and when.
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # 0021_task_closed_by_visit: a visit to the account completes it (and which one did).
    closed_by_visit: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    done_by_activity_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )


class Notification(Base):
    """One message to one person on one channel; retried until sent, never lost."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_pending", "status", "next_attempt_at"),
        Index(
            "ix_notifications_sending",
            "claimed_at",
            postgresql_where=text("status = 'sending'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int | None] = _statement_key()
    alert_id: Mapped[int | None] = _statement_key(BigInteger)
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[dt.datetime] = _now()
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = _now()
    # scoring (0002_scoring): copies of an email, comma-separated addresses.
    cc: Mapped[str | None] = mapped_column(Text)
    # 0008_notify_delivery: when a worker took it ("sending"); a stale claim is taken again.
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Delivery(Base):
    """One attempt to deliver a notification, with its outcome (0002_scoring)."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    provider_ref: Mapped[str | None] = mapped_column(Text)
    attempted_at: Mapped[dt.datetime] = _now()


class BanDepartment(Base):
    """A département of the Base Adresse Nationale loaded for offline geocoding (0016)."""

    __tablename__ = "ban_departments"

    department: Mapped[str] = mapped_column(String(3), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    streets: Mapped[int] = mapped_column(Integer)
    addresses: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[dt.datetime] = _now()


class BanStreet(Base):
    """A BAN street of one commune and postcode, with its matching key (0016)."""

    __tablename__ = "ban_streets"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    department: Mapped[str] = mapped_column(String(3), index=True)
    citycode: Mapped[str] = mapped_column(String(5), index=True)
    postcode: Mapped[str] = mapped_column(String(5))
    name: Mapped[str] = mapped_column(Text)
    commune: Mapped[str] = mapped_column(Text)
    street_key: Mapped[str] = mapped_column(Text)


class BanAddress(Base):
    """A BAN house number and its point (0016; replaced with its département's streets)."""

    __tablename__ = "ban_addresses"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    street_id: Mapped[int] = mapped_column(BigInteger, index=True)
    department: Mapped[str] = mapped_column(String(3), index=True)
    number: Mapped[int] = mapped_column(Integer)
    suffix: Mapped[str] = mapped_column(String(10), server_default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


class GeocodeCacheEntry(Base):
    """Provider answers keyed by the normalised address."""

    __tablename__ = "geocode_cache"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[str] = mapped_column(String(20))
    label: Mapped[str | None] = mapped_column(Text)
    citycode: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = _now()


class Plan(Base):
    """A computed day or trip plan for a rep (request and result kept as JSON)."""

    __tablename__ = "plans"
    __table_args__ = (Index("ix_plans_rep_day", "rep_id", "day"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), server_default="day")
    day: Mapped[dt.date] = mapped_column(Date)
    end_day: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), server_default="proposed")
    request: Mapped[dict[str, Any]] = mapped_column(JsonB)
    result: Mapped[dict[str, Any]] = mapped_column(JsonB)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = _now()


class PlanProposal(Base):
    """A visit the planner proposed, with the slot to book; the rep accepts or rejects it."""

    __tablename__ = "plan_proposals"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    slot_start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    slot_end: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    detour_minutes: Mapped[float] = mapped_column(Float)
    detour_km: Mapped[float] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), server_default="proposed")
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Trip(Base):
    """Travel of a rep over one or several days, planned or actual, with its costs inputs."""

    __tablename__ = "trips"
    __table_args__ = (
        Index("ix_trips_rep_start", "rep_id", "start_day"),
        UniqueConstraint("rep_id", "kind", "start_day", name="uq_trips_rep_kind_start"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10), server_default="planned")
    start_day: Mapped[dt.date] = mapped_column(Date)
    end_day: Mapped[dt.date] = mapped_column(Date)
    km: Mapped[float] = mapped_column(Float, server_default="0")
    driving_seconds: Mapped[int] = mapped_column(Integer, server_default="0")
    visiting_seconds: Mapped[int] = mapped_column(Integer, server_default="0")
    visits: Mapped[int] = mapped_column(Integer, server_default="0")
    hotel_nights: Mapped[int] = mapped_column(Integer, server_default="0")
    meals: Mapped[int] = mapped_column(Integer, server_default="0")
    tolls_eur: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    revenue_eur: Mapped[Decimal] = mapped_column(Numeric(14, 2), server_default="0")
    saved_km: Mapped[float] = mapped_column(Float, server_default="0")
    saved_eur: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    created_at: Mapped[dt.datetime] = _now()
    # 0010_trips: visits left out of the kilometres, [{day, account_id, account, reason}], and
    # check-ins left out of the visits, [{kind: not_a_visit, day, account_id, account, distance_m}]
    to_check: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonB)


class AuditEntry(Base):
    """Who changed what, when (an erasure keeps only the fact that it happened)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id", "action"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = _now()
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JsonB)


class ImportRun(Base):
    """One import of a file: counts and every rejected row."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    inserted: Mapped[int] = mapped_column(Integer, server_default="0")
    updated: Mapped[int] = mapped_column(Integer, server_default="0")
    unchanged: Mapped[int] = mapped_column(Integer, server_default="0")
    rejected: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonB)
    created_at: Mapped[dt.datetime] = _now()


class UserSession(Base):
    """A login: the browser's cookie or an API client's bearer token, revocable.

    Only a SHA-256 digest of the token is kept: a copy of the table does not let anyone in.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    created_at: Mapped[dt.datetime] = _now()
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class LoginFailure(Base):
    """A failed login, counted per account and per address to slow down password guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    key: Mapped[str] = mapped_column(String(320))
    at: Mapped[dt.datetime] = _now()


class Job(Base):
    """A piece of long work a user started (an import, say), run by a worker (0009_worker).

    ``done`` / ``total`` drive the progress bar; ``input`` holds the uploaded bytes until the
    job has run (a worker may be on another machine); ``result`` is what the page shows.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), server_default="queued")
    done: Mapped[int] = mapped_column(BigInteger, server_default="0")
    total: Mapped[int | None] = mapped_column(BigInteger)
    params: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    input: Mapped[bytes | None] = mapped_column(LargeBinary)
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonB)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = _now()
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class JobFile(Base):
    """The file a job produced (an export), downloadable until ``expires_at`` (0019)."""

    __tablename__ = "job_files"

    job_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = _now()
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class JobFileChunk(Base):
    """One piece of a job's file, in order of ``seq`` (0019)."""

    __tablename__ = "job_file_chunks"

    job_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("job_files.job_id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ScheduledRun(Base):
    """One run of a scheduled job for one period (a local day or week): at most one, ever."""

    __tablename__ = "scheduled_runs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(20), primary_key=True)
    started_at: Mapped[dt.datetime] = _now()
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(Text)


class MonthValidation(Base):
    """A rep's travel-cost month validated by a manager: its trips are frozen (0011)."""

    __tablename__ = "month_validations"

    rep_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    validated_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    validated_at: Mapped[dt.datetime] = _now()
    rate_per_km: Mapped[Decimal] = mapped_column(Numeric(8, 4))


class CostAdjustment(Base):
    """A change to a validated month: an amount, its reason and its author (0011)."""

    __tablename__ = "cost_adjustments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["rep_id", "month"],
            ["month_validations.rep_id", "month_validations.month"],
            name="fk_cost_adjustments_validation",
            ondelete="CASCADE",
        ),
        Index("ix_cost_adjustments_rep_month", "rep_id", "month"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    rep_id: Mapped[int] = mapped_column(Integer)
    month: Mapped[dt.date] = mapped_column(Date)
    amount_eur: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = _now()


class PasswordReset(Base):
    """A one-time password-reset code an admin handed out (0014): only its keyed digest is kept."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_digest: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = _now()
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
