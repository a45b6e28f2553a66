"""Write the synthetic CollecTor-style exit lists of this folder (run from the repo root):

    .venv/bin/python tests/data/tor/make_exit_lists.py

Three hourly snapshots in the TorDNSEL format CollecTor archives (`@type tordnsel 1.0`, then
`Downloaded`, then ExitNode records), with documentation addresses (RFC 5737 / RFC 3849):

- 192.0.2.10 is an exit in all three;
- 198.51.100.20 first appears in the second snapshot (10:00 UTC);
- 203.0.113.30 appears only in the third (11:00 UTC);
- 2001:db8::10 is in the first only.

Written as `exit-list-2026-01.tar.xz` (members `exit-list-2026-01/01/2026-01-01-HH-00-00`, as
CollecTor lays out its monthly archives) and as `concatenated.txt` (the same three, one after
the other, as `cat` would make them).
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FP = ["0011BD2485AD45D984EC4159C88FC066E5E3300E", "0111BA9B604669E636FFD5B503F382A4B7AD6E80",
      "0AB9B8D1A5D6F3EFB3F6AE6F3B1C8B1E2E8C9D01"]  # fmt: skip
SNAPSHOTS = {
    "09": [(FP[0], "192.0.2.10", "08:50:01"), (FP[2], "2001:db8::10", "08:40:00")],
    "10": [(FP[0], "192.0.2.10", "09:50:01"), (FP[1], "198.51.100.20", "09:58:30")],
    "11": [(FP[0], "192.0.2.10", "10:50:01"), (FP[1], "198.51.100.20", "10:58:30"),
           (FP[2], "203.0.113.30", "10:59:00")],
}  # fmt: skip


def snapshot(hour: str) -> str:
    lines = ["@type tordnsel 1.0", f"Downloaded 2026-01-01 {hour}:00:00"]
    for fingerprint, address, seen in SNAPSHOTS[hour]:
        lines += [
            f"ExitNode {fingerprint}",
            f"Published 2026-01-01 {seen}",
            f"LastStatus 2026-01-01 {seen}",
            f"ExitAddress {address} 2026-01-01 {seen}",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:xz") as archive:
        for hour in SNAPSHOTS:
            data = snapshot(hour).encode()
            info = tarfile.TarInfo(f"exit-list-2026-01/01/2026-01-01-{hour}-00-00")
            info.size, info.mtime, info.mode = len(data), 1767225600, 0o644
            archive.addfile(info, io.BytesIO(data))
    (HERE / "exit-list-2026-01.tar.xz").write_bytes(buffer.getvalue())
    (HERE / "concatenated.txt").write_text("".join(map(snapshot, SNAPSHOTS)), encoding="utf-8")


if __name__ == "__main__":
    main()
