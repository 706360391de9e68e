"""`{% automations_section registry %}`: the automations part of the registry settings."""

from __future__ import annotations

from django import template

from registry.views.automation_overview import overview_context

register = template.Library()


@register.inclusion_tag("registry/automations/section_body.html", takes_context=True)
def automations_section(context, registry):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"registry": registry, "request": request, **overview_context(registry, user)}
