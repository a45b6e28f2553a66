"""How the stop-the-spread domain plugs into the app, the CLI and the migrations."""

from perisai.banks.names import ENTRIES_MATCHED
from perisai.manifest import Command, Hook, Manifest

MANIFEST = Manifest(
    name="spread",
    order=60,
    routers=("perisai.spread.views:router",),
    commands=(Command("spread", "perisai.spread.cli:app"),),
    models=("perisai.spread.models",),
    templates=("templates",),
    demo_seeders=("perisai.spread.demo:seed",),
    hooks=(Hook(ENTRIES_MATCHED, "perisai.spread.service:on_entries_matched"),),
)
