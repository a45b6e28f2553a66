"""`perisai demo run`: seed demo agencies' users (and domain demo data), then serve.

Demo mode lets the seeded demo users log in without TOTP and shows a DEMO banner on every page.
It refuses to start against a database that holds real (non-demo) users. Unless
`PERISAI_IPINTEL_MMDB` is set, IP intelligence comes from MaxMind's test databases shipped in
`perisai/demo_data/maxmind/` (made-up answers, see its README), so the seeded reports show it.
"""

from __future__ import annotations

from collections.abc import Callable

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai import clikit
from perisai.audit.service import SYSTEM
from perisai.demo_data import DEMO_MMDB, DEMO_RECEIPT_CODE
from perisai.identity.agencies import SECRETARIAT
from perisai.manifest import load, manifests
from perisai.runtime import Runtime

app = typer.Typer(help="Demo mode for trying Perisai locally.", no_args_is_help=True)

DEMO_PASSWORD = "perisai-demo-2026"  # noqa: S105 - printed to the person running the demo
DEMO_USERS = [
    (SECRETARIAT, "analyst", "analyst@demo.perisai.my", "Aisyah (analyst)"),
    ("PDRM", "investigator", "investigator@demo.perisai.my", "Insp. Rahman (investigator)"),
    (SECRETARIAT, "supervisor", "supervisor@demo.perisai.my", "Mei Ling (supervisor)"),
    ("JKM", "caseworker", "caseworker@demo.perisai.my", "Kavitha (JKM caseworker)"),
    ("NGO", "caseworker", "ngo@demo.perisai.my", "Farid (NGO caseworker)"),
    (SECRETARIAT, "auditor", "auditor@demo.perisai.my", "Tan (auditor)"),
    (SECRETARIAT, "admin", "admin@demo.perisai.my", "Admin"),
    ("MOE", "teacher", "teacher@demo.perisai.my", "Cikgu Rina (teacher)"),
    ("MOE", "moe_officer", "moe@demo.perisai.my", "Encik Hafiz (MOE officer)"),
]


def demo_ipintel_mmdb() -> str:
    """The `PERISAI_IPINTEL_MMDB` value of the demo: MaxMind's test databases (package data)."""
    return ":".join(str(path) for path in DEMO_MMDB)


def demo_seeders() -> list[Callable[[Runtime, Session], None]]:
    """Each domain's demo data (named in its manifest); a seeder gets the runtime and a session
    in one transaction."""
    return [load(target) for manifest in manifests() for target in manifest.demo_seeders]


class DemoRefused(Exception):
    pass


def seed_demo(runtime: Runtime) -> list[str]:
    """Create the demo users when missing; return the login lines to print."""
    from perisai.identity.models import User
    from perisai.identity.service import count_non_demo_users, create_user

    with runtime.db.transaction() as session:
        if count_non_demo_users(session):
            raise DemoRefused(
                "demo mode refused: this database holds non-demo users; use a fresh "
                "PERISAI_DATA_DIR or database"
            )
        existing = set(session.scalars(select(User.email).where(User.is_demo.is_(True))))
        created = False
        for agency, role, email, name in DEMO_USERS:
            if email not in existing:
                create_user(
                    session,
                    keyring=runtime.keyring,
                    actor=SYSTEM,
                    agency_short=agency,
                    role=role,
                    email=email,
                    password=DEMO_PASSWORD,
                    display_name=name,
                    is_demo=True,
                )
                created = True
        if created:
            for seeder in demo_seeders():
                seeder(runtime, session)
    return [
        f"{email} / {DEMO_PASSWORD}  ({role}, {agency})" for agency, role, email, _ in DEMO_USERS
    ]


@app.command("run")
def run() -> None:
    """Seed demo data on an empty database and serve it on http://HOST:PORT."""
    from perisai.cliruntime import cli_settings
    from perisai.db.migrate import bring_to_head
    from perisai.serve import run_server

    settings = cli_settings().model_copy(update={"demo": True})
    if not settings.ipintel_mmdb:
        settings = settings.model_copy(update={"ipintel_mmdb": demo_ipintel_mmdb()})
    if settings.environment == "production":
        clikit.fail("demo mode is refused when PERISAI_ENVIRONMENT=production")
    runtime = Runtime.start(settings)
    try:
        bring_to_head(runtime.db)
        logins = seed_demo(runtime)
    except DemoRefused as exc:
        clikit.fail(str(exc))
    finally:
        runtime.db.dispose()
    typer.echo("")
    typer.echo(f"Perisai demo: open http://{settings.host}:{settings.port}/login")
    typer.echo("Demo logins (email / password), no TOTP needed in demo mode:")
    for line in logins:
        typer.echo(f"  {line}")
    typer.echo(
        f"Hotline status: http://{settings.host}:{settings.port}/report/status, receipt code "
        f"{DEMO_RECEIPT_CODE}"
    )
    typer.echo("")
    run_server(settings, demo_accounts=[line.split(" / ")[0] for line in logins])
