from __future__ import annotations

from registry.errors import Invalid


class FilterError(Invalid):
    """A filter that cannot be compiled: names the operator or field and what is allowed."""
