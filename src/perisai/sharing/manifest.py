"""How the sharing domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest
from perisai.sharing.names import DELIVER_TASK, DISPATCH_TASK

MANIFEST = Manifest(
    name="sharing",
    order=60,
    routers=("perisai.sharing.api:router",),
    commands=(Command("sharing", "perisai.sharing.cli:app"),),
    models=("perisai.sharing.models",),
    jobs=("perisai.sharing.jobs",),
    tasks=(DISPATCH_TASK, DELIVER_TASK),
)
