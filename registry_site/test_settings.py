"""Settings for the test suite: the real settings with a fixed key and fast hashing."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)

from registry_site.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REGISTRY_WEBHOOK_ALLOW_PRIVATE = True
MEDIA_ROOT = BASE_DIR / "data" / "test-media"  # noqa: F405
