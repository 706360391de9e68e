"""Search clauses as SQL: which collections (registered models) and versions match.

Everything stays in the database, so a search pages through a large catalogue without
loading it. A model's name is matched as `REGISTRY.COLLECTION`; `=` and `!=` compare
the collection it maps to (so `zoo` equals `Model.zoo`), LIKE and ILIKE match the full
name.
"""

from __future__ import annotations

import re

from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Concat

from registry.mlflow_api.errors import MlflowError
from registry.mlflow_api.names import split_name
from registry.mlflow_api.search_filter import Clause
from registry.mlflow_api.shapes import VERSION_TAG
from registry.models import CollectionTag, VersionTag
from registry.selectors import mlflow as reads

_NUMBER_LOOKUP = {"=": "", "<": "__lt", "<=": "__lte", ">": "__gt", ">=": "__gte"}


def like_regex(pattern: str) -> str:
    """SQL LIKE as an anchored regular expression: `%` any run, `_` one character."""
    body = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return f"^{body}$"


def collections(user, clauses: list[Clause], *, with_tags: bool) -> QuerySet:
    """Visible collections MLflow names can reach that pass the name (and tag) clauses."""
    qs = (
        reads.visible_collections(user)
        .exclude(registry__name__contains=".")
        .annotate(full_name=Concat("registry__name", Value("."), "name", output_field=CharField()))
    )
    for clause in clauses:
        if clause.field == "name":
            qs = _by_name(qs, clause)
        elif clause.field == "tag" and with_tags:
            qs = _by_tag(qs, clause, CollectionTag, "collection_id")
    return qs


def _by_name(qs, clause: Clause):
    if clause.op in ("LIKE", "ILIKE"):
        lookup = "full_name__regex" if clause.op == "LIKE" else "full_name__iregex"
        return qs.filter(**{lookup: like_regex(clause.value)})
    try:
        registry, collection = split_name(clause.value)
    except MlflowError:  # a name that cannot map equals none of ours
        return qs.none() if clause.op == "=" else qs
    same = {"registry__name__iexact": registry, "name__iexact": collection}
    return qs.filter(**same) if clause.op == "=" else qs.exclude(**same)


def _by_tag(qs, clause: Clause, model, owner: str):
    if clause.value != "":
        # Our tags have no values: `= 'x'` matches nothing, `!= 'x'` everything.
        return qs.none() if clause.op == "=" else qs
    tagged = model.objects.filter(name__iexact=clause.tag).values(owner)
    return qs.filter(pk__in=tagged) if clause.op == "=" else qs.exclude(pk__in=tagged)


def versions(user, clauses: list[Clause]) -> QuerySet:
    models = collections(user, clauses, with_tags=False).values("pk")
    qs = reads.version_rows_where(collection__in=models)
    for clause in clauses:
        if clause.field == "run_id":
            condition = {"source__created_run__run_id": clause.value}
            qs = qs.filter(**condition) if clause.op == "=" else qs.exclude(**condition)
        elif clause.field == "version_number":
            index = int(clause.value) - 1
            if clause.op == "!=":
                qs = qs.exclude(index=index)
            else:
                qs = qs.filter(**{"index" + _NUMBER_LOOKUP[clause.op]: index})
        elif clause.field == "tag" and clause.tag.lower() == VERSION_TAG:
            match = re.fullmatch(r"v(\d{1,9})", clause.value, re.IGNORECASE)
            index = int(match.group(1)) if match else -1
            qs = qs.filter(index=index) if clause.op == "=" else qs.exclude(index=index)
        elif clause.field == "tag":
            qs = _by_tag(qs, clause, VersionTag, "version_id")
    return qs
