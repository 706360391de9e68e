"""Write-only secrets at rest: bearer tokens, signing secrets and Slack webhook URLs.

They are encrypted with Fernet under a key derived from SECRET_KEY, so a database dump
alone does not leak them. Changing SECRET_KEY makes them unreadable; the delivery then
fails with a message asking an admin to enter the secret again.
"""

from __future__ import annotations

import base64
import hashlib
import secrets as pysecrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

SECRET_UNREADABLE = (
    "A stored secret of this destination can no longer be decrypted (the server's "
    "SECRET_KEY changed); a registry admin must enter it again in the registry settings."
)


class SecretUnavailable(Exception):
    pass


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"registry.webhooks.secrets:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnavailable(SECRET_UNREADABLE)


def generate_signing_secret() -> str:
    """A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(pysecrets.token_bytes(32)).decode()


def signing_secret_problem(value: str) -> str | None:
    if not value.startswith("whsec_"):
        return "A signing secret starts with 'whsec_' followed by base64 (use Generate)."
    try:
        raw = base64.b64decode(value[len("whsec_") :], validate=True)
    except ValueError:
        return "A signing secret is 'whsec_' followed by base64; the rest is not valid base64."
    if not 24 <= len(raw) <= 64:
        return "A signing secret must hold 24 to 64 random bytes (use Generate for 32)."
    return None
