"""Paris addresses of the Base Adresse Nationale, typed the way people type them, and a
BAN-format search served from those addresses (for the loopback provider path).

The search is a simple stand-in for BAN's engine (addok): house number + postcode + street
words by Jaccard overlap; it does not expand abbreviations, so what it finds depends on
fieldcrm's normalisation of the query, which is the point of the measure.
"""

from __future__ import annotations

import csv
import gzip
import random
import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.geocoding.loopback import Reply, ban_collection, ban_feature

FULL_FILE = Path("/work/shared/data/addresses/ban-adresses-75-paris.csv.gz")
SAMPLE_FILE = Path(__file__).resolve().parent.parent / "data" / "geocoding" / "ban_paris_sample.csv"
COLUMNS = ("numero", "rep", "nom_voie", "code_postal", "code_insee", "lon", "lat")


@dataclass(frozen=True)
class BanAddress:
    numero: str
    rep: str
    nom_voie: str
    code_postal: str
    code_insee: str
    lon: float
    lat: float


def read_addresses(path: Path) -> list[BanAddress]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:  # type: ignore[operator]
        return [
            BanAddress(
                r["numero"],
                r["rep"],
                r["nom_voie"],
                r["code_postal"],
                r["code_insee"],
                float(r["lon"]),
                float(r["lat"]),
            )
            for r in csv.DictReader(handle, delimiter=";")
        ]


def write_sample(addresses: list[BanAddress], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(COLUMNS)
        for a in addresses:
            writer.writerow(
                [a.numero, a.rep, a.nom_voie, a.code_postal, a.code_insee, a.lon, a.lat]
            )


# ------------------------------------------------------------------ typed like people type
_ABBREVIATIONS = [
    ("Boulevard ", ["bd ", "Bd ", "BD ", "boulevard ", "Bld "]),
    ("Avenue ", ["av. ", "Av ", "AV ", "avenue ", "Ave "]),
    ("Rue ", ["r. ", "rue ", "RUE ", "Rue "]),
    ("Place ", ["pl. ", "Pl ", "place "]),
    ("Faubourg ", ["fbg ", "Fg ", "faubourg "]),
    ("Impasse ", ["imp. ", "Imp "]),
    ("Saint-", ["St-", "St ", "saint "]),
    ("Sainte-", ["Ste-", "Ste "]),
    ("Général ", ["Gal ", "Gén. ", "general "]),
    ("Maréchal ", ["Mal ", "Marechal "]),
]
_REP = {"b": ["bis", "B", " b", "BIS"], "t": ["ter", "T"], "q": ["quater"]}


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typed(a: BanAddress, rng: random.Random) -> tuple[str, str, str]:
    """(line1, postcode, city) as a person might type this address."""
    street = a.nom_voie
    for full, shorts in _ABBREVIATIONS:
        if full in street and rng.random() < 0.6:
            street = street.replace(full, rng.choice(shorts), 1)
    if rng.random() < 0.5:
        street = _ascii(street)
    street = rng.choice([street, street.lower(), street.upper(), street])
    number = a.numero
    if a.rep:
        number += rng.choice(_REP.get(a.rep, [a.rep]))
    line1 = f"{number}{rng.choice([' ', ', ', ' '])}{street}"
    arrondissement = int(a.code_insee[-2:])
    city = rng.choice(
        [
            "Paris",
            "PARIS",
            "paris",
            f"Paris {arrondissement}e",
            f"PARIS CEDEX {arrondissement}",
            "Paris",
        ]
    )
    postcode = a.code_postal if rng.random() < 0.85 else ""
    return line1, postcode, city


# ------------------------------------------------------------------ BAN-format search
def _plain(text: str) -> list[str]:
    return re.sub(r"[^A-Z0-9]+", " ", _ascii(text).upper()).split()


_CITY_WORDS = {"PARIS", "CEDEX", "ARRONDISSEMENT"}


class BanIndex:
    """Streets and house numbers of a set of BAN addresses, searchable by a free-text query."""

    def __init__(self, addresses: Iterable[BanAddress]) -> None:
        self.streets: dict[tuple[str, str], dict[str, BanAddress]] = defaultdict(dict)
        self.words: dict[tuple[str, str], frozenset[str]] = {}
        self.by_word: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for a in addresses:
            key = (a.nom_voie, a.code_postal)
            self.streets[key][(a.numero + a.rep).upper()] = a
            if key not in self.words:
                words = frozenset(_plain(a.nom_voie))
                self.words[key] = words
                for word in words:
                    self.by_word[word].add(key)

    def search(self, q: str) -> dict[str, Any] | None:
        tokens = _plain(q)
        number = rep = postcode = ""
        if tokens and tokens[0].isdigit():
            number = tokens.pop(0)
            if tokens and tokens[0] in ("BIS", "TER", "QUATER", "B", "T", "Q"):
                rep = tokens.pop(0)[0]
        street_words: list[str] = []
        for token in tokens:
            if re.fullmatch(r"\d{5}", token):
                postcode = token
                break
            if token in _CITY_WORDS:
                break
            street_words.append(token)
        query = frozenset(street_words)
        if not query:
            return None
        candidates = {k for w in query for k in self.by_word.get(w, ())}
        if postcode:
            candidates = {k for k in candidates if k[1] == postcode} or candidates
        best, best_sim = None, 0.0
        for key in sorted(candidates):  # deterministic tie-break
            words = self.words[key]
            sim = len(query & words) / len(query | words)
            if sim > best_sim:
                best, best_sim = key, sim
        if best is None or best_sim < 0.5:
            return None
        numbers = self.streets[best]
        hit = numbers.get((number + rep).upper()) or numbers.get(number.upper())
        if hit is not None:
            return ban_feature(
                hit.lon,
                hit.lat,
                kind="housenumber",
                score=round(0.5 + 0.5 * best_sim, 3),
                label=f"{hit.numero}{hit.rep} {hit.nom_voie} {hit.code_postal} Paris",
                citycode=hit.code_insee,
                postcode=hit.code_postal,
                city="Paris",
            )
        any_one = next(iter(numbers.values()))
        lon = statistics.fmean(a.lon for a in numbers.values())
        lat = statistics.fmean(a.lat for a in numbers.values())
        return ban_feature(
            lon,
            lat,
            kind="street",
            score=round(0.4 + 0.5 * best_sim, 3),
            label=f"{any_one.nom_voie} {any_one.code_postal} Paris",
            citycode=any_one.code_insee,
            postcode=any_one.code_postal,
            city="Paris",
        )

    def responder(self, path: str, query: dict[str, str]) -> Reply:
        feature = self.search(query.get("q", "")) if path.startswith("/search") else None
        return Reply(200, ban_collection(feature) if feature else ban_collection())


def sample(addresses: list[BanAddress], n: int, seed: int) -> list[BanAddress]:
    return random.Random(seed).sample(addresses, n)


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
