"""SQL facts and SQL-compiled rules give the same answers as the pure reference."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.scoring.evaluate import Firing, evaluate, period_key, render, template_data
from fieldcrm.scoring.facts import facts_from_history, previous_month
from fieldcrm.scoring.formats import CHANGE_BOUNDS
from fieldcrm.scoring.intervals import days_late, interval_for, reference_day
from fieldcrm.scoring.priority import PriorityWeights, priorities
from fieldcrm.scoring.rfm import rfm_input, rfm_scores
from fieldcrm.scoring.rules import (
    TEMPLATE_FIELDS,
    Alert,
    Task,
    months_needed,
    parse_rules,
    template_fields,
)
from fieldcrm.scoring.wording import rule_texts
from fieldcrm.store import facts as facts_store
from fieldcrm.store import firings as firing_store
from fieldcrm.store import intervals as intervals_store
from fieldcrm.store import priority as priority_store
from tests.services.scoring_world import random_world

AS_OF = dt.date(2026, 4, 2)
MIXED = """
rules:
  - key: drop
    when: {revenue_vs_last_year: {below_pct: 10}, potential: {gt: 30000}}
    then: [{priority: {add: 20, band: high}}]
  - key: rise
    when: {revenue_vs_last_year: {month: 2026-01, above_pct: 25}}
    then: [{priority: {add: 5}}]
  - key: unvisited
    when: {days_since_last_visit: {gte: 183}}
    then: [{priority: {add: 7}}]
  - key: stale-prospect
    when: {kind: prospect, days_since_creation: {gt: 61}, missing: [qualification, potential]}
    then: [{priority: {add: 15}}]
  - key: small
    when: {any: [{revenue_3m: {lt: 3000}}, {revenue_12m: {between: [0, 10000]}}]}
    then: [{priority: {band: normal}}]
  - key: labels
    when:
      sector: [BTP, Industrie]
      territory: {not_in: [Secteur 0]}
      not: {owner: rep1@ex.fr}
    then: [{priority: {add: 3}}]
  - key: anything-missing
    when: {missing: {any: [contact, phone, sector]}}
    then: [{priority: {add: 1}}]
  - key: young
    when: {days_since_creation: {lte: 100}, kind: [client]}
    then: [{priority: {add: 2}}]
  - key: texts
    when: {days_since_creation: {gte: 0}}
    then:
      - alert: {to: owner, subject: "{account} : {change_pct}", message: "EVERY {{x}}"}
      - task: {title: "Voir {account} ({potential}, {days_since_last_visit} j)", due_in_days: 3}
  - key: texts-en
    name: {fr: Textes, en: Texts}
    when: {days_since_creation: {gte: 0}}
    then:
      - alert: {to: owner, message: {fr: "EVERY", en: "EVERY"}}
""".replace("EVERY", " | ".join("{" + name + "}" for name in TEMPLATE_FIELDS))


def test_sql_facts_and_rules_equal_the_pure_reference(db: Session) -> None:
    world = random_world(db, as_of=AS_OF, n=80)
    rules = parse_rules(MIXED) + parse_rules(
        (PACKAGE_DATA / "rules" / "declining_key_account.yaml").read_text()
    )
    months = months_needed(rules, previous_month(AS_OF))
    pure = {
        r.account_id: facts_from_history(
            r, world.sales[r.account_id], world.visits[r.account_id], as_of=AS_OF, months=months
        )
        for r in world.records
    }
    assert facts_store.build_facts(db, as_of=AS_OF, months=months) == len(world.records)
    sql = {f.account_id: f for f in facts_store.fetch_facts(db, months=months)}
    assert sql == pure

    # Firings selected and their texts rendered in SQL == evaluated and rendered in Python.
    firings = evaluate(rules, pure.values(), as_of=AS_OF)
    firing_store.create_table(db)
    for rule in rules:
        points, band = _points(rule.then)
        period = period_key(rule.period, AS_OF)
        firing_store.select_rule(
            db, rule, rule_id=None, as_of=AS_OF, months=months, period=period, points=points,
            band=band,
        )  # fmt: skip
    firing_store.analyze(db)
    rows = db.execute(
        text("SELECT rule_key, account_id, subjects, bodies, task_titles FROM scoring_firings")
    ).all()
    got = {(r[0], r[1]): tuple(r[2:]) for r in rows}
    assert got == {(f.rule_key, f.account_id): _texts(f) for f in firings}
    assert len({k for k, _ in got}) >= 8  # the data makes (almost) every rule fire

    # A rule that speaks English keeps its values as data, built in SQL == in Python.
    by_key = {rule.key: rule for rule in rules}
    kept = db.execute(
        text("SELECT rule_key, account_id, wording FROM scoring_firings WHERE wording IS NOT NULL")
    ).all()
    assert {r[0] for r in kept} == {"texts-en", "declining-key-account"}
    for key, account_id, wording in kept:
        data = template_data(by_key[key], pure[account_id], as_of=AS_OF)
        used = template_fields(by_key[key])
        if "change_pct" in used:  # with the thresholds it is written against
            used.add(CHANGE_BOUNDS)
        assert wording["values"] == {f: data[f] for f in used}, (key, account_id)
        assert wording["texts"] == rule_texts(by_key[key])
    assert any(w["values"]["days_since_last_visit"] is None for k, _, w in kept if k == "texts-en")

    # A run lists the first firings in rule order, then account id; no texts: the rule's name.
    names = {rule.key: rule.name for rule in rules}
    listed = firing_store.first_firings(db, names, limit=60)
    order = sorted(got, key=lambda k: (list(names).index(k[0]), k[1]))[:60]
    assert [(i.rule_key, i.account_id) for i in listed] == order
    for item in listed:
        subjects, bodies, _ = got[item.rule_key, item.account_id]
        assert item.subject == (subjects[0] if subjects else names[item.rule_key])
        assert item.message == (bodies[0] if bodies else names[item.rule_key])

    # Priority index: SQL update == pure reference, late visits included.
    own = {r.account_id: 10 + 7 * i for i, r in enumerate(world.records) if i % 5 == 0}
    for account_id, days in own.items():
        db.execute(
            text("UPDATE accounts SET visit_interval_days = :d WHERE id = :id"),
            {"d": days, "id": account_id},
        )
    facts_store.build_facts(db, as_of=AS_OF, months=months)
    priority_store.update_priorities(db, rfm_weight=30, potential_weight=30)
    defaults = intervals_store.defaults(db)
    late: dict[int, tuple[int, int | None]] = {}
    for r in world.records:
        interval = interval_for(
            own=own.get(r.account_id), qualification=r.qualification, kind=r.kind, defaults=defaults
        )
        past = [v for v in world.visits[r.account_id] if v <= AS_OF]
        reference = reference_day(max(past) if past else None, r.created_on)
        late[r.account_id] = (days_late(reference, interval, today=AS_OF), interval)
    assert sum(1 for d, _ in late.values() if d > 0) >= 10, "the world has late visits"
    rfm = rfm_scores(
        rfm_input(r.account_id, world.sales[r.account_id], as_of=AS_OF) for r in world.records
    )
    reference = priorities(
        firings,
        rfm,
        {r.account_id: r.potential for r in world.records},
        overdue=late,
        weights=PriorityWeights(30, 30),
    )
    rows = db.execute(
        text(
            "SELECT account_id, score, band, rfm_r, rfm_f, rfm_m, rule_keys, rule_points, "
            "overdue_days, overdue_points FROM account_priorities"
        )
    ).all()
    assert len(rows) == len(reference)
    for account_id, score, band, r, f, m, keys, points, late_days, late_points in rows:
        ref = reference[account_id]
        assert (late_days or 0, late_points or 0.0) == (ref.overdue_days, ref.overdue_points)
        assert abs(score - ref.index) <= 0.011, (account_id, score, ref)
        assert band == ref.band
        assert (r, f, m) == (ref.rfm.r, ref.rfm.f, ref.rfm.m)
        assert sorted(zip(keys or (), points or (), strict=True)) == sorted(ref.rule_points)


def _texts(firing: Firing) -> tuple[list[str], list[str], list[str]]:
    alerts = [a for a in firing.actions if isinstance(a, Alert)]
    return (
        [render(a.subject, firing.context) for a in alerts],
        [render(a.message, firing.context) for a in alerts],
        [render(a.title, firing.context) for a in firing.actions if isinstance(a, Task)],
    )


def _points(actions: tuple) -> tuple[int, str | None]:  # type: ignore[type-arg]
    from fieldcrm.scoring.priority import higher_band
    from fieldcrm.scoring.rules import Priority

    points, band = 0, None
    for a in actions:
        if isinstance(a, Priority):
            points += a.add
            band = higher_band(band, a.band)
    return points, band
