"""Version tags and description, edited in place on the version page (members)."""

from __future__ import annotations

from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from registry import permissions
from registry.selectors.versions import get_version_state
from registry.services import tags
from registry.views.forms import DescriptionForm, TagsForm
from registry.views.pages import page_view, render_page, submit
from registry.views.version import (
    TEMPLATE,
    base_context,
    registry_and_collection,
    render_full,
    version_url,
)


def _partial(request, reg, coll, index, partial: str, *, status=200, **extra):
    """One partial of the version page, rendered from a fresh read of the version."""
    state = get_version_state(coll, index)
    if not request.htmx:
        return render_full(request, state, status=status, **extra)
    context = {**base_context(request, state), **extra}
    return render_page(request, TEMPLATE, context, partial=partial, status=status)


@page_view
@require_http_methods(["GET", "POST"])
def version_description(request, registry, collection, index):
    reg, coll = registry_and_collection(request, registry, collection)
    permissions.check_can_write(request.user, reg, "Editing a description")
    if request.method == "GET":
        return _partial(request, reg, coll, index, "description", editing_description=True)
    version = get_version_state(coll, index).version
    return submit(
        request,
        DescriptionForm(request.POST),
        lambda data: tags.update_version_description(
            version=version, description=data["description"], actor=request.user
        ),
        refused=lambda form, status: _partial(
            request,
            reg,
            coll,
            index,
            "description",
            status=status,
            editing_description=True,
            description_form=form,
        ),
        done=lambda _: _partial(request, reg, coll, index, "description"),
        success_url=version_url(coll, index),
    )


@page_view
@require_POST
def version_tag_add(request, registry, collection, index):
    reg, coll = registry_and_collection(request, registry, collection)
    return submit(
        request,
        TagsForm(request.POST),
        lambda data: tags.add_version_tags_at(
            registry=reg, collection=coll, ref=index, names=data["tags"], actor=request.user
        ),
        refused=lambda form, status: _partial(
            request, reg, coll, index, "tags", status=status, tag_form=form
        ),
        done=lambda _: _partial(request, reg, coll, index, "tags"),
        success_url=version_url(coll, index),
    )


@page_view
@require_POST
def version_tag_remove(request, registry, collection, index, tag):
    reg, coll = registry_and_collection(request, registry, collection)
    tags.remove_version_tag_at(
        registry=reg, collection=coll, ref=index, name=tag, actor=request.user
    )
    if not request.htmx:
        return redirect(version_url(coll, index))
    return _partial(request, reg, coll, index, "tags")
