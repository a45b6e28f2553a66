"""`perisai serve`'s job worker runs on an engine of its own, niced on the embedded server only."""

from __future__ import annotations

from pathlib import Path

from perisai.config import Settings
from perisai.db.engine import Database
from perisai.runtime import Runtime
from perisai.serve import WORKER_NICENESS, _worker_runtime


def _runtime(settings: Settings) -> Runtime:
    return Runtime(settings=settings, db=Database("postgresql://postgres@127.0.0.1:1/none"))


def test_the_worker_renices_only_the_embedded_server(tmp_path: Path) -> None:
    embedded = Settings(data_dir=tmp_path / "var", demo=False)
    external = embedded.model_copy(update={"database_url": "postgresql://db.example/perisai"})
    for settings, niceness in ((embedded, WORKER_NICENESS), (external, None)):
        runtime = _runtime(settings)
        worker = _worker_runtime(settings, runtime)
        try:
            assert worker.db is not runtime.db  # never the server's own engine
            assert worker.db.url == runtime.db.url
            assert worker.db.backend_niceness == niceness
        finally:
            worker.db.dispose()
            runtime.db.dispose()
