"""The declarative rule format (YAML or JSON): parse, validate, and the typed rule objects.

A document holds ``rules:``, a list of rules::

    rules:
      - key: declining-key-account
        name: CA en baisse sur un compte à fort potentiel
        period: month                 # idempotence: one alert per rule, account and period
        severity: high                # high, medium (the default) or low: inbox order
        when:                         # a mapping is "all of"; also all/any/not
          revenue_vs_last_year: {month: previous, below_pct: 10}
          potential: {gt: 30000}
          days_since_last_visit: {gt: 183}
        then:
          - alert: {to: owner, cc: [manager], channels: [email, in_app]}
          - priority: {add: 30}

Every problem is reported with the path of the faulty part, for example
``rules[1].when.revenue_vs_last_year.month: ...``, and all problems are raised at once
as :class:`fieldcrm.errors.InvalidInput`.

Documents are bounded where they enter (:func:`load_text`): at most
:data:`MAX_DOCUMENT_CHARS` characters, :data:`MAX_NESTING` levels of mappings and lists,
conditions nested :data:`MAX_CONDITION_DEPTH` deep, and no YAML aliases (a 500-byte
"billion laughs" document of aliases would expand to billions of nodes).
"""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import yaml

from fieldcrm.errors import InvalidInput, Problem
from fieldcrm.scoring.facts import KINDS, QUALIFICATION_FIELDS, same_month_last_year
from fieldcrm.scoring.vocabulary import (
    BAND_NAMES,
    CHANNEL_NAMES,
    CLOSED_BY_NAMES,
    KEY_NAMES,
    PERIOD_NAMES,
    RECIPIENT_NAMES,
    SEVERITY_NAMES,
    USER_PREFIXES,
    USER_RECIPIENT,
    canonical,
)

NUMERIC_FACTS = (
    "potential",
    "revenue_3m",
    "revenue_12m",
    "days_since_last_visit",
    "days_since_creation",
)
LABEL_FACTS = ("kind", "sector", "territory", "owner")
CONDITIONS = ("all", "any", "not", "revenue_vs_last_year", "missing", *NUMERIC_FACTS, *LABEL_FACTS)
"""Every condition a rule's ``when`` may name (the editor's help lists exactly these)."""
RULE_FIELDS = ("key", "name", "description", "enabled", "period", "severity", "when", "then")
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "alert": ("to", "cc", "channels", "subject", "message"),
    "priority": ("add", "band"),
    "task": ("title", "due_in_days", "assignee", "closed_by"),
    "reassign": ("to",),
}
"""Every action a rule's ``then`` may hold, with its keys (the editor's help lists these)."""
OPERATORS = ("gt", "gte", "lt", "lte", "eq", "between")
PERIODS = ("day", "week", "month", "quarter", "year", "once")
CHANNELS = ("in_app", "email", "sms")
ROLES = ("manager", "admin", "dispatcher")
ROLE_ALIASES = {"sales_director": "manager", "directeur_commercial": "manager"}
BANDS = ("low", "normal", "high", "urgent")
SEVERITIES = ("high", "medium", "low")
"""Importance of a rule's alerts, most important first (the inbox sorts by it)."""
DEFAULT_SEVERITY = "medium"
TEMPLATE_FIELDS = (
    "account",
    "account_id",
    "rule",
    "rule_name",
    "month",
    "last_year_month",
    "revenue_month",
    "revenue_last_year",
    "change_pct",
    "potential",
    "days_since_last_visit",
    "days_since_creation",
    "revenue_3m",
    "revenue_12m",
    "owner",
    "due_on",
)
TEXT_LANGUAGES = ("fr", "en")
"""Languages a rule's texts (``name``, ``description``, an alert's ``subject`` and ``message``, a task's
``title``) may be written in: a plain string is the company's language, French; a mapping
``{fr: …, en: …}`` gives them per language, French required, the others optional (a reader
of a language the rule does not speak reads the French)."""
DEFAULT_SUBJECT = "[fieldcrm] {rule_name} : {account}"
DEFAULT_MESSAGE = "{rule_name} — {account}"
DEFAULT_TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {DEFAULT_SUBJECT: "[fieldcrm] {rule_name}: {account}", DEFAULT_MESSAGE: DEFAULT_MESSAGE}
}
"""An alert's default subject and message in the other languages: a rule that speaks one
of them says it there too (with its name in that language)."""
MAX_DOCUMENT_CHARS = 200_000
MAX_NESTING = 40
"""Deepest nesting of mappings and lists in a rules document."""
MAX_CONDITION_DEPTH = 10
"""Deepest nesting of all/any/not conditions in one rule."""
MAX_NAME_CHARS = 120
"""Longest name of a rule, in each language it is given in: what a list, a confirmation or
an alert can show in full. Checked when a rule is written (saved, imported, dry run as a
draft), not when a stored rule is read again (:func:`parse_rule` ``stored``)."""
MAX_PRIORITY_ADD = 1000
MAX_DUE_IN_DAYS = 3650
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


# ---------------------------------------------------------------- conditions
@dataclass(frozen=True, slots=True)
class Compare:
    """A numeric fact compared with constants; every operator must hold."""

    fact: str
    ops: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class RevenueVsLastYear:
    """Revenue of ``month`` vs the same month a year before, in percent."""

    month: str = "previous"
    below_pct: float | None = None
    above_pct: float | None = None


@dataclass(frozen=True, slots=True)
class Missing:
    """Qualification fields that are empty (``mode`` "all" or "any" of them)."""

    fields: tuple[str, ...]
    mode: str = "all"


@dataclass(frozen=True, slots=True)
class Label:
    """A label fact (kind, sector, territory, owner) in (or not in) a set of values."""

    fact: str
    values: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


Condition = Union[Compare, RevenueVsLastYear, Missing, Label, AllOf, AnyOf, Not]  # noqa: UP007


# ------------------------------------------------------------------- actions
Translations = tuple[tuple[str, str], ...]
"""A text in the languages other than French it is given in: ``(("en", "…"),)``."""


def translated(french: str, others: Translations, lang: str) -> str | None:
    """The text in ``lang``: ``french`` for French, one of ``others``, else None (the rule
    does not speak ``lang``)."""
    if lang == "fr":
        return french
    return dict(others).get(lang)


@dataclass(frozen=True, slots=True)
class Recipient:
    """``owner``, a role (``role``) or one user by login (``user``)."""

    kind: str
    value: str = ""

    def __str__(self) -> str:
        return self.kind if self.kind == "owner" else f"{self.kind}:{self.value}"


@dataclass(frozen=True, slots=True)
class Alert:
    to: Recipient
    cc: tuple[Recipient, ...] = ()
    channels: tuple[str, ...] = ("in_app", "email")
    subject: str = DEFAULT_SUBJECT
    message: str = DEFAULT_MESSAGE
    subject_in: Translations = ()
    """:attr:`subject` in other languages."""
    message_in: Translations = ()
    """:attr:`message` in other languages."""


@dataclass(frozen=True, slots=True)
class Priority:
    add: int = 0
    band: str | None = None


@dataclass(frozen=True, slots=True)
class Task:
    title: str
    due_in_days: int = 7
    assignee: Recipient = Recipient("owner")
    closed_by_visit: bool = False
    """``closed_by: visit``: the next visit to the account completes the task."""
    title_in: Translations = ()
    """:attr:`title` in other languages."""


@dataclass(frozen=True, slots=True)
class Reassign:
    """Move the account to a rep (``user:<login>``) or to the dispatcher's queue."""

    to: Recipient


Action = Union[Alert, Priority, Task, Reassign]  # noqa: UP007


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule."""

    key: str
    name: str
    when: Condition
    then: tuple[Action, ...]
    period: str = "month"
    enabled: bool = True
    description: str = ""
    severity: str = DEFAULT_SEVERITY
    name_in: Translations = ()
    """:attr:`name` in other languages."""
    description_in: Translations = ()
    """:attr:`description` in other languages."""


# ------------------------------------------------------------------- the editor's help
@dataclass(frozen=True, slots=True)
class EditorHelp:
    """What the rules editor lists, built from the validator's own lists (so they agree):
    each condition and action as ``(key, French meaning)`` (the meaning is a msgid the page
    translates), an action's keys, and the names the validator accepts for periods,
    importance and recipients: their French names, or their codes."""

    conditions: tuple[tuple[str, str], ...]
    actions: tuple[tuple[str, str, tuple[str, ...]], ...]
    periods: tuple[str, ...]
    severities: tuple[str, ...]
    recipients: tuple[str, ...]


def editor_help(*, french: bool = True) -> EditorHelp:
    """The editor's help: every condition of :data:`CONDITIONS`, every action of
    :data:`ACTION_FIELDS`, the French names of periods, severities and recipients (both
    accepted), or with ``french=False`` their codes (``month``, ``high``, ``owner``), for a
    reader who writes rules in English."""

    def named(codes: Sequence[str], names: Mapping[str, str]) -> tuple[str, ...]:
        return tuple(names[c] if french else c for c in codes)

    return EditorHelp(
        conditions=tuple((key, KEY_NAMES[key]) for key in CONDITIONS),
        actions=tuple((kind, KEY_NAMES[kind], keys) for kind, keys in ACTION_FIELDS.items()),
        periods=named(PERIODS, PERIOD_NAMES),
        severities=named(SEVERITIES, SEVERITY_NAMES),
        recipients=(
            *named(("owner", *ROLES), RECIPIENT_NAMES),
            USER_RECIPIENT if french else f"{USER_PREFIXES[0]}<e-mail>",
        ),
    )


# ------------------------------------------------------------------- parsing
class _Parser:
    def __init__(self, *, users: Collection[str] | None = None, stored: bool = False) -> None:
        self.problems: list[Problem] = []
        self.users = None if users is None else frozenset(u.lower() for u in users)
        self.stored = stored

    def bad(self, path: str, message: str, value: Any = None, allowed: Sequence[str] = ()) -> None:
        self.problems.append(Problem(path, message, value, ", ".join(allowed) if allowed else None))

    def mapping(self, node: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(node, Mapping):
            self.bad(path, "must be a mapping", node)
            return None
        return node

    def unknown(self, node: Mapping[str, Any], path: str, allowed: Sequence[str]) -> None:
        for key in node:
            if key not in allowed:
                self.bad(f"{path}.{key}", "unknown key", key, allowed)

    def number(
        self,
        node: Any,
        path: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        if isinstance(node, bool) or not isinstance(node, int | float):
            self.bad(path, "must be a number", node)
            return None
        try:
            value = float(node)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            self.bad(path, "must be a finite number", str(node)[:40])
            return None
        if minimum is not None and value < minimum:
            self.bad(path, f"must be at least {minimum:g}", node)
            return None
        if maximum is not None and value > maximum:
            self.bad(path, f"must be at most {maximum:g}", node)
            return None
        return value

    def text(self, node: Any, path: str, *, template: bool = False) -> str | None:
        if not isinstance(node, str) or not node.strip():
            self.bad(path, "must be a non-empty string", node)
            return None
        if template:
            try:
                fields = [p[1:] for p in string.Formatter().parse(node) if p[1] is not None]
            except ValueError as exc:
                self.bad(path, f"bad template: {exc}", node)
                return None
            for name, spec, conversion in fields:
                if name not in TEMPLATE_FIELDS:
                    self.bad(path, f"unknown placeholder {{{name}}}", node, TEMPLATE_FIELDS)
                elif spec or conversion:
                    self.bad(path, f"placeholder {{{name}}} takes no format or conversion", node)
        return node

    def words(
        self, node: Any, path: str, *, template: bool = False
    ) -> tuple[str, Translations] | None:
        """A text of a rule: a string (French), or ``{fr: …, en: …}`` (French required)."""
        if not isinstance(node, Mapping):
            french = self.text(node, path, template=template)
            return None if french is None else (french, ())
        self.unknown(node, path, TEXT_LANGUAGES)
        texts = {
            lang: self.text(node.get(lang), f"{path}.{lang}", template=template)
            for lang in TEXT_LANGUAGES
            if lang in node or lang == "fr"
        }
        french = texts.pop("fr")
        if french is None or None in texts.values():
            return None
        return french, tuple((lang, text) for lang, text in texts.items() if text is not None)

    def strings(self, node: Any, path: str) -> tuple[str, ...] | None:
        items = [node] if isinstance(node, str | int) and not isinstance(node, bool) else node
        if not isinstance(items, list) or not items:
            self.bad(path, "must be a string or a non-empty list of strings", node)
            return None
        out = []
        for i, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, str | int):
                self.bad(f"{path}[{i}]", "must be a string", item)
            else:
                out.append(str(item))
        return tuple(out)

    # conditions
    def condition(self, node: Any, path: str, depth: int = 1) -> Condition | None:
        if depth > MAX_CONDITION_DEPTH:
            self.bad(path, f"conditions nested more than {MAX_CONDITION_DEPTH} deep (all/any/not)")
            return None
        node = self.mapping(node, path)
        if node is None:
            return None
        if not node:
            self.bad(path, "must name at least one condition")
            return None
        items: list[Condition] = []
        for key, value in node.items():
            sub = f"{path}.{key}"
            parsed: Condition | None
            if key in ("all", "any"):
                if not isinstance(value, list) or not value:
                    self.bad(sub, "must be a non-empty list of conditions", value)
                    continue
                parts = [self.condition(v, f"{sub}[{i}]", depth + 1) for i, v in enumerate(value)]
                kept = tuple(p for p in parts if p is not None)
                parsed = AllOf(kept) if key == "all" else AnyOf(kept)
            elif key == "not":
                inner = self.condition(value, sub, depth + 1)
                parsed = Not(inner) if inner is not None else None
            elif key == "revenue_vs_last_year":
                parsed = self.revenue_vs_last_year(value, sub)
            elif key == "missing":
                parsed = self.missing(value, sub)
            elif key in NUMERIC_FACTS:
                parsed = self.compare(key, value, sub)
            elif key in LABEL_FACTS:
                parsed = self.label(key, value, sub)
            else:
                self.bad(sub, "unknown condition", key, CONDITIONS)
                continue
            if parsed is not None:
                items.append(parsed)
        return items[0] if len(items) == 1 else AllOf(tuple(items))

    def compare(self, fact: str, node: Any, path: str) -> Compare | None:
        node = self.mapping(node, path)
        if node is None:
            return None
        self.unknown(node, path, OPERATORS)
        ops: list[tuple[str, float]] = []
        for op in OPERATORS:
            if op not in node:
                continue
            if op == "between":
                pair = node[op]
                if not isinstance(pair, list) or len(pair) != 2:
                    self.bad(f"{path}.between", "must be a list [low, high]", pair)
                    continue
                low = self.number(pair[0], f"{path}.between[0]")
                high = self.number(pair[1], f"{path}.between[1]")
                if low is not None and high is not None:
                    if low > high:
                        self.bad(f"{path}.between", "low must not exceed high", pair)
                    ops += [("gte", low), ("lte", high)]
            else:
                value = self.number(node[op], f"{path}.{op}")
                if value is not None:
                    ops.append((op, value))
        if not node:
            self.bad(path, "needs an operator", node, OPERATORS)
        return Compare(fact, tuple(ops)) if ops else None

    def revenue_vs_last_year(self, node: Any, path: str) -> RevenueVsLastYear | None:
        node = self.mapping(node, path)
        if node is None:
            return None
        self.unknown(node, path, ("month", "below_pct", "above_pct"))
        month = node.get("month", "previous")
        if not (month == "previous" or (isinstance(month, str) and _MONTH_RE.match(month))):
            self.bad(f"{path}.month", "must be 'previous' or a month 'YYYY-MM'", month)
        below = above = None
        if "below_pct" in node:
            below = self.number(node["below_pct"], f"{path}.below_pct", minimum=0)
        if "above_pct" in node:
            above = self.number(node["above_pct"], f"{path}.above_pct", minimum=0)
        if "below_pct" not in node and "above_pct" not in node:
            self.bad(path, "needs below_pct or above_pct", dict(node))
        return RevenueVsLastYear(str(month), below, above)

    def missing(self, node: Any, path: str) -> Missing | None:
        mode = "all"
        if isinstance(node, Mapping):
            self.unknown(node, path, ("all", "any"))
            if len(node) != 1:
                self.bad(path, "must hold exactly one of all, any", dict(node))
                return None
            mode, node = next(iter(node.items()))
            path = f"{path}.{mode}"
        names = self.strings(node, path)
        if names is None:
            return None
        for i, name in enumerate(names):
            if name not in QUALIFICATION_FIELDS:
                self.bad(f"{path}[{i}]", "unknown field", name, QUALIFICATION_FIELDS)
        return Missing(names, mode)

    def label(self, fact: str, node: Any, path: str) -> Label | None:
        negate = False
        if isinstance(node, Mapping):
            self.unknown(node, path, ("in", "not_in"))
            if len(node) != 1:
                self.bad(path, "must hold exactly one of in, not_in", dict(node))
                return None
            op, node = next(iter(node.items()))
            negate, path = op == "not_in", f"{path}.{op}"
        values = self.strings(node, path)
        if values is None:
            return None
        if fact == "kind":
            for i, v in enumerate(values):
                if v not in KINDS:
                    self.bad(f"{path}[{i}]" if len(values) > 1 else path, "unknown kind", v, KINDS)
        return Label(fact, values, negate)

    # actions
    def recipient(self, node: Any, path: str, *, roles: bool = True) -> Recipient | None:
        if not isinstance(node, str):
            self.bad(path, "must be a string", node)
            return None
        value = canonical(ROLE_ALIASES.get(node, node), RECIPIENT_NAMES)
        if value == "owner":
            return Recipient("owner")
        for prefix in USER_PREFIXES:
            if value.startswith(prefix) and len(value) > len(prefix):
                login = value[len(prefix) :]
                if "@" not in login.strip("@"):  # users log in by e-mail
                    self.bad(path, "not an e-mail address", login)
                    return None
                if self.users is not None and login.lower() not in self.users:
                    # the alerts, tasks and reassignments reach active users by e-mail only
                    self.bad(path, "no active user has this e-mail", login, _recipients(roles))
                    return None
                return Recipient("user", login)
        if roles and value in ROLES:
            return Recipient("role", value)
        self.bad(path, "unknown recipient", node, _recipients(roles))
        return None

    def action(self, node: Any, path: str) -> Action | None:
        node = self.mapping(node, path)
        if node is None:
            return None
        kinds = tuple(ACTION_FIELDS)
        if len(node) != 1 or next(iter(node)) not in kinds:
            self.bad(path, "must hold exactly one action", list(node), kinds)
            return None
        kind, body = next(iter(node.items()))
        path = f"{path}.{kind}"
        if kind == "reassign" and isinstance(body, str):
            body = {"to": body}
        body = self.mapping(body, path)
        if body is None:
            return None
        if kind == "alert":
            self.unknown(body, path, ACTION_FIELDS["alert"])
            to = self.recipient(body.get("to", "owner"), f"{path}.to")
            cc_raw = body.get("cc", [])
            cc_list = [cc_raw] if isinstance(cc_raw, str) else cc_raw
            if not isinstance(cc_list, list):
                self.bad(f"{path}.cc", "must be a list of recipients", cc_raw)
                cc_list = []
            cc = [self.recipient(c, f"{path}.cc[{i}]") for i, c in enumerate(cc_list)]
            channels = self.strings(body.get("channels", ["in_app", "email"]), f"{path}.channels")
            if channels is not None:
                channels = tuple(canonical(ch, CHANNEL_NAMES) for ch in channels)
            for i, ch in enumerate(channels or ()):
                if ch not in CHANNELS:
                    self.bad(f"{path}.channels[{i}]", "unknown channel", ch, CHANNELS)
            subject = self.words(
                body.get("subject", DEFAULT_SUBJECT), f"{path}.subject", template=True
            )
            message = self.words(
                body.get("message", DEFAULT_MESSAGE), f"{path}.message", template=True
            )
            if to is None or None in cc or channels is None or subject is None or message is None:
                return None
            return Alert(
                to,
                tuple(c for c in cc if c),
                channels,
                subject[0],
                message[0],
                subject_in=subject[1],
                message_in=message[1],
            )
        if kind == "priority":
            self.unknown(body, path, ACTION_FIELDS["priority"])
            add = self.number(
                body.get("add", 0),
                f"{path}.add",
                minimum=-MAX_PRIORITY_ADD,
                maximum=MAX_PRIORITY_ADD,
            )
            band = canonical(body.get("band"), BAND_NAMES)
            if band is not None and band not in BANDS:
                self.bad(f"{path}.band", "unknown band", band, BANDS)
            if "add" not in body and "band" not in body:
                self.bad(path, "needs add or band", dict(body))
            return Priority(int(add or 0), band if band in BANDS else None)
        if kind == "task":
            self.unknown(body, path, ACTION_FIELDS["task"])
            title = self.words(body.get("title"), f"{path}.title", template=True)
            due = self.number(
                body.get("due_in_days", 7),
                f"{path}.due_in_days",
                minimum=0,
                maximum=MAX_DUE_IN_DAYS,
            )
            who = self.recipient(body.get("assignee", "owner"), f"{path}.assignee")
            closed_by = canonical(body.get("closed_by"), CLOSED_BY_NAMES)
            if closed_by not in (None, "visit"):
                self.bad(f"{path}.closed_by", "unknown value", closed_by, ("visit",))
            if title is None or due is None or who is None:
                return None
            return Task(
                title[0],
                int(due),
                who,
                closed_by_visit=closed_by == "visit",
                title_in=title[1],
            )
        self.unknown(body, path, ACTION_FIELDS["reassign"])
        target = body.get("to")
        if canonical(target, RECIPIENT_NAMES) == "dispatcher":
            return Reassign(Recipient("role", "dispatcher"))
        who = self.recipient(target, f"{path}.to", roles=False)
        if who is not None and who.kind == "owner":
            self.bad(f"{path}.to", "cannot reassign to the current owner", target)
            return None
        return Reassign(who) if who else None

    def name_length(self, name: tuple[str, Translations], path: str, *, named: bool) -> None:
        """A problem for each language whose name is over :data:`MAX_NAME_CHARS`."""
        for lang, text in (("fr", name[0]), *name[1]):
            if len(text) > MAX_NAME_CHARS:
                where = f"{path}.{lang}" if named else path
                self.bad(where, f"too long: {len(text)} characters, at most {MAX_NAME_CHARS}")

    def rule(self, node: Any, path: str) -> Rule | None:
        node = self.mapping(node, path)
        if node is None:
            return None
        self.unknown(node, path, RULE_FIELDS)
        key = node.get("key")
        if not isinstance(key, str) or not _KEY_RE.match(key):
            self.bad(f"{path}.key", "must be a slug (a-z, 0-9, '-', '_', '.')", key)
        name = self.words(node.get("name", key), f"{path}.name")
        if name is not None and not self.stored:
            self.name_length(name, f"{path}.name", named=isinstance(node.get("name"), Mapping))
        description: tuple[str, Translations] | None = ("", ())
        raw = node.get("description", "")
        if not isinstance(raw, str) or raw.strip():  # French text, or {fr: …, en: …}
            description = self.words(raw, f"{path}.description")
        enabled = node.get("enabled", True)
        if not isinstance(enabled, bool):
            self.bad(f"{path}.enabled", "must be true or false", enabled)
        period = canonical(node.get("period", "month"), PERIOD_NAMES)
        if period not in PERIODS:
            self.bad(f"{path}.period", "unknown period", period, PERIODS)
        severity = canonical(node.get("severity", DEFAULT_SEVERITY), SEVERITY_NAMES)
        if severity not in SEVERITIES:
            self.bad(f"{path}.severity", "unknown severity", severity, SEVERITIES)
        when = self.condition(node.get("when"), f"{path}.when") if "when" in node else None
        if "when" not in node:
            self.bad(f"{path}.when", "is required")
        then_raw = node.get("then")
        if not isinstance(then_raw, list) or not then_raw:
            self.bad(f"{path}.then", "must be a non-empty list of actions", then_raw)
            then_raw = []
        actions = [self.action(a, f"{path}.then[{i}]") for i, a in enumerate(then_raw)]
        if (
            when is None
            or None in actions
            or not isinstance(key, str)
            or name is None
            or description is None
        ):
            return None
        return Rule(
            key,
            name[0],
            when,
            tuple(a for a in actions if a is not None),
            str(period),
            bool(enabled),
            description[0],
            str(severity),
            name_in=name[1],
            description_in=description[1],
        )


def _recipients(roles: bool) -> list[str]:
    """The recipients an action may name: any for an alert or a task, one rep or the
    dispatcher's queue for a reassignment (``roles=False``)."""
    return ["owner", "user:<login>", *ROLES] if roles else ["user:<login>", "dispatcher"]


def _clean(problems: list[Problem]) -> list[Problem]:
    return [Problem(p.field.lstrip("."), p.message, p.value, p.allowed) for p in problems]


class _RuleLoader(yaml.SafeLoader):
    """The safe YAML loader, refusing aliases and nesting deeper than :data:`MAX_NESTING`."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not accepted", mark
            )
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_NESTING} levels deep", mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def nesting(data: Any) -> int:
    """How deep mappings and lists nest in ``data`` (a scalar is 0), walked without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, Mapping):
            children: Sequence[Any] = list(node.values())
        elif isinstance(node, list | tuple):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_NESTING:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def check_nesting(data: Any, *, source: str = "rules") -> Any:
    """``data`` if it nests at most :data:`MAX_NESTING` levels; :class:`InvalidInput` else."""
    if nesting(data) > MAX_NESTING:
        raise InvalidInput(source, f"nested more than {MAX_NESTING} levels deep")
    return data


def load_text(text: str, *, source: str = "rules") -> Any:
    """Parse YAML or JSON text into plain data; a syntax error names the line.

    Refused with :class:`InvalidInput` naming ``source``: text over
    :data:`MAX_DOCUMENT_CHARS`, YAML aliases, nesting beyond :data:`MAX_NESTING`, numbers
    too long to read.
    """
    if len(text) > MAX_DOCUMENT_CHARS:
        raise InvalidInput(
            source, f"document too long ({len(text)} characters)", allowed=f"{MAX_DOCUMENT_CHARS}"
        )
    try:
        if text.lstrip().startswith(("{", "[")):
            return check_nesting(json.loads(text), source=source)
        return yaml.load(text, Loader=_RuleLoader)  # a SafeLoader refusing aliases
    except json.JSONDecodeError as exc:
        raise InvalidInput(source, f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "unreadable"
        raise InvalidInput(source, f"invalid YAML{where}: {problem}") from exc
    except RecursionError:
        raise InvalidInput(source, f"nested more than {MAX_NESTING} levels deep") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise InvalidInput(source, f"unreadable value: {exc}") from None


def parse_rules(
    document: str | Mapping[str, Any],
    *,
    users: Collection[str] | None = None,
    stored: bool = False,
) -> list[Rule]:
    """Parse and validate a rules document (text or already-loaded data).

    Parameters
    ----------
    document
        YAML/JSON text or a mapping with a ``rules`` list.
    users
        The e-mails of the active users: a recipient ``user:<e-mail>`` (of an alert, its
        copies, a task, a reassignment) must be one of them, since nobody else can receive
        it. None: not checked (no user list at hand).
    stored
        True when re-reading rules already stored: the limits on what is written
        (:data:`MAX_NAME_CHARS`) are not applied, so a rule saved before a limit still runs.

    Returns
    -------
    list of Rule
        The validated rules, in document order.

    Raises
    ------
    InvalidInput
        With one problem per faulty part, each named by its path (``rules[1].when...``).
    """
    data = load_text(document) if isinstance(document, str) else check_nesting(document)
    parser = _Parser(users=users, stored=stored)
    if not isinstance(data, Mapping) or "rules" not in data:
        raise InvalidInput("rules", "the document must be a mapping with a 'rules' list")
    parser.unknown(data, "", ("rules",))
    items = data["rules"]
    if not isinstance(items, list):
        raise InvalidInput("rules", "must be a list of rules", value=items)
    rules = [parser.rule(item, f"rules[{i}]") for i, item in enumerate(items)]
    seen: set[str] = set()
    for i, item in enumerate(items):
        key = item.get("key") if isinstance(item, Mapping) else None
        if isinstance(key, str) and key in seen:
            parser.bad(f"rules[{i}].key", "duplicate key", key)
        if isinstance(key, str):
            seen.add(key)
    InvalidInput.collect(_clean(parser.problems))
    return [r for r in rules if r is not None]


def parse_rule(
    document: str | Mapping[str, Any],
    *,
    users: Collection[str] | None = None,
    stored: bool = False,
) -> Rule:
    """Parse and validate one rule; problem paths start at the rule (``when.potential.gt``);
    ``users`` and ``stored`` as :func:`parse_rules`."""
    if isinstance(document, str):
        data = load_text(document, source="rule")
    else:
        data = check_nesting(document, source="rule")
    parser = _Parser(users=users, stored=stored)
    rule = parser.rule(data, "")
    InvalidInput.collect(_clean(parser.problems))
    assert rule is not None
    return rule


def months_needed(rules: Sequence[Rule], previous: str) -> set[str]:
    """Months (``"YYYY-MM"``) whose revenue ``rules`` compare; ``previous`` resolves 'previous'."""
    found: set[str] = set()

    def walk(cond: Condition) -> None:
        if isinstance(cond, RevenueVsLastYear):
            month = previous if cond.month == "previous" else cond.month
            found.update((month, same_month_last_year(month)))
        elif isinstance(cond, AllOf | AnyOf):
            for item in cond.items:
                walk(item)
        elif isinstance(cond, Not):
            walk(cond.item)

    for rule in rules:
        walk(rule.when)
        if REVENUE_TEMPLATE_FIELDS & template_fields(rule):
            found.update(text_months(rule, previous))
    return found


REVENUE_TEMPLATE_FIELDS = frozenset({"revenue_month", "revenue_last_year", "change_pct"})
"""Placeholders that show the revenue of the month a rule's texts speak of."""


def template_fields(rule: Rule) -> set[str]:
    """The placeholders used by the texts of ``rule``'s alerts and tasks."""
    texts = [t for a in rule.then for t in _action_texts(a)]
    return {f for t in texts for _, f, _, _ in string.Formatter().parse(t) if f is not None}


def _action_texts(action: Action) -> tuple[str, ...]:
    """Every text of ``action``, in every language it is given in."""
    if isinstance(action, Alert):
        others = (t for _, t in (*action.subject_in, *action.message_in))
        return (action.subject, action.message, *others)
    if isinstance(action, Task):
        return (action.title, *(t for _, t in action.title_in))
    return ()


def text_months(rule: Rule, previous: str) -> tuple[str, str]:
    """The month ``rule``'s texts speak of (its first revenue condition's, else
    ``previous``) and the same month a year before."""
    first = _first_revenue(rule.when)
    month = previous if first is None or first.month == "previous" else first.month
    return month, same_month_last_year(month)


def change_bounds(rule: Rule) -> tuple[float, ...]:
    """The thresholds in % that ``rule`` compares the change of its texts' month with
    (:func:`text_months`): ``below_pct: 10`` is −10, ``above_pct: 5`` is 5, wherever the
    condition stands (under ``not`` too), in increasing order. ``{change_pct}`` is written
    so that it stays on its side of each (:func:`fieldcrm.scoring.formats.signed_percent`)."""
    first = _first_revenue(rule.when)
    month = "previous" if first is None else first.month
    found: set[float] = set()

    def walk(cond: Condition) -> None:
        if isinstance(cond, RevenueVsLastYear) and cond.month == month:
            if cond.below_pct is not None:
                found.add(0.0 - cond.below_pct)
            if cond.above_pct is not None:
                found.add(cond.above_pct)
        elif isinstance(cond, AllOf | AnyOf):
            for item in cond.items:
                walk(item)
        elif isinstance(cond, Not):
            walk(cond.item)

    walk(rule.when)
    return tuple(sorted(found))


def _first_revenue(cond: Condition) -> RevenueVsLastYear | None:
    if isinstance(cond, RevenueVsLastYear):
        return cond
    if isinstance(cond, AllOf | AnyOf):
        for item in cond.items:
            found = _first_revenue(item)
            if found:
                return found
    return None
