"""An appointment too far for the days of a trip, as the reader reads it: stored as data with
the refusal (:attr:`Reach.drive`) and worded from it in French and English, with what it
would take at least only where the planner proved it (:mod:`fieldcrm.http.long_drive_text`;
the Brest trip job end to end: :mod:`tests.pages.test_day_trip_instead`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from fieldcrm.http import error_text
from fieldcrm.routing.long_drive import LongDrive
from fieldcrm.routing.problem import Appointment, Hotel, Problem, WorkDay
from fieldcrm.routing.realise import OutOfReach, Reach, out_of_reach

H = 3600
TRIP = (dt.date(2026, 4, 21), dt.date(2026, 4, 22), dt.date(2026, 4, 23))
WAY_BACK = Reach(
    "salon",
    "Salon",
    1,
    "after",
    16 * H,
    18 * H,
    19 * H,
    True,
    LongDrive(7 * H, 6 * H, 1, 5 * H, 1, 15 * H, date="2026-04-22"),
)
"""Wednesday 16:00–17:00, 7 h from home, days 08:00–18:00 with 5 h of driving: Wednesday's
hour left and Thursday's 5 h drive 6 h of the way back at most; at 15:00 at the latest,
Wednesday would drive the 2 h left of each way (Tuesday drives 5 h of the way there) —
as :func:`fieldcrm.routing.realise.out_of_reach` finds it."""


def test_the_way_back_is_worded_with_its_figures_and_the_hour_that_would_do() -> None:
    trip = Problem(
        home=0,
        days=tuple(WorkDay(8 * H, 18 * H, max_driving_s=5 * H, date=d) for d in TRIP),
        durations_s=((0, 7 * H), (7 * H, 0)),
        distances_m=((0, 700_000), (700_000, 0)),
        appointments=(Appointment("salon", 1, 1, 16 * H, H, "Salon"),),
        hotels=(Hotel("h", 1, 90.0),),
    )
    assert out_of_reach(trip) == [WAY_BACK]
    refused = OutOfReach([WAY_BACK], days=3)
    assert error_text.describe(refused, "fr") == (
        "Après le rendez-vous « Salon » du mercredi 22 avril 2026 à 16:00, le retour demande"
        " 7 h de route : il n’y a que 6 h de route possibles pour rentrer (1 jour de tournée"
        " après lui, 5 h de route au plus par jour). Pour rentrer à temps, il faudrait au moins"
        " 1 jour de route de plus après lui, des jours travaillés enchaînés par des nuits sur"
        " place. Sans finir plus tard, il faudrait qu’il commence à 15:00 au plus tard."
    )
    assert error_text.describe(refused, "en") == (
        "After the appointment “Salon” on Wednesday 22 April 2026 at 16:00, the way back takes"
        " 7 h of driving: only 6 h of driving is possible to get back (1 day of the trip after"
        " it, at most 5 h of driving a day). To get back in time, it would take at least 1 day"
        " more of driving after it, working days joined by nights away. Without ending later,"
        " the appointment would have to begin at 15:00 at the latest."
    )


def test_no_hour_is_advised_where_none_was_proven_and_no_advice_where_none_is_asked() -> None:
    assert WAY_BACK.drive is not None
    drive = replace(WAY_BACK.drive, move_s=None, days=2, cap_s=None)
    stuck = replace(WAY_BACK, movable=False, drive=drive)
    said = error_text.reach_text(stuck, "fr")
    assert "Sans finir plus tard" not in said
    assert "(2 jours de tournée après lui, dans les horaires de travail)" in said
    assert said.endswith(
        "il faudrait au moins 1 jour de route de plus après lui, des jours travaillés enchaînés"
        " par des nuits sur place."
    )
    bare = error_text.reach_text(WAY_BACK, "fr", advice=False)
    assert bare.endswith("5 h de route au plus par jour).")  # the reason, no advice


def test_the_refusal_is_read_back_from_its_stored_data() -> None:
    stored = {"out_of_reach": WAY_BACK.as_doc(), "advice": True}
    assert stored["out_of_reach"]["drive"]["move_s"] == 15 * H
    assert error_text.stored_refusal(stored) == WAY_BACK
    assert error_text.refusal_text(stored, "anything", "fr") == error_text.reach_text(WAY_BACK)
    # a clock reach is stored as before (no drive), and such an older row reads as before
    clock = Reach("a", "Salon", 0, "before", 9 * H, 9 * H, 11 * H)
    assert "drive" not in clock.as_doc()
    assert error_text.stored_refusal({"out_of_reach": clock.as_doc()}) == clock
    # a malformed drive is not worded from: the stored message is read instead
    broken = {**WAY_BACK.as_doc(), "drive": {"drive_s": "7 h"}}
    assert error_text.stored_refusal({"out_of_reach": broken}) is None
    bad_date = {**WAY_BACK.as_doc(), "drive": {**WAY_BACK.as_doc()["drive"], "date": "mercredi"}}
    assert error_text.stored_refusal({"out_of_reach": bad_date}) is None


def test_hours_and_minutes_read_in_each_languages_way() -> None:
    """QA: « 13 h 02 » inside an English sentence. English writes « 13 h 2 min », French
    keeps « 13 h 02 »."""
    assert WAY_BACK.drive is not None
    odd = replace(WAY_BACK.drive, drive_s=13 * H + 120, within_s=5 * H + 300, cap_s=4 * H + 1800)
    far = replace(WAY_BACK, drive=odd)
    english = error_text.reach_text(far, "en")
    assert "takes 13 h 2 min of driving: only 5 h 5 min of driving is possible" in english
    assert "at most 4 h 30 min of driving a day" in english
    assert " h 0" not in english
    french = error_text.reach_text(far, "fr")
    assert "le retour demande 13 h 02 de route : il n’y a que 5 h 05 de route possibles" in french
    assert "4 h 30 de route au plus par jour" in french
