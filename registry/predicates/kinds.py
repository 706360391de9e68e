"""The fields each kind of object can be filtered on (W&B's Registry search fields)."""

from __future__ import annotations

from registry.models import Alias, CollectionTag, VersionTag
from registry.predicates.errors import FilterError
from registry.predicates.fields import (
    REGISTRY_PREFIX,
    AliasField,
    DateField,
    MetadataKey,
    NameSetField,
    TextField,
)

FIELDS = {
    "registries": {
        "name": TextField("name", strip_prefix=REGISTRY_PREFIX),
        "description": TextField("description", optional=True),
        "created_at": DateField("created_at"),
        "updated_at": DateField("updated_at"),
    },
    "collections": {
        "name": TextField("name"),
        "tag": NameSetField(CollectionTag, "collection"),
        "description": TextField("description", optional=True),
        "created_at": DateField("created_at"),
        "updated_at": DateField("updated_at"),
    },
    "versions": {
        "tag": NameSetField(VersionTag, "version"),
        "alias": AliasField(Alias, "version"),
        "created_at": DateField("linked_at"),
        "updated_at": DateField("updated_at"),
    },
}
KINDS = tuple(FIELDS)
METADATA = "metadata."


def field_names(kind: str) -> list[str]:
    return list(FIELDS[kind]) + ([f"{METADATA}<key>"] if kind == "versions" else [])


def field_for(kind: str, name):
    fields = FIELDS[kind]
    if isinstance(name, str) and name in fields:
        return fields[name]
    if kind == "versions" and isinstance(name, str) and name.startswith(METADATA):
        keys = tuple(name.removeprefix(METADATA).split("."))
        if all(keys) and not any("__" in key for key in keys):
            return MetadataKey("source__metadata", keys)
        raise FilterError(
            f"'{name}' names no metadata key; write metadata.<key>, with dots between "
            "nested keys, as in metadata.eval.accuracy (keys may not contain '__')."
        )
    raise FilterError(
        f"Unknown field '{name}' in a {kind} filter; allowed: {', '.join(field_names(kind))}."
    )
