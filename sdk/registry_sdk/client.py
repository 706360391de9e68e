"""HTTP calls to /api/v1/, mapping refusals to exceptions that carry the server's message."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
from tqdm import tqdm

from registry_sdk import config
from registry_sdk._version import __version__
from registry_sdk.errors import ChecksumMismatch, CommError, UsageError, error_for

CHUNK = 1024 * 1024
NOT_LOGGED_IN = (
    "No API key: call registry_sdk.login(key=...), run `registry login`, or set "
    "REGISTRY_API_KEY (create a key on the server's API keys page, /account/api-keys/)."
)


def q(segment: str) -> str:
    """One URL path segment, escaped. '.' and '..' (valid aliases) are escaped too, or
    HTTP clients would resolve them as dot segments of the path."""
    quoted = quote(str(segment), safe="")
    return quoted.replace(".", "%2E") if quoted in (".", "..") else quoted


def progress_bar(total: int, desc: str) -> tqdm:
    quiet = not sys.stderr.isatty() or bool(os.environ.get("REGISTRY_SILENT"))
    return tqdm(total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024, disable=quiet)


def sha256_of(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


class Client:
    def __init__(self, api_key: str | None = None, base_url: str | None = None):
        settings = config.current()
        self.api_key = api_key or settings.api_key
        self.base_url = (base_url or settings.base_url).rstrip("/")
        if not self.api_key:
            raise UsageError(NOT_LOGGED_IN)
        self.http = httpx.Client(
            base_url=self.base_url + "/api/v1",
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "User-Agent": f"registry-sdk/{__version__}",
                "Accept": "application/json",
            },
            timeout=httpx.Timeout(300.0, connect=10.0),
        )

    def close(self) -> None:
        self.http.close()

    def _send(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise CommError(f"Cannot reach the registry at {self.base_url}: {exc}") from exc
        if response.status_code >= 400:
            raise error_for(response.status_code, _detail(response))
        return response

    def request(self, method: str, path: str, json=None):
        response = self._send(method, path, json=json)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise CommError(
                f"{self.base_url} answered {method} {path} with something that is not JSON; "
                "is REGISTRY_BASE_URL the registry server?"
            ) from exc

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, json=None):
        return self.request("POST", path, json=json if json is not None else {})

    def delete(self, path: str):
        return self.request("DELETE", path)

    def upload(self, path: Path, sha256: str, size: int, bar: tqdm) -> None:
        """PUT the file's bytes under their digest, streamed, advancing `bar`."""

        def chunks() -> Iterator[bytes]:
            with open(path, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    bar.update(len(chunk))
                    yield chunk

        self._send(
            "PUT",
            f"/blobs/{sha256}",
            content=chunks(),
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
        )

    def download(self, url_path: str, target: Path, sha256: str, bar: tqdm) -> None:
        """Stream a file to `target`, verifying its sha256; a mismatch keeps nothing."""
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        hasher = hashlib.sha256()
        try:
            with self.http.stream("GET", url_path) as response:
                if response.status_code >= 400:
                    response.read()
                    raise error_for(response.status_code, _detail(response))
                with open(partial, "wb") as handle:
                    for chunk in response.iter_bytes(CHUNK):
                        hasher.update(chunk)
                        handle.write(chunk)
                        bar.update(len(chunk))
        except httpx.HTTPError as exc:
            partial.unlink(missing_ok=True)
            raise CommError(f"Download from {self.base_url} failed: {exc}") from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        if hasher.hexdigest() != sha256:
            partial.unlink(missing_ok=True)
            raise ChecksumMismatch(
                f"{target.name}: downloaded bytes hash to {hasher.hexdigest()}, expected {sha256}; "
                "the file was not kept."
            )
        os.replace(partial, target)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        # The server's refusal, and what to do instead when it says (`hint`).
        hint = body.get("hint")
        return body["detail"] + (f" {hint}" if isinstance(hint, str) and hint else "")
    text = response.text.strip()[:300]
    return f"HTTP {response.status_code} from {response.request.url}: {text or 'no message'}"
