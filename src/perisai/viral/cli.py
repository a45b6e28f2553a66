"""`perisai viral`: viral clusters for operators: list, show one, confirm or dismiss a proposal.

The operator acts as the system (audited as `cli:viral.<verb>:<login>`), as other domains' CLIs
do. Times are printed in Malaysia time; `--json` prints one object per line (ISO times).
"""

from __future__ import annotations

import getpass
import re
from typing import Annotated, Any

import typer

from perisai import clikit

app = typer.Typer(help="Viral spread: clusters of copies, their alerts and proposals.")
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
ClusterArgument = Annotated[str, typer.Argument(help="The cluster id, e.g. V-7K2M9QXD.")]
ProposalArgument = Annotated[int, typer.Argument(help="The proposal's number (see `show`).")]
_CLUSTER_ID = re.compile(r"^V-[0-9A-Z]{8}$")


@app.callback(no_args_is_help=True)
def viral() -> None:
    """Viral spread: list the viral clusters, show one, confirm or dismiss a proposal."""


def _actor(verb: str) -> Any:
    from perisai.audit.service import Actor

    return Actor(kind="system", id=f"cli:viral.{verb}:{getpass.getuser()}"[:128])


def _cluster_id(text: str) -> str:
    found = text.strip().upper()
    if not _CLUSTER_ID.match(found):
        clikit.fail(f"not a cluster id (V- and 8 letters or digits): {text[:40]!r}")
    return found


def _myt(iso: str | None) -> str:
    from perisai.web.timefmt import local_time

    return local_time(iso) if iso else "-"


@app.command("list")
def list_command(
    every: Annotated[bool, typer.Option("--every", help="Also clusters not viral.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=200, help="At most this many.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Viral clusters, most recent alert first."""
    from perisai.cliruntime import cli_runtime
    from perisai.viral import service
    from perisai.viral.present import row_json

    with cli_runtime() as runtime, runtime.db.transaction() as db:
        rows = [row_json(row) for row in service.viral_clusters(db, limit=limit, every=every)]
    for row in rows:
        if as_json:
            clikit.emit(row)
            continue
        typer.echo(
            f"{row['cluster_id']}\t{_myt(row['alerted_at'])}\t{row['reports']} reports\t"
            f"{', '.join(row['platforms'])}\t{row['proposals_waiting']} waiting"
        )


@app.command("show")
def show_command(cluster: ClusterArgument, as_json: JsonOption = False) -> None:
    """One cluster: first seen, platforms, counts per hour, alerts, proposals (audited read)."""
    from perisai.cliruntime import cli_runtime
    from perisai.viral import service
    from perisai.viral.present import cluster_json

    public_id = _cluster_id(cluster)
    try:
        with cli_runtime() as runtime, runtime.db.transaction() as db:
            shown = cluster_json(
                service.cluster_view(db, public_id=public_id, actor=_actor("show"))
            )
    except service.ViralNotFound:
        clikit.fail(f"no cluster {public_id}")
    if as_json:
        clikit.emit(shown)
        return
    typer.echo(f"{shown['cluster_id']}: first seen {_myt(shown['first_seen_at'])}")
    for item in shown["platforms"]:
        typer.echo(
            f"  {item['platform']}\t{item['reports']} reports\tfrom {_myt(item['first_seen_at'])}"
        )
    for hour in shown["counts_by_hour"]:
        typer.echo(f"  {_myt(hour['hour'])}\t{hour['reports']}")
    for proposal in shown["proposals"]:
        target = proposal["platform"] or "shared bank"
        typer.echo(
            f"  proposal {proposal['id']}\t{proposal['kind']}\t{target}\t{proposal['state']}"
        )


def _decide(verb: str, public_id: str, proposal: int, **options: Any) -> dict[str, Any]:
    from perisai.cliruntime import cli_runtime
    from perisai.viral import service
    from perisai.viral.present import proposal_json

    try:
        with cli_runtime() as runtime, runtime.db.transaction() as db:
            if verb == "confirm":
                done = service.confirm_proposal(
                    db,
                    public_id=public_id,
                    proposal_id=proposal,
                    actor=_actor(verb),
                    bank_name=runtime.settings.viral_bank,
                    url=options.get("url"),
                )
            else:
                done = service.dismiss_proposal(
                    db, public_id=public_id, proposal_id=proposal, actor=_actor(verb), **options
                )
            return proposal_json(done)
    except service.ViralNotFound:
        clikit.fail(f"no proposal {proposal} of cluster {public_id}")
    except service.ViralError as exc:
        named = f"--{exc.field}: " if exc.field in ("url", "note") else ""
        clikit.fail(f"{named}{exc}")


@app.command("confirm")
def confirm_command(
    cluster: ClusterArgument,
    proposal: ProposalArgument,
    url: Annotated[
        str | None, typer.Option(help="The address to take down (takedown proposals).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Carry out a proposal: the hashes into the shared bank, or the takedown notice."""
    done = _decide("confirm", _cluster_id(cluster), proposal, url=url)
    clikit.emit(done) if as_json else typer.echo(f"proposal {done['id']}: {done['state']}")


@app.command("dismiss")
def dismiss_command(
    cluster: ClusterArgument,
    proposal: ProposalArgument,
    note: Annotated[str, typer.Option(help="Why not (10 to 2000 characters).")],
    as_json: JsonOption = False,
) -> None:
    """Decide against a proposal, saying why."""
    done = _decide("dismiss", _cluster_id(cluster), proposal, note=note)
    clikit.emit(done) if as_json else typer.echo(f"proposal {done['id']}: {done['state']}")
