"""Outbound HTTP that cannot be pointed at the server's own network (SSRF).

The check runs when the socket is opened, against the address actually connected to:
the host name is resolved once, every address is checked, and the connection is made to
a checked address (TLS still uses the host name for SNI and certificate checks). A DNS
answer that changes between a check and the connection cannot slip through, and
redirects are never followed.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass

import httpcore
import httpx
from django.conf import settings

USER_AGENT = "Registry-Webhooks/1.0"
EXCERPT_CHARS = 1000
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
}
BLOCKED = (
    "Refused to connect to {host} ({address}): it is a {kind} address. Webhook and Slack "
    "URLs must resolve to public internet addresses; an operator can allow private "
    "targets with REGISTRY_WEBHOOK_ALLOW_PRIVATE=1."
)


def _drop_request_lines(record: logging.LogRecord) -> bool:
    # httpx logs every request's full URL at INFO; a Slack incoming-webhook URL is a
    # credential, and this process makes no other outbound requests worth logging.
    return not str(record.msg).startswith("HTTP Request:")


logging.getLogger("httpx").addFilter(_drop_request_lines)


class BlockedAddress(Exception):
    """The target resolves only to addresses outbound deliveries may not reach."""


def address_kind(address: str) -> str | None:
    """Why `address` is refused ('loopback', 'private', …), or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "non-public"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved or not ip.is_global:
        return "non-public"
    return None


class GuardedBackend(httpcore.SyncBackend):
    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        allow_private = settings.REGISTRY_WEBHOOK_ALLOW_PRIVATE
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"could not resolve {host}: {exc}") from exc
        refusal = None
        last_error: Exception | None = None
        for *_, sockaddr in infos:
            address = sockaddr[0]
            kind = address_kind(address)
            if kind and not allow_private:
                refusal = refusal or BLOCKED.format(host=host, address=address, kind=kind)
                continue
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        if last_error is not None:
            raise last_error
        raise BlockedAddress(refusal or f"{host} did not resolve to any address.")


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes ~0.2 s; one verified context serves every request.
    return httpx.create_ssl_context()


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False, retries=0)
        # httpx has no public hook for the network backend; swap the pool it built for
        # one that connects through GuardedBackend (same TLS settings: certificates
        # verified against the host name).
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            network_backend=GuardedBackend(),
            max_connections=10,
            max_keepalive_connections=0,
            retries=0,
        )


@dataclass
class Answer:
    status_code: int
    excerpt: str
    latency_ms: int
    retry_after: str | None


def post_json(url: str, body: str, headers: dict[str, str]) -> Answer:
    """POST `body` to `url`. Raises BlockedAddress or httpx.TransportError.

    Only the first EXCERPT_CHARS of the response are read into memory.
    """
    timeout = float(settings.REGISTRY_WEBHOOK_TIMEOUT)
    all_headers = {"content-type": "application/json", "user-agent": USER_AGENT, **headers}
    started = time.monotonic()
    with httpx.Client(
        transport=GuardedTransport(), timeout=timeout, follow_redirects=False, trust_env=False
    ) as client:
        with client.stream("POST", url, content=body.encode(), headers=all_headers) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= EXCERPT_CHARS * 4:
                    break
            latency = int((time.monotonic() - started) * 1000)
            text = b"".join(chunks).decode(response.encoding or "utf-8", errors="replace")
            return Answer(
                status_code=response.status_code,
                excerpt=text[:EXCERPT_CHARS],
                latency_ms=latency,
                retry_after=response.headers.get("retry-after"),
            )
