"""The outcome of one delivery attempt, shared by every channel."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What happened when a message was handed to a provider.

    ``ok`` is True once the provider accepted the message; ``error`` says why not;
    ``provider_ref`` is the provider's id for the message when it gives one;
    ``permanent`` marks failures a retry cannot fix (bad address); ``note`` tells what was
    left out even on success (an unusable copy address, say).
    """

    ok: bool
    channel: str
    address: str
    error: str | None = None
    provider_ref: str | None = None
    permanent: bool = False
    note: str | None = None

    @property
    def remark(self) -> str | None:
        """The error and the note in one line, as stored with the attempt (None if neither)."""
        return "; ".join(part for part in (self.error, self.note) if part) or None
