"""Registry SDK: log, link, alias and download artifacts (W&B-compatible surface)."""

__version__ = "0.1.0"
