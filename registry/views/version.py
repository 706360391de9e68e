"""Version page: Aliases (+ Add alias, remove), files, metadata, lineage, alias history.

The aliases, tags, description and history are partials: each renders from its own small
context, so opening the Add alias input or adding an alias never rebuilds the page.
"""

from __future__ import annotations

import json

from django.urls import reverse
from django.views.decorators.http import require_http_methods

from registry import permissions
from registry.models import Run, RunArtifact
from registry.names import ignored_notice, is_reserved_alias, reserved_among
from registry.selectors.aliases import alias_history, alias_suggestions
from registry.selectors.chips import ChipKind
from registry.selectors.collections import get_collection
from registry.selectors.files import version_files
from registry.selectors.registries import Access
from registry.selectors.versions import VersionState, find_version, latest_without
from registry.services import aliases, linking
from registry.views.compare import move_diff
from registry.views.forms import AliasesForm
from registry.views.pages import confirm_page, go_to, page_view, render_page, submit

TEMPLATE = "registry/version.html"
PARTIALS = {"aliases", "tags", "description", "history"}
# An htmx alias change answers the aliases field and, out of band, the history.
ALIAS_CHANGE = "registry/alias_change.html"
USED_BY_LIMIT = 20
NOW_ON = "{names} now on v{index} of '{collection}'."


def registry_and_collection(request, registry: str, collection: str):
    """The registry and collection the user may see (NotFound otherwise)."""
    reg = permissions.get_registry_for_user(request.user, registry)
    return reg, get_collection(reg, collection)


def version_url(coll, index: int) -> str:
    return reverse("version", args=[coll.registry.name, coll.name, index])


def base_context(request, state: VersionState) -> dict:
    """What every partial of the page shares."""
    coll = state.version.collection
    access = Access.of(request.user, coll.registry)
    return {
        "registry": coll.registry,
        "collection": coll,
        "version": state.version,
        "state": state,
        "access": access,
        "current_role": access.role_label,
        "removable_names": {c.name for c in state.chips if access.can_change(c)},
    }


def adding_context(state: VersionState, access: Access) -> dict:
    """The Add alias input: suggestions the user may add, none the version holds."""
    return {
        "adding": True,
        "suggestions": alias_suggestions(
            state.version.collection.registry,
            protected_names=list(state.protected_names),
            held={a.lower() for a in state.aliases},
            may_add_protected=access.is_admin,
        ),
    }


def full_context(request, state: VersionState) -> dict:
    version = state.version
    coll, reg = version.collection, version.collection.registry
    source = version.source
    named = [c.name for c in state.chips if c.kind != ChipKind.DEFAULT]
    return {
        **base_context(request, state),
        "files": version_files(version),
        "history": alias_history(coll, state.protected),
        "used_by": list(
            RunArtifact.objects.filter(version=source, kind=RunArtifact.Kind.USED)
            .select_related("run__project__team")
            .order_by("-created_at")[:USED_BY_LIMIT]
        ),
        "created_run": (
            Run.objects.select_related("project__team").filter(pk=source.created_run_id).first()
        ),
        "metadata_json": json.dumps(source.metadata, indent=2, sort_keys=True, ensure_ascii=False),
        "usage_ref": (
            f"wandb-registry-{reg.name}/{coll.name}:{named[0] if named else version.version_string}"
        ),
    }


def render_full(request, state, *, status=200, **extra):
    context = {**full_context(request, state), **extra}
    return render_page(request, TEMPLATE, context, status=status)


@page_view
@require_http_methods(["GET"])
def version_page(request, registry, collection, index):
    """The page; an htmx request for one partial (Cancel, a refresh) gets only that."""
    state = find_version(request.user, registry, collection, index)
    target = request.htmx.target if request.htmx else None
    if target not in PARTIALS:
        return render_full(request, state)
    context = base_context(request, state)
    if target == "history":
        context["history"] = alias_history(state.version.collection, state.protected)
    return render_page(request, TEMPLATE, context, partial=target)


def render_aliases(request, state, *, status=200, **extra):
    """The aliases partial for htmx, the whole page otherwise."""
    if not request.htmx:
        return render_full(request, state, status=status, **extra)
    context = {**base_context(request, state), **extra}
    return render_page(request, TEMPLATE, context, partial="aliases", status=status)


def render_alias_change(request, state, notice: str | None = None):
    """After an htmx alias change: the aliases field (with `notice`, what was ignored),
    and the history out of band."""
    context = {
        **base_context(request, state),
        "history": alias_history(state.version.collection, state.protected),
        "notice": notice,
    }
    return render_page(request, ALIAS_CHANGE, context)


@page_view
@require_http_methods(["GET", "POST"])
def alias_add(request, registry, collection, index):
    """GET opens the Add alias input; POST adds (or moves) the alias(es) typed in it."""

    def input_page(form, status=200, state=None):
        state = state or find_version(request.user, registry, collection, index)
        access = Access.of(request.user, state.version.collection.registry)
        extra = adding_context(state, access)
        if status == 403:
            extra["promotion_offer"] = _protected_typed(form, state)
            # A failing gate: organization admins may move past it with a reason.
            extra["override_offer"] = request.user.is_superuser and extra["promotion_offer"]
        return render_aliases(request, state, status=status, form=form, **extra)

    if request.method == "GET":
        state = find_version(request.user, registry, collection, index)
        permissions.check_can_write(
            request.user, state.version.collection.registry, "Adding an alias"
        )
        return input_page(AliasesForm(), state=state)
    form = AliasesForm(request.POST)
    return submit(
        request,
        form,
        lambda data: aliases.add_aliases_at(
            registry=registry,
            collection=collection,
            ref=index,
            names=data["name"],
            actor=request.user,
            override_reason=data["override_reason"],
        ),
        refused=input_page,
        done=lambda state: render_alias_change(request, state, _ignored(form)),
        success_url=lambda state: version_url(state.version.collection, index),
        # A full page load follows a plain POST: say what changed (htmx shows the chip).
        success_message=None if request.htmx else lambda state: _now_on(form, state),
    )


def _protected_typed(form, state) -> str | None:
    """The first protected alias typed: a member refused it is offered a request."""
    typed = form.cleaned_data.get("name", []) if hasattr(form, "cleaned_data") else []
    return next((name for name in typed if name.lower() in state.protected), None)


def _ignored(form) -> str | None:
    return ignored_notice(reserved_among(form.cleaned_data["name"]))


def _now_on(form, state) -> str:
    stored = [n for n in form.cleaned_data["name"] if not is_reserved_alias(n)]
    version = state.version
    said = [_ignored(form)] if _ignored(form) else []
    if stored:
        names = ", ".join(f"'{n}'" for n in stored)
        now_on = NOW_ON.format(names=names, index=version.index, collection=version.collection.name)
        said.insert(0, now_on)
    return " ".join(said)


@page_view
@require_http_methods(["GET", "POST"])
def alias_remove(request, registry, collection, index, name):
    """GET asks for confirmation (no JavaScript); POST removes the alias."""
    if request.method == "GET":
        state = find_version(request.user, registry, collection, index)
        coll = state.version.collection
        held = {a.lower(): a for a in state.aliases}
        if name.lower() not in held:
            raise aliases.alias_not_held(state.version, name)
        protected = name.lower() in state.protected
        permissions.check_alias_change(request.user, coll.registry, name, "remove", protected)
        return confirm_page(
            request,
            coll.registry,
            title=f"Remove alias {name}",
            message=f"Remove alias '{held[name.lower()]}' from v{index} of '{coll.name}'?",
            button=f"Remove alias {name}",
            cancel=version_url(coll, index),
        )
    state = aliases.remove_alias_at(
        registry=registry, collection=collection, ref=index, name=name, actor=request.user
    )
    if not request.htmx:
        return go_to(request, version_url(state.version.collection, index))
    return render_alias_change(request, state)


@page_view
@require_http_methods(["GET", "POST"])
def unlink(request, registry, collection, index):
    """GET asks for confirmation; POST unlinks the version (its vN is never reused)."""
    state = find_version(request.user, registry, collection, index)
    coll = state.version.collection
    reg = coll.registry
    if request.method == "GET":
        permissions.check_can_unlink(request.user, state.version, state.protected_alias)
        held = ", ".join(f"'{a}'" for a in state.aliases)
        # Unlinking the latest version moves `latest` to the next one down: show what that
        # changes for whoever resolves `latest`.
        successor = latest_without(state.version) if state.latest == state.version.index else None
        diff = move_diff("latest", state.version, successor) if successor else None
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
            diff=diff,
        )
    linking.unlink_version(version=state.version, actor=request.user)
    return go_to(request, reverse("collection", args=[reg.name, coll.name]))
