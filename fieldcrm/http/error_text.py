"""Errors as the reader reads them: fieldcrm errors and request validation, translated at the edge.

Errors are raised with their data (``NotFound(kind, key)``, ``InvalidInput`` problems naming
``field``, ``value`` and ``allowed``, the policy's "role id may not action") and, for the
older ones, an English sentence. Pages and the JSON answers pages show pass them through
:func:`describe` and :func:`describe_validation`, which build the French sentence from that
data — one home for every error text a user can see. A message already written in French is
left as it is. English readers get the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.requests import Request

from fieldcrm.errors import (
    Conflict,
    ExternalServiceError,
    FieldcrmError,
    Forbidden,
    Infeasible,
    InvalidInput,
    NotFound,
    Problem,
)

KINDS: dict[str, str] = {
    "account": "le compte",
    "account with a confirmed location": "le compte localisé",
    "activity": "l’échange",
    "alert": "l’alerte",
    "appointment": "le rendez-vous",
    "assignment_run": "l’affectation",
    "calendar feed": "l’agenda partagé",
    "contact": "le contact",
    "failed job": "la tâche de fond en échec",
    "job": "la tâche de fond",
    "plan": "le plan",
    "proposal": "la proposition",
    "rep": "le commercial",
    "rule": "la règle",
    "session": "la session",
    "task": "la tâche",
    "territory": "le territoire",
    "trip": "le trajet",
    "trip plan": "la tournée",
    "undelivered notification": "la notification non remise",
    "user": "l’utilisateur",
}
"""French names of the things :class:`NotFound` names."""

ACTIONS: dict[str, str] = {
    "account.read": "consulter ce compte",
    "account.edit": "modifier ce compte",
    "account.create": "créer un compte",
    "account.locate": "placer ce compte sur la carte",
    "activity.write": "saisir une visite ou un échange",
    "plan": "planifier",
    "appointment": "gérer ces rendez-vous",
    "calendar.feed": "partager cet agenda",
    "assign": "affecter des comptes",
    "territory.read": "consulter les territoires",
    "territory.edit": "modifier les territoires",
    "rules.read": "consulter les règles",
    "rules.edit": "modifier les règles",
    "alerts.read": "consulter ces alertes",
    "tasks": "gérer ces tâches",
    "costs.read": "consulter ces frais",
    "costs.write": "saisir ces frais",
    "costs.validate": "valider les frais",
    "roads.read": "consulter le réseau routier",
    "geocode.run": "lancer le géocodage",
    "import": "importer des fichiers",
    "export": "exporter des données",
    "users.admin": "gérer les utilisateurs",
    "gdpr": "traiter les demandes RGPD",
    "jobs.admin": "gérer les tâches de fond",
}
"""What each policy action lets one do, for "Vous n’avez pas le droit de …"."""

FIELDS: dict[str, str] = {
    "account_ids": "comptes",
    "account_id": "compte",
    "bbox": "zone de la carte",
    "date": "date",
    "month": "mois",
    "year": "année",
    "start": "début",
    "end": "fin",
    "as_of": "date de référence",
    "day": "jour",
    "email": "e-mail",
    "kind": "type",
    "band": "priorité",
    "lat": "latitude",
    "lon": "longitude",
    "name": "nom",
    "not_visited_days": "jours sans visite",
    "password": "mot de passe",
    "postcode": "code postal",
    "radius_m": "rayon",
    "rayon": "rayon",
    "rep": "commercial",
    "rep_id": "commercial",
    "starts_at": "début",
    "ends_at": "fin",
    "stops": "arrêts",
    "territory": "territoire",
    "territory_id": "territoire",
    "title": "titre",
    "tri": "tri",
    "file": "fichier",
    "q": "recherche",
}
"""French names of the fields errors name."""

PHRASES: dict[str, str] = {
    "invalid value": "valeur invalide",
    "out of range": "hors des limites",
    "required": "obligatoire",
    "must be at least 1": "doit valoir au moins 1",
    "must be >= 0": "ne peut pas être négatif",
    "the file is empty": "le fichier est vide",
    "a route needs at least two stops": "un itinéraire a besoin d’au moins deux arrêts",
    "the period ends before it starts": "la période finit avant de commencer",
    "not an amount in euros": "ce n’est pas un montant en euros",
    "not a user id": "ce n’est pas un identifiant d’utilisateur",
    "unknown order": "tri inconnu",
    "unknown kind": "type inconnu",
    "unknown priority band": "priorité inconnue",
    "unknown format": "format inconnu",
    "unsupported format": "format non pris en charge",
    "unreadable header": "en-tête illisible",
    "not UTF-8 text": "ce n’est pas du texte UTF-8",
    "no usable address in the file": "aucune adresse utilisable dans le fichier",
    "empty search": "recherche vide",
    "four comma-separated numbers expected": "quatre nombres séparés par des virgules attendus",
    "longitudes out of order or range": "longitudes dans le désordre ou hors limites",
    "latitudes out of order or range": "latitudes dans le désordre ou hors limites",
    "unknown territory or commune": "territoire ou commune inconnu",
    "no rep with a home base has this id": "aucun commercial avec un point de départ n’a cet identifiant",
    "this user is deactivated": "cet utilisateur est désactivé",
}
"""French for the short English phrases of :class:`~fieldcrm.errors.Problem` messages."""

SENTENCES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^neither alternative is feasible.*", re.S),
        "Aucune des deux possibilités ne tient dans la journée.",
    ),
    (
        re.compile(r"^day (?P<n>\d+): the fixed appointments do not fit in the working day$"),
        "Jour {n} : les rendez-vous fixes ne tiennent pas dans la journée de travail.",
    ),
    (
        re.compile(r"^no plan satisfies the fixed appointments and the working days$"),
        "Aucun plan ne respecte à la fois les rendez-vous fixes et les journées de travail.",
    ),
    (
        re.compile(
            r"^appointment '(?P<b>.+)' at (?P<at>\d\d:\d\d) cannot be reached after '(?P<a>.+)'"
            r" \(earliest arrival (?P<arrive>\d\d:\d\d)\)$"
        ),
        "Le rendez-vous « {b} » de {at} est injoignable après « {a} » (arrivée au plus tôt {arrive}).",
    ),
    (
        re.compile(r"^task (?P<id>\d+) is already done$"),
        "La tâche {id} est déjà faite.",
    ),
    (
        re.compile(r"^proposal (?P<id>\d+) is already (?P<status>\w+)$"),
        "La proposition {id} a déjà été traitée.",
    ),
    (
        re.compile(r"^email '(?P<email>.+)' is already used$"),
        "L’e-mail {email} est déjà utilisé.",
    ),
    (
        re.compile(r"^a territory named '(?P<name>.+)' already exists$"),
        "Un territoire nommé « {name} » existe déjà.",
    ),
    (
        re.compile(r"^client_key '(?P<key>.+)' belongs to another visit$"),
        "Cette saisie a déjà été enregistrée pour une autre visite.",
    ),
    (
        re.compile(r"^start (?P<start>\S+) is outside the bookable slot (?P<slot>\S+)$"),
        "Cette heure est en dehors du créneau réservable.",
    ),
    (
        re.compile(r"^user (?P<id>\d+) is no longer active$"),
        "L’utilisateur {id} n’est plus actif.",
    ),
    (
        re.compile(r"^invalid value: .*", re.S),
        "Valeur refusée par la base de données.",
    ),
    (
        re.compile(r"^conflict with stored data \((?P<what>[^)]+)\).*", re.S),
        "Conflit avec les données enregistrées ({what}).",
    ),
)
"""English sentences still raised by older code, and their French."""

FORBIDDEN = re.compile(
    r"^(?P<role>\w+) (?P<id>\d+) may not (?P<action>[\w.]+)(?: for rep (?P<rep>\d+))?$"
)
GENERIC = {
    Forbidden: "Vous n’avez pas le droit de faire cela.",
    Conflict: "L’opération est en conflit avec les données enregistrées.",
    Infeasible: "Impossible de construire un plan qui respecte ces contraintes.",
    ExternalServiceError: "Un service extérieur n’a pas répondu ; réessayez plus tard.",
}

VALIDATION: dict[str, str] = {
    "missing": "champ obligatoire",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "decimal_parsing": "nombre attendu",
    "bool_parsing": "oui ou non attendu",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "datetime_parsing": "date et heure attendues",
    "datetime_from_date_parsing": "date et heure attendues",
    "time_parsing": "heure attendue (HH:MM)",
    "string_too_long": "texte trop long",
    "string_too_short": "texte trop court",
    "string_type": "texte attendu",
    "greater_than": "valeur trop petite",
    "greater_than_equal": "valeur trop petite",
    "less_than": "valeur trop grande",
    "less_than_equal": "valeur trop grande",
    "too_long": "trop d’éléments",
    "too_short": "pas assez d’éléments",
    "list_type": "liste attendue",
    "literal_error": "valeur non prévue",
    "enum": "valeur non prévue",
    "json_invalid": "JSON invalide",
    "model_attributes_type": "objet attendu",
    "dict_type": "objet attendu",
    "value_error": "valeur invalide",
    "url_parsing": "adresse web invalide",
}
"""French for pydantic's error types (FastAPI's 422)."""
_LOCATIONS = frozenset({"body", "query", "path", "form", "header", "cookie"})


def reader_language(request: Request) -> str:
    """The language of the person who sent ``request`` (their choice, else the company's)."""
    from fieldcrm.http.i18n import request_language

    actor = getattr(request.state, "actor", None)
    settings = getattr(request.app.state, "settings", None)
    return request_language(
        request,
        preferred=getattr(actor, "language", None),
        default=getattr(settings, "default_language", "fr"),
    )


def field_label(field: str) -> str:
    """A field as a French reader names it (``account_ids`` → ``comptes``)."""
    last = field.rsplit(".", 1)[-1]
    return FIELDS.get(field) or FIELDS.get(last) or field.replace("_", " ")


def named(field: str) -> str:
    """A field for an error line: its French name, and its technical name in brackets when
    they differ (what a support person searches for)."""
    label = field_label(field)
    return label if label == field else f"{label} ({field})"


def _phrase(message: str) -> str:
    return PHRASES.get(message, message)


def problem_text(problem: Problem) -> str:
    """One input problem in French: field, what is wrong, the value, what is allowed."""
    text = f"{named(problem.field)} : {_phrase(problem.message)}"
    if problem.value is not None:
        text += f" (reçu : {problem.value!r})"
    if problem.allowed:
        text += f" ; attendu : {problem.allowed}"
    return text


def sentence(message: str) -> str | None:
    """The French of a known English sentence, else ``None``."""
    for pattern, french in SENTENCES:
        found = pattern.match(message)
        if found:
            return french.format(**found.groupdict())
    return None


def _forbidden(message: str) -> str:
    found = FORBIDDEN.match(message)
    if not found:
        return sentence(message) or (message if _looks_french(message) else GENERIC[Forbidden])
    if found["rep"]:
        return f"Vous n’avez pas accès aux données du commercial {found['rep']}."
    what = ACTIONS.get(found["action"])
    if not what:
        return GENERIC[Forbidden]
    of = "d’" if what[0] in "aeiouéè" else "de "
    return f"Vous n’avez pas le droit {of}{what}."


def _looks_french(message: str) -> bool:
    """A heuristic good enough for our own messages: French ones use accents or French words."""
    return bool(
        re.search(r"[àâçéèêëîïôûùœ’«]|\b(le|la|les|des|du|une?|est|pas|ce|cette)\b", message, re.I)
    )


def describe(exc: FieldcrmError, lang: str = "fr") -> str:
    """The message of ``exc`` for a reader of ``lang`` (French built from the error's data)."""
    if lang != "fr":
        return str(exc)
    if isinstance(exc, NotFound):
        what = KINDS.get(str(exc.kind), str(exc.kind))
        return f"{what[:1].upper()}{what[1:]} {exc.key} est introuvable."
    if isinstance(exc, InvalidInput):
        return " ; ".join(problem_text(p) for p in exc.problems)
    if isinstance(exc, Forbidden):
        return _forbidden(str(exc))
    message = str(exc)
    translated = sentence(message)
    if translated:
        return translated
    if _looks_french(message) or not message:
        return message or GENERIC.get(type(exc), "Erreur.")
    for cls, generic in GENERIC.items():
        if isinstance(exc, cls):
            return f"{generic} ({message})"
    return message


PROBLEM_TEXT = re.compile(
    r"(?P<field>[\w.\[\]]+): (?P<message>.+?)(?: \(got (?P<value>.*?)\))?"
    r"(?:; allowed: (?P<allowed>.*?))?(?=; [\w.\[\]]+: |$)"
)
"""An :class:`InvalidInput` turned into text (``field: message (got value); allowed: …``,
problems joined by ``; ``), as a failed job stores it."""


def _problems_text(message: str) -> str | None:
    parts = []
    position = 0
    for found in PROBLEM_TEXT.finditer(message):
        if found.start() != position:
            return None
        text = f"{named(found['field'])} : {_phrase(found['message'])}"
        if found["value"] is not None:
            text += f" (reçu : {found['value']})"
        if found["allowed"]:
            text += f" ; attendu : {found['allowed']}"
        parts.append(text)
        position = found.end() + 2  # the "; " between problems
    return " ; ".join(parts) if parts and position >= len(message) else None


def describe_message(message: str, lang: str = "fr") -> str:
    """A message already turned into text (database refusals, a failed job's error): its
    French when known (sentences of :data:`SENTENCES`, input problems), else as it is."""
    if lang != "fr" or not message:
        return message
    return sentence(message) or _problems_text(message) or message


def describe_validation(errors: Iterable[Mapping[str, Any]], lang: str = "fr") -> str:
    """FastAPI's validation errors as one line: each field and what is expected."""
    parts = []
    for error in errors:
        field = ".".join(str(p) for p in error.get("loc", ()) if p not in _LOCATIONS)
        if lang == "fr":
            what = VALIDATION.get(str(error.get("type")), "valeur invalide")
            parts.append(f"{named(field)} : {what}" if field else what)
        else:
            parts.append(f"{field} : {error.get('msg')}" if field else str(error.get("msg")))
    return " ; ".join(parts)
