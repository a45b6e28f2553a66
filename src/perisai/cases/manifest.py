"""How the cases domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.cases.names import EVENTS, TAKEDOWN_DUE_TASK
from perisai.manifest import Hook, Manifest
from perisai.sharing.names import CASE_FACTS

MANIFEST = Manifest(
    name="cases",
    order=100,
    routers=("perisai.cases.api:router",),
    models=("perisai.cases.models",),
    jobs=("perisai.cases.jobs",),
    tasks=(TAKEDOWN_DUE_TASK,),
    events=EVENTS,
    hooks=(Hook(CASE_FACTS, "perisai.cases.access:load_cases"),),
)
