"""The files of a source version (immutable once committed)."""

from __future__ import annotations

from registry.errors import NotFound
from registry.models import ArtifactFile, LinkedVersion

FILE_NOT_FOUND = "v{index} of '{collection}' has no file '{path}'."


def version_files(version: LinkedVersion) -> list[ArtifactFile]:
    return list(ArtifactFile.objects.filter(version_id=version.source_id).order_by("path"))


def version_file(version: LinkedVersion, path: str) -> ArtifactFile:
    """One file of the version by its path, with its blob."""
    file = (
        ArtifactFile.objects.select_related("blob")
        .filter(version_id=version.source_id, path=path)
        .first()
    )
    if file is None:
        raise NotFound(
            FILE_NOT_FOUND.format(
                index=version.index, collection=version.collection.name, path=path
            )
        )
    return file
