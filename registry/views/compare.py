"""Compare page: what changes from one version of a collection to another (`v3...v7`).

Files (by digest, with sizes, paginated), unified diffs of small changed text files (for
those who may download), metadata by dotted key, tags, aliases, source run and lineage.
The `summary` partial is the one line shown wherever an alias is about to move.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from registry.models import LinkedVersion
from registry.selectors.compare import ComparisonSummary, compare_summary, compare_versions
from registry.selectors.registries import Access
from registry.selectors.text_diff import text_diffs
from registry.selectors.versions import find_version
from registry.views.pages import page_view, render_page

TEMPLATE = "registry/compare.html"
FILES_PER_PAGE = 500


def compare_url(collection, base: int, head: int) -> str:
    return reverse("compare", args=[collection.registry.name, collection.name, base, head])


@dataclass(frozen=True)
class MoveDiff:
    """What moving `alias` from `base` to `head` changes (partials/diff_summary.html)."""

    alias: str
    base: LinkedVersion
    head: LinkedVersion
    summary: ComparisonSummary
    compare_url: str


def move_diff(alias: str, base: LinkedVersion, head: LinkedVersion) -> MoveDiff:
    """The one-line diff shown wherever `alias` is about to move from `base` to `head`."""
    url = compare_url(base.collection, base.index, head.index)
    return MoveDiff(alias, base, head, compare_summary(base, head), url)


@page_view
@require_http_methods(["GET"])
def compare_page(request, registry, collection, base, head):
    """The whole comparison; `?part=summary` from htmx answers only the summary line."""
    a = find_version(request.user, registry, collection, base).version
    b = find_version(request.user, registry, collection, head).version
    coll = a.collection
    access = Access.of(request.user, coll.registry)
    context = {
        "registry": coll.registry,
        "collection": coll,
        "base": a,
        "head": b,
        "access": access,
        "current_role": access.role_label,
        "compare_url": compare_url(coll, base, head),
    }
    if request.htmx and request.GET.get("part") == "summary":
        context["summary"] = compare_summary(a, b)
        return render_page(request, TEMPLATE, context, partial="summary")
    result = compare_versions(a, b)
    files = Paginator(result.files, FILES_PER_PAGE).get_page(request.GET.get("page"))
    diffs = []
    if access.can_download:
        diffs = text_diffs(list(files.object_list), base=f"v{base}", head=f"v{head}")
    # Each changed file in the table links to its diff below (numbered as the diffs are).
    anchors = {d.file.path: number for number, d in enumerate(diffs, start=1)}
    rows = [(f, anchors.get(f.path)) for f in files.object_list]
    context.update(result=result, summary=result.summary, files=files, rows=rows, diffs=diffs)
    context["on_comparison"] = True  # the summary line needs no link to this very page
    return render_page(request, TEMPLATE, context)
