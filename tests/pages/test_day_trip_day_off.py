"""Ma journée on a day inside a trip's period that the trip does not work (its weekend):
not planned, said so, with no stop, figures, slot or « Accepter » of another day; accepting
one of the trip's proposals from that day is refused naming both days, and nothing is
booked. The trip's own day still shows its plan.

The trip is Camille's planned Friday stored as a trip from Friday to Monday (the planner's
result for a trip leaves out the weekend: its days are Friday and Monday; a real multi-day
trip takes a minute of search)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.store import plans
from tests.web import ClientFactory

FRIDAY = dt.date(2026, 4, 17)
SATURDAY = dt.date(2026, 4, 18)
MONDAY = dt.date(2026, 4, 20)


def _trip_planned(client: object, db: Session) -> plans.PlanRow:
    client.post("/journee/planifier", data={"date": FRIDAY.isoformat()})  # type: ignore[attr-defined]
    plan_id = db.execute(text("SELECT max(id) FROM plans WHERE rep_id = 4")).scalar_one()
    db.execute(
        text("UPDATE plans SET kind = 'trip', end_day = :last WHERE id = :p"),
        {"p": plan_id, "last": MONDAY},
    )
    plan = plans.get_plan(db, plan_id)
    assert [d["day"] for d in plan.result["days"]] == [FRIDAY.isoformat()]
    assert [p for p in plan.proposals if p.status == "proposed"], "Friday has proposals"
    return plan


def _page(client: object, day: dt.date) -> str:
    page = client.get(f"/journee?date={day.isoformat()}")  # type: ignore[attr-defined]
    assert page.status_code == 200
    return str(page.text)


def test_a_trip_weekend_day_is_not_planned_and_says_so(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _trip_planned(client, demo_db)
    friday = _page(client, FRIDAY)
    assert 'data-proposal="' in friday and 'id="day-figures"' in friday
    saturday = _page(client, SATURDAY)
    off = re.search(r'<p id="day-off">(.*?)</p>', saturday, re.S)
    assert off is not None
    said = " ".join(re.sub(r"<[^>]+>", " ", off.group(1)).split())
    assert said.startswith(
        "Samedi 18 avril 2026 : pas de visite prévue, jour non travaillé de la tournée du"
        " vendredi 17 avril 2026 au lundi 20 avril 2026."
    ), said
    assert f'href="/tournee?plan={plan.id}"' in off.group(1)
    # nothing of Friday: no stop, no figures, no slot, no accept, no plan button
    for friday_only in ('data-proposal="', 'id="day-figures"', "à réserver", 'class="accept'):
        assert friday_only not in saturday, friday_only
    assert 'id="plan-day"' not in saturday, "planning a day off alone could only be refused"
    # in English too
    english = client.get(f"/journee?date={SATURDAY.isoformat()}&lang=en").text
    assert (
        "Saturday 18 April 2026: no visit planned, not a working day of the trip from Friday 17"
        in (" ".join(re.sub(r"<[^>]+>", " ", english).split()))
    )


def test_accepting_a_trip_proposal_from_its_day_off_is_refused_naming_both_days(
    api_as: ClientFactory, demo_db: Session
) -> None:
    client = api_as(4)
    plan = _trip_planned(client, demo_db)
    proposal = next(p for p in plan.proposals if p.status == "proposed")
    at = proposal.slot_start.astimezone(plans.PARIS).strftime("%H:%M")
    for form in ({"heure": at}, {}):  # the minute picked, or the planned start
        done = client.post(
            f"/journee/propositions/{proposal.id}",
            data={"accept": "true", "date": SATURDAY.isoformat(), **form},
            follow_redirects=True,
        )
        assert done.status_code == 200
        alert = re.search(r'id="day-refusal">(.*?)</p>', done.text)
        assert alert is not None
        said = alert.group(1).replace("\u00a0", " ")
        assert (
            f"La visite de « {proposal.account_name} » est proposée le vendredi 17 avril 2026,"
            " pas le samedi 18 avril 2026 : acceptez-la depuis la journée du vendredi 17 avril"
            " 2026." == said
        ), said
        booked = demo_db.execute(
            text("SELECT count(*) FROM appointments WHERE proposal_id = :p"), {"p": proposal.id}
        ).scalar_one()
        assert booked == 0
        assert plans.get_proposal(demo_db, proposal.id).status == "proposed"
    # an English reader gets it in English, the days as English writes them
    client.get("/langue/en")
    done = client.post(
        f"/journee/propositions/{proposal.id}",
        data={"accept": "true", "date": SATURDAY.isoformat(), "heure": at},
        follow_redirects=True,
    )
    alert = re.search(r'id="day-refusal">(.*?)</p>', done.text)
    assert alert is not None
    assert (
        f"The visit to “{proposal.account_name}” is proposed on 17 Apr 2026, not 18 Apr 2026:"
        " accept it from the day of 17 Apr 2026." == alert.group(1).replace("\u00a0", " ")
    ), alert.group(1)
    client.get("/langue/fr")
    # from its own day it is booked
    done = client.post(
        f"/journee/propositions/{proposal.id}",
        data={"accept": "true", "date": FRIDAY.isoformat(), "heure": at},
        follow_redirects=True,
    )
    assert 'id="day-refusal"' not in done.text
    assert plans.get_proposal(demo_db, proposal.id).status == "accepted"
