"""How the forensics domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="forensics",
    commands=(Command("forensics", "perisai.forensics.cli:app"),),
)
