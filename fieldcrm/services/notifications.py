"""Deliver notifications by email, SMS or in-app, each exactly once; record every attempt.

Each notification is claimed on its own: it becomes ``sending`` (with ``claimed_at``) and
that is committed before the message leaves; the attempt and the new status are committed
as soon as the provider answered, so a crash loses at most the message in flight. That one
stays ``sending`` and is taken again once its claim is older than :func:`stale_delay`, with
the same idempotency key (:func:`idempotency_key`, the e-mail's Message-ID and the SMS
webhook's ``idempotency_key``), so a provider that did get it can drop the copy. Claims lock
rows with SKIP LOCKED: two workers never take the same notification.

A notification is never deleted: a failed attempt is written to ``deliveries`` and the
notification goes back to ``retry`` with an exponential backoff (``notify_retry_base_s`` ×
2^(attempt−1), capped at ``notify_retry_max_s``). A permanent failure (an unusable address,
a refused recipient, a message that cannot be built, any error raised while handing one
message over) or ``notify_give_up_after`` transient ones end as ``failed``: the dead-letter
list, still stored, listed by ``failed_notifications`` and requeued by ``retry_failed``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from fieldcrm.config import Settings, get_settings
from fieldcrm.notify.email import SmtpSender, SmtpSettings, mail_subject
from fieldcrm.notify.result import DeliveryResult
from fieldcrm.notify.sms import SmsProvider, WebhookSms
from fieldcrm.store import notifications as store
from fieldcrm.store.notifications import PendingNotification

MAX_REASON = 1000
"""Characters of an error kept with an attempt."""


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


def stale_delay(timeout_s: float) -> dt.timedelta:
    """Age after which a ``sending`` claim belongs to a dead worker: 2 × timeout + 30 s."""
    return dt.timedelta(seconds=2 * timeout_s + 30)


def idempotency_key(notification_id: int) -> str:
    """The key every attempt of a notification carries, so a provider can drop copies."""
    return f"fieldcrm-notification-{notification_id}"


def stored_reason(text: str | None) -> str | None:
    """``text`` fit for a text column: no NUL character, at most :data:`MAX_REASON` long."""
    return text.replace("\x00", "\\x00")[:MAX_REASON] if text else None


def hand_over(item: PendingNotification, *, email: SmtpSender, sms: SmsProvider) -> DeliveryResult:
    """Hand one notification to its channel; whatever it raises is a permanent failure."""
    key = idempotency_key(item.id)
    address = item.address or ""
    try:
        if item.channel == "email":
            mid = email.message_id_for(key)
            subject = mail_subject(item.subject)
            return email.send(address, subject, item.body, cc=item.cc, message_id=mid)
        if item.channel == "sms":
            return sms.send(address, item.body, idempotency_key=key)
        if item.channel == "in_app":
            return DeliveryResult(True, "in_app", str(item.user_id), provider_ref="inbox")
        error = f"unknown channel: {item.channel!a}"
        return DeliveryResult(False, item.channel, address, error, permanent=True)
    except Exception as exc:  # one poisoned message must not stop the others
        error = f"unexpected {type(exc).__name__}: {exc}"
        return DeliveryResult(False, item.channel, address, error, permanent=True)


def outcome(
    result: DeliveryResult, *, attempt: int, now: dt.datetime, settings: Settings
) -> tuple[str, dt.datetime | None]:
    """The notification's new status after attempt number ``attempt``, and its next try."""
    if result.ok:
        return "sent", None
    give_up = settings.notify_give_up_after
    if result.permanent or (give_up and attempt >= give_up):
        return "failed", None
    delay = backoff(attempt, base_s=settings.notify_retry_base_s, max_s=settings.notify_retry_max_s)
    return "retry", now + delay


def deliver_pending(
    session: Session,
    *,
    now: dt.datetime | None = None,
    settings: Settings | None = None,
    email: SmtpSender | None = None,
    sms: SmsProvider | None = None,
    limit: int = 500,
) -> DeliveryReport:
    """Send up to ``limit`` due notifications, one at a time; commits each claim and result.

    ``now`` dates the attempts; claims follow the wall clock from ``now``, so a long run
    never looks stale to another worker.
    """
    cfg = settings or get_settings()
    now = now or dt.datetime.now(dt.UTC)
    mailer = email or email_sender(cfg)
    texter = sms or sms_provider(cfg)
    stale = stale_delay(cfg.notify_timeout_s)
    started = time.monotonic()
    report = DeliveryReport()
    for _ in range(limit):
        claimed_at = now + dt.timedelta(seconds=time.monotonic() - started)
        item = store.claim_next(session, now=claimed_at, stale_before=claimed_at - stale)
        session.commit()
        if item is None:
            break
        result = hand_over(item, email=mailer, sms=texter)
        status, next_at = outcome(result, attempt=item.attempts + 1, now=now, settings=cfg)
        store.record_attempt(
            session,
            item.id,
            ok=result.ok,
            error=stored_reason(result.remark),
            provider_ref=stored_reason(result.provider_ref),
            status=status,
            attempt=item.attempts + 1,
            next_attempt_at=next_at,
            now=now,
        )
        session.commit()
        setattr(report, status, getattr(report, status) + 1)
        report.by_channel[item.channel] = report.by_channel.get(item.channel, 0) + 1
    return report


def failed_notifications(session: Session) -> list[tuple[int, str, str | None, int, str | None]]:
    """``(id, channel, address, attempts, last_error)`` of notifications that gave up."""
    return store.failed(session)


def retry_failed(
    session: Session, *, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Requeue failed notifications (only ``ids`` if given), after fixing an address, say;
    each gets one more attempt before a transient failure sends it back here. Commits."""
    count = store.requeue_failed(session, ids=ids, now=now or dt.datetime.now(dt.UTC))
    session.commit()
    return count
