"""`perisai sharing` commands: webhook subscriptions, their dead letters and replays."""

from __future__ import annotations

from typing import Annotated

import typer

from perisai import clikit

app = typer.Typer(help="sharing commands.", no_args_is_help=True)
webhook_app = typer.Typer(help="Webhook subscriptions.", no_args_is_help=True)
app.add_typer(webhook_app, name="webhook")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON lines.")]
CLI_ACTOR_ID = "cli:sharing"


@app.callback()
def sharing() -> None:
    """Need-to-know sharing: events and webhooks."""


@webhook_app.command("add")
def add_command(
    agency: Annotated[str, typer.Option(help="Agency short name (PDRM, JKM, …).")],
    url: Annotated[str, typer.Option(help="Where to POST events (http or https).")],
    types: Annotated[
        str, typer.Option(help="Comma-separated event types or 'prefix.*'; empty = all.")
    ] = "",
    description: Annotated[str, typer.Option(help="What it is for.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Subscribe an agency system; prints the signing secret once."""
    from perisai.audit.service import Actor, record
    from perisai.cliruntime import cli_runtime
    from perisai.sharing import webhooks
    from perisai.urlguard import redacted

    event_types = [t.strip() for t in types.split(",") if t.strip()]
    with cli_runtime() as runtime, runtime.db.transaction() as session:
        try:
            subscription, secret = webhooks.create_subscription(
                session,
                runtime.keyring,
                agency=agency.strip().upper(),
                url=url,
                guard=webhooks.guard_for(runtime.settings),
                event_types=event_types,
                description=description,
            )
        except webhooks.WebhookError as exc:
            clikit.fail(str(exc))
        record(
            session,
            actor=Actor(kind="system", id=CLI_ACTOR_ID),
            action="webhook.add",
            object_type="webhook",
            object_id=subscription.id,
            details={"agency": subscription.agency, "url": redacted(subscription.url)},
        )
        view = {**webhooks.subscription_view(subscription), "secret": secret}
    if as_json:
        clikit.emit(view)
    else:
        typer.echo(f"webhook {view['id']} for {view['agency']} → {view['url']}")
        typer.echo(f"secret (shown once): {secret}")


@webhook_app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """Every subscription with its pending and dead deliveries."""
    from sqlalchemy import func, select

    from perisai.cliruntime import cli_runtime
    from perisai.sharing import webhooks
    from perisai.sharing.models import WebhookDelivery, WebhookSubscription

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        counts = {
            (sub_id, status): n
            for sub_id, status, n in session.execute(
                select(
                    WebhookDelivery.subscription_id, WebhookDelivery.status, func.count()
                ).group_by(WebhookDelivery.subscription_id, WebhookDelivery.status)
            )
        }
        rows = [
            {
                **webhooks.subscription_view(sub),
                "pending": counts.get((sub.id, "pending"), 0),
                "dead": counts.get((sub.id, "dead"), 0),
                "delivered": counts.get((sub.id, "delivered"), 0),
            }
            for sub in session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))
        ]
    for row in rows:
        if as_json:
            clikit.emit(row)
        else:
            state = "active" if row["active"] else "inactive"
            typer.echo(
                f"{row['id']}\t{row['agency']}\t{state}\t{row['url']}\t"
                f"delivered={row['delivered']} pending={row['pending']} dead={row['dead']}"
            )


@webhook_app.command("replay")
def replay_command(
    subscription_id: Annotated[int, typer.Argument(help="The subscription id.", min=1)],
    from_event: Annotated[int, typer.Option("--from-event", help="First event id.", min=1)],
    as_json: JsonOption = False,
) -> None:
    """Send again every event from an id on (that the agency may see), dead letters included."""
    from perisai.audit.service import Actor, record
    from perisai.cliruntime import cli_runtime
    from perisai.sharing import webhooks

    with cli_runtime() as runtime, runtime.db.transaction() as session:
        try:
            count = webhooks.replay(
                session, subscription_id=subscription_id, from_event_id=from_event
            )
        except webhooks.WebhookError as exc:
            clikit.fail(str(exc))
        record(
            session,
            actor=Actor(kind="system", id=CLI_ACTOR_ID),
            action="webhook.replay",
            object_type="webhook",
            object_id=subscription_id,
            details={"from_event_id": from_event},
        )
    if as_json:
        clikit.emit({"subscription_id": subscription_id, "queued": count})
    else:
        typer.echo(f"queued {count} deliveries for webhook {subscription_id}")
