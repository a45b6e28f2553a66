"""Proposals wait for a person: confirming adds the hashes to the shared bank or sends the
takedown notice (through cases), dismissing needs a reason; each decision once, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.viral.factories import viral_cluster

from perisai.audit.models import AuditEntry
from perisai.audit.service import Actor, flush_pending
from perisai.banks.models import Bank, BankEntry
from perisai.cases.models import Case, TakedownNotice
from perisai.runtime import Runtime
from perisai.viral import service
from perisai.viral.models import ViralProposal

ANALYST = Actor(kind="user", id="7", agency="SECRETARIAT", role="analyst")
BANK = "viral-shared"


def proposals(db: Session) -> dict[str, ViralProposal]:
    rows = db.scalars(select(ViralProposal)).all()
    return {p.platform or "bank": p for p in rows}


def test_nothing_is_banked_or_sent_before_a_person_confirms(db: Session, runtime: Runtime) -> None:
    viral_cluster(db, runtime)
    assert db.scalar(select(Bank).where(Bank.name == BANK)) is None
    assert db.scalar(select(TakedownNotice)) is None
    assert {p.state for p in proposals(db).values()} == {"proposed"}


def test_confirming_the_bank_proposal_adds_each_distinct_hash_to_a_shared_bank(
    db: Session, runtime: Runtime
) -> None:
    cluster = viral_cluster(db, runtime)
    bank_proposal = proposals(db)["bank"]
    done = service.confirm_proposal(
        db, public_id=cluster, proposal_id=bank_proposal.id, actor=ANALYST, bank_name=BANK
    )
    assert done.state == "confirmed" and done.decided_by == "user:7"
    bank = db.scalars(select(Bank).where(Bank.name == BANK)).one()
    assert bank.shared and bank.owner == "agency:SECRETARIAT"
    kinds = sorted(
        e.signal_type for e in db.scalars(select(BankEntry).where(BankEntry.bank_id == bank.id))
    )
    # Three different files: three of each exact hash, and their PDQs.
    assert kinds.count("sha256") == 3 and kinds.count("md5") == 3 and kinds.count("pdq") == 3
    assert done.result["added"] == len(kinds)
    with pytest.raises(service.ViralError) as twice:
        service.confirm_proposal(
            db, public_id=cluster, proposal_id=bank_proposal.id, actor=ANALYST, bank_name=BANK
        )
    assert twice.value.status == 409


def test_confirming_a_takedown_sends_the_notice_in_a_case_of_the_clusters_reports(
    db: Session, runtime: Runtime
) -> None:
    cluster = viral_cluster(db, runtime)
    chosen = proposals(db)["PhotoShare"]
    done = service.confirm_proposal(
        db,
        public_id=cluster,
        proposal_id=chosen.id,
        actor=ANALYST,
        bank_name=BANK,
        url="https://photoshare.example/p/1",
    )
    notice = db.scalars(select(TakedownNotice)).one()
    assert (notice.platform, notice.url) == ("PhotoShare", "https://photoshare.example/p/1")
    case = db.get_one(Case, notice.case_id)
    assert done.result == {"case": case.public_id, "takedown_id": notice.id, "url": notice.url}
    assert len(case.reports) == 3
    # A second platform's notice goes into the same case.
    other = proposals(db)["ClipTok"]
    service.confirm_proposal(
        db,
        public_id=cluster,
        proposal_id=other.id,
        actor=ANALYST,
        bank_name=BANK,
        url="https://cliptok.example/p/2",
    )
    assert {n.case_id for n in db.scalars(select(TakedownNotice))} == {case.id}


@pytest.mark.parametrize("url", [None, "", "ftp://x.example/a", "javascript:alert(1)", "h" * 5000])
def test_a_takedown_needs_an_http_address(db: Session, runtime: Runtime, url: str | None) -> None:
    cluster = viral_cluster(db, runtime)
    chosen = proposals(db)["ClipTok"]
    with pytest.raises(service.ViralError) as refused:
        service.confirm_proposal(
            db, public_id=cluster, proposal_id=chosen.id, actor=ANALYST, bank_name=BANK, url=url
        )
    assert refused.value.field == "url"
    assert db.get_one(ViralProposal, chosen.id).state == "proposed"


def test_dismissing_needs_a_reason_and_is_audited(db: Session, runtime: Runtime) -> None:
    cluster = viral_cluster(db, runtime)
    chosen = proposals(db)["bank"]
    with pytest.raises(service.ViralError) as short:
        service.dismiss_proposal(
            db, public_id=cluster, proposal_id=chosen.id, actor=ANALYST, note="no"
        )
    assert short.value.field == "note"
    done = service.dismiss_proposal(
        db,
        public_id=cluster,
        proposal_id=chosen.id,
        actor=ANALYST,
        note="a meme, not abuse material",
    )
    assert done.state == "dismissed"
    flush_pending(db)
    actions = set(db.scalars(select(AuditEntry.action)))
    assert "viral.proposal.dismiss" in actions


def test_a_proposal_of_another_cluster_or_none_is_not_found(db: Session, runtime: Runtime) -> None:
    cluster = viral_cluster(db, runtime)
    with pytest.raises(service.ViralNotFound):
        service.confirm_proposal(
            db, public_id=cluster, proposal_id=10**12, actor=ANALYST, bank_name=BANK
        )
    with pytest.raises(service.ViralNotFound):
        service.cluster_view(db, public_id="V-NOPE0000", actor=ANALYST)


def test_the_cluster_view_shows_first_seen_platforms_and_counts_and_is_audited(
    db: Session, runtime: Runtime
) -> None:
    cluster = viral_cluster(db, runtime)
    view = service.cluster_view(db, public_id=cluster, actor=ANALYST)
    assert [p.platform for p in view.platforms] == ["ExampleChat", "PhotoShare", "ClipTok"]
    assert view.platforms[0].urls == ["https://examplechat.example/p/0"]
    assert sum(n for _, n in view.hourly) == 3
    assert view.cluster.first_seen_at == view.reports[0].seen_at
    flush_pending(db)
    assert "viral.read" in set(db.scalars(select(AuditEntry.action)))
    listed = service.viral_clusters(db)
    assert [r.public_id for r in listed] == [cluster]
    assert listed[0].open_proposals == 4
