"""Artifact: built locally (add_file/add_dir) and logged, or fetched from a registry."""

from __future__ import annotations

import os
import re
from pathlib import Path, PureWindowsPath
from typing import Any

from registry_sdk.client import Client, progress_bar, q, sha256_of
from registry_sdk.errors import UsageError

_RESERVED = re.compile(r"^(latest|v\d+)$", re.IGNORECASE)


class Artifact:
    """W&B-style artifact. Local until logged; `version`/`aliases` once in a registry."""

    def __init__(
        self,
        name: str,
        type: str,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
    ):
        if not name or not type:
            raise UsageError("An artifact needs a name and a type, e.g. Artifact('zoo', 'model').")
        self.name = name
        self.type = type
        self.description = description or ""
        self.metadata: dict[str, Any] = dict(metadata or {})
        self._files: dict[str, Path] = {}  # artifact path -> local file
        self._digests: dict[str, tuple[str, int]] = {}
        self.source: dict[str, str] | None = None  # entity/project/artifact/version once logged
        self.logged_aliases: list[str] = []
        self.uploaded_bytes = 0
        # Set for a version in a registry.
        self.registry: str | None = None
        self.collection: str | None = None
        self.version: str | None = None
        self.aliases: list[str] = []
        self.tags: list[str] = []
        self.manifest: list[dict[str, Any]] = []
        self._saved_aliases: list[str] = []
        self._client: Client | None = None

    def __repr__(self) -> str:
        where = f"{self.registry}/{self.collection}:{self.version}" if self.registry else "local"
        return f"<Artifact {self.name!r} type={self.type!r} {where}>"

    # Building

    def add_file(self, local_path: str, name: str | None = None, **_ignored) -> None:
        """Add one file; `name` is its path inside the artifact (default: the file name)."""
        path = Path(local_path)
        if not path.is_file():
            raise UsageError(f"Cannot add '{local_path}': it is not a file.")
        self._add(name or path.name, path)

    def add_dir(self, local_path: str, name: str | None = None, **_ignored) -> None:
        """Add every file under a directory, at `name/<relative path>` (default: top level)."""
        root = Path(local_path)
        if not root.is_dir():
            raise UsageError(f"Cannot add '{local_path}': it is not a directory.")
        found = False
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for filename in sorted(filenames):
                file = Path(dirpath) / filename
                relative = file.relative_to(root).as_posix()
                self._add(f"{name.strip('/')}/{relative}" if name else relative, file)
                found = True
        if not found:
            raise UsageError(f"Cannot add '{local_path}': the directory has no files.")

    def _add(self, artifact_path: str, file: Path) -> None:
        if self.source is not None:
            raise UsageError(f"Artifact '{self.name}' is already logged; create a new Artifact.")
        self._files[artifact_path.replace(os.sep, "/")] = file

    def _local_manifest(self) -> list[dict[str, Any]]:
        if not self._files:
            raise UsageError(f"Artifact '{self.name}' has no files: call add_file or add_dir.")
        entries = []
        for path, file in sorted(self._files.items()):
            stat = file.stat()
            cached = self._digests.get(path)
            if cached is None or cached[1] != stat.st_size:
                cached = (sha256_of(file), stat.st_size)
                self._digests[path] = cached
            entries.append({"path": path, "sha256": cached[0], "size": cached[1]})
        return entries

    # Logging (called by Run.log_artifact)

    def _log(self, client: Client, *, entity: str, project: str, run_id: str | None) -> None:
        manifest = self._local_manifest()
        answer = client.post("/blobs/missing", {"files": manifest})
        missing = set(answer["missing"])
        by_digest = {e["sha256"]: e for e in manifest}
        total = sum(by_digest[d]["size"] for d in missing)
        self.uploaded_bytes = 0
        if missing:
            with progress_bar(total, f"Uploading {self.name}") as bar:
                for digest in sorted(missing):
                    entry = by_digest[digest]
                    client.upload(self._files[entry["path"]], digest, entry["size"], bar)
                    self.uploaded_bytes += entry["size"]
        body = {
            "name": self.name,
            "type": self.type,
            "description": self.description,
            "metadata": self.metadata,
            "files": manifest,
            "run_id": run_id,
        }
        logged = client.post(f"/entities/{q(entity)}/projects/{q(project)}/artifacts", body)
        self.source = {
            "entity": logged["entity"],
            "project": logged["project"],
            "artifact": logged["name"],
            "version": logged["version"],
        }
        self.manifest = logged["files"]
        self._client = client

    # A version in a registry

    @classmethod
    def _from_registry(cls, client: Client, data: dict[str, Any]) -> Artifact:
        art = cls(data["source"]["artifact"], data["type"], data.get("description"))
        art._load(data)
        art._client = client
        return art

    def _load(self, data: dict[str, Any]) -> None:
        self.registry = data["registry"]
        self.collection = data["collection"]
        self.version = data["version"]
        self.metadata = dict(data.get("metadata") or {})
        # Query results carry no file list; download() and files() fetch it when needed.
        self._has_manifest = "files" in data
        self.manifest = list(data.get("files") or [])
        self.tags = list(data.get("tags") or [])
        self.source = dict(data["source"])
        self.aliases = [c["name"] for c in data["aliases"] if not re.match(r"^v\d+$", c["name"])]
        self._saved_aliases = list(self.aliases)

    @property
    def qualified_name(self) -> str:
        if self.registry is None:
            return self.name
        return f"wandb-registry-{self.registry}/{self.collection}:{self.version}"

    def _version_url(self) -> str:
        if self.registry is None or self._client is None:
            raise UsageError(
                f"Artifact '{self.name}' is not in a registry: link it with run.link_artifact, "
                "or fetch it with Api().artifact('wandb-registry-<registry>/<collection>:<alias>')."
            )
        return (
            f"/registries/{q(self.registry)}/collections/{q(self.collection)}"
            f"/versions/{q(self.version)}"
        )

    def save(self) -> Artifact:
        """Apply changes to `aliases` on this collection: adds new ones, removes dropped ones.

        `latest` and `vN` are derived by the server and ignored here.
        """
        url = self._version_url()
        current = [a for a in dict.fromkeys(a.strip() for a in self.aliases) if a]
        saved = {a.lower() for a in self._saved_aliases}
        wanted = {a.lower() for a in current}
        data = None
        for alias in self._saved_aliases:
            if alias.lower() not in wanted and not _RESERVED.match(alias):
                data = self._client.delete(f"{url}/aliases/{q(alias)}")
        for alias in current:
            if alias.lower() not in saved and alias.lower() != "latest":
                data = self._client.post(f"{url}/aliases", {"name": alias})
        self._load(data or self._client.get(url))
        return self

    def download(self, root: str | None = None, **_ignored) -> str:
        """Download the files to `root` (default ./artifacts/<collection>-<version>).

        Files already there with the right sha256 are skipped; each download is verified.
        Returns the directory.
        """
        url = self._version_url()
        self._ensure_manifest()
        target = Path(root or os.path.join("artifacts", f"{self.collection}-{self.version}"))
        todo = []
        for entry in self.manifest:
            local = _safe_join(target, entry["path"])
            if local.is_file() and local.stat().st_size == entry["size"]:
                if sha256_of(local) == entry["sha256"]:
                    continue
            todo.append((entry, local))
        total = sum(e["size"] for e, _ in todo)
        with progress_bar(total, f"Downloading {self.collection}:{self.version}") as bar:
            for entry, local in todo:
                file_url = f"{url}/files/" + "/".join(q(p) for p in entry["path"].split("/"))
                self._client.download(file_url, local, entry["sha256"], bar)
        self.downloaded_files = len(todo)
        return str(target)

    def files(self) -> list[dict[str, Any]]:
        if self.registry is not None:
            self._ensure_manifest()
        return list(self.manifest)

    def _ensure_manifest(self) -> None:
        if not getattr(self, "_has_manifest", True):
            self._load(self._client.get(self._version_url()))


_DRIVE = re.compile(r"^[A-Za-z]:")


def _safe_join(root: Path, artifact_path: str) -> Path:
    """`root/artifact_path`, refusing any path that would leave `root` on some OS.

    Checked for Windows too wherever this runs: a backslash separates folders there, and
    a drive letter (`C:x`) or UNC prefix (`//server/share`) makes a path absolute.
    """
    parts = artifact_path.split("/")
    if (
        any(p in ("", ".", "..") for p in parts)
        or artifact_path.startswith("/")
        or "\\" in artifact_path
        or _DRIVE.match(artifact_path)
        or PureWindowsPath(artifact_path).anchor
    ):
        raise UsageError(
            f"Refusing to write '{artifact_path}' outside the download directory: file paths "
            "must be relative, with '/' between folders, without '..', backslashes or a "
            "drive letter."
        )
    return root.joinpath(*parts)
