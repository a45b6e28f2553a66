"""How the education domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="education",
    order=60,
    routers=(
        "perisai.education.check_views:router",
        "perisai.education.learn_views:router",
        "perisai.education.school_views:router",
    ),
    models=("perisai.education.models",),
    templates=("templates",),
    demo_seeders=("perisai.education.demo:seed",),
)
