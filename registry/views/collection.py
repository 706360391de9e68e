"""Collection page: description, tags and the paginated Versions table."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from registry import permissions
from registry.errors import Forbidden, Invalid
from registry.services import collections
from registry.views import queries
from registry.views.common import confirm_page, go_to, page_view, render_page, split_words
from registry.views.queries import Access

TEMPLATE = "registry/collection.html"
PARTIALS = {"versions", "description", "tags"}


def _load(request, registry: str, collection: str):
    reg = permissions.get_registry_for_user(request.user, registry)
    coll = queries.collection_with_tags(reg, collection)
    coll.registry = reg
    return reg, coll


def _render(request, reg, coll, *, partial=None, status=200, **extra):
    access = Access.of(request.user, reg)
    page, rows = queries.collection_rows(coll, request.GET.get("page"))
    # Deleting needs an admin when a version holds a protected alias: a member sees why
    # instead of a button that would be refused.
    held = None
    if partial is None and access.can_write and not access.is_admin:
        held = collections.first_protected_alias(coll)
    context = {
        "registry": reg,
        "collection": coll,
        "access": access,
        "current_role": access.role_label,
        "page_obj": page,
        "rows": rows,
        "protected_held": held,
        **extra,
    }
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


def _url(coll) -> str:
    return reverse("collection", args=[coll.registry.name, coll.name])


@page_view
@require_http_methods(["GET"])
def collection_page(request, registry, collection):
    reg, coll = _load(request, registry, collection)
    target = request.htmx.target if request.htmx else None
    return _render(request, reg, coll, partial=target if target in PARTIALS else None)


@page_view
@require_http_methods(["GET", "POST"])
def collection_description(request, registry, collection):
    """GET opens the inline editor; POST saves the description (members)."""
    reg, coll = _load(request, registry, collection)
    if request.method == "GET":
        permissions.check_can_write(request.user, reg, "Editing a description")
        return _render(request, reg, coll, partial="description", editing_description=True)
    text = request.POST.get("description", "")
    try:
        collections.update_collection_description(
            collection=coll, description=text, actor=request.user
        )
    except (Invalid, Forbidden) as exc:
        return _render(
            request,
            reg,
            coll,
            partial="description",
            status=exc.status,
            editing_description=True,
            description_error=exc.message,
            description_value=text,
        )
    if not request.htmx:
        return redirect(_url(coll))
    return _render(request, reg, coll, partial="description")


@page_view
@require_POST
def collection_tag_add(request, registry, collection):
    reg, coll = _load(request, registry, collection)
    raw = request.POST.get("tags", "")
    try:
        collections.add_collection_tags(collection=coll, names=split_words(raw), actor=request.user)
    except (Invalid, Forbidden) as exc:
        return _render(
            request,
            reg,
            coll,
            partial="tags",
            status=exc.status,
            tag_error=exc.message,
            tag_value=raw,
        )
    return _after_tags(request, reg, coll)


@page_view
@require_POST
def collection_tag_remove(request, registry, collection, tag):
    reg, coll = _load(request, registry, collection)
    try:
        collections.remove_collection_tag(collection=coll, name=tag, actor=request.user)
    except Forbidden as exc:
        return _render(request, reg, coll, partial="tags", status=403, tag_error=exc.message)
    return _after_tags(request, reg, coll)


def _after_tags(request, reg, coll):
    if not request.htmx:
        return redirect(_url(coll))
    coll.tag_list = list(coll.tags.order_by("name"))
    response = _render(request, reg, coll, partial="tags")
    trigger_client_event(response, "tags-changed")
    return response


@page_view
@require_http_methods(["GET", "POST"])
def collection_delete(request, registry, collection):
    """GET asks for confirmation; POST deletes the collection and its linked versions.

    The source artifacts are kept. A collection one of whose versions holds a protected
    alias can only be deleted by a registry admin.
    """
    reg, coll = _load(request, registry, collection)
    if request.method == "GET":
        held = collections.first_protected_alias(coll)
        permissions.check_can_delete_collection(request.user, coll, held)
        count = coll.versions.count()
        return confirm_page(
            request,
            reg,
            title=f"Delete collection {coll.name}",
            message=(
                f"Delete '{coll.name}' from '{reg.name}' with its {count} linked "
                f"version{'' if count == 1 else 's'}, their aliases, tags and alias "
                "history? The source artifacts are kept. This cannot be undone."
            ),
            button="Delete collection",
            danger=True,
            cancel=_url(coll),
        )
    collections.delete_collection(collection=coll, actor=request.user)
    return go_to(request, reverse("registry", args=[reg.name]))
