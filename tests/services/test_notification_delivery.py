"""Notification delivery on PostGIS with real servers on loopback: poisoned addresses,
a sender killed mid-batch, claims two workers never share, the dead-letter list."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.orm import Session

from fieldcrm.config import Settings
from fieldcrm.notify.email import SmtpSender, SmtpSettings
from fieldcrm.notify.result import DeliveryResult
from fieldcrm.services import notifications
from fieldcrm.services.notifications import DeliveryReport
from fieldcrm.store import notifications as store
from fieldcrm.store.tables import Notification
from tests.services.loopback import free_port, sms_webhook, smtp_server

MAIL_FROM = "crm@acme.fr"
TIMEOUT_S = 5.0


def cfg(**kw: Any) -> Settings:
    return Settings(_env_file=None, mail_from=MAIL_FROM, notify_timeout_s=TIMEOUT_S, **kw)


def mid(notification_id: int) -> str:
    """The Message-ID every attempt of the notification must carry."""
    return f"<fieldcrm-notification-{notification_id}@acme.fr>"


def add(db: Session, channel: str, address: str | None, *, cc: str | None = None) -> Notification:
    n = Notification(channel=channel, address=address, cc=cc, subject="Objet", body="Corps é")
    db.add(n)
    db.flush()
    return n


def statuses(db: Session, ids: Sequence[int]) -> dict[int, str]:
    rows = db.execute(select(Notification.id, Notification.status).where(Notification.id.in_(ids)))
    return {i: s for i, s in rows}


def test_poisoned_addresses_fail_alone_and_the_others_are_delivered(db: Session) -> None:
    rep = add(db, "email", "rep@acme.fr")
    director = add(db, "email", "dir@acme.fr", cc="bad cc@acme.fr, copie@acme.fr")
    text_msg = add(db, "sms", "06 12 34 56 78")
    poisoned = {
        address: add(db, "email", address)
        for address in [
            "jean@@exemple..fr",
            "a b@c.fr",
            "x@y.fr\nBcc: evil@evil.fr",
            "x\x1b@y.fr",
            "x@y\x85.fr",
        ]
    }
    with smtp_server() as (port, box), sms_webhook() as (url, texts):
        settings = cfg(smtp_port=port, sms_webhook_url=url)
        report = notifications.deliver_pending(db, settings=settings)
        assert (report.sent, report.retry, report.failed) == (3, 0, 5)
        received = {str(m["Message-ID"]): sorted(r) for r, m in box.messages}
        assert received == {
            mid(rep.id): ["rep@acme.fr"],
            mid(director.id): ["copie@acme.fr", "dir@acme.fr"],
        }
        assert [t["json"]["idempotency_key"] for t in texts] == [
            f"fieldcrm-notification-{text_msg.id}"
        ]
        # A second run neither crashes nor sends anything again.
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        assert notifications.deliver_pending(db, now=later, settings=settings) == DeliveryReport()
        assert len(box.messages) == 2 and len(texts) == 1

    for address, n in poisoned.items():
        db.refresh(n)
        reason = f"invalid email address: {address!a}"
        assert (n.status, n.attempts, n.last_error) == ("failed", 1, reason)
        assert store.deliveries_of(db, n.id) == [(1, "failed", reason)]
    db.refresh(director)
    assert director.status == "sent"
    assert director.last_error == "invalid cc dropped: 'bad cc@acme.fr'"
    assert statuses(db, [rep.id, text_msg.id]) == {rep.id: "sent", text_msg.id: "sent"}


class _Exploding(SmtpSender):
    """A sender with a bug that shows on one address only."""

    def send(
        self,
        to: str,
        subject: str,
        body: str,
        *,
        cc: Sequence[str] = (),
        message_id: str | None = None,
    ) -> DeliveryResult:
        if to == "boom@acme.fr":
            raise RuntimeError("bug in a sender")
        return super().send(to, subject, body, cc=cc, message_id=message_id)


def test_an_exception_while_sending_one_message_fails_only_that_one(db: Session) -> None:
    before = add(db, "email", "before@acme.fr")
    boom = add(db, "email", "boom@acme.fr")
    after = add(db, "email", "after@acme.fr")
    with smtp_server() as (port, box):
        sender = _Exploding(SmtpSettings(port=port, mail_from=MAIL_FROM))
        report = notifications.deliver_pending(db, settings=cfg(), email=sender)
    assert (report.sent, report.failed) == (2, 1)
    assert sorted(str(m["Message-ID"]) for _, m in box.messages) == sorted(
        [mid(before.id), mid(after.id)]
    )
    db.refresh(boom)
    assert (boom.status, boom.last_error) == ("failed", "unexpected RuntimeError: bug in a sender")


def test_transient_failures_end_in_the_dead_letter_list_and_selected_ones_retry(
    db: Session,
) -> None:
    a, b, c = (add(db, "email", f"{name}@acme.fr") for name in "abc")
    ids = [a.id, b.id, c.id]
    port = free_port()  # nothing listens there until the end
    settings = cfg(smtp_port=port, notify_give_up_after=3, notify_retry_base_s=60)
    start = dt.datetime.now(dt.UTC)
    runs = [
        notifications.deliver_pending(db, now=start + dt.timedelta(days=day), settings=settings)
        for day in range(3)
    ]
    assert [(r.retry, r.failed) for r in runs] == [(3, 0), (3, 0), (0, 3)]
    assert statuses(db, ids) == dict.fromkeys(ids, "failed")
    dead = notifications.failed_notifications(db)
    assert [(i, attempts) for i, _, _, attempts, _ in dead] == [(i, 3) for i in ids]
    assert all("ConnectionRefused" in (error or "") for *_, error in dead)
    assert [s for _, s, _ in store.deliveries_of(db, a.id)] == ["failed"] * 3
    # Failed notifications stay where they are until someone retries them.
    day3 = start + dt.timedelta(days=3)
    assert notifications.deliver_pending(db, now=day3, settings=settings) == DeliveryReport()

    assert notifications.retry_failed(db, ids=[], now=day3) == 0
    assert notifications.retry_failed(db, ids=[a.id, b.id], now=day3) == 2
    assert statuses(db, ids) == {a.id: "retry", b.id: "retry", c.id: "failed"}
    with smtp_server(port) as (_, box):
        report = notifications.deliver_pending(db, now=day3, settings=settings)
    assert (report.sent, report.failed) == (2, 0)
    assert sorted(str(m["Message-ID"]) for _, m in box.messages) == [mid(a.id), mid(b.id)]
    assert statuses(db, ids) == {a.id: "sent", b.id: "sent", c.id: "failed"}
    db.refresh(a)
    assert a.attempts == 4
    assert notifications.retry_failed(db, now=day3) == 1  # all of them: only c is left


# --- Committed data: other connections and processes must see it ---------------------------


@contextmanager
def committed_mails(engine: Engine, count: int) -> Iterator[list[int]]:
    """``count`` due e-mails committed to the test database, deleted afterwards."""
    with Session(engine) as session:
        rows = [
            Notification(channel="email", address=f"rep{i}@acme.fr", subject=f"n{i}", body="x")
            for i in range(count)
        ]
        session.add_all(rows)
        session.commit()
        ids = [n.id for n in rows]
    try:
        yield ids
    finally:
        with Session(engine) as session:
            session.execute(delete(Notification).where(Notification.id.in_(ids)))
            session.commit()


def test_two_workers_never_take_the_same_notification(engine: Engine) -> None:
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    with committed_mails(engine, 2) as ids, Session(engine) as one, Session(engine) as two:
        two.execute(text("SET lock_timeout = '2s'"))  # a lock wait fails instead of hanging
        first = store.claim_next(one, now=now, stale_before=now - dt.timedelta(minutes=1))
        second = store.claim_next(two, now=now, stale_before=now - dt.timedelta(minutes=1))
        assert first is not None and second is not None
        assert sorted([first.id, second.id]) == ids
        one.commit()
        two.commit()
        # Fresh claims are left alone; once stale they are taken again.
        soon = now + dt.timedelta(seconds=5)
        assert store.claim_next(one, now=soon, stale_before=now - dt.timedelta(seconds=1)) is None
        stale = store.claim_next(one, now=soon, stale_before=now)
        assert stale is not None and stale.id == ids[0]
        one.rollback()


class SlowMailbox:
    """Answers each DATA after ``delay_s``; keeps a message only if its client is still
    connected then (a server takes responsibility for a message when it answers 250)."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.message_ids: list[str] = []
        self.in_flight = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.in_flight += 1
        try:
            await asyncio.sleep(self.delay_s)
        finally:
            self.in_flight -= 1
        if server.transport is None or server.transport.is_closing():
            return "421 client gone"
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.message_ids.append(str(msg["Message-ID"]))
        return "250 OK"


@contextmanager
def slow_smtp_server(delay_s: float) -> Iterator[tuple[int, SlowMailbox]]:
    box = SlowMailbox(delay_s)
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


SENDER = """
from fieldcrm.config import get_settings
from fieldcrm.services.notifications import deliver_pending
from fieldcrm.store.db import make_engine, session_scope

settings = get_settings()
with session_scope(make_engine(settings.database_url)) as session:
    deliver_pending(session, settings=settings)
"""
"""What ``fieldcrm notify send`` does, without the CLI's start-up time."""


def _send_command(database_url: str, port: int) -> tuple[list[str], dict[str, str]]:
    """A delivery process on the test database and the loopback server (settings: env)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDCRM_")}
    env |= {
        "FIELDCRM_DATABASE_URL": database_url,
        "FIELDCRM_SMTP_HOST": "127.0.0.1",
        "FIELDCRM_SMTP_PORT": str(port),
        "FIELDCRM_MAIL_FROM": MAIL_FROM,
        "FIELDCRM_NOTIFY_TIMEOUT_S": str(TIMEOUT_S),
    }
    return [sys.executable, "-c", SENDER], env


def _wait(condition: Any, proc: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert proc.poll() is None, f"sender ended early: {log.read_text()}"
        assert time.monotonic() < deadline, f"timed out: {log.read_text()}"
        time.sleep(0.005)


def test_a_sender_killed_mid_batch_delivers_every_mail_exactly_once(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    with committed_mails(engine, 20) as ids, slow_smtp_server(0.2) as (port, box):
        argv, env = _send_command(database_url, port)
        log = tmp_path / "sender.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=out, stderr=out)
        try:
            # Kill it while the server sleeps on a DATA, after three messages were taken.
            _wait(lambda: len(box.message_ids) >= 3 and box.in_flight > 0, proc, log, 60)
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(10) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        time.sleep(0.5)  # the interrupted DATA wakes up and finds its client gone
        taken = list(box.message_ids)
        with Session(engine) as db:
            state = statuses(db, ids)
            sent = sorted(mid(i) for i, s in state.items() if s == "sent")
            assert len(taken) >= 3 and sorted(taken) == sent  # recorded as soon as sent
            (in_flight,) = [i for i, s in state.items() if s == "sending"]

            settings = cfg(smtp_port=port)
            report = notifications.deliver_pending(db, settings=settings)
            assert report.sent == 20 - len(taken) - 1
            assert statuses(db, [in_flight]) == {in_flight: "sending"}  # not stale yet

            later = dt.datetime.now(dt.UTC) + notifications.stale_delay(TIMEOUT_S)
            report = notifications.deliver_pending(db, now=later, settings=settings)
            assert (report.sent, report.retry, report.failed) == (1, 0, 0)

            assert len(box.message_ids) == len(set(box.message_ids)) == 20
            assert set(box.message_ids) == {mid(i) for i in ids}
            assert statuses(db, ids) == dict.fromkeys(ids, "sent")
            for i in ids:
                assert store.deliveries_of(db, i) == [(1, "sent", None)]
