"""Email over SMTP (optionally STARTTLS and login), one message per call.

Addresses are checked strictly before a message is built (:func:`address_problem`): ASCII
only, ``local@domain`` with a dot-atom local part (letters, digits and
``!#$%&'*+/=?^_`{|}~-``, single dots, at most 64 characters), a domain of at least two
dot-separated labels (letters, digits, inner hyphens; at most 63 characters each) ending in
an alphabetic or ``xn--`` top-level label, 254 characters in all. No quoted local parts, no
comments or display names, no IP literals, no internationalised addresses (write the domain
in punycode). Surrounding spaces and tabs are ignored; anything else (a space, a line break,
a control character, a double ``@`` or ``..``) makes the address unusable: the message is
refused before SMTP.

Each message may carry a caller-chosen ``Message-ID`` (:meth:`SmtpSender.message_id_for`):
a message sent again after a crash keeps its id, so a server can drop the copy.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from fieldcrm.notify.result import DeliveryResult

_BLANKS = " \t"
MAIL_PREFIX = "[fieldcrm]"
"""What an e-mail subject starts with (for mail filters); never shown in the app."""


def mail_subject(subject: str) -> str:
    """``subject`` as an e-mail subject: with :data:`MAIL_PREFIX`, once."""
    return subject if subject.startswith(MAIL_PREFIX) else f"{MAIL_PREFIX} {subject}"


def in_app_subject(subject: str) -> str:
    """``subject`` as the in-app inbox shows it: without :data:`MAIL_PREFIX`."""
    return (
        subject.removeprefix(MAIL_PREFIX).lstrip() if subject.startswith(MAIL_PREFIX) else subject
    )


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TOP = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send mail."""

    host: str = "127.0.0.1"
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    mail_from: str = "fieldcrm@localhost"
    timeout_s: float = 10.0


def _valid_domain(domain: str, *, dotted: bool = True) -> bool:
    """True for a domain of letters, digits and inner hyphens (two labels at least if dotted)."""
    labels = domain.split(".")
    if dotted and (len(labels) < 2 or not _TOP.fullmatch(labels[-1])):
        return False
    return all(_LABEL.fullmatch(label) for label in labels)


def address_problem(address: str | None) -> str | None:
    """Why ``address`` is not a usable e-mail address (see the module docstring), or None."""
    if not address or not address.strip(_BLANKS):
        return "no email address"
    bare = address.strip(_BLANKS)
    local, at, domain = bare.rpartition("@")
    if (
        len(bare) > 254
        or not at
        or len(local) > 64
        or not _LOCAL.fullmatch(local)
        or not _valid_domain(domain)
    ):
        return f"invalid email address: {address!a}"
    return None


def split_addresses(addresses: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(usable, rejected)``: usable addresses stripped of blanks, the others as given."""
    usable = [a.strip(_BLANKS) for a in addresses if address_problem(a) is None]
    return usable, [a for a in addresses if address_problem(a) is not None]


def keyed_message_id(key: str, mail_from: str) -> str:
    """``<key@domain>``, the domain being the sender's (``localhost`` if it has no usable one)."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2]
    return f"<{key}@{domain if _valid_domain(domain, dotted=False) else 'localhost'}>"


def one_line(text: str) -> str:
    """``text`` with every run of blanks (line breaks included) turned into one space."""
    return " ".join(text.split())


def _close(smtp: smtplib.SMTP) -> None:
    """Say goodbye; a failure here changes nothing about what was accepted."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


class SmtpSender:
    """Send plain-text mails through one SMTP server."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def message_id_for(self, key: str) -> str:
        """The Message-ID of the message whose idempotency key is ``key``."""
        return keyed_message_id(key, self.settings.mail_from)

    def build(
        self,
        to: str,
        subject: str,
        body: str,
        *,
        cc: Sequence[str] = (),
        message_id: str | None = None,
    ) -> EmailMessage:
        """The MIME message (UTF-8, French accents kept); a fresh Message-ID if none given."""
        msg = EmailMessage()
        msg["From"] = self.settings.mail_from
        msg["To"] = to
        if cc:
            msg["Cc"] = ", ".join(cc)
        msg["Subject"] = one_line(subject)
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = message_id or make_msgid(domain="fieldcrm")
        msg.set_content(body)
        return msg

    def send(
        self,
        to: str,
        subject: str,
        body: str,
        *,
        cc: Sequence[str] = (),
        message_id: str | None = None,
    ) -> DeliveryResult:
        """Send one mail to ``to`` (and ``cc``); never raises for delivery or address problems.

        An unusable ``to`` is a permanent failure; an unusable copy is dropped and named in
        the result's ``note``, the mail still goes to the others.
        """
        copies, dropped = split_addresses(cc)
        note = f"invalid cc dropped: {', '.join(ascii(a) for a in dropped)}" if dropped else None
        problem = address_problem(to)
        if problem:
            return DeliveryResult(False, "email", to, problem, permanent=True, note=note)
        to = to.strip(_BLANKS)
        try:
            msg = self.build(to, subject, body, cc=copies, message_id=message_id)
        except (ValueError, TypeError, MessageError) as exc:
            error = f"cannot build message: {type(exc).__name__}: {exc}"
            return DeliveryResult(False, "email", to, error, permanent=True, note=note)
        try:
            refused = self._submit(msg, [to, *copies])
        except smtplib.SMTPRecipientsRefused as exc:
            error = f"recipients refused: {exc.recipients}"
            return DeliveryResult(False, "email", to, error, permanent=True, note=note)
        except (OSError, smtplib.SMTPException) as exc:
            return DeliveryResult(False, "email", to, f"{type(exc).__name__}: {exc}", note=note)
        if to in refused:
            error = f"refused: {refused[to]}"
            return DeliveryResult(False, "email", to, error, permanent=True, note=note)
        return DeliveryResult(True, "email", to, provider_ref=str(msg["Message-ID"]), note=note)

    def _submit(self, msg: EmailMessage, recipients: list[str]) -> dict[str, tuple[int, bytes]]:
        """Hand ``msg`` to the server; the refused recipients (raises if none was accepted)."""
        s = self.settings
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        try:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.user:
                smtp.login(s.user, s.password)
            return smtp.send_message(msg, to_addrs=recipients)
        finally:
            _close(smtp)
