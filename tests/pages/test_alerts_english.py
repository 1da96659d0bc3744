"""A date reminder read in its reader's language: the alert keeps its data
(``details.reminder``) and the account page and « Alertes » word it through the catalogue,
French readers as it was stored; an alert stored as text only reads as stored."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.scoring.reminders import MESSAGES, reminder_subject, reminder_text
from fieldcrm.services import scoring
from tests.pages.test_french_screens import _section
from tests.web import ClientFactory

FRENCH = re.compile(r"retraite|rencontrer|successeur|Rappel|Fin de contrat|renouvellement|le \d")


def _retiring_buyer(db: Session, rep_id: int) -> tuple[int, str]:
    """A contact of one of the rep's accounts who retires on 1 July 2026: (account id, name)."""
    account_id, name = db.execute(
        text("""SELECT a.id, a.name FROM accounts a
                JOIN account_assignments s ON s.account_id = a.id
                WHERE s.owner_id = :rep ORDER BY a.id LIMIT 1"""),
        {"rep": rep_id},
    ).one()
    contact_id = db.execute(
        text("""INSERT INTO contacts (account_id, first_name, last_name)
                VALUES (:account, 'Jean', 'Dupont') RETURNING id"""),
        {"account": account_id},
    ).scalar_one()
    db.execute(
        text("""INSERT INTO contact_dates (contact_id, kind, date)
                VALUES (:contact, 'retirement', DATE '2026-07-01')"""),
        {"contact": contact_id},
    )
    return int(account_id), str(name)


def _account_alerts(page: str) -> str:
    found = re.search(r"<h2>(?:Alertes|Alerts)</h2><ul>(.*?)</ul>", page, re.S)
    assert found, page
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def _inbox(page: str) -> str:
    cards = page.split('<ul class="stops" id="alerts">', 1)[1].split("</ul>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", cards))


def test_a_reminder_reads_in_the_readers_language(api_as: ClientFactory, demo_db: Session) -> None:
    account_id, name = _retiring_buyer(demo_db, 4)
    scoring.run_rules(demo_db, as_of=dt.date(2026, 5, 2))
    stored = demo_db.execute(
        text("""SELECT message, details FROM alerts
                WHERE account_id = :id AND rule_key LIKE 'reminder:retirement:%'"""),
        {"id": account_id},
    ).one()
    french = f"Jean Dupont ({name}) part à la retraite le 01/07/2026 : rencontrer son successeur"
    assert stored.message == french
    assert stored.details["reminder"]["on"] == "2026-07-01"
    english = f"Jean Dupont ({name}) retires on 1 Jul 2026: meet their successor"
    camille = api_as(4)

    page = _account_alerts(camille.get(f"/comptes/{account_id}", params={"lang": "en"}).text)
    assert english in page
    assert not FRENCH.search(page), page
    assert french in _account_alerts(camille.get(f"/comptes/{account_id}").text)

    inbox = _inbox(camille.get("/alertes", params={"lang": "en"}).text)
    assert f"Reminder: {english}" in inbox
    assert not FRENCH.search(inbox), inbox
    french_inbox = _inbox(camille.get("/alertes", params={"lang": "fr"}).text)
    assert f"Rappel : {french}" in french_inbox and "[fieldcrm]" not in french_inbox

    # its task, titled with the reminder's sentence
    for lang, said in (("en", english), ("fr", french)):
        account = camille.get(f"/comptes/{account_id}", params={"lang": lang}).text
        assert said in html.unescape(_section(account, 'id="account-tasks"')), lang
        tasks = camille.get("/mes-taches", params={"lang": lang}).text
        assert said in html.unescape(tasks[tasks.index('id="tasks"') :]), lang


def test_a_reminders_mail_is_in_its_recipients_language(demo_db: Session) -> None:
    demo_db.execute(text("UPDATE users SET language = 'en' WHERE id = 4"))
    english_account, english_name = _retiring_buyer(demo_db, 4)
    french_account, french_name = _retiring_buyer(demo_db, 5)
    assert demo_db.execute(text("SELECT language FROM users WHERE id = 5")).scalar_one() == "fr"
    scoring.run_rules(demo_db, as_of=dt.date(2026, 5, 2))
    sent = {
        (account, channel): (subject, body)
        for account, channel, subject, body in demo_db.execute(
            text("""SELECT al.account_id, n.channel, n.subject, n.body
                    FROM notifications n JOIN alerts al ON al.id = n.alert_id
                    WHERE al.rule_key LIKE 'reminder:retirement:%'
                      AND al.account_id IN (:en, :fr)"""),
            {"en": english_account, "fr": french_account},
        )
    }
    english = f"Jean Dupont ({english_name}) retires on 1 Jul 2026: meet their successor"
    for channel in ("email", "in_app"):
        assert sent[(english_account, channel)] == (f"[fieldcrm] Reminder: {english}", english)
    french = (
        f"Jean Dupont ({french_name}) part à la retraite le 01/07/2026 : rencontrer son successeur"
    )
    for channel in ("email", "in_app"):
        assert sent[(french_account, channel)] == (f"[fieldcrm] Rappel : {french}", french)


def test_an_alert_stored_as_text_only_reads_as_stored(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account_id, _ = _retiring_buyer(demo_db, 4)
    scoring.run_rules(demo_db, as_of=dt.date(2026, 5, 2))
    demo_db.execute(
        text("UPDATE alerts SET details = details - 'reminder' WHERE account_id = :id"),
        {"id": account_id},
    )
    page = _account_alerts(api_as(4).get(f"/comptes/{account_id}", params={"lang": "en"}).text)
    assert "part à la retraite le 01/07/2026 : rencontrer son successeur" in page


@pytest.mark.parametrize("kind", [*MESSAGES, "unknown"])
@pytest.mark.parametrize("named", [True, False])
def test_every_reminder_has_its_english_words(kind: str, named: bool) -> None:
    from fieldcrm.http.alert_text import alert_message, alert_subject

    data = {
        "kind": kind,
        "contact": "Jean Dupont" if named else "",
        "contact_id": 7,
        "account": "LAMBDA SARL" if named else "",
        "account_id": 3,
        "on": "2026-12-24",
        "label": "Inventaire" if named else "",
    }
    english = alert_message("stored", data, "en")
    assert "24 Dec 2026" in english and not FRENCH.search(english), english
    assert not re.search(r"compte|Date importante", english), english
    assert alert_subject("stored", data, "en") == f"Reminder: {english}"
    assert alert_message("stored", data, "fr") == reminder_text(data)
    assert alert_subject("stored", data, "fr") == reminder_subject(data)
    assert "24/12/2026" in reminder_text(data)
