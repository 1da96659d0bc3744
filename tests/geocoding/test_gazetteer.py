"""Offline gazetteer: known answers, then accuracy on real La Poste commune names and
postcodes (tests/data/geocoding/laposte_sample.csv) typed the way people type them."""

from __future__ import annotations

import csv
import random
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from shapely.geometry import Polygon

from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.gazetteer import CommuneOutlines, Gazetteer, load_gazetteer
from fieldcrm.geocoding.normalize import city_key

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "geocoding" / "laposte_sample.csv"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.parametrize(
    ("postcode", "city", "insee"),
    [
        ("06000", "Nice", "06088"),
        ("6000", "NICE CEDEX 1", "06088"),
        ("42000", "st etienne", "42218"),
        ("42100", "ST-ETIENNE CEDEX 2", "42218"),
        ("75015", "Paris", "75115"),
        ("75116", "PARIS", "75116"),
        ("", "Paris 15e", "75115"),
        ("", "Marseille 8eme arrondissement", "13208"),
        ("69003", "LYON CEDEX 03", "69383"),
        ("94240", "l hay les roses", "94038"),
        ("06400", "", "06029"),
        ("", "Antibes", "06004"),
        ("06600", "Antibe", "06004"),
        ("59144", "AMFROIPRET", "59006"),  # merged into L'Orée de Mormal (code kept)
        ("01200", "Chatillon en Michaille", "01033"),  # absorbed by Valserhône
        ("", "Bellegarde-sur-Valserine", "01033"),  # former name, no postcode
    ],
)
def test_known_answers(gaz: Gazetteer, postcode: str, city: str, insee: str) -> None:
    match = gaz.lookup(postcode, city)
    assert match is not None
    assert match.commune.insee == insee


def test_exact_match_scores_one_and_guesses_score_less(gaz: Gazetteer) -> None:
    exact = gaz.lookup("06000", "Nice")
    guess = gaz.lookup("06000", "Zzzzville")
    assert exact is not None and exact.score == 1.0
    assert guess is not None and guess.score < 0.6
    assert guess.note == "postcode only, city not recognised"


def test_nothing_known_gives_none(gaz: Gazetteer) -> None:
    assert gaz.lookup("", "Qwxzyk") is None
    assert gaz.lookup("00000", "") is None


def test_reverse_nearest_commune(gaz: Gazetteer) -> None:
    commune, distance = gaz.nearest(GeoPoint(7.2661, 43.7031))  # place Masséna, Nice
    assert commune.insee == "06088"
    assert distance < 5000
    commune, _ = gaz.nearest(GeoPoint(2.2945, 48.8584))  # Eiffel tower
    assert commune.insee == "75107"


# ------------------------------------------------------------- typed as people type
def _strip_article_hyphens(name: str, rng: random.Random) -> str:
    name = name.replace("SAINTE ", "STE ").replace("SAINT ", "ST ")
    if rng.random() < 0.5:
        name = name.replace(" ", "-")
    return name


def _typed(row: dict[str, str], rng: random.Random) -> tuple[str, str, str]:
    """(category, postcode, city) the way a person might type this La Poste row."""
    name, code = row["Nom_commune"], row["Code_postal"]
    if row["Ligne_5"]:
        return "locality or merged commune (Ligne 5) + postcode", code, row["Ligne_5"].title()
    kind = rng.choice(["lower", "hyphens", "cedex", "saint", "zero", "typo", "no_postcode"])
    if kind == "lower":
        city = name.lower()
    elif kind == "hyphens":
        city = _strip_article_hyphens(name, rng).title()
    elif kind == "cedex":
        city = f"{name} CEDEX {rng.randint(1, 9)}"
    elif kind == "saint":
        city = name.replace("SAINT ", "St ").replace("SAINTE ", "Ste ").replace("ST ", "Saint-")
    elif kind == "zero":
        city, code = name.capitalize(), code.lstrip("0") if code.startswith("0") else code
    elif kind == "typo":
        i = rng.randrange(1, max(2, len(name) - 1))
        city = name[:i] + name[i + 1 :] if len(name) > 6 else name
    else:
        city, code = name.lower(), ""
    return kind, code, city


def _renamed(row: dict[str, str], key: str) -> bool:
    """La Poste still names the commune as it was before a merger (COG 2026 has the new name)."""
    old = city_key(row["Nom_commune"])
    return not key.startswith(old[:25]) and SequenceMatcher(None, old, key).ratio() < 0.75


def _accuracy(gaz: Gazetteer) -> tuple[Counter[str], Counter[str]]:
    rng = random.Random(2026)
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    with SAMPLE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            kind, code, city = _typed(row, rng)
            categories = {kind, "all"}
            if len(gaz._by_postcode.get(row["Code_postal"], [])) > 1:
                categories.add("postcode shared by several communes")
            commune = gaz.by_insee.get(row["Code_commune_INSEE"])
            if commune is not None and len(commune.postcodes) > 1 and not row["Ligne_5"]:
                categories.add("commune with several postcodes (its name typed)")
            if commune is not None and not row["Ligne_5"] and _renamed(row, commune.key):
                categories.add("merged commune: La Poste's former name + postcode")
            match = gaz.lookup(code, city)
            ok = match is not None and match.commune.insee == row["Code_commune_INSEE"]
            for category in categories:
                total[category] += 1
                right[category] += ok
    return total, right


def test_accuracy_on_real_commune_names_typed_badly(gaz: Gazetteer) -> None:
    total, right = _accuracy(gaz)
    shares = {k: right[k] / total[k] for k in total}
    for category in sorted(total):
        print(f"{category:55s} {right[category]:5d}/{total[category]:5d} {shares[category]:.1%}")
    # Names typed badly but with their postcode: almost always right.
    for kind in ("lower", "hyphens", "cedex", "saint", "zero"):
        assert shares[kind] >= 0.98, (kind, shares[kind])
    assert shares["typo"] >= 0.90
    # No postcode: homonyms (several "Saint-Martin") make some of these wrong.
    assert shares["no_postcode"] >= 0.90
    # A locality (La Poste "Ligne 5": hamlets, communes merged before 2018) is not in the COG
    # list: the postcode's most populous commune is taken, flagged by a low score.
    assert shares["locality or merged commune (Ligne 5) + postcode"] >= 0.48
    assert shares["commune with several postcodes (its name typed)"] >= 0.95
    # Former names of communes merged since 2018 come from former_names.csv (few rows here).
    assert total["merged commune: La Poste's former name + postcode"] >= 5
    assert shares["merged commune: La Poste's former name + postcode"] >= 0.66
    assert shares["all"] >= 0.90


def test_reverse_uses_the_containing_outline(gaz: Gazetteer) -> None:
    square = Polygon([(7.10, 43.61), (7.13, 43.61), (7.13, 43.63), (7.10, 43.63)])
    outlines = CommuneOutlines(
        {"06004": square}
    )  # Antibes reaches this point, Biot's centre is nearer
    point = GeoPoint(7.1165, 43.6193)
    assert gaz.nearest(point)[0].insee == "06018"
    commune, distance = gaz.nearest(point, outlines=outlines)
    assert commune.insee == "06004"
    assert distance > 3000
    assert gaz.nearest(GeoPoint(7.2661, 43.7031), outlines=outlines)[0].insee == "06088"


def test_reverse_outline_of_a_2018_code_and_of_paris(gaz: Gazetteer) -> None:
    everywhere = Polygon([(0, 40), (10, 40), (10, 50), (0, 50)])
    # 01091 (Châtillon-en-Michaille) is part of Valserhône (01033) since 2019.
    assert (
        gaz.nearest(GeoPoint(5.8, 46.1), outlines=CommuneOutlines({"01091": everywhere}))[0].insee
        == "01033"
    )
    # Paris as one outline: the arrondissement whose centre is nearest.
    commune, _ = gaz.nearest(
        GeoPoint(2.2945, 48.8584), outlines=CommuneOutlines({"75056": everywhere})
    )
    assert commune.insee == "75107"
