"""How the enrichment domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.enrichment.names import ENRICH_TASK
from perisai.manifest import Hook, Manifest
from perisai.reports.names import IP_LOOKUP, REPORT_FINISHED, REPORTS_STORED

MANIFEST = Manifest(
    name="enrichment",
    models=("perisai.enrichment.models", "perisai.enrichment.results"),
    jobs=("perisai.enrichment.pipeline", "perisai.enrichment.retrohunt"),
    tasks=(ENRICH_TASK,),
    hooks=(
        Hook(REPORTS_STORED, "perisai.enrichment.intake:on_stored"),
        Hook(REPORT_FINISHED, "perisai.enrichment.intake:on_finished"),
        Hook(IP_LOOKUP, "perisai.enrichment.intake:ip_lookup"),
    ),
)
