"""House numbers of the Base Adresse Nationale (BAN), matched offline.

The BAN export of a département lists every house number with its point, street name and
commune. Loaded in the database (``fieldcrm geocode load-ban``), it lets the offline provider
place an address at its door rather than at its commune's centre. This module is the pure
part of that: street keys (case, accents, street-type and title abbreviations, articles),
house-number parsing (``12``, ``12 BIS``, ``12B``, ``12 TER``, ``12A``), the choice of a street
among a commune's (exact key, else a close one), and of a number on it (exact, else the same
number with another suffix, else interpolated between its neighbours on the same side, else
the nearest). The database is read through an :class:`AddressSource`, once per batch
(:meth:`AddressBook.prefetch`); look-ups are then served from memory.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.model import GeocodeResult
from fieldcrm.geocoding.normalize import STREET_TYPES, WORDS, canonical

__all__ = [
    "AddressBook",
    "AddressSource",
    "BanMatch",
    "HouseNumber",
    "NumberPick",
    "Street",
    "parse_housenumber",
    "pick_number",
    "street_key",
    "suffix_key",
]

PROVIDER = "offline-ban"
"""Who answered, as stored on the account: the offline provider, from the BAN file."""

FUZZY_CUTOFF = 0.85
"""Least similarity of street keys for a street that is not an exact match."""

# Words expanded anywhere in a street name (street types only in the street-type slot, so
# "Rue Ch de Gaulle" keeps its CH): titles, plus "faubourg" inside a name.
_ANYWHERE = {**WORDS, "FBG": "FAUBOURG", "FG": "FAUBOURG", "FAUB": "FAUBOURG"}
_ARTICLES = frozenset({"DE", "DU", "DES", "D", "L", "LA", "LE", "LES", "AU", "AUX", "ET"})
_TYPE_WORDS = frozenset(STREET_TYPES.values()) | {
    "RUE",
    "AVENUE",
    "BOULEVARD",
    "PLACE",
    "QUAI",
    "VILLA",
    "CITE",
    "SQUARE",
    "PASSAGE",
    "IMPASSE",
    "ALLEE",
    "CHEMIN",
    "ROUTE",
}
_SUFFIXES = {
    "B": "B",
    "BIS": "B",
    "T": "T",
    "TER": "T",
    "Q": "Q",
    "QUATER": "Q",
    "C": "C",
    "QUINQUIES": "C",
}
_SUFFIX_WORDS = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}
_NUMBER = re.compile(r"^\s*(\d{1,5})\s*([A-Z]*)\s*$")


@lru_cache(maxsize=200_000)
def street_key(name: str) -> str:
    """Key of a street name for matching: as typed or as the BAN spells it, the same street
    gives the same key.

    Parameters
    ----------
    name : str
        ``"Rue du Faubourg Saint-Honoré"``, ``"r. du fbg St Honore"``, ``"RUE DU FG ST-HONORE"``.

    Returns
    -------
    str
        ``"RUE FAUBOURG SAINT HONORE"``: upper case, no accents nor punctuation, the street
        type (first word) and titles expanded, articles (de, du, la, l'...) dropped.
    """
    words = canonical(name).split()
    if not words:
        return ""
    if words[0] in STREET_TYPES:
        words = [*STREET_TYPES[words[0]].split(), *words[1:]]
    expanded = " ".join(_ANYWHERE.get(w, w) for w in words).split()
    kept = [w for w in expanded if w not in _ARTICLES]
    return " ".join(kept or expanded)


@lru_cache(maxsize=1024)
def suffix_key(suffix: str | None) -> str:
    """Canonical suffix of a house number: ``"bis"``/``"b"`` → ``"B"``, ``"ter"`` → ``"T"``,
    ``"quater"`` → ``"Q"``, a letter as itself (``"a"`` → ``"A"``); ``""`` for none."""
    plain = canonical(suffix).replace(" ", "")
    return _SUFFIXES.get(plain, plain)


def parse_housenumber(text: str | None) -> tuple[int, str] | None:
    """Number and canonical suffix of a house number as the normaliser writes it.

    Parameters
    ----------
    text : str or None
        ``"12"``, ``"12 BIS"``, ``"12B"``, ``"7 TER"``, ``"3 A"``.

    Returns
    -------
    tuple of (int, str) or None
        ``(12, "")``, ``(12, "B")``, ``(12, "B")``, ``(7, "T")``, ``(3, "A")``; None when
        there is no number.
    """
    match = _NUMBER.match(canonical(text))
    if not match:
        return None
    return int(match.group(1)), suffix_key(match.group(2))


def _show(number: int, suffix: str) -> str:
    """``12 bis``, ``3 A``: a house number as people read it."""
    if not suffix:
        return str(number)
    return f"{number} {_SUFFIX_WORDS.get(suffix, suffix)}"


@dataclass(frozen=True)
class Street:
    """One street of one commune (and postcode) in the BAN."""

    id: int
    citycode: str
    postcode: str
    name: str
    commune: str
    key: str


@dataclass(frozen=True)
class HouseNumber:
    """One BAN address: a number (with its canonical suffix) on a street, and its position
    (WGS84; checked as a :class:`~fieldcrm.geo.GeoPoint` only when used)."""

    street_id: int
    number: int
    suffix: str
    lon: float
    lat: float

    @property
    def point(self) -> GeoPoint:
        """The position as a checked point."""
        return GeoPoint(self.lon, self.lat)


@dataclass(frozen=True)
class NumberPick:
    """Where a number is on its street: the point, what it stands for, why.

    ``precision`` is ``"housenumber"`` for the number itself (with or without the suffix
    asked) and ``"street"`` when it was interpolated or only a neighbour is known; ``factor``
    scales the street's score; ``note`` says what was done (French, for the label).
    """

    point: GeoPoint
    precision: str
    factor: float
    shown: str
    note: str = ""


def _between(a: HouseNumber, b: HouseNumber, number: int) -> GeoPoint:
    t = (number - a.number) / (b.number - a.number)
    return GeoPoint(a.lon + t * (b.lon - a.lon), a.lat + t * (b.lat - a.lat))


def _order(n: HouseNumber) -> tuple[int, str]:
    return (n.number, n.suffix)


def pick_number(
    numbers: Sequence[HouseNumber], wanted: tuple[int, str] | None, *, ordered: bool = False
) -> NumberPick | None:
    """The point of a house number on a street, from the street's known numbers.

    Parameters
    ----------
    numbers : sequence of HouseNumber
        Every BAN address of the street.
    wanted : tuple of (int, str) or None
        Number and canonical suffix (:func:`parse_housenumber`); None for the street itself.
    ordered : bool
        The numbers are already sorted by number then suffix (as an :class:`AddressBook`
        keeps them): the exact number is then found by bisection.

    Returns
    -------
    NumberPick or None
        None when the street has no number. Otherwise, in this order: the exact number
        (precision ``"housenumber"``); the same number with another suffix or none
        (``"housenumber"``, ``12 bis`` asked and only ``12`` known, or the reverse); the
        number interpolated between the nearest known numbers on the same side, even or odd
        (``"street"``); the nearest number, on the same side when there is one (``"street"``).
        Without a number: the middle number of the street (``"street"``).
    """
    if not numbers:
        return None
    if not ordered:
        numbers = sorted(numbers, key=_order)
    if wanted is None:
        middle = numbers[len(numbers) // 2]
        return NumberPick(middle.point, "street", 1.0, "")
    number, suffix = wanted
    first = bisect.bisect_left(numbers, (number, ""), key=_order)
    last = bisect.bisect_left(numbers, (number + 1, ""), key=_order)
    same = numbers[first:last]
    for n in same:
        if n.suffix == suffix:
            return NumberPick(n.point, "housenumber", 1.0, _show(number, suffix))
    if same:
        n = same[0]  # the bare number first, else the first suffix
        note = f"n° {_show(number, suffix)} inconnu : {_show(n.number, n.suffix)} retenu"
        return NumberPick(n.point, "housenumber", 0.95, _show(n.number, n.suffix), note)
    bare = [n for n in numbers if not n.suffix] or list(numbers)
    side = [n for n in bare if n.number % 2 == number % 2]
    lower = [n for n in side if n.number < number]
    upper = [n for n in side if n.number > number]
    asked = _show(number, suffix)
    if lower and upper:
        a, b = lower[-1], upper[0]
        note = f"n° {asked} absent : interpolé entre le {a.number} et le {b.number}"
        return NumberPick(_between(a, b, number), "street", 0.9, asked, note)
    pool = side or bare
    nearest = min(pool, key=lambda n: (abs(n.number - number), n.number))
    where = "" if side else " (autre côté)"
    note = f"n° {asked} absent : placé au {nearest.number}{where}"
    return NumberPick(nearest.point, "street", 0.85, str(nearest.number), note)


@dataclass(frozen=True)
class BanMatch:
    """A street found for an address, and how well its key matched (1.0: the same key)."""

    street: Street
    similarity: float


class AddressSource(Protocol):
    """Where BAN streets and numbers are read (the database, in practice)."""

    def streets(self, citycodes: Sequence[str]) -> list[Street]:
        """Every street of these communes."""
        ...

    def numbers(self, street_ids: Sequence[int]) -> list[HouseNumber]:
        """Every house number of these streets."""
        ...


@dataclass
class _Commune:
    """The streets of one commune, by key and by word (for close keys)."""

    by_key: dict[str, list[Street]] = field(default_factory=lambda: defaultdict(list))
    by_word: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def _significant(key: str) -> list[str]:
    """What finds a street whose key is close: the first four letters of its name's words
    (street types and single letters aside), so a typo further on still finds it."""
    return [w[:4] for w in key.split() if w not in _TYPE_WORDS and len(w) > 1]


class AddressBook:
    """BAN streets and numbers kept in memory, by commune and street, for a run.

    The oldest communes and streets are dropped once the limits are passed, so a batch run
    over the whole country stays within memory.

    Parameters
    ----------
    max_streets : int
        Streets kept at most (commune by commune).
    max_numbers : int
        House numbers kept at most (street by street).
    """

    def __init__(self, *, max_streets: int = 400_000, max_numbers: int = 2_000_000) -> None:
        self.max_streets = max_streets
        self.max_numbers = max_numbers
        self._communes: OrderedDict[str, _Commune] = OrderedDict()
        self._by_key: dict[str, list[Street]] = defaultdict(list)  # all communes in memory
        self._street_count = 0
        self._streets_of: dict[str, int] = {}
        self._numbers: OrderedDict[int, list[HouseNumber]] = OrderedDict()
        self._number_count = 0

    # ------------------------------------------------------------------ filling
    def knows(self, citycode: str) -> bool:
        """True when the streets of ``citycode`` are in memory (perhaps none)."""
        return citycode in self._communes

    def add_streets(self, citycodes: Iterable[str], streets: Iterable[Street]) -> None:
        """Keep the streets read for ``citycodes`` (a commune with none is remembered too)."""
        fresh: dict[str, _Commune] = {code: _Commune() for code in citycodes}
        counts: dict[str, int] = defaultdict(int)
        for street in streets:
            commune = fresh.setdefault(street.citycode, _Commune())
            commune.by_key[street.key].append(street)
            for word in _significant(street.key):
                commune.by_word[word].add(street.key)
            counts[street.citycode] += 1
        for code, commune in fresh.items():
            if code in self._communes:
                self._forget(code)
            for key, streets_of_key in commune.by_key.items():
                self._by_key[key].extend(streets_of_key)
            self._communes[code] = commune
            self._communes.move_to_end(code)
            self._streets_of[code] = counts[code]
            self._street_count += counts[code]
        while self._street_count > self.max_streets and len(self._communes) > len(fresh):
            self._forget(next(iter(self._communes)))

    def _forget(self, code: str) -> None:
        """Drop a commune's streets from memory."""
        commune = self._communes.pop(code)
        for key in commune.by_key:
            kept = [s for s in self._by_key[key] if s.citycode != code]
            if kept:
                self._by_key[key] = kept
            else:
                del self._by_key[key]
        self._street_count -= self._streets_of.pop(code, 0)

    def has_numbers(self, street_id: int) -> bool:
        """True when the numbers of ``street_id`` are in memory."""
        return street_id in self._numbers

    def add_numbers(self, street_ids: Iterable[int], numbers: Iterable[HouseNumber]) -> None:
        """Keep the numbers read for ``street_ids``."""
        fresh: dict[int, list[HouseNumber]] = {i: [] for i in street_ids}
        for n in numbers:
            fresh.setdefault(n.street_id, []).append(n)
        for street_id, found in fresh.items():
            found.sort(key=lambda n: (n.number, n.suffix))
            old = self._numbers.pop(street_id, None)
            self._number_count -= len(old) if old is not None else 0
            self._numbers[street_id] = found
            self._number_count += len(found)
        while self._number_count > self.max_numbers and len(self._numbers) > len(fresh):
            _, dropped = self._numbers.popitem(last=False)
            self._number_count -= len(dropped)

    def prefetch(
        self, wanted: Iterable[tuple[str, Sequence[Sequence[str]]]], source: AddressSource
    ) -> None:
        """Read what a batch needs, in two queries at most: the streets of the communes not
        in memory, then the numbers of the streets the batch's addresses match.

        Parameters
        ----------
        wanted : iterable of (str, sequence of sequence of str)
            Street name (normalised) and the INSEE codes of the communes to search, in tiers
            (as :meth:`locate_in` searches them), per address.
        source : AddressSource
            The database.
        """
        pairs = list(wanted)
        communes = sorted(
            {c for _, tiers in pairs for tier in tiers for c in tier if not self.knows(c)}
        )
        if communes:
            self.add_streets(communes, source.streets(communes))
        streets: set[int] = set()
        for street, tiers in pairs:
            streets.update(m.street.id for m in self._first_tier(street, tiers)[1])
        missing = sorted(i for i in streets if not self.has_numbers(i))
        if missing:
            self.add_numbers(missing, source.numbers(missing))

    # ------------------------------------------------------------------ looking up
    def find_streets(self, street: str, citycodes: Sequence[str]) -> list[BanMatch]:
        """Streets of these communes whose key is the street's, else close to it.

        Parameters
        ----------
        street : str
            A street name, typed or normalised (``"AV DU GAL LECLERC"``).
        citycodes : sequence of str
            Communes to search (already read).

        Returns
        -------
        list of BanMatch
            The exact key's streets (similarity 1.0), else the closest key's at
            :data:`FUZZY_CUTOFF` or more (its score falls three times as fast as the
            similarity: 0.95 → 0.85, 0.85 → 0.55, below the review threshold); empty when
            none.
        """
        key = street_key(street)
        if not key:
            return []
        wanted = set(citycodes)
        exact = [BanMatch(s, 1.0) for s in self._by_key.get(key, ()) if s.citycode in wanted]
        if exact:
            return exact
        communes = [self._communes[c] for c in citycodes if c in self._communes]
        words = _significant(key)
        pool = {k for c in communes for w in words for k in c.by_word.get(w, ())}
        if not pool:
            return []
        best, ratio = "", 0.0
        for other in sorted(pool):
            r = difflib.SequenceMatcher(None, key, other, autojunk=False).ratio()
            if r > ratio:
                best, ratio = other, r
        if ratio < FUZZY_CUTOFF:
            return []
        return [BanMatch(s, round(ratio, 3)) for c in communes for s in c.by_key.get(best, ())]

    def _first_tier(
        self, street: str, tiers: Sequence[Sequence[str]]
    ) -> tuple[Sequence[str], list[BanMatch]]:
        """The first tier where the street is found, and its matches (none: empty)."""
        for tier in tiers:
            found = self.find_streets(street, tier)
            if found:
                return tier, found
        return (), []

    def locate_in(
        self,
        street: str,
        housenumber: str,
        tiers: Sequence[Sequence[str]],
        *,
        postcode: str = "",
    ) -> GeocodeResult | None:
        """:meth:`locate` in the first tier of communes where the street is found (a farther
        tier only when the nearer ones have no such street)."""
        tier, found = self._first_tier(street, tiers)
        if not found:
            return None
        return self.locate(street, housenumber, tier, postcode=postcode)

    def numbers(self, street_id: int) -> list[HouseNumber]:
        """House numbers of a street in memory (empty when unknown)."""
        return self._numbers.get(street_id, [])

    def locate(
        self,
        street: str,
        housenumber: str,
        citycodes: Sequence[str],
        *,
        postcode: str = "",
    ) -> GeocodeResult | None:
        """The address's BAN point, or None when its street is not in these communes.

        Parameters
        ----------
        street : str
            Street name (normalised).
        housenumber : str
            ``"12"``, ``"12 BIS"`` or ``""``.
        citycodes : sequence of str
            Communes to search, most likely first.
        postcode : str
            The postcode typed: among streets of the same name (a long street over several
            arrondissements), those of this postcode are preferred.

        Returns
        -------
        GeocodeResult or None
            Precision ``"housenumber"`` at the number (or the same number with another
            suffix), ``"street"`` interpolated or at the nearest number (said in the label),
            or at the street's middle number when no number was given; score = street key
            similarity × how close the number is.
        """
        wanted = parse_housenumber(housenumber) if housenumber else None
        rank = {code: i for i, code in enumerate(citycodes)}
        best: tuple[tuple[float, ...], BanMatch, NumberPick] | None = None
        for found in self.find_streets(street, citycodes):
            pick = pick_number(self.numbers(found.street.id), wanted, ordered=True)
            if pick is None:
                continue
            order = (
                float(pick.precision == "housenumber"),
                pick.factor,
                float(found.street.postcode == postcode),
                -float(rank.get(found.street.citycode, len(rank))),
            )
            if best is None or order > best[0]:
                best = (order, found, pick)
        if best is None:
            return None
        _, found, pick = best
        s = found.street
        place = f"{s.name} {s.postcode} {s.commune}".strip()
        label = f"{pick.shown} {place}" if pick.shown and not pick.note else place
        if pick.note:
            label = f"{place} — {pick.note}"
        return GeocodeResult(
            provider=PROVIDER,
            point=pick.point,
            precision="housenumber" if pick.precision == "housenumber" else "street",
            score=round(max(0.0, 1.0 - 3.0 * (1.0 - found.similarity)) * pick.factor, 3),
            label=label,
            citycode=s.citycode,
            postcode=s.postcode,
        )

    def __len__(self) -> int:
        return self._street_count
