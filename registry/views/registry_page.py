"""Registry page: its collections (View details each); members create collections here."""

from __future__ import annotations

from django.urls import reverse
from django.views.decorators.http import require_http_methods

from registry import permissions
from registry.selectors.collections import collections_of
from registry.selectors.promotions import pending_count
from registry.selectors.registries import Access
from registry.services import collections
from registry.views.forms import CollectionForm
from registry.views.pages import go_to, page_view, render_page, submit

TEMPLATE = "registry/registry.html"


def _render(request, registry, *, form=None, partial=None, status=200):
    access = Access.of(request.user, registry)
    context = {
        "registry": registry,
        "access": access,
        "current_role": access.role_label,
        "collections": list(collections_of(registry)),
        "pending_promotions": pending_count(registry),
        "form": form or CollectionForm(initial={"type": (registry.accepted_types or [""])[0]}),
    }
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


def _collection_url(collection) -> str:
    return reverse("collection", args=[collection.registry.name, collection.name])


@page_view
@require_http_methods(["GET", "POST"])
def registry_page(request, registry):
    """GET lists the collections; POST creates one (members and admins)."""
    registry = permissions.get_registry_for_user(request.user, registry)
    if request.method == "GET":
        return _render(request, registry)
    # The form is only shown to members; a forged post gets the 403 page.
    permissions.check_can_write(request.user, registry, "Creating a collection")
    return submit(
        request,
        CollectionForm(request.POST),
        lambda data: collections.create_collection(
            registry=registry,
            name=data["name"],
            type_=data["type"],
            description=data["description"],
            tags=data["tags"],
            actor=request.user,
        ),
        refused=lambda form, status: _render(
            request, registry, form=form, partial="create", status=status
        ),
        done=lambda collection: go_to(request, _collection_url(collection)),
        success_url=_collection_url,
    )
