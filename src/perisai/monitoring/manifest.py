"""How the monitoring domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest
from perisai.monitoring.names import EVENTS, ROLLUP_TASK, SPIKES_TASK

MANIFEST = Manifest(
    name="monitoring",
    order=75,
    routers=(
        "perisai.monitoring.alert_views:router",  # before the trends page's own routes
        "perisai.monitoring.views:router",
        "perisai.monitoring.views:public_router",
        "perisai.monitoring.alert_api:router",
        "perisai.monitoring.api:router",
    ),
    commands=(Command("monitoring", "perisai.monitoring.cli:app"),),
    models=("perisai.monitoring.models", "perisai.monitoring.alert_models"),
    jobs=("perisai.monitoring.tasks", "perisai.monitoring.alert_tasks"),
    templates=("templates",),
    demo_seeders=("perisai.monitoring.demo:seed",),
    tasks=(ROLLUP_TASK, SPIKES_TASK),
    events=EVENTS,
)
