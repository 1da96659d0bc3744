"""Password hashing with Argon2id (argon2-cffi)."""

from __future__ import annotations

import os
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from fieldcrm.errors import InvalidInput

_HASHER = PasswordHasher()
MIN_LENGTH = 8
# Each Argon2 computation takes 64 MiB and a core for ~0.15 s: more at once than there are
# cores only queues them inside the memory. A burst of logins waits here instead.
_SLOTS = threading.BoundedSemaphore(max(os.cpu_count() or 1, 1))


def hash_password(password: str) -> str:
    """Argon2id hash of ``password``; refuses passwords shorter than :data:`MIN_LENGTH`."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            "password", f"at least {MIN_LENGTH} characters", allowed=f">= {MIN_LENGTH} characters"
        )
    with _SLOTS:
        return _HASHER.hash(password)


_DUMMY: list[str] = []


def verify_nothing(password: str) -> None:
    """Spend the work of one verification on nothing, for an unknown account: answering an
    unknown e-mail faster than a wrong password would tell which e-mails have accounts."""
    if not _DUMMY:
        _DUMMY.append(_HASHER.hash(os.urandom(16).hex()))
    verify_password(_DUMMY[0], password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (a missing or malformed hash never matches)."""
    if not password_hash:
        return False
    try:
        with _SLOTS:
            return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)
