"""`perisai chat parse [--json] FILE`: read a chat export into `{"format", "messages"}`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from perisai import clikit

app = typer.Typer(help="Chat exports (WhatsApp, Telegram, Instagram, Messenger, Discord).")


@app.callback(no_args_is_help=True)
def chat() -> None:
    """Read chat exports as people have them into one shape."""


@app.command("parse")
def parse_command(
    file: Annotated[str, typer.Argument(help="The export (text, JSON or ZIP); '-' for stdin.")],
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Print the export's format and messages (author, text, sent_at as ISO 8601 or null);
    exit 2 with one line when the file is not a chat export this parser knows."""
    from perisai.chats import MAX_CHAT_BYTES, ChatFormatError, parse_chat

    if file == "-":
        data = sys.stdin.buffer.read(MAX_CHAT_BYTES + 1)
    else:
        try:
            with Path(file).open("rb") as handle:
                data = handle.read(MAX_CHAT_BYTES + 1)
        except OSError as exc:
            clikit.fail(f"cannot read {file}: {exc.strerror or exc}")
    try:
        chat = parse_chat(data, name=None if file == "-" else file)
    except ChatFormatError as exc:
        clikit.fail(f"{file}: {exc}")
    if json_output:
        clikit.emit(chat.to_dict())
        return
    typer.echo(f"format: {chat.format}, {len(chat.messages)} messages")
    for message in chat.messages:
        when = message.sent_at.isoformat() if message.sent_at else "-"
        first, *more = message.text.splitlines() or [""]
        typer.echo(f"{when}  {message.author}: {first}")
        for line in more:
            typer.echo(f"{'':>{len(when)}}  {line}")
