"""The `registry` command line: login, link, alias add|rm, get, download."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
from pathlib import Path

from registry_sdk import _state, config, paths
from registry_sdk.api import Api, login
from registry_sdk.artifact import Artifact
from registry_sdk.errors import RegistryError, UsageError
from registry_sdk.run import init

EPILOG = """paths: REGISTRY/COLLECTION[:ALIAS], e.g. Model/zoo:production
(the SDK's 'wandb-registry-Model/zoo:production' works too)."""


def _version_payload(art: Artifact) -> dict:
    return {
        "registry": art.registry,
        "collection": art.collection,
        "version": art.version,
        "aliases": art.aliases,
        "tags": art.tags,
        "metadata": art.metadata,
        "source": art.source,
        "files": art.manifest,
    }


def _print_json(data) -> None:
    print(json.dumps(data, indent=2, sort_keys=True))


def cmd_login(args) -> int:
    key = args.key or os.environ.get("REGISTRY_API_KEY")
    if not key:
        if not sys.stdin.isatty():
            raise UsageError(
                "No key given: pass --key, set REGISTRY_API_KEY, or run in a terminal."
            )
        key = getpass.getpass("API key (from the API keys page): ").strip()
    login(key=key, host=args.host)
    settings = config.current()
    user = _state.client().get("/viewer")["username"]
    print(f"Logged in to {settings.base_url} as {user}; key saved in {config.settings_path()}.")
    return 0


def _artifact_name(path: Path, collection: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", path.name).strip("-.")
    return name or collection


def cmd_link(args) -> int:
    target = paths.parse(args.target, allow_ref=False)
    source = Path(args.path)
    if not source.exists():
        raise UsageError(f"Cannot link '{args.path}': it does not exist.")
    art = Artifact(
        args.name or _artifact_name(source, target.collection),
        args.type,
        description=args.description,
        metadata=json.loads(args.metadata) if args.metadata else None,
    )
    if source.is_dir():
        art.add_dir(str(source))
    else:
        art.add_file(str(source))
    with init(entity=args.entity, project=args.project, job_type="registry-cli") as run:
        linked = run.link_artifact(art, str(target), aliases=args.alias or [])
    _print_json(_version_payload(linked))
    return 0


def cmd_alias(args) -> int:
    art = Api().artifact(args.version)
    if args.action == "add":
        # The alias exactly as typed (it may hold a comma). The server ignores `latest` and
        # `vN`, as W&B does; a command that then did nothing exits 1 with the server's notice.
        answer = art._client.post(f"{art._version_url()}/aliases", {"names": [args.alias]})
        if answer.get("ignored_aliases"):
            raise UsageError(answer["notice"])
        art._load(answer)
    else:
        lowered = args.alias.lower()
        if lowered not in {a.lower() for a in art.aliases}:
            raise UsageError(f"{args.version} has no alias '{args.alias}'.")
        art.aliases = [a for a in art.aliases if a.lower() != lowered]
        art.save()
    _print_json(_version_payload(art))
    return 0


def cmd_get(args) -> int:
    _print_json(_version_payload(Api().artifact(args.version)))
    return 0


def cmd_download(args) -> int:
    art = Api().artifact(args.version)
    print(art.download(root=args.root))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="registry", description=__doc__, epilog=EPILOG)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("login", help="save an API key (checked against the server)")
    p.add_argument("--key", help="the API key (default: prompt, or REGISTRY_API_KEY)")
    p.add_argument(
        "--host", help=f"server URL (default: REGISTRY_BASE_URL or {config.DEFAULT_HOST})"
    )
    p.set_defaults(func=cmd_login)

    p = sub.add_parser("link", help="log a file or directory and link it into a collection")
    p.add_argument("path", metavar="FILE_OR_DIR")
    p.add_argument("target", metavar="REGISTRY/COLLECTION")
    p.add_argument("--type", required=True, help="artifact type, e.g. model or dataset")
    p.add_argument("--alias", action="append", help="alias to add (repeatable)")
    p.add_argument("--name", help="artifact name (default: the file or directory name)")
    p.add_argument("--entity", help="entity to log under (default: your user name)")
    p.add_argument("--project", default="registry-cli", help="project (default: registry-cli)")
    p.add_argument("--description")
    p.add_argument("--metadata", help="JSON object")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("alias", help="add or remove an alias on a version")
    p.add_argument("action", choices=["add", "rm"])
    p.add_argument("version", metavar="REGISTRY/COLLECTION:VERSION")
    p.add_argument("alias")
    p.set_defaults(func=cmd_alias)

    p = sub.add_parser("get", help="print a version as JSON")
    p.add_argument("version", metavar="REGISTRY/COLLECTION:ALIAS")
    p.set_defaults(func=cmd_get)

    p = sub.add_parser("download", help="download a version's files (verified)")
    p.add_argument("version", metavar="REGISTRY/COLLECTION:ALIAS")
    p.add_argument("--root", help="directory (default: ./artifacts/<collection>-<version>)")
    p.set_defaults(func=cmd_download)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except json.JSONDecodeError as exc:
        print(f"registry: error: --metadata is not valid JSON: {exc}", file=sys.stderr)
        return 2
    except RegistryError as exc:
        print(f"registry: error: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
