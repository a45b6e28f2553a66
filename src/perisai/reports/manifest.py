"""How the reports domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="reports",
    order=40,
    routers=("perisai.reports.api:router", "perisai.reports.hotline:router"),
    commands=(Command("reports", "perisai.reports.cli:app"),),
    models=("perisai.reports.models",),
)
