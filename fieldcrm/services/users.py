"""Log in, find who is behind a session, manage users."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldcrm.auth import passwords, policy, tokens
from fieldcrm.auth.roles import Actor, Role, author_id
from fieldcrm.config import Settings
from fieldcrm.errors import Forbidden, InvalidInput, NotFound, RateLimited
from fieldcrm.services import user_admin
from fieldcrm.store import audit, sessions
from fieldcrm.store import users as store

LOGIN_FAILED = "e-mail ou mot de passe incorrect"


@dataclass(frozen=True)
class LoginPolicy:
    """How long sessions last, and how failed logins slow down the next attempts.

    OWASP's authentication cheat sheet counts failures against the account (a guesser with
    many addresses is still counted) and warns that a lockout must not let anyone lock a
    user out. So an account is never locked for the window: past ``per_account`` failures
    within ``window`` it waits an exponential delay after each new failure (1 s, 2 s, 4 s…,
    at most ``max_delay``), which stops guessing and costs its owner seconds. The address
    that made the failures is refused for the window (``per_account`` on that account,
    ``per_address`` on any), and a rep typing on another network is not.
    """

    lifetime: dt.timedelta = dt.timedelta(days=14)
    window: dt.timedelta = dt.timedelta(minutes=15)
    per_account: int = 5
    per_address: int = 30
    max_delay: dt.timedelta = dt.timedelta(minutes=5)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        """The policy the settings describe."""
        return cls(
            lifetime=dt.timedelta(hours=settings.session_lifetime_hours),
            window=dt.timedelta(minutes=settings.login_window_minutes),
            per_account=settings.login_max_failures_per_account,
            per_address=settings.login_max_failures_per_address,
        )

    def account_delay(self, failures: int) -> dt.timedelta:
        """How long an account waits after its latest failure, with ``failures`` failures in
        the window: nothing below ``per_account``, then 1 s doubling, at most ``max_delay``."""
        if failures < self.per_account:
            return dt.timedelta(0)
        excess = min(failures - self.per_account, 30)
        return min(dt.timedelta(seconds=2**excess), self.max_delay)


def _wait_text(seconds: int) -> str:
    """« 8 secondes », « 1 seconde », « 15 minutes » (rounded up)."""
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def _too_many(seconds: int) -> RateLimited:
    return RateLimited(
        f"trop de tentatives de connexion : réessayez dans {_wait_text(seconds)}",
        retry_after_s=seconds,
    )


def log_in(
    session: Session,
    *,
    email: str,
    password: str,
    address: str,
    secret: str,
    user_agent: str | None = None,
    policy: LoginPolicy = LoginPolicy(),
) -> tuple[Actor, str]:
    """Check the credentials and open a session: the actor and the session's token.

    Failed logins are counted per account, per (account, address) and per address
    (``address``: the client's IP), as :class:`LoginPolicy` says: the guessing address is
    refused for the window, the account only waits a short exponential delay after its
    latest failure; a refusal is :class:`RateLimited`, even for the right password. A
    failure is recorded (and committed) before the refusal, so that it counts on every app
    server.
    """
    who = email.strip().lower()
    account_key = "account:" + who[:300]
    pair_key = f"account-address:{address[:60]}:{who[:250]}"
    address_key = "address:" + address[:300]
    now = dt.datetime.now(dt.UTC)
    keys = [account_key, pair_key, address_key]
    counts = sessions.failures_since(session, keys, now - policy.window)
    if (
        counts.get(pair_key, 0) >= policy.per_account
        or counts.get(address_key, 0) >= policy.per_address
    ):
        raise _too_many(int(policy.window.total_seconds()))
    delay = policy.account_delay(counts.get(account_key, 0))
    if delay:
        last = sessions.last_failure_at(session, account_key)
        left = (last + delay - now).total_seconds() if last else 0.0
        if left > 0:
            raise _too_many(max(1, math.ceil(left)))
    try:
        actor = authenticate(session, email=email, password=password)
    except (Forbidden, InvalidInput):
        sessions.record_failure(session, keys)
        session.commit()
        raise
    token, digest = tokens.new_token(secret=secret)
    sessions.create(
        session,
        user_id=actor.id,
        digest=digest,
        expires_at=now + policy.lifetime,
        user_agent=user_agent,
    )
    sessions.forget_failures(session, account_key)
    sessions.forget_failures(session, pair_key)
    session.commit()
    return actor, token


def actor_for_token(session: Session, token: str, *, secret: str) -> Actor | None:
    """The actor behind a live session token (``None``: unknown, revoked, expired, inactive)."""
    user_id = sessions.user_for(session, tokens.token_digest(token, secret=secret))
    return store.actor(session, user_id) if user_id is not None else None


def log_out(session: Session, token: str, *, secret: str) -> None:
    """End the session of ``token`` (on every app server at once)."""
    sessions.revoke(session, tokens.token_digest(token, secret=secret))
    session.commit()


def authenticate(session: Session, *, email: str, password: str) -> Actor:
    """The actor whose e-mail and password match; :class:`Forbidden` otherwise (same message
    and the same work either way)."""
    if not email.strip():
        raise InvalidInput("email", "required")
    found = store.credentials(session, email)
    if found is None:
        passwords.verify_nothing(password)
        raise Forbidden(LOGIN_FAILED)
    if not passwords.verify_password(found[1], password):
        raise Forbidden(LOGIN_FAILED)
    user_id, password_hash = found
    if password_hash and passwords.needs_rehash(password_hash):
        store.set_password_hash(session, user_id, passwords.hash_password(password))
        session.commit()
    actor = store.actor(session, user_id)
    if actor is None:
        raise Forbidden(LOGIN_FAILED)
    return actor


def list_users(session: Session, *, actor: Actor, role: Role | None = None) -> list[store.UserRow]:
    """Users ``actor`` may see: admins and dispatchers everyone, managers their team, reps themselves."""
    visible = policy.visible_owner_ids(actor)
    return store.list_users(session, role=role.value if role else None, ids=visible)


def create_user(
    session: Session,
    *,
    actor: Actor,
    email: str,
    full_name: str,
    role: Role,
    password: str,
    manager_id: int | None = None,
) -> int:
    """Create a user with a password (admins only; audited)."""
    user_id, _ = user_admin.create(
        session,
        actor=actor,
        email=email,
        full_name=full_name,
        role=role,
        password=password,
        manager_id=manager_id,
        secret="",
    )
    return user_id


def set_language(session: Session, *, actor: Actor, language: str) -> None:
    """Remember ``actor``'s interface language."""
    if language not in ("fr", "en"):
        raise InvalidInput("language", "unsupported language", value=language, allowed="fr, en")
    store.set_language(session, actor.id, language)
    session.commit()


def set_password(session: Session, *, actor: Actor, email: str, password: str) -> None:
    """Replace a user's password (admins, or the user themself)."""
    found = store.credentials(session, email)
    if found is None:
        raise NotFound("user", email)
    if found[0] != actor.id:
        policy.require(actor, "users.admin")
    store.set_password_hash(session, found[0], passwords.hash_password(password))
    ended = sessions.revoke_all(session, found[0])  # a new password ends every open session
    audit.record(
        session,
        actor_id=author_id(actor),
        action="password_set",
        entity="user",
        entity_id=found[0],
        changes={"sessions_ended": ended},
    )
    session.commit()
