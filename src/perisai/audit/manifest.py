"""How the audit domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import RUNTIME_STARTED, Command, Hook, Manifest

MANIFEST = Manifest(
    name="audit",
    commands=(Command("audit", "perisai.audit.cli:app"),),
    models=("perisai.audit.models",),
    hooks=(Hook(RUNTIME_STARTED, "perisai.audit.keys:attach"),),
)
