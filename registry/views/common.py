"""What every page view shares: rendering full pages or htmx fragments, and error pages.

One view, one template: a plain request gets the whole page; an htmx request gets the
named `{% partialdef %}` of the same template. Domain errors (registry.errors) become
pages: NotFound → 404, Forbidden → 403 with the message. Invalid/Conflict/Forbidden raised
by a form submission re-render the form with the message (see `refused`).
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from registry import permissions
from registry.errors import Forbidden, NotFound, RegistryError

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
    """Sign-in required; NotFound/Forbidden that escape the view become error pages."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (NotFound, Forbidden) as exc:
            return error_page(request, exc)

    return login_required(wrapper)


def safe_next(request, default: str) -> str:
    """Where to go after a plain form post: `next` if it is on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def split_aliases(raw: str) -> list[str]:
    """The Add alias input holds one or more aliases separated by commas (a comma cannot
    be part of an alias name). Spaces are not separators: 'no spaces' is refused with the
    naming rule rather than silently becoming two aliases."""
    return [name.strip() for name in (raw or "").split(",") if name.strip()]


def split_words(raw: str) -> list[str]:
    """A comma-separated form field ("vision, tabular") as a list of non-empty items."""
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


NO_SUCH_PAGE = (
    "There is no page at {path}. Registries, collections and versions are listed from the "
    "home page; the search bar finds them by name, tag or alias."
)


def page_not_found(request, exception=None):
    """Django's 404 for paths no view matches (or Http404), as our own error page."""
    return error_page(request, NotFound(NO_SUCH_PAGE.format(path=request.path)))


def confirm_page(request, registry, *, title, message, button, cancel, danger=False):
    """The page that asks before a removal (GET); its form POSTs back to the same URL."""
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
        },
    )


def go_to(request, target: str):
    """After a change that leaves the page: htmx follows HX-Redirect, a plain form a 302."""
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
