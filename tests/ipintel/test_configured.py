"""Configured sources from environment settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from perisai.ipintel import IpIntelSourceError
from perisai.ipintel.configured import from_environment


def test_reads_each_setting() -> None:
    paths = from_environment(
        {
            "PERISAI_IPINTEL_MMDB": "/d/a.mmdb:/d/b.mmdb",
            "PERISAI_IPINTEL_TOR_LISTS": "/t/1::/t/2",
            "PERISAI_IPINTEL_CIDR_LISTS": "vpn=/c/vpn.txt, hosting=/c/dc.txt,vpn=/c/vpn2.txt",
        }
    )
    assert paths.mmdb == [Path("/d/a.mmdb"), Path("/d/b.mmdb")]
    assert paths.tor_lists == [Path("/t/1"), Path("/t/2")]
    assert paths.cidr_lists == {
        "vpn": [Path("/c/vpn.txt"), Path("/c/vpn2.txt")],
        "hosting": [Path("/c/dc.txt")],
    }


def test_empty_environment_means_no_sources() -> None:
    paths = from_environment({})
    assert (paths.mmdb, paths.tor_lists, paths.cidr_lists) == ([], [], {})


@pytest.mark.parametrize("value", ["vpn", "=x", "vpn=", "proxy=/x"])
def test_bad_cidr_setting_is_refused(value: str) -> None:
    with pytest.raises(IpIntelSourceError):
        from_environment({"PERISAI_IPINTEL_CIDR_LISTS": value})
