"""Turn raw file rows into validated records or :class:`Rejected` entries."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from fieldcrm.accounts.fields import check_amount, check_text, shown, worded, worded_rejection
from fieldcrm.accounts.numbers import parse_amount, parse_month
from fieldcrm.accounts.postcodes import french_postcode
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

PostcodeTown = Callable[[str], str | None]
"""French postcode of five digits → the commune it serves when it serves one only (its name),
or None; the service passes the gazetteer's (:func:`fieldcrm.geocoding.trust.postcode_town`)."""

PostcodeCheck = Callable[[str, str | None], str | None]
"""(French postcode of five digits, city) → why no commune has that postcode (French), or
None when one has; the service passes the gazetteer's
(:func:`fieldcrm.geocoding.trust.postcode_problem`)."""


def _text(value: Any, field: str, *, limit: int | None = None) -> str | None:
    """The cell's text, stripped (None when empty), checked against ``field``'s limits."""
    if value is None:
        return None
    if isinstance(value, dict | list):  # from a JSON body (file cells are never)
        raise InvalidInput(field, "texte attendu", value=type(value).__name__)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(unquote_cell(str(value))).strip()
    return check_text(text, field=field, limit=limit) if text else None


def _postcode(
    value: Any, country: str, *, city: str | None = None, check: PostcodeCheck | None = None
) -> str | None:
    text = _text(value, "postcode")
    if text is None:
        return None
    text = text.replace(" ", "")
    if country == "FR":
        text = french_postcode(text)
        problem = check(text, city) if check is not None else None
        if problem is not None:
            raise InvalidInput("postcode", problem, value=value)
    return text


def _number(value: Any, *, field: str) -> Decimal | None:
    """A count or a coordinate read like an amount; "nombre illisible" when it is none (an
    effectif of « deux » is no amount)."""
    try:
        return parse_amount(value, field=field)
    except InvalidInput:
        raise InvalidInput(field, "nombre illisible", value=value) from None


def _int(value: Any, *, field: str, low: int, high: int) -> int | None:
    amount = _number(value, field=field)
    if amount is None:
        return None
    if amount != amount.to_integral_value() or not low <= amount <= high:
        raise worded(
            field, "nombre entier de %(low)s à %(high)s attendu", value=value, low=low, high=high
        )
    return int(amount)


def _coordinate(value: Any, *, field: str, limit: int) -> float | None:
    amount = _number(value, field=field)
    if amount is None:
        return None
    number = float(amount)
    if not math.isfinite(number) or abs(number) > limit:
        raise worded(
            field, "doit être compris entre -%(limit)s et %(limit)s", value=value, limit=int(limit)
        )
    return number


def account_from_row(
    line: int, row: dict[str, Any], *, postcode_check: PostcodeCheck | None = None
) -> AccountRecord:
    """Validate one row; raise :class:`InvalidInput` listing every faulty column (a French
    postcode no commune has, too, when ``postcode_check`` is given)."""
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

    take("name", lambda: _text(row.get("name"), "name"))
    if "name" not in values and not any(p.field == "name" for p in problems):
        problems.append(Problem("name", "la raison sociale est obligatoire"))
    country = "FR"
    try:
        country = (_text(row.get("country"), "country", limit=60) or "FR").upper()
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if country in ("FRANCE", "FRA"):
        country = "FR"
    if len(country) != 2:
        problems.append(
            Problem("country", "code pays ISO à 2 lettres attendu (FR)", value=shown(country))
        )
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
        take(plain, lambda plain=plain: _text(row.get(plain), plain))
    take("siret", lambda: _siret(row.get("siret")))
    take(
        "postcode",
        lambda: _postcode(
            row.get("postcode"), country, city=values.get("city"), check=postcode_check
        ),
    )
    take("potential_eur_month", lambda: _non_negative(row.get("potential_eur_month")))
    take("employees", lambda: _int(row.get("employees"), field="employees", low=0, high=10_000_000))
    take(
        "visit_minutes",
        lambda: _int(row.get("visit_minutes"), field="visit_minutes", low=5, high=600),
    )
    take("lon", lambda: _coordinate(row.get("lon"), field="lon", limit=180))
    take("lat", lambda: _coordinate(row.get("lat"), field="lat", limit=90))
    take("kind", lambda: _kind(row.get("kind")))
    take("email", lambda: _email(row.get("email")))
    given = [f for f in ("lon", "lat") if f in values or any(p.field == f for p in problems)]
    if len(given) == 1:  # one cell empty (a faulty one already has its own problem)
        problems.append(
            Problem(
                "lat" if given == ["lon"] else "lon", "la longitude et la latitude vont ensemble"
            )
        )
    InvalidInput.collect(problems)
    return AccountRecord(**values)


def _siret(value: Any) -> str | None:
    text = _text(value, "siret", limit=40)  # spaces, dots and dashes allowed around the digits
    return normalize_siret(text) if text else None


def _kind(value: Any) -> str | None:
    text = _text(value, "kind")
    if text is None:
        return None
    if text.casefold() not in KIND_WORDS:
        raise InvalidInput("kind", "type de compte inconnu", value=text, allowed="client, prospect")
    return KIND_WORDS[text.casefold()]


def _email(value: Any) -> str | None:
    text = _text(value, "email")
    if text is not None and not _EMAIL.match(text):
        raise InvalidInput("email", "adresse e-mail invalide", value=text)
    return text


def _non_negative(value: Any) -> Decimal | None:
    amount = parse_amount(value, field="potential_eur_month")
    if amount is not None and amount < 0:
        raise InvalidInput("potential_eur_month", "ne peut pas être négatif", value=value)
    if amount is not None:
        check_amount(amount, field="potential_eur_month", raw=value)
    return amount


def sale_from_row(
    line: int, row: dict[str, Any], *, latest_month: dt.date | None = None
) -> SaleRecord:
    """Validate one sales row; raise :class:`InvalidInput` listing every faulty column (a
    month after ``latest_month``, the current one, too: sales of a month to come are not
    known yet)."""
    problems = []
    external_id = siret = None
    try:
        external_id = _text(row.get("external_id"), "external_id")
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        siret = _siret(row.get("siret"))
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if external_id is None and siret is None and not problems:
        problems.append(
            Problem("external_id", "un identifiant de compte ou un SIRET est obligatoire")
        )
    month = revenue = None
    try:
        month = parse_month(row.get("month"), field="month")
        if latest_month is not None:
            check_not_future(month, latest_month=latest_month, raw=row.get("month"))
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        revenue = parse_amount(row.get("revenue"), field="revenue")
        if revenue is None:
            problems.append(Problem("revenue", "le chiffre d’affaires est obligatoire"))
        else:
            check_amount(revenue, field="revenue", raw=row.get("revenue"))
    except InvalidInput as exc:
        problems.extend(exc.problems)
    InvalidInput.collect(problems)
    assert month is not None and revenue is not None
    return SaleRecord(month=month, revenue=revenue, external_id=external_id, siret=siret, line=line)


def check_not_future(month: dt.date, *, latest_month: dt.date, raw: object = None) -> dt.date:
    """``month`` if it is not after ``latest_month`` (the current month, as the company's
    calendar has it at the import); else :class:`InvalidInput` naming ``month``, in French."""
    latest = latest_month.replace(day=1)
    if month > latest:
        raise worded(
            "month",
            "mois à venir (%(month)s) : les ventes s’importent jusqu’au mois en cours (%(latest)s)",
            value=raw if raw is not None else month.isoformat(),
            month=f"{month:%m/%Y}",
            latest=f"{latest:%m/%Y}",
        )
    return month


def rejections(line: int, error: InvalidInput, row: dict[str, Any]) -> list[Rejected]:
    """One :class:`Rejected` per problem of a row (long or unprintable values shown in part)."""
    return [
        Rejected(
            line,
            p.field,
            p.message,
            shown(row.get(p.field, p.value)),
            p.code,
            dict(p.params) if p.params else None,
        )
        for p in error.problems
    ]


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
    return worded_rejection(
        record.line,
        field,
        "« %(name)s » ne peut pas être situé : %(problem)s",
        record.city or record.postcode,
        name=record.name,
        problem=problem,
    )


FileRow = tuple[int, "dict[str, Any] | Rejected"]
"""(line, cells by field) as files are read; a line the reader could not split is already a
:class:`Rejected` (see :func:`fieldcrm.accounts.french_csv.iter_rows`)."""


def parse_accounts(
    rows: Iterable[FileRow],
    *,
    commune_check: CommuneCheck | None = None,
    postcode_check: PostcodeCheck | None = None,
    postcode_town: PostcodeTown | None = None,
) -> Iterator[AccountRecord | Rejected]:
    """Validated accounts, or one rejection per problem; later duplicates of a key or of a
    SIRET are rejected, and so are rows that cannot be placed (:func:`place_rejection`) and,
    with ``postcode_check``, French postcodes no commune has. With ``postcode_town``, a row
    with a postcode and no town gets the town of the one commune its code serves
    (:func:`with_town`)."""
    seen: dict[str, int] = {}
    sirets: dict[str, int] = {}
    for line, row in rows:
        if isinstance(row, Rejected):
            yield row
            continue
        try:
            record = account_from_row(line, row, postcode_check=postcode_check)
        except InvalidInput as exc:
            yield from rejections(line, exc, row)
            continue
        unplaced = place_rejection(record, commune_check)
        if unplaced is not None:
            yield unplaced
            continue
        record = with_town(record, postcode_town)
        first = seen.setdefault(record.match_key, line)
        if first != line:
            yield worded_rejection(
                line,
                _key_field(record),
                "doublon de la ligne %(line)s",
                record.match_key.split(":", 1)[1],
                line=first,
            )
            continue
        if record.siret is not None:
            owner = sirets.setdefault(record.siret, line)
            if owner != line:  # two accounts of the file, one SIRET: the database holds one
                yield worded_rejection(
                    line,
                    "siret",
                    "SIRET déjà porté par la ligne %(line)s",
                    record.siret,
                    line=owner,
                )
                continue
        yield record


def with_town(record: AccountRecord, town_of: PostcodeTown | None) -> AccountRecord:
    """``record`` with its town filled from its postcode when the row left it empty and the
    code serves one commune only (``town_of``); a town typed is never replaced."""
    if record.city or not record.postcode or town_of is None:
        return record
    if record.country not in ("FR", "MC"):
        return record
    town = town_of(record.postcode)
    return replace(record, city=town) if town else record


def _key_field(record: AccountRecord) -> str:
    return "external_id" if record.external_id else "siret" if record.siret else "name"


def parse_sales(
    rows: Iterable[FileRow], *, latest_month: dt.date | None = None
) -> Iterator[SaleRecord | Rejected]:
    """Validated sales rows, or one rejection per problem; later duplicates are rejected, and
    so are months after ``latest_month`` (the service passes the company's current month)."""
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        if isinstance(row, Rejected):
            yield row
            continue
        try:
            record = sale_from_row(line, row, latest_month=latest_month)
        except InvalidInput as exc:
            yield from rejections(line, exc, row)
            continue
        key = (record.external_id or f"siret:{record.siret}", record.month.isoformat())
        first = seen.setdefault(key, line)
        if first != line:
            yield worded_rejection(
                line, "month", "doublon de la ligne %(line)s", record.month.isoformat(), line=first
            )
            continue
        yield record
