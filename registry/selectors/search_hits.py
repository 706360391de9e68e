"""Search hits: what matched, and turning matched ids into displayable hits in a fixed
number of queries (one per kind, plus the aliases, latest indexes and protected names
that version chips need)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from django.db.models import OuterRef, Prefetch, Subquery

from registry.models import Alias, Collection, LinkedVersion, ProtectedAlias
from registry.selectors.chips import Chip, ChipKind, chips_for


@dataclass(frozen=True)
class Match:
    field: str  # name | description | tag | alias | type | registry
    value: str
    kind: str  # exact | prefix | substring | filter


@dataclass
class Hit:
    kind: str  # registry | collection | version
    registry: str
    name: str
    url: str
    matched: Match
    collection: str | None = None
    version: int | None = None
    type: str | None = None
    chips: list[Chip] = field(default_factory=list)
    matched_chip: Chip | None = None  # the alias that matched, as a chip

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "registry": self.registry,
            "collection": self.collection,
            "version": f"v{self.version}" if self.version is not None else None,
            "name": self.name,
            "url": self.url,
            "matched": {
                "field": self.matched.field,
                "value": self.matched.value,
                "kind": self.matched.kind,
            },
            "aliases": [{"name": c.name, "kind": c.kind} for c in self.chips],
        }


def _q(name: str) -> str:
    return quote(name, safe="")


def registry_url(registry: str) -> str:
    return f"/registries/{_q(registry)}/"


def collection_url(registry: str, collection: str) -> str:
    return f"{registry_url(registry)}{_q(collection)}/"


def version_url(registry: str, collection: str, index: int) -> str:
    return f"{collection_url(registry, collection)}v{index}/"


def hydrate(picked: dict[str, list[tuple[int, Match]]], registries: dict) -> dict[str, list[Hit]]:
    """Hits in the order given; `registries` maps id -> Registry (already loaded)."""
    hits: dict[str, list[Hit]] = {"registry": [], "collection": [], "version": []}
    for pk, match in picked.get("registry", []):
        r = registries[pk]
        hits["registry"].append(Hit("registry", r.name, r.name, registry_url(r.name), match))

    collection_ids = [pk for pk, _m in picked.get("collection", [])]
    if collection_ids:
        by_id = Collection.objects.in_bulk(collection_ids)
        for pk, match in picked["collection"]:
            c = by_id[pk]
            reg = registries[c.registry_id].name
            hits["collection"].append(
                Hit(
                    "collection",
                    reg,
                    f"{reg}/{c.name}",
                    collection_url(reg, c.name),
                    match,
                    collection=c.name,
                    type=c.type,
                )
            )

    version_ids = [pk for pk, _m in picked.get("version", [])]
    if version_ids:
        newest = LinkedVersion.objects.filter(collection=OuterRef("collection")).order_by("-index")
        versions = (
            LinkedVersion.objects.select_related("collection")
            .annotate(latest_index=Subquery(newest.values("index")[:1]))
            .prefetch_related(Prefetch("aliases", queryset=Alias.objects.order_by("name")))
        )
        by_id = versions.in_bulk(version_ids)
        protected: dict[int, set[str]] = {}
        registry_ids = {v.collection.registry_id for v in by_id.values()}
        for rid, name in ProtectedAlias.objects.filter(registry_id__in=registry_ids).values_list(
            "registry_id", "name"
        ):
            protected.setdefault(rid, set()).add(name.lower())
        for pk, match in picked["version"]:
            v = by_id[pk]
            c = v.collection
            reg = registries[c.registry_id].name
            names = protected.get(c.registry_id, set())
            matched_chip = None
            if match.field == "alias":
                kind = ChipKind.PROTECTED if match.value.lower() in names else ChipKind.CUSTOM
                matched_chip = Chip(match.value, kind)
            hits["version"].append(
                Hit(
                    "version",
                    reg,
                    f"{reg}/{c.name}:v{v.index}",
                    version_url(reg, c.name, v.index),
                    match,
                    collection=c.name,
                    version=v.index,
                    type=c.type,
                    chips=chips_for(
                        [a.name for a in v.aliases.all()],
                        index=v.index,
                        latest=v.latest_index,
                        protected=names,
                    ),
                    matched_chip=matched_chip,
                )
            )
    return hits
