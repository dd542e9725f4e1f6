"""Which addresses a fetch from chat may reach: only globally routable ones, unless the
operator's allow list says otherwise, and never one on the deny list.

A host name is resolved here (``getaddrinfo``, which reads every spelling of a number,
``2130706433`` and ``0x7f.1`` too) and every address it gives is judged: one that is not
global (loopback, private, link-local, multicast, reserved, unspecified, unique-local,
site-local, shared 100.64/10, benchmarking, documentation, …) refuses the host. An IPv6
address that carries an IPv4 one (mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``,
6to4 ``2002::/16``) is judged by the IPv4 address too. The fetcher then connects only to
the addresses judged here, never resolving the name again (DNS rebinding).

``QUOTEBOT_FETCH_ALLOW`` and ``QUOTEBOT_FETCH_DENY`` hold host names and address ranges,
comma-separated (``archive.intranet, 10.0.0.0/8, 127.0.0.1``); the deny list wins."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.curation.source_file import shown
from bot.errors import SettingsError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# A host name and port to the addresses it stands for, as text: the system's resolver by
# default; a test gives its own.
Lookup = Callable[[str, int], Awaitable[list[str]]]

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
# Not global, whatever this Python's ipaddress says (its tables grew in later releases):
# IETF protocol assignments, the old 6to4 relays' anycast; IPv6's IETF protocol
# assignments and its new documentation range.
_NOT_GLOBAL_V4 = (ipaddress.IPv4Network("192.0.0.0/24"), ipaddress.IPv4Network("192.88.99.0/24"))
_NOT_GLOBAL_V6 = (ipaddress.IPv6Network("2001::/23"), ipaddress.IPv6Network("3fff::/20"))
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_NUMERIC = re.compile(r"(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d*))*", re.IGNORECASE)


class FetchError(Exception):
    """A page that cannot be had; the message is one line a chat user may be shown."""


class FetchRefused(FetchError):
    """quotebot will not fetch it: the address, the scheme, the size or the type."""


class FetchFailed(FetchError):
    """The fetch was tried and the outside world failed: no such host, no answer, an HTTP
    error, a time-out, bytes that are not the text they claim."""


def carried(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one reaches (mapped, NAT64, 6to4), or None."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def internal(address: Address) -> bool:
    """Whether ``address`` is not one the public internet routes to: not global (by
    ipaddress, and a few ranges it missed before Python 3.12), or multicast; an IPv6
    address outside global unicast (2000::/3), or site-local; or one that carries an
    internal IPv4 address. Mapped and NAT64 addresses are the IPv4 address they carry."""
    inner = carried(address)
    if inner is not None and internal(inner):
        return True
    if isinstance(address, ipaddress.IPv4Address):
        return (
            not address.is_global
            or address.is_multicast
            or any(address in network for network in _NOT_GLOBAL_V4)
        )
    if inner is not None and (address.ipv4_mapped is not None or address in _NAT64):
        return False
    return (
        not address.is_global
        or address.is_multicast
        or address.is_site_local
        or address not in _GLOBAL_UNICAST
        or any(address in network for network in _NOT_GLOBAL_V6)
    )


@dataclass(frozen=True)
class HostList:
    """Host names and address ranges, from a variable such as ``QUOTEBOT_FETCH_ALLOW``."""

    names: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    def holds(self, host: str, address: Address | None = None) -> bool:
        """Whether the list names ``host``, or ``address`` (or the IPv4 address it
        carries) is in one of its ranges."""
        if _name(host) in self.names:
            return True
        if address is None:
            return False
        inner = carried(address)
        return any(
            candidate.version == network.version and candidate in network
            for network in self.networks
            for candidate in (address, inner)
            if candidate is not None
        )


def host_list(variable: str, value: str) -> HostList:
    """``value`` (comma-separated host names, addresses and CIDR ranges) as a HostList;
    SettingsError names ``variable`` and the first entry that is none of them."""
    names: set[str] = set()
    networks: list[Network] = []
    for raw in value.split(","):
        entry = raw.strip()
        if entry.startswith("[") and entry.endswith("]"):
            entry = entry[1:-1]  # an IPv6 address as a URL writes it
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry))
            continue
        except ValueError:
            if "/" in entry or ":" in entry or _NUMERIC.fullmatch(entry):
                raise SettingsError(f"{variable}: {entry!r} {_not_a_range(entry)}") from None
        name = _name(entry)
        labels = name.split(".")
        if not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
            raise SettingsError(
                f"{variable}: {entry!r} is not a host name, an address or a range "
                "(names like archive.example.org, ranges like 10.0.0.0/8, comma-separated)"
            )
        names.add(name)
    return HostList(frozenset(names), tuple(networks))


def _not_a_range(entry: str) -> str:
    try:
        meant = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return "is not an address or a range of addresses (no port, no scheme)"
    return f"has bits set past its prefix length: {meant}?"


def _name(host: str) -> str:
    """A host name as compared: lowercase, without a final dot, IDNA for non-ASCII."""
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


async def system_lookup(host: str, port: int) -> list[str]:
    """The addresses ``host`` has, as the system resolves it (getaddrinfo)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return [str(info[4][0]) for info in infos]


async def reachable(
    host: str, port: int, allow: HostList, deny: HostList, lookup: Lookup = system_lookup
) -> list[str]:
    """The addresses of ``host`` a fetch may connect to: all it resolves to, each judged
    first; FetchRefused for the first that may not be reached, FetchFailed when the name
    does not resolve."""
    if deny.holds(host):
        raise FetchRefused(f"{shown(host)} is refused here (QUOTEBOT_FETCH_DENY)")
    try:
        found = await lookup(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else "not a host name"
        raise FetchFailed(f"cannot find the server {shown(host)} ({reason})") from None
    literal = _literal(host)
    addresses: list[str] = []
    for text in found:
        address = ipaddress.ip_address(text.partition("%")[0])
        mapped = isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped
        said = f"::ffff:{mapped}" if mapped else str(address)
        that = "that address is" if literal else f"{shown(host)} is at an address"
        if deny.holds("", address):
            raise FetchRefused(f"{that} refused here ({said}: QUOTEBOT_FETCH_DENY)")
        if internal(address) and not allow.holds(host, address):
            raise FetchRefused(f"{that} {'' if literal else 'that is '}internal ({said})")
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise FetchFailed(f"cannot find the server {shown(host)} (it has no address)")
    return addresses


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
