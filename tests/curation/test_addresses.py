"""Which addresses a fetch may reach: only global ones (an IPv6 form of an IPv4 address
judged as that address), the allow and deny lists read strictly, every spelling of a
number resolved before it is judged."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.curation.addresses import (
    FetchFailed,
    FetchRefused,
    HostList,
    carried,
    host_list,
    internal,
    reachable,
    system_lookup,
)
from bot.curation.fetch import FetchPolicy
from bot.errors import SettingsError

# What ipaddress of Python 3.11.7 calls global that IANA does not (later releases agree).
OLDER_TABLES = [ipaddress.ip_network(n) for n in ("192.0.0.0/24", "192.88.99.0/24")]
V4 = st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address)
V6 = st.integers(0, 2**128 - 1).map(ipaddress.IPv6Address)
NAT64 = int(ipaddress.IPv6Address("64:ff9b::"))
MAPPED = int(ipaddress.IPv6Address("::ffff:0:0"))
NOBODY = HostList()


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "192.168.1.1",
        "169.254.169.254", "0.0.0.0", "0.1.2.3", "100.64.0.1", "100.127.255.255",
        "192.0.0.8", "192.0.0.100", "192.88.99.1", "192.0.2.1", "198.18.0.1", "198.51.100.7",
        "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:0.0.0.0", "::127.0.0.1",
        "::8.8.8.8", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1",
        "2002:7f00:1::1", "2002:a00:1::", "fe80::1", "fe80::1%1", "fc00::1", "fd12:3456::1",
        "fec0::1", "ff02::1", "ff0e::1", "2001:db8::1", "2001::1", "2001:2::1", "3fff::1",
        "100::1", "5f00::1", "4000::1", "::ffff:192.0.0.8", "64:ff9b::c000:8",
    ],
)  # fmt: skip
def test_internal_addresses(text):
    assert internal(ipaddress.ip_address(text)), text


@pytest.mark.parametrize(
    "text",
    ["8.8.8.8", "1.1.1.1", "93.184.215.14", "::ffff:8.8.8.8", "64:ff9b::808:808",
     "2002:808:808::1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"],
)  # fmt: skip
def test_global_addresses(text):
    assert not internal(ipaddress.ip_address(text)), text


@given(V4)
def test_an_ipv4_address_is_refused_exactly_when_it_is_not_global(address):
    missed = any(address in network for network in OLDER_TABLES)
    assert internal(address) == (not address.is_global or address.is_multicast or missed)


@given(V4)
def test_ipv6_forms_of_an_ipv4_address_are_judged_as_that_address(address):
    mapped = ipaddress.IPv6Address(MAPPED | int(address))
    nat64 = ipaddress.IPv6Address(NAT64 | int(address))
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80) | 1)
    assert carried(mapped) == carried(nat64) == carried(sixtofour) == address
    assert internal(mapped) == internal(nat64) == internal(address)
    if internal(address):
        assert internal(sixtofour)


@given(V6)
@settings(max_examples=500)
def test_an_ipv6_address_passes_only_if_global_unicast_and_carrying_nothing_internal(address):
    inner = carried(address)
    if address.ipv4_mapped is not None or int(address) >> 32 == NAT64 >> 32:
        assert inner is not None and internal(address) == internal(inner)
        return
    passes = (
        address.is_global
        and not address.is_multicast
        and not address.is_site_local
        and address in ipaddress.IPv6Network("2000::/3")
        and address not in ipaddress.IPv6Network("2001::/23")
        and address not in ipaddress.IPv6Network("3fff::/20")
        and not (inner is not None and internal(inner))
    )
    assert internal(address) == (not passes)


@given(st.integers(0, 2**125 - 1))
def test_random_addresses_outside_global_unicast_are_all_refused(low):
    # 2000::/3 is the only global unicast space; anything under 2000:: (or in 4000::/2,
    # 8000::/1 ...) is reserved, mapped or carried, and judged so.
    address = ipaddress.IPv6Address(low)  # under 2000::
    if address.ipv4_mapped is None and int(address) >> 32 != NAT64 >> 32:
        assert internal(address)


def test_the_allow_and_deny_lists_are_read_strictly():
    hosts = host_list("QUOTEBOT_FETCH_ALLOW", " Archive.Intranet. , 10.0.0.0/8,[::1], 127.0.0.1,")
    assert hosts.names == frozenset({"archive.intranet"})
    assert [str(n) for n in hosts.networks] == ["10.0.0.0/8", "::1/128", "127.0.0.1/32"]
    assert hosts.holds("ARCHIVE.intranet.") and not hosts.holds("intranet")
    assert hosts.holds("x", ipaddress.ip_address("10.9.8.7"))
    assert hosts.holds("x", ipaddress.ip_address("::ffff:10.9.8.7"))  # the same address
    assert not hosts.holds("x", ipaddress.ip_address("11.0.0.1"))
    assert host_list("QUOTEBOT_FETCH_DENY", "") == NOBODY


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ("10.0.0.1/8", "'10.0.0.1/8' has bits set past its prefix length: 10.0.0.0/8?"),
        ("300.1.2.3", "'300.1.2.3' is not an address or a range of addresses"),
        ("0x7f.1", "'0x7f.1' is not an address or a range of addresses"),
        ("10.0.0.0/33", "'10.0.0.0/33' is not an address or a range"),
        ("archive:8080", "'archive:8080' is not an address or a range"),
        ("http://archive", "'http://archive' is not an address or a range"),
        ("*.example.org", "'*.example.org' is not a host name, an address or a range"),
        ("under_score.example", "'under_score.example' is not a host name"),
        ("-dash.example", "'-dash.example' is not a host name"),
        ("films.123", "'films.123' is not a host name"),
    ],
)
def test_a_malformed_entry_is_named(entry, said):
    for variable in ("QUOTEBOT_FETCH_ALLOW", "QUOTEBOT_FETCH_DENY"):
        with pytest.raises(SettingsError) as caught:
            FetchPolicy.from_env({variable: f"archive.intranet, {entry}"})
        assert str(caught.value).startswith(f"{variable}: {said}")


async def test_every_spelling_of_a_number_is_resolved_before_it_is_judged():
    for spelling in ("2130706433", "0x7f.1", "127.1", "0177.0.0.1", "0x7f000001"):
        assert await system_lookup(spelling, 80) == ["127.0.0.1"], spelling
        with pytest.raises(FetchRefused) as caught:
            await reachable(spelling, 80, NOBODY, NOBODY)
        assert str(caught.value) == f"{spelling} is at an address that is internal (127.0.0.1)"


async def test_reachable_judges_every_address_a_name_has():
    async def lookup(host: str, port: int) -> list[str]:
        return {"mixed.example": ["8.8.8.8", "10.0.0.5"], "public.example": ["8.8.8.8"]}[host]

    assert await reachable("public.example", 443, NOBODY, NOBODY, lookup) == ["8.8.8.8"]
    with pytest.raises(
        FetchRefused, match=r"mixed.example is at an address that is internal \(10.0.0.5\)"
    ):
        await reachable("mixed.example", 443, NOBODY, NOBODY, lookup)
    allowed = host_list("A", "10.0.0.0/24")
    assert await reachable("mixed.example", 443, allowed, NOBODY, lookup) == ["8.8.8.8", "10.0.0.5"]
    by_name = host_list("A", "mixed.example")
    assert await reachable("mixed.example", 443, by_name, NOBODY, lookup) == ["8.8.8.8", "10.0.0.5"]
    # The deny list wins, by name or by range, over a public address and the allow list.
    with pytest.raises(FetchRefused, match=r"public.example is refused here"):
        await reachable("public.example", 443, NOBODY, host_list("D", "PUBLIC.example"), lookup)
    with pytest.raises(FetchRefused, match=r"refused here \(10.0.0.5: QUOTEBOT_FETCH_DENY\)"):
        await reachable("mixed.example", 443, by_name, host_list("D", "10.0.0.0/8"), lookup)


async def test_a_name_that_does_not_resolve_is_a_failure_in_words():
    async def lookup(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchFailed) as caught:
        await reachable("nowhere.example", 80, NOBODY, NOBODY, lookup)
    assert str(caught.value) == "cannot find the server nowhere.example (Name or service not known)"
