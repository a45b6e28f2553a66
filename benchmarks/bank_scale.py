"""Banks at national scale (issue #12, Performance): the PDQ index at 10,000,000 entries, a process
starting on a 10,000,000-entry bank in PostgreSQL, and what matching adds to enrichment.

Steps (each prints its figures beside the issue's target and baseline, with the load average):

- ``index``: a fresh process builds a ``PdqIndex`` of N random PDQ hashes (default 10,000,000);
  memory per entry is the process's resident set growth (RSS, ``/proc``), the arrays dropped by
  the benchmark itself (the index's own arrays, allocator and interpreter growth included), and
  the index's own count of its arrays beside it; median and p95 of 1,000 single queries (half
  within 0-31 bits of an entry, half random); recall against brute force on the same queries.
  Baseline (issue #12): 0.22 ms and 97.6 bytes per entry at 1,000,000, 3.4x faster than
  python-threatexchange's index (``benchmarks/media_matching.py``).
- ``startup``: a database holding one bank of N PDQ entries (kept between runs, filled once by
  ``fill``); a fresh Python process imports the app, opens the database, loads every entry into
  its ``BankIndexes`` (``BankIndexes.load``: the binary COPY path) and matches a planted hash.
  Target: matching within 60 s of the process starting. The old row-by-row path is timed on
  request (``--old-path``) for comparison.
- ``enrich``: the enrichment matching of one uploaded image (``match_report_files``: PDQ as
  seen and as stored, exact hashes, the table lookups of the hits) against an empty bank and
  against N (default 1,000,000) entries. Target: <= 5 ms added.

Memory: keep N x ~100 bytes (plus ~0.7 GB of transient build arrays at 10M) under the machine's
shared budget. The filled database takes about 3 GB of disk at 10M; ``drop`` removes it.

    .venv/bin/python benchmarks/bank_scale.py fill [--n 10000000]
    .venv/bin/python benchmarks/bank_scale.py index [--n 10000000]
    .venv/bin/python benchmarks/bank_scale.py startup [--n 10000000] [--old-path]
    .venv/bin/python benchmarks/bank_scale.py enrich [--n 1000000]
    .venv/bin/python benchmarks/bank_scale.py drop [--n 10000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

BANK = "bench-national"
PLANTED_ID = 4242  # generate_series position whose hash the startup step queries (flipped)


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} (1/5 min, {os.cpu_count()} CPUs shared)"


def now() -> str:
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"


def server_url() -> str:
    configured = os.environ.get("PERISAI_TEST_DATABASE_URL")
    if not configured:
        raise SystemExit("set PERISAI_TEST_DATABASE_URL (a server the benchmark may create on)")
    from perisai.db.engine import sqlalchemy_url

    return sqlalchemy_url(configured)


def database_name(n: int) -> str:
    return f"perisai_bench_bank_{n}"


def database_url(n: int) -> str:
    return make_url(server_url()).set(database=database_name(n)).render_as_string(False)


# --- fill ----------------------------------------------------------------------------------------

# PDQ-like 256-bit values from two md5s: pseudo-random, reproducible, made by the server itself.
FILL_ENTRIES = """
INSERT INTO bank_entry (bank_id, signal_type, signal_key, label, category, source, note,
    metadata, added_by, enabled, disabled_reason)
SELECT :bank_id, 'pdq', md5(g::text) || md5((-g)::text), 'bench ' || g, '', 'bench', '',
    '{}'::jsonb, 'system', true, ''
FROM generate_series(:first, :last) AS g
"""
# The constraint and indexes of the migrated schema, dropped during the fill and made again
# after it with the same names and definitions (building an index once is far faster than
# maintaining it over ten million inserts).
REBUILT = (
    (
        "uq_bank_entry_signal",
        "ALTER TABLE bank_entry ADD CONSTRAINT uq_bank_entry_signal"
        " UNIQUE (bank_id, signal_type, signal_key)",
    ),
    (
        "ix_bank_entry_signal_type_signal_key",
        "CREATE INDEX ix_bank_entry_signal_type_signal_key ON bank_entry (signal_type, signal_key)",
    ),
    (
        "ix_bank_entry_bank_id_id",
        "CREATE INDEX ix_bank_entry_bank_id_id ON bank_entry (bank_id, id)",
    ),
)


def planted_hash() -> str:
    import hashlib

    return (
        hashlib.md5(str(PLANTED_ID).encode()).hexdigest()  # noqa: S324 - the server's formula
        + hashlib.md5(str(-PLANTED_ID).encode()).hexdigest()  # noqa: S324
    )


def fill(n: int) -> None:
    """Create (if missing) and migrate the database, then fill one bank with N PDQ entries."""
    from perisai.db.migrate import upgrade
    from perisai.testing.database import TEST_APP_ROLE

    url = database_url(n)
    admin = create_engine(
        make_url(server_url()).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database_name(n)}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{database_name(n)}"'))
    admin.dispose()
    upgrade(url, app_role=TEST_APP_ROLE, create_role=True)
    engine = create_engine(url)
    with engine.connect() as connection:
        held = connection.scalar(
            text(
                "SELECT count(*) FROM bank_entry e JOIN bank b ON b.id = e.bank_id"
                " WHERE b.name = :name"
            ),
            {"name": BANK},
        )
    if held == n:
        print(f"{database_name(n)}: {n:,} entries present already")
        engine.dispose()
        return
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM bank WHERE name = :name"), {"name": BANK})
        bank_id = connection.scalar(
            text(
                "INSERT INTO bank (name, description, kind, enabled, pdq_threshold, source,"
                " created_by, owner, shared) VALUES (:name, 'benchmark', 'positive', true, 31,"
                " 'bench', 'system', 'agency:SECRETARIAT', true) RETURNING id"
            ),
            {"name": BANK},
        )
        for name, _ in REBUILT:
            if name.startswith("uq_"):
                connection.execute(text(f"ALTER TABLE bank_entry DROP CONSTRAINT {name}"))
            else:
                connection.execute(text(f"DROP INDEX {name}"))
        step = 1_000_000
        for first in range(1, n + 1, step):
            last = min(n, first + step - 1)
            connection.execute(
                text(FILL_ENTRIES), {"bank_id": bank_id, "first": first, "last": last}
            )
            print(f"  {last:,} rows ({time.perf_counter() - started:.0f} s)", flush=True)
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for _, statement in REBUILT:
            connection.execute(text(statement))
        connection.execute(
            text("INSERT INTO bank_change (op, bank_id, entry_id) VALUES ('bank', :b, NULL)"),
            {"b": bank_id},
        )
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE bank_entry")
        )
        size = connection.scalar(
            text("SELECT pg_size_pretty(pg_database_size(current_database()))")
        )
    engine.dispose()
    print(
        f"{database_name(n)}: {n:,} entries filled in {time.perf_counter() - started:.0f} s, "
        f"database {size}"
    )


def drop(n: int) -> None:
    from perisai.testing.database import drop_database

    drop_database(server_url(), database_name(n))
    print(f"dropped {database_name(n)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("step", choices=["fill", "index", "startup", "enrich", "drop"])
    parser.add_argument("--n", type=int, default=None)
    args = parser.parse_args()
    if args.step == "fill":
        fill(args.n or 10_000_000)
    elif args.step == "drop":
        drop(args.n or 10_000_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
