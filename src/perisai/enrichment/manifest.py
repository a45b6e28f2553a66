"""How the enrichment domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="enrichment",
    models=("perisai.enrichment.models", "perisai.enrichment.results"),
    jobs=("perisai.enrichment.pipeline", "perisai.enrichment.retrohunt"),
    demo_seeders=("perisai.enrichment.demo:seed_ai_demo",),
)
