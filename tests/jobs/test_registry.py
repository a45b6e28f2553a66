from __future__ import annotations

from perisai.jobs.worker import JOBS, make_app


def test_every_job_that_code_defers_is_registered_with_the_worker(database_url: str) -> None:
    app = make_app(database_url)
    names = set(app.tasks)
    for expected in (
        "enrich.report",
        "triage.report",
        "triage.sla_sweep",
        "triage.sla_check",  # retired, but earlier versions queued it
        "cases.takedown_due",
    ):
        assert expected in names, f"{expected} is deferred somewhere but no worker would run it"
    assert names >= set(JOBS)
