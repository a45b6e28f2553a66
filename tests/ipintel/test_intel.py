"""The whole lookup: combined sources, the JSON shape, special addresses, and no network."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.datasets import MAXMIND

from perisai.ipintel import InvalidIp, InvalidTime, IpIntel

TESTDATA = MAXMIND
FP = "0011BD2485AD45D984EC4159C88FC066E5E3300E"


@pytest.fixture
def intel(tmp_path: Path) -> IpIntel:
    tor = tmp_path / "tor"
    tor.write_text(
        f"ExitNode {FP}\nPublished 2026-01-01 10:00:00\nLastStatus 2026-01-01 10:00:00\n"
        "ExitAddress 1.0.0.9 2026-01-01 10:00:00\n",
        encoding="utf-8",
    )
    hosting = tmp_path / "dc.txt"
    hosting.write_text("# date: 2026-01-10\n1.0.0.0/24\n", encoding="utf-8")
    return IpIntel.from_sources(
        mmdb=sorted(TESTDATA.glob("*.mmdb")), tor_lists=[tor], cidr_lists={"hosting": hosting}
    )


def test_answer_has_exactly_the_contract_keys(intel: IpIntel) -> None:
    at = datetime(2026, 1, 2, tzinfo=UTC)
    answer = intel.lookup("1.0.0.9", at).to_dict()
    assert set(answer) == {"ip", "at", "asn", "as_org", "country", "city", "flags"}
    assert answer["at"] == "2026-01-02T00:00:00+00:00"
    assert set(answer["flags"]) == {"tor", "hosting"}
    assert answer["flags"]["hosting"] == {
        "source": "CIDR list hosting (dc.txt)",
        "date": "2026-01-10T00:00:00+00:00",
    }
    assert answer["flags"]["tor"]["date"] == "2026-01-01T10:00:00+00:00"


def test_sources_combine_for_one_address(intel: IpIntel) -> None:
    # 81.2.69.160 is in both the City and the Anonymous-IP test databases.
    answer = intel.lookup("81.2.69.160")
    assert (answer.country, answer.city) == ("GB", "London")
    assert {"vpn", "tor", "hosting", "public_proxy", "residential_proxy"} <= set(answer.flags)


def test_ipv4_mapped_ipv6_is_the_ipv4_address(intel: IpIntel) -> None:
    assert intel.lookup("::ffff:81.2.69.160").to_dict() == intel.lookup("81.2.69.160").to_dict()


@pytest.mark.parametrize(
    ("ip", "word"),
    [
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("fe80::1%eth0", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address under test, not a bind
        ("100.64.0.1", "not globally routable"),
    ],
)
def test_special_addresses_get_a_note_not_an_error(intel: IpIntel, ip: str, word: str) -> None:
    answer = intel.lookup(ip).to_dict()
    assert any(word in note for note in answer["notes"])
    assert answer["asn"] is None


@pytest.mark.parametrize(
    "garbage", ["", " ", "1.2.3", "1.2.3.4.5", "256.0.0.1", "example.com", "::g", "1" * 500]
)
def test_invalid_ip_raises_one_line(intel: IpIntel, garbage: str) -> None:
    with pytest.raises(InvalidIp) as caught:
        intel.lookup(garbage)
    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) < 120


def test_naive_time_is_refused(intel: IpIntel) -> None:
    with pytest.raises(InvalidTime, match="no time zone"):
        intel.lookup("1.0.0.9", datetime(2026, 1, 2))


def test_no_source_means_empty_answer() -> None:
    answer = IpIntel.from_sources().lookup("8.8.8.8").to_dict()
    assert answer == {
        "ip": "8.8.8.8",
        "at": None,
        "asn": None,
        "as_org": None,
        "country": None,
        "city": None,
        "flags": {},
    }


def test_lookups_never_touch_the_network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, intel: IpIntel
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("network use attempted")

    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    # Loading sources and looking up every kind of address, hostnames refused as text.
    fresh = IpIntel.from_sources(mmdb=sorted(TESTDATA.glob("*.mmdb")))
    for ip in ("81.2.69.160", "2001:218::1", "1.0.0.9", "10.0.0.1"):
        fresh.lookup(ip)
        intel.lookup(ip, datetime(2026, 1, 2, tzinfo=UTC))
    with pytest.raises(InvalidIp):
        fresh.lookup("localhost")
