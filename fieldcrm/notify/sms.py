"""SMS through an HTTP webhook provider.

The provider interface is one method, ``send(phone, text) -> DeliveryResult``. The shipped
:class:`WebhookSms` POSTs ``{"to": "+33…", "text": "…", "sender": "…"}`` as JSON with a
bearer token to a URL, which suits most gateways (or a small relay in front of them); a 2xx
answer is a success and its JSON ``id`` (if any) the provider's reference. With an
idempotency key, the JSON also holds ``"idempotency_key"`` (and the request an
``Idempotency-Key`` header): an SMS sent again after a crash keeps its key, so the gateway
can drop the copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import httpx

from fieldcrm.notify.result import DeliveryResult

_PHONE = re.compile(r"^\+?[0-9]{6,15}$")


def normalise_phone(phone: str) -> str | None:
    """French numbers to E.164 (``06 12 34 56 78`` → ``+33612345678``); None if unusable."""
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"0[1-9][0-9]{8}", digits):
        digits = "+33" + digits[1:]
    return digits if _PHONE.match(digits) else None


class SmsProvider(Protocol):
    """Anything that can send one SMS."""

    def send(
        self, phone: str, text: str, *, idempotency_key: str | None = None
    ) -> DeliveryResult: ...


@dataclass(frozen=True, slots=True)
class WebhookSms:
    """POST each SMS as JSON to ``url``."""

    url: str
    token: str = ""
    sender: str = "fieldcrm"
    timeout_s: float = 10.0

    def send(self, phone: str, text: str, *, idempotency_key: str | None = None) -> DeliveryResult:
        """Send ``text`` to ``phone``; never raises for delivery problems."""
        number = normalise_phone(phone)
        if number is None:
            return DeliveryResult(False, "sms", phone, "no valid phone number", permanent=True)
        if not self.url:
            return DeliveryResult(False, "sms", number, "no SMS webhook configured")
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        payload = {"to": number, "text": text[:640], "sender": self.sender}
        if idempotency_key:
            payload["idempotency_key"] = idempotency_key
            headers["Idempotency-Key"] = idempotency_key
        try:
            answer = httpx.post(
                self.url,
                json=payload,
                headers=headers,
                timeout=self.timeout_s,
            )
        except httpx.HTTPError as exc:
            return DeliveryResult(False, "sms", number, f"{type(exc).__name__}: {exc}")
        if answer.is_success:
            ref = None
            try:
                body = answer.json()
                ref = str(body.get("id")) if isinstance(body, dict) and body.get("id") else None
            except ValueError:
                pass
            return DeliveryResult(True, "sms", number, provider_ref=ref)
        permanent = answer.status_code in (400, 404, 422)
        return DeliveryResult(
            False,
            "sms",
            number,
            f"HTTP {answer.status_code}: {answer.text[:200]}",
            permanent=permanent,
        )
