"""MaxMind databases answer what the JSON they were built from says."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from tests.datasets import MAXMIND

from perisai.ipintel import IpIntel, IpIntelSourceError
from perisai.ipintel.mmdb import MaxMindSource, database_kind

TESTDATA = MAXMIND
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# MaxMind's trait names, as the Anonymous-IP JSON spells them, and the flags they must become.
TRAIT_TO_FLAG = {
    "is_anonymous_vpn": "vpn",
    "is_tor_exit_node": "tor",
    "is_hosting_provider": "hosting",
    "is_public_proxy": "public_proxy",
    "is_residential_proxy": "residential_proxy",
    "is_anonymous": "anonymous",
}
IPV4_SUBTREE = ipaddress.IPv6Network("::/96")


def _network(text: str) -> Network:
    """The JSON writes IPv4 networks inside the IPv6 tree as `::a.b.c.d/n`; unwrap those."""
    network = ipaddress.ip_network(text)
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(IPV4_SUBTREE):
        address = ipaddress.IPv4Address(int(network.network_address))
        return ipaddress.IPv4Network((address, network.prefixlen - 96))
    return network


def _entries(name: str) -> list[tuple[Network, Mapping[str, Any]]]:
    raw = json.loads((TESTDATA / f"{name}.json").read_text(encoding="utf-8"))
    return [(_network(net), record) for entry in raw for net, record in entry.items()]


def _probes(entries: list[tuple[Network, Mapping[str, Any]]]) -> Iterator[tuple[str, Any]]:
    """First and last address of each network, with the record of the most specific network
    of the JSON holding it (networks nest, and the inner one wins)."""
    for network in (net for net, _ in entries):
        for address in (network.network_address, network.broadcast_address):
            holders = [(n, r) for n, r in entries if n.version == address.version and address in n]
            yield str(address), max(holders, key=lambda item: item[0].prefixlen)[1]


def _lookup_all(name: str) -> Iterator[tuple[dict[str, Any], Mapping[str, Any]]]:
    intel = IpIntel.from_sources(mmdb=[TESTDATA / f"{name}.mmdb"])
    for address, expected in _probes(_entries(name)):
        yield intel.lookup(address).to_dict(), expected


def test_asn_database_matches_its_json() -> None:
    checked = 0
    for answer, expected in _lookup_all("GeoLite2-ASN-Test"):
        assert answer["asn"] == expected["autonomous_system_number"], answer["ip"]
        assert answer["as_org"] == expected.get("autonomous_system_organization"), answer["ip"]
        assert answer["country"] is None
        checked += 1
    assert checked > 100


def test_city_database_matches_its_json() -> None:
    checked = 0
    for answer, expected in _lookup_all("GeoLite2-City-Test"):
        assert answer["country"] == expected.get("country", {}).get("iso_code"), answer["ip"]
        assert answer["city"] == expected.get("city", {}).get("names", {}).get("en"), answer["ip"]
        assert answer["asn"] is None
        checked += 1
    assert checked > 100


def test_anonymous_ip_database_matches_its_json() -> None:
    checked = 0
    for answer, expected in _lookup_all("GeoIP2-Anonymous-IP-Test"):
        wanted = {TRAIT_TO_FLAG[trait] for trait, value in expected.items() if value is True}
        assert set(answer["flags"]) == wanted, answer["ip"]
        for evidence in answer["flags"].values():
            assert set(evidence) == {"source", "date"}
            assert "GeoIP2-Anonymous-IP" in evidence["source"]
        checked += 1
    assert checked >= 24


def test_outside_every_network_gives_nothing() -> None:
    intel = IpIntel.from_sources(mmdb=sorted(TESTDATA.glob("*.mmdb")))
    answer = intel.lookup("198.51.100.7").to_dict()
    assert (answer["asn"], answer["country"], answer["city"], answer["flags"]) == (
        None,
        None,
        None,
        {},
    )


def test_type_and_date_come_from_metadata() -> None:
    source = MaxMindSource.open(TESTDATA / "GeoLite2-City-Test.mmdb")
    assert source.database_type == "GeoLite2-City"
    assert source.kind == "city"
    assert source.built.tzinfo is not None
    assert source.built.year >= 2015
    source.close()


@pytest.mark.parametrize(
    ("database_type", "kind"),
    [
        ("GeoIP2-Anonymous-IP", "anonymous-ip"),
        ("GeoIP-Anonymous-Plus", "anonymous-plus"),
        ("GeoLite2-ASN", "asn"),
        ("GeoIP2-ISP", "isp"),
        ("GeoIP2-Connection-Type", "connection-type"),
        ("GeoIP2-Enterprise", "enterprise"),
        ("GeoIP2-Country", "country"),
        ("DBIP-Location (compat=City)", "city"),
        ("Something-New", "unknown"),
    ],
)
def test_database_kind(database_type: str, kind: str) -> None:
    assert database_kind(database_type) == kind


@pytest.mark.parametrize(
    "content",
    [b"", b"not a database at all", b"\xab\xcd\xefMaxMind.com" + b"\x00" * 40],
)
def test_garbage_database_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.mmdb"
    path.write_bytes(content)
    with pytest.raises(IpIntelSourceError, match=r"bad\.mmdb"):
        IpIntel.from_sources(mmdb=[path])


def test_truncated_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.mmdb"
    path.write_bytes((TESTDATA / "GeoLite2-ASN-Test.mmdb").read_bytes()[:2000])
    with pytest.raises(IpIntelSourceError, match=r"cut\.mmdb"):
        IpIntel.from_sources(mmdb=[path])


def test_missing_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IpIntelSourceError, match="missing"):
        IpIntel.from_sources(mmdb=[tmp_path / "missing.mmdb"])


RESIDENTIAL = Path(__file__).resolve().parents[1] / "data" / "maxmind"


def test_residential_proxy_database_sets_the_flag() -> None:
    path = RESIDENTIAL / "GeoIP-Residential-Proxy-Test.mmdb"
    expected = json.loads((RESIDENTIAL / "GeoIP-Residential-Proxy-Test.json").read_text())
    source = MaxMindSource.open(path)
    assert (source.database_type, source.kind) == ("GeoIP-Residential-Proxy", "residential-proxy")
    intel = IpIntel.from_sources(mmdb=[path])
    checked = 0
    for record in expected:
        for network, data in record.items():
            address = str(ipaddress.ip_network(network)[-1])
            answer = intel.lookup(address)
            evidence = answer.flags["residential_proxy"]
            assert evidence.date.date().isoformat() == data["network_last_seen"]
            assert f"provider {data['provider_name']}" in evidence.source
            if "anonymizer_confidence" in data:
                assert f"confidence {data['anonymizer_confidence']}" in evidence.source
            assert set(answer.flags) == {"residential_proxy"}
            checked += 1
    assert checked == 8
    assert intel.lookup("8.8.8.8").flags == {}
