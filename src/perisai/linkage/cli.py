"""The body of `perisai forensics links`: parse, look up (audited), print JSON or lines."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from typing import Any

import typer

from perisai import clikit
from perisai.audit.service import Actor
from perisai.cliruntime import cli_runtime
from perisai.identifiers import IdentifierError
from perisai.linkage.detect import parse_identifier
from perisai.linkage.service import lookup
from perisai.sharing.redaction import Viewer


def cli_actor() -> Actor:
    """The audit actor of a command-line lookup: the operating-system account that ran it."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "unknown"
    return Actor(kind="system", id=f"cli:forensics.links:{user}"[:64])


def human_lines(answer: dict[str, Any]) -> Iterator[str]:
    identifier = answer["identifier"]
    reports = answer["reports"]
    yield f"{identifier['kind']} {identifier['display']}: {len(reports)} report(s)"
    if answer["truncated"]:
        yield "(cluster cut at the report limit: narrow the search)"
    for report in reports:
        yield f"  report {report['report_id']} {report['status']} {report['received_at']}"
    for link in answer["links"]:
        for reason in link["reasons"]:
            yield f"  {link['reports'][0]}: {reason}"
    for media in answer["shared_media"]:
        yield f"  media {media['algorithm']} {media['hash']} in {', '.join(media['reports'])}"
    for event in answer["timeline"]:
        extra = f" {event['ip']} ({event['event']})" if event["kind"] == "ip_event" else ""
        yield f"  {event['at']} {event['kind']} {event['report_id']}{extra}"


def run_links(value: str, *, kind: str | None, platform: str | None, as_json: bool) -> None:
    try:
        identifier = parse_identifier(value, kind=kind, platform=platform)
    except IdentifierError as exc:
        clikit.fail(str(exc))
    with cli_runtime() as runtime, runtime.db.transaction() as session:
        # The CLI runs on the server with the database's own rights: it sees everything.
        answer = lookup(session, actor=cli_actor(), identifier=identifier, viewer=Viewer.system())
    if as_json:
        clikit.emit(answer)
        return
    for line in human_lines(answer):
        typer.echo(line)
