"""A strategic rule's alert in its reader's language: the demo's rules give their texts in
English too, so an English reader of the account page, « Alertes », « Mes tâches » and an
English recipient's mail read no French; French readers read what the run stored, as
before; a text a rule gives in French only reads in French for everyone."""

from __future__ import annotations

import datetime as dt
import html
import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.services import scoring
from tests.pages.test_alerts_english import _account_alerts, _inbox
from tests.pages.test_french_screens import _section
from tests.web import ClientFactory

AS_OF = dt.date(2026, 4, 15)
FRENCH = re.compile(
    r"créé|qualifié|toujours|et potentiel|potentiel|Prospect à|non qualifié|depuis plus|jours|Rappel"
)


def _shipped_rules(db: Session) -> None:
    """The demo's rules, as ``fieldcrm demo`` stores them."""
    for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
        scoring.import_rules(db, path.read_text(encoding="utf-8"))


def _stale_prospect(db: Session, rep_id: int) -> tuple[int, str]:
    """One of the rep's accounts made a prospect created 100 days before ``AS_OF``, never
    qualified: the demo's rule « stale-prospect » fires for it. (account id, name)"""
    _shipped_rules(db)
    account_id, name = db.execute(
        text("""SELECT a.id, a.name FROM accounts a
                JOIN account_assignments s ON s.account_id = a.id
                WHERE s.owner_id = :rep ORDER BY a.id LIMIT 1"""),
        {"rep": rep_id},
    ).one()
    db.execute(
        text("""UPDATE accounts SET kind = 'prospect', qualification = NULL, potential_eur_month = NULL,
                       created_at = TIMESTAMPTZ '2026-01-05 10:00+01' WHERE id = :id"""),
        {"id": account_id},
    )
    return int(account_id), str(name)


def _read_all_but(db: Session, user_id: int, account_id: int) -> None:
    """Mark read the user's notifications of other accounts (« Non lues » shows this one)."""
    db.execute(
        text("""UPDATE notifications n SET read_at = now() FROM alerts al
                WHERE al.id = n.alert_id AND n.user_id = :user AND al.account_id <> :id"""),
        {"user": user_id, "id": account_id},
    )


def _english(name: str) -> str:
    return f"{name} was created 100 days ago and is still not qualified"


def _french(name: str) -> str:
    return f"{name} a été créé il y a 100 jours et n’est toujours pas qualifié"


def test_a_rule_with_english_texts_reads_english_to_english_readers(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account_id, name = _stale_prospect(demo_db, 4)
    scoring.run_rules(demo_db, as_of=AS_OF)
    stored = demo_db.execute(
        text("SELECT message, details FROM alerts WHERE account_id = :id AND rule_key = :k"),
        {"id": account_id, "k": "stale-prospect"},
    ).one()
    assert stored.message.startswith(_french(name))  # French stored as before
    assert stored.details["wording"]["values"]["days_since_creation"] == 100
    camille = api_as(4)

    page = _account_alerts(camille.get(f"/comptes/{account_id}", params={"lang": "en"}).text)
    assert _english(name) in page and "(qualification and potential empty)" in page
    assert not FRENCH.search(page), page
    assert _french(name) in _account_alerts(camille.get(f"/comptes/{account_id}").text)

    _read_all_but(demo_db, 4, account_id)  # the demo's other prospects fill a page
    only_mine = {"unread": "true", "regle": "stale-prospect"}
    inbox_page = camille.get("/alertes", params={"lang": "en", **only_mine}).text
    inbox = _inbox(inbox_page)
    assert f"Prospect to qualify: {name}" in inbox and _english(name) in inbox
    assert not FRENCH.search(inbox), inbox
    start = inbox_page.index('id="alert-filter"')
    rules_filter = html.unescape(inbox_page[start : inbox_page.index("</form>", start)])
    assert "Prospect unqualified for more than 2 months" in rules_filter
    assert not FRENCH.search(rules_filter), rules_filter
    french_inbox = camille.get("/alertes", params={"lang": "fr", **only_mine}).text
    assert f"Prospect à qualifier : {name}" in html.unescape(french_inbox)
    assert "Prospect non qualifié depuis plus de 2 mois" in html.unescape(french_inbox)

    # the demo's other rule, with amounts, months and changes: English numbers and months
    declining = _inbox(
        camille.get("/alertes", params={"lang": "en", "regle": "declining-key-account"}).text
    )
    assert re.search(r": revenue \w+ 2026 −\d+\.\d% on \w+ 2025", declining), declining
    assert re.search(
        r"at €[\d,]+ \(−\d+\.\d% on \w+ 2025, €[\d,]+\), potential €[\d,]+/month", declining
    )
    assert not re.search(r"CA |par rapport|potentiel|mars|jours|/mois|\d,\d %", declining), (
        declining
    )


def test_a_rules_mail_is_in_its_recipients_language(demo_db: Session) -> None:
    demo_db.execute(text("UPDATE users SET language = 'en' WHERE id = 4"))
    english_account, english_name = _stale_prospect(demo_db, 4)
    french_account, french_name = _stale_prospect(demo_db, 5)
    assert demo_db.execute(text("SELECT language FROM users WHERE id = 5")).scalar_one() == "fr"
    scoring.run_rules(demo_db, as_of=AS_OF)
    sent = {
        (account, channel): (subject, body)
        for account, channel, subject, body in demo_db.execute(
            text("""SELECT al.account_id, n.channel, n.subject, n.body
                    FROM notifications n JOIN alerts al ON al.id = n.alert_id
                    WHERE al.rule_key = 'stale-prospect' AND al.account_id IN (:en, :fr)"""),
            {"en": english_account, "fr": french_account},
        )
    }
    for channel in ("email", "in_app"):
        subject, body = sent[(english_account, channel)]
        assert subject == f"[fieldcrm] Prospect to qualify: {english_name}"
        assert body.startswith(_english(english_name)) and not FRENCH.search(body), body
        subject, body = sent[(french_account, channel)]
        assert subject == f"[fieldcrm] Prospect à qualifier : {french_name}"
        assert body.startswith(_french(french_name))


def test_a_rule_without_english_reads_in_french(api_as: ClientFactory, demo_db: Session) -> None:
    account_id, name = _stale_prospect(demo_db, 4)
    demo_db.execute(text("UPDATE rules SET enabled = false"))
    scoring.save_rule(
        demo_db,
        {
            "key": "a-rappeler",
            "name": {"fr": "À rappeler", "en": "To call back"},
            "when": {"kind": "prospect", "days_since_creation": {"eq": 100}},
            "then": [
                {
                    "alert": {
                        "message": "Rappeler {account} (créé il y a {days_since_creation} jours)",
                        "subject": {
                            "fr": "À rappeler : {account}",
                            "en": "To call back: {account}",
                        },
                    }
                },
                {"task": {"title": {"fr": "Appeler {account}", "en": "Call {account}"}}},
                {"task": {"title": "Relancer {account}"}},
            ],
        },
    )
    scoring.run_rules(demo_db, as_of=AS_OF)
    camille = api_as(4)
    french = f"Rappeler {name} (créé il y a 100 jours)"
    page = _account_alerts(camille.get(f"/comptes/{account_id}", params={"lang": "en"}).text)
    assert french in page  # no English message: the French one

    _read_all_but(demo_db, 4, account_id)
    only_mine = {"lang": "en", "unread": "true", "regle": "a-rappeler"}
    inbox = _inbox(camille.get("/alertes", params=only_mine).text)
    assert f"To call back: {name}" in inbox and french in inbox

    account = camille.get(f"/comptes/{account_id}", params={"lang": "en"}).text
    tasks = html.unescape(_section(account, 'id="account-tasks"'))
    assert f"Call {name}" in tasks and f"Relancer {name}" in tasks  # each task its own text
    assert f"Appeler {name}" not in tasks
    french_tasks = html.unescape(_section(camille.get(f"/comptes/{account_id}").text,
                                          'id="account-tasks"'))  # fmt: skip
    assert f"Appeler {name}" in french_tasks and f"Call {name}" not in french_tasks


def test_the_editor_says_texts_may_be_given_in_english(api_as: ClientFactory) -> None:
    manager = api_as(1)
    english = html.unescape(_section(manager.get("/regles?lang=en").text, 'id="rules-help"'))
    assert "Texts (name, description, subject, message, title): in French, or per language:" in (
        english
    )
    assert "English is optional: where it is missing, English readers read the French text." in (
        english
    )
    french = html.unescape(_section(manager.get("/regles").text, 'id="rules-help"'))
    assert "L’anglais est facultatif : là où il manque, les lecteurs anglais lisent" in french
    assert '{fr: "…", en: "…"}' in french
    # the new rule the editor offers shows how, and is valid
    editor = html.unescape(manager.get("/regles").text.split("<textarea", 1)[1])
    document = editor.split(">", 1)[1].split("</textarea>", 1)[0]
    assert 'en: "{account} to qualify"' in document
    checked = manager.post("/regles", data={"document": document, "action": "validate"})
    assert checked.status_code == 200 and "Règle « prospect-a-qualifier » valide." in (
        html.unescape(checked.text)
    )
