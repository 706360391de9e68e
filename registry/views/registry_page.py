"""Registry page: its collections (View details each); members create collections here."""

from __future__ import annotations

from django.urls import reverse
from django.views.decorators.http import require_http_methods

from registry import permissions, selectors
from registry.errors import Conflict, Forbidden, Invalid
from registry.services import collections
from registry.views.common import go_to, page_view, render_page, split_words
from registry.views.queries import Access

TEMPLATE = "registry/registry.html"


def _render(request, registry, *, partial=None, status=200, **extra):
    access = Access.of(request.user, registry)
    context = {
        "registry": registry,
        "access": access,
        "current_role": access.role_label,
        "collections": list(selectors.collections_of(registry)),
        "form": {"type": (registry.accepted_types or [""])[0]},
        **extra,
    }
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


@page_view
@require_http_methods(["GET", "POST"])
def registry_page(request, registry):
    """GET lists the collections; POST creates one (members and admins)."""
    registry = permissions.get_registry_for_user(request.user, registry)
    if request.method == "GET":
        return _render(request, registry)
    # The form is only shown to members; a forged post gets the 403 page.
    permissions.check_can_write(request.user, registry, "Creating a collection")
    form = {
        "name": request.POST.get("name", ""),
        "type": request.POST.get("type", ""),
        "description": request.POST.get("description", ""),
        "tags": request.POST.get("tags", ""),
    }
    try:
        collection = collections.create_collection(
            registry=registry,
            name=form["name"],
            type_=form["type"],
            description=form["description"],
            tags=split_words(form["tags"]),
            actor=request.user,
        )
    except (Invalid, Conflict, Forbidden) as exc:
        return _render(
            request, registry, partial="create", status=exc.status, form=form, error=exc.message
        )
    target = reverse("collection", args=[registry.name, collection.name])
    return go_to(request, target)
