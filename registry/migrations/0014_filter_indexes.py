"""Indexes for filters (the query API, the advanced search; see registry.predicates):
`(name, version)` on aliases and version tags and `(name, collection)` on collection tags
give the owners holding a name in owner order, so the holders of several names are
intersected by merging index scans; `linked_at` and collection `created_at` serve date
ranges. Plain b-trees: the same on SQLite and PostgreSQL.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_promotions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="alias",
            index=models.Index(fields=["name", "version"], name="alias_name_version_idx"),
        ),
        migrations.AddIndex(
            model_name="collection",
            index=models.Index(fields=["created_at"], name="collection_created_at_idx"),
        ),
        migrations.AddIndex(
            model_name="collectiontag",
            index=models.Index(fields=["name", "collection"], name="collection_tag_name_idx"),
        ),
        migrations.AddIndex(
            model_name="linkedversion",
            index=models.Index(fields=["linked_at"], name="linked_version_linked_at_idx"),
        ),
        migrations.AddIndex(
            model_name="versiontag",
            index=models.Index(fields=["name", "version"], name="version_tag_name_idx"),
        ),
    ]
