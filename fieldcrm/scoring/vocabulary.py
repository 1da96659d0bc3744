"""The words of the rule format in French: what each key means, and the French names the
validator accepts for enumerated values (``period: semaine`` reads as ``week``).

One home for them: the validator (:mod:`fieldcrm.scoring.rules`) accepts the French names
listed here, the editor's help and its error messages (``fieldcrm.http.error_text``) show
them, so what the editor offers is always accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

_V = TypeVar("_V")

KEY_NAMES: Mapping[str, str] = {
    # a rule
    "key": "identifiant",
    "name": "nom",
    "description": "description",
    "enabled": "active",
    "period": "période",
    "severity": "importance",
    "when": "conditions",
    "then": "actions",
    # conditions
    "all": "toutes ces conditions",
    "any": "l’une de ces conditions",
    "not": "sauf",
    "revenue_vs_last_year": "CA comparé au même mois l’an dernier",
    "missing": "champs non renseignés",
    "potential": "potentiel en €/mois",
    "revenue_3m": "CA des 3 derniers mois",
    "revenue_12m": "CA des 12 derniers mois",
    "days_since_last_visit": "jours depuis la dernière visite",
    "days_since_creation": "jours depuis la création",
    "kind": "type de compte",
    "sector": "secteur",
    "territory": "territoire",
    "owner": "commercial du compte",
    # comparisons
    "gt": "plus de",
    "gte": "au moins",
    "lt": "moins de",
    "lte": "au plus",
    "eq": "égal à",
    "between": "entre",
    "month": "mois",
    "below_pct": "baisse minimale en %",
    "above_pct": "hausse minimale en %",
    "in": "parmi",
    "not_in": "hors de",
    # actions
    "alert": "alerte",
    "priority": "priorité",
    "task": "tâche",
    "reassign": "réaffectation",
    "to": "destinataire",
    "cc": "copie à",
    "channels": "canaux",
    "subject": "objet",
    "message": "message",
    "add": "points ajoutés",
    "band": "niveau de priorité",
    "title": "titre",
    "due_in_days": "échéance en jours",
    "assignee": "confiée à",
    "closed_by": "close par",
}
"""The French label of each key of a rule document."""

PERIOD_NAMES: Mapping[str, str] = {
    "day": "jour",
    "week": "semaine",
    "month": "mois",
    "quarter": "trimestre",
    "year": "année",
    "once": "une fois",
}
SEVERITY_NAMES: Mapping[str, str] = {"high": "importante", "medium": "moyenne", "low": "faible"}
"""French words for a rule's severity: the editor's, and the alerts' badges (one spelling)."""
BAND_NAMES: Mapping[str, str] = {
    "low": "basse",
    "normal": "normale",
    "high": "haute",
    "urgent": "urgente",
}
"""French words for a priority band (``scoring.rules.BANDS``): the editor's and the pages'."""
CHANNEL_NAMES: Mapping[str, str] = {"in_app": "application", "email": "e-mail", "sms": "SMS"}
RECIPIENT_NAMES: Mapping[str, str] = {
    "owner": "commercial",
    "manager": "directeur_commercial",
    "admin": "administrateur",
    "dispatcher": "répartiteur",
}
CLOSED_BY_NAMES: Mapping[str, str] = {"visit": "visite"}
FIELD_NAMES: Mapping[str, str] = {
    "qualification": "qualification",
    "potential": "potentiel",
    "sector": "secteur",
    "siret": "SIRET",
    "phone": "téléphone",
    "email": "e-mail",
    "contact": "contact",
}
"""French words for the fields a ``missing`` condition names (``facts.QUALIFICATION_FIELDS``)."""
KIND_NAMES: Mapping[str, str] = {"client": "client", "prospect": "prospect"}
"""French words for an account's kind (``facts.KINDS``)."""
USER_PREFIXES = ("user:", "utilisateur:")
"""How one names a user as a recipient (``utilisateur:<e-mail>``), the French one shown."""
USER_RECIPIENT = "utilisateur:<e-mail>"

VALUE_NAMES: Mapping[str, Mapping[str, str]] = {
    "period": PERIOD_NAMES,
    "severity": SEVERITY_NAMES,
    "band": BAND_NAMES,
    "channels": CHANNEL_NAMES,
    "to": RECIPIENT_NAMES,
    "cc": RECIPIENT_NAMES,
    "assignee": RECIPIENT_NAMES,
    "closed_by": CLOSED_BY_NAMES,
}
"""The French names of the values of each enumerated key (by the key's name)."""


def canonical(value: _V, names: Mapping[str, str]) -> _V | str:
    """``value`` as the code knows it: a French name of ``names`` (``semaine``) becomes its
    key (``week``), case and spaces aside; anything else is returned as it is."""
    if not isinstance(value, str):
        return value
    wanted = value.strip().casefold()
    for key, french in names.items():
        if wanted == french.casefold() or wanted == french.casefold().replace(" ", "_"):
            return key
    return value
