"""The `perisai` command: a Typer root that mounts each domain's own `cli.py`.

Domain CLIs keep heavy imports (numpy, faiss, PyAV, the database) inside their commands, so that
`perisai --help` and the pure, database-free commands start fast.
"""

from __future__ import annotations

import sys

import typer
from typer._click import core as click_core
from typer._click import exceptions as click_exceptions

from perisai import clikit
from perisai.demo import app as demo_app
from perisai.manifest import load, manifests
from perisai.serve import serve_command

app = typer.Typer(
    name="perisai",
    help="Perisai: reporting, triage, detection and forensics for child online safety.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("serve", help="Serve the web app and API.")(serve_command)
app.add_typer(demo_app, name="demo")
for _manifest in manifests():
    for _command in _manifest.commands:
        # A group's own help stands unless the manifest gives one (typer reads an explicit
        # help=None as "no help").
        if _command.kind == "command":
            app.command(_command.name, help=_command.help)(load(_command.target))
        elif _command.help:
            app.add_typer(load(_command.target), name=_command.name, help=_command.help)
        else:
            app.add_typer(load(_command.target), name=_command.name)


def _run(command: click_core.Command, argv: list[str] | None) -> object:
    """Run the command; every embedded PostgreSQL server it started is stopped on the way out
    (Ctrl-C included), unless another process is still using it."""
    from perisai.db.embedded import stop_servers_started_here

    try:
        return command.main(args=argv, prog_name="perisai", standalone_mode=False)
    finally:
        stop_servers_started_here()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; usage errors become exit 2 with a single line on stderr."""
    command = typer.main.get_command(app)
    try:
        code = _run(command, argv)
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
    except KeyboardInterrupt:
        sys.stderr.write("perisai: interrupted\n")
        sys.exit(130)
    except Exception as exc:  # never a traceback: one line, exit 1
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        sys.stderr.write(f"perisai: error: unexpected {type(exc).__name__}: {first}\n")
        sys.exit(clikit.EXIT_FAILED)
    sys.exit(code if isinstance(code, int) else clikit.EXIT_OK)


if __name__ == "__main__":
    main()
