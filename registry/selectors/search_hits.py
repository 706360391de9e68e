"""Search hits: what matched, and turning the rows a search read into displayable hits
(the rows carry every column a hit shows, so this runs no query)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from registry.selectors.chips import Chip, alias_chip, chips_for
from registry.selectors.versions import split_names


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


def build_hits(picked: dict[str, list], registries: dict) -> dict[str, list[Hit]]:
    """Hits in the order given, from what the search already read (no query): registries
    as (id, Match) with `registries` mapping id -> Registry (annotated with
    `protected_names`), collections and versions as feed rows carrying their columns."""
    hits: dict[str, list[Hit]] = {"registry": [], "collection": [], "version": []}
    for pk, match in picked.get("registry", []):
        r = registries[pk]
        hits["registry"].append(Hit("registry", r.name, r.name, registry_url(r.name), match))
    for row in picked.get("collection", []):
        v = row.values
        reg = registries[v["s_registry"]].name
        hits["collection"].append(
            Hit(
                "collection",
                reg,
                f"{reg}/{v['s_name']}",
                collection_url(reg, v["s_name"]),
                row.match,
                collection=v["s_name"],
                type=v["s_type"],
            )
        )
    for row in picked.get("version", []):
        v, match = row.values, row.match
        registry = registries[v["s_registry"]]
        reg, name, index = registry.name, v["s_name"], v["s_index"]
        protected = set(split_names(registry.protected_names))
        matched_chip = alias_chip(match.value, protected) if match.field == "alias" else None
        hits["version"].append(
            Hit(
                "version",
                reg,
                f"{reg}/{name}:v{index}",
                version_url(reg, name, index),
                match,
                collection=name,
                version=index,
                type=v["s_type"],
                chips=chips_for(
                    split_names(v["s_aliases"]),
                    index=index,
                    latest=v["s_latest"],
                    protected=protected,
                ),
                matched_chip=matched_chip,
            )
        )
    return hits
