"""Offline gazetteer: postcode + city → the commune's point, with no network.

Built once from the shipped communes CSV (35 014 communes and municipal arrondissements,
COG 2026) and kept in memory. It understands cities as people type them: accents dropped,
``ST``/``STE``, hyphens or spaces, ``CEDEX``, wrong case, ``PARIS 15E`` or
``PARIS`` + ``75015`` for arrondissements, a postcode shared by several communes, a commune
with several postcodes, and small typos. Results always have precision ``"municipality"``.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint, haversine_m
from fieldcrm.geocoding.normalize import city_key, normalize_postcode
from fieldcrm.reloading import FileBacked

__all__ = [
    "COMMUNES_CSV",
    "Commune",
    "CommuneOutlines",
    "Gazetteer",
    "GazetteerMatch",
    "load_gazetteer",
]

COMMUNES_CSV = Path(__file__).resolve().parent.parent / "data" / "communes" / "communes_france.csv"
FORMER_FILES = ("former_names.csv", "former_seats.csv")
FOREIGN_CSV = "foreign_places.csv"

_ARRONDISSEMENT = re.compile(
    r"^(PARIS|LYON|MARSEILLE)\s+(\d{1,2})\s*(?:E|EME|ER|ERE|IEME)?(?:\s+ARRONDISSEMENT)?$"
)
_ARR_BASE = {"PARIS": 75100, "LYON": 69380, "MARSEILLE": 13200}
_ARR_COUNT = {"PARIS": 20, "LYON": 9, "MARSEILLE": 16}


@dataclass(frozen=True)
class Commune:
    """One commune or municipal arrondissement of the communes file."""

    insee: str
    name: str
    key: str
    postcodes: tuple[str, ...]
    department: str
    parent: str
    population: int
    point: GeoPoint
    aliases: tuple[str, ...] = ()  # keys of other names: former communes, quarters
    region: str = ""
    country: str = "FR"

    @property
    def area(self) -> str:
        """Département code in France, else the ISO country code (``"06"``, ``"MC"``)."""
        return self.department if self.country == "FR" else self.country

    @property
    def label(self) -> str:
        """``"06000 Nice (06)"``: how a candidate is shown for review."""
        code = self.postcodes[0] if self.postcodes else ""
        return f"{code} {self.name} ({self.area})".strip()


@dataclass(frozen=True)
class GazetteerMatch:
    """A commune found for a postcode/city pair.

    ``score`` is 1.0 for an exact name within the postcode and lower for guesses (typo,
    postcode only, name only); ``note`` says which rule matched.
    """

    commune: Commune
    postcode: str
    score: float
    note: str

    @property
    def label(self) -> str:
        """``"06000 Nice"``."""
        return f"{self.postcode} {self.commune.name}".strip()


def _unit_vectors(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    lon = np.radians(lons)
    lat = np.radians(lats)
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


class Gazetteer:
    """In-memory index of communes by postcode and by name, plus a KD-tree for reverse lookup.

    Parameters
    ----------
    communes : list of Commune
        Usually from :func:`load_gazetteer`.
    unplaced_postcodes : iterable of str, optional
        Postcodes of communes the file gives no point for (Saint-Barthélemy's ``97133``):
        they exist (:meth:`has_postcode`) though no commune here is found by them.
    """

    def __init__(
        self,
        communes: list[Commune],
        *,
        former_codes: Mapping[str, str] | None = None,
        unplaced_postcodes: Iterable[str] = (),
    ) -> None:
        if not communes:
            raise InvalidInput("communes", "the gazetteer needs at least one commune", value=0)
        self.communes = communes
        self.unplaced_postcodes = frozenset(unplaced_postcodes)
        self.by_insee = {c.insee: c for c in communes}
        self.former_codes = dict(former_codes or {})  # 2018 INSEE code → code now
        self._by_postcode: dict[str, list[Commune]] = defaultdict(list)
        self._by_key: dict[str, list[Commune]] = defaultdict(list)
        self._by_former: dict[str, list[Commune]] = defaultdict(list)
        self._keys_by_department: dict[str, list[str]] = defaultdict(list)
        self._departments_of_prefix: dict[str, set[str]] = defaultdict(set)
        self._children: dict[str, list[Commune]] = defaultdict(list)
        for commune in communes:
            for code in commune.postcodes:
                self._by_postcode[code].append(commune)
                self._departments_of_prefix[code[:2]].add(commune.department)
            self._by_key[commune.key].append(commune)
            for alias in commune.aliases:
                self._by_former[alias].append(commune)
            self._keys_by_department[commune.department].append(commune.key)
            if commune.parent:
                self._children[commune.parent].append(commune)
        self._all_keys = sorted(self._by_key)
        self._by_label = {c.label: c for c in reversed(communes)}  # first of a label wins
        vectors = _unit_vectors(
            np.array([c.point.lon for c in communes]), np.array([c.point.lat for c in communes])
        )
        self._tree = cKDTree(vectors)
        self._cached_lookup = lru_cache(maxsize=65536)(self._lookup)

    def __len__(self) -> int:
        return len(self.communes)

    # ----------------------------------------------------------------- forward
    def lookup(self, postcode: str | None, city: str | None) -> GazetteerMatch | None:
        """Find the commune of a postcode/city pair as typed.

        Parameters
        ----------
        postcode : str or None
            Postcode as typed (``"6000"``, ``"75 015"``).
        city : str or None
            City as typed (``"st etienne cedex 2"``, ``"Paris 15e"``).

        Returns
        -------
        GazetteerMatch or None
            The commune with a score in (0, 1], or None when neither the postcode nor the
            city is known.
        """
        return self._cached_lookup(self.canonical_postcode(postcode), city_key(city))

    def canonical_postcode(self, postcode: str | None) -> str:
        """Five-digit postcode as the index knows it (Monaco's CEDEX ``980NN`` → ``98000``)."""
        code = normalize_postcode(postcode)
        return "98000" if code.startswith("980") and "98000" in self._by_postcode else code

    def postcode_communes(self, postcode: str | None) -> list[Commune]:
        """The communes (and foreign places) a postcode serves."""
        return list(self._by_postcode.get(self.canonical_postcode(postcode), []))

    def has_postcode(self, postcode: str | None) -> bool:
        """True when a commune (or a place abroad) has this postcode, placed or not."""
        code = self.canonical_postcode(postcode)
        return code in self._by_postcode or code in self.unplaced_postcodes

    def postcode_areas(self, postcode: str | None) -> set[str]:
        """Départements (or countries) a postcode belongs to: of the communes it serves, else of
        its first two digits; empty when unknown."""
        code = self.canonical_postcode(postcode)
        communes = self._by_postcode.get(code)
        if communes:
            return {c.area for c in communes}
        return set(self._departments_of_prefix.get(code[:2], set())) if code else set()

    def named(self, city: str | None) -> list[Commune]:
        """Every commune (or foreign place) with this name, now or as a former name/quarter."""
        key = city_key(city)
        found = self._by_key.get(key, []) + self._by_former.get(key, [])
        return list({c.insee: c for c in found}.values())

    def bears_name(self, commune: Commune, city: str | None) -> bool:
        """True when ``city`` names ``commune`` (current or former name, quarter, or the city
        of an arrondissement) rather than only resembling it."""
        key = city_key(city)
        if key in (commune.key, *commune.aliases) or self._arrondissement(key) == commune:
            return True
        parent = self.by_insee.get(commune.parent) if commune.parent else None
        return parent is not None and key in (parent.key, *parent.aliases)

    def close_names(self, city: str | None, *, n: int = 3) -> list[Commune]:
        """Communes whose name is closest to ``city`` (largest first among equals)."""
        key = city_key(city)
        pool = [k for k in self._all_keys if k[:1] == key[:1]]
        close = difflib.get_close_matches(key, pool, n=n, cutoff=0.7)
        return [self._most_populous(self._by_key[k], "") for k in close]

    def by_label(self, label: str) -> Commune | None:
        """The commune (or place abroad) shown as ``label`` (:attr:`Commune.label`), or None."""
        return self._by_label.get(label)

    def search_area(self, commune: Commune, postcode: str | None) -> list[list[str]]:
        """Where to look for a street of this commune: INSEE codes in tiers, nearest first.

        Parameters
        ----------
        commune : Commune
            The commune found for the address.
        postcode : str or None
            The postcode typed.

        Returns
        -------
        list of list of str
            First the commune (with its arrondissements, for Paris, Lyon and Marseille) and
            the other French communes its postcode serves; then, for an arrondissement, the
            city's other arrondissements (a street typed with a neighbouring postcode).
        """
        first = [commune.insee, *(c.insee for c in self._children.get(commune.insee, []))]
        first += [c.insee for c in self.postcode_communes(postcode) if c.country == "FR"]
        second: list[str] = []
        if commune.parent:
            second = [c.insee for c in self._children.get(commune.parent, [])]
        tiers = [list(dict.fromkeys(first))]
        rest = [code for code in dict.fromkeys(second) if code not in tiers[0]]
        return [*tiers, rest] if rest else tiers

    def commune_of(self, insee: str) -> Commune | None:
        """The commune of an INSEE code, today's or a 2018 one since merged."""
        return self.by_insee.get(insee) or self.by_insee.get(self.former_codes.get(insee, ""))

    def _lookup(self, code: str, key: str) -> GazetteerMatch | None:
        arrondissement = self._arrondissement(key)
        if arrondissement is not None:
            pc = code if code in arrondissement.postcodes else arrondissement.postcodes[0]
            return GazetteerMatch(arrondissement, pc, 1.0, "arrondissement")
        candidates = self._by_postcode.get(code, [])
        if not key:
            if not candidates:
                return None
            best = self._most_populous(candidates, code)
            score = 0.9 if len(candidates) == 1 else 0.6
            return GazetteerMatch(best, code, score, "postcode only")
        exact = [c for c in candidates if c.key == key]
        if exact:
            return GazetteerMatch(self._refine(exact[0], code), code, 1.0, "postcode and name")
        former = [c for c in candidates if key in c.aliases]
        if former:
            return GazetteerMatch(former[0], code, 0.95, "postcode and former name")
        if candidates:
            scored = [(self._similarity(key, c.key), c) for c in candidates]
            ratio, best = max(scored, key=lambda item: (item[0], item[1].population))
            if ratio >= 0.75:
                return GazetteerMatch(
                    self._refine(best, code), code, round(0.5 + 0.4 * ratio, 3), "close name"
                )
        departments = self._departments_of_prefix.get(code[:2], set()) if code else set()
        named = self._by_key.get(key) or self._by_former.get(key, [])
        in_department = [c for c in named if c.department in departments]
        if in_department:
            best = self._most_populous(in_department, "")
            return GazetteerMatch(best, best.postcodes[0], 0.8, "name in postcode's département")
        if named and not candidates:
            best = self._most_populous(named, "")
            score = 0.7 if len(named) == 1 else 0.5
            return GazetteerMatch(best, best.postcodes[0], score, "name only")
        fuzzy = self._fuzzy_name(key, departments)
        if fuzzy is not None:
            return GazetteerMatch(fuzzy, fuzzy.postcodes[0], 0.6, "close name in département")
        if candidates:
            best = self._most_populous(candidates, code)
            return GazetteerMatch(best, code, 0.4, "postcode only, city not recognised")
        if named:
            best = self._most_populous(named, "")
            return GazetteerMatch(best, best.postcodes[0], 0.4, "name only, postcode unknown")
        return None

    def _arrondissement(self, key: str) -> Commune | None:
        match = _ARRONDISSEMENT.match(key)
        if not match:
            return None
        city, number = match.group(1), int(match.group(2))
        if not 1 <= number <= _ARR_COUNT[city]:
            return None
        return self.by_insee.get(str(_ARR_BASE[city] + number))

    def _refine(self, commune: Commune, code: str) -> Commune:
        """Paris/Lyon/Marseille + a postcode → the arrondissement of that postcode."""
        for child in self._children.get(commune.insee, []):
            if code in child.postcodes:
                return child
        return commune

    def _most_populous(self, communes: list[Commune], code: str) -> Commune:
        best = max(communes, key=lambda c: c.population)
        return self._refine(best, code) if code else best

    @staticmethod
    def _similarity(key: str, other: str) -> float:
        if other.startswith(key + " ") or key.startswith(other + " "):
            return 0.85
        if key.replace(" ", "") == other.replace(" ", ""):
            return 0.98
        return difflib.SequenceMatcher(None, key, other, autojunk=False).ratio()

    def _fuzzy_name(self, key: str, departments: set[str]) -> Commune | None:
        if departments:
            pool = [k for d in departments for k in self._keys_by_department[d]]
        else:
            pool = [k for k in self._all_keys if k[:1] == key[:1]]
        close = difflib.get_close_matches(key, pool, n=1, cutoff=0.8)
        if not close:
            return None
        named = self._by_key[close[0]]
        in_department = [c for c in named if not departments or c.department in departments]
        return self._most_populous(in_department or named, "")

    # ----------------------------------------------------------------- reverse
    def nearest(
        self, point: GeoPoint, *, outlines: CommuneOutlines | None = None
    ) -> tuple[Commune, float]:
        """The commune of ``point``, and the distance in metres to its centre.

        Parameters
        ----------
        point : GeoPoint
            Any point.
        outlines : CommuneOutlines, optional
            Commune polygons: where one contains the point, that commune is the answer
            (a municipal arrondissement: the one whose centre is nearest).

        Returns
        -------
        tuple of (Commune, float)
            The containing commune when outlines cover the point, else the commune whose
            centre is nearest (arrondissements preferred over their parent city); and the
            great-circle distance to its centre.
        """
        code = outlines.containing(point) if outlines is not None else None
        found = self.by_insee.get(self.former_codes.get(code, code)) if code else None
        if found is not None:
            children = self._children.get(found.insee)
            if children:
                found = min(children, key=lambda c: haversine_m(c.point, point))
            return found, haversine_m(found.point, point)
        vector = _unit_vectors(np.array([point.lon]), np.array([point.lat]))
        chord, index = self._tree.query(vector[0], k=2)
        picks = [self.communes[int(i)] for i in np.atleast_1d(index)]
        chords = [float(c) for c in np.atleast_1d(chord)]
        for commune, distance in zip(picks, chords, strict=True):
            if not self._children.get(commune.insee):
                return commune, 2 * 6_371_008.8 * math.asin(min(1.0, distance / 2))
        return picks[0], 2 * 6_371_008.8 * math.asin(min(1.0, chords[0] / 2))


class CommuneOutlines:
    """Commune polygons (WGS84) by INSEE code, searchable by point.

    Parameters
    ----------
    outlines : mapping of str to shapely geometry
        E.g. the shipped outlines of :func:`fieldcrm.territories.admin_units.load_boundaries`.
    """

    def __init__(self, outlines: Mapping[str, BaseGeometry]) -> None:
        self.codes = list(outlines)
        self._geoms = [outlines[c] for c in self.codes]
        self._tree = STRtree(self._geoms)

    def containing(self, point: GeoPoint) -> str | None:
        """INSEE code of the polygon that covers ``point``, or None."""
        hits = self._tree.query(Point(point.lon, point.lat), predicate="intersects")
        return self.codes[int(min(hits))] if len(hits) else None


def _read_former_names(*paths: Path) -> tuple[dict[str, list[str]], dict[str, str]]:
    """From ``former_names.csv`` and ``former_seats.csv``: INSEE code → keys of the former
    names of its territory, and 2018 code → code now."""
    names: dict[str, list[str]] = defaultdict(list)
    codes: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                names[row["code_insee"]].append(city_key(row["nom_ancien"]))
                if row["code_insee_2018"] != row["code_insee"]:
                    codes[row["code_insee_2018"]] = row["code_insee"]
    return names, codes


def _read_foreign(path: Path) -> list[Commune]:
    """Places abroad people write as a French city (Monaco, with its quarters as aliases)."""
    if not path.exists():
        return []
    places: list[Commune] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            country = row["country"]
            places.append(
                Commune(
                    insee=row["code"],
                    name=row["nom"],
                    key=city_key(row["nom"]),
                    postcodes=tuple(p for p in row["codes_postaux"].split("|") if p),
                    department=country,
                    parent="",
                    population=0,
                    point=GeoPoint(float(row["longitude"]), float(row["latitude"])),
                    aliases=tuple(city_key(q) for q in row["quartiers"].split("|") if q),
                    region=country,
                    country=country,
                )
            )
    return places


def _read_communes(
    path: Path, former: Mapping[str, list[str]], unplaced: set[str] | None = None
) -> list[Commune]:
    """The communes of the file that have a point; the postcodes of the others go to
    ``unplaced``."""
    communes: list[Commune] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row["latitude"] or not row["longitude"]:
                if unplaced is not None:
                    unplaced.update(p for p in row["codes_postaux"].split("|") if p)
                continue
            communes.append(
                Commune(
                    insee=row["code_insee"],
                    name=row["nom"],
                    key=city_key(row["nom"]),
                    postcodes=tuple(p for p in row["codes_postaux"].split("|") if p),
                    department=row["code_departement"],
                    parent=row["commune_parent"] or "",
                    population=int(row["population"] or 0),
                    point=GeoPoint(float(row["longitude"]), float(row["latitude"])),
                    aliases=tuple(former.get(row["code_insee"], ())),
                    region=row.get("code_region") or "",
                )
            )
    return communes


_GAZETTEERS: dict[Path, FileBacked[Gazetteer]] = {}
_GAZETTEERS_LOCK = threading.Lock()


def gazetteer_files(path: Path = COMMUNES_CSV) -> tuple[Path, ...]:
    """The files a gazetteer is built from: the communes CSV and the optional files beside it."""
    return (path, *(path.parent / f for f in FORMER_FILES), path.parent / FOREIGN_CSV)


def gazetteer_cache(path: Path = COMMUNES_CSV) -> FileBacked[Gazetteer]:
    """This process's copy of the gazetteer of ``path``, rebuilt when one of its files changes
    (each app server notices a replaced file on its own, within seconds)."""
    key = path.resolve()
    with _GAZETTEERS_LOCK:
        if key not in _GAZETTEERS:
            _GAZETTEERS[key] = FileBacked(
                lambda: _build_gazetteer(key), lambda: gazetteer_files(key)
            )
        return _GAZETTEERS[key]


def load_gazetteer(path: Path = COMMUNES_CSV) -> Gazetteer:
    """The gazetteer of a communes CSV, built once per process and rebuilt when its files
    change (see :func:`gazetteer_cache`).

    Parameters
    ----------
    path : Path
        As for :func:`_build_gazetteer`.

    Returns
    -------
    Gazetteer
        The shared in-memory index.
    """
    return gazetteer_cache(path).get()


def _build_gazetteer(path: Path) -> Gazetteer:
    """The gazetteer built from a communes CSV (and the files beside it).

    Parameters
    ----------
    path : Path
        Communes CSV (columns ``code_insee, nom, type, commune_parent, code_departement,
        codes_postaux, population, latitude, longitude``); defaults to the shipped file.
        A ``former_names.csv`` and a ``former_seats.csv`` beside it (``nom_ancien,
        code_insee_2018, code_insee``) add the names of communes merged since 2018; a
        ``foreign_places.csv`` adds places abroad with their own country (Monaco).

    Returns
    -------
    Gazetteer
        The shared in-memory index.
    """
    former_names, former_codes = _read_former_names(*(path.parent / f for f in FORMER_FILES))
    unplaced: set[str] = set()
    communes = _read_communes(path, former_names, unplaced)
    communes += _read_foreign(path.parent / FOREIGN_CSV)
    return Gazetteer(communes, former_codes=former_codes, unplaced_postcodes=unplaced)
