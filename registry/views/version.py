"""Version page: Aliases (+ Add alias, remove), files, metadata, lineage, alias history."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from registry import permissions, selectors
from registry.errors import Conflict, Forbidden, Invalid, NotFound
from registry.services import aliases, linking
from registry.views import queries
from registry.views.common import (
    confirm_page,
    go_to,
    page_view,
    render_page,
    safe_next,
    split_aliases,
)
from registry.views.queries import Access

TEMPLATE = "registry/version.html"
NONE_ADDED = "None of the aliases were added."
NOW_ON = "{names} now on v{index} of '{collection}'."


PARTIALS = {"aliases", "history", "tags", "description"}


def load(request, registry: str, collection: str):
    """The registry and collection the user may see (NotFound otherwise)."""
    reg = permissions.get_registry_for_user(request.user, registry)
    coll = selectors.get_collection(reg, collection)
    coll.registry = reg
    return reg, coll


def version_url(coll, index: int) -> str:
    return reverse("version", args=[coll.registry.name, coll.name, index])


def render_version(request, reg, coll, index, *, partial=None, status=200, **extra):
    access = Access.of(request.user, reg)
    data = queries.version_page(coll, index)
    context = {
        "registry": reg,
        "collection": coll,
        "version": data.version,
        "data": data,
        "access": access,
        "current_role": access.role_label,
        "removable_names": {c.name for c in data.chips if access.can_change(c)},
        **extra,
    }
    if extra.get("adding"):
        held = {c.name.lower() for c in data.chips}
        context["suggestions"] = [
            s for s in selectors.alias_suggestions(reg) if s.name.lower() not in held
        ]
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


@page_view
@require_http_methods(["GET"])
def version_page(request, registry, collection, index):
    reg, coll = load(request, registry, collection)
    target = request.htmx.target if request.htmx else None
    return render_version(request, reg, coll, index, partial=target if target in PARTIALS else None)


def _aliases_changed(request, reg, coll, index):
    if not request.htmx:
        return redirect(safe_next(request, version_url(coll, index)))
    response = render_version(request, reg, coll, index, partial="aliases")
    trigger_client_event(response, "aliases-changed")
    return response


@page_view
@require_http_methods(["GET", "POST"])
def alias_add(request, registry, collection, index):
    """GET opens the Add alias input; POST adds (or moves) the alias(es) in `name`."""
    reg, coll = load(request, registry, collection)
    if request.method == "GET":
        permissions.check_can_write(request.user, reg, "Adding an alias")
        return render_version(request, reg, coll, index, partial="aliases", adding=True)
    version = queries.get_version(coll, index)
    name = request.POST.get("name", "")
    names = split_aliases(name)
    try:
        if len(names) > 1:
            aliases.add_aliases(version=version, names=names, actor=request.user)
        else:
            aliases.add_alias(version=version, name=name, actor=request.user)
    except (Invalid, Conflict, Forbidden) as exc:
        message = f"{exc.message} {NONE_ADDED}" if len(names) > 1 else exc.message
        return render_version(
            request,
            reg,
            coll,
            index,
            partial="aliases",
            status=exc.status,
            adding=True,
            alias_error=message,
            alias_value=name,
        )
    if not request.htmx:  # a full page load follows: say what changed (htmx shows the chip)
        added = ", ".join(f"'{n}'" for n in names)
        messages.success(request, NOW_ON.format(names=added, index=index, collection=coll.name))
    return _aliases_changed(request, reg, coll, index)


@page_view
@require_http_methods(["GET", "POST"])
def alias_remove(request, registry, collection, index, name):
    """GET asks for confirmation (no JavaScript); POST removes the alias."""
    reg, coll = load(request, registry, collection)
    version = queries.get_version(coll, index)
    if request.method == "GET":
        if not any(a.name.lower() == name.lower() for a in version.aliases.all()):
            raise NotFound(
                aliases.ALIAS_NOT_HELD.format(index=index, collection=coll.name, name=name)
            )
        protected = name.lower() in selectors.protected_names(reg)
        permissions.check_alias_change(request.user, reg, name, "remove", protected)
        return confirm_page(
            request,
            reg,
            title=f"Remove alias {name}",
            message=f"Remove alias '{name}' from v{index} of '{coll.name}'?",
            button=f"Remove alias {name}",
            cancel=version_url(coll, index),
        )
    try:
        aliases.remove_alias(version=version, name=name, actor=request.user)
    except (Invalid, Forbidden) as exc:
        return render_version(
            request,
            reg,
            coll,
            index,
            partial="aliases",
            status=exc.status,
            alias_error=exc.message,
        )
    return _aliases_changed(request, reg, coll, index)


@page_view
@require_http_methods(["GET", "POST"])
def unlink(request, registry, collection, index):
    """GET asks for confirmation; POST unlinks the version (its vN is never reused)."""
    reg, coll = load(request, registry, collection)
    version = queries.get_version(coll, index)
    if request.method == "GET":
        permissions.check_can_unlink(request.user, version, linking.first_protected_alias(version))
        held = ", ".join(f"'{a.name}'" for a in version.aliases.order_by("name"))
        return confirm_page(
            request,
            reg,
            title=f"Unlink v{index}",
            message=(
                f"Unlink v{index} from '{coll.name}'? "
                + (f"Aliases removed with it: {held}. " if held else "It holds no alias. ")
                + f"v{index} is never reused. The source artifact is kept."
            ),
            button=f"Unlink v{index}",
            danger=True,
            cancel=version_url(coll, index),
        )
    linking.unlink_version(version=version, actor=request.user)
    return go_to(request, reverse("collection", args=[reg.name, coll.name]))
