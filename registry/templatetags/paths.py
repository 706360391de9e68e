"""URL helpers for templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def dot_segments_escaped(url: str) -> str:
    """`url` with '.' and '..' path segments (aliases may be named so) percent-encoded:
    browsers would otherwise resolve them away. Django decodes them back to the alias."""
    return "/".join(p.replace(".", "%2E") if p in (".", "..") else p for p in url.split("/"))
