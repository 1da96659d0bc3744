"""An imported row with a postcode and no town gets the town of the commune its code serves
(it kept an empty town though the postcode named the commune), or, when the code serves
several, of the commune the geocoder places it in; a town typed is never replaced."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.geocoding.trust import postcode_town
from fieldcrm.services import geocoding, imports
from tests.geocoding.loopback import Reply, ban_collection, ban_feature, serving
from tests.services.test_geocoding import ADMIN, _account, _chain, _fresh

HEADER = "Identifiant;Raison sociale;Adresse;Code postal;Ville;Pays"
ROWS = [
    "QA23-001;Café Sans Ville;12 rue de France;06000;;",  # Nice's code, no town
    "QA23-002;Bar Ville Tapée;3 rue Droite;06000;Nice-Ville;",  # a town typed: kept as typed
    "QA23-003;Épicerie Carros;5 route de Grenoble;06510;;",  # 7 communes share 06510
    "QA23-004;Brasserie Paris Un;1 rue de Rivoli;75001;;",  # Paris, not its 1er arrondissement
    "QA23-005;Tabac Monte-Carlo;2 boulevard des Moulins;98000;;MC",
]


def _towns(db: Session) -> dict[str, str | None]:
    rows = db.execute(
        text("SELECT external_id, city FROM accounts WHERE external_id LIKE 'QA23-%'")
    )
    return {ext: city for ext, city in rows}


def test_a_postcode_alone_gets_its_communes_town_never_over_a_typed_one(
    db: Session, tmp_path: Path
) -> None:
    path = tmp_path / "comptes.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    report = imports.import_accounts(db, path)
    assert report.rejected == [] and report.inserted == 5
    assert _towns(db) == {
        "QA23-001": "Nice",
        "QA23-002": "Nice-Ville",
        "QA23-003": None,
        "QA23-004": "Paris",
        "QA23-005": "Monaco",
    }
    # the same file again: nothing to change (the town filled is the one it would fill)
    again = imports.import_accounts(db, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)


def test_the_town_of_a_postcode_is_that_of_its_one_commune() -> None:
    gazetteer = load_gazetteer()
    assert postcode_town("06000", gazetteer=gazetteer) == "Nice"
    assert postcode_town("06400", gazetteer=gazetteer) == "Cannes"
    assert postcode_town("13001", gazetteer=gazetteer) == "Marseille"
    assert postcode_town("06510", gazetteer=gazetteer) is None
    assert postcode_town("06999", gazetteer=gazetteer) is None
    assert postcode_town(None, gazetteer=gazetteer) is None


def _ban_answer(path: str, query: dict[str, str]) -> Reply:
    """A BAN look-alike: route de Grenoble in Carros (06510), rue de Rivoli in Paris 1er."""
    q = query.get("q", "").casefold()
    if "grenoble" in q:
        found = ban_feature(
            7.1868,
            43.7889,
            label="5 Route de Grenoble 06510 Carros",
            citycode="06033",
            postcode="06510",
            city="Carros",
        )
    elif "rivoli" in q:
        found = ban_feature(
            2.3387,
            48.8606,
            label="1 Rue de Rivoli 75001 Paris",
            citycode="75101",
            postcode="75001",
            city="Paris",
        )
    else:
        return Reply(200, ban_collection())
    return Reply(200, ban_collection(found))


def test_the_geocoder_fills_the_town_of_the_commune_it_found_never_a_typed_one(
    db: Session, tmp_path: Path
) -> None:
    """A postcode several communes share names none at import (06510): the geocoder, placing
    the address in Carros, gives it its town; a town typed stays as typed."""
    _fresh(db)
    carros = _account(db, "Garage Carros", "5 route de Grenoble", "06510", None)
    typed = _account(db, "Garage Le Broc", "5 route de Grenoble", "06510", "Le Broc")
    rivoli = _account(db, "Brasserie Rivoli", "1 rue de Rivoli", "75001", None)
    with serving(_ban_answer) as server:
        geocoding.geocode_accounts(db, actor=ADMIN, chain=_chain(server))
    rows = db.execute(
        text("SELECT id, city, geocode_status FROM accounts WHERE id IN (:a, :b, :c)"),
        {"a": carros, "b": typed, "c": rivoli},
    )
    found = {r.id: (r.city, r.geocode_status) for r in rows}
    assert found[carros] == ("Carros", "matched")
    assert found[typed][0] == "Le Broc"  # never replaced (the answer is not its commune)
    assert found[rivoli] == ("Paris", "matched")  # the city, not its 1er arrondissement
    # the same file again, its town still empty: the town found stays, nothing changes
    path = tmp_path / "comptes.csv"
    path.write_text(
        "Raison sociale;Adresse;Code postal;Ville\nGarage Carros;5 route de Grenoble;06510;\n",
        encoding="utf-8",
    )
    again = imports.import_accounts(db, path)
    assert (again.updated, again.unchanged, again.changed) == (0, 1, [])
    city = db.execute(text("SELECT city FROM accounts WHERE id = :a"), {"a": carros})
    assert city.scalar_one() == "Carros"
