"""Email and SMS adapters against real servers on loopback; failures come back as results."""

from __future__ import annotations

import pytest

from fieldcrm.notify.email import SmtpSender, SmtpSettings
from fieldcrm.notify.sms import WebhookSms, normalise_phone
from tests.services.loopback import free_port, sms_webhook, smtp_server


def test_email_is_received_with_accents_and_copies() -> None:
    with smtp_server() as (port, box):
        sender = SmtpSender(SmtpSettings(port=port, mail_from="crm@acme.fr"))
        result = sender.send(
            "rep@acme.fr",
            "Visite à planifier",
            "Chiffre d'affaires en baisse — 11,5 %",
            cc=["dir@acme.fr"],
        )
    assert result.ok and result.provider_ref
    ((rcpts, msg),) = box.messages
    assert sorted(rcpts) == ["dir@acme.fr", "rep@acme.fr"]
    assert msg["Subject"] == "Visite à planifier" and msg["From"] == "crm@acme.fr"
    assert "baisse — 11,5 %" in msg.get_content()


def test_email_failures_are_results_not_exceptions() -> None:
    down = SmtpSender(SmtpSettings(port=free_port(), timeout_s=2)).send("a@b.fr", "s", "b")
    assert not down.ok and not down.permanent and down.error
    bad = SmtpSender(SmtpSettings(port=free_port())).send("pas-une-adresse", "s", "b")
    assert not bad.ok and bad.permanent


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("12", None),
        ("", None),
    ],
)
def test_phone_normalisation(raw: str, e164: str | None) -> None:
    assert normalise_phone(raw) == e164


def test_sms_webhook_success_and_failures() -> None:
    with sms_webhook() as (url, received):
        ok = WebhookSms(url, token="t0k", sender="ACME").send("06 12 34 56 78", "Bonjour é")
    assert ok.ok and ok.provider_ref == "sms-1"
    assert received[0]["json"] == {"to": "+33612345678", "text": "Bonjour é", "sender": "ACME"}
    assert received[0]["auth"] == "Bearer t0k"
    with sms_webhook(status=503) as (url, _):
        busy = WebhookSms(url).send("0612345678", "x")
    assert not busy.ok and not busy.permanent and "503" in (busy.error or "")
    with sms_webhook(status=400) as (url, _):
        refused = WebhookSms(url).send("0612345678", "x")
    assert not refused.ok and refused.permanent
    assert WebhookSms(url).send("abc", "x").permanent
    unreachable = WebhookSms(f"http://127.0.0.1:{free_port()}/sms", timeout_s=2).send(
        "0612345678", "x"
    )
    assert not unreachable.ok and not unreachable.permanent
