"""How the monitoring domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="monitoring",
    order=75,
    routers=(
        "perisai.monitoring.views:router",
        "perisai.monitoring.views:public_router",
        "perisai.monitoring.api:router",
    ),
    commands=(Command("monitoring", "perisai.monitoring.cli:app"),),
    models=("perisai.monitoring.models",),
    jobs=("perisai.monitoring.tasks",),
    templates=("templates",),
    demo_seeders=("perisai.monitoring.demo:seed",),
    tasks=("monitoring.rollup",),
)
