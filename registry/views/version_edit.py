"""Version tags and description, edited in place on the version page (members)."""

from __future__ import annotations

from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from registry import permissions
from registry.errors import Forbidden, Invalid
from registry.services import tags
from registry.views import queries
from registry.views.common import page_view, split_words
from registry.views.version import load, render_version, version_url


@page_view
@require_http_methods(["GET", "POST"])
def version_description(request, registry, collection, index):
    reg, coll = load(request, registry, collection)
    if request.method == "GET":
        permissions.check_can_write(request.user, reg, "Editing a description")
        return render_version(
            request, reg, coll, index, partial="description", editing_description=True
        )
    version = queries.get_version(coll, index)
    text = request.POST.get("description", "")
    try:
        tags.update_version_description(version=version, description=text, actor=request.user)
    except (Invalid, Forbidden) as exc:
        return render_version(
            request,
            reg,
            coll,
            index,
            partial="description",
            status=exc.status,
            editing_description=True,
            description_error=exc.message,
            description_value=text,
        )
    if not request.htmx:
        return redirect(version_url(coll, index))
    return render_version(request, reg, coll, index, partial="description")


@page_view
@require_POST
def version_tag_add(request, registry, collection, index):
    reg, coll = load(request, registry, collection)
    version = queries.get_version(coll, index)
    raw = request.POST.get("tags", "")
    try:
        tags.add_version_tags(version=version, names=split_words(raw), actor=request.user)
    except (Invalid, Forbidden) as exc:
        return render_version(
            request,
            reg,
            coll,
            index,
            partial="tags",
            status=exc.status,
            tag_error=exc.message,
            tag_value=raw,
        )
    return _after(request, reg, coll, index)


@page_view
@require_POST
def version_tag_remove(request, registry, collection, index, tag):
    reg, coll = load(request, registry, collection)
    version = queries.get_version(coll, index)
    try:
        tags.remove_version_tag(version=version, name=tag, actor=request.user)
    except Forbidden as exc:
        return render_version(
            request, reg, coll, index, partial="tags", status=403, tag_error=exc.message
        )
    return _after(request, reg, coll, index)


def _after(request, reg, coll, index):
    if not request.htmx:
        return redirect(version_url(coll, index))
    return render_version(request, reg, coll, index, partial="tags")
