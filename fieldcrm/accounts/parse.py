"""Turn raw file rows into validated records or :class:`Rejected` entries."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from fieldcrm.accounts.numbers import parse_amount, parse_month
from fieldcrm.accounts.records import AccountRecord, Rejected, SaleRecord
from fieldcrm.accounts.siret import normalize_siret
from fieldcrm.cells import unquote_cell
from fieldcrm.errors import InvalidInput, Problem

KIND_WORDS = {
    "client": "client",
    "customer": "client",
    "clients": "client",
    "actif": "client",
    "prospect": "prospect",
    "prospects": "prospect",
    "lead": "prospect",
    "suspect": "prospect",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

CommuneCheck = Callable[[str | None, str | None], str | None]
"""(postcode, city) → why they identify no single commune (French), or None when they do;
the service passes the gazetteer's (:func:`fieldcrm.geocoding.trust.place_problem`)."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(unquote_cell(str(value))).strip()
    return text or None


def _postcode(value: Any, country: str) -> str | None:
    text = _text(value)
    if text is None:
        return None
    text = text.replace(" ", "")
    if country == "FR":
        if text.isdigit() and len(text) == 4:  # Excel dropped the leading zero (01000 → 1000)
            text = "0" + text
        if not (text.isdigit() and len(text) == 5):
            raise InvalidInput("postcode", "un code postal français a 5 chiffres", value=value)
    return text


def _int(value: Any, *, field: str, low: int, high: int) -> int | None:
    amount = parse_amount(value, field=field)
    if amount is None:
        return None
    if amount != amount.to_integral_value() or not low <= amount <= high:
        raise InvalidInput(field, f"nombre entier de {low} à {high} attendu", value=value)
    return int(amount)


def _coordinate(value: Any, *, field: str, limit: float) -> float | None:
    amount = parse_amount(value, field=field)
    if amount is None:
        return None
    number = float(amount)
    if not math.isfinite(number) or abs(number) > limit:
        raise InvalidInput(field, f"doit être compris entre -{limit} et {limit}", value=value)
    return number


def account_from_row(line: int, row: dict[str, Any]) -> AccountRecord:
    """Validate one row; raise :class:`InvalidInput` listing every faulty column."""
    problems = []
    values: dict[str, Any] = {"line": line}

    def take(name: str, parse: Any) -> None:
        try:
            result = parse()
        except InvalidInput as exc:
            problems.extend(exc.problems)
        else:
            if result is not None:
                values[name] = result

    name = _text(row.get("name"))
    if name is None:
        problems.append(Problem("name", "la raison sociale est obligatoire"))
    else:
        values["name"] = name[:300]
    country = (_text(row.get("country")) or "FR").upper()
    if country in ("FRANCE", "FRA"):
        country = "FR"
    if len(country) != 2:
        problems.append(Problem("country", "code pays ISO à 2 lettres attendu (FR)", value=country))
    values["country"] = country[:2]
    for plain in (
        "external_id",
        "address_line1",
        "address_line2",
        "city",
        "sector",
        "qualification",
        "phone",
        "notes",
    ):
        take(plain, lambda plain=plain: _text(row.get(plain)))
    take("siret", lambda: normalize_siret(s) if (s := _text(row.get("siret"))) else None)
    take("postcode", lambda: _postcode(row.get("postcode"), country))
    take("potential_eur_month", lambda: _non_negative(row.get("potential_eur_month")))
    take("employees", lambda: _int(row.get("employees"), field="employees", low=0, high=10_000_000))
    take(
        "visit_minutes",
        lambda: _int(row.get("visit_minutes"), field="visit_minutes", low=5, high=600),
    )
    take("lon", lambda: _coordinate(row.get("lon"), field="lon", limit=180))
    take("lat", lambda: _coordinate(row.get("lat"), field="lat", limit=90))
    kind = _text(row.get("kind"))
    if kind is not None:
        folded = kind.casefold()
        if folded not in KIND_WORDS:
            problems.append(
                Problem("kind", "type de compte inconnu", value=kind, allowed="client, prospect")
            )
        else:
            values["kind"] = KIND_WORDS[folded]
    email = _text(row.get("email"))
    if email is not None:
        if _EMAIL.match(email):
            values["email"] = email
        else:
            problems.append(Problem("email", "adresse e-mail invalide", value=email))
    if ("lon" in values) != ("lat" in values):
        problems.append(
            Problem(
                "lat" if "lon" in values else "lon", "la longitude et la latitude vont ensemble"
            )
        )
    InvalidInput.collect(problems)
    return AccountRecord(**values)


def _non_negative(value: Any) -> Decimal | None:
    amount = parse_amount(value, field="potential_eur_month")
    if amount is not None and amount < 0:
        raise InvalidInput("potential_eur_month", "ne peut pas être négatif", value=value)
    return amount


def sale_from_row(line: int, row: dict[str, Any]) -> SaleRecord:
    """Validate one sales row; raise :class:`InvalidInput` listing every faulty column."""
    problems = []
    external_id = _text(row.get("external_id"))
    siret = None
    try:
        siret = normalize_siret(s) if (s := _text(row.get("siret"))) else None
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if external_id is None and siret is None and not problems:
        problems.append(
            Problem("external_id", "un identifiant de compte ou un SIRET est obligatoire")
        )
    month = revenue = None
    try:
        month = parse_month(row.get("month"), field="month")
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        revenue = parse_amount(row.get("revenue"), field="revenue")
        if revenue is None:
            problems.append(Problem("revenue", "le chiffre d’affaires est obligatoire"))
    except InvalidInput as exc:
        problems.extend(exc.problems)
    InvalidInput.collect(problems)
    assert month is not None and revenue is not None
    return SaleRecord(month=month, revenue=revenue, external_id=external_id, siret=siret, line=line)


def rejections(line: int, error: InvalidInput, row: dict[str, Any]) -> list[Rejected]:
    """One :class:`Rejected` per problem of a row."""
    return [Rejected(line, p.field, p.message, row.get(p.field, p.value)) for p in error.problems]


def place_rejection(record: AccountRecord, check: CommuneCheck | None = None) -> Rejected | None:
    """The rejection of a row that cannot be placed: no coordinates, and neither a postcode
    nor a city identifying one commune (``check`` decides for French rows; without it, only a
    row with neither is rejected). The reason names the row's account."""
    if record.lon is not None and record.lat is not None:
        return None
    problem: str | None = None
    if not record.postcode and not record.city:
        problem = "ni code postal ni ville"
    elif check is not None and record.country in ("FR", "MC"):
        problem = check(record.postcode, record.city)
    if problem is None:
        return None
    field = "city" if record.city else "postcode"
    reason = f"« {record.name} » ne peut pas être situé : {problem}"
    return Rejected(record.line, field, reason, record.city or record.postcode)


def parse_accounts(
    rows: Iterable[tuple[int, dict[str, Any]]],
    *,
    commune_check: CommuneCheck | None = None,
) -> Iterator[AccountRecord | Rejected]:
    """Validated accounts, or one rejection per problem; later duplicates of a key are
    rejected, and so are rows that cannot be placed (:func:`place_rejection`)."""
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            record = account_from_row(line, row)
        except InvalidInput as exc:
            yield from rejections(line, exc, row)
            continue
        unplaced = place_rejection(record, commune_check)
        if unplaced is not None:
            yield unplaced
            continue
        first = seen.setdefault(record.match_key, line)
        if first != line:
            yield Rejected(
                line,
                _key_field(record),
                f"doublon de la ligne {first}",
                record.match_key.split(":", 1)[1],
            )
            continue
        yield record


def _key_field(record: AccountRecord) -> str:
    return "external_id" if record.external_id else "siret" if record.siret else "name"


def parse_sales(rows: Iterable[tuple[int, dict[str, Any]]]) -> Iterator[SaleRecord | Rejected]:
    """Validated sales rows, or one rejection per problem; later duplicates are rejected."""
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        try:
            record = sale_from_row(line, row)
        except InvalidInput as exc:
            yield from rejections(line, exc, row)
            continue
        key = (record.external_id or f"siret:{record.siret}", record.month.isoformat())
        first = seen.setdefault(key, line)
        if first != line:
            yield Rejected(line, "month", f"doublon de la ligne {first}", record.month.isoformat())
            continue
        yield record
