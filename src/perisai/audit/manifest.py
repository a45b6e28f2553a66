"""How the audit domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="audit",
    commands=(Command("audit", "perisai.audit.cli:app"),),
    models=("perisai.audit.models",),
)
