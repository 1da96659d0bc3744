"""A trip refused for an appointment out of reach names the appointment's day (« du mercredi
22 avril 2026 à 10:00 »), in French and in English, on the job's page and in the live
refusal; a single day's refusal keeps « de 10:00 » (its page says which day)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from fieldcrm.http.error_text import describe
from fieldcrm.routing.realise import OutOfReach, Reach, out_of_reach
from tests.pages.failed_trip_jobs import failed_trip_job, shown_error
from tests.routing.test_trip_instead import TUESDAY, WEDNESDAY, H, far
from tests.web import ClientFactory


def _refused(dates: tuple[dt.date, ...], *, start_s: int, duration_s: int) -> OutOfReach:
    """The refusal of « Salon » on the last of ``dates``, 3 h from home, as the planner
    raises it (:func:`out_of_reach`, before any search)."""
    problem = far(dates, on=len(dates) - 1, start_s=start_s, duration_s=duration_s)
    found = out_of_reach(problem)
    assert found
    return OutOfReach(found, days=len(dates))


def test_the_reach_of_a_trip_appointment_keeps_its_day_and_one_day_does_not() -> None:
    (trip,) = _refused((TUESDAY, WEDNESDAY), start_s=10 * H, duration_s=H).found
    assert (trip.side, trip.date) == ("before", WEDNESDAY.isoformat())
    assert Reach.from_doc(trip.as_doc()) == trip, "stored with the job, read back"
    (day,) = _refused((WEDNESDAY,), start_s=10 * H, duration_s=H).found
    assert day.date is None and "date" not in day.as_doc()


def test_a_trip_refusal_names_the_appointment_s_day(
    api_as: ClientFactory, demo_db: Session
) -> None:
    refused = _refused((TUESDAY, WEDNESDAY), start_s=10 * H, duration_s=H)
    job_id = failed_trip_job(demo_db, refused)
    client = api_as(6)
    french = shown_error(client, job_id).replace("\u00a0", " ")
    assert french.startswith(
        "Tournée impossible : le rendez-vous « Salon » du mercredi 22 avril 2026 à 10:00 est"
        " injoignable à temps (arrivée au plus tôt 11:00)."
    ), french
    english = shown_error(client, job_id, "en")
    assert english.startswith(
        "Trip impossible: the appointment “Salon” on Wednesday 22 April 2026 at 10:00 cannot be"
        " reached in time (earliest arrival 11:00)."
    ), english
    assert describe(refused).startswith(
        "Le rendez-vous « Salon » du mercredi 22 avril 2026 à 10:00 est injoignable à temps"
    )


def test_a_trip_refusal_after_the_appointment_names_its_day() -> None:
    refused = _refused((TUESDAY, WEDNESDAY), start_s=17 * H, duration_s=H // 2)
    assert describe(refused).startswith(
        "Après le rendez-vous « Salon » du mercredi 22 avril 2026 à 17:00, impossible d’être de"
        " retour à la maison pour 18:00 (retour au plus tôt 20:30)."
    ), describe(refused)
    assert describe(refused, "en").startswith(
        "After the appointment “Salon” on Wednesday 22 April 2026 at 17:00, home cannot be"
        " reached by 18:00 (earliest return 20:30)."
    ), describe(refused, "en")


def test_a_single_day_refusal_keeps_its_time_alone() -> None:
    refused = _refused((WEDNESDAY,), start_s=10 * H, duration_s=H)
    assert describe(refused).startswith(
        "Le rendez-vous « Salon » de 10:00 est injoignable à temps (arrivée au plus tôt 11:00)."
    )
