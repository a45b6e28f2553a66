"""How the victims domain plugs into the app, the CLI and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="victims",
    # After the workspace (its demo seeder makes the case this domain's demo builds on).
    order=80,
    routers=("perisai.victims.api:router", "perisai.victims.views:router"),
    models=("perisai.victims.models",),
    templates=("templates",),
    commands=(Command("victims", "perisai.victims.cli:app"),),
    jobs=("perisai.victims.tasks",),
    demo_seeders=("perisai.victims.demo:seed",),
    tasks=("victims.retention",),
    events=(
        "victim.created",
        "victim.report_linked",
        "victim.consent_given",
        "victim.consent_withdrawn",
        "victim.erased",
    ),
)
