"""Generate a large synthetic catalogue for search benchmarks: `seed_bulk --versions N`.

Per N linked versions: N/10 collections (one source artifact each, 10 versions, linked a
day apart over the last ten days, each with its link record), N/5 aliases (custom, and
`production` protected in every registry) with N history rows (the common alias walks
from v0 to v8, a day at a time; the unique one is added once), N/5 version tags and N/10
collection tags, spread over the core registries plus three bench registries, one of them
restricted. Versions carry metadata (`accuracy` 0–1, `epochs` 1–99) and creation dates one
per 30 s back from now, so metadata and date ranges select a proportional share. Names mix
a small vocabulary (so common words match many rows, as in real
use) with unique parts (so exact look-ups find one). Rows go in with COPY on PostgreSQL
and executemany on SQLite, in big batches with explicit ids: nothing goes through the ORM
one row at a time. Deterministic for a given --seed.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from registry.models import (
    Alias,
    AliasEvent,
    Artifact,
    ArtifactVersion,
    Collection,
    CollectionTag,
    LinkedVersion,
    LinkRecord,
    Project,
    ProtectedAlias,
    Registry,
    Team,
    VersionTag,
)

VERSIONS_PER_COLLECTION = 10
COMMON_WALK = 9  # history rows of the common alias: added to v0, moved up to v8
BATCH = 100_000
NOUNS = (
    "resnet bert gpt vit yolo unet clip whisper llama t5 mobilenet efficientnet detr sam "
    "wav2vec deberta roberta electra xlnet mistral gemma phi falcon bloom opt stablelm "
    "convnext swin dino mae"
).split()
ADJECTIVES = (
    "vision speech tiny small base large xl distilled quantized finetuned multilingual "
    "medical legal retail fraud churn ranking search caption"
).split()
DATASETS = "imagenet coco squad wikitext librispeech openwebtext cifar mnist".split()
COMMON_ALIASES = ["production", "staging", "candidate", "champion", "best", "baseline"]
TAGS = (
    "best baseline nlp cv audio fp16 int8 quantized eval-passed reviewed gpu cpu edge "
    "experimental deprecated long-context multimodal distilled pruned onnx"
).split()
BENCH_REGISTRIES = [
    ("Bench-Vision", Registry.Visibility.ORGANIZATION),
    ("Bench-NLP", Registry.Visibility.ORGANIZATION),
    ("Bench-Secret", Registry.Visibility.RESTRICTED),
]


class Command(BaseCommand):
    help = "Bulk-insert a synthetic catalogue of N linked versions (for search benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--versions", type=int, required=True, help="linked versions")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, versions: int, seed: int, **options):
        if versions < VERSIONS_PER_COLLECTION:
            raise CommandError(f"--versions must be at least {VERSIONS_PER_COLLECTION}.")
        started = time.monotonic()
        rng = random.Random(seed)
        registries = self._registries()
        moment = self.started_at = timezone.now()
        now = _stamp(moment)
        # Version i of every collection was linked i days after the first, ten days ago.
        self.days = [moment - timedelta(days=VERSIONS_PER_COLLECTION - i) for i in range(10)]
        n_collections = versions // VERSIONS_PER_COLLECTION
        ids = {m: (m.objects.aggregate(m=Max("id"))["m"] or 0) + 1 for m in _MODELS}
        team, _ = Team.objects.get_or_create(name="bench")
        project, _ = Project.objects.get_or_create(team=team, name="bench")
        run = f"{ids[Collection]}"  # keeps names unique when the command runs twice

        collections = []  # (id, registry_id, type)
        coll_rows, art_rows, ctag_rows = [], [], []
        for i in range(n_collections):
            cid, aid = ids[Collection] + i, ids[Artifact] + i
            registry = registries[i % len(registries)]
            type_ = "dataset" if registry.name == "Dataset" else "model"
            noun, adj = rng.choice(NOUNS), rng.choice(ADJECTIVES)
            name = f"{noun}-{adj}-{run}-{i}"
            desc = f"{adj.title()} {noun} trained on {rng.choice(DATASETS)}"
            made = self._created(i * VERSIONS_PER_COLLECTION, versions)
            coll_rows.append(
                (cid, registry.pk, name, type_, desc, VERSIONS_PER_COLLECTION, made, made)
            )
            art_rows.append((aid, project.pk, name, type_, VERSIONS_PER_COLLECTION, now))
            ctag_rows.append((ids[CollectionTag] + i, cid, rng.choice(TAGS)))
            collections.append((cid, aid))
        self._insert(Collection, coll_rows)
        self._insert(Artifact, art_rows)
        self._insert(CollectionTag, ctag_rows)
        self._insert(ArtifactVersion, self._sources(collections, ids, rng))
        self._insert(LinkedVersion, self._linked(collections, ids))
        self._insert(LinkRecord, self._records(collections, ids))
        choices = [self._alias_choice(rng) for _ in collections]
        self._insert(Alias, self._aliases(collections, ids, choices, now))
        self._insert(AliasEvent, self._events(collections, ids, choices))
        self._insert(VersionTag, self._version_tags(collections, ids, rng))
        self._reset_sequences()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Rows COPYed in wait in the GIN indexes' pending lists, which the planner
                # prices as a scan of them all; merge them (autovacuum would, later).
                cursor.execute(
                    "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                    "WHERE a.amname = 'gin' AND c.relname LIKE 'registry\\_%'"
                )
                # VACUUM as well marks the new pages all-visible, as autovacuum would after
                # the inserts: index-only scans (a filter's name indexes) then skip the
                # table. Not possible inside a transaction (a test's), where ANALYZE does.
                in_transaction = connection.in_atomic_block
                cursor.execute("ANALYZE" if in_transaction else "VACUUM ANALYZE")
        self.stdout.write(
            f"Inserted {n_collections * VERSIONS_PER_COLLECTION} linked versions, "
            f"{n_collections} collections, {2 * n_collections} aliases, "
            f"{2 * n_collections} version tags, {n_collections} collection tags "
            f"in {time.monotonic() - started:.1f} s."
        )

    def _registries(self) -> list[Registry]:
        for name, visibility in BENCH_REGISTRIES:
            Registry.objects.get_or_create(
                name=name,
                defaults={"visibility": visibility, "accepted_types": ["model", "dataset"]},
            )
        registries = list(Registry.objects.order_by("id"))
        for registry in registries:
            ProtectedAlias.objects.get_or_create(registry=registry, name="production")
        return registries

    def _created(self, k: int, total: int) -> str:
        """Version k of total was made (total - k) * 30 s ago: newest last, as ids go."""
        return _stamp(self.started_at - timedelta(seconds=30 * (total - k)))

    def _sources(self, collections, ids, rng) -> Iterator[tuple]:
        n, total = ids[ArtifactVersion], len(collections) * VERSIONS_PER_COLLECTION
        for c, (_cid, aid) in enumerate(collections):
            for index in range(VERSIONS_PER_COLLECTION):
                k = c * VERSIONS_PER_COLLECTION + index
                metadata = {"accuracy": round(rng.random(), 4), "epochs": rng.randrange(1, 100)}
                created = self._created(k, total)
                yield (n + k, aid, index, f"{k:064x}", "", json.dumps(metadata), 1, 1, created)

    def _linked(self, collections, ids) -> Iterator[tuple]:
        n, src = ids[LinkedVersion], ids[ArtifactVersion]
        for c, (cid, _aid) in enumerate(collections):
            for index in range(VERSIONS_PER_COLLECTION):
                k = c * VERSIONS_PER_COLLECTION + index
                # Linked on its day: the link records and alias history follow these days.
                linked_at = _stamp(self.days[index])
                yield (n + k, cid, index, src + k, "", linked_at, linked_at)

    def _records(self, collections, ids) -> Iterator[tuple]:
        """The link history: each version linked on its day, none unlinked."""
        n, src = ids[LinkRecord], ids[ArtifactVersion]
        for c, (cid, _aid) in enumerate(collections):
            for index in range(VERSIONS_PER_COLLECTION):
                k = c * VERSIONS_PER_COLLECTION + index
                yield (n + k, cid, index, src + k, _stamp(self.days[index]))

    @staticmethod
    def _alias_choice(rng) -> tuple[str, str, int]:
        """A collection's common alias, its unique alias and the index that holds it."""
        common = rng.choice(COMMON_ALIASES)
        rng.randrange(VERSIONS_PER_COLLECTION)  # kept: the rest of the catalogue stays put
        unique = f"exp-{rng.getrandbits(32):08x}"
        return common, unique, rng.randrange(VERSIONS_PER_COLLECTION)

    def _aliases(self, collections, ids, choices, now) -> Iterator[tuple]:
        """Two per collection: a common name (production, staging…) where its walk ended,
        and a unique one."""
        n, first_version = ids[Alias], ids[LinkedVersion]
        for c, ((cid, _aid), (common, unique, at)) in enumerate(
            zip(collections, choices, strict=True)
        ):
            base = first_version + c * VERSIONS_PER_COLLECTION
            yield (n + 2 * c, cid, base + COMMON_WALK - 1, common, now)
            yield (n + 2 * c + 1, cid, base + at, unique, now)

    def _events(self, collections, ids, choices) -> Iterator[tuple]:
        """The history behind `_aliases`: 10 rows per collection."""
        n, first_version = ids[AliasEvent], ids[LinkedVersion]
        per = COMMON_WALK + 1
        half_hour = timedelta(minutes=30)
        for c, ((cid, _aid), (common, unique, at)) in enumerate(
            zip(collections, choices, strict=True)
        ):
            base = first_version + c * VERSIONS_PER_COLLECTION
            for step in range(COMMON_WALK):
                action = "add" if step == 0 else "move"
                before = (step - 1, base + step - 1) if step else (None, None)
                when = _stamp(self.days[step] + half_hour)
                row = (n + per * c + step, cid, common, action, *before, step, base + step, when)
                yield (*row, "")
            when = _stamp(self.days[at] + 2 * half_hour)
            row = (n + per * c + COMMON_WALK, cid, unique, "add", None, None, at, base + at, when)
            yield (*row, "")

    def _version_tags(self, collections, ids, rng) -> Iterator[tuple]:
        """Two per collection on different versions: a common tag and a ticket number."""
        n, first_version = ids[VersionTag], ids[LinkedVersion]
        for c in range(len(collections)):
            base = first_version + c * VERSIONS_PER_COLLECTION
            a, b = rng.sample(range(VERSIONS_PER_COLLECTION), 2)
            yield (n + 2 * c, base + a, rng.choice(TAGS))
            yield (n + 2 * c + 1, base + b, f"ticket-{rng.randrange(10**6):06d}")

    def _insert(self, model, rows: Iterable[tuple]) -> None:
        columns = _COLUMNS[model]
        table = model._meta.db_table
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self._write(table, columns, batch)
                batch = []
        if batch:
            self._write(table, columns, batch)

    @staticmethod
    def _write(table: str, columns: list[str], rows: list[tuple]) -> None:
        cols = ", ".join(f'"{c}"' for c in columns)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)

    @staticmethod
    def _reset_sequences() -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), _MODELS)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


_COLUMNS = {
    Collection: [
        "id",
        "registry_id",
        "name",
        "type",
        "description",
        "next_index",
        "created_at",
        "updated_at",
    ],
    Artifact: ["id", "project_id", "name", "type", "next_index", "created_at"],
    CollectionTag: ["id", "collection_id", "name"],
    ArtifactVersion: [
        "id",
        "artifact_id",
        "index",
        "digest",
        "description",
        "metadata",
        "size",
        "file_count",
        "created_at",
    ],
    LinkedVersion: [
        "id",
        "collection_id",
        "index",
        "source_id",
        "description",
        "linked_at",
        "updated_at",
    ],
    LinkRecord: ["id", "collection_id", "index", "source_id", "linked_at"],
    Alias: ["id", "collection_id", "version_id", "name", "created_at"],
    AliasEvent: [
        "id",
        "collection_id",
        "alias",
        "action",
        "from_index",
        "from_version_id",
        "to_index",
        "to_version_id",
        "created_at",
        "override_reason",
    ],
    VersionTag: ["id", "version_id", "name"],
}
_MODELS = list(_COLUMNS)


def _stamp(moment):
    """A time as the database takes it: aware on PostgreSQL, Django's text on SQLite."""
    if connection.vendor == "postgresql":
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
