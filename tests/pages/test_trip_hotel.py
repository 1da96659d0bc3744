"""The trip form's preferred hotel: given by its name and address as a rep types them,
geocoded by the product's geocoder (offline BAN here), what was understood shown on the plan;
an address found only to its commune is placed at the commune's centre, said on the plan; an
address found nowhere, or in another commune, comes back on the form, beside its field, values
kept, in French only (a provider's failure is logged, never shown)."""

from __future__ import annotations

import csv
from contextlib import nullcontext

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.geocoding.ban import AddressBook
from fieldcrm.geocoding.chain import GeocoderChain, OfflineProvider, build_chain
from fieldcrm.geocoding.gazetteer import load_gazetteer
from fieldcrm.pages import trip
from fieldcrm.services import ban, planning_jobs
from fieldcrm.services.geocoding import SYSTEM
from fieldcrm.store import jobs as job_store
from fieldcrm.store import plans as plan_store
from tests.conftest import DATA
from tests.services.test_locate_address import Unreachable
from tests.web import ClientFactory

SAMPLE = DATA / "geocoding" / "ban_75_sample.csv"
SETTINGS = Settings(
    database_url="postgresql+psycopg://unused/unused", planner_time_limit_s=3.0, _env_file=None
)
"""The worker's settings, as the test app's (a short search)."""
TRIP = {"start": "2026-04-21", "end": "2026-04-24"}
"""Sophie's trip from Antibes: Wednesday 10:00 in Paris, Thursday 15:00 in Lyon."""


def offline() -> GeocoderChain:
    """The product's geocoder without network: the BAN loaded in the database, then the
    gazetteer of communes."""
    return build_chain(
        ["offline"], gazetteer=load_gazetteer(), threshold=0.6, addresses=AddressBook()
    )


@pytest.fixture
def sophie(api_as: ClientFactory, demo_db: Session) -> TestClient:
    """Sophie Durand (rep), with the Paris sample of the BAN loaded and the offline geocoder."""
    ban.load_ban(demo_db, actor=SYSTEM, path=SAMPLE)
    client = api_as(6)
    client.app.dependency_overrides[trip.hotel_geocoder] = offline  # type: ignore[attr-defined]
    return client


def _jobs(db: Session) -> int:
    return int(db.execute(text("SELECT count(*) FROM jobs")).scalar_one())


def _ban_point(street: str, number: str) -> tuple[float, float]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        row = next(
            r
            for r in csv.DictReader(handle, delimiter=";")
            if r["nom_voie"] == street and r["numero"] == number and not r["rep"]
        )
    return float(row["lon"]), float(row["lat"])


def test_the_form_asks_for_the_hotel_by_name_and_address(sophie: TestClient) -> None:
    page = sophie.get("/tournee", params={"start": TRIP["start"]}).text
    hotel = page.split('id="hotel-fields"', 1)[1].split("</details>\n  <p", 1)[0]
    assert "Nom de l’hôtel" in hotel and 'name="hotel_name"' in hotel
    assert "Adresse de l’hôtel" in hotel and 'name="hotel_address"' in hotel
    # the coordinates stay for those who have them, folded away under their own summary
    coordinates = hotel.split('id="hotel-coordinates"', 1)[1]
    assert "Coordonnées (à la place de l’adresse)" in coordinates
    assert 'name="hotel_lon"' in coordinates and 'name="hotel_lat"' in coordinates
    assert 'name="hotel_lon"' not in hotel.split('id="hotel-coordinates"', 1)[0]


def test_a_hotel_given_by_its_address_is_planned_at_its_door_and_shown_by_name(
    sophie: TestClient, demo_db: Session
) -> None:
    answer = sophie.post(
        "/tournee/planifier",
        data=TRIP
        | {"hotel_name": "Hôtel de la Paix", "hotel_address": "10, rue de la Paix, 75002 Paris"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:800]
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    job = job_store.job(demo_db, job_id)
    assert job is not None
    lon, lat = _ban_point("Rue de la Paix", "10")
    place = job.params["hotel_place"]
    assert (place["lon"], place["lat"]) == (lon, lat)
    assert (place["name"], place["precision"]) == ("Hôtel de la Paix", "housenumber")
    assert job.params["hotel"] == [lon, lat]

    planning_jobs.run_trip_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    done = job_store.job(demo_db, job_id)
    assert done is not None and done.status == "done", done and done.error
    plan = plan_store.get_plan(demo_db, done.result["plan_id"])
    assert plan.result["hotel"] == place
    # the nights at the preferred hotel carry its name; every night away is named
    nights = [n for n in plan.result["nights"] if n["hotel"]]
    preferred = [n for n in nights if n["hotel"] == "hotel:preferred"]
    assert preferred and {n["name"] for n in preferred} == {"Hôtel de la Paix"}
    assert all(n["name"] for n in nights)

    page = sophie.get(f"/tournee?plan={plan.id}").text
    # what was understood: the name, the address as found and its precision
    shown = page.split('id="preferred-hotel">', 1)[1].split("</p>", 1)[0]
    assert shown.startswith("Hôtel préféré : Hôtel de la Paix — 10 Rue de la Paix 75002 Paris")
    assert shown.endswith("(précision : au numéro)")
    understood = page.split('id="hotel-understood">', 1)[1].split("</p>", 1)[0]
    assert understood.startswith("Adresse comprise : 10 Rue de la Paix 75002 Paris")
    assert understood.endswith(" — précision : au numéro")
    # the form offers the same hotel again, by its name and address
    assert 'name="hotel_name" maxlength="120" value="Hôtel de la Paix"' in page
    assert (
        'name="hotel_address" maxlength="300" autocomplete="street-address" value="10 Rue' in page
    )
    # the nights away read by the hotel's name, never its coordinates
    listed = page.split('id="allowances"', 1)[1].split("</ul>", 1)[0]
    assert (
        "Nuit du 21/04/2026 à Hôtel de la Paix" in listed
        or "Nuit du 23/04/2026 à Hôtel de la Paix" in listed
    )
    assert str(lat) not in listed and str(lat)[:5].replace(".", ",") not in listed


def _refused(client: TestClient, db: Session, hotel: dict[str, str]) -> str:
    """Submit the trip form with ``hotel``: refused, nothing queued; the page shown again."""
    before = _jobs(db)
    answer = client.post("/tournee/planifier", data=TRIP | hotel, follow_redirects=False)
    assert answer.status_code == 422, answer.text[:500]
    assert _jobs(db) == before
    page = answer.text
    # the dates as typed, the hotel fields unfolded
    assert 'name="start" value="2026-04-21"' in page and 'name="end" value="2026-04-24"' in page
    assert '<details id="hotel-fields" open>' in page
    return page


def _error(page: str, field: str) -> str:
    return page.split(f'id="trip-{field}-error">', 1)[1].split("</span>", 1)[0]


def test_an_address_found_only_to_its_commune_is_planned_at_its_centre_and_said_so(
    sophie: TestClient, demo_db: Session
) -> None:
    # a street the BAN loaded lacks, in the arrondissement typed: good enough for a night
    typed = {"hotel_name": "Hôtel du Centre", "hotel_address": "12 rue Inconnue, 75002 Paris"}
    answer = sophie.post("/tournee/planifier", data=TRIP | typed, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:800]
    job_id = int(answer.headers["location"].rsplit("/", 1)[1])
    job = job_store.job(demo_db, job_id)
    assert job is not None
    centre = load_gazetteer().commune_of("75102")
    assert centre is not None
    place = job.params["hotel_place"]
    assert (place["lon"], place["lat"]) == (centre.point.lon, centre.point.lat)
    assert (place["precision"], place["address"]) == (
        "municipality",
        "75002 Paris 2e Arrondissement",
    )

    planning_jobs.run_trip_job(lambda: nullcontext(demo_db), job_id, settings=SETTINGS)
    done = job_store.job(demo_db, job_id)
    assert done is not None and done.status == "done", done and done.error
    page = sophie.get(f"/tournee?plan={done.result['plan_id']}").text
    shown = page.split('id="preferred-hotel">', 1)[1].split("</p>", 1)[0]
    assert shown.startswith("Hôtel préféré : Hôtel du Centre — 75002 Paris 2e Arrondissement")
    assert shown.endswith("(précision : à la commune)")
    said = page.split('id="hotel-approximate">', 1)[1].split("</p>", 1)[0]
    assert (
        said == "Hôtel placé au centre de Paris 2e Arrondissement : adresse non trouvée au numéro"
    )
    # said from data in the reader's language, not the stored French note
    english = sophie.get(f"/tournee?plan={done.result['plan_id']}&lang=en").text
    said = english.split('id="hotel-approximate">', 1)[1].split("</p>", 1)[0]
    assert said == (
        "Hotel placed at the centre of Paris 2e Arrondissement: address not found down to the"
        " house number"
    )


def test_a_hotel_at_its_door_says_nothing_approximate(sophie: TestClient, demo_db: Session) -> None:
    typed = {"hotel_address": "10, rue de la Paix, 75002 Paris"}
    answer = sophie.post("/tournee/planifier", data=TRIP | typed, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:800]
    job = job_store.job(demo_db, int(answer.headers["location"].rsplit("/", 1)[1]))
    assert job is not None and job.params["hotel_place"]["note"] is None


def test_an_address_found_in_another_commune_comes_back_beside_its_field(
    sophie: TestClient, demo_db: Session
) -> None:
    # Cannes is no commune of 06000 (Nice): the commune found is not the one typed
    typed = {"hotel_name": "Ibis Cannes", "hotel_address": "12 rue Inconnue, 06000 Cannes"}
    page = _refused(sophie, demo_db, typed)
    said = _error(page, "hotel_address")
    assert said.startswith(
        "adresse de l’hôtel : adresse trouvée seulement à la commune, autre que celle indiquée :"
        " 06150 Cannes ; attendu :"
    ), said
    assert 'value="12 rue Inconnue, 06000 Cannes" placeholder' in page
    assert 'value="Ibis Cannes" placeholder' in page
    assert 'aria-invalid="true" aria-describedby="trip-hotel_address-error" autofocus' in page
    assert 'id="trip-error"' in page and 'id="hotel-understood"' not in page


NOT_FOUND = (
    "adresse de l’hôtel : adresse introuvable : indiquez le numéro, la rue, le code postal et"
    " la ville"
)


def test_an_address_found_nowhere_comes_back_beside_its_field(
    sophie: TestClient, demo_db: Session
) -> None:
    page = _refused(sophie, demo_db, {"hotel_address": "Quelque part sur la côte"})
    assert _error(page, "hotel_address") == NOT_FOUND
    assert 'value="Quelque part sur la côte" placeholder' in page


def test_an_unreachable_provider_shows_french_only(sophie: TestClient, demo_db: Session) -> None:
    def unreachable() -> GeocoderChain:
        providers = [Unreachable(), OfflineProvider(load_gazetteer(), addresses=AddressBook())]
        return GeocoderChain(providers, threshold=0.6)

    sophie.app.dependency_overrides[trip.hotel_geocoder] = unreachable  # type: ignore[attr-defined]
    page = _refused(sophie, demo_db, {"hotel_address": "rue de la Paix"})
    assert _error(page, "hotel_address") == NOT_FOUND
    alert = page.split('id="trip-error"', 1)[1].split("</", 1)[0]
    for technical in (
        "Geocoder",
        "HTTPS",
        "api-adresse",
        "NameResolution",
        "aucune correspondance",
    ):
        assert technical not in page and technical not in alert


def test_form_errors_wrap_long_words_on_a_phone() -> None:
    css = (DATA.parents[1] / "web" / "static" / "css" / "app.css").read_text(encoding="utf-8")
    rule = css.split("\n.error {", 1)[1].split("}", 1)[0]
    assert "overflow-wrap: anywhere" in rule


def test_coordinates_half_given_or_beside_an_address_are_refused_by_field(
    sophie: TestClient, demo_db: Session
) -> None:
    page = _refused(sophie, demo_db, {"hotel_name": "Ibis Toulon"})
    assert (
        _error(page, "hotel_address") == "adresse de l’hôtel : obligatoire avec le nom de l’hôtel"
    )
    page = _refused(sophie, demo_db, {"hotel_lon": "2.33"})
    assert _error(page, "hotel_lat") == "latitude de l’hôtel : obligatoire"
    assert '<details id="hotel-coordinates" open>' in page and 'value="2.33"' in page
    both = {
        "hotel_address": "10 rue de la Paix, 75002 Paris",
        "hotel_lon": "2.33",
        "hotel_lat": "48.87",
    }
    page = _refused(sophie, demo_db, both)
    assert _error(page, "hotel_address").startswith(
        "adresse de l’hôtel : une adresse ou des coordonnées, pas les deux"
    )
