"""Stored French reasons worded for the reader: an import's rejected rows, a geocode's
review reasons and the travel-cost report's places and legs to check.

A rejected row stored since its reason is kept as data carries its French template (a
catalogue msgid, ``code``) and the fields it is filled with (``params``): it is worded in the
reader's language, numbers as that language writes them. Rows stored before, geocoding
reasons and cost reasons (stored as French text, parts joined by ``; ``) are read from their
text: each part a known French sentence (:data:`PARTS`, :data:`COST_PARTS`) or a catalogue
msgid is worded through the catalogue; any other part stays as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from fieldcrm.accounts.french_csv import column_label
from fieldcrm.costs.report import local_day, local_number
from fieldcrm.durations import DURATION_PATTERN, duration_seconds, duration_text
from fieldcrm.geocoding.model import PRECISION_LABELS
from fieldcrm.http.i18n import translations

APOSTROPHE = "[’']"
"""An apostrophe in a stored reason (``{q}`` in a pattern): the typographic one French is
written with, or the straight one of rows stored before it was."""

PARTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern.replace("{q}", APOSTROPHE)), msgid)
    for pattern, msgid in (
        (
            r"précision (?P<found>.+) \(attendue : (?P<wanted>.+)\)",
            "précision %(found)s (attendue : %(wanted)s)",
        ),
        (
            r"score (?P<score>[\d,.]+) < (?P<threshold>[\d,.]+)",
            "score %(score)s < %(threshold)s",
        ),
        (
            r"code postal trouvé (?P<found>\S+) ≠ (?P<given>\S+)",
            "code postal trouvé %(found)s ≠ %(given)s",
        ),
        (r"aucune correspondance \((?P<errors>.*)\)", "aucune correspondance (%(errors)s)"),
        (
            r"adresse à l{q}étranger \((?P<country>[^)]+)\) : à placer à la main",
            "adresse à l’étranger (%(country)s) : à placer à la main",
        ),
        (r"candidats : (?P<names>.+)", "candidats : %(names)s"),
        (
            r"pays (?P<country>\S+) mais lieu trouvé en (?P<area>.+?) \((?P<name>.+)\)",
            "pays %(country)s mais lieu trouvé en %(area)s (%(name)s)",
        ),
        (
            r"lieu trouvé en (?P<area>.+?) \((?P<name>.+?)\) ≠ code postal (?P<postcode>\S+) "
            r"\((?P<areas>.+)\)",
            "lieu trouvé en %(area)s (%(name)s) ≠ code postal %(postcode)s (%(areas)s)",
        ),
        (
            r"ville « (?P<city>.+?) » \((?P<areas>.+?)\) ≠ code postal (?P<postcode>\S+) "
            r"\((?P<postal_areas>.+)\)",
            "ville « %(city)s » (%(areas)s) ≠ code postal %(postcode)s (%(postal_areas)s)",
        ),
        (
            r"nom de commune approché sans code postal \(« (?P<city>.+?) » → (?P<name>.+)\)",
            "nom de commune approché sans code postal (« %(city)s » → %(name)s)",
        ),
        (
            r"homonymes dans (?P<n>\d+) régions, sans code postal",
            "homonymes dans %(n)s régions, sans code postal",
        ),
        (r"code postal (?P<postcode>\S+) inconnu", "code postal %(postcode)s inconnu"),
        (
            r"code postal (?P<postcode>\S+) inconnu : aucune commune n’a ce code",
            "code postal %(postcode)s inconnu : aucune commune n’a ce code",
        ),
        (
            r"code postal (?P<postcode>\S+) : la ville « (?P<city>.+) » n’est pas dans son "
            r"département \((?P<areas>.+)\)",
            "code postal %(postcode)s : la ville « %(city)s » n’est pas dans son département "
            "(%(areas)s)",
        ),
        (
            r"« (?P<city>.+) » désigne (?P<n>\d+) communes : indiquez le code postal",
            "« %(city)s » désigne %(n)s communes : indiquez le code postal",
        ),
        (
            r"aucune commune ne s{q}appelle « (?P<city>.+) »",
            "aucune commune ne s’appelle « %(city)s »",
        ),
    )
)
"""Known French reason parts with fields (the geocoder's review reasons, the gazetteer's
placing and postcode problems): their pattern and their catalogue msgid."""

COST_PARTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern.replace("{d}", DURATION_PATTERN).replace("{q}", APOSTROPHE)), msgid)
    for pattern, msgid in (
        (
            r"trajet (?P<before>.+?) → (?P<after>.+?) de (?P<km>\d+) km non compté "
            r"\(invraisemblable\)",
            "trajet %(before)s → %(after)s de %(km)s km non compté (invraisemblable)",
        ),
        (
            r"trajet (?P<before>.+?) → (?P<after>.+?) de (?P<km>\d+) km non compté : (?P<why>.+)",
            "trajet %(before)s → %(after)s de %(km)s km non compté : %(why)s",
        ),
        (
            r"(?P<driven>{d}) de route pour (?P<free>{d}) entre la fin de la visite précédente "
            r"\((?P<end>\d\d:\d\d)\) et l{q}arrivée \((?P<arrival>\d\d:\d\d)\)",
            "%(driven)s de route pour %(free)s entre la fin de la visite précédente (%(end)s) "
            "et l’arrivée (%(arrival)s)",
        ),
        (
            r"(?P<driven>{d}) de route, il ne reste que (?P<room>{d}) dans la journée "
            r"\((?P<most>{d}) au plus : (?P<span>{d}) de la première visite à la fin de la "
            r"dernière, (?P<others>{d}) d{q}autres trajets\)",
            "%(driven)s de route, il ne reste que %(room)s dans la journée (%(most)s au plus : "
            "%(span)s de la première visite à la fin de la dernière, %(others)s d’autres "
            "trajets)",
        ),
        (r"la journée dépasserait (?P<km>\d+) km", "la journée dépasserait %(km)s km"),
        (
            r"pointage à (?P<km>\d+) km du compte, hors de portée de la journée",
            "pointage à %(km)s km du compte, hors de portée de la journée",
        ),
    )
)
"""Known French parts of a travel-cost reason (:mod:`fieldcrm.costs.plausible`'s legs left
out and why, ``why`` itself one of these parts): their pattern and their catalogue msgid.
Its plain parts (« aucun trajet vers ou depuis ce pointage compté », …) are msgids as they
are."""
_END_LABELS = frozenset({"domicile", "hôtel"})  # a leg's end that is no visit (costs.derive)

_PRECISIONS = frozenset({"found", "wanted"})  # words of PRECISION_LABELS (or a raw key)
_DECIMALS = frozenset({"score", "threshold"})  # written « 0,62 » in the stored French
_DURATIONS = frozenset({"driven", "free", "room", "most", "span", "others", "drive"})
"""Durations: « 13 h 02 » in a stored French reason, seconds in a template's params."""
_DAYS = frozenset({"day", "today"})  # a template's params: ISO days
_SECONDS = frozenset({"drive"})
"""Durations in a template's params, in seconds (the agenda's clashes: « il faut %(drive)s de
route »). Not :data:`_DURATIONS`: a template's ``most`` is a count (« champ de plus de
%(most)s caractères »)."""


def _split(text: str) -> list[str]:
    """``text``'s parts joined by ``; `` (or `` ; ``), none cut inside parentheses."""
    parts, depth, start = [], 0, 0
    for match in re.finditer(r"[()]| ?; ", text):
        token = match.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    return [*parts, text[start:]]


def _field(name: str, value: str, lang: str, gettext: Callable[[str], str]) -> str:
    if name in _PRECISIONS:
        return gettext(PRECISION_LABELS.get(value, value))
    if name in _DECIMALS:
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            return value
        return local_number(number, lang, len(value.partition(",")[2] or value.partition(".")[2]))
    if name in _DURATIONS:
        return duration_text(duration_seconds(value), lang)
    if value.isdigit() and name in {"n", "km"}:
        return local_number(int(value), lang)
    if name == "why":  # why a cost leg was left out: a part of its own
        return reason_part(value, lang)
    if name in {"before", "after"} and value in _END_LABELS:
        return gettext(value)
    return value


def reason_part(text: str, lang: str = "fr") -> str:
    """One French reason part worded for the reader of ``lang``: a sentence of :data:`PARTS`
    or a catalogue msgid; any other as it is."""
    gettext = translations(lang).gettext
    for pattern, msgid in (*PARTS, *COST_PARTS):
        found = pattern.fullmatch(text)
        if found:
            values = {k: _field(k, v, lang, gettext) for k, v in found.groupdict().items()}
            return gettext(msgid) % values
    return gettext(text) if text else text


def stored_reason(text: str | None, lang: str = "fr") -> str:
    """A stored French reason (parts joined by ``; ``) for the reader of ``lang``: each part
    by :func:`reason_part`. French readers read it as stored, its precision levels in words
    (rows written before the reasons named them: ``précision municipality`` →
    ``précision à la commune``)."""
    if not text:
        return ""
    if lang == "fr":
        return _RAW_PRECISION.sub(lambda m: PRECISION_LABELS.get(m[0], m[0]), str(text))
    return "; ".join(reason_part(part, lang) for part in _split(str(text)))


def cost_reason(text: str | None, lang: str = "fr") -> str:
    """Why a travel-cost report lists a day's place or leg « à vérifier » (stored French, parts
    joined by `` ; ``) for the reader of ``lang``: French readers read it as stored, others
    each part by :func:`reason_part` (:data:`COST_PARTS`)."""
    if not text:
        return ""
    return str(text) if lang == "fr" else stored_reason(text, lang)


_RAW_PRECISION = re.compile(r"(?<=précision )(\w+)|(?<=attendue : )(\w+)")


def _param(name: str, value: Any, lang: str) -> Any:
    if isinstance(value, bool):
        return value
    if name in _SECONDS and isinstance(value, int | float):
        return duration_text(value, lang)
    if isinstance(value, dt.date):
        return local_day(value, lang)
    if name in _DAYS and isinstance(value, str):  # a day kept as JSON keeps it (ISO)
        try:
            return local_day(dt.date.fromisoformat(value), lang)
        except ValueError:
            return value
    if isinstance(value, int):
        return local_number(value, lang)
    if name == "problem" and isinstance(value, str):  # a gazetteer's French reason
        return stored_reason(value, lang)
    return value


def coded_text(code: str, params: Mapping[str, Any] | None, lang: str, stored: str) -> str:
    """A French template kept as data (``code``, a catalogue msgid, and ``params``) worded
    for the reader of ``lang``, numbers, days (dates, or ISO texts under a name of
    :data:`_DAYS`) and durations (seconds, under a name of :data:`_SECONDS`) as ``lang``
    writes them; ``stored`` (its French as stored) when the template and its params do not
    fit."""
    values = {k: _param(k, v, lang) for k, v in (params or {}).items()}
    try:
        return translations(lang).gettext(str(code)) % values
    except (KeyError, TypeError, ValueError):  # a template its params do not fill
        return stored


def import_reason(row: Mapping[str, Any], lang: str = "fr") -> str:
    """Why an import rejected ``row`` (a report's rejected row), for the reader of ``lang``:
    from its ``code`` and ``params`` when it has them (:func:`coded_text`), else from its
    stored French ``reason`` (:func:`stored_reason`)."""
    code, params = row.get("code"), row.get("params")
    if lang == "fr" or not code:
        return stored_reason(str(row.get("reason") or ""), lang)
    return coded_text(str(code), params, lang, str(row.get("reason") or ""))


_NUMBERED_COLUMN = re.compile(r"colonne (\d+)")


def file_column(field: str, lang: str = "fr") -> str:
    """A file column as the reader names it: the header of the import's French vocabulary
    (``postcode`` → « code postal »; "postcode" in English, through the catalogue), a
    column the file's header did not name by its number."""
    gettext = translations(lang).gettext
    numbered = _NUMBERED_COLUMN.fullmatch(field)
    if numbered:
        return gettext("colonne %(n)s") % {"n": numbered[1]}
    return gettext(column_label(field))
