"""Automation alias filters change from a whole-alias match to a search (W&B's
matches_regex). Each stored pattern is wrapped as ^(?:...)$ so that it keeps selecting
exactly the aliases it selected (aliases hold no newline, so `$` cannot differ from the
end of the alias). Global flags such as (?i) must stay first, so they stay outside."""

import re

from django.db import migrations, models

GLOBAL_FLAGS = re.compile(r"^(?:\(\?[aiLmsux]+\))+")


def anchored(pattern: str) -> str:
    flags = GLOBAL_FLAGS.match(pattern)
    prefix = flags.group(0) if flags else ""
    return f"{prefix}^(?:{pattern[len(prefix) :]})$"


def unanchored(pattern: str) -> str:
    flags = GLOBAL_FLAGS.match(pattern)
    prefix = flags.group(0) if flags else ""
    body = pattern[len(prefix) :]
    if body.startswith("^(?:") and body.endswith(")$"):
        return prefix + body[4:-2]
    return pattern


def anchor(apps, schema_editor):
    Automation = apps.get_model("registry", "Automation")
    for automation in Automation.objects.exclude(alias_regex=""):
        automation.alias_regex = anchored(automation.alias_regex)
        automation.save(update_fields=["alias_regex"])


def unanchor(apps, schema_editor):
    Automation = apps.get_model("registry", "Automation")
    for automation in Automation.objects.exclude(alias_regex=""):
        automation.alias_regex = unanchored(automation.alias_regex)
        automation.save(update_fields=["alias_regex"])


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_registry_version_updated_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="automation",
            name="alias_regex",
            field=models.CharField(blank=True, max_length=256),
        ),
        migrations.RunPython(anchor, unanchor),
    ]
