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


Who = Annotated[str, typer.Option("--user", help="The user's e-mail address or id.")]


def _admin_do(who: str, change: str) -> dict[str, object]:
    """Run one audited account change (perisai.identity.admin) on the user ``who``."""
    from perisai.identity import admin
    from perisai.identity.service import IdentityError

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        try:
            user = admin.find_user(session, who)
            answer: dict[str, object] = {"id": user.id, "email": user.email}
            if change in ("disable", "enable"):
                admin.set_active(session, actor=SYSTEM, user=user, active=change == "enable")
                answer["active"] = user.is_active
            elif change == "unlock":
                answer["counters_cleared"] = admin.unlock(session, actor=SYSTEM, user=user)
            elif change == "reset-password":
                answer["code"] = admin.issue_password_reset(session, actor=SYSTEM, user=user)
                answer["valid_hours"] = admin.RESET_CODE_HOURS
            elif change.startswith("set-role:"):
                _, role, agency = change.split(":", 2)
                admin.change_role(
                    session, actor=SYSTEM, user=user, role=role, agency=agency or None
                )
                answer["role"] = user.role.value
                answer["agency"] = user.agency.short_name
        except IdentityError as exc:
            clikit.fail(str(exc))
    return answer


@user_app.command("list")
def user_list(
    search: Annotated[str, typer.Option(help="Part of a name or e-mail address.")] = "",
    agency: Annotated[str, typer.Option(help="Agency short name.")] = "",
    role: Annotated[str, typer.Option(help="Role.")] = "",
    json_output: Json = False,
) -> None:
    """Staff accounts: id, e-mail, name, agency, role, active, locked, TOTP enrolled."""
    from perisai.identity import admin

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        rows = admin.list_users(session, search=search, agency=agency, role=role)
    found = [
        {
            "id": r.id,
            "email": r.email,
            "name": r.display_name,
            "agency": r.agency,
            "role": r.role,
            "active": r.active,
            "locked": r.locked,
            "totp_enrolled": r.enrolled,
            "reset_pending": r.reset_pending,
            "last_login_at": r.last_login_at.isoformat() if r.last_login_at else None,
        }
        for r in rows
    ]
    if json_output:
        clikit.emit({"users": found})
        return
    for r in found:
        flags = [k for k in ("locked", "reset_pending") if r[k]]
        state = "active" if r["active"] else "DISABLED"
        typer.echo(
            f"{r['id']}\t{r['email']}\t{r['agency']}\t{r['role']}\t{state}"
            + (f" ({', '.join(flags)})" if flags else "")
        )


@user_app.command("disable")
def user_disable(who: Who, json_output: Json = False) -> None:
    """Disable an account: its sessions end and logins are refused (audited)."""
    _report(_admin_do(who, "disable"), json_output, "disabled")


@user_app.command("enable")
def user_enable(who: Who, json_output: Json = False) -> None:
    """Enable a disabled account again (audited)."""
    _report(_admin_do(who, "enable"), json_output, "enabled")


@user_app.command("unlock")
def user_unlock(who: Who, json_output: Json = False) -> None:
    """Forget the failed logins that locked an account, from every source (audited)."""
    _report(_admin_do(who, "unlock"), json_output, "unlocked")


@user_app.command("reset-password")
def user_reset_password(who: Who, json_output: Json = False) -> None:
    """Issue a one-time reset code (printed once, valid 24 h) to hand over in person; the old
    password stops working and the user's sessions end (audited). The user sets a new password
    at /login/reset."""
    answer = _admin_do(who, "reset-password")
    if json_output:
        clikit.emit(answer)
    else:
        typer.echo(
            f"user {answer['id']}: one-time reset code (shown once, valid "
            f"{answer['valid_hours']} h): {answer['code']}; the user opens /login/reset"
        )


@user_app.command("set-role")
def user_set_role(
    who: Who,
    role: Annotated[str, typer.Option(help="The new role.")],
    agency: Annotated[str, typer.Option(help="The new agency (default: unchanged).")] = "",
    json_output: Json = False,
) -> None:
    """Change a user's role and/or agency; their sessions end (audited)."""
    if ":" in role or ":" in agency:
        clikit.fail("role and agency may not contain ':'")
    _report(_admin_do(who, f"set-role:{role}:{agency}"), json_output, "role changed")


def _report(answer: dict[str, object], json_output: bool, done: str) -> None:
    if json_output:
        clikit.emit(answer)
    else:
        typer.echo(f"user {answer['id']} ({answer['email']}): {done}")


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
