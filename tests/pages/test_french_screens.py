"""Screens read in French show French words and French numbers (after a walk on a phone)."""

from __future__ import annotations

import re

import pytest
from matplotlib.axes import Axes
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.geocoding.model import PRECISION_LABELS, STATUS_LABELS
from fieldcrm.http.i18n import translations
from fieldcrm.pages.templating import ACTIVITY_KINDS, PRIORITY_BANDS
from tests.web import ClientFactory

MONACO = {"lon": 7.4246, "lat": 43.7384, "rayon": 25000}


def _section(page: str, marker: str) -> str:
    """The HTML from ``marker`` to the end of its section."""
    start = page.index(marker)
    return page[start : page.index("</section>", start)]


def _account_with_history(db: Session) -> int:
    """A client with calls in its history, scored as the rules run would store it."""
    account_id = int(
        db.execute(
            text("""
            SELECT a.id FROM accounts a
            WHERE a.kind = 'client'
              AND EXISTS (SELECT 1 FROM activities v WHERE v.account_id = a.id AND v.kind = 'call')
            ORDER BY a.id LIMIT 1""")
        ).scalar_one()
    )
    db.execute(
        text("""
        INSERT INTO account_priorities (account_id, score, band, computed_at, rfm_r, rfm_f,
            rfm_m, rfm_points, potential, potential_pct, potential_points)
        VALUES (:id, 26.0, 'normal', now(), 3, 3, 4, 17.5, 40000, 0.85, 8.5)
        ON CONFLICT (account_id) DO UPDATE SET score = 26.0, band = 'normal', rfm_r = 3,
            rfm_f = 3, rfm_m = 4, rfm_points = 17.5, potential = 40000, potential_pct = 0.85,
            potential_points = 8.5"""),
        {"id": account_id},
    )
    return account_id


def test_nearby_distances_have_a_decimal_comma(api_as: ClientFactory) -> None:
    page = api_as(4).get("/autour", params=MONACO).text
    listed = page[page.index('id="nearby"') :]
    assert re.search(r"\d+,\d km", listed), listed[:600]
    assert not re.search(r"\d+\.\d km", listed)


def test_account_page_speaks_french(api_as: ClientFactory, demo_db: Session) -> None:
    account_id = _account_with_history(demo_db)
    demo_db.execute(
        text(
            "UPDATE accounts SET geocode_status = 'matched', geocode_precision = 'housenumber' "
            "WHERE id = :id"
        ),
        {"id": account_id},
    )
    page = api_as(1).get(f"/comptes/{account_id}").text
    details = _section(page, 'id="details"')
    assert "Géocodage : placé (au numéro)" in details
    assert "matched" not in details and "housenumber" not in details

    priority = _section(page, 'id="priority"')
    assert "RFM 3/3/4 : +17,5" in priority
    assert "Potentiel : +8,5" in priority
    assert "Total : 26,0 (normale)" in priority
    assert not re.search(r"\d\.\d", priority)

    history = page[page.index('id="activities"') :]
    history = history[: history.index("</ul>")]
    kinds = set(re.findall(r"\d\d/\d\d/\d{4} · ([^·<]+?)(?: ·|</span>)", history))
    assert kinds and kinds <= set(ACTIVITY_KINDS.values()), kinds
    assert not re.search(r"· (visit|call|email|meeting)\b", history)


@pytest.mark.parametrize(
    ("lang", "title"), [("fr", "Chiffre d’affaires mensuel"), ("en", "Monthly revenue")]
)
def test_sales_chart_title_is_in_the_readers_language_only(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch, lang: str, title: str
) -> None:
    titles: list[str] = []
    original = Axes.set_title

    def spy(self: Axes, label: str, *args: object, **kwargs: object) -> object:
        titles.append(label)
        return original(self, label, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Axes, "set_title", spy)
    account_id = _account_with_history(demo_db)
    chart = api_as(1).get(f"/comptes/{account_id}/ventes.png", params={"lang": lang})
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    assert titles == [title]


def test_geocoding_review_shows_french_precisions_and_scores(
    api_as: ClientFactory, demo_db: Session
) -> None:
    from fieldcrm.geo import GeoPoint
    from fieldcrm.geocoding.model import GeocodeResult
    from fieldcrm.geocoding.normalize import normalize_address
    from fieldcrm.geocoding.quality import assess
    from fieldcrm.services import geocoding

    address = normalize_address("12 rue de France", None, "06000", "Nice")
    verdict = assess(
        GeocodeResult("offline", GeoPoint(7.27, 43.70), "municipality", 1.0), address, threshold=0.6
    )
    demo_db.execute(
        text("""
        UPDATE accounts SET geocode_status = 'to_review', geocode_precision = 'municipality',
               geocode_score = 1.0, geocode_reason = :reason
        WHERE id = (SELECT min(id) FROM accounts)"""),
        {"reason": verdict.reason},
    )
    demo_db.execute(text("UPDATE accounts SET geocode_status = 'pending' WHERE id % 2 = 0"))
    todo = geocoding.count_todo(demo_db)
    assert todo >= 1000
    page = api_as(2).get("/geocodage").text
    review = page[page.index('id="review"') :]
    assert "à la commune (1,00)" in review
    assert "précision à la commune (attendue : au numéro)" in review
    assert "municipality" not in review and "housenumber" not in review
    assert "1.00" not in review
    backlog = f"{todo:,}".replace(",", "\u202f")
    assert f"{backlog} comptes attendent" in page


def test_every_label_has_its_english_word() -> None:
    english = translations("en")
    for labels in (STATUS_LABELS, PRECISION_LABELS, ACTIVITY_KINDS, PRIORITY_BANDS):
        for code, french in labels.items():
            if french != "—":
                assert english.gettext(french) != french, (code, french)


def _rule_task(db: Session, rep_id: int) -> tuple[int, str]:
    """The shipped rules stored, and one alert of "declining-key-account" with its task, its
    in-app notification for ``rep_id``, on one of the rep's accounts."""
    from fieldcrm.config import PACKAGE_DATA
    from fieldcrm.services import scoring

    scoring.import_rules(db, (PACKAGE_DATA / "rules" / "declining_key_account.yaml").read_text())
    account_id = db.execute(
        text("SELECT min(account_id) FROM account_assignments WHERE owner_id = :rep"),
        {"rep": rep_id},
    ).scalar_one()
    alert_id = db.execute(
        text("""
        INSERT INTO alerts (rule_key, account_id, period, severity, message, recipient_id)
        VALUES ('declining-key-account', :account, '2026-04', 'high', 'CA en baisse', :rep)
        RETURNING id"""),
        {"account": account_id, "rep": rep_id},
    ).scalar_one()
    db.execute(
        text("""
        INSERT INTO notifications (user_id, alert_id, channel, subject, body, status)
        VALUES (:rep, :alert, 'in_app', 'CA en baisse', 'CA en baisse', 'sent')"""),
        {"rep": rep_id, "alert": alert_id},
    )
    db.execute(
        text("""
        INSERT INTO tasks (account_id, assignee_id, title, due_date, alert_id)
        VALUES (:account, :rep, 'Visiter (CA en baisse)', DATE '2026-04-29', :alert)"""),
        {"account": account_id, "rep": rep_id, "alert": alert_id},
    )
    return int(account_id), "CA en baisse sur un compte à fort potentiel"


def test_tasks_and_alerts_name_the_rule_not_its_key(
    api_as: ClientFactory, demo_db: Session
) -> None:
    account_id, name = _rule_task(demo_db, 4)
    camille = api_as(4)
    tasks = camille.get("/mes-taches").text
    table = tasks[tasks.index('id="tasks"') :]
    assert f">{name}</span>" in table
    assert ">declining-key-account<" not in table
    account = camille.get(f"/comptes/{account_id}").text
    own = _section(account, 'id="account-tasks"')
    assert name in own and ">declining-key-account<" not in own
    inbox = camille.get("/alertes").text
    chooser = inbox[
        inbox.index('id="alert-filter"') : inbox.index("</form>", inbox.index('id="alert-filter"'))
    ]
    assert 'value="declining-key-account"' in chooser
    assert f">{name} (1)</option>" in chooser


def test_map_scale_is_metric_only(api_as: ClientFactory) -> None:
    page = api_as(4).get("/autour", params=MONACO).text
    assert "L.control.scale({imperial: false})" in page
    assert "L.control.scale()" not in page


def test_background_jobs_show_periods_in_french(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(
        text("""
        INSERT INTO scheduled_runs (name, period, started_at) VALUES
            ('geocoding', '2026-12-06T07:00', now() + interval '3 days'),
            ('retention', '2026-W49', now() + interval '2 days'),
            ('rules', '2026-12-06', now() + interval '1 day')""")
    )
    page = api_as(3).get("/taches").text
    for shown in ("06/12/2026 07:00", "semaine 49 de 2026", "<td>06/12/2026</td>"):
        assert shown in page, shown
    for raw in ("2026-12-06T07:00", "2026-W49", "2026-12-06<"):
        assert raw not in page, raw
    english = api_as(3).get("/taches", params={"lang": "en"}).text
    assert "week 49 of 2026" in english


def test_background_jobs_name_jobs_in_french(api_as: ClientFactory, demo_db: Session) -> None:
    demo_db.execute(
        text("""
        INSERT INTO scheduled_runs (name, period, started_at, finished_at, outcome) VALUES
            ('exports', '2026-12-07T03:45', now() + interval '3 days', now() + interval '3 days',
             '0 fichier(s) d’export supprimé(s) (vm:6938)')""")
    )
    demo_db.execute(
        text("""INSERT INTO procrastinate_jobs (queue_name, task_name, status, args)
                VALUES ('fieldcrm', 'fieldcrm.export_file', 'failed', '{}')""")
    )
    page = api_as(3).get("/taches").text
    scheduled = page[page.index('id="scheduled"') :]
    assert "<td>Nettoyage des exports</td>" in scheduled
    assert "<td>0 fichier(s) d’export supprimé(s)<br>" in scheduled
    assert "serveur vm, processus 6938" in scheduled
    assert "(vm:6938)" not in page and ">exports<" not in page
    failed = page[page.index('id="failed-jobs"') : page.index('id="undelivered"')]
    assert "Export de fichier" in failed and "fieldcrm.export_file" not in failed


@pytest.mark.parametrize(
    ("lang", "exports", "geocoding"),
    [
        ("fr", "2 fichiers d’export supprimés", "1 lot géocodé"),
        ("en", "2 export files deleted", "1 batch geocoded"),
    ],
)
def test_background_jobs_word_their_results_with_counted_nouns(
    api_as: ClientFactory, demo_db: Session, lang: str, exports: str, geocoding: str
) -> None:
    from fieldcrm.services.background import run_outcome

    for name, outcome in (
        ("exports", run_outcome("exports_purged", files=2)),
        ("geocoding", run_outcome("geocoded", batches=1)),
    ):
        demo_db.execute(
            text("""INSERT INTO scheduled_runs (name, period, started_at, finished_at, outcome)
                    VALUES (:name, '2026-12-07T03:45', now() + interval '3 days',
                            now() + interval '3 days', :outcome)"""),
            {"name": name, "outcome": f"{outcome} (vm:6938)"},
        )
    page = api_as(3).get("/taches", params={"lang": lang}).text
    scheduled = page[page.index('id="scheduled"') :]
    assert f"<td>{exports}<br>" in scheduled
    assert f"<td>{geocoding}<br>" in scheduled
    assert "(s)" not in scheduled and '"what"' not in scheduled


def test_import_report_names_columns_and_reasons_in_french(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import nullcontext

    from fieldcrm.services import imports

    rows = (
        "Raison sociale;Adresse;Code postal;Ville\r\n"
        ";2 avenue de Verdun;06240;Beausoleil\r\n"
        "Café Riviera;1 quai Antoine;062;Beausoleil\r\n"
    ).encode("cp1252")
    office = api_as(1)
    answer = office.post(
        "/import",
        data={"kind": "accounts"},
        files={"file": ("clients.csv", rows, "text/csv")},
        follow_redirects=False,
    )
    job_page = answer.headers["location"]
    monkeypatch.setattr(imports, "PROGRESS_EVERY_S", 1e9)
    imports.run_import_job(lambda: nullcontext(demo_db), int(job_page.rsplit("/", 1)[1]))
    page = office.get(job_page).text
    table = page[page.index('id="rejected"') : page.index("</table>", page.index('id="rejected"'))]
    assert "<td>raison sociale</td><td>la raison sociale est obligatoire</td>" in table
    assert "<td>code postal</td><td>un code postal français a 5 chiffres</td>" in table
    for english in ("<td>name</td>", "<td>postcode</td>", "required", "digits"):
        assert english not in table, english


def test_column_labels_are_headers_an_import_understands() -> None:
    from fieldcrm.accounts.french_csv import COLUMN_LABELS, HEADER_SYNONYMS, fold

    for field, label in COLUMN_LABELS.items():
        assert fold(label) in HEADER_SYNONYMS[field], (field, label)
