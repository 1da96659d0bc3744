"""QA 23: under « baisse de plus de 10 % » an account at −10.04 % read « −10,0 % », which looks
like no drop beyond 10 %. The change is now written with the decimals that keep it on its side
of the rule's threshold — in the dry run, the alert and their English — while the accounts the
rule matches stay those the SQL matches (strictly beyond the threshold)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcrm.http.alert_text import fired_message
from fieldcrm.services import rules, scoring
from fieldcrm.store.tables import Alert
from tests.services.scoring_world import World, add_account, user
from tests.services.test_scoring import cfg

AS_OF = dt.date(2026, 4, 2)  # March 2026 against March 2025
DROP = """key: baisse-10
name: {fr: CA en baisse de plus de 10 %, en: Revenue down more than 10%}
when:
  revenue_vs_last_year: {month: previous, below_pct: 10}
then:
  - alert:
      to: owner
      channels: [in_app]
      subject: {fr: "{account} : {change_pct}", en: "{account}: {change_pct}"}
      message: {fr: "CA {change_pct}", en: "Revenue {change_pct}"}
"""
MARCH = {  # the account, its revenue in March 2026 against 10 000 € in March 2025
    "JUSTE AU-DELÀ": 8_996,  # −10.04 %
    "BIEN AU-DELÀ": 8_900,  # −11 %
    "PILE DIX": 9_000,  # −10 %: not « more than 10 % »
    "EN DEÇÀ": 9_004,  # −9.96 %
}


def _accounts(db: Session) -> None:
    rep = user(db, "rep.seuil@acme.fr", "rep")
    world = World()
    for name, march in MARCH.items():
        sales = {"2025-03": 10_000.0, "2026-03": float(march)}
        add_account(db, world, name=name, owner=rep, sales=sales)


def test_a_change_just_past_the_threshold_is_shown_past_it(db: Session) -> None:
    _accounts(db)
    report = scoring.run_rules(db, as_of=AS_OF, dry_run=True, draft=DROP, settings=cfg())

    said = {f.account: f.message for f in report.fired}
    assert said == {"JUSTE AU-DELÀ": "CA \u221210,04 %", "BIEN AU-DELÀ": "CA \u221211,0 %"}
    data = rules.dry_run_result(report)
    english = {f["account"]: fired_message(f, data, "en") for f in data["fired"]}
    assert english == {
        "JUSTE AU-DELÀ": "Revenue \u221210.04%",
        "BIEN AU-DELÀ": "Revenue \u221211.0%",
    }
    assert all(f.values and f.values["change_pct_bounds"] == [-10.0] for f in report.fired)

    # the same when the rule runs: its alerts say what the dry run said
    scoring.save_rule(db, DROP)
    scoring.run_rules(db, as_of=AS_OF, settings=cfg())
    alerts = db.scalars(select(Alert.message).where(Alert.rule_key == "baisse-10")).all()
    assert sorted(alerts) == ["CA \u221210,04 %", "CA \u221211,0 %"]


def test_a_rule_without_a_threshold_on_the_change_keeps_one_decimal(db: Session) -> None:
    _accounts(db)
    draft = DROP.replace("revenue_vs_last_year: {month: previous, below_pct: 10}", "kind: client")
    report = scoring.run_rules(db, as_of=AS_OF, dry_run=True, draft=draft, settings=cfg())
    said = {f.account: f.message for f in report.fired}
    assert said["JUSTE AU-DELÀ"] == "CA \u221210,0 %"
    assert said["EN DEÇÀ"] == "CA \u221210,0 %"
