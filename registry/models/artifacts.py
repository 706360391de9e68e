from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from registry.models.accounts import Team


class Project(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("team", Lower("name"), name="project_name_ci_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team.name}/{self.name}"


class Run(models.Model):
    class State(models.TextChoices):
        RUNNING = "running"
        FINISHED = "finished"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="runs")
    run_id = models.CharField(max_length=64)
    name = models.CharField(max_length=128, blank=True)
    job_type = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "run_id"], name="run_id_unique")]

    def __str__(self) -> str:
        return self.name or self.run_id


class Blob(models.Model):
    """Content stored once, addressed by its sha256, shared by every file with it."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256


class Artifact(models.Model):
    """A source artifact (name + type) in a project; its versions are immutable."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="artifacts")
    name = models.CharField(max_length=128)
    type = models.CharField(max_length=64)
    next_index = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="artifact_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project}/{self.name}"


class ArtifactVersion(models.Model):
    """An immutable, committed version of a source artifact."""

    artifact = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="versions")
    index = models.PositiveIntegerField()
    digest = models.CharField(max_length=64, help_text="sha256 of the sorted file manifest")
    description = models.TextField(blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    size = models.BigIntegerField(default=0)
    file_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_run = models.ForeignKey(
        Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["artifact", "index"], name="artifact_version_index"),
            models.UniqueConstraint(fields=["artifact", "digest"], name="artifact_version_digest"),
        ]

    @property
    def version_string(self) -> str:
        return f"v{self.index}"

    def __str__(self) -> str:
        return f"{self.artifact.name}:v{self.index}"


class ArtifactFile(models.Model):
    version = models.ForeignKey(ArtifactVersion, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=1024)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="files")
    size = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "path"], name="artifact_file_path_unique")
        ]
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path


class RunArtifact(models.Model):
    """Lineage: a run logged (produced) or used (consumed) an artifact version."""

    class Kind(models.TextChoices):
        LOGGED = "logged"
        USED = "used"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="artifact_links")
    version = models.ForeignKey(ArtifactVersion, on_delete=models.CASCADE, related_name="run_links")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "version", "kind"], name="run_artifact_unique")
        ]
