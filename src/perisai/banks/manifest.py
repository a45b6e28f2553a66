"""How the banks domain plugs into the app, the CLI, the worker and the migrations."""

from perisai.banks.names import RETROHUNT_EVENT, RETROHUNT_TASK
from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="banks",
    order=50,
    routers=("perisai.banks.api:router",),
    commands=(Command("bank", "perisai.banks.cli:app"),),
    models=("perisai.banks.models",),
    # The retro-hunt a bank change queues (run by perisai.enrichment.retrohunt) and its event.
    tasks=(RETROHUNT_TASK,),
    events=(RETROHUNT_EVENT,),
)
