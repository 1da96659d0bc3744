"""Online providers through geopy: BAN (France), Nominatim (public or self-hosted), Photon, and
any geopy geocoder that takes an API key.

Each provider runs behind geopy's :class:`~geopy.extra.rate_limiter.RateLimiter` (minimum delay
between calls), with a timeout, and retries transient failures (timeout, HTTP 429 honouring
``Retry-After``, 5xx, connection refused) with exponential backoff. Permanent failures (bad
key, bad query) and exhausted retries raise :class:`~fieldcrm.errors.ExternalServiceError`;
"no result" is ``None``. Answers are turned into :class:`GeocodeResult` values.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from geopy import exc as geopy_exc
from geopy.adapters import RequestsAdapter
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import BANFrance, Nominatim, Photon, get_geocoder_for_service
from geopy.location import Location

from fieldcrm.errors import ExternalServiceError, InvalidInput
from fieldcrm.geo import GeoPoint
from fieldcrm.geocoding.model import GeocodeResult, Precision
from fieldcrm.geocoding.normalize import NormalizedAddress

__all__ = ["GeopyProvider", "Provider", "ProviderSpec", "build_provider", "parse_spec"]

BUILTIN = ("ban", "nominatim", "photon")


class Provider(Protocol):
    """Anything that geocodes a normalised address (the gazetteer is one too)."""

    name: str

    def geocode(self, address: NormalizedAddress) -> GeocodeResult | None:
        """The best answer, None for "no result"; raises ExternalServiceError on failure."""
        ...

    def reverse(self, point: GeoPoint) -> GeocodeResult | None:
        """Nearest address or place to ``point``."""
        ...


@dataclass(frozen=True)
class ProviderSpec:
    """How to reach one provider.

    ``name`` is ``ban``, ``nominatim``, ``photon`` or a geopy service name (``opencage``,
    ``googlev3``, ``here``...); ``url`` overrides the provider's public endpoint
    (``http://127.0.0.1:8080`` for a self-hosted Nominatim).
    """

    name: str
    url: str = ""
    api_key: str = ""
    timeout_s: float = 5.0
    min_delay_s: float = 0.0
    max_retries: int = 2
    backoff_s: float = 1.0
    user_agent: str = "fieldcrm"

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise InvalidInput("timeout_s", "must be positive", value=self.timeout_s)
        if self.max_retries < 0:
            raise InvalidInput("max_retries", "must be 0 or more", value=self.max_retries)
        if self.url and urlsplit(self.url).scheme not in ("http", "https"):
            raise InvalidInput("url", "needs http:// or https://", value=self.url)

    @property
    def domain(self) -> str:
        """Host, port and path of ``url`` (what geopy calls the domain)."""
        parts = urlsplit(self.url)
        return (parts.netloc + parts.path).rstrip("/")

    @property
    def scheme(self) -> str:
        """``http`` or ``https``."""
        return urlsplit(self.url).scheme or "https"


def parse_spec(text: str, **options: Any) -> ProviderSpec:
    """Read one provider entry of the settings: ``"name"`` or ``"name=https://host[:port]"``.

    Parameters
    ----------
    text : str
        ``"ban"``, ``"nominatim=http://127.0.0.1:8080"``, ``"opencage"``.
    **options
        Other :class:`ProviderSpec` fields (timeout, retries, key...).

    Returns
    -------
    ProviderSpec
    """
    name, _, url = text.partition("=")
    name = name.strip().lower()
    if not name:
        raise InvalidInput("geocoders", "empty provider name", value=text)
    return ProviderSpec(name=name, url=url.strip(), **options)


# ----------------------------------------------------------------- answers → GeocodeResult
_BAN_PRECISION: dict[str, Precision] = {
    "housenumber": "housenumber",
    "street": "street",
    "locality": "street",
    "municipality": "municipality",
}
_SCORE_BY_PRECISION: dict[str, float] = {"housenumber": 0.9, "street": 0.75, "municipality": 0.6}


def _point(location: Location) -> GeoPoint:
    return GeoPoint(float(location.longitude), float(location.latitude))


def _from_ban(location: Location) -> GeocodeResult:
    props = location.raw.get("properties", {})
    precision = _BAN_PRECISION.get(str(props.get("type")), "municipality")
    return GeocodeResult(
        provider="ban",
        point=_point(location),
        precision=precision,
        score=min(1.0, max(0.0, float(props.get("score", 0.0)))),
        label=str(props.get("label") or location.address or ""),
        citycode=str(props.get("citycode") or ""),
        postcode=str(props.get("postcode") or ""),
    )


def _from_nominatim(location: Location) -> GeocodeResult:
    raw = location.raw
    address = raw.get("address", {})
    rank = int(raw.get("place_rank", 0) or 0)
    precision: Precision
    if "house_number" in address or rank >= 30:
        precision = "housenumber"
    elif rank >= 26:
        precision = "street"
    else:
        precision = "municipality"
    return GeocodeResult(
        provider="nominatim",
        point=_point(location),
        precision=precision,
        score=_SCORE_BY_PRECISION[precision],
        label=str(raw.get("display_name") or location.address or ""),
        postcode=str(address.get("postcode") or ""),
    )


def _from_photon(location: Location) -> GeocodeResult:
    props = location.raw.get("properties", {})
    kind = str(props.get("type") or "")
    precision: Precision
    if props.get("housenumber") or kind == "house":
        precision = "housenumber"
    elif kind == "street" or props.get("osm_key") == "highway":
        precision = "street"
    else:
        precision = "municipality"
    return GeocodeResult(
        provider="photon",
        point=_point(location),
        precision=precision,
        score=_SCORE_BY_PRECISION[precision],
        label=str(location.address or ""),
        postcode=str(props.get("postcode") or ""),
    )


def _from_keyed(name: str) -> Callable[[Location], GeocodeResult]:
    """Known shapes of keyed providers' answers; anything else counts as a street match."""

    def convert(location: Location) -> GeocodeResult:
        raw: Mapping[str, Any] = location.raw if isinstance(location.raw, Mapping) else {}
        precision: Precision = "street"
        location_type = raw.get("geometry", {}).get("location_type")  # Google
        kind = raw.get("components", {}).get("_type") or raw.get("resultType")  # OpenCage, HERE
        if location_type == "ROOFTOP" or kind in ("building", "houseNumber"):
            precision = "housenumber"
        elif location_type == "APPROXIMATE" or kind in ("city", "village", "town", "locality"):
            precision = "municipality"
        return GeocodeResult(
            provider=name,
            point=_point(location),
            precision=precision,
            score=_SCORE_BY_PRECISION[precision],
            label=str(location.address or ""),
        )

    return convert


# ----------------------------------------------------------------- the provider
def _adapter(*, proxies: Any, ssl_context: Any) -> RequestsAdapter:
    """HTTP adapter without urllib3's hidden retries: retries are ours, counted and backed off."""
    return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)


class GeopyProvider:
    """One geopy geocoder with rate limit, timeout, retries with backoff and result parsing.

    Parameters
    ----------
    spec : ProviderSpec
        Endpoint, key and retry policy.
    sleep : callable, optional
        Waits between retries (tests pass a recorder).
    """

    def __init__(self, spec: ProviderSpec, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.spec = spec
        self.name = spec.name
        self._sleep = sleep
        common: dict[str, Any] = {
            "timeout": spec.timeout_s,
            "user_agent": spec.user_agent,
            "adapter_factory": _adapter,
        }
        if spec.url:
            common.update(domain=spec.domain, scheme=spec.scheme)
        if spec.name == "ban":
            geocoder: Any = BANFrance(**common)
            self._convert: Callable[[Location], GeocodeResult] = _from_ban
        elif spec.name == "nominatim":
            geocoder = Nominatim(**common)
            self._convert = _from_nominatim
        elif spec.name == "photon":
            geocoder = Photon(**common)
            self._convert = _from_photon
        else:
            try:
                cls = get_geocoder_for_service(spec.name)
            except geopy_exc.GeocoderNotFound as exc:
                raise InvalidInput(
                    "geocoders",
                    "unknown geocoding provider",
                    value=spec.name,
                    allowed="ban, nominatim, photon, offline or a geopy service name",
                ) from exc
            if not spec.api_key:
                raise InvalidInput("geocoder_api_key", f"provider {spec.name!r} needs an API key")
            try:
                geocoder = cls(api_key=spec.api_key, **common)
            except TypeError:
                common.pop("domain", None)
                geocoder = cls(api_key=spec.api_key, **common)
            self._convert = _from_keyed(spec.name)
        self._geocoder = geocoder
        self._geocode = RateLimiter(
            geocoder.geocode,
            min_delay_seconds=spec.min_delay_s,
            max_retries=0,
            swallow_exceptions=False,
        )
        self._reverse = RateLimiter(
            geocoder.reverse,
            min_delay_seconds=spec.min_delay_s,
            max_retries=0,
            swallow_exceptions=False,
        )

    def _query(self, address: NormalizedAddress) -> tuple[Any, dict[str, Any]]:
        if self.name == "nominatim":
            structured = {"street": address.street_line, "postalcode": address.postcode}
            structured["city"] = address.city
            query = {k: v for k, v in structured.items() if v} | {"country": "France"}
            return query, {"addressdetails": True, "country_codes": "fr"}
        return address.query, {}

    def _call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        attempt = 0
        while True:
            try:
                return func(*args, **kwargs)
            except (
                geopy_exc.GeocoderQueryError,
                geopy_exc.GeocoderAuthenticationFailure,
                geopy_exc.GeocoderInsufficientPrivileges,
                geopy_exc.GeocoderParseError,
            ) as exc:
                raise ExternalServiceError(f"{self.name}: {exc}") from exc
            except geopy_exc.GeocoderServiceError as exc:
                quota = isinstance(exc, geopy_exc.GeocoderQuotaExceeded)
                rate_limited = isinstance(exc, geopy_exc.GeocoderRateLimited)
                if (quota and not rate_limited) or attempt >= self.spec.max_retries:
                    raise ExternalServiceError(
                        f"{self.name}: {type(exc).__name__}: {exc}"
                        + (f" (after {attempt + 1} attempts)" if attempt else "")
                    ) from exc
                wait = self.spec.backoff_s * 2**attempt
                retry_after = getattr(exc, "retry_after", None)
                if rate_limited and retry_after:
                    wait = max(wait, float(retry_after))
                self._sleep(wait)
                attempt += 1
            except (AttributeError, KeyError, TypeError, ValueError) as exc:
                # geopy's own parsing of a malformed answer (e.g. latitude out of range).
                raise ExternalServiceError(f"{self.name}: unreadable answer ({exc})") from exc

    def geocode(self, address: NormalizedAddress) -> GeocodeResult | None:
        """Ask the provider; None when it has no answer."""
        if address.is_empty:
            return None
        query, extra = self._query(address)
        location = self._call(self._geocode, query, exactly_one=True, **extra)
        return self._parse(location)

    def reverse(self, point: GeoPoint) -> GeocodeResult | None:
        """Nearest address to ``point``; None when the provider has none."""
        location = self._call(self._reverse, (point.lat, point.lon), exactly_one=True)
        return self._parse(location)

    def _parse(self, location: Location | None) -> GeocodeResult | None:
        if location is None:
            return None
        try:
            return self._convert(location)
        except (InvalidInput, AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ExternalServiceError(f"{self.name}: unreadable answer ({exc})") from exc


def build_provider(spec: ProviderSpec, *, sleep: Callable[[float], None] = time.sleep) -> Provider:
    """The provider for ``spec`` (validated: unknown names and missing keys raise InvalidInput).

    Parameters
    ----------
    spec : ProviderSpec
        See :func:`parse_spec`.
    sleep : callable, optional
        Waits between retries.

    Returns
    -------
    Provider
    """
    return GeopyProvider(spec, sleep=sleep)
