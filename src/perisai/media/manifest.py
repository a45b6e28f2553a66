"""How the media domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="media",
    commands=(
        Command("media", "perisai.media.cli:app"),
        Command("provenance", "perisai.media.provenance.cli:app"),
    ),
)
