"""A validated month's stamp and its adjustments are written in the export's language."""

import csv
import datetime as dt
import io
from decimal import Decimal

from fieldcrm.costs import export
from fieldcrm.costs.report import AdjustmentLine, MonthStamp, TravelReport, build_report

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
VALIDATED_AT = dt.datetime(2026, 4, 2, 9, 30)


def _validated_report() -> TravelReport:
    return build_report(
        [],
        title="Frais de mars 2026",
        start=MARCH[0],
        end=MARCH[1],
        scale_year=2025,
        stamps=[
            MonthStamp(4, "Camille Martin", MARCH[0], "Claire Lefèvre", VALIDATED_AT),
            MonthStamp(6, "Sophie Durand", MARCH[0], "", VALIDATED_AT),
        ],
        adjustments=[
            AdjustmentLine(
                4,
                "Camille Martin",
                MARCH[0],
                Decimal("1234.5"),
                "Péage oublié",
                "Claire Lefèvre",
                VALIDATED_AT,
            )
        ],
    )


def _csv_tail(lang: str) -> list[str]:
    content = export.to_csv(_validated_report(), lang=lang).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";" if lang == "fr" else ","))
    return [r[0] for r in rows[rows.index([]) + 1 :]]


def test_an_english_export_writes_the_stamp_and_adjustment_in_english() -> None:
    assert _csv_tail("en") == [
        "Camille Martin, 03/2026: validated on 2 Apr 2026 at 09:30 by Claire Lefèvre",
        "Sophie Durand, 03/2026: validated on 2 Apr 2026 at 09:30 by a deleted account",
        "Camille Martin, 03/2026: adjustment of +€1,234.50 — Péage oublié (Claire Lefèvre)",
        "Camille Martin, 03/2026: validated total €0.00; adjustments +€1,234.50; "
        "corrected total €1,234.50",
    ]


def test_a_french_export_keeps_the_french_stamp() -> None:
    assert _csv_tail("fr") == [
        "Camille Martin, 03/2026 : validé le 02/04/2026 à 09:30 par Claire Lefèvre",
        "Sophie Durand, 03/2026 : validé le 02/04/2026 à 09:30 par un compte supprimé",
        "Camille Martin, 03/2026 : ajustement de +1\u202f234,50\u00a0€ — Péage oublié "
        "(Claire Lefèvre)",
        "Camille Martin, 03/2026 : total validé 0,00\u00a0€ ; ajustements +1\u202f234,50\u00a0€ ; "
        "total corrigé 1\u202f234,50\u00a0€",
    ]
    assert _csv_tail("fr")[0] == str(_validated_report().stamps[0])  # the page's wording
