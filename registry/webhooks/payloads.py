"""What an event says: template values (snapshotted at enqueue time) and Slack messages."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

VERBS = {
    "LINK_ARTIFACT": "linked",
    "ADD_ARTIFACT_ALIAS": "added alias",
    "REMOVE_ARTIFACT_ALIAS": "removed alias",
    "UNLINK_ARTIFACT": "unlinked",
}
PROMOTION_VERBS = {
    "PROMOTION_REQUESTED": "requested",
    "PROMOTION_APPROVED": "approved",
    "PROMOTION_REJECTED": "rejected",
}


def page_url(registry: str, collection: str, index: int | None = None) -> str:
    base = settings.REGISTRY_BASE_URL.rstrip("/")
    url = f"{base}/registries/{quote(registry, safe='')}/{quote(collection, safe='')}/"
    return url if index is None else f"{url}v{index}/"


def absolute(path: str) -> str:
    return settings.REGISTRY_BASE_URL.rstrip("/") + path if path else ""


def event_values(event) -> dict:
    """Every template variable for `event`, read now: the version may vanish right after."""
    version = event.version
    collection = event.collection
    registry = collection.registry
    # Loaded with the version by the services' read (`VersionState`): no query here.
    source = version.source
    actor = event.actor
    return {
        "event_type": event.type,
        "event_author": actor.get_username() if actor is not None else "",
        "alias": event.alias or "",
        "artifact_version": f"v{version.index}",
        "artifact_version_string": (
            f"wandb-registry-{registry.name}/{collection.name}:v{version.index}"
        ),
        "artifact_collection_name": collection.name,
        "project_name": source.artifact.project.name,
        "entity_name": source.artifact.project.team.name,
        "previous_version": (
            f"v{event.previous_index}" if event.previous_index is not None else ""
        ),
        "registry_name": registry.name,
        "artifact_metadata": source.metadata or {},
        "promotion_url": absolute(event.extra.get("promotion_url", "")),
        "promotion_reason": event.extra.get("promotion_reason", ""),
        "promotion_comment": event.extra.get("promotion_comment", ""),
        # Not template variables: used by the Slack message.
        "_version_index": version.index,
    }


def _escape(text: str) -> str:
    # Slack mrkdwn control characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(values: dict) -> dict:
    """A Slack message naming the alias, version, collection, author, with a link."""
    event_type = values["event_type"]
    registry, collection = values["registry_name"], values["artifact_collection_name"]
    version = values["artifact_version"]
    if event_type == "UNLINK_ARTIFACT":
        url = page_url(registry, collection)
    else:
        url = page_url(registry, collection, values["_version_index"])
    who = _escape(values["event_author"] or "someone")
    target = f"<{url}|{_escape(collection)}:{version}>"
    alias = _escape(values["alias"])
    # Slack's inline code cannot hold a backtick: such an alias is quoted instead.
    alias = f"`{alias}`" if "`" not in alias else f"'{alias}'"
    if event_type in PROMOTION_VERBS:
        text = _promotion_text(values, who, target, alias)
        return {
            "text": text,
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        }
    if event_type == "ADD_ARTIFACT_ALIAS":
        text = f"*{who}* added alias {alias} to {target}"
        if values["previous_version"]:
            text += f" (moved from {values['previous_version']})"
    elif event_type == "REMOVE_ARTIFACT_ALIAS":
        text = f"*{who}* removed alias {alias} from {target}"
    else:
        text = f"*{who}* {VERBS.get(event_type, event_type)} {target}"
    text += f" in registry *{_escape(registry)}*."
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def sample_values() -> dict:
    from registry.webhooks.templating import SAMPLE_VALUES

    return {**SAMPLE_VALUES, "_version_index": 3}


def _promotion_text(values: dict, who: str, target: str, alias: str) -> str:
    """`*alice* requested <url|promotion of `production`> to zoo:v3 (now on v2) in registry
    *Model*: why` — with the admin's comment for approvals and rejections."""
    event_type = values["event_type"]
    text = (
        f"*{who}* {PROMOTION_VERBS[event_type]} "
        f"<{values['promotion_url']}|promotion of {alias}> to {target}"
    )
    previous = values["previous_version"]
    if previous and event_type != "PROMOTION_REJECTED":
        text += f" ({'now' if event_type == 'PROMOTION_REQUESTED' else 'was'} on {previous})"
    text += f" in registry *{_escape(values['registry_name'])}*"
    said = values[
        "promotion_reason" if event_type == "PROMOTION_REQUESTED" else "promotion_comment"
    ]
    return text + (f": {_escape(said)}" if said else ".")
