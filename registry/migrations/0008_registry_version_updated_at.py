from django.db import migrations, models
from django.db.models import F
from django.utils import timezone


def start_from_creation(apps, schema_editor):
    """Rows that existed before the field was last changed when they were made."""
    apps.get_model("registry", "Registry").objects.update(updated_at=F("created_at"))
    apps.get_model("registry", "LinkedVersion").objects.update(updated_at=F("linked_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_choices_as_textchoices"),
    ]

    operations = [
        migrations.AddField(
            model_name="registry",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="linkedversion",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(start_from_creation, migrations.RunPython.noop),
    ]
