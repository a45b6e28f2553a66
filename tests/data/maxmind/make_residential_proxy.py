"""Build GeoIP-Residential-Proxy-Test.mmdb from the JSON beside it (run from the repo root):

    .venv/bin/python tests/data/maxmind/make_residential_proxy.py

MaxMind publishes this database type's test source data but we build the binary ourselves with
the `mmdb-writer` package (a dev dependency), so the test file is reproducible here.
"""

from __future__ import annotations

import json
from pathlib import Path

from mmdb_writer import MMDBWriter
from netaddr import IPSet

HERE = Path(__file__).resolve().parent


def main() -> None:
    records = json.loads((HERE / "GeoIP-Residential-Proxy-Test.json").read_text(encoding="utf-8"))
    writer = MMDBWriter(
        ip_version=6,
        database_type="GeoIP-Residential-Proxy",
        languages=["en"],
        description={"en": "Perisai test build of MaxMind's residential proxy test data"},
        ipv4_compatible=True,
    )
    for record in records:
        for network, data in record.items():
            writer.insert_network(IPSet([network]), data)
    writer.to_db_file(str(HERE / "GeoIP-Residential-Proxy-Test.mmdb"))


if __name__ == "__main__":
    main()
