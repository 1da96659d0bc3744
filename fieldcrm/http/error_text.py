"""Errors as the reader reads them: fieldcrm errors and request validation, translated at the edge.

Errors are raised with their data (``NotFound(kind, key)``, ``InvalidInput`` problems naming
``field``, ``value`` and ``allowed``, the policy's "role id may not action") and, for the
older ones, an English sentence. Pages and the JSON answers pages show pass them through
:func:`describe` and :func:`describe_validation`, which build the French sentence from that
data — one home for every error text a user can see. A message already written in French is
left as it is. Request validation is worded from pydantic's error types in either language
(:data:`VALIDATION_WORDS`), never in pydantic's own sentence. English readers get the
original text of other errors, except for those worded from their data in both languages:
the policy's refusals (:data:`ACTIONS_EN`), a refusal kept
with its French template and params (an input problem's ``code``, ``allowed_code`` and
``params``; a :class:`Conflict`'s ``code`` and ``params``: the agenda's clashes, worded
through the catalogue by :func:`fieldcrm.http.reason_text.coded_text`) and an appointment
out of reach (:func:`reach_text`, English in the catalogue), which is stored as data where it
is kept — a trip planned instead of a day, a failed trip job, a trip's impossible
alternative — and worded from it (:func:`refusal_text`, :func:`job_error_text`; older rows
with its English sentence only: :func:`legacy_reach`). A refused trip job keeps the kind of
its refusal too, its lead-in worded through the catalogue (:mod:`fieldcrm.trip_job_text`).
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from starlette.requests import Request

from fieldcrm import trip_job_text
from fieldcrm.auth import policy
from fieldcrm.auth.roles import Role
from fieldcrm.calendar_bounds import NO_SUCH_DATE, date_problem
from fieldcrm.config import get_settings
from fieldcrm.costs.report import local_day
from fieldcrm.dates import long_day
from fieldcrm.errors import (
    Conflict,
    ExternalServiceError,
    FieldcrmError,
    Forbidden,
    Infeasible,
    InvalidInput,
    NotFound,
    PreconditionRequired,
    Problem,
)
from fieldcrm.http.i18n import translations
from fieldcrm.http.local_time import local_moment
from fieldcrm.http.long_drive_text import long_drive_text
from fieldcrm.http.reason_text import coded_text
from fieldcrm.routing.realise import OutOfReach, Reach
from fieldcrm.routing.schedule import hhmm
from fieldcrm.scoring import vocabulary
from fieldcrm.services.rules import DRY_RUN_LEAD_INS

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

ACTIONS_EN: dict[str, str] = {
    "account.read": "view this account",
    "account.edit": "edit this account",
    "account.create": "create an account",
    "account.locate": "place this account on the map",
    "activity.write": "record a visit or an exchange",
    "plan": "plan",
    "appointment": "manage these appointments",
    "calendar.feed": "share this calendar",
    "assign": "assign accounts",
    "territory.read": "view the territories",
    "territory.edit": "edit the territories",
    "rules.read": "view the rules",
    "rules.edit": "edit the rules",
    "alerts.read": "view these alerts",
    "tasks": "manage these tasks",
    "costs.read": "view these expenses",
    "costs.write": "enter these expenses",
    "costs.validate": "approve the expenses",
    "roads.read": "view the road network",
    "geocode.run": "run the geocoding",
    "import": "import files",
    "export": "export data",
    "users.admin": "manage the users",
    "gdpr": "handle GDPR requests",
    "jobs.admin": "manage the background jobs",
}
"""The same for English readers, for "You are not allowed to …"."""

FIELDS: dict[str, str] = {
    "account_ids": "comptes",
    "account_id": "compte",
    "bbox": "zone de la carte",
    "date": "date",
    "month": "mois",
    "year": "année",
    "start": "début",
    "fiscal_hp": "puissance fiscale (CV)",
    "annual_km_estimate": "kilométrage annuel",
    "vehicle_kind": "véhicule",
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
    "metric": "critère",
    "capacity_hours": "temps de terrain par mois",
    "max_moves": "nombre de communes déplacées",
    "title": "titre",
    "tri": "tri",
    "file": "fichier",
    "geometry": "tracé",
    "q": "recherche",
    "start_day": "premier jour",
    "end_day": "dernier jour",
    "anchor_appointment_id": "rendez-vous d’ancrage",
    "home": "adresse de départ",
    "proposal_id": "proposition",
    "time": "heure",
    "duration": "durée",
    "address": "adresse",
    "hotel_address": "adresse de l’hôtel",
    "hotel_name": "nom de l’hôtel",
    "hotel_lon": "longitude de l’hôtel",
    "hotel_lat": "latitude de l’hôtel",
    "appointment_id": "rendez-vous",
    "appointments": "rendez-vous",
    # a visit sent by the phone's outbox (check-in, report)
    "at": "date et heure",
    "outcome": "résultat",
    "report": "compte rendu",
    "client_key": "clé d’envoi",
    # the costs page's forms
    "tolls_eur": "péages",
    # the admin's new-user form
    "full_name": "nom complet",
    "manager_id": "responsable",
    "role": "rôle",
    "amount_eur": "montant",
    # the territories' forms (« Construire », « Retoucher »), the costs page's grouping
    "priority": "priorité",
    "communes": "communes",
    "postcodes": "codes postaux",
    "departements": "départements",
    "group_by": "regrouper par",
    # the other forms' fields, by their labels on the page (tests/pages/test_form_field_labels.py)
    "accept": "décision",
    "back": "page de retour",
    "code": "code",
    "codes": "codes",
    "confirmation": "confirmation",
    "contact": "numéro du contact",
    "document": "document",
    "electric": "véhicule électrique",
    "enabled": "activation",
    "expected": "aperçu vérifié",
    "heure": "heure",
    "ids": "sélection",
    "lang": "langue",
    "lock": "verrouillage",
    "next": "page suivante",
    "note": "note",
    "offline": "hors ligne",
    "overlay": "territoire superposé",
    "qualification": "segment",
    "rapports": "comptes rendus",
    "reason": "motif",
    "regle": "règle",
    "sector": "secteur",
    "t-name": "nom du territoire",
    "unit": "unités",
    "unread": "non lues",
    "version": "version",
    "vue": "affichage",
}
"""French names of the fields errors name."""

FIELDS_EN: dict[str, str] = {
    "accept": "decision",
    "account_id": "account",
    "account_ids": "accounts",
    "address": "address",
    "amount_eur": "amount",
    "annual_km_estimate": "annual mileage",
    "as_of": "reference date",
    "back": "return page",
    "band": "priority",
    "code": "code",
    "codes": "codes",
    "confirmation": "confirmation",
    "contact": "contact number",
    "date": "date",
    "day": "day",
    "document": "document",
    "duration": "duration",
    "electric": "electric vehicle",
    "email": "email",
    "enabled": "activation",
    "end": "end",
    "expected": "checked preview",
    "file": "file",
    "fiscal_hp": "fiscal horsepower (CV)",
    "full_name": "full name",
    "group_by": "group by",
    "heure": "time",
    "hotel_address": "hotel address",
    "hotel_lat": "hotel latitude",
    "hotel_lon": "hotel longitude",
    "hotel_name": "hotel name",
    "ids": "selection",
    "kind": "type",
    "lang": "language",
    "lat": "latitude",
    "lock": "lock",
    "lon": "longitude",
    "manager_id": "manager",
    "metric": "criterion",
    "month": "month",
    "name": "name",
    "next": "next page",
    "not_visited_days": "days without a visit",
    "note": "note",
    "offline": "offline",
    "outcome": "outcome",
    "overlay": "overlay territory",
    "password": "password",
    "q": "search",
    "qualification": "segment",
    "rapports": "visit reports",
    "rayon": "radius",
    "reason": "reason",
    "regle": "rule",
    "rep": "rep",
    "rep_id": "rep",
    "report": "visit report",
    "role": "role",
    "sector": "sector",
    "start": "start",
    "t-name": "territory name",
    "territory": "territory",
    "time": "time",
    "title": "title",
    "tolls_eur": "tolls",
    "tri": "sort order",
    "unit": "units",
    "unread": "unread",
    "vehicle_kind": "vehicle",
    "version": "version",
    "vue": "view",
}
"""English names of the fields errors name, where the name in the code does not read as
English words (``tolls_eur``, ``vue``); other fields are named by their words."""

CHOICES: dict[str, dict[str, str]] = {
    "metric": {
        "potential_eur_month": "potentiel €/mois",
        "workload_hours_month": "charge h/mois",
        "accounts": "comptes",
        "revenue_12m": "CA 12 mois",
    },
    "group_by": {
        "rep": "commercial",
        "team": "équipe",
        "week": "semaine",
        "month": "mois",
        "year": "année",
    },
}
"""French names of the values a field offers (as its list on the page says them), by
field: what an error says is allowed (« attendu : potentiel €/mois, charge h/mois, … »)."""

CHOICES_EN: dict[str, dict[str, str]] = {
    "metric": {
        "potential_eur_month": "potential €/month",
        "workload_hours_month": "workload h/month",
        "accounts": "accounts",
        "revenue_12m": "revenue 12 months",
    },
    "group_by": {
        "rep": "sales rep",
        "team": "team",
        "week": "week",
        "month": "month",
        "year": "year",
    },
}
"""The same for English readers (« expected: potential €/month, workload h/month, … »)."""


def _choices(field: str, allowed: Iterable[str], lang: str = "fr") -> str | None:
    """The values ``allowed`` for ``field`` by their names for a reader of ``lang``, if the
    field has them."""
    table = CHOICES if lang == "fr" else CHOICES_EN
    names = table.get(field.rsplit(".", 1)[-1])
    return ", ".join(names.get(a, a) for a in allowed) if names else None


PHRASES: dict[str, str] = {
    "invalid value": "valeur invalide",
    "out of range": "hors des limites",
    "required": "obligatoire",
    "must be at least 1": "doit valoir au moins 1",
    "must be >= 0": "ne peut pas être négatif",
    "the file is empty": "le fichier est vide",
    "choose a file": "choisissez un fichier",
    "invalid date": "date invalide",
    "no such date": "date inexistante",
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
    "the trip ends before it starts": "la tournée finit avant de commencer",
    "the document must be a JSON object": "le document doit être un objet JSON",
    "no drivable road in the OpenStreetMap data": "aucune route praticable dans les données OpenStreetMap",
    "no such OpenStreetMap file": "fichier OpenStreetMap introuvable",
    "must not be empty": "ne doit pas être vide",
    "must be a positive number of metres": "doit être un nombre positif de mètres",
    "this user is deactivated": "cet utilisateur est désactivé",
    "in the future": "ne doit pas être dans le futur",
    "a time zone is required": "fuseau horaire obligatoire",
    "unknown activity kind": "type d’échange inconnu",
    "8 to 64 letters, digits, - or _": "8 à 64 lettres, chiffres, - ou _",
    "expected YYYY-MM": "attendu AAAA-MM, par ex. 2026-01",
    # the admin's new-user form (fieldcrm.services.user_admin)
    "not an e-mail address": "ce n’est pas une adresse e-mail",
    "no such active manager": "aucun responsable actif n’a cet identifiant",
    "a user cannot be their own manager": "un utilisateur ne peut pas être son propre responsable",
    "unknown role": "rôle inconnu",
    # the other validators' messages (tests/pages/test_validator_messages_fr.py)
    "unsupported export format": "format d’export non pris en charge",
    "unknown target field": "champ de destination inconnu",
    "header not found in the file": "en-tête introuvable dans le fichier",
    "no known column in the header": "aucune colonne connue dans l’en-tête",
    "must be UTF-8 text": "doit être du texte UTF-8",
    "give either a geometry or administrative unit codes, not both nor neither": "donnez soit un tracé, soit des codes de communes ou de départements (l’un ou l’autre)",
    "unsupported language": "langue non prise en charge",
    "unknown chart layout": "présentation du graphique inconnue",
    "unknown grouping": "regroupement inconnu",
    "give exactly one of month, week, year or start and end": "donnez soit un mois, soit une semaine, soit une année, soit un début et une fin",
    "expected YYYY-Www, e.g. 2026-W10": "attendu AAAA-Sss, par ex. 2026-W10",
    "both start and end are needed": "il faut un début et une fin",
    "unknown vehicle kind": "type de véhicule inconnu",
    "no mileage scale for this year": "pas de barème kilométrique pour cette année",
    "must not be negative": "ne doit pas être négatif",
    "unknown trip kind": "type de déplacement inconnu",
    "ends before it starts": "finit avant de commencer",
    "unknown allowance": "indemnité inconnue",
    "longitude must be a number in [-180, 180]": "la longitude doit être un nombre entre -180 et 180",
    "latitude must be a number in [-90, 90]": "la latitude doit être un nombre entre -90 et 90",
    "at least one provider is needed": "il faut au moins un service de géocodage",
    "the gazetteer needs at least one commune": "le répertoire des communes doit en compter au moins une",
    "unknown precision": "précision inconnue",
    "must be within [0, 1]": "doit être compris entre 0 et 1",
    "a point goes with a precision other than 'none'": "un point va avec une précision autre que « none »",
    "must be positive": "doit être positif",
    "must be 0 or more": "doit valoir 0 ou plus",
    "needs http:// or https://": "doit commencer par http:// ou https://",
    "empty provider name": "nom de service vide",
    "unknown geocoding provider": "service de géocodage inconnu",
    "at least one place is needed": "il faut au moins un lieu",
    "detour budget must be positive": "le détour permis doit être positif",
    "must be between 1 and 5": "doit être compris entre 1 et 5",
    "upper bounds must increase and end with infinity": "les bornes doivent croître et finir par l’infini",
    "speeds must be in ]0, 200] km/h": "les vitesses doivent être comprises entre 0 (exclu) et 200 km/h",
    "must be an http(s) URL": "doit être une adresse http:// ou https://",
    "must be a whole number of days": "doit être un nombre entier de jours",
    "weight must be >= 0": "le poids ne peut pas être négatif",
    "not an editable field": "champ non modifiable",
    "no rep with this id, email or name": "aucun commercial avec cet identifiant, cet e-mail ou ce nom",
    "unknown export format": "format d’export inconnu",
    "not a review status": "statut de vérification inconnu",
    "unknown import": "import inconnu",
    "unsupported file type": "type de fichier non pris en charge",
    "unknown segment": "segment inconnu",
    "must be 1 to 50 characters": "doit faire de 1 à 50 caractères",
    "an OSRM server URL is needed when routing_engine is osrm": "le moteur d’itinéraires OSRM a besoin de l’adresse de son serveur",
    "not supported yet": "pas encore pris en charge",
    "a draft rule can only be dry run; save it first": "une règle en brouillon ne peut être qu’essayée à blanc ; enregistrez-la d’abord",
    "rep_id must be an integer": "l’identifiant du commercial doit être un nombre entier",
    "unknown rep e-mail": "e-mail de commercial inconnu",
    "the feature needs a 'name' property": "chaque élément (feature) doit avoir une propriété « name »",
    "priority must be an integer": "la priorité doit être un nombre entier",
    "overlay must be true or false": "« territoire superposé » (overlay) doit valoir true ou false",
    "unknown metric": "mesure inconnue",
    "no such file": "fichier introuvable",
    "a territory needs a name": "un territoire a besoin d’un nom",
    "must be an integer": "doit être un nombre entier",
    "a colour of at most 20 characters": "une couleur de 20 caractères au plus",
    "not an editable territory field": "champ de territoire non modifiable",
    "unknown INSEE commune code": "code INSEE de commune inconnu",
    "an INSEE code has 5 characters": "un code INSEE compte 5 caractères",
    "a postcode has 5 digits": "un code postal compte 5 chiffres",
    "unknown postcode": "code postal inconnu",
    "a territory needs a non-empty polygon": "un territoire a besoin d’un tracé non vide",
    "lon and lat must have the same length": "lon et lat doivent compter autant de valeurs",
    "territory ids must be unique": "les identifiants de territoire doivent être uniques",
    "must be > 0": "doit être positif",
    "unit codes must be unique": "les codes des communes doivent être uniques",
    "weights must be >= 0": "les poids ne peuvent pas être négatifs",
    "a territory would be left empty": "un territoire resterait vide",
    # the planner's problem (fieldcrm.routing.problem) and administrative units
    "must be a square matrix over every place": "doit être une matrice carrée sur tous les lieux",
    "travel cannot be negative": "un trajet ne peut pas durer moins de zéro",
    "one per day": "un par jour",
    "not a place of the matrices": "ce lieu n’est pas dans les matrices de trajets",
    "at least one working day is needed": "il faut au moins un jour travaillé",
    "the day must end after it starts": "la journée doit finir après avoir commencé",
    "the earliest departure must be at or before the day's departure": (
        "le départ au plus tôt doit être au plus tard à l’heure de départ de la journée"
    ),
    "the break does not fit its window": "la pause ne tient pas dans sa plage",
    "no such day": "jour inexistant",
    "one list of windows per working day": "une liste de plages horaires par jour travaillé",
    "negative value or duration": "valeur ou durée négative",
    "unknown département code": "code de département inconnu",
    "these moves without the rest of the proposal would cut a territory into pieces": (
        "ces déplacements, sans le reste de la proposition, couperaient un territoire en morceaux"
    ),
    "give at least one commune, postcode or département": "indiquez au moins une commune, un code postal ou un département",
    # the rules editor (fieldcrm.scoring.rules)
    "must be a number": "doit être un nombre",
    "must be a finite number": "doit être un nombre fini",
    "must be a mapping": "doit être une liste de clés « clé: valeur »",
    "must be a mapping with key, when and then": "doit être une règle avec key, when et then",
    "the rule is empty": "la règle est vide : écrivez-la dans l’éditeur (key, when et then)",
    "must be a string": "doit être un texte",
    "must be a non-empty string": "doit être un texte non vide",
    "must be a string or a non-empty list of strings": "doit être un texte ou une liste de textes",
    "must be true or false": "doit valoir true ou false",
    "must be a slug (a-z, 0-9, '-', '_', '.')": "lettres minuscules sans accent, chiffres, - _ ou .",
    "must be a list [low, high]": "doit être une liste [minimum, maximum]",
    "low must not exceed high": "le minimum dépasse le maximum",
    "must be 'previous' or a month 'YYYY-MM'": "previous ou un mois AAAA-MM",
    "must be a non-empty list of conditions": "doit être une liste de conditions non vide",
    "must be a non-empty list of actions": "doit être une liste d’actions non vide",
    "must be a list of recipients": "doit être une liste de destinataires",
    "must be a list of rules": "doit être une liste de règles",
    "must hold exactly one action": "doit contenir exactement une action",
    "must hold exactly one of all, any": "doit contenir soit all, soit any",
    "must hold exactly one of in, not_in": "doit contenir soit in, soit not_in",
    "must name at least one condition": "doit nommer au moins une condition",
    "needs add or band": "add ou band attendu",
    "needs an operator": "comparaison attendue",
    "needs below_pct or above_pct": "below_pct ou above_pct attendu",
    "is required": "obligatoire",
    "unknown key": "clé inconnue",
    "unknown condition": "condition inconnue",
    "unknown field": "champ inconnu",
    "unknown value": "valeur inconnue",
    "unknown period": "période inconnue",
    "unknown severity": "importance inconnue",
    "unknown recipient": "destinataire inconnu",
    "no active user has this e-mail": "aucun utilisateur actif n’a cette adresse e-mail",
    "unknown channel": "canal inconnu",
    "unknown band": "niveau de priorité inconnu",
    "duplicate key": "identifiant en double",
    "cannot reassign to the current owner": "le compte a déjà ce commercial",
    "the document must be a mapping with a 'rules' list": "le document doit contenir une liste rules",
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
            r"^no plan visits every required account between (?P<a>\d\d:\d\d)"
            r" and (?P<b>\d\d:\d\d)$"
        ),
        "Aucun plan ne passe par tous les comptes demandés entre {a} et {b} (visites, route et"
        " heures d’ouverture) : retirez-en, ou planifiez un autre jour.",
    ),
    (
        re.compile(r"^no plan visits every required account within the working days$"),
        "Aucun plan ne passe par tous les comptes demandés dans les journées de travail"
        " (visites, route et heures d’ouverture) : retirez-en, ou ajoutez des jours.",
    ),
    (
        re.compile(
            r"^appointment '(?P<b>.+)' at (?P<at>\d\d:\d\d) cannot be reached after '(?P<a>.+)'"
            r" \(earliest arrival (?P<arrive>\d\d:\d\d)\)$"
        ),
        "Le rendez-vous « {b} » de {at} est injoignable après « {a} » (arrivée au plus tôt {arrive}).",
    ),
    (
        re.compile(
            r"^(?P<day>\d{4}-\d\d-\d\d|day \d+): what must happen needs (?P<need>[\d.]+) h of"
            r" driving, more than the rep's maximum of (?P<cap>[\d.]+) h$"
        ),
        "{day} : les rendez-vous et visites obligatoires demandent {need} h de route, plus que"
        " les {cap} h autorisées par jour.",
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


def _french_day(value: str) -> str:
    """``2026-12-23`` → ``mercredi 23 décembre 2026``; ``day 2`` → ``Jour 2``."""
    if value.startswith("day "):
        return f"Jour {value[4:]}"
    return long_day(dt.date.fromisoformat(value))  # one home: fieldcrm.dates


def _french_decimal(value: str) -> str:
    """``5.1`` → ``5,1``."""
    return format_decimal(float(value), format="0.0", locale="fr_FR")


SENTENCE_VALUES: dict[str, Callable[[str], str]] = {
    "day": _french_day,
    "need": _french_decimal,
    "cap": _french_decimal,
}
"""How the named parts of :data:`SENTENCES` read in French (dates, decimals), by group name."""

FORBIDDEN = re.compile(
    r"^(?P<role>\w+) (?P<id>\d+) may not (?P<action>[\w.]+)"
    r"(?: for rep (?P<rep>\d+)| for (?P<own>themselves))?$"
)
FORBIDDEN_WORDS = re.compile(r"\bmay not\b")
"""The policy's wording, never shown as it is to a reader."""
GENERIC_EN = "You are not allowed to do this."
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
    "int_from_float": "nombre entier attendu",
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

VALIDATION_EN: dict[str, str] = {
    "missing": "required field",
    "int_parsing": "whole number expected",
    "int_type": "whole number expected",
    "int_from_float": "whole number expected",
    "float_parsing": "number expected",
    "float_type": "number expected",
    "decimal_parsing": "number expected",
    "bool_parsing": "yes or no expected",
    "date_parsing": "date expected (YYYY-MM-DD)",
    "date_from_datetime_parsing": "date expected (YYYY-MM-DD)",
    "datetime_parsing": "date and time expected",
    "datetime_from_date_parsing": "date and time expected",
    "time_parsing": "time expected (HH:MM)",
    "string_too_long": "text too long",
    "string_too_short": "text too short",
    "string_type": "text expected",
    "greater_than": "value too small",
    "greater_than_equal": "value too small",
    "less_than": "value too large",
    "less_than_equal": "value too large",
    "too_long": "too many items",
    "too_short": "not enough items",
    "list_type": "list expected",
    "literal_error": "value not offered",
    "enum": "value not offered",
    "json_invalid": "invalid JSON",
    "model_attributes_type": "object expected",
    "dict_type": "object expected",
    "value_error": "invalid value",
    "url_parsing": "invalid web address",
}
"""English for pydantic's error types: the same keys as :data:`VALIDATION`."""


@dataclass(frozen=True)
class _ValidationWords:
    """How a reader's language words a validation error: its table of pydantic's error
    types, the text for an unknown type, and the joins around field, value and choices."""

    texts: Mapping[str, str]
    fallback: str
    colon: str
    got: str
    expected: str


VALIDATION_WORDS: dict[str, _ValidationWords] = {
    "fr": _ValidationWords(VALIDATION, "valeur invalide", " : ", "reçu : ", " ; attendu : "),
    "en": _ValidationWords(VALIDATION_EN, "invalid value", ": ", "got ", "; expected: "),
}
"""The words of :func:`validation_texts`, by language (English for any other)."""
_LOCATIONS = frozenset({"body", "query", "path", "form", "header", "cookie"})
_DATE_TYPES = frozenset({"date_parsing", "date_from_datetime_parsing"})


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


def _french_name(field: str) -> str | None:
    """The French name of ``field`` (or of its last dotted part, items' keys in brackets
    left out: ``appointments[rdv-1]`` is a ``rendez-vous``), if it has one."""
    bare = re.sub(r"\[[^\]]*\]", "", field)
    return FIELDS.get(field) or FIELDS.get(bare) or FIELDS.get(bare.rsplit(".", 1)[-1])


_PATH_PARTS = re.compile(r"\.(?![^\[]*\])")
"""Where a dotted path splits (not inside brackets)."""


def _segment_label(segment: str, lang: str) -> str:
    """One part of a path as a reader of ``lang`` names it: its French name (the fields'
    table, the rule format's words), else its words (``rep_id`` → ``rep``); an index in
    brackets is counted from 1 (``stops[0]`` → ``arrêts (n° 1)``)."""
    key = re.sub(r"\[[^\]]*\]", "", segment)
    indexes = re.findall(r"\[([^\]]*)\]", segment)
    label = None
    if lang == "fr":
        label = FIELDS.get(segment) or FIELDS.get(key) or vocabulary.KEY_NAMES.get(key)
    else:
        label = FIELDS_EN.get(segment) or FIELDS_EN.get(key)
    if label is None:
        label = re.sub(r"_id$", "", key).replace("_", " ").strip() or key
    numbered = (f"n° {int(i) + 1}" if i.isdigit() else i for i in indexes)
    return label + "".join(f" ({n})" for n in numbered)


def field_label(field: str, lang: str = "fr") -> str:
    """A field as a reader of ``lang`` names it (``account_ids`` → ``comptes``; a dotted
    path part by part, ``when.potential.gt`` → ``conditions › potentiel en €/mois › plus
    de``): never the name in the code."""
    known = _french_name(field) if lang == "fr" else None
    if known:
        return known
    labels: list[str] = []
    for part in (s for s in _PATH_PARTS.split(field) if s):
        if part.isdigit() and labels:  # an item of a list (FastAPI's ``stops.0.lon``)
            labels[-1] += f" (n° {int(part) + 1})"
        else:
            labels.append(_segment_label(part, lang))
    return " › ".join(labels) or field


def named(field: str, *, technical: bool = False, lang: str = "fr") -> str:
    """A field for an error line: its name for the reader only (what a rep reads on a
    page); with ``technical`` (the API's ``message``, read by developers, whose body also
    carries ``field``), its name in the code in brackets too when they differ
    (« jour (day) »)."""
    label = field_label(field, lang)
    return f"{label} ({field})" if technical and label != field else label


SHAPE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^shape outside the plausible area .*: bounds (?P<bounds>\(.*\))$"),
        "le tracé sort de la zone couverte (France métropolitaine et ses abords) : "
        "zoomez sur la région voulue avant de tracer ; emprise reçue {bounds}",
    ),
    (
        re.compile(r"^coordinates look like \[lat, lon\].*"),
        "les coordonnées semblent inversées ([lat, lon]) ; le GeoJSON attend [lon, lat]",
    ),
    (
        re.compile(r"^coordinates out of range: bounds (?P<bounds>.*)$"),
        "coordonnées hors limites {bounds}",
    ),
    (
        re.compile(
            r"^(?P<where>.*): the ring crosses itself(?: near (?P<at>\(.*?\)))? \(bow-tie\).*"
        ),
        "{where} : le contour se croise lui-même {at}(en nœud papillon) ; tracez plutôt "
        "plusieurs polygones",
    ),
    (
        re.compile(r"^(?P<where>.*): a ring needs at least 3 distinct positions, got (?P<n>\d+)$"),
        "{where} : un contour a besoin d’au moins 3 points distincts ({n} reçus)",
    ),
    (
        re.compile(r"^(?P<where>.*): a ring must be a list of \[lon, lat\] positions$"),
        "{where} : un contour est une liste de positions [lon, lat]",
    ),
    (
        re.compile(r"^(?P<where>.*): invalid position (?P<pos>.*), expected \[lon, lat\] numbers$"),
        "{where} : position invalide {pos}, deux nombres [lon, lat] attendus",
    ),
    (
        re.compile(r"^(?P<where>.*): a polygon needs at least one ring$"),
        "{where} : un polygone a besoin d’au moins un contour",
    ),
    (
        re.compile(r"^non-polygon geometry (?P<kind>'[^']*'|\w+).*"),
        "géométrie {kind} refusée : seuls Polygon et MultiPolygon sont acceptés",
    ),
    (
        re.compile(r"^a geometry must be a GeoJSON object, got (?P<got>\w+)$"),
        "un tracé doit être un objet GeoJSON (reçu : {got})",
    ),
    (
        re.compile(r"^(?P<where>polygon \d+): (?P<why>.*); cannot be repaired without guessing$"),
        "{where} : tracé invalide ({why}) qu’on ne peut pas réparer sans deviner",
    ),
    (
        re.compile(r"^invalid geometry after repair: (?P<why>.*)$"),
        "tracé invalide même réparé ({why})",
    ),
    (re.compile(r"^a feature must be an object$"), "chaque élément (feature) doit être un objet"),
    (
        re.compile(r"^coordinates: a MultiPolygon needs a list of polygons$"),
        "un MultiPolygon est une liste de polygones",
    ),
    (re.compile(r"^empty geometry \(no coordinates\)$"), "tracé vide (aucune coordonnée)"),
    (re.compile(r"^empty geometry \(zero area\)$"), "tracé vide (surface nulle)"),
    (re.compile(r"^empty geometry$"), "tracé vide"),
    (
        re.compile(r"^not valid JSON: (?P<why>.*) at line (?P<line>\d+)$"),
        "ce n’est pas du JSON valide (ligne {line} : {why})",
    ),
    (
        re.compile(r"^a GeoJSON document must be an object$"),
        "un document GeoJSON doit être un objet",
    ),
    (re.compile(r"^the FeatureCollection has no features$"), "la FeatureCollection est vide"),
    (
        re.compile(r"^not a GeoJSON FeatureCollection, Feature or geometry$"),
        "ce n’est ni une FeatureCollection, ni une Feature, ni une géométrie GeoJSON",
    ),
)
"""French for the territory shape checks of :mod:`fieldcrm.territories.shapes` (their
messages carry data: where, bounds, the crossing point)."""

PLAN_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^appointment '(?P<name>.+)' is outside working hours$"),
        "le rendez-vous « {name} » est en dehors des heures de travail",
    ),
    (
        re.compile(
            r"^appointment '(?P<name>.+)' is outside working hours, even (?P<n>\d+) min"
            r" beyond them$"
        ),
        "le rendez-vous « {name} » est en dehors des heures de travail, même avec {n} min de"
        " dépassement permis (départ plus tôt, retour plus tard)",
    ),
    (
        re.compile(r"^appointment '(?P<name>.+)' starts before the earliest departure$"),
        "le rendez-vous « {name} » commence avant l’heure de départ au plus tôt",
    ),
    (
        re.compile(r"^rep (?P<id>\d+) \((?P<name>.*)\) has no located home address; set it first$"),
        "le commercial {id} ({name}) n’a pas d’adresse de départ localisée ; renseignez-la d’abord",
    ),
    (
        re.compile(r"^not an appointment of rep (?P<id>\d+) between (?P<a>\S+) and (?P<b>\S+)$"),
        "ce n’est pas un rendez-vous du commercial {id} entre le {a} et le {b}",
    ),
    (
        re.compile(r"^stop farther than (?P<m>\d+) m from any road$"),
        "arrêt à plus de {m} m de toute route",
    ),
    (
        re.compile(r"^must be (?P<a>\d+) to (?P<b>\d+) days after start$"),
        "doit tomber {a} à {b} jours après le début",
    ),
)
"""French for the input problems the planner (:mod:`fieldcrm.routing`, the planning
services) names."""

YAML_SYNTAX = re.compile(
    r"^invalid YAML(?: at line (?P<line>\d+), column (?P<column>\d+))?: (?P<problem>.*)$", re.S
)
"""A rules document that is not YAML (:func:`fieldcrm.scoring.rules.load_text`)."""
YAML_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^expected ',' or '\]'"),
        "crochet « ] » ou virgule attendus (liste non fermée ?)",
    ),
    (
        re.compile(r"^expected ',' or '\}'"),
        "accolade « } » ou virgule attendues (accolade non fermée ?)",
    ),
    (
        re.compile(r"^mapping values are not allowed here"),
        "« : » inattendu ici (mettez ce texte entre guillemets, ou passez à la ligne ?)",
    ),
    (
        re.compile(r"^found character '\\t' that cannot start any token"),
        "tabulation interdite : indentez avec des espaces",
    ),
    (
        re.compile(r"^found unexpected end of stream"),
        "fin du texte inattendue (guillemet non fermé ?)",
    ),
    (re.compile(r"^expected <block end>"), "indentation incohérente"),
    (re.compile(r"^could not find expected ':'"), "« : » attendu après la clé"),
    (re.compile(r"^found undefined alias"), "alias YAML (*nom) non autorisé"),
)
"""French for PyYAML's syntax problems; anything else reads "syntaxe incorrecte"."""


def yaml_text(message: str) -> str | None:
    """``invalid YAML at line 2, column 1: expected ',' or ']'…`` in French (line, column and
    what is wrong), else ``None``."""
    found = YAML_SYNTAX.match(message)
    if not found:
        return None
    what = next(
        (french for pattern, french in YAML_PROBLEMS if pattern.match(found["problem"])),
        "syntaxe incorrecte",
    )
    if found["line"] is None:
        return f"YAML invalide : {what}"
    return f"YAML invalide à la ligne {found['line']}, colonne {found['column']} : {what}"


def _phrase(message: str) -> str:
    if message in PHRASES:
        return PHRASES[message]
    yaml_error = yaml_text(message)
    if yaml_error:
        return yaml_error
    table = (*SHAPE_PHRASES, *PLAN_PHRASES, *RULE_PHRASES, *DATA_PHRASES)
    return _translated(table, message, PHRASE_VALUES) or message


RULE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^must be at least (?P<n>\S+)$"), "doit valoir au moins {n}"),
    (re.compile(r"^must be at most (?P<n>\S+)$"), "doit valoir au plus {n}"),
    (re.compile(r"^unknown placeholder (?P<name>\{\w*\})$"), "champ de texte {name} inconnu"),
    (
        re.compile(r"^placeholder (?P<name>\{\w*\}) takes no format or conversion$"),
        "le champ de texte {name} ne prend ni format ni conversion",
    ),
    (re.compile(r"^bad template: (?P<why>.*)$", re.S), "texte à champs mal formé ({why})"),
    (
        re.compile(r"^conditions nested more than (?P<n>\d+) deep .*$"),
        "conditions imbriquées sur plus de {n} niveaux (all/any/not)",
    ),
    (
        re.compile(r"^nested more than (?P<n>\d+) levels deep$"),
        "imbriqué sur plus de {n} niveaux",
    ),
    (
        re.compile(r"^document too long \((?P<n>\d+) characters\)$"),
        "document trop long ({n} caractères)",
    ),
    (re.compile(r"^invalid JSON at line (?P<line>\d+): .*$"), "JSON invalide à la ligne {line}"),
    (re.compile(r"^longer than (?P<n>\d+) characters$"), "plus de {n} caractères"),
    (
        re.compile(r"^too long: (?P<count>\d+) characters, at most (?P<n>\d+)$"),
        "trop long : {count} caractères, {n} au plus",
    ),
)
"""French for the rule validator's problems that carry data (:mod:`fieldcrm.scoring.rules`)."""

DATA_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^at least (?P<n>\d+) characters$"), "au moins {n} caractères"),
    (re.compile(r"^at most (?P<n>\d+) characters$"), "{n} caractères au plus"),
    (
        re.compile(r"^a trip lasts at most (?P<n>\d+) days$"),
        "une tournée dure au plus {n} jours",
    ),
    (
        re.compile(r"^must be 1 to (?P<n>\d+) days after start$"),
        "doit tomber 1 à {n} jours après le début",
    ),
    (
        re.compile(r"^expected (?P<n>\d+) bands, found (?P<m>\d+)$"),
        "{n} tranches attendues, {m} trouvées",
    ),
    (
        re.compile(r"^provider '?(?P<name>.+?)'? needs an API key$"),
        "le service de géocodage {name} a besoin d’une clé d’API",
    ),
    (
        re.compile(r"^at least (?P<n>\d+) pairs farther than (?P<m>\d+) m needed$"),
        "il faut au moins {n} paires à plus de {m} m l’une de l’autre",
    ),
    (re.compile(r"^unreadable value: .*$", re.S), "valeur illisible"),
    (
        re.compile(r"^appointment '(?P<name>.+)' has no located place$"),
        "le rendez-vous « {name} » n’a pas de lieu localisé",
    ),
    (
        re.compile(r"^must be a whole number from (?P<a>-?\d+) to (?P<b>-?\d+)$"),
        "doit être un nombre entier de {a} à {b}",
    ),
    (
        re.compile(r"^priority must be a whole number from (?P<a>-?\d+) to (?P<b>-?\d+)$"),
        "la priorité doit être un nombre entier de {a} à {b}",
    ),
    (re.compile(r"^between 1 and (?P<n>\d+) points$"), "entre 1 et {n} points"),
    (re.compile(r"^between 2 and (?P<n>\d+) stops$"), "entre 2 et {n} arrêts"),
    (
        re.compile(r"^not a Base Adresse Nationale export .*: missing column\(s\) (?P<cols>.*)$"),
        "ce n’est pas un export de la Base Adresse Nationale (adresses-NN.csv) : colonnes"
        " manquantes {cols}",
    ),
    (
        re.compile(
            r"^commune (?P<code>\S+)(?: \(postcode (?P<via>\S+)\))? exists but its outline is"
            r" not shipped.*$"
        ),
        "la commune {code} existe mais son contour n’est pas fourni : prenez son département"
        " ou une commune dont le contour est fourni",
    ),
)
"""French for the other validators' problems that carry data."""

PHRASE_VALUES: dict[str, Callable[[str], str]] = {
    "at": lambda point: f"près de {point} ",
    "count": lambda n: format_decimal(int(n), locale="fr"),
}
"""How the named parts of the shape and plan phrases read in French, by group name."""


def _translated(
    table: Iterable[tuple[re.Pattern[str], str]],
    message: str,
    values: Mapping[str, Callable[[str], str]],
) -> str | None:
    """The French of the first pattern of ``table`` matching ``message``, its named parts
    written through ``values`` (a part left out reads as nothing); else ``None``."""
    for pattern, french in table:
        found = pattern.match(message)
        if found:
            parts = {
                k: (values[k](v) if k in values else v) if v else ""
                for k, v in found.groupdict().items()
            }
            return french.format(**parts)
    return None


ISO_MOMENT = re.compile(
    r"\b\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?)?\b"
)
"""An ISO date or date and time, as problems carry them (``at.isoformat()``)."""


def company_zone() -> ZoneInfo:
    """The time zone the pages show times in (the company's), when the caller has none."""
    return ZoneInfo(get_settings().scoring_timezone)


def _local_moment(text: str, zone: ZoneInfo, lang: str = "fr") -> str:
    """``2027-02-03T10:00:00+00:00`` → ``03/02/2027 11:00`` (in ``zone``, as a reader of
    ``lang`` writes it), ``2027-02-03`` → ``03/02/2027``; anything not a real date as it is."""
    try:
        if "T" in text:
            return local_moment(dt.datetime.fromisoformat(text), lang, zone)
        return local_day(dt.date.fromisoformat(text), lang)
    except ValueError:
        return text


def french_dates(text: str, zone: ZoneInfo | None = None, lang: str = "fr") -> str:
    """``text`` with its ISO dates and times written the reader's way (``>= 2026-12-01`` →
    ``>= 01/12/2026`` in French), times in ``zone`` (default :func:`company_zone`)."""
    if not ISO_MOMENT.search(text):
        return text
    where = zone or company_zone()
    return ISO_MOMENT.sub(lambda found: _local_moment(found[0], where, lang), text)


QUOTES: dict[str, tuple[str, str]] = {"fr": ("« ", " »"), "en": ("“", "”")}
"""How each language quotes a text a person typed."""


def value_text(value: Any, lang: str = "fr", zone: ZoneInfo | None = None) -> str:
    """A problem's value as a reader of ``lang`` reads it, never as the code writes it: a
    date or time (an object, or the ISO text problems carry) the reader's way, a number
    by babel (``1 500,5``), a text in the language's quotes (« fortnight »), a list
    ``[a, b]`` of such values; no Python quotes."""
    if isinstance(value, dt.datetime):
        return local_moment(value, lang, zone or company_zone())
    if isinstance(value, dt.date):
        return local_day(value, lang)
    if isinstance(value, bool):
        return "true" if value else "false"  # as the rule documents (YAML) write them
    if isinstance(value, int | float | Decimal):
        try:
            return format_decimal(value, locale=lang)
        except (ArithmeticError, ValueError):  # beyond what babel writes (1e308, inf, nan)
            return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(value_text(v, lang, zone) for v in value) + "]"
    if isinstance(value, Mapping):
        items = (f"{k}: {value_text(v, lang, zone)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    text = str(value)
    written = french_dates(text, zone, lang)
    if written != text:
        return written
    left, right = QUOTES.get(lang, QUOTES["en"])
    return f"{left}{text}{right}"


def _french_got(raw: str, zone: ZoneInfo | None = None) -> str:
    """The ``got`` part of a problem turned into text (``repr`` of the value) as in
    :func:`value_text`: ``'2027-02-03T10:00:00+00:00'`` → ``03/02/2027 11:00``, ``'abc'`` →
    « abc »."""
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return french_dates(raw, zone)
    return value_text(value, "fr", zone)


def problem_message(message: str, lang: str = "fr") -> str:
    """The message of one input problem for a reader of ``lang`` (French when known)."""
    return _phrase(message) if lang == "fr" else message


DAY_PROBLEMS: dict[str, dict[str, str]] = {
    "public holiday": {
        "fr": "Le {day} est férié : choisissez un jour ouvré, ou un jour où un rendez-vous est"
        " pris.",
        "en": "{Day} is a public holiday: choose a working day, or a day with a booked"
        " appointment.",
    },
    "weekend": {
        "fr": "Le {day} tombe un week-end : choisissez un jour ouvré, ou un jour où un"
        " rendez-vous est pris.",
        "en": "{Day} falls on a weekend: choose a working day, or a day with a booked appointment.",
    },
    "no working day in the period": {
        "fr": "Aucun jour ouvré du {day} au {last} (week-ends et jours fériés) : choisissez"
        " une période qui en compte un, ou un jour où un rendez-vous est pris.",
        "en": "No working day from {day} to {last} (weekends and public holidays): choose"
        " a period with one, or a day with a booked appointment.",
    },
}
"""Whole sentences for a day (or a period) on which nothing can be planned: the problem's
message is the key, its value the day (or the first and last days)."""


def _day_sentence(problem: Problem, lang: str) -> str | None:
    """The whole sentence of a day one cannot plan (:data:`DAY_PROBLEMS`), else ``None``."""
    texts = DAY_PROBLEMS.get(problem.message)
    value = problem.value
    if texts is not None and isinstance(value, str) and value.startswith(("(", "[")):
        try:  # a period as an older failed job stored it: the repr of its pair of dates
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    try:  # the days, or their ISO dates (as the service raises them, and jobs store them)
        days = [
            d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))
            for d in (value if isinstance(value, tuple | list) else (value,))
        ]
    except ValueError:
        return None
    if texts is None or not days:
        return None
    said = [long_day(d, lang) for d in days]  # one home: fieldcrm.dates
    if problem.message == "public holiday":
        said[0] = said[0].split(" ", 1)[1]  # « 1er janvier 2027 »: no weekday for a holiday
    first, last = said[0], said[-1]
    return texts.get(lang, texts["en"]).format(
        day=first, Day=first[:1].upper() + first[1:], last=last
    )


def problem_text(
    problem: Problem,
    label: str | None = None,
    *,
    technical: bool = False,
    zone: ZoneInfo | None = None,
    lang: str = "fr",
) -> str:
    """One input problem for a reader of ``lang``: field (or ``label``, a name for it
    written by the caller; ``technical`` as in :func:`named`), what is wrong, the value,
    what is allowed; dates, times and numbers the reader's way, in ``zone`` (default
    :func:`company_zone`); a day one cannot plan as a whole sentence."""
    whole = _day_sentence(problem, lang)
    if whole:
        return whole
    field = label or named(problem.field, technical=technical, lang=lang)
    if lang != "fr":
        said = problem.message  # a French template kept as data: worded for the reader
        if problem.code:
            said = coded_text(problem.code, problem.params, lang, said)
        text = f"{field}: {said}"
        if problem.value is not None:
            text += f" (got {value_text(problem.value, lang, zone)})"
        if problem.allowed:
            allowed = problem.allowed
            if problem.allowed_code:
                allowed = coded_text(problem.allowed_code, problem.params, lang, allowed)
            text += f"; expected: {french_dates(allowed, zone, lang)}"
        return text
    text = f"{field} : {_phrase(problem.message)}"
    if problem.value is not None:
        text += f" (reçu : {value_text(problem.value, 'fr', zone)})"
    if problem.allowed:
        named_choices = _choices(problem.field, problem.allowed.split(", "))
        text += f" ; attendu : {named_choices or french_dates(_phrase(problem.allowed), zone)}"
    return text


_RULE_SEGMENT = re.compile(r"^(?P<key>[^\[\]]*)((?:\[\d+\])*)$")
_UNKNOWN_KEYS = frozenset({"unknown key", "unknown condition"})
_KEYS_ALLOWED = _UNKNOWN_KEYS | {"must hold exactly one action", "needs an operator"}
"""Rule problems whose ``allowed`` lists keys of the format (shown with their meaning)."""


def _rule_segment(segment: str) -> str:
    """One part of a rule problem's path in French: ``potential`` → ``potentiel…``,
    ``then[1]`` → ``action 2``, ``cc[0]`` → ``copie à (n° 1)``."""
    found = _RULE_SEGMENT.match(segment)
    key = found["key"] if found else segment
    indexes = [int(i) + 1 for i in re.findall(r"\[(\d+)\]", segment)]
    if key == "rules" and indexes:
        return f"règle {indexes[0]}"
    if key == "then" and indexes:
        return f"action {indexes[0]}"
    label = vocabulary.KEY_NAMES.get(key) or RULE_FIELDS.get(key) or field_label(key)
    return label + "".join(f" (n° {i})" for i in indexes)


RULE_FIELDS = {"rule": "règle", "rules": "règles", "draft": "brouillon"}
"""French names of the fields a rule problem names outside the rule's own keys."""


def rule_field_label(path: str) -> str:
    """Where a rule problem is, in French: ``when.potential.gt`` → ``conditions › potentiel
    (€/mois) › plus de``; ``rules[1].period`` → ``règle 2 › période``."""
    segments = [s for s in re.split(r"\.(?![^\[]*\])", path) if s]
    return " › ".join(_rule_segment(s) for s in segments) or "règle"


def _rule_allowed(field: str, allowed: str, *, keys: bool) -> str:
    """The values a rule key accepts as the editor offers them: enumerated values by their
    French names (all accepted by the validator), keys with their French meaning."""
    last = re.sub(r"\[\d+\]", "", field.rsplit(".", 1)[-1])
    names = vocabulary.VALUE_NAMES.get(last, {})
    shown = []
    for item in allowed.split(", "):
        if item in names:
            shown.append(names[item])
        elif item == "user:<login>":
            shown.append(vocabulary.USER_RECIPIENT)
        elif keys and item in vocabulary.KEY_NAMES:
            shown.append(f"{item} ({vocabulary.KEY_NAMES[item]})")
        else:
            shown.append(item)
    return ", ".join(shown)


def rule_problem_text(problem: Problem, lang: str = "fr") -> str:
    """One problem of the rules editor for a reader of ``lang``: in French, where it is (its
    path named by French labels; an unknown key by the part that holds it), what is wrong,
    the value, and what is allowed as the editor offers it (``jour, semaine, mois…``)."""
    path = problem.field
    if problem.message in _UNKNOWN_KEYS:
        path = re.sub(r"(^|\.)[^.]*$", "", path)
    if lang != "fr":
        return problem_text(replace(problem, field=path or "rule"), lang=lang)
    text = f"{rule_field_label(path)} : {_phrase(problem.message)}"
    if problem.value is not None:
        text += f" (reçu : {value_text(problem.value, 'fr')})"
    if problem.allowed:
        text += f" ; attendu : {_rule_allowed(problem.field, problem.allowed, keys=problem.message in _KEYS_ALLOWED)}"
    return text


def sentence(message: str) -> str | None:
    """The French of a known English sentence, else ``None``."""
    return _translated(SENTENCES, message, SENTENCE_VALUES)


ROLE_PLURALS: dict[Role, tuple[str, str]] = {
    Role.REP: ("commerciaux", "reps"),
    Role.MANAGER: ("responsables", "managers"),
    Role.DISPATCHER: ("répartiteurs", "dispatchers"),
    Role.ADMIN: ("administrateurs", "administrators"),
}
"""Each role in the plural, French and English, for « … est réservé aux responsables »."""


def _reserved_to(role: str, action: str) -> list[Role] | None:
    """The roles ``action`` is reserved to when the refused ``role`` is not one of them (the
    refusal is about the role, whoever's data it is: :func:`fieldcrm.auth.policy.roles_for`);
    ``None`` when the role may do it on some data, or for an unknown role or action."""
    if action not in policy.RULES or role not in {r.value for r in Role}:
        return None
    allowed = policy.roles_for(action)
    return None if Role(role) in allowed or not allowed else [r for r in Role if r in allowed]


def _joined(words: list[str], *, last: str) -> str:
    """« a, b et c » / "a, b and c"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def _forbidden(message: str, lang: str = "fr") -> str:
    """A policy refusal ("rep 4 may not rules.read") as a sentence in ``lang``, by the
    policy's reason: the role it is reserved to (whoever's data it is), the data of another
    rep out of the reader's scope, their own data, or what the reader may not do
    (:data:`ACTIONS`, :data:`ACTIONS_EN`)."""
    found = FORBIDDEN.match(message)
    reserved = _reserved_to(found["role"], found["action"]) if found else None
    if lang != "fr":
        if not found:
            return GENERIC_EN if FORBIDDEN_WORDS.search(message) else message
        doing = ACTIONS_EN.get(found["action"])
        if reserved and doing:
            who = _joined([ROLE_PLURALS[r][1] for r in reserved], last="and")
            return f"Only {who} may {doing}."
        if found["rep"]:
            return f"You do not have access to the data of rep {found['rep']}."
        if found["own"] and doing:
            return f"You are not allowed to {doing} for yourself."
        return f"You are not allowed to {doing}." if doing else GENERIC_EN
    if not found:
        return sentence(message) or (message if _looks_french(message) else GENERIC[Forbidden])
    what = ACTIONS.get(found["action"])
    if reserved and what:
        who = _joined([f"aux {ROLE_PLURALS[r][0]}" for r in reserved], last="et")
        return f"{what[:1].upper()}{what[1:]} est réservé {who}."
    if found["rep"]:
        return f"Vous n’avez pas accès aux données du commercial {found['rep']}."
    if not what:
        return GENERIC[Forbidden]
    of = "d’" if what[0] in "aeiouéè" else "de "
    if found["own"]:
        return f"Vous n’avez pas le droit {of}{what} pour vous-même."
    return f"Vous n’avez pas le droit {of}{what}."


def _looks_french(message: str) -> bool:
    """A heuristic good enough for our own messages: French ones use accents or French words."""
    return bool(
        re.search(r"[àâçéèêëîïôûùœ’«]|\b(le|la|les|des|du|une?|est|pas|ce|cette)\b", message, re.I)
    )


def precondition_text(exc: PreconditionRequired) -> str:
    """The French of a write sent without ``If-Match`` (428): which header, and how to get it."""
    what = KINDS.get(exc.kind, exc.kind)
    key = f"« {exc.key} »" if isinstance(exc.key, str) else str(exc.key)
    return (
        f"En-tête If-Match obligatoire pour modifier {what} {key} : faites d’abord un GET "
        "pour lire son ETag, puis renvoyez-le dans l’en-tête If-Match (sans cela, une "
        "modification faite entre-temps serait écrasée)."
    )


LEGACY_REACH = (
    re.compile(
        r"^appointment '(?P<name>.+)' at (?P<start>\d\d:\d\d) cannot be reached"
        r" \(earliest arrival (?P<earliest>\d\d:\d\d)\)$"
    ),
    re.compile(
        r"^after appointment '(?P<name>.+)' the rep cannot be back by (?P<limit>\d\d:\d\d)"
        r" \(earliest (?P<earliest>\d\d:\d\d)\)$"
    ),
)
"""Legacy: :meth:`Reach.sentence` as rows stored it before the refusal's data was stored
(a trip planned instead of a day, a failed trip job, a trip's impossible alternative: now
``out_of_reach``, :meth:`Reach.as_doc`); read back only to word those old rows as
:func:`reach_text` does (:func:`refusal_text`)."""


def _seconds(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def legacy_reach(message: str) -> Reach | None:
    """Legacy rows only: the :class:`Reach` whose English sentence ``message`` is (``None``
    for any other message); the start of an ``"after"`` one is not in its sentence (0).
    New rows store the data (:func:`stored_refusal`)."""
    before, after = (pattern.match(message) for pattern in LEGACY_REACH)
    if before:
        start = _seconds(before["start"])
        return Reach("", before["name"], 0, "before", start, start, _seconds(before["earliest"]))
    if after:
        limit, back = _seconds(after["limit"]), _seconds(after["earliest"])
        return Reach("", after["name"], 0, "after", 0, limit, back)
    return None


def stored_refusal(stored: Mapping[str, Any] | None) -> Reach | None:
    """The appointment out of reach a stored document names (its ``out_of_reach``: the
    :meth:`Reach.as_doc` of a trip's ``instead_of``, of a failed trip job's result, of a
    trip's impossible alternative), or ``None`` — also for a partial or malformed one, whose
    stored text is read instead."""
    doc = (stored or {}).get("out_of_reach")
    if not doc:
        return None
    try:
        reach = Reach.from_doc(doc)
    except (KeyError, TypeError):  # not the document as_doc writes
        return None
    timed = all(type(v) is int for v in (reach.start_s, reach.limit_s, reach.earliest_s))
    if not timed or not isinstance(reach.name, str) or reach.side not in ("before", "after"):
        return None
    return reach


def stored_advice(stored: Mapping[str, Any] | None) -> bool:
    """Whether the refusal ``stored`` keeps is worded with the night-away advice: its
    ``advice`` (a night next to the planned days would hold the appointment,
    ``OutOfReach.extends is not None``, as :func:`describe` words a live refusal).

    A document stored without it (before it was kept) advises only when it says a night
    away holds the day: a trip planned instead of a day (``instead_of``, written only then,
    its ``before``/``after`` the nights that hold it). A failed trip job or a trip's
    impossible alternative did not say, and the advice would be false there (a trip whose
    appointment is out of reach inside its days; « Dormir sur place : impossible — …
    dormez sur place »): none."""
    doc = stored or {}
    if doc.get("advice") is not None:
        return bool(doc["advice"])
    return bool(doc.get("before") or doc.get("after"))


def _minute_up(seconds: int) -> str:
    """An earliest time as a whole minute not before it: « au plus tôt 21:02 » for 21:01:40
    (the drive shown beside it, « 13 h 02 », is rounded to its nearest minute)."""
    return hhmm(-(-seconds // 60) * 60)


def reach_text(reach: Reach, lang: str = "fr", *, advice: bool = True) -> str:
    """An appointment its day cannot hold from home (:class:`Reach`) in the reader's ``lang``:
    « Le rendez-vous « Salon » de 09:00 est injoignable à temps (arrivée au plus tôt 11:45). »
    and, with ``advice``, how a night away would hold it (leave the day before, or come
    back the day after). A way too long for the days around it (:attr:`Reach.drive`) is
    worded with its figures and what it would take at least
    (:func:`fieldcrm.http.long_drive_text.long_drive_text`)."""
    if reach.drive is not None:
        return long_drive_text(reach, lang, advice=advice)
    gettext = translations(lang).gettext
    at = hhmm(reach.start_s)
    # a trip's appointment with its day (Reach.date), as long_drive_text says it
    when = (
        gettext("du %(day)s à %(at)s")
        % {"day": long_day(dt.date.fromisoformat(reach.date), lang), "at": at}
        if reach.date
        else None
    )
    if reach.side == "before":  # with the tolerance it was refused even with, if any
        text = (
            gettext(
                "Le rendez-vous « %(name)s » %(when)s est injoignable à temps, même avec"
                " %(minutes)s min de dépassement permis (arrivée au plus tôt %(earliest)s)."
            )
            if reach.overtime_s
            else gettext(
                "Le rendez-vous « %(name)s » %(when)s est injoignable à temps (arrivée au plus"
                " tôt %(earliest)s)."
            )
        ) % {
            "name": reach.name,
            "when": when or gettext("de %(at)s") % {"at": at},
            "minutes": reach.overtime_s // 60,
            "earliest": _minute_up(reach.earliest_s),
        }
        advise = gettext("Pour le tenir, commencez la tournée la veille et dormez sur place.")
    elif reach.overtime_s:  # the working hours' return, and the tolerance it was refused with
        text = (
            gettext(
                "Après le rendez-vous « %(name)s » %(when)s, impossible d’être de retour à la"
                " maison pour %(by)s, même avec %(minutes)s min de dépassement permis (retour au"
                " plus tôt %(earliest)s)."
            )
            if when
            else gettext(
                "Après le rendez-vous « %(name)s », impossible d’être de retour à la maison pour"
                " %(by)s, même avec %(minutes)s min de dépassement permis (retour au plus tôt"
                " %(earliest)s)."
            )
        ) % {
            "name": reach.name,
            "when": when,
            "by": hhmm(reach.limit_s),
            "minutes": reach.overtime_s // 60,
            "earliest": _minute_up(reach.earliest_s),
        }
        advise = gettext("Pour rentrer, prolongez la tournée d’un jour et dormez sur place.")
    else:
        text = (
            gettext(
                "Après le rendez-vous « %(name)s » %(when)s, impossible d’être de retour à la"
                " maison pour %(by)s (retour au plus tôt %(earliest)s)."
            )
            if when
            else gettext(
                "Après le rendez-vous « %(name)s », impossible d’être de retour à la maison pour"
                " %(by)s (retour au plus tôt %(earliest)s)."
            )
        ) % {
            "name": reach.name,
            "when": when,
            "by": hhmm(reach.limit_s),
            "earliest": _minute_up(reach.earliest_s),
        }
        advise = gettext("Pour rentrer, prolongez la tournée d’un jour et dormez sur place.")
    return f"{text} {advise}" if advice else text


def describe(
    exc: FieldcrmError, lang: str = "fr", *, technical: bool = False, zone: ZoneInfo | None = None
) -> str:
    """The message of ``exc`` for a reader of ``lang`` (French built from the error's data);
    fields named by their French label, plus their name in the code with ``technical`` (the
    API, whose body also carries ``field``); times in ``zone`` (default the company's)."""
    if isinstance(exc, OutOfReach):  # from its data; advice only where a night next to it helps
        return reach_text(exc.found[0], lang, advice=exc.extends is not None)
    if lang != "fr":
        if isinstance(exc, Conflict) and exc.code:  # a French template kept as data
            return coded_text(exc.code, exc.params, lang, str(exc))
        if isinstance(exc, InvalidInput):
            return "; ".join(
                problem_text(p, technical=technical, zone=zone, lang=lang) for p in exc.problems
            )
        if isinstance(exc, Forbidden):
            return _forbidden(str(exc), lang)
        return str(exc)
    if isinstance(exc, NotFound):
        what = KINDS.get(str(exc.kind), str(exc.kind))
        return f"{what[:1].upper()}{what[1:]} {exc.key} est introuvable."
    if isinstance(exc, InvalidInput):
        return " ; ".join(problem_text(p, technical=technical, zone=zone) for p in exc.problems)
    if isinstance(exc, PreconditionRequired):
        return precondition_text(exc)
    if isinstance(exc, Forbidden):
        return _forbidden(str(exc), lang)
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


def _problems_text(message: str, zone: ZoneInfo | None = None) -> str | None:
    parts = []
    position = 0
    for found in PROBLEM_TEXT.finditer(message):
        if found.start() != position:
            return None
        if found["message"] in DAY_PROBLEMS and found["value"] is not None:
            with contextlib.suppress(ValueError, SyntaxError):
                day = Problem(found["field"], found["message"], ast.literal_eval(found["value"]))
                whole = _day_sentence(day, "fr")
                if whole:
                    parts.append(whole)
                    position = found.end() + 2
                    continue
        text = f"{named(found['field'])} : {_phrase(found['message'])}"
        if found["value"] is not None:
            text += f" (reçu : {_french_got(found['value'], zone)})"
        if found["allowed"]:
            text += f" ; attendu : {french_dates(found['allowed'], zone)}"
        parts.append(text)
        position = found.end() + 2  # the "; " between problems
    return " ; ".join(parts) if parts and position >= len(message) else None


def describe_message(message: str, lang: str = "fr", *, zone: ZoneInfo | None = None) -> str:
    """A message already turned into text (database refusals, a failed job's error): its
    French when known (sentences of :data:`SENTENCES`, input problems, their dates written
    the French way, times in ``zone``), else as it is (an empty or missing one too). A
    refusal stored with its data is read by :func:`refusal_text` and :func:`job_error_text`."""
    if lang != "fr" or not message:
        return message
    known = sentence(message) or _problems_text(message, zone)
    if known:
        return known
    head, colon, rest = message.partition(" : ")  # a French lead-in ("Tournée impossible : …")
    if colon and _looks_french(head):
        tail = sentence(rest) or _problems_text(rest, zone)
        if tail:
            return f"{head} : {tail}"
    return message


def refusal_text(
    stored: Mapping[str, Any] | None,
    message: str | None,
    lang: str = "fr",
    *,
    zone: ZoneInfo | None = None,
    advice: bool = True,
) -> str:
    """A refusal stored with its data for the reader of ``lang``: the appointment out of
    reach ``stored`` names (:func:`stored_refusal`; for rows stored before that data, the
    planner's sentence ``message``, :func:`legacy_reach`) worded by :func:`reach_text`, with
    the advice :func:`stored_advice` says unless ``advice`` is false (the day a trip was
    tried in place of, once that trip failed: its advice was followed); else the stored
    ``message`` (:func:`describe_message`)."""
    reach = stored_refusal(stored) or legacy_reach(message or "")
    if reach is not None:
        return reach_text(reach, lang, advice=advice and stored_advice(stored))
    return describe_message(message or "", lang, zone=zone)


def job_error_text(
    error: str | None,
    result: Mapping[str, Any] | None,
    lang: str = "fr",
    *,
    zone: ZoneInfo | None = None,
) -> str:
    """A failed job's error for the reader of ``lang``.

    A refused trip job stores its refusal as data (``result``: ``head``, the kind of refusal,
    and ``message``, the planner's own; for an appointment out of reach, ``out_of_reach``
    and ``advice``): the lead-in is worded through the catalogue
    (:func:`fieldcrm.trip_job_text.lead_in`), the reason from its data (:func:`refusal_text`;
    a policy refusal by the words of :func:`describe`). An older row is read from its text
    when its French lead-in is known. Any other refused input that kept its ``problems``
    (an import's file) is worded from them for a reader of another language; any other
    error is its stored text (:func:`describe_message`)."""
    doc = result or {}
    changed = _day_changed(doc, lang)
    if changed is not None:
        return changed
    kept, message = doc.get("head"), doc.get("message")
    head: trip_job_text.Kind | None = kept if kept in trip_job_text.LEAD_INS else None
    if head is None or not isinstance(message, str):  # a row stored before that data
        head, message = trip_job_text.split_lead_in(error or "")
        if head is None and stored_refusal(doc) is not None:  # out of reach: an Infeasible
            head = "infeasible"
    if head is None:
        dry_run = _dry_run_refusal(error or "", doc, lang, zone=zone)
        if dry_run is not None:
            return dry_run
        kept_problems = _stored_problems(doc) if lang != "fr" else None
        if kept_problems is not None:  # a refused input kept as data (an import's file)
            return describe(kept_problems, lang, zone=zone)
        return describe_message(error or "", lang, zone=zone)
    refused = _stored_problems(doc) if head == "refused" else None
    if head == "forbidden":
        why = _forbidden(message, lang)
    elif refused is not None:
        why = describe(refused, lang, zone=zone)
    else:
        why = refusal_text(doc, message, lang, zone=zone)
    return trip_job_text.lead_in(head, why, translations(lang).gettext)


def _dry_run_refusal(
    error: str, doc: Mapping[str, Any], lang: str, *, zone: ZoneInfo | None
) -> str | None:
    """A refused dry run of the rules for the reader of ``lang``, by its stored French
    lead-in (:data:`fieldcrm.services.rules.DRY_RUN_LEAD_INS`): a policy refusal by the words
    of :func:`_forbidden`, a refused input from the problems it kept; None for another
    error."""
    head, why = trip_job_text.split_lead_in(error, lead_ins=DRY_RUN_LEAD_INS)
    if head is None:
        return None
    kept = _stored_problems(doc)
    if head == "forbidden":
        why = _forbidden(why, lang)
    elif kept is not None:
        why = describe(kept, lang, zone=zone)
    else:
        why = describe_message(why, lang, zone=zone)
    gettext = translations(lang).gettext
    return trip_job_text.lead_in(head, why, gettext, lead_ins=DRY_RUN_LEAD_INS)


def _stored_problems(doc: Mapping[str, Any]) -> InvalidInput | None:
    """The refused input a failed job keeps (its ``problems``), to word as a live one, or
    ``None`` when it keeps none or a malformed list."""
    problems = doc.get("problems")
    if not isinstance(problems, list) or not problems:
        return None
    try:
        found = [
            Problem(
                str(p["field"]),
                str(p["message"]),
                p.get("value"),
                p.get("allowed"),
                p.get("code"),
                p.get("params"),
                p.get("allowed_code"),
            )
            for p in problems
        ]
    except (KeyError, TypeError):
        return None
    return InvalidInput(problems=found)


def _day_changed(doc: Mapping[str, Any], lang: str) -> str | None:
    """The refusal of a trip job whose day changed before it ran
    (:class:`fieldcrm.services.planning_jobs.Replanned`, stored as ``{"changed", "day"}``),
    from its data, in ``lang`` (:func:`fieldcrm.trip_job_text.day_changed`; ``None`` when
    ``doc`` is not that).

    >>> _day_changed({"changed": "replanned", "day": "2026-04-22"}, "en")
    'The day of Wednesday 22 April 2026 was planned again meanwhile: the trip is not planned.'
    """
    why, day = doc.get("changed"), doc.get("day")
    if why not in trip_job_text.DAY_CHANGED or not isinstance(day, str):
        return None
    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        return None
    return trip_job_text.day_changed(why, when, lang, translations(lang).gettext)


def validation_texts(
    errors: Iterable[Mapping[str, Any]], lang: str = "fr"
) -> list[tuple[str, str]]:
    """Each validation error (FastAPI's, pydantic's) as ``(field, text)``: the field's dotted
    name in the code and, for the reader of ``lang``, its label and what is expected (the
    words of :data:`VALIDATION_WORDS`, never pydantic's own sentence)."""
    words = VALIDATION_WORDS.get(lang, VALIDATION_WORDS["en"])
    parts = []
    for error in errors:
        field = ".".join(str(p) for p in error.get("loc", ()) if p not in _LOCATIONS)
        what = words.texts.get(str(error.get("type")), words.fallback)
        typed = error.get("input")
        # written YYYY-MM-DD but no such day (2026-02-30): the one date rule's words
        if (
            str(error.get("type")) in _DATE_TYPES
            and isinstance(typed, str)
            and date_problem(typed) == NO_SUCH_DATE
        ):
            what = f"{problem_message(NO_SUCH_DATE, lang)} ({words.got}{value_text(typed, lang)})"
        expected = str((error.get("ctx") or {}).get("expected", ""))
        offered = _choices(field, re.findall(r"'([^']*)'", expected), lang) if expected else None
        if offered:  # a choice out of a list: the list, as the page names it
            what += f"{words.expected}{offered}"
        label = named(field, lang=lang)  # by its label (FIELDS, FIELDS_EN), not its code
        parts.append((field, f"{label}{words.colon}{what}" if field else what))
    return parts


def describe_validation(errors: Iterable[Mapping[str, Any]], lang: str = "fr") -> str:
    """FastAPI's validation errors as one line: each field and what is expected."""
    return " ; ".join(text for _field, text in validation_texts(errors, lang))
