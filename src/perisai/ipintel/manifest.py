"""How the ipintel domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="ipintel",
    commands=(Command("ipintel", "perisai.ipintel.cli:app"),),
)
