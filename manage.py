#!/usr/bin/env python
import os
import sys
from pathlib import Path

# Commands that read the schema only: they never sign, encrypt or serve anything, so a
# missing SECRET_KEY should not stop them (CI hooks run `makemigrations --check` bare).
SCHEMA_ONLY = {"makemigrations", "showmigrations", "sqlmigrate", "check"}


def _local_secret_key() -> str | None:
    """The key `make run` keeps beside the local database, if there is one."""
    data_dir = Path(os.environ.get("REGISTRY_DATA_DIR") or Path(__file__).parent / "data")
    key_file = data_dir / "secret_key"
    return key_file.read_text().strip() if key_file.is_file() else None


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry_site.settings")
    if not os.environ.get("SECRET_KEY") and os.environ.get("DEBUG", "").lower() not in (
        "1",
        "true",
        "yes",
        "on",
    ):
        key = _local_secret_key()
        if key is None and len(sys.argv) > 1 and sys.argv[1] in SCHEMA_ONLY:
            key = "schema-only-command-" + "x" * 32  # never used to sign or encrypt
        if key is not None:
            os.environ["SECRET_KEY"] = key
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
