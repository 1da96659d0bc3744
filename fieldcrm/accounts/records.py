"""Plain records of accounts and sales, and the rejection of a file row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ACCOUNT_FIELDS = (
    "external_id",
    "siret",
    "name",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "country",
    "kind",
    "sector",
    "qualification",
    "employees",
    "potential_eur_month",
    "phone",
    "email",
    "visit_minutes",
    "lon",
    "lat",
    "notes",
)
ADDRESS_FIELDS = ("address_line1", "address_line2", "postcode", "city", "country")
"""Fields whose change sends an account back to geocoding."""
SALE_FIELDS = ("external_id", "siret", "month", "revenue")

MAX_CHARS: dict[str, int] = {
    "external_id": 100,
    "siret": 14,
    "name": 300,
    "address_line1": 300,
    "address_line2": 300,
    "postcode": 10,
    "city": 200,
    "country": 2,
    "kind": 20,
    "sector": 100,
    "qualification": 50,
    "phone": 40,
    "email": 254,
    "notes": 10_000,
}
"""Most characters each text field may hold (the database columns are at least as wide):
checked where input enters, a longer value is refused, never cut."""
MAX_AMOUNT = 10**12
"""Amounts (potential, revenue) stay below this in absolute value (``numeric(14, 2)``)."""


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """One account as read from a file or the API, validated."""

    name: str
    external_id: str | None = None
    siret: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str = "FR"
    kind: str = "prospect"
    sector: str | None = None
    qualification: str | None = None
    employees: int | None = None
    potential_eur_month: Decimal | None = None
    phone: str | None = None
    email: str | None = None
    visit_minutes: int = 45
    lon: float | None = None
    lat: float | None = None
    notes: str | None = None
    line: int = 0

    @property
    def match_key(self) -> str:
        """Identity used for upserts: external id, else SIRET, else name + postcode."""
        if self.external_id:
            return f"ext:{self.external_id}"
        if self.siret:
            return f"siret:{self.siret}"
        return f"name:{self.name.casefold()}|{self.postcode or ''}"


@dataclass(frozen=True, slots=True)
class SaleRecord:
    """Revenue of one account for one month."""

    month: dt.date
    revenue: Decimal
    external_id: str | None = None
    siret: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Rejected:
    """A file row that was not imported: where, which column, and why."""

    line: int
    field: str
    reason: str
    """In French, as the file's French reader reads it."""
    value: Any = None
    code: str | None = dataclasses.field(default=None, compare=False)
    """The reason's French template (a catalogue msgid with ``%(name)s`` fields) when it has
    fields: a reader of another language gets it worded from ``params``
    (:func:`fieldcrm.accounts.fields.worded_rejection`); else the reason itself is the msgid.
    Two rejections saying the same are equal, however worded."""
    params: dict[str, Any] | None = dataclasses.field(default=None, compare=False)

    def __str__(self) -> str:
        shown = f" (valeur : {self.value!r})" if self.value not in (None, "") else ""
        return f"ligne {self.line}, colonne « {self.field} » : {self.reason}{shown}"


@dataclass(frozen=True)
class UpdatedAccount:
    """An existing account an import row changed: its line, its name before and after, and
    the columns whose value changed (``geom``: the point given by the file)."""

    line: int
    account_id: int
    name_before: str
    name_after: str
    fields: tuple[str, ...]


@dataclass
class ImportReport:
    """Outcome of an import: counts, every rejected row and every existing account changed."""

    kind: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    changed: list[UpdatedAccount] = field(default_factory=list)

    @property
    def read(self) -> int:
        """Rows read (imported or rejected; a row rejected for several reasons counts once)."""
        return self.inserted + self.updated + self.unchanged + len({r.line for r in self.rejected})

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return not self.rejected
