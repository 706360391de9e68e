"""Where the API key and server address come from, and where `login` keeps them.

Order: arguments to `login()`, then REGISTRY_API_KEY / REGISTRY_BASE_URL, then the
settings file (~/.config/registry/settings, written by `login` and `registry login`).
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOST = "http://127.0.0.1:8000"
SECTION = "default"


def settings_path() -> Path:
    base = os.environ.get("REGISTRY_CONFIG_DIR") or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config"), "registry"
    )
    return Path(base) / "settings"


def read_file() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    path = settings_path()
    if path.exists():
        parser.read(path)
    return dict(parser[SECTION]) if parser.has_section(SECTION) else {}


def write_file(*, api_key: str, base_url: str) -> Path:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    parser = configparser.ConfigParser(interpolation=None)
    parser[SECTION] = {"base_url": base_url, "api_key": api_key}
    # Created private before the key is written into it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        parser.write(handle)
    return path


@dataclass
class Settings:
    api_key: str | None
    base_url: str


_override: dict[str, str] = {}


def set_override(*, api_key: str | None, base_url: str | None) -> None:
    if api_key:
        _override["api_key"] = api_key
    if base_url:
        _override["base_url"] = base_url


def clear_override() -> None:
    _override.clear()


def current() -> Settings:
    stored = read_file()
    key = (
        _override.get("api_key")
        or os.environ.get("REGISTRY_API_KEY")
        or stored.get("api_key")
        or None
    )
    host = (
        _override.get("base_url")
        or os.environ.get("REGISTRY_BASE_URL")
        or stored.get("base_url")
        or DEFAULT_HOST
    )
    return Settings(api_key=key, base_url=host.rstrip("/"))
