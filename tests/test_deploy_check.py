"""`check --deploy` is clean with the README's production settings, and only with them."""

from __future__ import annotations

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_production_settings() -> dict[str, str]:
    """The variables of the README's "Production settings" block, placeholders filled."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Production settings", 1)[1]
    block = re.search(r"```dotenv\n(.*?)```", section, re.S).group(1)
    variables = {}
    for line in block.splitlines():
        name, _, value = line.partition("=")
        value = shlex.split(value)[0]
        if value.startswith("<"):
            value = secrets.token_urlsafe(60)
        variables[name] = value
    return variables


def check_deploy(tmp_path, variables: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_"))
    }
    env.update(variables, REGISTRY_DATA_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_readme_production_settings(tmp_path):
    variables = readme_production_settings()
    assert variables["DEBUG"] == "false"
    result = check_deploy(tmp_path, variables)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_them(tmp_path):
    variables = readme_production_settings()
    for name in ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]:
        del variables[name]
    del variables["SECURE_HSTS_SECONDS"]
    result = check_deploy(tmp_path, variables)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for warning in ["W004", "W008", "W012", "W016"]:
        assert f"security.{warning}" in output
