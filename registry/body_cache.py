"""Rendered resolve bodies keyed by ETag, per process, bounded.

Correct without invalidation: the ETag is a fingerprint of everything the body shows
(see lookups.resolve), so a changed answer has a new ETag and old entries just age out.
Each process fills its own; nothing here is needed by another node.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

MAX_ENTRIES = 2048
_entries: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()


def get(etag: str) -> bytes | None:
    with _lock:
        body = _entries.get(etag)
        if body is not None:
            _entries.move_to_end(etag)
        return body


def put(etag: str, body: bytes) -> None:
    with _lock:
        _entries[etag] = body
        _entries.move_to_end(etag)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def clear() -> None:
    with _lock:
        _entries.clear()
