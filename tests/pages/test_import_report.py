"""The import report page (admin, "Import"): impossible postcodes and months to come are
rejected rows, one message per true problem, numbers written the French way."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import nullcontext
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import get_settings
from fieldcrm.services import imports
from tests.web import ClientFactory

HEADER = "identifiant;raison sociale;adresse;code postal;ville;effectif;latitude;longitude"


def _report(
    api_as: ClientFactory, db: Session, monkeypatch: pytest.MonkeyPatch, kind: str, data: str
) -> tuple[str, list[list[str]]]:
    """The report page of an import run to its end, and its rejected rows' cells."""
    admin = api_as(3)
    answer = admin.post(
        "/import",
        data={"kind": kind},
        files={"file": ("import.csv", data.encode("utf-8"), "text/csv")},
        follow_redirects=False,
    )
    job_page = answer.headers["location"]
    monkeypatch.setattr(imports, "PROGRESS_EVERY_S", 1e9)
    imports.run_import_job(lambda: nullcontext(db), int(job_page.rsplit("/", 1)[1]))
    page = admin.get(job_page).text
    start = page.index('id="import-report"')
    report = page[start : page.index("</section>", start)]
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", report)
    return report, [row.split("</td><td>") for row in rows]


def test_bad_postcodes_and_coordinates_each_get_one_true_message(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [
        HEADER,
        "QA16-001;Boulangerie QA Seize;12 rue de France;06000;Nice;8;;",
        "QA16-002;Café Code Postal Faux;5 avenue de la Gare;0600;Nice;3;;",
        "QA16-010;Café Latitude Folle;2 rue Pairolière;06300;Nice;3;95;7,27",
        "QA16-011;Café Effectif Négatif;8 rue Gioffredo;06000;Nice;-5;;",
    ]
    report, rows = _report(api_as, demo_db, monkeypatch, "accounts", "\n".join(lines) + "\n")
    assert "4 lignes lues : 1 ajoutée, 0 mise à jour, 0 inchangée, 3 rejetées" in report
    assert rows == [
        ["3", "code postal", "un code postal français a 5 chiffres", "0600"],
        ["4", "latitude", "doit être compris entre -90 et 90", "95"],
        ["5", "effectif", "nombre entier de 0 à 10\u202f000\u202f000 attendu", "-5"],
    ]
    stored = demo_db.execute(
        text("SELECT external_id, postcode FROM accounts WHERE external_id LIKE 'QA16%'")
    ).all()
    assert [tuple(r) for r in stored] == [("QA16-001", "06000")]


def test_counts_of_the_report_are_written_the_french_way(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = [f"QA-{n};Café {n};1 rue A;0600;Nice;;;" for n in range(1000)]
    data = "\n".join([HEADER, *bad, "QA-OK;Café Bon;1 rue A;06000;Nice;;;"]) + "\n"
    report, rows = _report(api_as, demo_db, monkeypatch, "accounts", data)
    heading = "1\u202f001 lignes lues : 1 ajoutée, 0 mise à jour, 0 inchangée, 1\u202f000 rejetées"
    assert heading in report
    assert len(rows) == 1000


def test_sales_of_a_month_to_come_are_rejected_naming_row_and_column(
    api_as: ClientFactory, demo_db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.datetime.now(ZoneInfo(get_settings().scoring_timezone)).date()
    coming = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    account = demo_db.execute(
        text("SELECT external_id FROM accounts WHERE external_id IS NOT NULL ORDER BY id LIMIT 1")
    ).scalar_one()
    data = f"identifiant;mois;chiffre d'affaires\n{account};{coming:%Y-%m};900\n"
    report, rows = _report(api_as, demo_db, monkeypatch, "sales", data)
    assert "1 ligne lue : 0 ajoutée, 0 mise à jour, 0 inchangée, 1 rejetée" in report
    assert "1 lignes" not in report and "1 rejetées" not in report
    reason = (
        f"mois à venir ({coming:%m/%Y}) : les ventes s’importent jusqu’au mois en cours "
        f"({today:%m/%Y})"
    )
    assert rows == [["2", "mois", reason, f"{coming:%Y-%m}"]]
    stored = demo_db.execute(
        text("SELECT count(*) FROM monthly_sales WHERE month >= :m"), {"m": coming}
    ).scalar_one()
    assert stored == 0


@pytest.mark.parametrize(
    ("files", "said"),
    [
        (
            {"file": ("vide.csv", b"", "text/csv")},
            "fichier : le fichier est vide (reçu : «vide.csv»)",
        ),
        ({"file": ("", b"", "application/octet-stream")}, "fichier : choisissez un fichier"),
        ({}, "fichier : choisissez un fichier"),
    ],
)
def test_an_empty_or_missing_file_is_the_form_again_saying_so(
    api_as: ClientFactory, demo_db: Session, files: dict[str, object], said: str
) -> None:
    """An empty file, or none chosen: the import form again (the content chosen kept), the
    problem next to the file; not a bare « Erreur 422 » page, and no import queued."""
    jobs = "SELECT count(*) FROM jobs"
    before = demo_db.execute(text(jobs)).scalar()
    page = api_as(3).post("/import", data={"kind": "sales"}, files=files, follow_redirects=False)
    assert page.status_code == 422
    assert '<form method="post" action="/import"' in page.text
    assert '<option value="sales" selected>' in page.text
    error = re.search(r'<span class="error field-error" id="file-error">(.*?)</span>', page.text)
    assert error and error.group(1) == said.replace("«", "«\u00a0").replace("»", "\u00a0»")
    assert 'aria-describedby="file-error"' in page.text
    assert demo_db.execute(text(jobs)).scalar() == before
