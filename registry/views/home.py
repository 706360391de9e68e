"""Registry home: a card per visible registry; org admins create registries here."""

from __future__ import annotations

from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from registry import permissions
from registry.errors import Conflict, Forbidden, Invalid
from registry.models import Registry
from registry.services import registries
from registry.views import queries
from registry.views.common import go_to, page_view, render_page, split_words

TEMPLATE = "registry/home.html"


def _render(request, *, partial=None, status=200, **extra):
    context = {
        "cards": queries.registry_cards(request.user),
        "can_create": request.user.is_superuser,
        "visibility_choices": Registry.VISIBILITY_CHOICES,
        "form": {"visibility": Registry.ORGANIZATION, "accepted_types": "model"},
        **extra,
    }
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


@page_view
@require_http_methods(["GET"])
def home(request):
    return _render(request)


@page_view
@require_POST
def registry_create(request):
    """Create a registry (org admins). Errors re-render the form with the message."""
    permissions.check_can_create_registry(request.user)
    form = {
        "name": request.POST.get("name", ""),
        "description": request.POST.get("description", ""),
        "visibility": request.POST.get("visibility", Registry.ORGANIZATION),
        "accepted_types": request.POST.get("accepted_types", ""),
    }
    try:
        registry = registries.create_registry(
            name=form["name"],
            description=form["description"],
            visibility=form["visibility"],
            accepted_types=split_words(form["accepted_types"]),
            actor=request.user,
        )
    except (Invalid, Conflict, Forbidden) as exc:
        return _render(request, partial="create", status=exc.status, form=form, error=exc.message)
    target = reverse("registry", args=[registry.name])
    return go_to(request, target)
