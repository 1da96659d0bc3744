"""The "Agenda" screen: book, move and cancel with forms; refusals in French; the feed's URL once."""

from __future__ import annotations

import html
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.web import ClientFactory

DAY = "2026-06-10"
FORM = {
    "date": DAY,
    "time": "09:00",
    "duration": "60",
    "vue": "jour",
    "lon": "7.4246",
    "lat": "43.7384",
}


def test_rep_books_moves_and_cancels_from_the_agenda(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    empty = camille.get(f"/agenda?date={DAY}&vue=jour")
    assert empty.status_code == 200
    assert "mercredi 10 juin 2026" in empty.text and "Aucun rendez-vous." in empty.text
    booked = camille.post(
        "/agenda/rendez-vous",
        data=FORM | {"title": "Casino", "note": "Entrée côté jardins"},
        follow_redirects=True,
    )
    assert booked.status_code == 200
    assert re.search(
        r'<span class="time">09:00–10:00</span>\s*<strong class="title">Casino</strong>',
        booked.text,
    )
    assert "Entrée côté jardins" in booked.text
    appointment = int(re.search(r'action="/agenda/rendez-vous/(\d+)"', booked.text).group(1))  # type: ignore[union-attr]
    moved = camille.post(
        f"/agenda/rendez-vous/{appointment}",
        data={"date": "2026-06-11", "time": "10:30", "duration": "45", "vue": "jour", "note": ""},
        follow_redirects=True,
    )
    assert moved.status_code == 200 and "jeudi 11 juin 2026" in moved.text
    assert '<span class="time">10:30–11:15</span>' in moved.text
    row = demo_db.execute(
        text(
            "SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI'), note, sequence"
            " FROM appointments WHERE id = :i"
        ),
        {"i": appointment},
    ).one()
    assert tuple(row) == ("2026-06-11 10:30", None, 1)
    cancelled = camille.post(
        f"/agenda/rendez-vous/{appointment}/annulation", data={"vue": "jour"}, follow_redirects=True
    )
    assert cancelled.status_code == 200 and "Annulé" in cancelled.text
    assert f'action="/agenda/rendez-vous/{appointment}"' not in cancelled.text, (
        "no move form once cancelled"
    )


def test_an_overlap_is_shown_in_french_and_nothing_is_stored(
    api_as: ClientFactory, demo_db: Session
) -> None:
    camille = api_as(4)
    camille.post("/agenda/rendez-vous", data=FORM | {"title": "Casino"})
    before = demo_db.execute(
        text("SELECT count(*) FROM appointments WHERE rep_id = 4")
    ).scalar_one()
    refused = camille.post(
        "/agenda/rendez-vous", data=FORM | {"time": "09:30", "title": "Port Hercule"}
    )
    assert refused.status_code == 409
    assert "chevauche le rendez-vous « Casino » du 10/06/2026 de 09:00 à 10:00" in refused.text
    assert 'value="Port Hercule"' in refused.text and 'value="09:30"' in refused.text, (
        "what was typed stays"
    )
    after = demo_db.execute(text("SELECT count(*) FROM appointments WHERE rep_id = 4")).scalar_one()
    assert after == before


def test_nine_oclock_shows_nine_oclock_on_both_clock_change_sundays(api_as: ClientFactory) -> None:
    camille = api_as(4)
    for day in ("2026-03-29", "2026-10-25"):
        page = camille.post(
            "/agenda/rendez-vous",
            data=FORM | {"date": day, "title": "Heure d'été"},
            follow_redirects=True,
        )
        assert page.status_code == 200
        assert re.search(
            r'<span class="time">09:00–10:00</span>\s*<strong class="title">Heure d', page.text
        ), day
    skipped = camille.post(
        "/agenda/rendez-vous", data=FORM | {"date": "2026-03-29", "time": "02:30"}
    )
    assert skipped.status_code == 422 and "n’existe pas le 29/03/2026" in html.unescape(
        skipped.text
    )


def test_the_feed_address_is_shown_once_then_revoked(api_as: ClientFactory, anonymous) -> None:  # type: ignore[no-untyped-def]
    camille = api_as(4)
    assert "Créer l’adresse d’abonnement" in camille.get("/agenda").text
    made = camille.post("/agenda/abonnement", data={"date": DAY})
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    url = re.search(r'id="feed-url" readonly value="([^"]+)"', made.text).group(1)  # type: ignore[union-attr]
    path = url.split("://", 1)[1].split("/", 1)[1].replace("&amp;", "&")
    assert anonymous.get("/" + path).status_code == 200
    again = camille.get("/agenda").text
    assert "Abonnement actif depuis le" in again and url not in again, "shown once"
    camille.post("/agenda/abonnement/revocation", data={"date": DAY})
    assert anonymous.get("/" + path).status_code == 404


def test_a_manager_opens_a_team_members_agenda_and_the_account_page_links_to_it(
    api_as: ClientFactory, demo_db: Session
) -> None:
    page = api_as(1).get("/agenda?date=2026-04-21&vue=jour&rep=4")
    assert page.status_code == 200
    assert "10:00–11:00" in page.text and "Rendez-vous LAMBDA SARL" in page.text
    assert 'id="calendar-feed"' not in page.text, "the feed is the rep's own"
    account = demo_db.execute(
        text("SELECT account_id FROM account_assignments WHERE owner_id = 4 ORDER BY 1 LIMIT 1")
    ).scalar_one()
    camille = api_as(4)
    assert (
        f'href="/agenda?compte={account}#new-appointment"'
        in camille.get(f"/comptes/{account}").text
    )
    form = camille.get(f"/agenda?compte={account}").text
    assert f'name="account_id" value="{account}"' in form


def test_ma_journee_lists_the_days_appointments_and_says_when_the_plan_is_stale(
    api_as: ClientFactory,
) -> None:
    camille = api_as(4)
    tuesday = "2026-04-21"
    camille.post("/journee/planifier", data={"date": tuesday})
    fresh = camille.get(f"/journee?date={tuesday}").text
    assert re.search(r'<span class="ap-time">10:00–11:00</span> Rendez-vous LAMBDA SARL', fresh)
    assert 'id="plan-stale"' not in fresh
    camille.post(
        "/agenda/rendez-vous",
        data=FORM
        | {
            "date": tuesday,
            "time": "16:00",
            "duration": "30",
            "title": "Dégustation",
            "lon": "7.4236",
            "lat": "43.7425",
        },
    )
    stale = camille.get(f"/journee?date={tuesday}").text
    assert '<span class="ap-time">16:00–16:30</span> Dégustation' in stale
    assert 'id="plan-stale"' in stale
