"""Deterministic generation of the demo company (plain data, no database).

A distributor of professional coffee machines and supplies based on the Riviera:
three reps (Monaco and its French neighbours on real OSM roads; the rest of the
Alpes-Maritimes; key accounts across France for multi-day trips), a sales director,
a dispatcher and an admin; ~2 000 accounts at real places, 24 months of sales with
trends and seasonality, visit history, contacts, fixed appointments and territories.
The visit history could have been driven (:mod:`fieldcrm.services.demo_days`).
"""

from __future__ import annotations

import bisect
import csv
import dataclasses
import datetime as dt
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fieldcrm.costs.derive import sleeps_away
from fieldcrm.geo import GeoPoint
from fieldcrm.routing.calendar import is_working_day
from fieldcrm.services import demo_days as days

DATA = Path(__file__).resolve().parents[1] / "data"
PASSWORD = "demo1234"
PARIS = ZoneInfo("Europe/Paris")

FIRST = [
    "Camille",
    "Julien",
    "Sophie",
    "Nicolas",
    "Claire",
    "Thomas",
    "Léa",
    "Antoine",
    "Chloé",
    "Hugo",
    "Manon",
    "Lucas",
    "Emma",
    "Louis",
    "Inès",
    "Arthur",
    "Sarah",
    "Paul",
    "Jade",
    "Mathieu",
    "Élodie",
    "Karim",
    "Nadia",
    "Pierre",
    "Marie",
    "François",
    "Isabelle",
]
LAST = [
    "Martin",
    "Bernard",
    "Durand",
    "Lefèvre",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
    "Rossi",
]
SECTORS = {
    "Hôtellerie": ("Hôtel", 3000, 45000),
    "Restauration": ("Restaurant", 800, 9000),
    "Café-bar": ("Café", 500, 6000),
    "Boulangerie": ("Boulangerie", 400, 3000),
    "Bureaux": ("Bureaux", 600, 12000),
    "Santé": ("Clinique", 1500, 20000),
    "Commerce": ("Épicerie fine", 300, 4000),
    "Collectivité": ("Restauration collective", 2000, 30000),
}
COMPANY_WORDS = [
    "du Port",
    "Riviera",
    "des Oliviers",
    "Azur",
    "du Rocher",
    "Saint-Roman",
    "Le Méridien",
    "des Pins",
    "Bellevue",
    "de la Gare",
    "du Soleil",
    "Les Terrasses",
    "Grimaldi",
    "Carnot",
    "Le Relais",
    "Mistral",
    "Palmeraie",
    "L’Escale",
    "Victoria",
]
FORMS = ["SARL", "SAS", "SA", "EURL", "SASU"]
REPORTS = [
    "Visite de courtoisie, le client est satisfait de la machine. Relancer pour le contrat d’entretien.",
    "Présentation de la nouvelle gamme de cafés bio ; intérêt marqué, devis à envoyer.",
    "Le gérant se plaint des délais de livraison. Promis un suivi avec la logistique.",
    "Commande de 40 kg de café en grains et de gobelets. Prochaine visite dans deux mois.",
    "Concurrent présent avec une offre agressive sur les capsules ; proposer une remise volume.",
    "Démonstration de la machine à grain automatique, l’acheteur veut un essai d’un mois.",
    "Renouvellement du contrat de location signé pour trois ans.",
    "Nouvel acheteur en poste, rendez-vous à reprendre pour présenter l’offre.",
]
WEEK_OFFICE = {
    d: [["08:30", "12:00"], ["14:00", "18:30"]] for d in ("mon", "tue", "wed", "thu", "fri")
}
WEEK_SHOP = {
    d: [["09:00", "12:30"], ["15:00", "19:00"]] for d in ("tue", "wed", "thu", "fri", "sat")
}
WEEK_RESTAURANT = {
    d: [["10:00", "11:45"], ["15:00", "18:00"]] for d in ("tue", "wed", "thu", "fri", "sat")
}
WEEK_HOTEL = {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
HOURS = {
    "Hôtellerie": WEEK_HOTEL,
    "Restauration": WEEK_RESTAURANT,
    "Café-bar": WEEK_RESTAURANT,
    "Boulangerie": WEEK_SHOP,
    "Commerce": WEEK_SHOP,
}
FAR_CITIES = [
    "75056",
    "69123",
    "13055",
    "31555",
    "33063",
    "59350",
    "44109",
    "67482",
    "34172",
    "06088",
    "83137",
    "38185",
    "21231",
    "63113",
    "37261",
]


@dataclass
class DemoCompany:
    """Everything the demo seeds, as plain rows."""

    today: dt.date
    users: list[dict[str, Any]] = field(default_factory=list)
    territories: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    contact_dates: list[dict[str, Any]] = field(default_factory=list)
    sales: list[tuple[int, dt.date, float]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    appointments: list[dict[str, Any]] = field(default_factory=list)


def _month_add(month: dt.date, delta: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + delta
    return dt.date(index // 12, index % 12 + 1, 1)


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7 or 7)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _users(today: dt.date) -> list[dict[str, Any]]:
    def rep(
        uid: int,
        first: str,
        last: str,
        home: tuple[float, float],
        address: str,
        hp: int,
        max_drive: int,
    ) -> dict[str, Any]:
        return {
            "id": uid,
            "email": f"{first.lower()}.{last.lower()}@cafes-riviera.fr".replace("é", "e"),
            "full_name": f"{first} {last}",
            "role": "rep",
            "manager_id": 1,
            "home": home,
            "home_address": address,
            "work_start": dt.time(8, 0),
            "work_end": dt.time(18, 30),
            "max_driving_minutes": max_drive,
            "fiscal_hp": hp,
            "annual_km_estimate": 25000,
            "phone": f"+3361234{uid:04d}",
        }

    return [
        {
            "id": 1,
            "email": "claire.lefevre@cafes-riviera.fr",
            "full_name": "Claire Lefèvre",
            "role": "manager",
            "manager_id": None,
            "phone": "+33612340001",
        },
        {
            "id": 2,
            "email": "karim.benali@cafes-riviera.fr",
            "full_name": "Karim Benali",
            "role": "dispatcher",
            "manager_id": 1,
        },
        {
            "id": 3,
            "email": "admin@cafes-riviera.fr",
            "full_name": "Admin fieldcrm",
            "role": "admin",
            "manager_id": None,
        },
        rep(
            4,
            "Camille",
            "Martin",
            (7.42553, 43.74291),
            "12 boulevard de la République, 06240 Beausoleil",
            5,
            300,
        ),
        rep(
            5, "Julien", "Bernard", (7.26195, 43.70313), "8 avenue Jean Médecin, 06000 Nice", 6, 360
        ),
        rep(
            6,
            "Sophie",
            "Durand",
            (7.12564, 43.58084),
            "3 rue de la République, 06600 Antibes",
            7,
            540,
        ),
    ]


def _territories() -> list[dict[str, Any]]:
    departements = json.loads(
        (DATA / "admin" / "departements-version-simplifiee.geojson").read_text()
    )
    alpes = next(f["geometry"] for f in departements["features"] if f["properties"]["code"] == "06")
    others = [f["geometry"] for f in departements["features"] if f["properties"]["code"] != "06"]
    riviera = {
        "type": "Polygon",
        "coordinates": [
            [[7.34, 43.70], [7.52, 43.70], [7.52, 43.79], [7.34, 43.79], [7.34, 43.70]]
        ],
    }
    return [
        {
            "id": 1,
            "name": "Riviera – Monaco",
            "rep_id": 4,
            "priority": 10,
            "color": "#d62728",
            "overlay": False,
            "geometry": riviera,
        },
        {
            "id": 2,
            "name": "Alpes-Maritimes",
            "rep_id": 5,
            "priority": 0,
            "color": "#1f77b4",
            "overlay": False,
            "geometry": alpes,
        },
        {
            "id": 3,
            "name": "Grands comptes France",
            "rep_id": 6,
            "priority": 0,
            "color": "#2ca02c",
            "overlay": True,  # laid over the local ones: a rebalancing leaves it out
            "geometry": {"type": "GeometryCollection", "geometries": others},
        },
    ]


def _company_name(rng: random.Random, sector: str, used: set[str]) -> str:
    prefix = SECTORS[sector][0]
    while True:
        name = f"{prefix} {rng.choice(COMPANY_WORDS)}"
        if rng.random() < 0.5:
            name += f" {rng.choice(FORMS)}"
        if name in used:
            name += f" {rng.choice(LAST)}"
        if name not in used:
            used.add(name)
            return name


def _places(rng: random.Random) -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = []
    for row in _read_csv(DATA / "demo" / "places_riviera.csv")[:1300]:
        places.append(
            {
                "address_line1": f"{rng.randint(1, 60)} {row['street']}",
                "postcode": row["postcode"],
                "city": row["city"],
                "lon": float(row["lon"]),
                "lat": float(row["lat"]),
            }
        )
    for row in _read_csv(DATA / "demo" / "places_paris.csv"):
        places.append(
            {
                "address_line1": f"{row['number']} {row['street']}",
                "postcode": row["postcode"],
                "city": "Paris",
                "lon": float(row["lon"]),
                "lat": float(row["lat"]),
            }
        )
    communes = {r["code_insee"]: r for r in _read_csv(DATA / "communes" / "communes_france.csv")}
    alpes = [
        r
        for r in communes.values()
        if r["code_departement"] == "06" and r["latitude"] and float(r["longitude"]) < 7.33
    ]
    for index in range(450):
        commune = (
            communes[FAR_CITIES[index % len(FAR_CITIES)]] if index < 250 else rng.choice(alpes)
        )
        if commune["code_insee"] in ("75056", "69123", "13055"):
            commune = next(
                r
                for r in communes.values()
                if r["commune_parent"] == commune["code_insee"] and r["latitude"]
            )
        radius = rng.uniform(0, 0.02)
        angle = rng.uniform(0, 2 * math.pi)
        places.append(
            {
                "address_line1": f"{rng.randint(1, 120)} {rng.choice(['rue', 'avenue', 'boulevard'])} "
                f"{rng.choice(['Victor Hugo', 'Jean Jaurès', 'de la République', 'Pasteur', 'Gambetta', 'du Général de Gaulle'])}",
                "postcode": commune["codes_postaux"].split("|")[0],
                "city": commune["nom"],
                "lon": round(float(commune["longitude"]) + radius * math.cos(angle), 6),
                "lat": round(float(commune["latitude"]) + radius * math.sin(angle) * 0.72, 6),
            }
        )
    return places


def _siret(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(13)]
        for check in range(10):
            candidate = "".join(map(str, [*digits, check]))
            total = sum(
                (int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 else int(c)
                for i, c in enumerate(reversed(candidate))
            )
            if total % 10 == 0 and not candidate.startswith("356000000"):
                return candidate


def generate(today: dt.date, *, seed: int = 2026) -> DemoCompany:
    """The demo company as of ``today`` (same ``today`` and ``seed`` → same data)."""
    rng = random.Random(seed)
    company = DemoCompany(today=today, users=_users(today), territories=_territories())
    last_month = _month_add(dt.date(today.year, today.month, 1), -1)
    months = [_month_add(last_month, -k) for k in range(23, -1, -1)]
    used: set[str] = set()
    where: dict[int, tuple[float, float]] = {}
    reps_by_area = {"riviera": 4, "alpes": 5, "far": 6}
    for index, place in enumerate(_places(rng), start=1):
        sector = rng.choice(list(SECTORS))
        low, high = SECTORS[sector][1:]
        kind = "client" if rng.random() < 0.6 else "prospect"
        created = today - dt.timedelta(
            days=rng.randint(30, 2000) if kind == "client" else rng.randint(5, 700)
        )
        qualified = kind == "client" or rng.random() < 0.6
        area = (
            "riviera"
            if index <= 1300
            else "far"
            if index <= 1800 and place["city"] not in ("Nice", "Antibes")
            else "alpes"
        )
        account = {
            "id": index,
            "external_id": f"CR{index:05d}",
            "siret": _siret(rng) if rng.random() < 0.8 else None,
            "name": _company_name(rng, sector, used),
            "kind": kind,
            "sector": sector,
            "qualification": rng.choice(["A", "B", "C"]) if qualified else None,
            "potential_eur_month": round(rng.uniform(low, high), -1) if qualified else None,
            "employees": rng.randint(2, 250),
            "country": "FR",
            "visit_minutes": rng.choice([30, 45, 45, 60]),
            "opening_hours": HOURS.get(sector, WEEK_OFFICE),
            "created_at": created,
            "phone": f"+334{rng.randint(10000000, 99999999)}",
            "area": area,
            **place,
        }
        where[index] = (place["lon"], place["lat"])
        if rng.random() < 0.04:  # left for `fieldcrm geocode`: no point yet
            account["lon"] = account["lat"] = None
        company.accounts.append(account)
    _scenarios(company, months)
    visits: list[dict[str, Any]] = []
    for account in company.accounts:
        _history(rng, company, account, months, reps_by_area[account["area"]], visits)
    place_visits(company, visits, where)
    _appointments(company)
    return company


def _scenarios(company: DemoCompany, months: list[dt.date]) -> None:
    """The brief's two stories, reproducible: LAMBDA SARL and an old unqualified prospect."""
    lambda_ = company.accounts[0]
    lambda_.update(
        name="LAMBDA SARL",
        kind="client",
        sector="Hôtellerie",
        qualification="A",
        potential_eur_month=40000.0,
        siret="73282932000074",
        created_at=company.today - dt.timedelta(days=1500),
        scenario="lambda",
    )
    zeta = company.accounts[1]
    zeta.update(
        name="ZETA Distribution",
        kind="prospect",
        qualification=None,
        potential_eur_month=None,
        created_at=company.today - dt.timedelta(days=150),
        scenario="stale_prospect",
    )


def _history(
    rng: random.Random,
    company: DemoCompany,
    account: dict[str, Any],
    months: list[dt.date],
    rep_id: int,
    visits: list[dict[str, Any]],
) -> None:
    """Contacts, sales and the wished visits (booked later by :func:`place_visits`) of one account."""
    today = company.today
    contacts = rng.randint(1, 3)
    for k in range(contacts):
        contact_id = len(company.contacts) + 1
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company.contacts.append(
            {
                "id": contact_id,
                "account_id": account["id"],
                "first_name": first,
                "last_name": last,
                "role": ["Gérant", "Acheteur", "Directeur des achats", "Responsable de salle"][
                    k % 4
                ],
                "phone": f"+336{rng.randint(10000000, 99999999)}",
                "email": f"{first[0].lower()}.{last.lower()}@exemple.fr".replace("è", "e").replace(
                    "é", "e"
                ),
            }
        )
        if account["id"] == 3 or rng.random() < 0.01:
            retire = dt.date(today.year + 1, 7, 1)
            company.contact_dates.append(
                {
                    "contact_id": contact_id,
                    "kind": "retirement",
                    "date": retire,
                    "note": "Départ à la retraite de l’acheteur",
                }
            )
    if account["kind"] != "client":
        return
    base = (account["potential_eur_month"] or 2000) * rng.uniform(0.3, 0.8)
    trend = rng.uniform(-0.25, 0.2)
    scenario = account.get("scenario")
    revenue_by_month = {}
    for offset, month in enumerate(months):
        season = 0.55 if month.month == 8 else 1.15 if month.month in (6, 7, 12) else 1.0
        growth = (1 + trend) ** ((offset - 23) / 12)
        revenue_by_month[month] = round(base * season * growth * rng.uniform(0.9, 1.1), 2)
    if scenario == "lambda":
        last_month = months[-1]
        year_before = months[-13]
        revenue_by_month[last_month] = round(revenue_by_month[year_before] * 0.885, 2)  # −11.5 %
    company.sales.extend((account["id"], m, v) for m, v in revenue_by_month.items())
    # Visits every 1–4 months; some accounts neglected for more than six months.
    neglected = scenario == "lambda" or rng.random() < 0.08
    day = today - dt.timedelta(days=rng.randint(200, 260) if neglected else rng.randint(3, 60))
    if scenario == "lambda":
        day = today - dt.timedelta(days=210)
    start = today - dt.timedelta(days=730)
    while day > start:
        hour = rng.choice([9, 10, 11, 14, 15, 16])
        minute = rng.choice([0, 15, 30])
        wanted: dict[str, Any] = {
            "account_id": account["id"],
            "rep_id": rep_id,
            "day": day,
            "hour": hour,
            "minute": minute,
            "outcome": rng.choice(["commande", "devis", "suivi", "aucune suite"]),
            "report": rng.choice(REPORTS),
            "call_after": None,
            "story": scenario is not None,  # the brief's stories keep their dates: booked first
        }
        if rng.random() < 0.5:
            wanted["call_after"] = rng.randint(5, 20)
        visits.append(wanted)
        day -= dt.timedelta(days=rng.randint(30, 120))


MAX_VISITS_PER_DAY = 8
"""At most this many visits in a rep's day."""
MAX_SHIFT_DAYS = 21
"""How far from the wished day a visit may move to find a working day where it fits."""


def _shifts() -> list[int]:
    """0, -1, +1, -2, +2, … within :data:`MAX_SHIFT_DAYS`."""
    return [0] + [sign * k for k in range(1, MAX_SHIFT_DAYS + 1) for sign in (-1, 1)]


def place_visits(
    company: DemoCompany,
    wanted: list[dict[str, Any]],
    where: dict[int, tuple[float, float]] | None = None,
) -> None:
    """Book the wished visits on working days (no weekend, no French public holiday) where
    they can be driven to (:mod:`fieldcrm.services.demo_days`): a local rep's day from home
    and back, Sophie's on her itinerary's city of the day; at most
    :data:`MAX_VISITS_PER_DAY` a day, the brief's stories then the most recent wishes first.
    A visit that fits no day within :data:`MAX_SHIFT_DAYS` is left out; each day is then
    timed from where the rep slept. Follow-up calls go to the next working day. ``where``:
    every account's real place (also of those left for geocoding); by default the accounts'
    points. Uses no randomness: the generator's draws stay as they were."""
    today = company.today
    places = where or {
        a["id"]: (a["lon"], a["lat"]) for a in company.accounts if a["lon"] is not None
    }
    accounts = {a["id"]: a for a in company.accounts}
    reps = {
        u["id"]: days.Rep(
            u["id"],
            u["home"],
            u["work_end"].hour * 60 + u["work_end"].minute,
            u["max_driving_minutes"],
        )
        for u in company.users
        if u["role"] == "rep"
    }
    # Sophie's hotels, for booking: the middle of each city's places.
    centres: dict[str, tuple[float, float]] = {}
    by_city: dict[str, list[tuple[float, float]]] = {}
    for a in company.accounts:
        if a["area"] == "far" and a["id"] in places:
            by_city.setdefault(days.cluster(a["city"]), []).append(places[a["id"]])
    for name, points in by_city.items():
        centres[name] = (
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
        )
    start = today - dt.timedelta(days=730)
    first_day, last_day = start.toordinal() + 1, today.toordinal() - 1
    workable = {n for n in range(first_day, last_day + 1) if is_working_day(dt.date.fromordinal(n))}

    short = {  # the Mondays of weeks with a public holiday
        n - dt.date.fromordinal(n).weekday()
        for n in range(first_day - 7, last_day + 7)
        if dt.date.fromordinal(n).weekday() < 5 and not is_working_day(dt.date.fromordinal(n))
    }
    cities = {
        n: days.itinerary(
            dt.date.fromordinal(n), short_week=n - dt.date.fromordinal(n).weekday() in short
        )
        for n in workable
    }
    trip_days: dict[str, list[int]] = {}
    for n in sorted(cities):
        where_then = cities[n]
        if where_then is not None:
            trip_days.setdefault(where_then, []).append(n)

    def anchors(rep: days.Rep, ordinal: int) -> tuple[days.Point, days.Point | None]:
        """Where the booked day starts and ends: home, or the hotel of a trip."""
        if rep.rep_id != days.TRIP_REP:
            return rep.home, rep.home

        def away(n: int) -> bool:
            here, there = cities.get(n), cities.get(n + 1)
            if here is None or there is None:
                return False
            return sleeps_away(
                GeoPoint(*centres[here]), GeoPoint(*centres[there]), GeoPoint(*rep.home)
            )

        previous = cities.get(ordinal - 1)
        begin = centres[previous] if previous and away(ordinal - 1) else rep.home
        return begin, None if away(ordinal) else rep.home

    # Booked from a city's middle: room for the real hotel's few minutes.
    booking = {
        r: dataclasses.replace(rep, day_end=rep.day_end - 30, max_drive=rep.max_drive - 15)
        for r, rep in reps.items()
    }
    booked: dict[tuple[int, int], list[days.Stop]] = {}
    kept: dict[int, dict[str, Any]] = {}
    failed: dict[tuple[int, int], int] = {}  # shortest visit that did not fit that day
    shifts = _shifts()
    order = sorted(wanted, key=lambda v: (not v["story"], -v["day"].toordinal(), v["account_id"]))
    for key, visit in enumerate(order):
        wished, rep_id, account_id = visit["day"].toordinal(), visit["rep_id"], visit["account_id"]
        if account_id not in places:
            continue
        account = accounts[account_id]
        rep = booking[rep_id]
        stop = days.Stop(
            key, places[account_id], account["visit_minutes"], account["lon"] is not None
        )
        if rep_id == days.TRIP_REP:  # the days of the rotation in the account's city
            there = trip_days.get(days.cluster(account["city"]), [])
            lo = bisect.bisect_left(there, wished - MAX_SHIFT_DAYS)
            hi = bisect.bisect_right(there, wished + MAX_SHIFT_DAYS)
            tried = sorted(there[lo:hi], key=lambda n: (abs(n - wished), n > wished))
        else:
            tried = [wished + shift for shift in shifts if wished + shift in workable]
        for ordinal in tried:
            stops = booked.get((rep_id, ordinal), [])
            if (
                len(stops) >= MAX_VISITS_PER_DAY
                or failed.get((rep_id, ordinal), 999) <= stop.minutes
            ):
                continue
            begin, end = anchors(rep, ordinal)
            placed = days.insert(rep, begin, stops, stop, end)
            if placed is None:
                failed[(rep_id, ordinal)] = stop.minutes
                continue
            booked[(rep_id, ordinal)] = placed
            kept[key] = visit
            break
    for rep_id, rep in reps.items():
        diary = {dt.date.fromordinal(n): stops for (r, n), stops in booked.items() if r == rep_id}
        for day, starts in days.settle(rep, diary).items():
            for stop, minute in zip(diary[day], starts, strict=True):
                _record(company, kept[stop.key], day, minute)
    company.activities.sort(key=lambda a: (a["occurred_at"], a["account_id"], a["kind"]))


def _record(company: DemoCompany, visit: dict[str, Any], day: dt.date, minute: int) -> None:
    """The visit at ``minute`` of ``day`` and its follow-up call."""
    begins = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=PARIS)
    company.activities.append(
        {
            "account_id": visit["account_id"],
            "rep_id": visit["rep_id"],
            "kind": "visit",
            "occurred_at": begins,
            "outcome": visit["outcome"],
            "report": visit["report"],
        }
    )
    if visit["call_after"] is not None:
        call = day + dt.timedelta(days=visit["call_after"])
        while not is_working_day(call):
            call += dt.timedelta(days=1)
        company.activities.append(
            {
                "account_id": visit["account_id"],
                "rep_id": visit["rep_id"],
                "kind": "call",
                "occurred_at": dt.datetime.combine(call, dt.time(11), tzinfo=PARIS),
                "outcome": "suivi",
                "report": "Appel de suivi de commande.",
            }
        )


def _appointments(company: DemoCompany) -> None:
    today = company.today
    tuesday = _next_weekday(today, 1)
    thursday = _next_weekday(today, 3)
    wednesday = _next_weekday(today, 2)
    far = [a for a in company.accounts if a["area"] == "far" and a["lon"] is not None]
    paris = next(a for a in far if a["city"] == "Paris")
    lyon = next(a for a in far if "Lyon" in a["city"])
    riviera = [a for a in company.accounts if a["area"] == "riviera" and a["lon"] is not None]
    alpes = [a for a in company.accounts if a["area"] == "alpes" and a["lon"] is not None]

    def add(rep: int, account: dict[str, Any], day: dt.date, start: dt.time, minutes: int) -> None:
        begin = dt.datetime.combine(day, start, tzinfo=PARIS)
        company.appointments.append(
            {
                "rep_id": rep,
                "account_id": account["id"],
                "title": f"Rendez-vous {account['name']}",
                "starts_at": begin,
                "ends_at": begin + dt.timedelta(minutes=minutes),
                "address": f"{account['address_line1']}, {account['postcode']} {account['city']}",
                "lon": account["lon"],
                "lat": account["lat"],
            }
        )

    add(4, company.accounts[0], tuesday, dt.time(10, 0), 60)
    add(4, riviera[40], thursday, dt.time(14, 30), 45)
    add(5, alpes[0], tuesday, dt.time(11, 0), 60)
    add(6, paris, wednesday, dt.time(10, 0), 90)
    # Sophie's trip: Paris on Wednesday morning, Lyon on Thursday morning, home that evening.
    add(6, lyon, wednesday + dt.timedelta(days=1), dt.time(11, 0), 60)
