"""Search endpoint (to be built by the search issue)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["search"])
