"""How the workspace domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="workspace",
    order=70,
    routers=("perisai.workspace.views:router", "perisai.workspace.userviews:public_router"),
    templates=("templates",),
    demo_seeders=(
        "perisai.workspace.demo:seed_workspace",
        "perisai.workspace.demo_ai:seed_ai_demo",
    ),
)
