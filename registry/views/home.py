"""Registry home: a card per visible registry; org admins create registries here."""

from __future__ import annotations

from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from registry import permissions
from registry.models import Registry
from registry.selectors.registries import registry_cards
from registry.services import registries
from registry.views.forms import RegistryForm
from registry.views.pages import go_to, page_view, render_page, submit

TEMPLATE = "registry/home.html"


def _render(request, *, form=None, partial=None, status=200):
    context = {
        "cards": registry_cards(request.user),
        "can_create": request.user.is_superuser,
        "visibility_choices": Registry.Visibility.choices,
        "form": form or RegistryForm(),
    }
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


@page_view
@require_http_methods(["GET"])
def home(request):
    return _render(request)


@page_view
@require_POST
def registry_create(request):
    """Create a registry (org admins). Refusals re-render the form with the message."""
    permissions.check_can_create_registry(request.user)
    return submit(
        request,
        RegistryForm(request.POST),
        lambda data: registries.create_registry(
            name=data["name"],
            description=data["description"],
            visibility=data["visibility"] or Registry.Visibility.ORGANIZATION,
            accepted_types=data["accepted_types"],
            actor=request.user,
        ),
        refused=lambda form, status: _render(request, form=form, partial="create", status=status),
        done=lambda registry: go_to(request, _registry_url(registry)),
        success_url=_registry_url,
    )


def _registry_url(registry) -> str:
    return reverse("registry", args=[registry.name])
