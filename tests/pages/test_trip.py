"""Trip planner: several days, both alternatives costed, the recommendation shown."""

from __future__ import annotations

from tests.web import ClientFactory


def test_rep_plans_a_trip_to_paris_and_lyon_and_sees_the_overnight_figures(
    api_as: ClientFactory,
) -> None:
    # Sophie lives in Antibes; Wednesday 10:00 in Paris, Thursday 15:00 in Lyon.
    client = api_as(6)
    done = client.post(
        "/tournee/planifier",
        data={"start": "2026-04-21", "end": "2026-04-24"},
        follow_redirects=True,
    )
    assert done.status_code == 200, done.text[:500]
    page = done.text
    assert (
        "Recommandation : dormir sur place" in page
    )  # going home each evening cannot reach Paris by 10:00
    assert "Rentrer chaque soir" in page and "Dormir sur place" in page
    assert page.count('class="card day"') == 4
    assert "Hôtel et repas €" in page


def test_an_impossible_trip_names_the_appointment(api_as: ClientFactory) -> None:
    response = api_as(6).post(
        "/tournee/planifier", data={"start": "2026-04-22", "end": "2026-04-23"}
    )
    assert response.status_code == 422
    assert "Clinique Riviera EURL" in response.text


def test_an_end_before_the_start_is_refused_naming_the_field(api_as: ClientFactory) -> None:
    response = api_as(6).post(
        "/tournee/planifier", data={"start": "2026-04-23", "end": "2026-04-22"}
    )
    assert response.status_code == 422
    assert "end" in response.text


def test_a_rep_cannot_plan_for_another_rep(api_as: ClientFactory) -> None:
    page = api_as(6).get("/tournee?start=2026-04-22&rep=4")
    assert page.status_code == 200 and 'name="rep" value="6"' in page.text
