"""The README's code blocks run as printed against `make run`'s demo content.

Every ```python and ```sh block is run top to bottom, in order, in one working directory,
as the demo member `alice` with an API key in REGISTRY_API_KEY, against live_server instead
of http://127.0.0.1:8000. The blocks that start with `make` are how this test itself is run,
and are left out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
PRINTED_URL = "http://127.0.0.1:8000"
BLOCK = re.compile(r"^```(python|sh)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_blocks() -> list[tuple[str, str]]:
    blocks = BLOCK.findall(README.read_text())
    return [(kind, code) for kind, code in blocks if not code.lstrip().startswith("make ")]


def test_the_readme_has_the_blocks_this_test_runs():
    kinds = [kind for kind, _ in readme_blocks()]
    assert kinds.count("python") >= 1 and kinds.count("sh") >= 2


@pytest.mark.django_db(transaction=True)
def test_every_readme_code_block_runs_against_the_demo(live_server, tmp_path):
    from django.contrib.auth import get_user_model

    from registry.demo import create_demo
    from registry.models import Alias
    from registry.services.api_keys import create_api_key

    create_demo()
    alice = get_user_model().objects.get(username="alice")
    _, key = create_api_key(user=alice, name="readme")
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "REGISTRY_CONFIG_DIR": str(tmp_path / "config"),
        "REGISTRY_API_KEY": key,
        "REGISTRY_BASE_URL": live_server.url,
        "REGISTRY_SILENT": "1",
    }
    work = tmp_path / "work"
    work.mkdir()
    printed = ""
    for number, (kind, code) in enumerate(readme_blocks(), start=1):
        code = code.replace(PRINTED_URL, live_server.url)
        command = [sys.executable, "-c", code] if kind == "python" else ["bash", "-ec", code]
        done = subprocess.run(
            command, cwd=work, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (
            f"README block {number} ({kind}) failed:\n{code}\n{done.stderr}"
        )
        printed += done.stdout
    # What the blocks did, as the README says they do.
    assert "v4 ['candidate', 'latest']" in printed  # the comment beside print()
    assert Alias.objects.filter(collection__name="zoo", name="challenger").exists()
    assert Alias.objects.filter(collection__name="zoo_classifier", name="challenger").exists()
    assert "3 v2" in printed  # MLflow's version 3 is our v2
    assert Alias.objects.filter(collection__name="zoo_classifier", name="shadow").exists()
    assert (work / "artifacts" / "zoo_classifier-v2").is_dir()
    assert (work / "zoo" / "weights.bin").read_text() == "demo weights\n"
    assert "pending v2 -> v3" in printed and "['production', 'staging']" in printed
