"""Use cases of strategic scoring: manage rules, run them, priorities for the planner.

``run_rules`` computes the facts of every account in SQL, stages the firings of each rule
with the rule and its texts compiled to SQL (the pure path in :mod:`fieldcrm.scoring` is
the reference they are tested against), inserts alerts idempotently
(one per rule, account and period), derives recipients, notifications, tasks and
reassignments from the new alerts, adds date reminders, and stores every account's
priority index with its parts — then commits once. A dry run stops after selecting.

A dry run may evaluate a *draft* (the YAML of one rule, as in the editor) instead of the
stored rules: it reports the firings of that draft only, whether or not a stored rule has
its key, and writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm.catalogue import LANGUAGES, translations
from fieldcrm.config import Settings, get_settings
from fieldcrm.costs.report import local_day
from fieldcrm.errors import InvalidInput, NotFound, Problem
from fieldcrm.notify.email import MAIL_PREFIX
from fieldcrm.scoring.condition_text import conditions_text
from fieldcrm.scoring.evaluate import period_key
from fieldcrm.scoring.facts import previous_month
from fieldcrm.scoring.priority import PriorityBreakdown, higher_band
from fieldcrm.scoring.reminders import due_reminders, reminder_subject, reminder_text
from fieldcrm.scoring.rules import (
    Alert,
    Priority,
    Reassign,
    Rule,
    Task,
    load_text,
    months_needed,
    parse_rule,
    parse_rules,
    translated,
)
from fieldcrm.scoring.wording import mail_words, other_languages, rule_texts
from fieldcrm.store import alerts as alert_store
from fieldcrm.store import facts as facts_store
from fieldcrm.store import firings as firing_store
from fieldcrm.store import intervals as interval_store
from fieldcrm.store import jobs as job_store
from fieldcrm.store import priority as priority_store
from fieldcrm.store import rules as rule_store

REMINDER_RULES: dict[str, Rule] = {}


@dataclass
class RunReport:
    """What a run did (or, in a dry run, would do)."""

    as_of: date
    dry_run: bool
    draft: str | None = None
    """Key of the draft rule evaluated instead of the stored rules, if any."""
    rules: int = 0
    accounts: int = 0
    firings: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    rule_names: dict[str, str] = field(default_factory=dict)
    """The name of each rule evaluated, by key (what people read instead of the key)."""
    texts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The texts of each rule evaluated that gives some in other languages than French, by
    key (:func:`fieldcrm.scoring.wording.rule_texts`): with each firing's ``values`` they
    word its name and message for every reader (:func:`fieldcrm.scoring.wording.worded`)."""
    fired: list[firing_store.FiredItem] = field(default_factory=list)
    new_alerts: int = 0
    tasks: int = 0
    notifications: int = 0
    reassigned: int = 0
    reminders: int = 0
    priorities_updated: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


# ------------------------------------------------------------------ rules CRUD
def validate_document(document: str | Mapping[str, Any]) -> list[Rule]:
    """Parse and validate a rules document; raises InvalidInput naming each faulty path."""
    return parse_rules(document)


def _rule_mapping(document: str | Mapping[str, Any]) -> Mapping[str, Any]:
    data = load_text(document, source="rule") if isinstance(document, str) else document
    if not isinstance(data, Mapping):
        raise InvalidInput("rule", "must be a mapping")
    return data


def parse_draft(
    session: Session, document: str | Mapping[str, Any]
) -> tuple[Mapping[str, Any], Rule]:
    """The data and the validated rule of one rule document, as written (its name within
    :data:`~fieldcrm.scoring.rules.MAX_NAME_CHARS`, every ``user:<e-mail>`` it names an
    active user); InvalidInput naming each faulty part."""
    data = _rule_mapping(document)
    return data, parse_rule(data, users=rule_store.recipient_emails(session))


def save_rule(
    session: Session, document: str | Mapping[str, Any], *, actor_id: int | None = None
) -> rule_store.StoredRule:
    """Validate and store (insert or replace by key) one rule, and queue an evaluation of the
    rules at once (its alerts and priorities follow within a minute, not the night's run);
    commits."""
    data, rule = parse_draft(session, document)
    stored = rule_store.save_rule(
        session,
        key=rule.key,
        definition=rule_store.dump_definition(dict(data)),
        description=rule.description,
        enabled=rule.enabled,
        actor_id=actor_id,
    )
    job_store.defer_rules(session, at_once=True)  # its alerts and priorities, not tonight's
    session.commit()
    return stored


def import_rules(
    session: Session, document: str | Mapping[str, Any], *, actor_id: int | None = None
) -> list[rule_store.StoredRule]:
    """Validate a whole document, then store each of its rules; all or nothing; commits."""
    data = load_text(document) if isinstance(document, str) else document
    rules = parse_rules(data, users=rule_store.recipient_emails(session))
    items = data["rules"]
    saved = [
        rule_store.save_rule(
            session,
            key=rule.key,
            definition=rule_store.dump_definition(dict(item)),
            description=rule.description,
            enabled=rule.enabled,
            actor_id=actor_id,
        )
        for rule, item in zip(rules, items, strict=True)
    ]
    job_store.defer_rules(session, at_once=True)
    session.commit()
    return saved


def list_rules(session: Session) -> list[rule_store.StoredRule]:
    """Every stored rule."""
    return rule_store.list_rules(session)


def get_rule(session: Session, key: str) -> rule_store.StoredRule:
    """One stored rule by key."""
    found = rule_store.get_rule(session, key)
    if found is None:
        raise NotFound("rule", key)
    return found


def delete_rule(session: Session, key: str) -> None:
    """Delete one rule (its past alerts stay; an evaluation queued at once takes its priority
    points away); commits."""
    if not rule_store.delete_rule(session, key):
        raise NotFound("rule", key)
    job_store.defer_rules(session, at_once=True)  # its priority points go with it
    session.commit()


def rule_names(session: Session, *, lang: str = "fr") -> dict[str, str]:
    """Each stored rule's name by key (what people read instead of the slug), in ``lang``
    when the rule gives it in that language, else in French. A rule whose text no longer
    reads keeps its key."""
    names: dict[str, str] = {}
    for stored in rule_store.list_rules(session):
        try:
            data = load_text(stored.definition)
        except InvalidInput:
            continue
        name = data.get("name") if isinstance(data, Mapping) else None
        if isinstance(name, Mapping):
            mine = name.get(lang)
            name = mine if isinstance(mine, str) and mine.strip() else name.get("fr")
        if isinstance(name, str) and name.strip():
            names[stored.key] = name.strip()
    return names


@dataclass(frozen=True)
class RuleAbout:
    """What the rules list says of a rule, for one reader."""

    description: str
    """The manager's description, in the reader's language if the rule gives it (as typed)."""
    conditions: str
    """What its conditions check (:func:`fieldcrm.scoring.condition_text.conditions_text`);
    empty for a stored rule that no longer validates."""


def about(rule: Rule, *, lang: str = "fr") -> RuleAbout:
    """What the rules list and the editor say of ``rule`` to a reader of ``lang`` (the
    catalogue, numbers and months of that language)."""
    description = translated(rule.description, rule.description_in, lang)
    return RuleAbout(
        (description or rule.description).strip(),
        conditions_text(rule.when, lang=lang, gettext=translations(lang).gettext),
    )


def rule_about(session: Session, *, lang: str = "fr") -> dict[str, RuleAbout]:
    """Each stored rule's :func:`about` by key; a stored rule that no longer validates keeps
    its stored description."""
    found: dict[str, RuleAbout] = {}
    for stored in rule_store.list_rules(session):
        try:
            found[stored.key] = about(parse_rule(stored.definition, stored=True), lang=lang)
        except InvalidInput:
            found[stored.key] = RuleAbout(stored.description, "")
    return found


def load_rules(session: Session) -> list[tuple[int, Rule]]:
    """The enabled stored rules, parsed; a stored rule that no longer validates is reported."""
    out, problems = [], []
    for stored in rule_store.list_rules(session, enabled_only=True):
        try:
            out.append((stored.id, parse_rule(stored.definition, stored=True)))
        except InvalidInput as exc:
            problems += [
                Problem(f"{stored.key}.{p.field}", p.message, p.value, p.allowed)
                for p in exc.problems
            ]
    InvalidInput.collect(problems)
    return out


# ------------------------------------------------------------------ evaluation
def _points(rule: Rule) -> tuple[int, str | None]:
    points, band = 0, None
    for action in rule.then:
        if isinstance(action, Priority):
            points += action.add
            band = higher_band(band, action.band)
    return points, band


def _select_firings(
    session: Session,
    rules: Sequence[tuple[int | None, Rule]],
    *,
    as_of: date,
    months: set[str],
    report: RunReport,
) -> None:
    """Stage the firings of every rule, texts rendered in SQL, and count them."""
    firing_store.create_table(session)
    for rule_id, rule in rules:
        points, band = _points(rule)
        n = firing_store.select_rule(
            session,
            rule,
            rule_id=rule_id,
            as_of=as_of,
            months=months,
            period=period_key(rule.period, as_of),
            points=points,
            band=band,
        )
        report.by_rule[rule.key] = n
        report.firings += n


def _reminder_rule(kind: str) -> Rule:
    if kind not in REMINDER_RULES:
        REMINDER_RULES[kind] = parse_rule(
            {
                "key": f"reminder.{kind}",
                "name": f"Rappel ({kind})",
                "period": "once",
                "when": {"days_since_creation": {"gte": 0}},
                "then": [
                    {
                        "alert": {
                            "to": "owner",
                            "channels": ["in_app", "email"],
                            "subject": "[fieldcrm] Rappel : {account}",
                            "message": "{account}",
                        }
                    },
                    {"task": {"title": "{account}", "due_in_days": 0}},
                ],
            }
        )
    return REMINDER_RULES[kind]


def _reminder_words(params: Mapping[str, Any], lang: str) -> dict[str, list[str]]:
    """A reminder's e-mail subject and its body for a reader of ``lang`` (the catalogue)."""
    gettext = translations(lang).gettext

    def day(value: date) -> str:
        return local_day(value, lang)

    subject = reminder_subject(params, gettext=gettext, day=day)
    return {
        "subjects": [f"{MAIL_PREFIX} {subject}"[:300]],
        "bodies": [reminder_text(params, gettext=gettext, day=day)],
    }


def _word_new_alerts(session: Session) -> None:
    """The texts of the new alerts of rules that speak other languages, in each of them, for
    their notifications (e-mails, SMS, in-app) to who reads that language: worded from the
    alert's data by :func:`fieldcrm.scoring.wording.mail_words`."""
    worded = {}
    for alert_id, wording in alert_store.new_wordings(session):
        worded[alert_id] = {
            lang: mail_words(wording, lang, gettext=translations(lang).gettext)
            for lang in wording["texts"]
            if lang != "fr"
        }
    alert_store.set_worded(session, worded)


def _reminders(session: Session, *, as_of: date) -> list[firing_store.StagedFiring]:
    dates = firing_store.important_dates(session, as_of=as_of)
    out = []
    for rem in due_reminders(dates, as_of=as_of):
        subject = f"{MAIL_PREFIX} {reminder_subject(rem.params)}"[:300]
        worded = {lang: _reminder_words(rem.params, lang) for lang in LANGUAGES if lang != "fr"}
        out.append(
            firing_store.StagedFiring(
                f"reminder.{rem.kind}",
                f"reminder:{rem.kind}:{rem.contact_id}",
                None,
                rem.account_id,
                rem.event_on.isoformat(),
                0,
                None,
                [subject],
                [rem.message],
                [rem.message],
                reminder=rem.params,
                worded=worded,
            )
        )
    return out


def _apply_actions(session: Session, rule: Rule, ref: str, *, as_of: date) -> tuple[int, int]:
    alert_no = task_no = tasks = moved = 0
    for action in rule.then:
        if isinstance(action, Alert):
            alert_store.add_recipients(
                session, rule_ref=ref, action_no=alert_no, recipient=action.to, is_cc=False
            )
            for cc in action.cc:
                alert_store.add_recipients(
                    session, rule_ref=ref, action_no=alert_no, recipient=cc, is_cc=True
                )
            alert_store.add_notifications(
                session, rule_ref=ref, action_no=alert_no, channels=action.channels
            )
            alert_no += 1
        elif isinstance(action, Task):
            due = (
                None if ref.startswith("reminder.") else as_of + timedelta(days=action.due_in_days)
            )
            tasks += alert_store.add_tasks(
                session,
                rule_ref=ref,
                task_no=task_no,
                assignee=action.assignee,
                due_on=due,
                closed_by_visit=action.closed_by_visit,
            )
            task_no += 1
        elif isinstance(action, Reassign):
            target = "file du répartiteur" if action.to.kind == "role" else action.to.value
            moved += alert_store.reassign(
                session, rule_ref=ref, to=action.to, reason=f"règle {rule.key} → {target}"
            )
    return tasks, moved


def _draft_rules(session: Session, draft: str | Mapping[str, Any]) -> list[tuple[int | None, Rule]]:
    """The draft alone, with the id of the stored rule of the same key if there is one."""
    _, rule = parse_draft(session, draft)
    stored = rule_store.get_rule(session, rule.key)
    return [(stored.id if stored else None, rule)]


RUN_STEPS = 3
"""Steps of a run a progress bar counts: facts, firings, then the rest."""


def run_rules(
    session: Session,
    *,
    as_of: date,
    dry_run: bool = False,
    settings: Settings | None = None,
    keep: int = 1000,
    draft: str | Mapping[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RunReport:
    """Evaluate every enabled rule for ``as_of``; see the module docstring.

    ``progress`` (if given) is called with 1 once the facts are built, 2 once the firings
    are selected (of :data:`RUN_STEPS`).

    ``keep`` bounds the firings listed in the report (all are counted). A dry run writes
    nothing and lists what would fire (alerts already raised this period included).

    ``draft`` (dry run only) is one rule document (YAML/JSON text or mapping, as the editor
    holds it), validated as :func:`save_rule` does (InvalidInput naming each faulty part).
    It is evaluated *instead of* the stored rules: the report lists the firings of that
    draft only — as if it replaced the stored rule with its key, or alone for a new key —
    whatever its ``enabled`` says, and the stored rules are neither read nor changed.
    """
    if draft is not None and not dry_run:
        raise ValueError("a draft rule can only be dry run")
    cfg = settings or get_settings()
    report = RunReport(as_of=as_of, dry_run=dry_run)
    clock = time.perf_counter()
    rules: list[tuple[int | None, Rule]]
    if draft is None:
        rules = list(load_rules(session))
    else:
        rules = _draft_rules(session, draft)
        report.draft = rules[0][1].key
    report.rules = len(rules)
    months = months_needed([r for _, r in rules], previous_month(as_of))
    report.accounts = facts_store.build_facts(
        session, as_of=as_of, months=months, tz=cfg.scoring_timezone
    )
    report.seconds["facts"] = time.perf_counter() - clock
    if progress is not None:
        progress(1)
    clock = time.perf_counter()
    _select_firings(session, rules, as_of=as_of, months=months, report=report)
    if progress is not None:
        progress(2)
    names = {rule.key: rule.name for _, rule in rules}
    report.rule_names = names
    report.texts = {rule.key: rule_texts(rule) for _, rule in rules if other_languages(rule)}
    report.fired = firing_store.first_firings(session, names, limit=keep)
    if dry_run:
        report.seconds["select"] = time.perf_counter() - clock
        facts_store.drop(session)
        firing_store.drop(session)
        return report
    reminders = _reminders(session, as_of=as_of)
    report.reminders = firing_store.copy_firings(session, reminders)
    firing_store.analyze(session)
    report.seconds["select"] = time.perf_counter() - clock
    clock = time.perf_counter()
    report.new_alerts = alert_store.insert_alerts(session)
    _word_new_alerts(session)
    before = alert_store.count_rows(session, "notifications")
    refs = [(r.key, r) for _, r in rules] + [
        (f"reminder.{kind}", _reminder_rule(kind)) for kind in {s.rule_ref[9:] for s in reminders}
    ]
    for ref, rule in refs:
        tasks, moved = _apply_actions(session, rule, ref, as_of=as_of)
        report.tasks += tasks
        report.reassigned += moved
    report.notifications = alert_store.count_rows(session, "notifications") - before
    report.seconds["alerts"] = time.perf_counter() - clock
    clock = time.perf_counter()
    report.priorities_updated = priority_store.update_priorities(
        session,
        rfm_weight=cfg.priority_weight_rfm,
        potential_weight=cfg.priority_weight_potential,
        # no setting yet: the weight of a very late visit is the scoring default
        overdue_weight=cfg.priority_weight_overdue,
    )
    report.seconds["priority"] = time.perf_counter() - clock
    session.commit()
    return report


# ------------------------------------------------------------------ priorities
def priority_of(session: Session, account_ids: Sequence[int]) -> dict[int, float]:
    """Priority index of the given accounts (the planner's candidate score); 0 if unknown."""
    found = priority_store.priorities_of(session, list(account_ids))
    return {i: found.get(i, 0.0) for i in account_ids}


def visits_changed(
    session: Session, account_ids: Sequence[int], *, today: date, settings: Settings | None = None
) -> int:
    """A visit of these accounts started to count: their stored priority's late-visit part
    (« Visite en retard de N jours »), index and band again, as of ``today`` (the nightly
    run's formulas, :func:`fieldcrm.store.priority.refresh_overdue`; its other parts as that
    run left them), so the account page and the planner do not wait for the night. Never
    commits (the writing service does)."""
    cfg = settings or get_settings()
    late = interval_store.lateness(session, account_ids, today=today, tz=cfg.scoring_timezone)
    return priority_store.refresh_overdue(session, late, overdue_weight=cfg.priority_weight_overdue)


def account_priority(session: Session, account_id: int) -> PriorityBreakdown:
    """How the stored priority index of one account was made (for the account page)."""
    found = priority_store.breakdown_of(session, account_id)
    if found is None:
        if not priority_store.priorities_of(session, [account_id]):
            raise NotFound("account", account_id)
        return PriorityBreakdown(account_id)
    return found
