"""The `registry` command line."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("registry: the CLI is not built yet", file=sys.stderr)
    return 2
