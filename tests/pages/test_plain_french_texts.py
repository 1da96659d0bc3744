"""Texts a French user reads, never raw or English (QA walk of the demo): alerts written like
the dry run and without the e-mail prefix, one spelling of a severity, YAML errors with line
and column, rule titles instead of keys, precision levels in words, no CLI hint for managers,
and a far check-in said aloud on the account page."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import PACKAGE_DATA
from fieldcrm.notify.email import MAIL_PREFIX, in_app_subject, mail_subject
from fieldcrm.pages.templating import TEMPLATES
from fieldcrm.services import scoring
from fieldcrm.store.tables import Notification
from tests.conftest import DEMO_TODAY
from tests.web import ClientFactory

ISO_MONTH = re.compile(r"\b\d{4}-\d{2}\b")
ENGLISH_PERCENT = re.compile(r"-\d+\.\d+ ?%")


def _ship_rules(db: Session) -> None:
    for path in sorted((PACKAGE_DATA / "rules").glob("*.yaml")):
        scoring.import_rules(db, path.read_text(encoding="utf-8"))


def test_the_mail_prefix_is_for_mail_only() -> None:
    assert mail_subject("LAMBDA SARL : CA") == "[fieldcrm] LAMBDA SARL : CA"
    assert mail_subject("[fieldcrm] LAMBDA SARL : CA") == "[fieldcrm] LAMBDA SARL : CA"
    assert in_app_subject("[fieldcrm] LAMBDA SARL : CA") == "LAMBDA SARL : CA"
    assert in_app_subject("LAMBDA SARL : CA [fieldcrm]") == "LAMBDA SARL : CA [fieldcrm]"


def test_stored_alerts_read_exactly_like_the_dry_run_in_french(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _ship_rules(demo_db)
    dry = scoring.run_rules(demo_db, as_of=DEMO_TODAY, dry_run=True, keep=1000)
    previewed = {
        (f.rule_key, f.account): f.subject
        for f in dry.fired
        if f.rule_key == "declining-key-account"
    }
    assert previewed
    scoring.run_rules(demo_db, as_of=DEMO_TODAY)
    stored = demo_db.execute(
        text("""SELECT al.rule_key, ac.name, al.message FROM alerts al
                JOIN accounts ac ON ac.id = al.account_id
                WHERE al.rule_key = 'declining-key-account'""")
    ).all()
    assert len(stored) == len(previewed)
    subjects = {
        (n.subject, n.body)
        for n in demo_db.query(Notification).filter(Notification.channel == "in_app").all()
    }
    for rule_key, name, message in stored:
        subject = previewed[(rule_key, name)]
        assert subject.startswith(MAIL_PREFIX)  # the e-mail keeps its prefix
        assert any(s == subject and b == message for s, b in subjects), (subject, message)
        for shown in (subject, message):
            assert not ISO_MONTH.search(shown) and not ENGLISH_PERCENT.search(shown), shown
            assert re.search(r"[−+]\d+,\d %", shown), shown

    page = api_as(4).get("/alertes").text
    assert "[fieldcrm]" not in page
    cards = page.split('<ul class="stops" id="alerts">', 1)[1].split("</ul>", 1)[0]
    badges = re.findall(r'<span class="badge (\w+)">([^<]*)</span>', cards)
    assert badges and {label for severity, label in badges if severity == "high"} == {"importante"}
    first_subject = re.search(r"</span>\s*<strong>([^<]*)</strong>", cards)
    assert first_subject and not first_subject[1].startswith("[")


def test_a_yaml_syntax_error_names_line_and_column_in_french(api_as: ClientFactory) -> None:
    broken = "key: x\nwhen: [potential, 2\nthen: []\n"
    answer = api_as(1).post("/regles", data={"document": broken, "action": "validate"})
    assert answer.status_code == 422
    problems = answer.text.split('id="problems">', 1)[1].split("</ul>", 1)[0]
    assert "YAML invalide à la ligne 3, colonne 5 : crochet « ] » ou virgule attendus" in problems
    assert "while parsing" not in problems and "unicode string" not in problems
    tab = api_as(1).post("/regles", data={"document": "key: x\n\twhen: 1\n", "action": "validate"})
    assert "YAML invalide à la ligne 2, colonne 1 : tabulation interdite" in tab.text


def test_the_priority_explanation_names_the_rule_by_its_title(
    api_as: ClientFactory, demo_db: Session
) -> None:
    _ship_rules(demo_db)
    scoring.run_rules(demo_db, as_of=DEMO_TODAY)
    account_id = demo_db.execute(
        text("""SELECT p.account_id FROM account_priorities p
                JOIN account_assignments aa ON aa.account_id = p.account_id
                WHERE 'declining-key-account' = ANY(p.rule_keys) AND aa.owner_id = 4
                ORDER BY p.account_id LIMIT 1""")
    ).scalar_one()
    title = scoring.rule_names(demo_db)["declining-key-account"]
    assert title != "declining-key-account"
    page = api_as(4).get(f"/comptes/{account_id}").text
    assert f"Règle « {title} » : +30" in page
    assert "Règle declining-key-account" not in page and "<code>declining-key-account" not in page


def test_geocoding_review_writes_precision_in_words_and_no_cli(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account_id = demo_db.execute(text("SELECT min(id) FROM accounts")).scalar_one()
    demo_db.execute(
        text("""UPDATE accounts SET geocode_status = 'to_review', geocode_precision = 'municipality',
                geocode_reason = 'précision municipality (attendue : housenumber)' WHERE id = :id"""),
        {"id": account_id},
    )
    page = api_as(2).get("/geocodage", params={"statut": "to_review"}).text
    assert "précision à la commune (attendue : au numéro)" in page
    assert "municipality" not in page.split('id="review"', 1)[1]
    assert "fieldcrm geocode" not in page
    assert 'id="geocode-batch"' in page  # the in-app way stays


def test_geocode_reason_filter_keeps_french_reasons_as_they_are() -> None:
    render = TEMPLATES.env.from_string("{{ r|geocode_reason }}").render
    assert render(r="précision street (attendue : housenumber); score 0,4 < 0,6") == (
        "précision à la rue (attendue : au numéro); score 0,4 &lt; 0,6"
    )
    assert render(r="aucune correspondance") == "aucune correspondance"
    assert render(r=None) == ""


def test_a_far_check_in_is_said_on_the_account_page(
    api_as: ClientFactory, demo_db: Session
) -> None:
    row = demo_db.execute(
        text("""SELECT a.id, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat FROM accounts a
                JOIN account_assignments aa ON aa.account_id = a.id
                WHERE aa.owner_id = 4 AND a.geom IS NOT NULL ORDER BY a.id LIMIT 1""")
    ).one()
    rep = api_as(4)

    def activities() -> str:
        page: str = rep.get(f"/comptes/{row.id}").text
        return page.split('id="activities"', 1)[1].split("</ul>", 1)[0]

    assert "km du compte" not in activities()
    # about 2.4 km east of the account
    far = rep.post(
        "/api/visits",
        json={
            "account_id": row.id,
            "client_key": "far-txt-01",
            "lon": row.lon + 0.0297,
            "lat": row.lat,
        },
    ).json()
    assert far["far_from_account"] is True
    km = f"{far['distance_m'] / 1000:.1f}".replace(".", ",")
    warning = (
        f"Pointage à distance ({km} km du compte) : il ne compte comme visite qu’avec son "
        "compte rendu. Vérifiez l’adresse ou le lieu du compte."
    )
    assert km == "2,4" and warning in activities() and far["warning"] == warning
    near = rep.post(
        "/api/visits",
        json={"account_id": row.id, "client_key": "near-txt-01", "lon": row.lon, "lat": row.lat},
    ).json()
    assert near["far_from_account"] is False
    assert activities().count("km du compte") == 1  # the near check-in says nothing
