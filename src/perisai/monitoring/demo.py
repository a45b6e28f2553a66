"""Demo data for trend monitoring: nine weeks of synthetic counts, and takedown notices with
removals for the public statistics.

The counts are made from synthetic reports' facts (`series.series_of`, so every dimension adds
up), put straight into the rollup: no report stands behind them (a demo of thousands of reports
would flood the triage queue). They include a rise on GameChat over the last two days and a
platform never seen before today, for the spike job to find. The demo's real reports are added
by the rollup job as for any other report.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Final, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.service import SYSTEM
from perisai.cases.models import Case
from perisai.cases.takedowns import confirm_removal, create_takedown
from perisai.monitoring import alerts, rollups
from perisai.monitoring.series import FileFacts, ReportFacts, series_of
from perisai.reports.states import STATES
from perisai.runtime import Runtime

T = TypeVar("T")
DAYS: Final = 63
SOURCES: Final = (
    (("hotline", "hotline", None), 30),
    (("import", "import:ncmec", None), 25),
    (("apikey", "apikey:demo", "ExampleChat"), 25),
    (("apikey", "apikey:demo", "GameChat"), 20),
)
TYPES: Final = (
    ("child_pornography", 45),
    ("online_enticement", 35),
    ("unsolicited_obscene_material_to_child", 12),
    ("child_sex_trafficking", 3),
    ("misleading_words_or_digital_images", 5),
)
# Weights roughly by population; a third of reports give no state.
STATE_WEIGHTS: Final = (10, 6, 5, 3, 3, 5, 5, 7, 1, 20, 3, 10, 8, 6, 1, 1)
HOURS: Final = (1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 5, 6, 6, 7, 8, 8, 7, 5, 3)
GAMECHAT: Final = ("apikey", "apikey:demo", "GameChat")
DEMO_CASE_TITLE: Final = "Demo: threat to share a pupil's photo"


def _pick(rng: random.Random, weighted: tuple[tuple[T, int], ...]) -> T:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _facts(rng: random.Random, source: tuple[str, str, str | None]) -> ReportFacts:
    kind, client, key_name = source
    files = tuple(
        FileFacts(
            content_type=rng.choice(("image/jpeg", "image/png", "video/mp4")),
            provenance_ai="yes" if rng.random() < 0.06 else "no",
            known=rng.random() < 0.4,
        )
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))
    )
    state = rng.choices(list(STATES), weights=STATE_WEIGHTS)[0] if rng.random() < 0.66 else None
    return ReportFacts(
        retracted=False,
        reporter_kind=kind,
        client_id=client,
        api_key_name=key_name,
        incident_type=_pick(rng, TYPES),
        jurisdiction=state,
        files=files,
    )


def _day_count(rng: random.Random, day: date) -> int:
    base = 16 if day.weekday() < 5 else 11
    # Gamma-Poisson: overdispersed like real report counts.
    return sum(1 for _ in range(int(rng.gammavariate(8, base / 8) + 0.5)))


def synthetic_counts(today: date, rng: random.Random) -> Counter[tuple[str, date, int]]:
    counts: Counter[tuple[str, date, int]] = Counter()
    hours = list(range(24))
    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        made = [_facts(rng, _pick(rng, SOURCES)) for _ in range(_day_count(rng, day))]
        if back <= 1:  # a rise on GameChat: about three times its usual share
            made += [_facts(rng, GAMECHAT) for _ in range(8)]
        if back == 0:  # a platform never seen before
            made += [_facts(rng, ("apikey", "apikey:demo", "NewApp")) for _ in range(12)]
        for facts in made:
            hour = rng.choices(hours, weights=HOURS)[0]
            for key, n in series_of(facts).items():
                counts[(key, day, hour)] += n
    return counts


def _takedowns(session: Session, rng: random.Random, now: datetime) -> None:
    """Notices on the workspace demo's case, most removed, for the removal figures."""
    case = session.scalars(select(Case).where(Case.title == DEMO_CASE_TITLE)).first()
    if case is None:
        return
    for platform, count, typical_hours in (
        ("GameChat", 14, 20.0),
        ("ExampleChat", 12, 40.0),
        ("SmallApp", 3, 60.0),
    ):
        for i in range(count):
            sent = now - timedelta(days=rng.uniform(5, 300))
            notice = create_takedown(
                session,
                case_id=case.id,
                url=f"https://{platform.lower()}.example/demo/{i}",
                platform=platform,
                actor=SYSTEM,
                now=sent,
            )
            if i < count - 1:
                taken = timedelta(hours=rng.expovariate(1 / typical_hours) + 1)
                confirm_removal(
                    session, takedown_id=notice.id, actor=SYSTEM, removed_at=sent + taken
                )


def seed(runtime: Runtime, session: Session) -> None:
    del runtime  # nothing from the runtime: counts and notices only
    rng = random.Random(16)  # the same demo every time  # noqa: S311 - not security
    now = datetime.now(UTC)
    today = rollups.bucket_of(now).day
    rollups.apply_counts(session, synthetic_counts(today, rng))
    _takedowns(session, rng, now)
    session.flush()
    # The charts' band is the spike detector's stored model; the hourly job would write it
    # within the hour, the demo shows it at once (no alert is stored or announced here).
    alerts.refresh_expectations(session, now=now)
