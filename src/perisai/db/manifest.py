"""How the db domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="db",
    commands=(Command("db", "perisai.dbcli:app"),),
)
