"""Adding, moving and removing aliases on linked versions (invariants 2-6, 9).

Each write locks its collection, reads the version once under the lock, and returns the
version's new state (chips, ETag) so callers answer without reading it again.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import IntegerField, Value
from django.db.models.functions import Cast

from registry import permissions
from registry.db import fold, lower
from registry.errors import Invalid, NotFound
from registry.models import Alias, AliasEvent, Collection, EventType, LinkedVersion, Registry
from registry.names import Ref, alias_problem, is_reserved_alias, reserved_among
from registry.selectors.compiled import compiled
from registry.selectors.versions import VersionState
from registry.services import automations, gates, writes
from registry.services.events import RegistryEvent
from registry.services.locks import at_version, lock_version

RESERVED_ALIAS = (
    "'{name}' is a default alias: 'latest' and 'vN' are assigned automatically and cannot "
    "be added or removed by hand."
)
ALIAS_NOT_HELD = "v{index} of '{collection}' has no alias '{name}'."
NO_ALIAS_GIVEN = "Give at least one alias; separate several with commas."
SEVERAL_REFUSED = "{message} None of the aliases were added."


def validate_alias_name(name: str) -> str:
    """One name that must be storable (a protected alias): reserved names are refused."""
    problem = alias_problem(name)
    if problem:
        raise Invalid(problem)
    if is_reserved_alias(name):
        raise Invalid(RESERVED_ALIAS.format(name=name))
    return name


def validate_alias_names(names: Iterable[str]) -> list[str]:
    """The names to store: each checked against the rule, `latest` and `vN` dropped (W&B
    ignores them; callers report them with `names.reserved_among`), and a name given
    twice (in any case) kept once."""
    if isinstance(names, str):
        names = [names]  # one alias, not its characters
    kept, seen = [], set()
    for name in names:
        problem = alias_problem(name)
        if problem:
            raise Invalid(problem)
        if not is_reserved_alias(name) and name.lower() not in seen:
            seen.add(name.lower())
            kept.append(name)
    return kept


def _holders(collection: str, name: str):
    """The alias `name` (any case) in a collection; values arrive as markers."""
    return (
        Alias.objects.filter(collection_id=Cast(Value(collection), IntegerField()))
        .filter(name__lower=lower(name))
        .select_related("version")
        .only("name", "version__index", "version__collection_id")
    )


def holders_of(collection: Collection, names: Iterable[str]) -> dict[str, Alias]:
    """{folded name: the Alias} for those of `names` some version of `collection` holds
    (folded as the database lowers, `registry.db.fold`).

    One name (nearly every write) goes through a query compiled once (selectors.compiled;
    0.7 ms of CPU per API move built each time, PostgreSQL, in process).
    """
    names = list(names)
    wanted = [fold(n) for n in names]
    if not wanted:
        return {}
    if len(wanted) == 1:
        query = compiled("alias-holder", _holders, "collection", "name")
        found = query.instances(collection=collection.pk, name=names[0])
    else:
        found = (
            Alias.objects.filter(collection=collection)
            .select_related("version")
            .only("name", "version__index", "version__collection_id")
            .filter(name__lower__in=wanted)
        )
    return {fold(alias.name): alias for alias in found}


def apply_aliases(
    *,
    collection: Collection,
    version: LinkedVersion,
    names: list[str],
    actor,
    protected: frozenset[str],
    promotion=None,
    override_reason: str = "",
    holders: dict[str, Alias] | None = None,
) -> list[str]:
    """Put each of `names` on `version`, moving those another version holds.

    The caller holds the collection lock, has validated the names and checked the Member
    role. Protected names need an admin and pass their gates (or an organization admin's
    `override_reason`); every refusal comes before the first write. A name the version
    already holds changes nothing and fires nothing. Returns the names as stored (a moved
    alias keeps the case it was first typed in). `promotion`: the approved request that
    makes this move, linked from the history rows. `holders`: `holders_of(collection,
    names)` when the caller has read it already.
    """
    registry = collection.registry
    if holders is None:
        holders = holders_of(collection, names)
    reaching = []
    for name in names:
        holder = holders.get(fold(name))
        if name.lower() in protected and (holder is None or holder.version_id != version.pk):
            verb = "add" if holder is None else "move"
            permissions.check_protected_alias(actor, registry, name, verb)
            reaching.append(name)
    recorded = {"promotion": promotion}
    if reaching:
        recorded["override_reason"] = gates.check_gates(
            registry=registry,
            version=version,
            names=reaching,
            actor=actor,
            promotion=promotion,
            override_reason=override_reason,
        )
    stored, history, events, created = [], [], [], []
    for name in names:
        holder = holders.get(fold(name))
        if holder is not None and holder.version_id == version.pk:
            stored.append(holder.name)
            continue
        if holder is None:
            created.append(
                Alias(collection=collection, version=version, name=name, created_by=actor)
            )
            history.append(
                AliasEvent.build(
                    collection, name, AliasEvent.Action.ADD, actor, to=version, **recorded
                )
            )
            previous_index = None
        else:
            writes.update(Alias, holder.pk, version=version)
            history.append(
                AliasEvent.build(
                    collection,
                    holder.name,
                    AliasEvent.Action.MOVE,
                    actor,
                    source=holder.version,
                    to=version,
                    **recorded,
                )
            )
            previous_index = holder.version.index
        name = holder.name if holder is not None else name
        stored.append(name)
        events.append(
            RegistryEvent(
                type=EventType.ADD_ARTIFACT_ALIAS,
                collection=collection,
                version=version,
                actor=actor,
                alias=name,
                previous_index=previous_index,
            )
        )
    writes.insert_all(created)
    writes.insert_all(history)
    automations.on_events(events)
    return stored


def _locked_state(actor, registry: Registry | str, collection: Collection | str, ref, alias: str):
    """`locks.lock_version` for a change of `alias`, with its holder; a name no alias can
    have has none (and never reaches the database: PostgreSQL refuses some characters
    outright)."""
    holding = alias if alias_problem(alias) is None else None
    doing = f"Changing alias '{alias}'"
    return lock_version(actor, registry, collection, ref, doing=doing, holding=holding)


@transaction.atomic
def add_aliases_at(
    *,
    registry: Registry | str,
    collection: Collection | str,
    ref: str | int | Ref,
    names: Iterable[str],
    actor,
    override_reason: str = "",
) -> VersionState:
    """Add one or more aliases to the version `ref` names: all of them, or on any
    refusal none. An alias another version of the collection holds moves here.
    `latest` and `vN` are ignored; given only those, nothing changes.
    `override_reason`: an organization admin's reason for moving past failing gates."""
    names = list(names) if not isinstance(names, str) else [names]
    first = _first(names)
    locked, state, holder = _locked_state(actor, registry, collection, ref, first)
    try:
        wanted = validate_alias_names(names)
    except Invalid as refusal:
        raise _all_or_none(refusal, names) from None
    if not wanted:
        if reserved_among(names):
            return state
        raise Invalid(NO_ALIAS_GIVEN)
    # The holder read with the version answers for the first name; with one name that is
    # every holder needed.
    known = None
    if wanted == [first]:
        known = {fold(first): holder} if holder is not None else {}
    try:
        stored = apply_aliases(
            collection=locked,
            version=state.version,
            names=wanted,
            actor=actor,
            protected=state.protected,
            override_reason=override_reason,
            holders=known,
        )
    except (Invalid, permissions.Forbidden) as refusal:
        raise _all_or_none(refusal, wanted) from None
    held = {a.lower(): a for a in state.aliases}
    held.update({name.lower(): name for name in stored})
    return state.with_aliases(held.values())


def _first(names: list[str]) -> str:
    return (names[0] if names else "").strip()


def _all_or_none(refusal, names: list[str]):
    """With several aliases, a refusal says that none was added."""
    if len(names) > 1:
        refusal.message = SEVERAL_REFUSED.format(message=refusal.message)
        refusal.args = (refusal.message,)
    return refusal


def add_aliases(*, version: LinkedVersion, names: Iterable[str], actor) -> VersionState:
    """`add_aliases_at` for a version already in hand."""
    return at_version(add_aliases_at, version, names=names, actor=actor)


def add_alias(*, version: LinkedVersion, name: str, actor) -> VersionState:
    return add_aliases(version=version, names=[name], actor=actor)


def alias_not_held(version: LinkedVersion, name: str) -> NotFound:
    return NotFound(
        ALIAS_NOT_HELD.format(index=version.index, collection=version.collection.name, name=name)
    )


@transaction.atomic
def remove_alias_at(
    *,
    registry: Registry | str,
    collection: Collection | str,
    ref: str | int | Ref,
    name: str,
    actor,
) -> VersionState:
    name = (name or "").strip()
    locked, state, alias = _locked_state(actor, registry, collection, ref, name)
    if is_reserved_alias(name):
        raise Invalid(RESERVED_ALIAS.format(name=name))
    version = state.version
    if alias is None or alias.version_id != version.pk:
        raise alias_not_held(version, name)
    if alias.name.lower() in state.protected:
        permissions.check_protected_alias(actor, locked.registry, alias.name, "remove")
    alias.delete()
    AliasEvent.build(locked, alias.name, AliasEvent.Action.REMOVE, actor, source=version).save()
    automations.on_events(
        [
            RegistryEvent(
                type=EventType.REMOVE_ARTIFACT_ALIAS,
                collection=locked,
                version=version,
                actor=actor,
                alias=alias.name,
            )
        ]
    )
    return state.with_aliases(a for a in state.aliases if a.lower() != alias.name.lower())


def remove_alias(*, version: LinkedVersion, name: str, actor) -> VersionState:
    """`remove_alias_at` for a version already in hand."""
    return at_version(remove_alias_at, version, name=name, actor=actor)
