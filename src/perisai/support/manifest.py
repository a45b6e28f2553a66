"""How the support domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="support",
    order=75,
    routers=(
        "perisai.support.api:router",
        "perisai.support.views:router",
        "perisai.support.childpages:router",
    ),
    commands=(Command("support", "perisai.support.cli:app"),),
    models=("perisai.support.models",),
    jobs=("perisai.support.tasks",),
    templates=("templates",),
    demo_seeders=("perisai.support.demo:seed",),
    tasks=("support.follow_up_due", "support.safety_check_due"),
    events=(
        "support.service.referred",
        "support.follow_up.due",
        "support.follow_up.overdue",
        "support.safety_check.overdue",
        "support.interview.approval_needed",
    ),
)
