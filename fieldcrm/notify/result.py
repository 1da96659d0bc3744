"""The outcome of one delivery attempt, shared by every channel."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What happened when a message was handed to a provider.

    ``ok`` is True once the provider accepted the message; ``error`` says why not;
    ``provider_ref`` is the provider's id for the message when it gives one;
    ``permanent`` marks failures a retry cannot fix (bad address).
    """

    ok: bool
    channel: str
    address: str
    error: str | None = None
    provider_ref: str | None = None
    permanent: bool = False
