"""Geocoding use cases: batch geocoding (resumable), re-geocoding a selection, manual pins,
reverse geocoding for check-ins.

A batch goes in three steps, and no provider is asked while a transaction is open: claim the
batch (a short committed transaction), ask the providers, write the answers (a second short
one) on the accounts still as claimed. An interrupted run loses at most the batch in flight,
whose claims it gives back (or which expire if the process was killed), and the next run
carries on from the accounts still pending. Answers are cached by normalised address, so the
same address never asks a provider twice. A batch started from the screen or the API runs as
a job in the worker (:func:`start_geocoding`, :func:`run_geocoding_job`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from fieldcrm.auth import policy
from fieldcrm.auth.roles import Actor, Role
from fieldcrm.config import Settings, get_settings
from fieldcrm.errors import InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.ban import AddressBook
from fieldcrm.geocoding.chain import ChainOutcome, GeocoderChain, OfflineProvider, build_chain
from fieldcrm.geocoding.gazetteer import CommuneOutlines, load_gazetteer
from fieldcrm.geocoding.model import PRECISION_LABELS, GeocodeResult, Precision
from fieldcrm.geocoding.normalize import NormalizedAddress, normalize_address, normalize_one_line
from fieldcrm.geocoding.quality import expected_precision
from fieldcrm.geocoding.trust import found_town, place_problem, postcode_problem, typed_commune
from fieldcrm.geocoding.trust import postcode_town as trust_postcode_town
from fieldcrm.services import accounts, costs, territories
from fieldcrm.store import ban as ban_store
from fieldcrm.store import geocache as store

log = logging.getLogger(__name__)

SYSTEM = Actor(id=0, role=Role.ADMIN, name="fieldcrm")
"""The actor of command-line runs (an administrator that is no user)."""

CLAIM_S = 30 * 60.0
"""How long a run's claim on a batch holds: longer than a batch takes, even on slow providers.
Accounts claimed by a run killed mid-batch are taken again once it has passed."""


@dataclass
class GeocodeSummary:
    """What a run did: results by status and precision, cache use, provider calls."""

    processed: int = 0
    matched: Counter[str] = field(default_factory=Counter)  # by precision
    to_review: int = 0
    failed: int = 0
    cached: int = 0
    locked: int = 0
    missing: int = 0  # selected ids that are not there (or busy in another run)
    changed: int = 0  # placed by hand, locked or edited while asked: left as they were
    batches: int = 0
    asked: Counter[str] = field(default_factory=Counter)  # provider → calls
    reasons: Counter[str] = field(default_factory=Counter)  # failure reasons

    @property
    def matched_total(self) -> int:
        """Accounts matched, all precisions."""
        return sum(self.matched.values())

    def as_dict(self, *, down: Sequence[str] = ()) -> dict[str, Any]:
        """The summary as JSON data (an API answer, a job's result); ``down``: providers
        switched off during the run."""
        return {
            "processed": self.processed,
            "matched": dict(self.matched),
            "matched_total": self.matched_total,
            "to_review": self.to_review,
            "failed": self.failed,
            "cached": self.cached,
            "locked": self.locked,
            "missing": self.missing,
            "changed": self.changed,
            "batches": self.batches,
            "asked": dict(self.asked),
            "reasons": dict(self.reasons),
            "down": list(down),
        }


def chain_from_settings(
    settings: Settings | None = None, *, offline: bool = False
) -> GeocoderChain:
    """The provider chain of the settings (``offline`` keeps only the gazetteer)."""
    s = settings or get_settings()
    return build_chain(
        s.geocoders,
        gazetteer=load_gazetteer(),
        threshold=s.geocoder_review_threshold,
        offline_only=offline,
        addresses=AddressBook(),
        api_keys={k: v.get_secret_value() for k, v in s.geocoder_api_keys.items()},
        timeout_s=s.geocoder_timeout_s,
        min_delay_s=s.geocoder_min_delay_s,
        max_retries=s.geocoder_max_retries,
        backoff_s=s.geocoder_backoff_s,
        api_key=s.geocoder_api_key.get_secret_value(),
        user_agent=s.user_agent,
    )


def _from_cache(entry: store.CachedAnswer) -> GeocodeResult | None:
    if entry.precision == "none" or entry.lon is None or entry.lat is None:
        return None
    precision: Precision = entry.precision  # type: ignore[assignment]
    return GeocodeResult(
        provider=entry.provider,
        point=GeoPoint(entry.lon, entry.lat),
        precision=precision,
        score=entry.score or 0.0,
        label=entry.label or "",
        citycode=entry.citycode or "",
        postcode=_postcode_in(entry.label) if entry.provider.startswith("offline") else "",
    )


def _postcode_in(label: str | None) -> str:
    """The postcode an offline answer's label shows (``"06000 Nice"``, ``"12 Rue X 75002 Paris"``)."""
    found = re.search(r"\b\d{5}\b", label or "")
    return found.group(0) if found else ""


def _to_cache(key: str, outcome: ChainOutcome) -> store.CachedAnswer:
    result = outcome.result
    if result is None or result.point is None:
        return store.CachedAnswer(key, "none", None, None, None, "none", None, None)
    return store.CachedAnswer(
        key,
        result.provider,
        result.point.lon,
        result.point.lat,
        result.score,
        result.precision,
        result.label,
        result.citycode or None,
    )


def _usable(entry: store.CachedAnswer, *, retry_failed: bool) -> bool:
    """A cached miss is asked again when failures are retried."""
    return not (entry.precision == "none" and retry_failed)


def _ask(
    rows: Sequence[store.AccountAddress],
    hits: Mapping[str, store.CachedAnswer],
    *,
    chain: GeocoderChain,
    summary: GeocodeSummary,
    retry_failed: bool,
) -> tuple[dict[int, ChainOutcome], dict[str, ChainOutcome]]:
    """Each unlocked row's outcome (cache first, then the providers) and the fresh answers.

    Takes no session: it runs with no transaction open, while the providers are called.
    """
    outcomes: dict[int, ChainOutcome] = {}
    fresh: dict[str, ChainOutcome] = {}
    for row in rows:
        if row.locked:
            summary.locked += 1
            continue
        outcome, asked = _outcome(
            _address(row), hits, fresh, chain=chain, retry_failed=retry_failed
        )
        if asked:
            summary.asked.update(outcome.asked)
        else:
            summary.cached += 1
        outcomes[row.id] = outcome
    return outcomes, fresh


def _outcome(
    address: NormalizedAddress,
    hits: Mapping[str, store.CachedAnswer],
    fresh: dict[str, ChainOutcome],
    *,
    chain: GeocoderChain,
    retry_failed: bool,
) -> tuple[ChainOutcome, bool]:
    """One address's answer and whether the providers were asked for it: the cache
    (``hits``, then this run's ``fresh`` answers), else the providers (the answer joins
    ``fresh``). The one rule of every geocode, an account's or an address typed on a form
    (:func:`locate_address`)."""
    entry = hits.get(address.key)
    if entry is not None and _usable(entry, retry_failed=retry_failed):
        result = _from_cache(entry)
        return ChainOutcome(result, chain.judge(result, address)), False
    if address.key in fresh:
        return fresh[address.key], False
    fresh[address.key] = chain.geocode(address)
    return fresh[address.key], True


def _address(row: store.AccountAddress) -> NormalizedAddress:
    return _normalized(row.address_line1, row.address_line2, row.postcode, row.city, row.country)


@lru_cache(maxsize=4096)
def _normalized(
    line1: str | None,
    line2: str | None,
    postcode: str | None,
    city: str | None,
    country: str | None,
) -> NormalizedAddress:
    """:func:`normalize_address`, remembered: a batch reads each row's address three times
    (cache key, BAN prefetch, providers)."""
    return normalize_address(line1, line2, postcode, city, country)


def candidate_places(labels: Sequence[str]) -> list[dict[str, Any]]:
    """The places a doubtful answer could be, with their points (for the review map)."""
    gazetteer = load_gazetteer()
    places: list[dict[str, Any]] = []
    for label in labels:
        commune = gazetteer.by_label(label)
        if commune is not None:
            places.append(
                {
                    "label": label,
                    "insee": commune.insee,
                    "lon": commune.point.lon,
                    "lat": commune.point.lat,
                }
            )
    return places


def _town(row: store.AccountAddress, outcome: ChainOutcome) -> str | None:
    """The town of the commune a confident answer placed ``row`` in, when the row has a
    postcode and no town (:func:`fieldcrm.geocoding.trust.found_town`); else None."""
    result = outcome.result
    if row.city or result is None or outcome.assessment.status != "matched":
        return None
    return found_town(result, _address(row), gazetteer=load_gazetteer())


def _update(
    account_id: int, outcome: ChainOutcome, *, town: str | None = None
) -> store.GeocodeUpdate:
    result, verdict = outcome.result, outcome.assessment
    point = result.point if result is not None else None
    return store.GeocodeUpdate(
        id=account_id,
        lon=point.lon if point else None,
        lat=point.lat if point else None,
        provider=result.provider if result else None,
        score=result.score if result else None,
        precision=result.precision if result else "none",
        status=verdict.status,
        label=result.label if result else None,
        reason=verdict.reason or None,
        candidates=candidate_places(verdict.candidates) or None,
        town=town,
    )


def _count(summary: GeocodeSummary, outcome: ChainOutcome) -> None:
    result, verdict = outcome.result, outcome.assessment
    summary.processed += 1
    if verdict.status == "matched" and result is not None:
        summary.matched[result.precision] += 1
    elif verdict.status == "to_review":
        summary.to_review += 1
    else:
        summary.failed += 1
        summary.reasons[verdict.reason] += 1


def _write(
    session: Session,
    rows: Sequence[store.AccountAddress],
    outcomes: Mapping[int, ChainOutcome],
    fresh: Mapping[str, ChainOutcome],
    *,
    chain: GeocoderChain,
    summary: GeocodeSummary,
) -> None:
    """Write a batch's answers (not yet committed) where the accounts are still as claimed;
    give back the other claims."""
    _remember(session, fresh, chain=chain)
    by_id = {r.id: r for r in rows}
    # a row with a postcode and no town gets the town of the commune it was placed in
    updates = [_update(i, o, town=_town(by_id[i], o)) for i, o in outcomes.items()]
    written = store.save_results(session, updates, claimed=rows)
    costs.locations_changed(session, sorted(written))
    for account_id, outcome in outcomes.items():
        if account_id in written:
            _count(summary, outcome)
        else:
            summary.changed += 1
    store.release_claims(session, rows)


def _remember(session: Session, fresh: Mapping[str, ChainOutcome], *, chain: GeocoderChain) -> None:
    """Cache the fresh answers every provider had its say on (not yet committed)."""
    # After a provider failure (or in an offline-only run) the answer may improve later, so
    # a gazetteer guess never hides a provider's answer.
    if chain.online:
        store.remember(
            session, [_to_cache(k, outcome) for k, outcome in fresh.items() if not outcome.errors]
        )


def _prefetch(
    session: Session,
    rows: Sequence[store.AccountAddress],
    hits: Mapping[str, store.CachedAnswer],
    *,
    chain: GeocoderChain,
    retry_failed: bool,
) -> None:
    """Read the BAN streets and numbers the batch's uncached addresses need (a couple of
    queries, in the claim's transaction), so the offline provider asks nothing later."""
    todo = []
    for row in rows:
        if row.locked:
            continue
        address = _address(row)
        entry = hits.get(address.key)
        if entry is None or not _usable(entry, retry_failed=retry_failed):
            todo.append(address)
    if todo:
        chain.prefetch(todo, ban_store.BanSource(session))


def _give_back(session: Session, rows: Sequence[store.AccountAddress]) -> None:
    """After a failure mid-batch, release its claims so the next run takes the accounts at
    once (best effort: claims not released expire after :data:`CLAIM_S`)."""
    try:
        session.rollback()
        store.release_claims(session, rows)
        session.commit()
    except Exception:  # the database may be what failed
        session.rollback()
        log.warning("geocoding: claims of %d account(s) left to expire", len(rows))


def geocode_accounts(
    session: Session,
    *,
    actor: Actor,
    chain: GeocoderChain,
    batch_size: int = 200,
    account_ids: Sequence[int] | None = None,
    retry_failed: bool = False,
    refresh: bool = False,
    max_batches: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> GeocodeSummary:
    """Geocode pending accounts (or the selection ``account_ids``) in committed batches.

    Each batch is claimed in a short committed transaction, the providers are asked with no
    transaction open (no row lock held), and the answers are written in a second short one,
    only on accounts still as claimed: an account placed by hand, locked or edited meanwhile
    keeps what it has. ``retry_failed`` also takes accounts that failed before; ``refresh``
    ignores the cache; ``max_batches`` stops early (the rest stays pending for the next run).
    Locked accounts (placed by hand) are never touched. ``progress`` is called with each
    batch's size.
    """
    policy.require(actor, "geocode.run")
    if batch_size < 1:
        raise InvalidInput("batch_size", "must be at least 1", value=batch_size)
    summary = GeocodeSummary()
    statuses = ("pending", "failed") if retry_failed else ("pending",)
    selection = sorted(set(account_ids)) if account_ids else None
    cursor = start = 0
    while max_batches is None or summary.batches < max_batches:
        if selection is not None:
            chunk = selection[start : start + batch_size]
            if not chunk:
                break
            start += batch_size
            rows = store.claim_accounts(session, chunk, claim_s=CLAIM_S)
            summary.missing += len(chunk) - len(rows)
        else:
            rows = store.claim_next_batch(
                session, after_id=cursor, limit=batch_size, statuses=statuses, claim_s=CLAIM_S
            )
            if not rows:
                break
            cursor = rows[-1].id
        keys = (_address(r).key for r in rows if not r.locked)
        hits = {} if refresh else store.cached(session, keys)
        _prefetch(session, rows, hits, chain=chain, retry_failed=retry_failed)
        session.commit()  # the claim holds; no transaction open (no row lock) while asking
        try:
            outcomes, fresh = _ask(
                rows, hits, chain=chain, summary=summary, retry_failed=retry_failed
            )
            _write(session, rows, outcomes, fresh, chain=chain, summary=summary)
            session.commit()
        except BaseException:
            _give_back(session, rows)
            raise
        summary.batches += 1
        if progress is not None:
            progress(len(rows))
    return summary


def count_todo(session: Session, *, retry_failed: bool = False) -> int:
    """How many accounts a run would take."""
    statuses = ("pending", "failed") if retry_failed else ("pending",)
    return store.count_todo(session, statuses=statuses)


@dataclass(frozen=True)
class LocatedAddress:
    """Where an address typed on a form was found: the point, the address as understood
    (``"12 Rue Jean Jaurès 83000 Toulon"``) and its precision (``"housenumber"``,
    ``"street"`` or ``"municipality"``); for a commune's centre, ``approximate`` says so in
    French (``"au centre de Nice : adresse non trouvée au numéro"``), and as data for pages
    that say it in the reader's language: the ``commune`` and the precision ``wanted``
    (``None``: no street was typed)."""

    point: GeoPoint
    label: str
    precision: str
    approximate: str | None = None
    commune: str | None = None
    wanted: str | None = None


def locate_address(
    session: Session, *, text: str, chain: GeocoderChain, field: str = "address"
) -> LocatedAddress:
    """Geocode an address typed on one line (``"12 rue Jean Jaurès, 83000 Toulon"``) as
    accounts are: the cache, else the providers of ``chain`` (the offline BAN and
    gazetteer last); a fresh answer joins the cache with the caller's commit.

    Kept: an answer placed at the door or on the street that nothing casts doubt on; else
    the centre of the commune the address names (its postcode and city), said in
    ``approximate``. :class:`~fieldcrm.errors.InvalidInput` naming ``field`` otherwise —
    nothing found, a commune other than the one typed, or a doubtful answer — in French,
    with what was understood; a provider's failure is logged, never shown.
    """
    address = normalize_one_line(text)
    if address.is_empty:
        raise InvalidInput(field, "adresse vide", value=text)
    hits = store.cached(session, [address.key])
    if address.key not in hits:
        chain.prefetch([address], ban_store.BanSource(session))
    fresh: dict[str, ChainOutcome] = {}
    outcome, _ = _outcome(address, hits, fresh, chain=chain, retry_failed=False)
    _remember(session, fresh, chain=chain)
    result, verdict = outcome.result, outcome.assessment
    allowed = "le numéro, la rue, le code postal et la ville (« 12 rue de la Paix, 83000 Toulon »)"
    if result is None or result.point is None or verdict.status == "failed":
        # the reason may quote a provider's failure (English, technical): for the log only
        log.info("address not found: %r (%s)", address.query, verdict.reason)
        raise InvalidInput(
            field, "adresse introuvable : indiquez le numéro, la rue, le code postal et la ville"
        )
    if result.precision not in ("housenumber", "street"):
        return _commune_centre(result, address, chain=chain, field=field, allowed=allowed)
    if verdict.status != "matched":
        raise InvalidInput(
            field, f"adresse incertaine : {result.label} ({verdict.reason})", allowed=allowed
        )
    return LocatedAddress(result.point, result.label or address.query, result.precision)


def _commune_centre(
    result: GeocodeResult,
    address: NormalizedAddress,
    *,
    chain: GeocoderChain,
    field: str,
    allowed: str,
) -> LocatedAddress:
    """A commune-level answer kept at the commune's centre, when that commune is the one the
    address names and nothing else casts doubt on it (judged as the commune alone)."""
    assert result.point is not None
    gazetteer = chain.gazetteer or load_gazetteer()
    commune = typed_commune(result, address, gazetteer)
    found = PRECISION_LABELS[result.precision]
    if commune is None:
        raise InvalidInput(
            field,
            f"adresse trouvée seulement {found}, autre que celle indiquée : {result.label}",
            allowed=allowed,
        )
    verdict = chain.judge(result, replace(address, housenumber="", street=""))
    if verdict.status != "matched":
        raise InvalidInput(
            field, f"adresse incertaine : {result.label} ({verdict.reason})", allowed=allowed
        )
    wanted = expected_precision(address) if address.street else None
    missed = f"adresse non trouvée {PRECISION_LABELS[wanted]}" if wanted else "aucune rue indiquée"
    return LocatedAddress(
        result.point,
        result.label or commune.label,
        result.precision,
        approximate=f"au centre de {commune.name} : {missed}",
        commune=commune.name,
        wanted=wanted,
    )


def _require_locate(session: Session, actor: Actor, account_id: int) -> None:
    """:class:`~fieldcrm.errors.Forbidden` unless ``actor`` may place ``account_id``: the reach
    rule of every account edit (:func:`fieldcrm.services.accounts.access`: a rep their own
    accounts and the unassigned prospects within reach, a manager their team's);
    :class:`~fieldcrm.errors.NotFound` for an unknown account."""
    policy.require(
        actor, "account.locate", **accounts.access(session, actor=actor, account_id=account_id)
    )


def set_location(
    session: Session, *, actor: Actor, account_id: int, point: GeoPoint, lock: bool = True
) -> store.LocatedAccount:
    """Place an account by hand (a pin dragged on the map); locked against re-geocoding."""
    _require_locate(session, actor, account_id)
    located = store.set_manual_location(
        session,
        account_id=account_id,
        lon=point.lon,
        lat=point.lat,
        actor_id=actor.id if actor.id > 0 else None,
        lock=lock,
    )
    costs.locations_changed(session, [account_id])
    session.commit()
    return located


def unlock_location(session: Session, *, actor: Actor, account_id: int) -> None:
    """Release a manual pin: the account goes back to "pending" for the next run."""
    _require_locate(session, actor, account_id)
    store.unlock_location(session, account_id=account_id)
    session.commit()


def commune_check(postcode: str | None, city: str | None) -> str | None:
    """Why an imported row's postcode and city identify no single commune (French), or None:
    the ``commune_check`` of :func:`fieldcrm.accounts.parse.parse_accounts`."""
    return place_problem(postcode, city, gazetteer=load_gazetteer())


def postcode_check(postcode: str, city: str | None) -> str | None:
    """Why no commune has an imported row's French postcode (French), or None: the
    ``postcode_check`` of :func:`fieldcrm.accounts.parse.parse_accounts`."""
    return postcode_problem(postcode, city, gazetteer=load_gazetteer())


def postcode_town(postcode: str) -> str | None:
    """The commune an imported row's postcode serves when it serves one only (its name), or
    None: the ``postcode_town`` of :func:`fieldcrm.accounts.parse.parse_accounts`."""
    return trust_postcode_town(postcode, gazetteer=load_gazetteer())


REVIEW_STATUSES = ("to_review", "failed")


def review_queue(
    session: Session,
    *,
    actor: Actor,
    statuses: Sequence[str] = REVIEW_STATUSES,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[store.ReviewItem], int]:
    """Accounts to look at (flagged "to_review" or "failed"), lowest score first, and the total."""
    policy.require(actor, "geocode.run")
    unknown = [s for s in statuses if s not in REVIEW_STATUSES]
    if unknown or not statuses:
        raise InvalidInput(
            "status", "not a review status", value=unknown or [], allowed=", ".join(REVIEW_STATUSES)
        )
    return store.review_queue(session, statuses=statuses, limit=limit, offset=offset)


@dataclass(frozen=True)
class ReverseAnswer:
    """Nearest commune (offline, always) and nearest address (online providers, if any)."""

    insee: str
    commune: str
    postcode: str
    commune_distance_m: float
    address: str | None
    address_provider: str | None


@lru_cache(maxsize=1)
def commune_outlines() -> CommuneOutlines:
    """The shipped commune outlines (the départements the territories module ships)."""
    return CommuneOutlines(territories.boundaries().communes)


def reverse(point: GeoPoint, *, chain: GeocoderChain, offline: bool = False) -> ReverseAnswer:
    """Point → its commune (the shipped outline containing it, else the nearest commune centre)
    and nearest address (first online provider, unless ``offline``)."""
    commune, distance = load_gazetteer().nearest(point, outlines=commune_outlines())
    address: GeocodeResult | None = None
    if chain.online and not offline:
        online = [p for p in chain.providers if p.name != OfflineProvider.name]
        address = GeocoderChain(online, threshold=chain.threshold).reverse(point)
    return ReverseAnswer(
        insee=commune.insee,
        commune=commune.name,
        postcode=commune.postcodes[0] if commune.postcodes else "",
        commune_distance_m=round(distance, 1),
        address=address.label if address else None,
        address_provider=address.provider if address else None,
    )


def choose_candidate(
    session: Session, *, actor: Actor, account_id: int, index: int
) -> store.LocatedAccount:
    """Place a doubtful account in one of its candidate communes (the reviewer's choice): at
    its address's BAN house number there when the BAN of that commune is loaded, else at the
    commune's centre; confirmed like a pin placed by hand."""
    _require_locate(session, actor, account_id)
    item = store.review_item(session, account_id)
    candidates = item.candidates or []
    if not 0 <= index < len(candidates):
        raise InvalidInput(
            "candidate",
            "pas de tel candidat pour ce compte",
            value=index,
            allowed=f"0..{len(candidates) - 1}" if candidates else "aucun candidat",
        )
    chosen = candidates[index]
    point = GeoPoint(float(chosen["lon"]), float(chosen["lat"]))  # type: ignore[arg-type]
    address = normalize_address(item.address_line1, None, item.postcode, item.city)
    commune = load_gazetteer().commune_of(str(chosen.get("insee", "")))
    if address.street and commune is not None and commune.country == "FR":
        book = AddressBook()
        tiers = load_gazetteer().search_area(commune, None)
        book.prefetch([(address.street, tiers)], ban_store.BanSource(session))
        found = book.locate_in(address.street, address.housenumber, tiers)
        if found is not None and found.point is not None:
            point = found.point
    return set_location(session, actor=actor, account_id=account_id, point=point)
