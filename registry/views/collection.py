"""Collection page: description, tags and the paginated Versions table."""

from __future__ import annotations

from datetime import UTC, datetime

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from registry import permissions
from registry.errors import Invalid
from registry.selectors import at_time
from registry.selectors.collections import collection_tags, first_protected_alias, get_collection
from registry.selectors.registries import Access
from registry.selectors.timeline import alias_timeline
from registry.selectors.versions import version_rows
from registry.services import collections
from registry.views.forms import DescriptionForm, TagsForm
from registry.views.pages import confirm_page, go_to, page_view, render_page, submit
from registry.views.timeline import layout

TEMPLATE = "registry/collection.html"


def _load(request, registry: str, collection: str):
    reg = permissions.get_registry_for_user(request.user, registry)
    return reg, get_collection(reg, collection)


def _base(request, reg, coll) -> dict:
    access = Access.of(request.user, reg)
    return {
        "registry": reg,
        "collection": coll,
        "access": access,
        "current_role": access.role_label,
    }


AS_OF_PICKED = "%Y-%m-%dT%H:%M"  # the value a datetime-local input shows and sends


def as_of(request) -> tuple[datetime | None, str]:
    """The `at` of the "as of" picker (RFC 3339, or the picker's UTC wall time) and the
    refusal to show when it cannot be read."""
    raw = (request.GET.get("at") or "").strip()
    if not raw:
        return None, ""
    try:
        return at_time.parse_at(raw), ""
    except Invalid as refusal:
        try:  # the picker sends wall time without an offset; the page says it is UTC
            return at_time.parse_at(raw + "Z"), ""
        except Invalid:
            return None, refusal.message


def _versions(request, coll, at):
    """The page of version rows: now, or as they were at `at`."""
    if at is None:
        return version_rows(coll, request.GET.get("page"))
    return at_time.version_rows_at(coll, at, request.GET.get("page"))


def _render_full(request, reg, coll, *, status=200, **extra):
    context = _base(request, reg, coll)
    access = context["access"]
    at, at_error = as_of(request)
    page, rows = _versions(request, coll, at)
    context.update(
        as_of=at,
        as_of_value=at.astimezone(UTC).strftime(AS_OF_PICKED) if at else "",
        as_of_error=at_error,
        timeline=layout(alias_timeline(coll), coll, as_of=at),
    )
    # Deleting needs an admin when a version holds a protected alias: a member sees why
    # instead of a button that would be refused.
    held = None
    if access.can_write and not access.is_admin:
        held = first_protected_alias(coll)
    context.update(
        page_obj=page, rows=rows, protected_held=held, tags=collection_tags(coll), **extra
    )
    return render_page(request, TEMPLATE, context, status=status)


def _render_partial(request, reg, coll, partial: str, *, status=200, **extra):
    """One partial (htmx) from its own context; the whole page for plain requests."""
    if not request.htmx:
        return _render_full(request, reg, coll, status=status, **extra)
    context = _base(request, reg, coll)
    if partial == "tags":
        context["tags"] = collection_tags(coll)
    elif partial == "versions":
        at, _ = as_of(request)
        context["as_of"] = at
        context["page_obj"], context["rows"] = _versions(request, coll, at)
    context.update(extra)
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


def _url(reg, coll) -> str:
    return reverse("collection", args=[reg.name, coll.name])


@page_view
@require_http_methods(["GET"])
def collection_page(request, registry, collection):
    reg, coll = _load(request, registry, collection)
    target = request.htmx.target if request.htmx else None
    if target in {"versions", "description", "tags"}:
        return _render_partial(request, reg, coll, target)
    return _render_full(request, reg, coll)


@page_view
@require_http_methods(["GET", "POST"])
def collection_description(request, registry, collection):
    """GET opens the inline editor; POST saves the description (members)."""
    reg, coll = _load(request, registry, collection)
    permissions.check_can_write(request.user, reg, "Editing a description")
    if request.method == "GET":
        return _render_partial(request, reg, coll, "description", editing_description=True)
    return submit(
        request,
        DescriptionForm(request.POST),
        lambda data: collections.update_collection_description(
            collection=coll, description=data["description"], actor=request.user
        ),
        refused=lambda form, status: _render_partial(
            request,
            reg,
            coll,
            "description",
            status=status,
            editing_description=True,
            description_form=form,
        ),
        done=lambda updated: _render_partial(request, reg, updated, "description"),
        success_url=_url(reg, coll),
    )


@page_view
@require_POST
def collection_tag_add(request, registry, collection):
    reg, coll = _load(request, registry, collection)
    return submit(
        request,
        TagsForm(request.POST),
        lambda data: collections.add_collection_tags(
            collection=coll, names=data["tags"], actor=request.user
        ),
        refused=lambda form, status: _render_partial(
            request, reg, coll, "tags", status=status, tag_form=form
        ),
        done=lambda _: _render_partial(request, reg, coll, "tags"),
        success_url=_url(reg, coll),
    )


@page_view
@require_POST
def collection_tag_remove(request, registry, collection, tag):
    reg, coll = _load(request, registry, collection)
    collections.remove_collection_tag(collection=coll, name=tag, actor=request.user)
    if not request.htmx:
        return redirect(_url(reg, coll))
    return _render_partial(request, reg, coll, "tags")


@page_view
@require_http_methods(["GET", "POST"])
def collection_delete(request, registry, collection):
    """GET asks for confirmation; POST deletes the collection and its linked versions.

    The source artifacts are kept. A collection one of whose versions holds a protected
    alias can only be deleted by a registry admin.
    """
    reg, coll = _load(request, registry, collection)
    if request.method == "GET":
        permissions.check_can_delete_collection(request.user, coll, first_protected_alias(coll))
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
            cancel=_url(reg, coll),
        )
    collections.delete_collection(collection=coll, actor=request.user)
    return go_to(request, reverse("registry", args=[reg.name]))
