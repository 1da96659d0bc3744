"""Signed, expiring session tokens (cookie or bearer) carrying a user id."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "fieldcrm-session"
DEFAULT_MAX_AGE_S = 14 * 24 * 3600


def issue_token(user_id: int, *, secret: str) -> str:
    """A URL-safe signed token for ``user_id``."""
    return URLSafeTimedSerializer(secret, salt=SALT).dumps({"uid": user_id})


def read_token(token: str, *, secret: str, max_age_s: int = DEFAULT_MAX_AGE_S) -> int | None:
    """The user id in ``token``, or ``None`` when it is forged, malformed or expired."""
    try:
        data = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=max_age_s)
    except (BadSignature, SignatureExpired):
        return None
    uid = data.get("uid") if isinstance(data, dict) else None
    return uid if isinstance(uid, int) else None
