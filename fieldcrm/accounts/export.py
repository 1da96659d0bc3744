"""Write accounts to CSV (French Excel flavour) or XLSX, streaming."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from fieldcrm.cells import safe_cell
from fieldcrm.errors import InvalidInput

FRENCH_HEADERS = {
    "id": "Id fieldcrm",
    "external_id": "Identifiant",
    "siret": "SIRET",
    "name": "Raison sociale",
    "address_line1": "Adresse",
    "address_line2": "Complément d’adresse",
    "postcode": "Code postal",
    "city": "Ville",
    "country": "Pays",
    "kind": "Type",
    "sector": "Secteur",
    "qualification": "Qualification",
    "employees": "Effectif",
    "potential_eur_month": "Potentiel mensuel (€)",
    "phone": "Téléphone",
    "email": "Email",
    "visit_minutes": "Durée de visite",
    "lon": "Longitude",
    "lat": "Latitude",
    "geocode_status": "Statut géocodage",
    "geocode_precision": "Précision géocodage",
    "owner_email": "Commercial",
    "territory": "Territoire",
    "priority_score": "Priorité",
}


def _french(value: Any) -> Any:
    if isinstance(value, float | Decimal):
        return f"{value}".replace(".", ",")
    return "" if value is None else safe_cell(value)


def write_accounts(
    rows: Iterable[Mapping[str, Any]], path: Path, *, columns: tuple[str, ...]
) -> int:
    """Write ``rows`` to ``path`` (``.csv`` or ``.xlsx``) with French headers; return the count.

    CSV files are UTF-8 with BOM, ``;``-separated, decimal commas: Excel opens them as is,
    and ``fieldcrm import accounts`` reads them back unchanged.
    """
    headers = [FRENCH_HEADERS.get(c, c) for c in columns]
    suffix = path.suffix.lower()
    count = 0
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(headers)
            for row in rows:
                writer.writerow([_french(row.get(c)) for c in columns])
                count += 1
        return count
    if suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Comptes")
        sheet.append(headers)
        for row in rows:
            sheet.append(
                [
                    float(v) if isinstance(v, Decimal) else safe_cell(v)
                    for v in (row.get(c) for c in columns)
                ]
            )
            count += 1
        workbook.save(path)
        return count
    raise InvalidInput(
        "output", "unsupported export format", value=path.name, allowed=".csv, .xlsx"
    )
