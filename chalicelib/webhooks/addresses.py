"""Where a webhook may be sent: an HTTPS URL whose name resolves only to public addresses.

An organisme chooses the URL, and our function calls it: unchecked, it would reach our own
network, the metadata endpoint or a loopback service (server-side request forgery). The name is
resolved and every address checked, at registration and again at each delivery, and the
delivery connects to the address checked here (a name resolved twice could answer another
address the second time: DNS rebinding). A few origins (the local demo receiver) are allowed
as they are, by the stage's settings only.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 500

Resolve = Callable[[str, int], list[str]]


class UnsafeUrl(Exception):
    """The URL cannot be called; `message` says why, in French, for the organisme."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    """What a delivery connects to: the checked address, and the name the TLS certificate and
    the Host header are for."""

    scheme: str
    host: str
    port: int
    path: str  # with its query
    address: str


def resolve(host: str, port: int) -> list[str]:
    """Every address the name resolves to (getaddrinfo, IPv4 and IPv6)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in found})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check(url: str, allowed_origins: tuple[str, ...] = (), resolver: Resolve = resolve) -> Target:
    """The target of `url`, or UnsafeUrl: not HTTPS, credentials in it, a name that does not
    resolve, or one address that is not public (private, loopback, link-local, reserved)."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"Adresse du webhook : {MAX_URL_LENGTH} caractères au maximum.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUrl("Adresse du webhook : URL invalide.") from None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if not host or scheme not in ("https", "http"):
        raise UnsafeUrl("Adresse du webhook : une URL https:// complète est attendue.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("Adresse du webhook : pas d'identifiants dans l'URL.")
    if parts.fragment:
        raise UnsafeUrl("Adresse du webhook : pas de fragment (#) dans l'URL.")
    port = port or (443 if scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    origin = f"{scheme}://{host}:{port}"
    if origin in allowed_origins or _without_default_port(scheme, host, port) in allowed_origins:
        addresses = resolver(host, port)
        if not addresses:
            raise UnsafeUrl("Adresse du webhook : ce nom de domaine est introuvable.")
        return Target(scheme, host, port, path, addresses[0])
    if scheme != "https":
        raise UnsafeUrl("Adresse du webhook : HTTPS est obligatoire (https://...).")
    addresses = resolver(host, port)
    if not addresses:
        raise UnsafeUrl("Adresse du webhook : ce nom de domaine est introuvable.")
    if not all(is_public(address) for address in addresses):
        raise UnsafeUrl(
            "Adresse du webhook : elle mène à une adresse privée, locale ou réservée ; "
            "une adresse publique sur Internet est attendue."
        )
    return Target(scheme, host, port, path, addresses[0])


def _without_default_port(scheme: str, host: str, port: int) -> str:
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" if port == default else f"{scheme}://{host}:{port}"
