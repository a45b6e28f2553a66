"""The `perisai` command: a Typer root that mounts each domain's own `cli.py`.

Domain CLIs keep heavy imports (numpy, faiss, PyAV, the database) inside their commands, so that
`perisai --help` and the pure, database-free commands start fast.
"""

from __future__ import annotations

import sys

import typer
from typer._click import exceptions as click_exceptions

from perisai import clikit
from perisai.audit.cli import app as audit_app
from perisai.banks.cli import app as bank_app
from perisai.db.cli import app as db_app
from perisai.demo import app as demo_app
from perisai.forensics.cli import app as forensics_app
from perisai.grooming.cli import app as grooming_app
from perisai.identity.cli import app as identity_app
from perisai.ipintel.cli import app as ipintel_app
from perisai.jobs.cli import worker_command
from perisai.media.cli import app as media_app
from perisai.reports.cli import app as reports_app
from perisai.serve import serve_command
from perisai.sharing.cli import app as sharing_app

app = typer.Typer(
    name="perisai",
    help="Perisai: reporting, triage, detection and forensics for child online safety.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("serve", help="Serve the web app and API.")(serve_command)
app.command("worker", help="Run background jobs.")(worker_command)
app.add_typer(db_app, name="db")
app.add_typer(identity_app, name="identity")
app.add_typer(audit_app, name="audit")
app.add_typer(demo_app, name="demo")
app.add_typer(media_app, name="media")
app.add_typer(bank_app, name="bank")
app.add_typer(grooming_app, name="grooming")
app.add_typer(reports_app, name="reports")
app.add_typer(forensics_app, name="forensics")
app.add_typer(ipintel_app, name="ipintel")
app.add_typer(sharing_app, name="sharing")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; usage errors become exit 2 with a single line on stderr."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="perisai", standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError:
        # A bare group has printed its help already; that is information, not an error.
        sys.exit(clikit.EXIT_OK)
    except click_exceptions.UsageError as exc:
        sys.stderr.write(f"perisai: error: {' '.join(exc.format_message().split())}\n")
        sys.exit(clikit.EXIT_BAD_INPUT)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("perisai: aborted\n")
        sys.exit(130)
    except clikit.BadInput as exc:
        sys.stderr.write(f"perisai: error: {' '.join(str(exc).split())}\n")
        sys.exit(clikit.EXIT_BAD_INPUT)
    sys.exit(code if isinstance(code, int) else clikit.EXIT_OK)


if __name__ == "__main__":
    main()
