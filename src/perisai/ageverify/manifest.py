"""The age-check service's wiring: API, public page, tables (the library is `perisai.age`)."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="ageverify",
    order=45,
    routers=("perisai.ageverify.api:router", "perisai.ageverify.views:router"),
    models=("perisai.ageverify.models",),
    templates=("templates",),
)
