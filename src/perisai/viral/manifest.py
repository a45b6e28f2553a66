"""How the viral-spread domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.enrichment.names import SIGNALS_STORED
from perisai.manifest import Command, Hook, Manifest
from perisai.viral.names import CLUSTER_TASK, EVENTS

MANIFEST = Manifest(
    name="viral",
    order=80,
    routers=("perisai.viral.views:router", "perisai.viral.api:router"),
    commands=(Command("viral", "perisai.viral.cli:app"),),
    models=("perisai.viral.models",),
    jobs=("perisai.viral.tasks",),
    templates=("templates",),
    tasks=(CLUSTER_TASK,),
    events=EVENTS,
    # Enrichment stored a report's media signals: cluster them (enrichment does not import viral).
    hooks=(Hook(SIGNALS_STORED, "perisai.viral.queue:on_signals_stored"),),
)
