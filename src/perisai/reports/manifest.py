"""How the reports domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.jobs.names import INTAKE_COUNTER
from perisai.manifest import Command, Hook, Manifest

MANIFEST = Manifest(
    name="reports",
    order=40,
    routers=("perisai.reports.api:router", "perisai.reports.hotline:router"),
    commands=(Command("reports", "perisai.reports.cli:app"),),
    models=("perisai.reports.models",),
    hooks=(Hook(INTAKE_COUNTER, "perisai.reports.intake:intake_counter_sql"),),
)
