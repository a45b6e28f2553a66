"""How the grooming domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="grooming",
    commands=(Command("grooming", "perisai.grooming.cli:app"),),
)
