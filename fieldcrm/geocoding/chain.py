"""The provider chain: providers tried in order, the offline gazetteer as the last resort.

The first answer good enough to be "matched" wins; otherwise the finest answer seen is kept
(and flagged by :func:`~fieldcrm.geocoding.quality.assess`). A provider that fails is noted
and skipped, so a dead network still ends on the gazetteer; after a few failures in a row it
is switched off for the rest of the run (no backoff paid on every address).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from fieldcrm.errors import ExternalServiceError, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.ban import AddressBook, AddressSource
from fieldcrm.geocoding.gazetteer import Gazetteer
from fieldcrm.geocoding.model import Assessment, GeocodeResult
from fieldcrm.geocoding.normalize import NormalizedAddress
from fieldcrm.geocoding.providers import Provider, ProviderSpec, build_provider, parse_spec
from fieldcrm.geocoding.quality import assess
from fieldcrm.geocoding.trust import abroad, doubts

__all__ = ["ChainOutcome", "GeocoderChain", "OfflineProvider", "build_chain"]


class OfflineProvider:
    """No network: the BAN house numbers loaded in the database (an :class:`AddressBook`,
    filled batch by batch by :meth:`prefetch`), then the gazetteer's commune centre."""

    name = "offline"

    def __init__(self, gazetteer: Gazetteer, *, addresses: AddressBook | None = None) -> None:
        self.gazetteer = gazetteer
        self.addresses = addresses
        self._areas: dict[tuple[str, str], list[list[str]]] = {}

    def _area(self, address: NormalizedAddress) -> list[list[str]]:
        """Communes to search for the address's street, in tiers (none without a street)."""
        if self.addresses is None or not address.street or address.country:
            return []
        key = (address.postcode, address.city)
        if key not in self._areas:
            match = self.gazetteer.lookup(address.postcode, address.city)
            found = match is not None and match.commune.country == "FR"
            self._areas[key] = (
                self.gazetteer.search_area(match.commune, address.postcode)
                if found and match is not None
                else []
            )
        return self._areas[key]

    def prefetch(self, addresses: Sequence[NormalizedAddress], source: AddressSource) -> None:
        """Read from ``source`` the BAN streets and numbers these addresses need."""
        if self.addresses is None:
            return
        wanted = [(a.street, self._area(a)) for a in addresses]
        self.addresses.prefetch([w for w in wanted if w[1]], source)

    def geocode(self, address: NormalizedAddress) -> GeocodeResult | None:
        """The BAN address (house number, else its street) when the BAN of its commune is
        loaded and prefetched; else the commune of the address's postcode and city; or None."""
        if self.addresses is not None:
            found = self.addresses.locate_in(
                address.street, address.housenumber, self._area(address), postcode=address.postcode
            )
            if found is not None:
                return found
        match = self.gazetteer.lookup(address.postcode, address.city)
        if match is None:
            return None
        return GeocodeResult(
            provider=self.name,
            point=match.commune.point,
            precision="municipality",
            score=match.score,
            label=match.label,
            citycode=match.commune.insee,
            postcode=match.postcode,
        )

    def reverse(self, point: GeoPoint) -> GeocodeResult | None:
        """The nearest commune centre."""
        commune, _ = self.gazetteer.nearest(point)
        return GeocodeResult(
            provider=self.name,
            point=commune.point,
            precision="municipality",
            score=1.0,
            label=f"{commune.postcodes[0]} {commune.name}",
            citycode=commune.insee,
            postcode=commune.postcodes[0],
        )


@dataclass(frozen=True)
class ChainOutcome:
    """The chosen answer (or None), its assessment, who was asked and what failed."""

    result: GeocodeResult | None
    assessment: Assessment
    asked: tuple[str, ...] = ()
    errors: tuple[str, ...] = field(default=())


class GeocoderChain:
    """Providers tried in order.

    Parameters
    ----------
    providers : sequence of Provider
        In the order of the settings; usually ends with :class:`OfflineProvider`.
    threshold : float
        Review threshold passed to :func:`~fieldcrm.geocoding.quality.assess`.
    gazetteer : Gazetteer, optional
        Checks answers against the postcode, country and homonyms
        (:mod:`~fieldcrm.geocoding.trust`); defaults to the offline provider's.
    """

    def __init__(
        self,
        providers: Sequence[Provider],
        *,
        threshold: float,
        max_failures: int = 3,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        if not providers:
            raise InvalidInput("geocoders", "at least one provider is needed", value=[])
        if max_failures < 1:
            raise InvalidInput("max_failures", "must be at least 1", value=max_failures)
        self.providers = list(providers)
        self.threshold = threshold
        self.max_failures = max_failures
        self._failures: dict[str, int] = {}
        offline = [p for p in self.providers if isinstance(p, OfflineProvider)]
        self.gazetteer = gazetteer or (offline[0].gazetteer if offline else None)

    @property
    def down(self) -> tuple[str, ...]:
        """Providers switched off for this run after ``max_failures`` failures in a row."""
        return tuple(n for n, count in self._failures.items() if count >= self.max_failures)

    @property
    def names(self) -> tuple[str, ...]:
        """Provider names in order."""
        return tuple(p.name for p in self.providers)

    @property
    def online(self) -> bool:
        """True when some provider is not the offline gazetteer."""
        return any(p.name != OfflineProvider.name for p in self.providers)

    def judge(
        self,
        result: GeocodeResult | None,
        address: NormalizedAddress,
        *,
        errors: Sequence[str] = (),
    ) -> Assessment:
        """Status of an answer: :func:`~fieldcrm.geocoding.quality.assess`, then "to_review"
        with its candidates when the place disagrees with the address
        (:func:`~fieldcrm.geocoding.trust.doubts`)."""
        verdict = assess(result, address, threshold=self.threshold, errors=errors)
        if result is None or result.point is None or self.gazetteer is None:
            return verdict
        doubt = doubts(result, address, self.gazetteer)
        if not doubt:
            return verdict
        reasons = [verdict.reason] if verdict.reason else []
        reasons += doubt.reasons
        if doubt.candidates:
            reasons.append("candidats : " + ", ".join(doubt.candidates))
        return Assessment("to_review", "; ".join(reasons), doubt.candidates)

    def prefetch(self, addresses: Sequence[NormalizedAddress], source: AddressSource) -> None:
        """Let the offline providers read, in a couple of queries, what these addresses need
        (the caller holds the database; :meth:`geocode` then asks no one for it)."""
        for provider in self.providers:
            if isinstance(provider, OfflineProvider):
                provider.prefetch(addresses, source)

    def _providers_for(self, address: NormalizedAddress) -> tuple[list[Provider], str]:
        """Who may answer: everyone for France; abroad, only the gazetteer, and only when it
        knows the country (Monaco) — never a French namesake. The country abroad, or ""."""
        gazetteer = self.gazetteer
        country = abroad(address, gazetteer) if gazetteer is not None else ""
        if not country or gazetteer is None:
            return self.providers, ""
        places = gazetteer.named(address.city) + gazetteer.postcode_communes(address.postcode)
        known = any(place.country == country for place in places)
        offline: list[Provider] = [p for p in self.providers if isinstance(p, OfflineProvider)]
        return (offline if known else []), country

    def geocode(self, address: NormalizedAddress) -> ChainOutcome:
        """Geocode one address through the chain.

        Parameters
        ----------
        address : NormalizedAddress
            What to look up.

        Returns
        -------
        ChainOutcome
            The first "matched" answer, else the finest (then best-scored) one, else None;
            provider failures are listed in ``errors`` and quoted in a failure's reason.
        """
        asked: list[str] = []
        errors: list[str] = []
        best: GeocodeResult | None = None
        providers, country = self._providers_for(address)
        if country and not providers and not address.is_empty:
            reason = f"adresse à l’étranger ({country}) : à placer à la main"
            return ChainOutcome(None, Assessment("failed", reason))
        if not address.is_empty:
            for provider in providers:
                if self._failures.get(provider.name, 0) >= self.max_failures:
                    errors.append(f"{provider.name}: hors service pour cette exécution")
                    continue
                asked.append(provider.name)
                try:
                    result = provider.geocode(address)
                except ExternalServiceError as exc:
                    errors.append(str(exc))
                    self._failures[provider.name] = self._failures.get(provider.name, 0) + 1
                    continue
                self._failures[provider.name] = 0
                if result is None:
                    continue
                verdict = self.judge(result, address)
                if verdict.status == "matched":
                    return ChainOutcome(result, verdict, tuple(asked), tuple(errors))
                if best is None or (result.rank, result.score) > (best.rank, best.score):
                    best = result
        verdict = self.judge(best, address, errors=errors)
        return ChainOutcome(best, verdict, tuple(asked), tuple(errors))

    def reverse(self, point: GeoPoint) -> GeocodeResult | None:
        """Nearest address: the first provider that answers (the gazetteer gives the commune)."""
        for provider in self.providers:
            try:
                result = provider.reverse(point)
            except ExternalServiceError:
                continue
            if result is not None:
                return result
        return None


def build_chain(
    entries: Sequence[str],
    *,
    gazetteer: Gazetteer,
    threshold: float,
    offline_only: bool = False,
    addresses: AddressBook | None = None,
    api_keys: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    **options: object,
) -> GeocoderChain:
    """The chain described by the settings' provider list.

    Parameters
    ----------
    entries : sequence of str
        ``["ban", "nominatim=http://127.0.0.1:8080", "offline"]``; ``offline`` is the
        gazetteer and is appended when missing so a dead network still ends somewhere.
    gazetteer : Gazetteer
        The offline index.
    threshold : float
        Review threshold.
    offline_only : bool
        Keep only the gazetteer (no network).
    addresses : AddressBook, optional
        BAN house numbers for the offline provider (searched before the commune centre).
    api_keys : mapping of str to str, optional
        Key per provider name (``{"opencage": "…"}``); overrides an ``api_key`` option.
    sleep : callable
        Waits between retries.
    **options
        :class:`ProviderSpec` fields for online providers (timeout_s, api_key...).

    Returns
    -------
    GeocoderChain
    """
    providers: list[Provider] = []
    for entry in entries:
        if entry.strip().lower() == "offline":
            providers.append(OfflineProvider(gazetteer, addresses=addresses))
            continue
        if offline_only:
            continue
        spec: ProviderSpec = parse_spec(entry, **options)
        key = (api_keys or {}).get(spec.name)
        if key:
            spec = dataclasses.replace(spec, api_key=key)
        providers.append(build_provider(spec, sleep=sleep))
    if not any(p.name == OfflineProvider.name for p in providers):
        providers.append(OfflineProvider(gazetteer, addresses=addresses))
    return GeocoderChain(providers, threshold=threshold, gazetteer=gazetteer)
