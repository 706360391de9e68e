"""The one way page views are written.

- `@page_view`: signed in, and any domain error (registry.errors) that escapes the view
  becomes the error page with its status (404 for what you cannot see, 403 for what you
  cannot change).
- One view, one template: a plain request gets the whole page, an htmx request the
  named `{% partialdef %}` (`render_page`).
- `submit`: a Django form for the input, a service for the rules. A refusal (the form's
  or the service's) re-renders the form's partial with the message and what was typed;
  success redirects a plain POST and renders the updated partial for htmx.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectNotUpdated
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from registry import permissions
from registry.errors import OBJECT_GONE, Conflict, Forbidden, Invalid, NotFound, RegistryError

ERROR_TITLES = {403: "Not allowed", 404: "Not found", 400: "Not accepted", 409: "Conflict"}


def render_page(request, template: str, context: dict, *, partial: str | None = None, status=200):
    """The full page, or only `partial` of it when htmx asked."""
    if partial and request.htmx:
        template = f"{template}#{partial}"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def error_page(request, exc: RegistryError):
    return render(
        request,
        "registry/error.html",
        {"message": exc.message, "status": exc.status, "title": ERROR_TITLES.get(exc.status)},
        status=exc.status,
    )


def page_view(view):
    """Sign-in required; domain errors that escape the view become error pages."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RegistryError as exc:
            return error_page(request, exc)
        except ObjectNotUpdated:
            # Deleted by another request between this one's read and its write.
            return error_page(request, NotFound(OBJECT_GONE))

    return login_required(wrapper)


REFUSALS = (Invalid, Conflict, Forbidden)


def submit(request, form, action, *, refused, done, success_url, success_message=None):
    """Run `action(form.cleaned_data)` (a service call) if the form is valid.

    `refused(form, status)` renders the form again: its errors hold the form's own
    messages or the service's refusal. On success a plain POST is redirected to
    `success_url` (a URL, or a function of the result; a safe `next` wins); htmx gets
    `done(result)`, the updated partial. `success_message(result)`, if given, is shown
    on the next page.
    """
    status = 400
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except REFUSALS as refusal:
            form.add_error(None, refusal.message)
            status = refusal.status
        else:
            if success_message is not None:
                messages.success(request, success_message(result))
            if not request.htmx:
                url = success_url(result) if callable(success_url) else success_url
                return redirect(safe_next(request, url))
            return done(result)
    return refused(form, status)


def safe_next(request, default: str) -> str:
    """Where to go after a plain form post: `next` if it is on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


NO_SUCH_PAGE = (
    "There is no page at {path}. Registries, collections and versions are listed from the "
    "home page; the search bar finds them by name, tag or alias."
)


def page_not_found(request, exception=None):
    """Django's 404 for paths no view matches (or Http404), as our own error page."""
    return error_page(request, NotFound(NO_SUCH_PAGE.format(path=request.path)))


def confirm_page(request, registry, *, title, message, button, cancel, danger=False, diff=None):
    """The page that asks before a removal (GET); its form POSTs back to the same URL.

    `diff`: what an alias moving with the change would change (`MoveDiff`), shown above
    the button.
    """
    return render_page(
        request,
        "registry/confirm.html",
        {
            "registry": registry,
            "current_role": permissions.role_label(permissions.role_of(request.user, registry)),
            "title": title,
            "message": message,
            "action": request.path,
            "button": button,
            "danger": danger,
            "cancel": cancel,
            "diff": diff,
        },
    )


def go_to(request, target: str):
    """After a change that leaves the page: htmx follows HX-Redirect, a plain form a 302."""
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
