"""How the triage domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Hook, Manifest
from perisai.reports.hooks import PUBLIC_STAGE

MANIFEST = Manifest(
    name="triage",
    order=90,
    routers=("perisai.triage.api:router",),
    models=("perisai.triage.models",),
    jobs=("perisai.triage.jobs",),
    hooks=(Hook(PUBLIC_STAGE, "perisai.triage.public_status:public_stage"),),
)
