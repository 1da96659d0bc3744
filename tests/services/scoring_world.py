"""Tiny named worlds for the scoring tests: users, accounts, sales, visits on real PostGIS."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldcrm.scoring.facts import AccountRecord, add_months, month_key
from fieldcrm.store.tables import (
    Account,
    AccountAssignment,
    Activity,
    Contact,
    MonthlySale,
    Territory,
    User,
)

PARIS = ZoneInfo("Europe/Paris")
SQUARE = "SRID=4326;MULTIPOLYGON(((7.4 43.7, 7.5 43.7, 7.5 43.8, 7.4 43.8, 7.4 43.7)))"


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=PARIS)


def user(db: Session, email: str, role: str = "rep", **kw: object) -> User:
    u = User(email=email, full_name=email.split("@")[0].title(), role=role, **kw)
    db.add(u)
    db.flush()
    return u


@dataclass
class World:
    records: list[AccountRecord] = field(default_factory=list)
    sales: dict[int, dict[str, float]] = field(default_factory=dict)
    visits: dict[int, list[dt.date]] = field(default_factory=dict)


def add_account(
    db: Session,
    world: World,
    *,
    name: str,
    kind: str = "client",
    created: dt.date = dt.date(2020, 1, 1),
    owner: User | None = None,
    territory: Territory | None = None,
    sales: dict[str, float] | None = None,
    visits: list[dt.date] | None = None,
    contact: bool = True,
    **fields: object,
) -> Account:
    """An account with its monthly sales and visits, mirrored in ``world`` for the reference."""
    account = Account(
        name=name,
        kind=kind,
        created_at=noon(created),
        **fields,
    )
    db.add(account)
    db.flush()
    if owner or territory:
        db.add(
            AccountAssignment(
                account_id=account.id,
                owner_id=owner.id if owner else None,
                territory_id=territory.id if territory else None,
            )
        )
    for key, revenue in (sales or {}).items():
        db.add(
            MonthlySale(
                account_id=account.id, month=dt.date.fromisoformat(key + "-01"), revenue=revenue
            )
        )
    for day in visits or []:
        db.add(Activity(account_id=account.id, kind="visit", occurred_at=noon(day)))
    if contact:
        db.add(Contact(account_id=account.id, last_name="Martin"))
    db.flush()
    pot = fields.get("potential_eur_month")
    world.records.append(
        AccountRecord(
            account.id,
            kind,
            created,
            name=name,
            sector=fields.get("sector"),  # type: ignore[arg-type]
            territory=territory.name if territory else None,
            owner=owner.email if owner else None,
            potential=float(pot) if pot is not None else None,  # type: ignore[arg-type]
            qualification=fields.get("qualification"),  # type: ignore[arg-type]
            siret=fields.get("siret"),
            phone=fields.get("phone"),  # type: ignore[arg-type]
            email=fields.get("email"),
            contact="x" if contact else None,  # type: ignore[arg-type]
        )
    )
    world.sales[account.id] = dict(sales or {})
    world.visits[account.id] = list(visits or [])
    return account


def random_world(db: Session, *, as_of: dt.date, n: int = 80, seed: int = 7) -> World:
    """``n`` varied accounts: kinds, sectors, territories, owners, gaps in sales and visits."""
    rng = random.Random(seed)
    reps = [user(db, f"rep{i}@ex.fr") for i in range(3)]
    territories = []
    for i in range(2):
        t = Territory(name=f"Secteur {i}", geom=SQUARE)
        db.add(t)
        territories.append(t)
    db.flush()
    world = World()
    months = [month_key(add_months(as_of, -i)) for i in range(1, 26)]
    for i in range(n):
        sales = {}
        if rng.random() < 0.85:
            base = rng.choice([500, 2000, 10_000, 40_000])
            old_only = rng.random() < 0.15  # lapsed clients: recency from older history
            for m in months[14:] if old_only else months:
                if rng.random() < 0.8:
                    sales[m] = float(round(base * rng.uniform(0.5, 1.5)))
        visits = [as_of - dt.timedelta(days=rng.randint(0, 700)) for _ in range(rng.randint(0, 3))]
        add_account(
            db,
            world,
            name=f"Compte {i}",
            kind=rng.choice(["client", "prospect"]),
            created=as_of - dt.timedelta(days=rng.randint(0, 900)),
            owner=rng.choice([*reps, None]),
            territory=rng.choice([*territories, None]),
            sales=sales,
            visits=visits,
            contact=rng.random() < 0.7,
            sector=rng.choice(["BTP", "Industrie", "Commerce", None]),
            qualification=rng.choice(["A", "B", None, ""]),
            potential_eur_month=rng.choice([None, 5_000, 20_000, 35_000, 60_000, 35_000]),
            phone=rng.choice([None, "0612345678"]),
        )
    return world
