"""Named CIDR lists: parsing, dates, and the bisect lookup checked against a linear scan."""

from __future__ import annotations

import ipaddress
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perisai.ipintel import IpIntel, IpIntelSourceError
from perisai.ipintel.addresses import parse_ip
from perisai.ipintel.cidr import load_cidr_list

VPN_LIST = """\
# date: 2026-01-15
# a VPN provider's ranges
203.0.113.0/25
198.51.100.7   # one host
2001:db8:100::/48
"""


def test_flags_and_date_from_a_list(tmp_path: Path) -> None:
    path = tmp_path / "vpn.txt"
    path.write_text(VPN_LIST, encoding="utf-8")
    intel = IpIntel.from_sources(cidr_lists={"vpn": path})
    for inside in ("203.0.113.0", "203.0.113.127", "198.51.100.7", "2001:db8:100:ffff::1"):
        evidence = intel.lookup(inside).flags["vpn"]
        assert evidence.date == datetime(2026, 1, 15, tzinfo=UTC)
        assert "vpn.txt" in evidence.source
    for outside in ("203.0.113.128", "198.51.100.8", "2001:db8:101::1", "10.0.0.1"):
        assert intel.lookup(outside).flags == {}


def test_date_falls_back_to_modification_time(tmp_path: Path) -> None:
    path = tmp_path / "hosting.txt"
    path.write_text("192.0.2.0/24\n", encoding="utf-8")
    stamp = datetime(2025, 6, 1, 8, 30, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    loaded, _ = load_cidr_list("hosting", path)
    assert loaded.date == datetime(2025, 6, 1, 8, 30, tzinfo=UTC)


def test_several_files_for_one_name(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    first.write_text("192.0.2.0/24\n", encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text("198.51.100.0/24\n", encoding="utf-8")
    intel = IpIntel.from_sources(cidr_lists={"hosting": [first, second]})
    assert "a.txt" in intel.lookup("192.0.2.9").flags["hosting"].source
    assert "b.txt" in intel.lookup("198.51.100.9").flags["hosting"].source


def test_bad_lines_are_skipped_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "vpn.txt"
    path.write_text("192.0.2.0/24\nnot-a-network\n10.0.0.0/33\n\n2001:db8::/129\n", "utf-8")
    loaded, warnings = load_cidr_list("vpn", path)
    assert [w.line for w in warnings] == [2, 3, 5]
    assert loaded.networks == 1


def test_unknown_flag_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("192.0.2.0/24\n", encoding="utf-8")
    with pytest.raises(IpIntelSourceError, match="unknown CIDR list name 'vnp'"):
        IpIntel.from_sources(cidr_lists={"vnp": path})


def test_missing_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IpIntelSourceError, match="cannot read CIDR list"):
        IpIntel.from_sources(cidr_lists={"vpn": tmp_path / "absent.txt"})


networks_v4 = st.builds(
    lambda address, prefix: ipaddress.IPv4Network((address, prefix), strict=False),
    st.integers(0, 2**32 - 1),
    st.integers(8, 32),
)


@settings(max_examples=60, deadline=None)
@given(networks=st.lists(networks_v4, max_size=30), probes=st.lists(st.integers(0, 2**32 - 1)))
def test_bisect_lookup_equals_linear_scan(
    tmp_path_factory: pytest.TempPathFactory,
    networks: list[ipaddress.IPv4Network],
    probes: list[int],
) -> None:
    path = tmp_path_factory.mktemp("cidr") / "list.txt"
    path.write_text("".join(f"{n}\n" for n in networks), encoding="utf-8")
    loaded, _ = load_cidr_list("hosting", path)
    edges = [int(n.network_address) for n in networks] + [
        int(n.broadcast_address) for n in networks
    ]
    for value in probes + edges + [e + 1 for e in edges if e < 2**32 - 1]:
        address = ipaddress.IPv4Address(value)
        expected = any(address in n for n in networks)
        assert (loaded.evidence(parse_ip(str(address))) is not None) is expected
