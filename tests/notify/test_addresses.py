"""Strict e-mail address checks, keyed Message-IDs and SMS idempotency keys."""

from __future__ import annotations

import pytest

from fieldcrm.notify.email import (
    SmtpSender,
    SmtpSettings,
    address_problem,
    keyed_message_id,
    split_addresses,
)
from fieldcrm.notify.sms import WebhookSms
from tests.services.loopback import free_port, sms_webhook, smtp_server

GOOD = [
    "rep@acme.fr",
    "jean.dupont@exemple.fr",
    "o'brien+crm@sub.exemple-bis.co.uk",
    "x@y.xn--p1ai",
    "  padded@acme.fr ",
]
BAD = [
    "",
    "   ",
    "pas-une-adresse",
    "jean@@exemple..fr",
    "jean@exemple..fr",
    ".jean@exemple.fr",
    "jean.@exemple.fr",
    "a b@c.fr",
    "x@y.fr\nBcc: evil@evil.fr",
    "x@y.fr\r\n",
    "x\x1b@y.fr",
    "x@y\x7f.fr",
    "é@acme.fr",
    "x@exemple.é",
    "x@y",
    "x@-acme.fr",
    "x@acme-.fr",
    "x@acme.f",
    "x@acme.123",
    '"quoted"@acme.fr',
    "x@[127.0.0.1]",
    "Jean <jean@acme.fr>",
    "a" * 65 + "@acme.fr",
    "a@" + "b" * 250 + ".fr",
]


@pytest.mark.parametrize("address", GOOD)
def test_good_addresses_pass(address: str) -> None:
    assert address_problem(address) is None


@pytest.mark.parametrize("address", BAD)
def test_bad_addresses_are_named_with_a_technical_reason(address: str) -> None:
    problem = address_problem(address)
    assert problem is not None
    if address.strip():
        assert problem == f"invalid email address: {address!a}"
        assert "\n" not in problem and "\x1b" not in problem
    else:
        assert problem == "no email address"


def test_split_addresses_keeps_usable_ones_stripped() -> None:
    assert split_addresses([" ok@acme.fr", "a b@acme.fr", "dir@acme.fr"]) == (
        ["ok@acme.fr", "dir@acme.fr"],
        ["a b@acme.fr"],
    )


def test_message_id_uses_the_sender_domain() -> None:
    assert keyed_message_id("fieldcrm-notification-7", "CRM <crm@acme.fr>") == (
        "<fieldcrm-notification-7@acme.fr>"
    )
    assert keyed_message_id("k", "fieldcrm@localhost") == "<k@localhost>"
    assert keyed_message_id("k", "n'importe quoi") == "<k@localhost>"


def test_bad_copy_is_dropped_and_noted_the_mail_still_goes() -> None:
    with smtp_server() as (port, box):
        sender = SmtpSender(SmtpSettings(port=port, mail_from="crm@acme.fr"))
        result = sender.send(
            "rep@acme.fr",
            "Objet\nsur deux lignes",
            "corps",
            cc=["dir@acme.fr", "bad cc@acme.fr"],
            message_id="<fieldcrm-notification-42@acme.fr>",
        )
    assert result.ok and result.error is None
    assert result.note == "invalid cc dropped: 'bad cc@acme.fr'"
    assert result.remark == result.note
    ((rcpts, msg),) = box.messages
    assert sorted(rcpts) == ["dir@acme.fr", "rep@acme.fr"]
    assert msg["Cc"] == "dir@acme.fr" and msg["Subject"] == "Objet sur deux lignes"
    assert msg["Message-ID"] == result.provider_ref == "<fieldcrm-notification-42@acme.fr>"


def test_poisoned_recipient_is_refused_before_smtp() -> None:
    # Nothing listens on the port: a refusal must come from the address check alone.
    sender = SmtpSender(SmtpSettings(port=free_port(), timeout_s=2))
    result = sender.send("x@y.fr\nBcc: evil@evil.fr", "s", "b", cc=["a b@c.fr"])
    assert not result.ok and result.permanent
    assert result.error == "invalid email address: 'x@y.fr\\nBcc: evil@evil.fr'"
    assert result.remark == (
        "invalid email address: 'x@y.fr\\nBcc: evil@evil.fr'; invalid cc dropped: 'a b@c.fr'"
    )


def test_sms_carries_its_idempotency_key() -> None:
    with sms_webhook() as (url, received):
        ok = WebhookSms(url).send("0612345678", "x", idempotency_key="fieldcrm-notification-9")
    assert ok.ok
    assert received[0]["json"]["idempotency_key"] == "fieldcrm-notification-9"
