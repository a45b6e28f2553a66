"""Support fixtures: the victims domain's world (a case about one synthetic child, worked by
JKM and PDRM, referred to an NGO and MOE), with a support plan led by JKM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session
from tests.identity.factories import make_user
from tests.victims.factories import World, make_world

from perisai.crypto import Keyring
from perisai.identity.models import User
from perisai.sharing.redaction import Viewer
from perisai.support import service
from perisai.support.models import SupportPlan


def viewer(user: User) -> Viewer:
    return Viewer.for_user(user)


@dataclass
class PlanWorld:
    world: World
    plan: SupportPlan
    supervisor: User  # a JKM supervisor (approves repeat interviews)
    other_supervisor: User  # a PDRM supervisor

    @property
    def jkm(self) -> Viewer:
        return viewer(self.world.jkm)

    @property
    def pdrm(self) -> Viewer:
        return viewer(self.world.pdrm)

    @property
    def ngo(self) -> Viewer:
        return viewer(self.world.ngo)

    @property
    def moe(self) -> Viewer:
        return viewer(self.world.moe)

    @property
    def analyst(self) -> Viewer:
        return viewer(self.world.analyst)

    @property
    def outsider(self) -> Viewer:
        return viewer(self.world.outsider)

    @property
    def id(self) -> str:
        return self.plan.public_id


def make_plan_world(db: Session, keyring: Keyring) -> PlanWorld:
    world = make_world(db, keyring)
    plan = service.start_plan(
        db, viewer=viewer(world.jkm), victim_id=world.victim.id, caseworker_id=world.jkm.id
    )
    supervisor, _ = make_user(db, keyring, role="supervisor", agency="JKM")
    other, _ = make_user(db, keyring, role="supervisor", agency="PDRM")
    return PlanWorld(world=world, plan=plan, supervisor=supervisor, other_supervisor=other)


def days(n: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=n)
