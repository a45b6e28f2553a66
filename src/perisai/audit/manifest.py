"""How the audit domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Hook, Manifest
from perisai.runtime import RUNTIME_STARTED

MANIFEST = Manifest(
    name="audit",
    commands=(Command("audit", "perisai.audit.cli:app"),),
    models=("perisai.audit.models",),
    hooks=(Hook(RUNTIME_STARTED, "perisai.audit.keys:attach"),),
)
