"""How the triage domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.cases.names import FIRST_ACTION, REPORT_TRIAGE
from perisai.enrichment.names import REPORTS_ENRICHED
from perisai.jobs.names import JOBS_COMMANDS
from perisai.manifest import Hook, Manifest
from perisai.reports.names import PUBLIC_STAGE
from perisai.triage.names import EVENTS, SLA_CHECK_TASK, SLA_SWEEP_TASK, TRIAGE_TASK

MANIFEST = Manifest(
    name="triage",
    order=90,
    routers=("perisai.triage.api:router",),
    models=("perisai.triage.models",),
    jobs=("perisai.triage.jobs",),
    tasks=(TRIAGE_TASK, SLA_SWEEP_TASK, SLA_CHECK_TASK),
    events=EVENTS,
    hooks=(
        Hook(PUBLIC_STAGE, "perisai.triage.public_status:public_stage"),
        Hook(FIRST_ACTION, "perisai.triage.sla:record_first_action"),
        Hook(REPORT_TRIAGE, "perisai.triage.readmodel:report_triage"),
        Hook(REPORTS_ENRICHED, "perisai.triage.queue:triage_enriched"),
        Hook(JOBS_COMMANDS, "perisai.triage.health_cli:register"),
    ),
)
