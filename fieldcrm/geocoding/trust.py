"""Never confidently wrong: the checks that turn a plausible but doubtful answer into
"to_review", with the communes it could have been.

A score says how well a provider matched the text; it does not say whether the place agrees
with the rest of the address. These checks do, against the offline gazetteer:

* the département (or country) of the answer is not one the postcode serves
  (``98000 Nice``, ``06000 Monaco``);
* the address names a country other than France and the answer is a French commune;
* without a postcode, the answer is a commune whose name only resembles the city typed
  (``Argentat`` → Argentan: a near miss, not the commune);
* without a postcode, the city typed names communes in several régions (``Saint-Martin``).

Addresses abroad are never looked up in France: :func:`abroad` says which they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fieldcrm.geocoding.gazetteer import Commune, Gazetteer
from fieldcrm.geocoding.model import GeocodeResult
from fieldcrm.geocoding.normalize import NormalizedAddress

__all__ = [
    "NEIGHBOURS",
    "Doubt",
    "abroad",
    "doubts",
    "found_town",
    "place_problem",
    "postcode_problem",
    "postcode_town",
    "typed_commune",
]

NEIGHBOURS = ("MC", "IT", "CH", "BE", "LU", "DE", "ES", "AD")
"""Countries whose addresses turn up in French files (and whose towns have French namesakes)."""

MAX_CANDIDATES = 4


@dataclass(frozen=True)
class Doubt:
    """Why an answer needs a look (French, shown to users) and the communes it could be."""

    reasons: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.reasons)


def abroad(address: NormalizedAddress, gazetteer: Gazetteer) -> str:
    """The country of an address that is not in France, else ``""``.

    Parameters
    ----------
    address : NormalizedAddress
        With its ``country`` when the account has one (``"FR"`` is the default and says
        little: a Monaco postcode or city still makes it Monaco).
    gazetteer : Gazetteer
        Knows the places abroad (Monaco and its quarters).

    Returns
    -------
    str
        ISO code (``"MC"``, ``"IT"``...) or ``""`` for France.
    """
    if address.country and address.country != "FR":
        return address.country
    places = gazetteer.postcode_communes(address.postcode)
    if address.postcode and places and all(p.country != "FR" for p in places):
        return places[0].country
    if not address.postcode and address.city:
        named = gazetteer.named(address.city)
        if named and all(c.country != "FR" for c in named):
            return named[0].country
    return ""


def _commune(result: GeocodeResult, gazetteer: Gazetteer) -> Commune | None:
    """The commune an answer stands in: its INSEE code, else its postcode's only commune,
    else the commune whose centre is nearest its point."""
    if result.citycode:
        found = gazetteer.commune_of(result.citycode)
        if found is not None:
            return found
    served = gazetteer.postcode_communes(result.postcode) if result.postcode else []
    if len(served) == 1:
        return served[0]
    if result.point is None:
        return None
    return gazetteer.nearest(result.point)[0]


def _labels(communes: Sequence[Commune], *, first: Commune | None = None) -> list[str]:
    ordered = sorted(communes, key=lambda c: -c.population)
    if first is not None:
        ordered = [first, *(c for c in ordered if c != first)]
    seen: dict[str, None] = {}
    for commune in ordered:
        seen.setdefault(commune.label, None)
    return list(seen)


def doubts(result: GeocodeResult, address: NormalizedAddress, gazetteer: Gazetteer) -> Doubt:
    """What is doubtful about ``result`` as the place of ``address``.

    Parameters
    ----------
    result : GeocodeResult
        An answer with a point (any provider).
    address : NormalizedAddress
        What was asked.
    gazetteer : Gazetteer
        Communes, their départements, régions, postcodes and names.

    Returns
    -------
    Doubt
        Empty (false) when nothing disagrees; else the reasons and the candidate communes
        (``"06000 Nice (06)"``), most likely first.
    """
    commune = _commune(result, gazetteer)
    if commune is None:
        return Doubt()
    reasons: list[str] = []
    candidates: list[str] = []
    country = address.country or "FR"
    if country != "FR" and commune.country != country:
        reasons.append(f"pays {country} mais lieu trouvé en {commune.area} ({commune.name})")
    named = gazetteer.named(address.city) if address.city else []
    if address.postcode:
        areas = gazetteer.postcode_areas(address.postcode)
        served = gazetteer.postcode_communes(address.postcode)
        named_areas = {c.area for c in named}
        if not areas:
            reasons.append(f"code postal {address.postcode} inconnu")
            candidates += _labels(named)
        elif commune.area not in areas:
            reasons.append(
                f"lieu trouvé en {commune.area} ({commune.name}) ≠ code postal "
                f"{address.postcode} ({', '.join(sorted(areas))})"
            )
            candidates += _labels(served) + _labels(named)
        elif (
            named
            and not gazetteer.bears_name(commune, address.city)
            and commune.area not in named_areas
        ):
            reasons.append(
                f"ville « {address.city} » ({', '.join(sorted(named_areas))}) ≠ code postal "
                f"{address.postcode} ({', '.join(sorted(areas))})"
            )
            candidates += _labels(served) + _labels(named)
    elif address.city:
        if not gazetteer.bears_name(commune, address.city):
            reasons.append(
                f"nom de commune approché sans code postal (« {address.city} » → {commune.name})"
            )
            candidates += _labels(named or gazetteer.close_names(address.city), first=commune)
        regions = {c.region for c in named}
        if len(regions) > 1:
            reasons.append(f"homonymes dans {len(regions)} régions, sans code postal")
            candidates += _labels(named, first=commune)
    unique = list(dict.fromkeys(candidates))[:MAX_CANDIDATES]
    return Doubt(tuple(reasons), tuple(unique))


def typed_commune(
    result: GeocodeResult, address: NormalizedAddress, gazetteer: Gazetteer
) -> Commune | None:
    """The commune ``result`` stands in when it is the one the address names, else None.

    Stricter than :func:`doubts` (which only compares départements): the commune must be one
    the postcode typed serves, and bear the city typed (or be its arrondissement); an address
    with neither names no commune.
    """
    commune = _commune(result, gazetteer)
    if commune is None or not (address.postcode or address.city):
        return None
    if address.postcode and commune not in gazetteer.postcode_communes(address.postcode):
        return None
    if address.city and not gazetteer.bears_name(commune, address.city):
        return None
    return commune


def place_problem(postcode: str | None, city: str | None, *, gazetteer: Gazetteer) -> str | None:
    """Why a postcode and city identify no single commune (French), or None when they do.

    Parameters
    ----------
    postcode, city : str or None
        As typed on an imported row.
    gazetteer : Gazetteer
        Postcodes and names (current, former, Monaco's quarters).

    Returns
    -------
    str or None
        None when the postcode is known or the city names exactly one commune.
    """
    if gazetteer.postcode_communes(postcode):
        return None
    named = gazetteer.named(city) if city else []
    if len(named) == 1:
        return None
    unknown = f"code postal {postcode} inconnu ; " if postcode else "pas de code postal ; "
    if not city:
        return unknown + "pas de ville : aucune commune identifiée"
    if named:
        return unknown + f"« {city} » désigne {len(named)} communes : indiquez le code postal"
    return unknown + f"aucune commune ne s’appelle « {city} »"


def found_town(
    result: GeocodeResult, address: NormalizedAddress, *, gazetteer: Gazetteer
) -> str | None:
    """The town to write on an address typed with a postcode and no town, from the commune
    the geocoder placed it in: that commune's name (a city's, for one of its municipal
    arrondissements) when it is one the postcode serves (:func:`typed_commune`); None when
    the address has a town (never replaced) or no postcode.

    Parameters
    ----------
    result : GeocodeResult
        The answer (a confident one: the caller writes only those).
    address : NormalizedAddress
        As typed.
    gazetteer : Gazetteer
        Postcodes and communes.

    Returns
    -------
    str or None
        E.g. ``"Carros"`` for an answer in 06033 to ``5 route de Grenoble, 06510``.
    """
    if address.city or not address.postcode:
        return None
    commune = typed_commune(result, address, gazetteer)
    if commune is None:
        return None
    whole = gazetteer.by_insee.get(commune.parent) if commune.parent else None
    return (whole or commune).name


def postcode_town(postcode: str | None, *, gazetteer: Gazetteer) -> str | None:
    """The commune a postcode serves when it serves one only, by its name; else None.

    A city's municipal arrondissements share its codes (``75001``: Paris and « Paris 1er
    Arrondissement »): the city is the one commune. A code serving several communes
    (``06510``: Carros, Gattières…) names none.

    Parameters
    ----------
    postcode : str or None
        As typed on an imported row.
    gazetteer : Gazetteer
        The communes' postcodes (and Monaco's).

    Returns
    -------
    str or None
        The commune's name (``"Nice"`` for ``"06000"``), or None.
    """
    communes = [c for c in gazetteer.postcode_communes(postcode) if not c.parent]
    return communes[0].name if len(communes) == 1 else None


def postcode_problem(postcode: str, city: str | None, *, gazetteer: Gazetteer) -> str | None:
    """Why no commune has a French postcode (French), or None when one has.

    A CEDEX code is a company's or a sorting office's own, not a commune's, and business files
    often write ``69421 ; LYON`` with the « CEDEX » dropped or moved to an address line: a code
    of a known département passes unless the city names only communes of other départements
    (``06001 LYON``); a distribution name that is no commune (``92081 PARIS LA DEFENSE
    CEDEX``) passes. The geocoder says later what it could place.

    Parameters
    ----------
    postcode : str
        Five digits, as an imported row carries it (``"06000"``).
    city : str or None
        As typed on the row (``"Nice Cedex 1"``).
    gazetteer : Gazetteer
        The communes' postcodes (and Monaco's).

    Returns
    -------
    str or None
        None when a commune (or Monaco) has the code, or for a CEDEX code as above; else
        the reason, naming the code.
    """
    if gazetteer.has_postcode(postcode):
        return None
    areas = gazetteer.postcode_areas(postcode)
    if areas:
        named = gazetteer.named(city) if city else []
        if not named or any(c.area in areas for c in named):
            return None
        return (
            f"code postal {postcode} : la ville « {city} » n’est pas dans son "
            f"département ({', '.join(sorted(areas))})"
        )
    return f"code postal {postcode} inconnu : aucune commune n’a ce code"
