"""Standard Webhooks headers (https://www.standardwebhooks.com/)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from standardwebhooks import Webhook


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def signature_headers(*, secret: str, message_id: str, body: str, now: datetime | None = None):
    """`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=now, data=body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
