"""Comparing two linked versions: files, metadata, tags, aliases, source run and lineage.

Only manifests are read (paths, digests, sizes), never file contents. Both manifests come
in one query ordered by path and are merged as the rows stream in, keeping only the files
that differ, so two versions of many thousand files are compared in a few megabytes.
`compare_summary` keeps nothing but counts, for the places that show a one-line summary.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from registry.errors import NotFound
from registry.models import ArtifactFile, LinkedVersion, Run, RunArtifact
from registry.selectors.versions import VersionState, version_states

CHUNK = 2000
VERSION_GONE = "v{index} of '{collection}' is no longer linked; nothing to compare."
# A metadata value that a side does not have (distinct from a JSON null).
MISSING = object()


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class FileDiff:
    """A path whose content differs between the two versions (None: the side lacks it)."""

    path: str
    a_digest: str | None
    a_size: int | None
    b_digest: str | None
    b_size: int | None

    @property
    def change(self) -> Change:
        if self.a_digest is None:
            return Change.ADDED
        if self.b_digest is None:
            return Change.REMOVED
        return Change.CHANGED


@dataclass(frozen=True)
class MetadataDiff:
    """A flattened metadata key (`train.lr`) whose value differs; MISSING where absent."""

    key: str
    a: object
    b: object

    @property
    def change(self) -> Change:
        if self.a is MISSING:
            return Change.ADDED
        if self.b is MISSING:
            return Change.REMOVED
        return Change.CHANGED

    @property
    def a_json(self) -> str:
        return "" if self.a is MISSING else _json(self.a)

    @property
    def b_json(self) -> str:
        return "" if self.b is MISSING else _json(self.b)


@dataclass(frozen=True)
class NamesDiff:
    """Names (tags, aliases, lineage inputs) going from a to b, compared ignoring case."""

    added: tuple[str, ...]  # only b has them
    removed: tuple[str, ...]  # only a has them
    kept: tuple[str, ...]

    @classmethod
    def of(cls, a, b) -> NamesDiff:
        in_a = {n.lower(): n for n in a}
        in_b = {n.lower(): n for n in b}
        return cls(
            added=tuple(sorted(n for k, n in in_b.items() if k not in in_a)),
            removed=tuple(sorted(n for k, n in in_a.items() if k not in in_b)),
            kept=tuple(sorted(n for k, n in in_b.items() if k in in_a)),
        )

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True)
class Side:
    """One compared version and the facts about it that the comparison shows."""

    state: VersionState
    run: Run | None  # the run that logged the source version
    inputs: tuple[str, ...]  # source versions that run used, as entity/project/name:vN

    @property
    def version(self) -> LinkedVersion:
        return self.state.version

    @property
    def source_ref(self) -> str:
        source = self.version.source
        project = source.artifact.project
        return f"{project.team.name}/{project.name}/{source.artifact.name}:v{source.index}"

    @property
    def run_ref(self) -> str | None:
        if self.run is None:
            return None
        return f"{self.run.project.team.name}/{self.run.project.name}/{self.run.run_id}"


@dataclass(frozen=True)
class FileCounts:
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class ComparisonSummary:
    """Counts only: what a confirmation or a request shows in one line."""

    files: FileCounts
    metadata_added: int
    metadata_removed: int
    metadata_changed: int
    tags_changed: bool
    source_run_changed: bool
    inputs_changed: bool

    @property
    def identical(self) -> bool:
        """The same files and metadata (tags, aliases and runs aside)."""
        f = self.files
        return not (
            f.added
            or f.removed
            or f.changed
            or self.metadata_added
            or self.metadata_removed
            or self.metadata_changed
        )

    def describe(self) -> str:
        """`2 files changed, 1 added; 3 metadata keys changed` or `same files and metadata`."""
        if self.identical:
            return "same files and metadata"
        parts = []
        f = self.files
        files = _counted(f.changed, "changed", f.added, "added", f.removed, "removed")
        if files:
            parts.append(_plural(files[0][0], "file") + " " + ", ".join(_words(files)))
        keys = _counted(
            self.metadata_changed,
            "changed",
            self.metadata_added,
            "added",
            self.metadata_removed,
            "removed",
        )
        if keys:
            parts.append(_plural(keys[0][0], "metadata key") + " " + ", ".join(_words(keys)))
        return "; ".join(parts)


@dataclass(frozen=True)
class Comparison:
    """Everything that differs from version a to version b."""

    a: Side
    b: Side
    files: list[FileDiff]  # the files that differ, ordered by path
    file_counts: FileCounts
    metadata: list[MetadataDiff]  # ordered by key
    tags: NamesDiff
    aliases: NamesDiff
    inputs: NamesDiff

    @property
    def files_added(self) -> list[FileDiff]:
        return [f for f in self.files if f.change == Change.ADDED]

    @property
    def files_removed(self) -> list[FileDiff]:
        return [f for f in self.files if f.change == Change.REMOVED]

    @property
    def files_changed(self) -> list[FileDiff]:
        return [f for f in self.files if f.change == Change.CHANGED]

    @property
    def metadata_added(self) -> list[MetadataDiff]:
        return [m for m in self.metadata if m.change == Change.ADDED]

    @property
    def metadata_removed(self) -> list[MetadataDiff]:
        return [m for m in self.metadata if m.change == Change.REMOVED]

    @property
    def metadata_changed(self) -> list[MetadataDiff]:
        return [m for m in self.metadata if m.change == Change.CHANGED]

    @property
    def source_run_changed(self) -> bool:
        return self.a.run_ref != self.b.run_ref

    @property
    def summary(self) -> ComparisonSummary:
        return _summary(self.file_counts, self.metadata, self.tags, self.a, self.b, self.inputs)


def compare_versions(a: LinkedVersion, b: LinkedVersion) -> Comparison:
    """What changes from `a` to `b`. The caller has checked that the user may see both.

    At most three queries whatever the number of files: both versions with their chips, what
    their runs used (none without runs), and both manifests in one ordered stream (none
    when the manifests are equal).
    """
    side_a, side_b = _sides(a, b)
    files: list[FileDiff] = []
    counts = _count_files(side_a, side_b, files.append)
    return Comparison(
        a=side_a,
        b=side_b,
        files=files,
        file_counts=counts,
        metadata=metadata_diff(side_a.version.source.metadata, side_b.version.source.metadata),
        tags=NamesDiff.of(side_a.state.tags, side_b.state.tags),
        aliases=NamesDiff.of(side_a.state.aliases, side_b.state.aliases),
        inputs=NamesDiff.of(side_a.inputs, side_b.inputs),
    )


def compare_summary(a: LinkedVersion, b: LinkedVersion) -> ComparisonSummary:
    """The counts of `compare_versions(a, b)` without keeping any file in memory."""
    side_a, side_b = _sides(a, b)
    counts = _count_files(side_a, side_b, lambda _diff: None)
    metadata = metadata_diff(side_a.version.source.metadata, side_b.version.source.metadata)
    tags = NamesDiff.of(side_a.state.tags, side_b.state.tags)
    inputs = NamesDiff.of(side_a.inputs, side_b.inputs)
    return _summary(counts, metadata, tags, side_a, side_b, inputs)


def flatten_metadata(value, prefix: str = "") -> Iterator[tuple[str, object]]:
    """Nested JSON objects as dotted keys (`{"a": {"b": 1}}` -> `a.b`); lists are values.

    An empty object is a value too, so `{"a": {}}` and `{}` differ.
    """
    if isinstance(value, dict) and (value or not prefix):
        for key in sorted(value, key=str):
            yield from flatten_metadata(value[key], f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value


def metadata_diff(a, b) -> list[MetadataDiff]:
    """Flattened keys whose JSON values differ, ordered by key.

    Values are compared as JSON text, so `1`, `1.0` and `true` are three values (Python
    would call them equal).
    """
    flat_a = dict(flatten_metadata(a or {}))
    flat_b = dict(flatten_metadata(b or {}))
    diffs = []
    for key in sorted(flat_a.keys() | flat_b.keys()):
        va, vb = flat_a.get(key, MISSING), flat_b.get(key, MISSING)
        if va is MISSING or vb is MISSING or _json(va) != _json(vb):
            diffs.append(MetadataDiff(key, va, vb))
    return diffs


def _sides(a: LinkedVersion, b: LinkedVersion) -> tuple[Side, Side]:
    rows = {
        row.pk: row
        for row in version_states()
        .select_related("source__created_run__project__team")
        .filter(pk__in={a.pk, b.pk})
    }
    missing = [v for v in (a, b) if v.pk not in rows]
    if missing:
        gone = missing[0]
        raise NotFound(VERSION_GONE.format(index=gone.index, collection=gone.collection.name))
    runs = {rows[v.pk].source.created_run_id for v in (a, b)} - {None}
    inputs: dict[int, list[str]] = {run_id: [] for run_id in runs}
    used = (
        RunArtifact.objects.filter(run_id__in=runs, kind=RunArtifact.Kind.USED)
        .select_related("version__artifact__project__team")
        .order_by("pk")
    )
    for link in used if runs else ():
        art = link.version.artifact
        ref = f"{art.project.team.name}/{art.project.name}/{art.name}:v{link.version.index}"
        inputs[link.run_id].append(ref)

    def side(version: LinkedVersion) -> Side:
        row = rows[version.pk]
        run = row.source.created_run
        return Side(
            state=VersionState.of(row),
            run=run,
            inputs=tuple(inputs.get(row.source.created_run_id, ())),
        )

    return side(a), side(b)


def _count_files(a: Side, b: Side, keep) -> FileCounts:
    """Merge both manifests by path, handing each differing file to `keep`."""
    source_a, source_b = a.version.source, b.version.source
    if source_a.pk == source_b.pk or source_a.digest == source_b.digest:
        # The manifest digest covers every path, digest and size: nothing to read.
        return FileCounts(unchanged=source_a.file_count)
    rows = (
        ArtifactFile.objects.filter(version_id__in=(source_a.pk, source_b.pk))
        .order_by("path", "version_id")
        .values_list("path", "version_id", "blob_id", "size")
        .iterator(chunk_size=CHUNK)
    )
    added = removed = changed = unchanged = 0
    for path, group in itertools.groupby(rows, key=lambda row: row[0]):
        by_version = {version_id: (digest, size) for _, version_id, digest, size in group}
        in_a, in_b = by_version.get(source_a.pk), by_version.get(source_b.pk)
        if in_a is not None and in_b is not None and in_a == in_b:
            unchanged += 1
            continue
        diff = FileDiff(path, *(in_a or (None, None)), *(in_b or (None, None)))
        if diff.change == Change.ADDED:
            added += 1
        elif diff.change == Change.REMOVED:
            removed += 1
        else:
            changed += 1
        keep(diff)
    return FileCounts(added=added, removed=removed, changed=changed, unchanged=unchanged)


def _summary(counts, metadata, tags, a: Side, b: Side, inputs) -> ComparisonSummary:
    return ComparisonSummary(
        files=counts,
        metadata_added=sum(m.change == Change.ADDED for m in metadata),
        metadata_removed=sum(m.change == Change.REMOVED for m in metadata),
        metadata_changed=sum(m.change == Change.CHANGED for m in metadata),
        tags_changed=tags.changed,
        source_run_changed=a.run_ref != b.run_ref,
        inputs_changed=inputs.changed,
    )


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _counted(*pairs) -> list[tuple[int, str]]:
    """(count, word) pairs with a count, from a flat `count, word, count, word` list."""
    it = iter(pairs)
    return [(n, word) for n, word in zip(it, it, strict=True) if n]


def _words(counted: list[tuple[int, str]]) -> list[str]:
    first, *rest = counted
    return [first[1]] + [f"{n} {word}" for n, word in rest]


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
