"""Bench: 10 scoring rules over 1 000 000 accounts with 24 months of sales.

    python -m bench.rules [--accounts 1000000] [--sample 20000] [--keep]

Generates a seeded company with ``COPY`` into its own database (``fieldcrm_bench_rules``,
dropped afterwards unless ``--keep``), then times ``services.scoring.run_rules`` (SQL facts,
rules compiled to SQL, idempotent alerts, notifications, tasks, reassignments, priority index
of every account), a second run the same day (idempotence: no new alert), a dry run, and
beside them the pure evaluation path (``facts_from_history`` + ``evaluate``) on a sample,
checking that both paths fire for the same (rule, account) pairs on that sample.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from collections import defaultdict

import numpy as np
import psycopg
from sqlalchemy import text

from bench.database import drop_db, fresh_db, plain
from fieldcrm.config import Settings
from fieldcrm.scoring.evaluate import evaluate
from fieldcrm.scoring.facts import AccountRecord, add_months, facts_from_history, month_key
from fieldcrm.scoring.facts import previous_month as prev_month
from fieldcrm.scoring.rules import months_needed, parse_rules
from fieldcrm.services import scoring
from fieldcrm.store import facts as facts_store
from fieldcrm.store.db import make_engine, session_scope

AS_OF = dt.date(2026, 4, 2)
DB_NAME = "fieldcrm_bench_rules"
SECTORS = ["BTP", "Industrie", "Commerce", "Santé", "Transport", "Agroalimentaire"]
RULES = """
rules:
  - key: declining-key-account
    name: CA en baisse sur un compte à fort potentiel
    when:
      revenue_vs_last_year: {below_pct: 10}
      potential: {gt: 30000}
      days_since_last_visit: {gt: 183}
    then:
      - alert: {to: owner, cc: [manager], channels: [in_app, email, sms],
                subject: "{account} : CA {month} {change_pct}"}
      - priority: {add: 30, band: high}
      - task: {title: "Visiter {account}", due_in_days: 14}
  - key: stale-prospect
    when: {kind: prospect, days_since_creation: {gt: 61}, missing: [qualification, potential]}
    then:
      - alert: {to: owner, channels: [in_app]}
      - priority: {add: 15}
  - key: strong-growth
    when: {revenue_vs_last_year: {above_pct: 60}, potential: {gt: 50000}}
    then: [{priority: {add: 10}}]
  - key: unvisited-big-client
    when: {kind: client, days_since_last_visit: {gt: 600}, revenue_12m: {gt: 300000}}
    then:
      - alert: {to: owner, channels: [in_app, email]}
      - task: {title: "Reprendre contact avec {account}", due_in_days: 7}
  - key: lost-client
    when: {kind: client, revenue_3m: {lte: 0}, revenue_12m: {gt: 10000}}
    then:
      - alert: {to: owner, cc: [manager], channels: [in_app, email]}
      - priority: {band: urgent}
  - key: unreachable
    when: {missing: [contact, phone, email]}
    then: [{priority: {add: 2}}]
  - key: sector-focus
    when:
      sector: [BTP, Industrie]
      potential: {gt: 70000}
      territory: {not_in: [Territoire 1]}
    then: [{priority: {add: 5}}]
  - key: new-client-follow-up
    when: {kind: client, days_since_creation: {lte: 20}}
    then: [{task: {title: "Appel de bienvenue {account}", due_in_days: 3}}]
  - key: old-prospect-to-dispatch
    when: {kind: prospect, days_since_creation: {gt: 1500}, missing: {any: [qualification]}}
    then: [{reassign: {to: dispatcher}}]
  - key: deep-decline
    when:
      any: [{revenue_vs_last_year: {below_pct: 45}}, {revenue_3m: {between: [1, 500]}}]
      potential: {gt: 60000}
    then: [{priority: {add: 8}}]
"""


def _copy(conn: psycopg.Connection, sql: str, lines: list[str]) -> None:
    with conn.cursor().copy(sql) as copy:
        copy.write("".join(lines))


def generate(url: str, n: int, seed: int = 7) -> dict[str, float]:
    """Users, territories, ``n`` accounts, 24 months of sales, visits, contacts — by COPY."""
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    counts: dict[str, float] = {}
    with psycopg.connect(plain(url)) as conn:
        # the bulk of the rows; ``activities`` stays logged: ``tasks`` (logged) refers to it
        # since migration 0021, and a logged table may not refer to an unlogged one
        conn.execute("ALTER TABLE monthly_sales SET UNLOGGED")
        managers, reps = 10, 200
        users = [
            f"{i}\tdirecteur{i}@bench.fr\tDirecteur {i}\tmanager\t\\N\t06000000{i:02d}\n"
            for i in range(1, managers + 1)
        ]
        users += [
            f"{i}\trep{i}@bench.fr\tRep {i}\trep\t{1 + i % managers}\t07{i:08d}\n"
            for i in range(managers + 1, managers + reps + 1)
        ]
        users.append(
            f"{managers + reps + 1}\tdispatch@bench.fr\tRépartiteur\tdispatcher\t\\N\t\\N\n"
        )
        _copy(conn, "COPY users (id, email, full_name, role, manager_id, phone) FROM STDIN", users)
        conn.execute(
            "INSERT INTO territories (id, name, geom) SELECT g, 'Territoire ' || g, "
            "ST_Multi(ST_MakeEnvelope(g, 43, g + 1, 44, 4326)) FROM generate_series(1, 20) g"
        )
        ids = np.arange(1, n + 1)
        prospect = rng.random(n) < 0.3
        sector = rng.integers(0, len(SECTORS) + 1, n)
        qualified = rng.random(n) < 0.75
        potential = np.where(rng.random(n) < 0.2, -1, np.round(rng.lognormal(9.8, 0.9, n), -2))
        owner = np.where(
            rng.random(n) < 0.02, 0, rng.integers(managers + 1, managers + reps + 1, n)
        )
        territory = rng.integers(1, 21, n)
        created_days = rng.integers(0, 5 * 365, n)
        has_phone = rng.random(n) < 0.7
        has_mail = rng.random(n) < 0.6
        # every account geocoded in its territory's square (a company's accounts are located:
        # the corridor's copy, ``corridor_points``, is then written with each score)
        lon = territory + rng.random(n)
        lat = 43 + rng.random(n)
        lines = []
        for i in range(n):
            created = AS_OF - dt.timedelta(days=int(created_days[i]))
            lines.append(
                f"{ids[i]}\tCompte {ids[i]}\t{'prospect' if prospect[i] else 'client'}\t"
                f"{SECTORS[sector[i]] if sector[i] < len(SECTORS) else chr(92) + 'N'}\t"
                f"{'A' if qualified[i] else chr(92) + 'N'}\t"
                f"{potential[i] if potential[i] >= 0 else chr(92) + 'N'}\t"
                f"{created.isoformat()} 12:00+01\t"
                f"{'0102030405' if has_phone[i] else chr(92) + 'N'}\t"
                f"{'c@x.fr' if has_mail[i] else chr(92) + 'N'}\t"
                f"SRID=4326;POINT({lon[i]:.6f} {lat[i]:.6f})\tmatched\n"
            )
        _copy(
            conn,
            "COPY accounts (id, name, kind, sector, qualification, potential_eur_month, "
            "created_at, phone, email, geom, geocode_status) FROM STDIN",
            lines,
        )
        _copy(
            conn,
            "COPY account_assignments (account_id, owner_id, territory_id) FROM STDIN",
            [
                f"{ids[i]}\t{owner[i] if owner[i] else chr(92) + 'N'}\t{territory[i]}\n"
                for i in range(n)
            ],
        )
        conn.execute("SELECT setval('accounts_id_seq', %s)", (n,))
        counts["accounts"] = n
        # 24 complete months of sales for clients: a base level, noise, some gaps.
        months = [add_months(AS_OF, -k).isoformat() for k in range(24, 0, -1)]
        base = np.round(rng.lognormal(8.0, 1.2, n))
        trend = rng.normal(1.0, 0.25, n)
        rows = 0
        chunk = 50_000
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            out = []
            for i in range(start, stop):
                if prospect[i]:
                    continue
                present = rng.random(24) < 0.85
                noise = rng.uniform(0.7, 1.3, 24)
                for k in range(24):
                    if present[k]:
                        value = base[i] * noise[k] * (trend[i] if k >= 12 else 1.0)
                        out.append(f"{i + 1}\t{months[k]}\t{max(value, 0):.2f}\n")
            rows += len(out)
            _copy(conn, "COPY monthly_sales (account_id, month, revenue) FROM STDIN", out)
        counts["monthly_sales"] = rows
        visits = rng.integers(0, 4, n)
        out = []
        for i in range(n):
            for _ in range(visits[i]):
                day = AS_OF - dt.timedelta(days=int(rng.integers(1, 730)))
                out.append(f"{i + 1}\tvisit\t{day.isoformat()} 10:00+01\n")
        _copy(conn, "COPY activities (account_id, kind, occurred_at) FROM STDIN", out)
        counts["visits"] = len(out)
        contacts = [f"{i + 1}\tContact {i + 1}\n" for i in range(n) if rng.random() < 0.7]
        _copy(conn, "COPY contacts (account_id, last_name) FROM STDIN", contacts)
        counts["contacts"] = len(contacts)
        conn.execute(
            "INSERT INTO contact_dates (contact_id, kind, date) SELECT id, 'retirement', "
            "DATE '2026-05-01' + (id % 90) FROM contacts WHERE id % 500 = 0"
        )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    counts["seconds"] = time.perf_counter() - t0
    return counts


def pure_sample(url: str, size: int, rules: list, total: int) -> tuple[float, float, set, set]:  # type: ignore[type-arg]
    """Pure path on ``size`` accounts: (load s, evaluate s, pure pairs, SQL pairs)."""
    months = months_needed(rules, prev_month(AS_OF))
    engine = make_engine(url)
    with session_scope(engine) as s:
        t0 = time.perf_counter()
        ids = [
            r[0]
            for r in s.execute(
                text("SELECT id FROM accounts WHERE id % :step = 0 LIMIT :n"),
                {"step": max(1, 1_000_000 // size), "n": size},
            )
        ]
        accounts = s.execute(
            text("""
            SELECT a.id, a.kind, (a.created_at AT TIME ZONE 'Europe/Paris')::date, a.name,
                   a.sector, t.name, u.email, a.potential_eur_month::float8, a.qualification,
                   a.siret, a.phone, a.email,
                   EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = a.id)
            FROM accounts a LEFT JOIN account_assignments s ON s.account_id = a.id
            LEFT JOIN territories t ON t.id = s.territory_id
            LEFT JOIN users u ON u.id = s.owner_id WHERE a.id = ANY(:ids)"""),
            {"ids": ids},
        ).all()
        sales: dict[int, dict[str, float]] = defaultdict(dict)
        for aid, month, revenue in s.execute(
            text(
                "SELECT account_id, month, revenue::float8 FROM monthly_sales "
                "WHERE account_id = ANY(:ids)"
            ),
            {"ids": ids},
        ):
            sales[aid][month_key(month)] = revenue
        visits: dict[int, list[dt.date]] = defaultdict(list)
        for aid, day in s.execute(
            text(
                "SELECT account_id, (occurred_at AT TIME ZONE 'Europe/Paris')::date FROM activities "
                "WHERE kind = 'visit' AND account_id = ANY(:ids)"
            ),
            {"ids": ids},
        ):
            visits[aid].append(day)
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        facts = [
            facts_from_history(
                AccountRecord(
                    r[0],
                    r[1],
                    r[2],
                    name=r[3],
                    sector=r[4],
                    territory=r[5],
                    owner=r[6],
                    potential=r[7],
                    qualification=r[8],
                    siret=r[9],
                    phone=r[10],
                    email=r[11],
                    contact="x" if r[12] else None,
                ),
                sales[r[0]],
                visits[r[0]],
                as_of=AS_OF,
                months=months,
            )
            for r in accounts
        ]
        pure = {(f.rule_key, f.account_id) for f in evaluate(rules, facts, as_of=AS_OF)}
        pure_s = time.perf_counter() - t0
        facts_store.build_facts(s, as_of=AS_OF, months=months)
        sql = set()
        for rule in rules:
            where, params = facts_store.compile_condition(rule.when, as_of=AS_OF)
            params["ids"] = ids
            sql |= {
                (rule.key, f.account_id)
                for f in facts_store.fetch_facts(
                    s, months=months, where=f"({where}) AND account_id = ANY(:ids)", params=params
                )
            }
        s.rollback()
    return load, pure_s, pure, sql


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    url = fresh_db(DB_NAME)
    try:
        made = generate(url, args.accounts)
        print(
            f"generated {made['accounts']:,} accounts, {made['monthly_sales']:,} monthly sales, "
            f"{made['visits']:,} visits, {made['contacts']:,} contacts "
            f"in {made['seconds']:.0f} s (COPY)"
        )
        rules = parse_rules(RULES)
        settings = Settings(_env_file=None, database_url=url)
        engine = make_engine(url)
        with session_scope(engine) as s:
            scoring.import_rules(s, RULES)
        figures = []
        for label, dry in (("dry run", True), ("run 1", False), ("run 2 (same day)", False)):
            with session_scope(engine) as s:
                t0 = time.perf_counter()
                report = scoring.run_rules(s, as_of=AS_OF, dry_run=dry, settings=settings, keep=0)
                total = time.perf_counter() - t0
            figures.append((label, total, report))
            parts = ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items())
            print(
                f"{label:18s} {total:6.1f} s  [{parts}]  firings {report.firings:,}  "
                f"new alerts {report.new_alerts:,}  notifications {report.notifications:,}  "
                f"tasks {report.tasks:,}  reassigned {report.reassigned:,}  "
                f"reminders {report.reminders:,}  priorities updated {report.priorities_updated:,}"
            )
        print(
            "firings by rule: " + ", ".join(f"{k} {v:,}" for k, v in figures[1][2].by_rule.items())
        )
        load, pure_s, pure, sql = pure_sample(url, args.sample, rules, args.accounts)
        per_million = pure_s / args.sample * 1_000_000
        print(
            f"pure path on {args.sample:,} accounts: load {load:.1f} s, facts+evaluate "
            f"{pure_s:.2f} s (≈ {per_million:.0f} s per 1 000 000 accounts, loading excluded); "
            f"same firings as SQL: {pure == sql} ({len(pure):,} pairs)"
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process: {peak_mb:.0f} MB (PostgreSQL's own memory not included)")
    finally:
        if not args.keep:
            drop_db(url)
            print(f"dropped database {DB_NAME}")


if __name__ == "__main__":
    main()
