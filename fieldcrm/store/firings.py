"""Rule firings staged in the temporary table ``scoring_firings`` for one run.

Stored rules are selected and their texts rendered in SQL, one ``INSERT … SELECT`` per
rule over ``scoring_facts``; the few date reminders computed in Python are copied in.
Alerts, notifications, tasks and priorities are then derived from this table. Never
commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.scoring.reminders import ImportantDate
from fieldcrm.scoring.rules import Alert, Rule, Task, template_fields
from fieldcrm.scoring.wording import other_languages, rule_texts
from fieldcrm.store.facts import TABLE as FACTS
from fieldcrm.store.facts import compile_condition
from fieldcrm.store.templates import ACCOUNT_SQL, TemplateSql

TABLE = "scoring_firings"


@dataclass(frozen=True, slots=True)
class StagedFiring:
    """One firing computed outside SQL, texts rendered: one per alert/task action."""

    rule_ref: str
    rule_key: str
    rule_id: int | None
    account_id: int
    period: str
    points: int
    band: str | None
    subjects: list[str]
    bodies: list[str]
    task_titles: list[str]
    severity: str = "medium"
    reminder: Mapping[str, Any] | None = None
    """A date reminder's data (:attr:`fieldcrm.scoring.reminders.Reminder.params`), kept
    with its alert (``details.reminder``) so that each reader reads it in their language."""
    worded: Mapping[str, Mapping[str, Any]] | None = None
    """Its alerts' ``subjects`` and ``bodies`` in each other language (``{"en": {…}}``, a
    None item reads in French): a notification to someone who reads that language says
    them (:mod:`fieldcrm.store.alerts`)."""
    wording: Mapping[str, Any] | None = None
    """A rule that speaks other languages than French: its texts per language and its
    values as data (:mod:`fieldcrm.scoring.wording`), kept with its alert
    (``details.wording``) so that each reader reads it in their language."""


COLUMNS = tuple(f.name for f in fields(StagedFiring))
"""The columns of ``scoring_firings``, in :class:`StagedFiring`'s order."""


@dataclass(frozen=True, slots=True)
class FiredItem:
    """One rule that fires (or would fire) for one account, as a run report lists it."""

    rule_key: str
    account_id: int
    account: str
    period: str
    subject: str
    message: str
    values: Mapping[str, Any] | None = None
    """The values of its texts as data, for a rule that speaks other languages than French
    (``details.wording.values`` of its alert): its message worded for each reader."""


def drop(session: Session) -> None:
    """Drop this transaction's ``scoring_firings``, if any."""
    session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{TABLE}"))


def create_table(session: Session) -> None:
    """(Re)create the empty ``scoring_firings`` of this transaction."""
    drop(session)
    session.execute(
        text(f"""
        CREATE TEMP TABLE {TABLE} (
            rule_ref text NOT NULL, rule_key text NOT NULL, rule_id int, account_id int NOT NULL,
            period text NOT NULL, points int NOT NULL, band text,
            subjects text[] NOT NULL, bodies text[] NOT NULL, task_titles text[] NOT NULL,
            severity text NOT NULL, reminder jsonb, worded jsonb, wording jsonb
        ) ON COMMIT DROP""")
    )


def select_rule(
    session: Session,
    rule: Rule,
    *,
    rule_id: int | None,
    as_of: date,
    months: Iterable[str],
    period: str,
    points: int,
    band: str | None,
) -> int:
    """Stage a firing of ``rule`` for every account of ``scoring_facts`` it holds for,
    texts rendered; returns their number."""
    where, params = compile_condition(rule.when, as_of=as_of)
    texts = TemplateSql(rule, as_of=as_of, months=months, prefix="t")
    alerts = [a for a in rule.then if isinstance(a, Alert)]
    titles = [a.title for a in rule.then if isinstance(a, Task)]
    subjects = texts.array(a.subject for a in alerts)
    bodies = texts.array(a.message for a in alerts)
    task_titles = texts.array(titles)
    wording = "NULL"
    if other_languages(rule):
        wording = (
            f"jsonb_build_object('texts', CAST(:texts AS jsonb), "
            f"'values', {texts.data(template_fields(rule))})"
        )
        params["texts"] = json.dumps(rule_texts(rule))
    params |= texts.params | {
        "ref": rule.key,
        "rule_id": rule_id,
        "period": period,
        "points": points,
        "band": band,
        "severity": rule.severity,
    }
    inserted = session.execute(
        text(f"""
        INSERT INTO {TABLE} ({", ".join(COLUMNS)})
        SELECT :ref, :ref, :rule_id, account_id, :period, :points, :band,
               {subjects}, {bodies}, {task_titles}, :severity, NULL, NULL, {wording}
        FROM {FACTS} WHERE {where}"""),
        params,
    )
    return int(inserted.rowcount)  # type: ignore[attr-defined]


def copy_firings(session: Session, firings: Iterable[StagedFiring]) -> int:
    """``COPY`` firings computed in Python into ``scoring_firings``; returns their number."""
    n = 0
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        types = ["text", "text", "int4", "int4", "text", "int4", "text"]
        copy.set_types([*types, "text[]", "text[]", "text[]", "text", "jsonb", "jsonb", "jsonb"])
        for f in firings:
            values = [getattr(f, c) for c in COLUMNS]
            values[-3:] = [None if v is None else Jsonb(dict(v)) for v in values[-3:]]
            copy.write_row(values)
            n += 1
    return n


def important_dates(session: Session, *, as_of: date) -> list[ImportantDate]:
    """Contacts' important dates whose reminder window contains ``as_of``."""
    rows = session.execute(
        text("""
        SELECT d.contact_id, c.account_id, d.kind, d.date, d.remind_days_before, d.note,
               concat_ws(' ', c.first_name, c.last_name) AS contact, a.name AS account
        FROM contact_dates d JOIN contacts c ON c.id = d.contact_id
        JOIN accounts a ON a.id = c.account_id
        WHERE d.date >= :as_of AND d.date - d.remind_days_before <= :as_of"""),
        {"as_of": as_of},
    )
    return [
        ImportantDate(
            r.contact_id,
            r.account_id,
            r.kind,
            r.date,
            contact=r.contact,
            account=r.account,
            label=r.note or "",
            remind_days_before=r.remind_days_before,
        )
        for r in rows
    ]


def analyze(session: Session) -> None:
    """Refresh the planner's statistics of ``scoring_firings`` once it is filled."""
    session.execute(text(f"ANALYZE {TABLE}"))


def first_firings(session: Session, names: Mapping[str, str], *, limit: int) -> list[FiredItem]:
    """Up to ``limit`` staged firings of the rules ``names`` (key → name), in that rule
    order then account id; a rule without alert texts is listed under its name."""
    if limit <= 0:
        return []
    rows = session.execute(
        text(f"""
        SELECT f.rule_ref, account_id, {ACCOUNT_SQL}, f.period,
               coalesce(f.subjects[1], r.rule_name), coalesce(f.bodies[1], r.rule_name),
               f.wording -> 'values'
        FROM unnest(CAST(:keys AS text[]), CAST(:names AS text[])) WITH ORDINALITY
             AS r(rule_key, rule_name, no)
        JOIN {TABLE} f ON f.rule_ref = r.rule_key
        JOIN {FACTS} USING (account_id)
        ORDER BY r.no, account_id
        LIMIT :limit"""),
        {"keys": list(names), "names": list(names.values()), "limit": limit},
    )
    return [FiredItem(*r) for r in rows]
