"""Jinja2 rendering in the request's language, with the navigation of the actor's role."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import jinja2
from babel.numbers import format_percent
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import HTMLResponse

from fieldcrm.accounts.phones import french_phone
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import PROJECT_DIR
from fieldcrm.costs.report import MINUS, half_up, local_day, local_eur
from fieldcrm.costs.report import local_number as report_number
from fieldcrm.dates import LOCALES, long_day
from fieldcrm.dates import period_label as report_period
from fieldcrm.durations import hours_minutes
from fieldcrm.geocoding.model import PRECISION_LABELS, STATUS_LABELS
from fieldcrm.http.alert_text import alert_message, alert_subject, fired_message, report_rule_name
from fieldcrm.http.assignment_text import assignment_reason
from fieldcrm.http.error_text import (
    job_error_text,
    problem_message,
    refusal_text,
    rule_problem_text,
)
from fieldcrm.http.i18n import ngettext as plural_text
from fieldcrm.http.i18n import request_language, translations
from fieldcrm.http.local_time import local_hm
from fieldcrm.http.outcome_text import scheduled_outcome
from fieldcrm.http.reason_text import cost_reason, file_column, import_reason, stored_reason
from fieldcrm.http.security import nonced
from fieldcrm.http.visit_text import far_checkin_text
from fieldcrm.scoring.vocabulary import BAND_NAMES, SEVERITY_NAMES
from fieldcrm.services import planning_build
from fieldcrm.services.background import outcome_parts
from fieldcrm.trip_job_text import after_colon

log = logging.getLogger(__name__)

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(PROJECT_DIR / "web" / "templates"),
    autoescape=True,
    extensions=["jinja2.ext.i18n"],
)
_ENV.install_null_translations()  # type: ignore[attr-defined]
_ENV.filters["nonced"] = nonced


_ENV.filters["hm"] = local_hm  # one home: fieldcrm.http.local_time
_ENV.filters["hours_minutes"] = hours_minutes  # a duration column: 4:08 (fieldcrm.durations)
_Text = TypeVar("_Text", bound=str)
_QUOTE_SPACES = re.compile(r"«[ \u00a0\u202f]*|[ \u00a0\u202f]*»")
_UNIT_SPACE = re.compile(r"(?<=\d) (?=(?:k€|€|%))")


def tight_quotes(text: _Text) -> _Text:
    """French guillemets held to their text by a no-break space (U+00A0, as the ``eur``
    filter's sign): « never ends a line, » never starts one; nor does the € or % (or k€) of a
    number (« +238 € » in a reason). Keeps ``Markup`` as ``Markup``."""
    quoted = _QUOTE_SPACES.sub(lambda m: "«\u00a0" if m[0][0] == "«" else "\u00a0»", text)
    return type(text)(_UNIT_SPACE.sub("\u00a0", quoted))


_ENV.filters["quotes"] = tight_quotes


def phone_text(value: str | None) -> str:
    """A phone number as the reader writes it (``04 83 73 82 56``); empty for none."""
    if not value or isinstance(value, jinja2.Undefined):
        return ""
    return french_phone(str(value))  # one home: fieldcrm.accounts.phones


_ENV.filters["phone"] = phone_text


def local_number(value: float | None, lang: str, digits: int = 0) -> str:
    """A number as the reader writes it (``1 864`` or ``876,06`` in French); ``—`` for none."""
    if value is None or isinstance(value, jinja2.Undefined):
        return "—"
    return report_number(value, lang, digits)


def local_date(value: dt.date | str, lang: str) -> str:
    """A date as the reader writes it (``21/04/2026`` in French)."""
    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return local_day(day, lang)  # one home: fieldcrm.costs.report


def long_date(value: dt.date, lang: str) -> str:
    """A day with its weekday, as the reader says it (``mardi 21 avril 2026`` in French)."""
    return long_day(value, lang)  # one home: fieldcrm.dates


ACTIVITY_KINDS: dict[str, str] = {
    "visit": "visite",
    "call": "appel",
    "email": "e-mail",
    "meeting": "rendez-vous",
}
"""French words for an activity's kind (the stored values of ``services.visits.KINDS``)."""
PRIORITY_BANDS = BAND_NAMES
"""French words for a priority band (one home: :mod:`fieldcrm.scoring.vocabulary`)."""
CONTACT_DATE_KINDS: dict[str, str] = {
    "retirement": "départ à la retraite",
    "contract_end": "fin de contrat",
    "birthday": "anniversaire",
    "other": "autre date",
}
"""French words for a contact's date kind (``scoring.reminders.LEAD_DAYS``)."""
ALERT_STATUSES: dict[str, str] = {"open": "nouvelle", "acknowledged": "lue"}
"""French words for an alert's status."""
ALERT_SEVERITIES = SEVERITY_NAMES
"""French words for a rule's severity, one spelling on every badge and in the rules editor."""
SCHEDULED_JOBS: dict[str, str] = {
    "rules": "Règles",
    "trips": "Déplacements",
    "retention": "Conservation RGPD",
    "geocoding": "Géocodage en attente",
    "exports": "Nettoyage des exports",
}
"""French names of the scheduled jobs (``services.background.schedule``)."""
QUEUE_TASKS: dict[str, str] = {
    "fieldcrm.import_file": "Import de fichier",
    "fieldcrm.geocode_accounts": "Géocodage des comptes",
    "fieldcrm.evaluate_rules": "Évaluation des règles",
    "fieldcrm.send_notifications": "Envoi des notifications",
    "fieldcrm.derive_trips": "Calcul des déplacements",
    "fieldcrm.plan_trip": "Préparation de tournée",
    "fieldcrm.export_file": "Export de fichier",
    "fieldcrm.rules_dry_run": "Essai des règles",
    "fieldcrm.assign_all": "Affectation automatique",
    "fieldcrm.tick": "Travaux de chaque minute",
}
"""French names of the queue's tasks (``store.jobs`` task names, ``worker.queue``)."""


def _labelled(labels: Mapping[str, str]) -> Any:
    """A filter writing a stored code with its French word, translated for the reader."""

    def label(value: str | None, lang: str) -> str:
        if value is None or isinstance(value, jinja2.Undefined) or value == "":
            return "—"
        french = labels.get(str(value))
        return str(value) if french is None else translations(lang).gettext(french)

    return label


geocode_status = _labelled(STATUS_LABELS)
geocode_precision = _labelled(PRECISION_LABELS)
activity_kind = _labelled(ACTIVITY_KINDS)
priority_band = _labelled(PRIORITY_BANDS)
contact_date_kind = _labelled(CONTACT_DATE_KINDS)
alert_status = _labelled(ALERT_STATUSES)
alert_severity = _labelled(ALERT_SEVERITIES)
scheduled_job = _labelled(SCHEDULED_JOBS)
queue_task = _labelled(QUEUE_TASKS)

_ENV.filters["geocode_status"] = geocode_status
_ENV.filters["geocode_precision"] = geocode_precision


def geocode_reason(value: str | None, lang: str = "fr") -> str:
    """A stored review reason for the reader of ``lang`` (one home:
    :func:`fieldcrm.http.reason_text.stored_reason`)."""
    if not value or isinstance(value, jinja2.Undefined):
        return ""
    return stored_reason(str(value), lang)


_ENV.filters["geocode_reason"] = geocode_reason
_ENV.filters["import_reason"] = import_reason  # a rejected row's reason, from its data
_ENV.filters["alert_message"] = alert_message  # a reminder worded from its data
_ENV.filters["alert_subject"] = alert_subject
_ENV.filters["fired_message"] = fired_message  # a dry run's firing, worded from its data
_ENV.filters["report_rule"] = report_rule_name  # a dry run's rule by its name
_ENV.filters["assignment_reason"] = assignment_reason  # the assignment history's stored French
_ENV.filters["cost_reason"] = cost_reason  # a travel-cost place or leg to check
_ENV.filters["activity_kind"] = activity_kind
_ENV.filters["priority_band"] = priority_band
_ENV.filters["contact_date_kind"] = contact_date_kind
_ENV.filters["job_error"] = job_error_text  # a failed job's error, from its refusal's data
_ENV.filters["refusal_text"] = refusal_text  # a stored refusal, from its data if it has some
_ENV.filters["after_colon"] = after_colon  # a sentence continued after « … : »
_ENV.filters["alert_status"] = alert_status
_ENV.filters["alert_severity"] = alert_severity
_ENV.filters["problem_text"] = problem_message  # one input problem's message
_ENV.filters["scheduled_job"] = scheduled_job
_ENV.filters["queue_task"] = queue_task
_ENV.filters["outcome_parts"] = outcome_parts  # text, host, pid: one home, services.background
_ENV.filters["scheduled_outcome"] = scheduled_outcome  # a scheduled run's result, from its data
_ENV.filters["rule_problem"] = rule_problem_text  # one problem of the rules editor, in full


def omission_text(omission: dict[str, Any], lang: str = "fr") -> str:
    """Why a plan left an account out (one of ``result["omissions"]``), in the reader's
    language (:func:`fieldcrm.services.planning_build.omission_label`); a plan stored before
    its cut accounts kept their count says its stored French label."""
    reason = str(omission.get("reason"))
    if lang == "fr" or (reason == "cut" and "kept" not in omission):
        return str(omission.get("label") or reason)
    return planning_build.omission_label(
        reason,
        omission.get("loss_eur"),
        lang,
        n=omission.get("kept"),
        displaced=omission.get("displaced") or (),
        joined=int(omission.get("joined") or 0),
    )


_ENV.filters["omission"] = omission_text


def estimated_legs(day: Mapping[str, Any], travel: str | None) -> int:
    """How many legs of a planned day (one of ``result["days"]``) are timed at the crow-fly
    estimate, off the loaded road data (:func:`fieldcrm.services.planning_build.crowfly_legs`,
    ``travel``: the plan's ``result["travel"]``)."""
    if isinstance(day, jinja2.Undefined) or not day:
        return 0
    return len(planning_build.crowfly_legs(day, str(travel or "")))


_ENV.filters["estimated_legs"] = estimated_legs


def rule_label(key: str | None, names: dict[str, str], lang: str = "fr") -> str:
    """What a page writes for the rule ``key``: the rule's name (``names``, from
    ``services.scoring.rule_names``), "Rappel" for a reminder, else the key."""
    if not key or isinstance(key, jinja2.Undefined):
        return ""
    if key.startswith("reminder."):
        return translations(lang).gettext("Rappel")
    return names.get(key, key)


def period_label(value: str, lang: str) -> str:
    """A period key as the reader writes it (a scheduled job's, a travel-cost report's
    group): ``2026-12-06T07:00`` → ``06/12/2026 07:00``, ``2026-W49`` → ``semaine 49 de
    2026``, ``2026-12`` → ``décembre 2026`` ("December 2026"), ``2026-12-06`` →
    ``06/12/2026``; any other key as it is."""
    text = str(value)
    if re.fullmatch(r"\d{4}-(W\d{2}|\d{2})", text):  # one home: fieldcrm.dates
        return report_period(text, lang)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text):
            return f"{local_date(text, lang)} {text[11:16]}"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return local_date(text, lang)
    except ValueError:
        pass
    return text


_CHANGE_PATTERNS = {"fr": "#,##0.0\u00a0%", "en": "#,##0.0%"}


def local_change(value: float, lang: str) -> str:
    """A change on a year (a fraction) as a reader of ``lang`` writes a percentage, signed,
    one decimal, by babel: ``−11,5\u00a0%``, ``+3.2%``; ``0,0\u00a0%`` unsigned."""
    positive = _CHANGE_PATTERNS.get(lang, _CHANGE_PATTERNS["fr"])
    percent = half_up(value * 100, 1)
    pattern = positive if percent == 0 else f"+{positive};{MINUS}{positive}"
    return format_percent(percent / 100, format=pattern, locale=LOCALES.get(lang, "fr_FR"))


_ENV.filters["change"] = local_change
_ENV.filters["column_label"] = file_column
_ENV.filters["period"] = period_label
_ENV.filters["rule_label"] = rule_label
_ENV.filters["num"] = local_number
_ENV.filters["eur"] = local_eur  # "7,24\u00a0€": the sign never wraps alone
_ENV.filters["date"] = local_date
_ENV.filters["long_date"] = long_date
_ENV.filters["far_checkin"] = far_checkin_text  # one home: fieldcrm.http.visit_text
TEMPLATES = Jinja2Templates(env=_ENV)

# (path, French label, roles); labels are msgids translated in the template.
NAVIGATION: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("/journee", "Ma journée", frozenset({Role.REP})),
    ("/mes-taches", "Mes tâches", frozenset({Role.REP, Role.MANAGER})),
    ("/en-retard", "En retard", frozenset({Role.REP, Role.MANAGER})),
    ("/agenda", "Agenda", frozenset({Role.REP, Role.MANAGER})),
    ("/autour", "Autour de moi", frozenset({Role.REP, Role.MANAGER})),
    ("/tournee", "Tournée", frozenset({Role.REP, Role.MANAGER})),
    ("/comptes", "Comptes", frozenset(Role)),
    ("/territoires", "Territoires", frozenset({Role.MANAGER, Role.ADMIN, Role.DISPATCHER})),
    ("/affectations", "Affectations", frozenset({Role.DISPATCHER, Role.MANAGER, Role.ADMIN})),
    ("/regles", "Règles", frozenset({Role.MANAGER, Role.ADMIN})),
    ("/alertes", "Alertes", frozenset(Role)),
    ("/frais", "Frais", frozenset(Role)),
    ("/geocodage", "Géocodage", frozenset({Role.MANAGER, Role.DISPATCHER, Role.ADMIN})),
    ("/import", "Import", frozenset({Role.MANAGER, Role.DISPATCHER, Role.ADMIN})),
    ("/rgpd", "RGPD", frozenset({Role.ADMIN})),
    ("/taches", "Tâches de fond", frozenset({Role.ADMIN})),
    ("/utilisateurs", "Utilisateurs", frozenset({Role.ADMIN})),
)


def available_paths() -> set[str]:
    """Paths of the screens mounted in the app (navigation only lists those)."""
    from fieldcrm.pages import ROUTERS

    return {getattr(route, "path", "") for router in ROUTERS for route in router.routes}


def navigation(actor: Actor | None) -> list[tuple[str, str]]:
    """Menu entries for ``actor``: the screens their role uses."""
    if actor is None:
        return []
    mounted = available_paths()
    return [
        (path, label)
        for path, label, roles in NAVIGATION
        if actor.role in roles and path in mounted
    ]


COUNTED: dict[str, tuple[str, str]] = {
    "/alertes": ("unread-alerts", "Alertes non lues"),
    "/mes-taches": ("open-tasks", "Tâches ouvertes"),
}
"""Menu entries that show what waits behind them: path → (the count's id, its title, a
msgid)."""


def menu_counts(request: Request, actor: Actor | None) -> dict[str, int]:
    """Path → count of the menu entries with something waiting (unread alerts, open tasks;
    :func:`fieldcrm.services.alerts.menu_counts`), zero ones left out."""
    counter = getattr(request.state, "menu_counts", None) if actor else None
    if counter is None:
        return {}
    try:
        counts = counter()
    except SQLAlchemyError:  # an error page after a failed statement: no count
        log.warning("menu counts unavailable", exc_info=True)
        return {}
    found = {"/alertes": counts.unread_alerts, "/mes-taches": counts.open_tasks}
    return {path: n for path, n in found.items() if n}


def reader_language(request: Request, actor: Actor | None) -> str:
    """The language the page (or picture) is written in for this reader."""
    return request_language(
        request,
        preferred=actor.language if actor else None,
        default=request.app.state.settings.default_language,
    )


COLONS: dict[str, str] = {"fr": " : ", "en": ": "}
"""A label's colon as the reader's language writes it (``colon`` in templates): French puts a
space before it, English none (« Secteur : », "Sector: ")."""


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    actor: Actor | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` in the request's language."""
    settings = request.app.state.settings
    language = reader_language(request, actor)
    tr = translations(language)

    def gettext(message: str, **values: Any) -> str:
        translated = tr.gettext(message)
        return translated % values if values else translated

    def ngettext(singular: str, plural: str, n: float, /, **values: Any) -> str:
        """The form the reader's language uses for ``n`` (``%(num)s``: ``n`` as given,
        ``values``: the other fields, the count written the reader's way among them)."""
        return plural_text(language, singular, plural, n) % {"num": n, **values}

    nav = navigation(actor)
    counts = menu_counts(request, actor)
    full = {
        "actor": actor,
        "lang": language,
        "colon": COLONS.get(language, ": "),
        "gettext": gettext,
        "ngettext": ngettext,
        "_": gettext,
        "nav": nav,
        "counts": {path: counts[path] for path, _ in nav if path in counts},
        "counted": COUNTED,
        "path": request.url.path,
        "csp_nonce": getattr(request.state, "csp_nonce", ""),
        "tz": ZoneInfo(settings.scoring_timezone),
        **(context or {}),
    }
    return TEMPLATES.TemplateResponse(request, template, full, status_code=status_code)
