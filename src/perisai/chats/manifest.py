"""How the chat-export parsers plug into the CLI (`perisai chat parse`)."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="chats",
    commands=(Command("chat", "perisai.chats.cli:app"),),
)
