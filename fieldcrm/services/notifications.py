"""Deliver pending notifications by email, SMS or in-app; record every attempt; retry later.

A notification is never deleted: a failed attempt is written to ``deliveries`` and the
notification goes back to ``retry`` with an exponential backoff (``notify_retry_base_s`` ×
2^(attempt−1), capped at ``notify_retry_max_s``). Only a permanent failure (no usable
address, recipient refused) or, if configured, too many attempts ends as ``failed`` — still
stored, listed by ``failed_notifications`` and retried by ``retry_failed``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings, get_settings
from fieldcrm.notify.email import SmtpSender, SmtpSettings
from fieldcrm.notify.result import DeliveryResult
from fieldcrm.notify.sms import SmsProvider, WebhookSms
from fieldcrm.store import notifications as store


@dataclass
class DeliveryReport:
    """Counts of one delivery round."""

    sent: int = 0
    retry: int = 0
    failed: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


def email_sender(settings: Settings) -> SmtpSender:
    """The SMTP sender described by the settings."""
    return SmtpSender(
        SmtpSettings(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password.get_secret_value(),
            starttls=settings.smtp_starttls,
            mail_from=settings.mail_from,
            timeout_s=settings.notify_timeout_s,
        )
    )


def sms_provider(settings: Settings) -> WebhookSms:
    """The SMS webhook described by the settings."""
    return WebhookSms(
        url=settings.sms_webhook_url,
        token=settings.sms_webhook_token.get_secret_value(),
        sender=settings.sms_sender,
        timeout_s=settings.notify_timeout_s,
    )


def backoff(attempt: int, *, base_s: float, max_s: float) -> dt.timedelta:
    """Delay before the attempt after ``attempt`` failed ones."""
    return dt.timedelta(seconds=min(base_s * 2 ** max(attempt - 1, 0), max_s))


def deliver_pending(
    session: Session,
    *,
    now: dt.datetime | None = None,
    settings: Settings | None = None,
    email: SmtpSender | None = None,
    sms: SmsProvider | None = None,
    limit: int = 500,
) -> DeliveryReport:
    """Send every due notification once; commits once for the batch."""
    cfg = settings or get_settings()
    now = now or dt.datetime.now(dt.UTC)
    mailer = email or email_sender(cfg)
    texter = sms or sms_provider(cfg)
    report = DeliveryReport()
    for item in store.due(session, now=now, limit=limit):
        if item.channel == "email":
            result = mailer.send(item.address or "", item.subject, item.body, cc=item.cc)
        elif item.channel == "sms":
            result = texter.send(item.address or "", item.body)
        else:
            result = DeliveryResult(True, "in_app", str(item.user_id), provider_ref="inbox")
        attempt = item.attempts + 1
        if result.ok:
            status, next_at = "sent", None
        elif result.permanent or (cfg.notify_give_up_after and attempt >= cfg.notify_give_up_after):
            status, next_at = "failed", None
        else:
            status = "retry"
            next_at = now + backoff(
                attempt, base_s=cfg.notify_retry_base_s, max_s=cfg.notify_retry_max_s
            )
        store.record_attempt(
            session,
            item.id,
            ok=result.ok,
            error=result.error,
            provider_ref=result.provider_ref,
            status=status,
            attempt=attempt,
            next_attempt_at=next_at,
            now=now,
        )
        setattr(report, status, getattr(report, status) + 1)
        report.by_channel[item.channel] = report.by_channel.get(item.channel, 0) + 1
    session.commit()
    return report


def failed_notifications(session: Session) -> list[tuple[int, str, str | None, int, str | None]]:
    """``(id, channel, address, attempts, last_error)`` of notifications that gave up."""
    rows = session.execute(
        text(
            "SELECT id, channel, address, attempts, last_error FROM notifications "
            "WHERE status = 'failed' ORDER BY id"
        )
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def retry_failed(session: Session, *, now: dt.datetime | None = None) -> int:
    """Put failed notifications back in the queue (after fixing an address, say); commits."""
    result = session.execute(
        text(
            "UPDATE notifications SET status = 'retry', next_attempt_at = :now "
            "WHERE status = 'failed'"
        ),
        {"now": now or dt.datetime.now(dt.UTC)},
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
