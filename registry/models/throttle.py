from __future__ import annotations

from django.db import models


class FailureCount(models.Model):
    """Failed attempts (bad passwords, bad API keys) per account or client address.

    In the database rather than a per-process cache, so every web node and worker
    process counts together and a lockout holds whichever node answers.
    """

    ACCOUNT, ADDRESS, API_ADDRESS = "account", "address", "api-address"
    SCOPES = [
        (ACCOUNT, "sign-ins to one account"),
        (ADDRESS, "sign-ins from one address"),
        (API_ADDRESS, "bad API keys from one address"),
    ]
    scope = models.CharField(max_length=16, choices=SCOPES)
    key = models.CharField(max_length=255)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="failure_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.failures}"
