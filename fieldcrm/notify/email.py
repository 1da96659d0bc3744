"""Email over SMTP (optionally STARTTLS and login), one message per call."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from fieldcrm.notify.result import DeliveryResult


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


class SmtpSender:
    """Send plain-text mails through one SMTP server."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def build(self, to: str, subject: str, body: str, *, cc: Sequence[str] = ()) -> EmailMessage:
        """The MIME message (UTF-8, French accents kept)."""
        msg = EmailMessage()
        msg["From"] = self.settings.mail_from
        msg["To"] = to
        if cc:
            msg["Cc"] = ", ".join(cc)
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain="fieldcrm")
        msg.set_content(body)
        return msg

    def send(self, to: str, subject: str, body: str, *, cc: Sequence[str] = ()) -> DeliveryResult:
        """Send one mail to ``to`` (and ``cc``); never raises for delivery problems."""
        if not to or "@" not in to:
            return DeliveryResult(False, "email", to, "no valid email address", permanent=True)
        msg = self.build(to, subject, body, cc=cc)
        s = self.settings
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout_s) as smtp:
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.user:
                    smtp.login(s.user, s.password)
                refused = smtp.send_message(msg, to_addrs=[to, *cc])
        except smtplib.SMTPRecipientsRefused as exc:
            return DeliveryResult(
                False, "email", to, f"recipients refused: {exc.recipients}", permanent=True
            )
        except (OSError, smtplib.SMTPException) as exc:
            return DeliveryResult(False, "email", to, f"{type(exc).__name__}: {exc}")
        if to in refused:
            return DeliveryResult(False, "email", to, f"refused: {refused[to]}", permanent=True)
        return DeliveryResult(True, "email", to, provider_ref=str(msg["Message-ID"]))
