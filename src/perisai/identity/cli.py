"""`perisai identity`: users and API keys (the contract other tools script against)."""

from __future__ import annotations

from typing import Annotated

import typer

from perisai import clikit
from perisai.audit.service import SYSTEM
from perisai.cliruntime import cli_runtime

app = typer.Typer(help="Users and API keys.", no_args_is_help=True)
user_app = typer.Typer(help="Staff users.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys for platforms and agency systems.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")

Json = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


@user_app.command("create")
def user_create(
    agency: Annotated[str, typer.Option(help="Agency short name, e.g. PDRM.")],
    role: Annotated[
        str, typer.Option(help="analyst, investigator, supervisor, caseworker, auditor or admin.")
    ],
    email: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(help="At least 12 characters.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    json_output: Json = False,
) -> None:
    """Create a staff user; prints the TOTP secret once."""
    from perisai.identity.service import IdentityError, create_user

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        try:
            user, secret = create_user(
                session,
                keyring=runtime.keyring,
                actor=SYSTEM,
                agency_short=agency,
                role=role,
                email=email,
                password=password,
                display_name=name,
            )
        except IdentityError as exc:
            clikit.fail(str(exc))
        user_id = user.id
    if json_output:
        clikit.emit({"id": user_id, "totp_secret": secret})
    else:
        typer.echo(f"user {user_id} created; TOTP secret (shown once): {secret}")


@user_app.command("reset-totp")
def user_reset_totp(
    email: Annotated[str, typer.Option()],
    json_output: Json = False,
) -> None:
    """Give a user a new TOTP secret (prints it once); their sessions end and enrolment starts
    again at their next login."""
    from perisai.identity.service import IdentityError, reset_totp

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        try:
            user, secret = reset_totp(session, keyring=runtime.keyring, actor=SYSTEM, email=email)
        except IdentityError as exc:
            clikit.fail(str(exc))
        user_id = user.id
    if json_output:
        clikit.emit({"id": user_id, "totp_secret": secret})
    else:
        typer.echo(f"user {user_id}: new TOTP secret (shown once): {secret}")


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Option()],
    scopes: Annotated[str, typer.Option(help="Comma-separated, e.g. reports:submit,media:match.")],
    agency: Annotated[str | None, typer.Option(help="Agency short name the key acts for.")] = None,
    json_output: Json = False,
) -> None:
    """Create an API key; the key is printed once and stored only as a hash."""
    from perisai.identity.permissions import parse_scopes
    from perisai.identity.service import IdentityError, create_api_key

    try:
        parsed = parse_scopes(scopes)
    except ValueError as exc:
        clikit.fail(str(exc))
    with cli_runtime() as runtime, runtime.db.transaction() as session:
        try:
            key, secret = create_api_key(
                session, actor=SYSTEM, name=name, scopes=parsed, agency_short=agency
            )
        except IdentityError as exc:
            clikit.fail(str(exc))
        key_id = key.id
    if json_output:
        clikit.emit({"id": key_id, "key": secret})
    else:
        typer.echo(f"API key {key_id} created (shown once): {secret}")


@apikey_app.command("revoke")
def apikey_revoke(
    key_id: Annotated[int, typer.Argument(metavar="ID")], json_output: Json = False
) -> None:
    """Revoke an API key at once."""
    from perisai.identity.service import IdentityError, revoke_api_key

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        try:
            revoke_api_key(session, actor=SYSTEM, key_id=key_id)
        except IdentityError as exc:
            clikit.fail(str(exc))
    if json_output:
        clikit.emit({"id": key_id, "revoked": True})
    else:
        typer.echo(f"API key {key_id} revoked")
