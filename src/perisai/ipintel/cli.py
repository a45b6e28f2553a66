"""`perisai ipintel` commands: look addresses up in the local sources, never online."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from perisai import clikit
from perisai.ipintel import configured
from perisai.ipintel.addresses import parse_time
from perisai.ipintel.errors import IpIntelError
from perisai.ipintel.intel import IpIntel

app = typer.Typer(help="IP intelligence from local sources only.", no_args_is_help=True)


@app.callback()
def ipintel() -> None:
    """IP intelligence from local sources only: no lookup ever leaves the machine."""


def _addresses(ips: list[str]) -> Iterator[str]:
    """The addresses given, with `-` standing for stdin lines (blank lines and # skipped)."""
    for ip in ips:
        if ip != "-":
            yield ip
            continue
        for line in sys.stdin:
            text = line.strip()
            if text and not text.startswith("#"):
                yield text


def _human(answer: dict[str, object]) -> str:
    parts = [f"{key}={answer[key]}" for key in ("asn", "as_org", "country", "city") if answer[key]]
    flags = answer["flags"]
    if isinstance(flags, dict) and flags:
        parts.append("flags=" + ",".join(flags))
    notes = answer.get("notes")
    if isinstance(notes, list):
        parts.extend(f"note: {note}" for note in notes)
    return f"{answer['ip']}\t" + ("\t".join(parts) or "no data")


@app.command("lookup")
def lookup(
    ips: Annotated[list[str], typer.Argument(help="IP addresses; `-` reads one per stdin line.")],
    at: Annotated[
        str | None, typer.Option("--at", help="Event time, ISO 8601 with a zone (Z, +08:00).")
    ] = None,
    mmdb: Annotated[
        list[Path] | None, typer.Option("--mmdb", help="A MaxMind-format database (repeatable).")
    ] = None,
    tor_list: Annotated[
        list[Path] | None,
        typer.Option(
            "--tor-list",
            help="TorDNSEL list: a snapshot, a concatenation or a CollecTor .tar.xz (repeatable).",
        ),
    ] = None,
    cidr_list: Annotated[
        list[str] | None,
        typer.Option("--cidr-list", help="NAME=FILE, e.g. vpn=vpn.txt (repeatable)."),
    ] = None,
    tor_window: Annotated[
        float | None,
        typer.Option("--tor-window", help="Also count Tor exits seen this many hours before."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Look IP addresses up in the configured sources plus those given here."""
    try:
        moment: datetime | None = parse_time(at) if at is not None else None
        if tor_window is not None and not 0 <= tor_window <= 24 * 365:
            clikit.fail("--tor-window must be between 0 and 8760 hours")
        paths = configured.from_environment(os.environ)
        paths.mmdb.extend(mmdb or [])
        paths.tor_lists.extend(tor_list or [])
        paths.add_cidr(cidr_list or [])
        window = timedelta(hours=tor_window) if tor_window is not None else None
        intel = IpIntel.from_sources(
            mmdb=paths.mmdb,
            tor_lists=paths.tor_lists,
            cidr_lists=paths.cidr_lists,
            tor_window=window,
        )
    except IpIntelError as exc:
        clikit.fail(str(exc))
    for warning in intel.warnings:
        sys.stderr.write(f"perisai: warning: skipped {warning}\n")
    failed = False
    for ip in _addresses(ips):
        try:
            answer = intel.lookup(ip, moment).to_dict()
        except IpIntelError as exc:
            sys.stderr.write(f"perisai: error: {' '.join(str(exc).split())}\n")
            failed = True
            continue
        if as_json:
            clikit.emit(answer)
        else:
            sys.stdout.write(_human(answer) + "\n")
    intel.close()
    if failed:
        raise typer.Exit(clikit.EXIT_BAD_INPUT)
