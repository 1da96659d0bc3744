"""Session tokens: random, opaque, kept server-side as a keyed digest.

A token is 32 random bytes (URL-safe text); the server stores only its HMAC-SHA-256 under the
secret key, so a session can be revoked (logout, password change), a copy of the table lets
nobody in, and changing the secret key ends every session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(*, secret: str) -> tuple[str, bytes]:
    """A fresh token and the digest to store for it."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token, secret=secret)


def token_digest(token: str, *, secret: str) -> bytes:
    """The digest a token is looked up by."""
    key = secret.encode("utf-8", "surrogatepass")
    return hmac.new(key, token.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
