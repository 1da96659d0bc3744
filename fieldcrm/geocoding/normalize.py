"""French postal address normalisation: one canonical form for lookups and the cache key.

People type ``"12 bd de la Republique, BP 45, 06000 NICE CEDEX 1"``; providers and the cache
want ``"12 BOULEVARD DE LA REPUBLIQUE"``, ``"06000"``, ``"NICE"``. The canonical form is upper
case, without accents or punctuation, with street-type and title abbreviations expanded and
postal-box lines (BP, CS, TSA) and CEDEX mentions removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "NormalizedAddress",
    "canonical",
    "city_key",
    "normalize_address",
    "normalize_country",
    "normalize_one_line",
    "normalize_postcode",
]

# Street types, expanded only where a street type stands (right after the house number).
STREET_TYPES: dict[str, str] = {
    "ALL": "ALLEE",
    "AV": "AVENUE",
    "AVE": "AVENUE",
    "AVEN": "AVENUE",
    "BD": "BOULEVARD",
    "BLD": "BOULEVARD",
    "BLVD": "BOULEVARD",
    "BOUL": "BOULEVARD",
    "BVD": "BOULEVARD",
    "CHE": "CHEMIN",
    "CHEM": "CHEMIN",
    "CH": "CHEMIN",
    "CRS": "COURS",
    "FBG": "FAUBOURG",
    "FG": "FAUBOURG",
    "IMP": "IMPASSE",
    "LOT": "LOTISSEMENT",
    "MTE": "MONTEE",
    "PASS": "PASSAGE",
    "PL": "PLACE",
    "PLE": "PLACE",
    "PROM": "PROMENADE",
    "QU": "QUAI",
    "R": "RUE",
    "RES": "RESIDENCE",
    "RTE": "ROUTE",
    "SQ": "SQUARE",
    "TRA": "TRAVERSE",
    "VC": "VOIE COMMUNALE",
    "ZA": "ZONE ARTISANALE",
    "ZAC": "ZONE D AMENAGEMENT CONCERTE",
    "ZI": "ZONE INDUSTRIELLE",
}

# Titles and common words, expanded anywhere in a street or city name.
WORDS: dict[str, str] = {
    "ST": "SAINT",
    "STE": "SAINTE",
    "STS": "SAINTS",
    "GAL": "GENERAL",
    "GEN": "GENERAL",
    "MAL": "MARECHAL",
    "PDT": "PRESIDENT",
    "PRES": "PRESIDENT",
    "DOC": "DOCTEUR",
    "PR": "PROFESSEUR",
    "CDT": "COMMANDANT",
    "CNE": "CAPITAINE",
    "LT": "LIEUTENANT",
    "NOTRE DAME": "NOTRE DAME",
    "ND": "NOTRE DAME",
}

_REPETITION = {
    "B": "BIS",
    "BIS": "BIS",
    "T": "TER",
    "TER": "TER",
    "Q": "QUATER",
    "QUATER": "QUATER",
}

# Postal boxes and sorting mentions: "BP 45", "B.P. 45", "CS 70001", "TSA 12345", "CEDEX 1".
_BOX = re.compile(r"\b(?:BP|B P|CS|TSA|CP)\s*\d+\b")
_CEDEX = re.compile(r"\bCEDEX\b(?:\s*\d{1,2}\b)?")
_BIG_CITY_CEDEX = re.compile(r"^(PARIS|LYON|MARSEILLE) CEDEX (\d{1,2})$")
_HOUSE = re.compile(
    r"^(\d{1,5})(?:\s*(BIS|TER|QUATER|QUINQUIES)\b|([A-Z]{1,2})\b|\s+([BTQ])\b)?"
    r"(?:\s+\d{1,5}(?=\s+[A-Z]))?\s*"
)
# Without the suffix: where the street starts when letters glued to the number are a street
# type ("12BD VOLTAIRE", "3R DE LA PAIX"), not a suffix.
_BARE_NUMBER = re.compile(r"^(\d{1,5})")
# Lines that only hold a complement (building, floor...), not a street.
_COMPLEMENT = re.compile(
    r"^(?:BAT|BATIMENT|APPT|APPARTEMENT|ETAGE|ESC|ESCALIER|IMMEUBLE|IMM|ENTREE|CHEZ|"
    r"C O|ATTN|SERVICE|DEPARTEMENT|BUREAU|LOCAL|HALL|PORTE|TOUR)\b"
)
_STREET_WORDS = frozenset(STREET_TYPES.values()) | {
    "RUE",
    "AVENUE",
    "BOULEVARD",
    "CHEMIN",
    "PLACE",
    "ROUTE",
    "IMPASSE",
    "QUAI",
    "COURS",
    "ALLEE",
    "SQUARE",
    "PASSAGE",
    "VILLA",
    "CITE",
    "HAMEAU",
    "LIEU DIT",
    "SENTIER",
    "VOIE",
    "RUELLE",
    "MONTEE",
    "ESPLANADE",
    "PARVIS",
}


def canonical(text: str | None) -> str:
    """Upper case, accents and punctuation removed, spaces collapsed.

    Parameters
    ----------
    text : str or None
        Any free text.

    Returns
    -------
    str
        ``"Saint-Étienne-du-Rouvray"`` → ``"SAINT ETIENNE DU ROUVRAY"``; ``None`` → ``""``.
    """
    if not text:
        return ""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    # Accents off: decompose, then drop what is not ASCII (the combining marks).
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").upper()
    plain = re.sub(r"(?<=\b[A-Z])\.(?=[A-Z]\b)", " ", plain)  # B.P. -> B P
    plain = re.sub(r"[^A-Z0-9]+", " ", plain)
    return " ".join(plain.split())


def _expand_words(text: str) -> str:
    words = text.split()
    out: list[str] = []
    for i, word in enumerate(words):
        if word == "N" and i + 1 < len(words) and words[i + 1] == "D":
            out.append("NOTRE")
            words[i + 1] = "DAME"
            continue
        out.append(WORDS.get(word, word))
    return " ".join(out)


def _strip_postal_mentions(text: str) -> str:
    text = _BOX.sub(" ", text)
    text = _CEDEX.sub(" ", text)
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def city_key(city: str | None) -> str:
    """Canonical city name for matching: no CEDEX, no box, titles expanded.

    Parameters
    ----------
    city : str or None
        A city as typed (``"St-Etienne Cedex 2"``).

    Returns
    -------
    str
        ``"SAINT ETIENNE"``.
    """
    plain = canonical(city)
    # "PARIS CEDEX 15", "LYON CEDEX 03": the CEDEX number of these cities is the arrondissement.
    plain = _BIG_CITY_CEDEX.sub(lambda m: f"{m.group(1)} {int(m.group(2))}", plain)
    text = _strip_postal_mentions(plain)
    text = re.sub(r"^\d{5}\s+", "", text)  # a postcode typed into the city field
    return _expand_words(text)


@lru_cache(maxsize=65536)
def normalize_postcode(postcode: str | None) -> str:
    """Five-digit French postcode, or ``""`` when none can be read.

    Parameters
    ----------
    postcode : str or None
        ``"6000"`` (a lost leading zero), ``"75 015"``, ``"F-06000"``.

    Returns
    -------
    str
        ``"06000"``, ``"75015"``, ``"06000"``; ``""`` for anything else.
    """
    if not postcode:
        return ""
    digits = re.sub(r"\D", "", str(postcode))
    if len(digits) == 4:
        digits = "0" + digits
    return digits if len(digits) == 5 else ""


_COUNTRIES: dict[str, str] = {
    "FRANCE": "FR",
    "FRA": "FR",
    "MONACO": "MC",
    "PRINCIPAUTE DE MONACO": "MC",
    "MCO": "MC",
    "ITALIE": "IT",
    "ITALY": "IT",
    "ITALIA": "IT",
    "SUISSE": "CH",
    "SWITZERLAND": "CH",
    "SCHWEIZ": "CH",
    "BELGIQUE": "BE",
    "BELGIUM": "BE",
    "LUXEMBOURG": "LU",
    "ALLEMAGNE": "DE",
    "GERMANY": "DE",
    "DEUTSCHLAND": "DE",
    "ESPAGNE": "ES",
    "SPAIN": "ES",
    "ESPANA": "ES",
    "ANDORRE": "AD",
    "ANDORRA": "AD",
}


def normalize_country(country: str | None) -> str:
    """ISO 3166 two-letter code of a country as typed; ``""`` for France or nothing.

    Parameters
    ----------
    country : str or None
        ``"FR"``, ``"France"``, ``"Monaco"``, ``"it"``, ``"Suisse"``.

    Returns
    -------
    str
        ``""``, ``""``, ``"MC"``, ``"IT"``, ``"CH"``; France is the default, so it is empty.
    """
    plain = canonical(country)
    code = _COUNTRIES.get(plain, plain if len(plain) == 2 and plain.isalpha() else "")
    return "" if code == "FR" else code


def _street(text: str) -> tuple[str, str]:
    """Split a canonical street line into (house number, expanded street)."""
    housenumber = ""
    match = _HOUSE.match(text)
    rest = text
    if match and match.group(3) in STREET_TYPES:
        match = _BARE_NUMBER.match(text)
    if match and match.end() < len(text):
        housenumber = match.group(1)
        suffix = next((g for g in match.groups()[1:] if g), "") if match.re is _HOUSE else ""
        if suffix:
            housenumber += " " + _REPETITION.get(suffix, suffix)
        rest = text[match.end() :]
    words = rest.split()
    if words and words[0] in STREET_TYPES:
        words[0] = STREET_TYPES[words[0]]
    return housenumber, _expand_words(" ".join(words))


def _is_street_line(text: str) -> bool:
    if not text or _COMPLEMENT.match(text):
        return False
    words = text.split()
    if words[0].isdigit():
        return True
    first = STREET_TYPES.get(words[0], words[0])
    return first in _STREET_WORDS or (len(words) > 1 and f"{first} {words[1]}" in _STREET_WORDS)


@dataclass(frozen=True)
class NormalizedAddress:
    """An address in canonical form; ``key`` identifies it in the cache.

    ``country`` is empty for France (the default), else an ISO code (``"MC"``, ``"IT"``).
    """

    housenumber: str
    street: str
    postcode: str
    city: str
    country: str = ""

    @property
    def street_line(self) -> str:
        """House number and street (``"12 BIS RUE DE LA PAIX"``)."""
        return " ".join(p for p in (self.housenumber, self.street) if p)

    @property
    def key(self) -> str:
        """Cache key: ``"12 BIS RUE DE LA PAIX|75002|PARIS"`` (``"…|IT"`` abroad)."""
        key = f"{self.street_line}|{self.postcode}|{self.city}"
        return f"{key}|{self.country}" if self.country else key

    @property
    def query(self) -> str:
        """One-line free-text query for providers."""
        return " ".join(p for p in (self.street_line, self.postcode, self.city) if p)

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to look up."""
        return not (self.street or self.postcode or self.city)


def normalize_address(
    line1: str | None,
    line2: str | None = None,
    postcode: str | None = None,
    city: str | None = None,
    country: str | None = None,
) -> NormalizedAddress:
    """Canonical form of a French postal address.

    Parameters
    ----------
    line1, line2 : str or None
        Address lines as typed; the one that reads as a street (a house number or a street
        type first) is used, the other (building, floor, BP...) is dropped.
    postcode : str or None
        Postcode as typed; when missing, a five-digit number in the city field is used.
    city : str or None
        City as typed (``"NICE CEDEX 1"``).
    country : str or None
        Country as typed or as an ISO code; France when missing.

    Returns
    -------
    NormalizedAddress
        Street, postcode and city in canonical form.

    Examples
    --------
    >>> normalize_address("12 bd de la République", "BP 45", "06000", "Nice Cedex 1").key
    '12 BOULEVARD DE LA REPUBLIQUE|06000|NICE'
    """
    lines = [_strip_postal_mentions(canonical(line)) for line in (line1, line2)]
    lines = [line for line in lines if line]
    street_lines = [line for line in lines if _is_street_line(line)]
    chosen = street_lines[0] if street_lines else ""
    if not chosen and lines and not _COMPLEMENT.match(lines[0]):
        chosen = lines[0]
    housenumber, street = _street(chosen) if chosen else ("", "")
    code = normalize_postcode(postcode)
    raw_city = canonical(city)
    if not code:
        found = re.search(r"\b\d{5}\b", raw_city)
        if found:
            code = found.group(0)
    return NormalizedAddress(
        housenumber=housenumber,
        street=street,
        postcode=code,
        city=city_key(city),
        country=normalize_country(country),
    )


# The postcode and city ending a one-line address: "…, 83000 Toulon", "… 83000 TOULON CEDEX".
_POSTCODE_CITY = re.compile(r"(?:^|[\s,])(\d{5})(?:[\s,]+([^\d,][^,]*?))?\s*,?\s*$")
_NUMBER_ONLY = re.compile(r"^\d{1,5}(?:\s*(?:bis|ter|quater|[a-z]))?$", re.IGNORECASE)


def normalize_one_line(text: str | None) -> NormalizedAddress:
    """Canonical form of an address typed on one line, as people write it.

    Parameters
    ----------
    text : str or None
        ``"Hôtel Ibis, 12 rue Jean Jaurès, 83000 Toulon"``: parts separated by commas, the
        postcode and city last; without a postcode, the last of several comma-separated
        parts is the city.

    Returns
    -------
    NormalizedAddress
        What :func:`normalize_address` makes of the street part (the first part that reads
        as a street: a house number or a street type first), the postcode and the city.

    Examples
    --------
    >>> normalize_one_line("Hôtel Ibis, 12 rue Jean Jaurès, 83000 Toulon").key
    '12 RUE JEAN JAURES|83000|TOULON'
    >>> normalize_one_line("12 av. de la Gare, Toulon").key
    '12 AVENUE DE LA GARE||TOULON'
    """
    line = " ".join((text or "").split())
    postcode, city = "", ""
    found = _POSTCODE_CITY.search(line)
    if found is not None:
        postcode, city = found.group(1), found.group(2) or ""
        line = line[: found.start()]
    parts: list[str] = []
    for part in (p.strip() for p in line.split(",")):
        if part and parts and _NUMBER_ONLY.match(parts[-1]):
            parts[-1] += " " + part  # "40, av du Gal Leclerc": the number and its street
        elif part:
            parts.append(part)
    if found is None and len(parts) > 1:
        city = parts.pop()
    streets = [p for p in parts if _is_street_line(_strip_postal_mentions(canonical(p)))]
    chosen = streets[0] if streets else (parts[-1] if parts else None)
    return normalize_address(chosen, None, postcode, city)
