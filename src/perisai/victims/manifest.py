"""How the victims domain plugs into the app, the CLI and the migrations."""

from perisai.manifest import Manifest

MANIFEST = Manifest(
    name="victims",
    order=70,
    routers=("perisai.victims.api:router",),
    models=("perisai.victims.models",),
    events=(
        "victim.created",
        "victim.report_linked",
        "victim.consent_given",
        "victim.consent_withdrawn",
        "victim.erased",
    ),
)
