"""Need-to-know on the queue, case by case: an agency's analyst sees the reports of the cases
its agency is assigned to (assignment not ended) or referred to (referral not declined), and
nothing else; the total and a page's offset count exactly those (issue 6, with the total)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from tests.triage.factories import make_report

from perisai.audit.service import SYSTEM, Actor
from perisai.cases import service as cases
from perisai.runtime import Runtime
from perisai.triage import service
from perisai.triage.service import QueueFilter

DESK = Actor(kind="user", id="7", agency="SECRETARIAT", role="analyst")
EVERYTHING = QueueFilter(status="all")  # referring is a first action: it leaves the open queue


def _viewer(agency: str | None) -> Actor:
    return Actor(kind="user", id="21", agency=agency, role="analyst")


def _seen(db: Session, agency: str | None, *, limit: int = 50) -> tuple[list[str], int | None]:
    """Every report the agency's analyst is shown, page by page, and the first page's total."""
    seen: list[str] = []
    first = service.queue(db, viewer=_viewer(agency), filters=EVERYTHING, count=True, limit=limit)
    page = first
    while True:
        assert page.offset == len(seen)  # each page's offset counts what came before it
        seen += [item.public_id for item in page.items]
        if page.next_cursor is None:
            break
        page = service.queue(
            db,
            viewer=_viewer(agency),
            filters=EVERYTHING,
            count=True,
            limit=limit,
            cursor=page.next_cursor,
        )
    return seen, first.total


@pytest.fixture
def reports(db: Session, runtime: Runtime) -> dict[str, str]:
    """One report per situation, each in a case of its own (but `no case`)."""
    made: dict[str, str] = {}
    for name in (
        "no case",
        "assigned to PDRM",
        "referred to PDRM",
        "referred to PDRM, accepted",
        "referred to PDRM, declined",
        "assigned to PDRM, unassigned",
        "assigned to JKM",
        "referred to JKM, assigned to PDRM then unassigned",
    ):
        report = make_report(db, runtime.keyring, escalation="danger")
        service.triage_report(db, report_id=report.id, actor=SYSTEM)
        made[name] = report.public_id
        if name == "no case":
            continue
        case_id = cases.create_case(db, title=name, report_ids=[report.id], actor=DESK).id
        if "assigned to PDRM" in name:
            assignment = cases.assign(db, case_id=case_id, agency="PDRM", actor=DESK)
            if "unassigned" in name:
                cases.unassign(db, assignment_id=assignment.id, actor=DESK)
        if name == "assigned to JKM":
            cases.assign(db, case_id=case_id, agency="JKM", actor=DESK)
        if name.startswith("referred to"):
            agency = name.split()[2].rstrip(",")
            referral = cases.refer(db, case_id=case_id, agency=agency, reason="needed", actor=DESK)
            if "accepted" in name or "declined" in name:
                cases.respond_to_referral(
                    db, referral_id=referral.id, accept="accepted" in name, actor=SYSTEM
                )
    return made


@pytest.mark.parametrize(
    ("agency", "visible"),
    [
        (
            "PDRM",
            {"assigned to PDRM", "referred to PDRM", "referred to PDRM, accepted"},
        ),
        ("JKM", {"assigned to JKM", "referred to JKM, assigned to PDRM then unassigned"}),
        ("MOE", set()),  # an agency with no case
        ("NGO", set()),  # nor any row in the agency table
        (None, set()),  # a viewer of no agency sees nothing
    ],
)
def test_an_agency_sees_only_its_live_cases_reports_and_counts_only_them(
    db: Session, reports: dict[str, str], agency: str | None, visible: set[str]
) -> None:
    seen, total = _seen(db, agency, limit=2)
    assert len(seen) == len(set(seen))
    assert set(seen) == {reports[name] for name in visible}
    assert total == len(seen)


def test_the_secretariat_sees_every_report_and_its_agency_filter_matches_the_agency(
    db: Session, reports: dict[str, str]
) -> None:
    seen, total = _seen(db, "SECRETARIAT")
    assert set(reports.values()) <= set(seen)
    assert total == len(seen)
    for agency in ("PDRM", "JKM", "MOE"):
        filtered = service.queue(
            db,
            viewer=DESK,
            filters=QueueFilter(status="all", agency=agency),
            count=True,
            limit=200,
        )
        assert {i.public_id for i in filtered.items} == set(_seen(db, agency)[0])
        assert filtered.total == len(filtered.items)


def test_search_finds_parts_of_ids_text_and_identifiers_within_need_to_know(
    db: Session, runtime: Runtime
) -> None:
    """Search reads each part (report and case ids, escalation and additional text, reported
    identifiers) as one set of report ids; an agency still finds only what it may see."""
    texty = make_report(db, runtime.keyring, escalation="Minta GAMBAR di sekolah")
    noted = make_report(db, runtime.keyring, additional_info="nota tambahan ZEBRA-77")
    phoned = make_report(db, runtime.keyring, phone="+60 12-345 6789")
    cased = make_report(db, runtime.keyring)
    for report in (texty, noted, phoned, cased):
        service.triage_report(db, report_id=report.id, actor=SYSTEM)
    case = cases.create_case(db, title="c", report_ids=[cased.id], actor=DESK)
    cases.assign(db, case_id=case.id, agency="PDRM", actor=DESK)
    mine = {r.public_id for r in (texty, noted, phoned, cased)}

    def found(search: str, agency: str = "SECRETARIAT") -> set[str]:
        page = service.queue(
            db,
            viewer=_viewer(agency),
            filters=QueueFilter(status="all", search=search),
            count=True,
            limit=200,
        )
        assert page.total == len(page.items)
        return {item.public_id for item in page.items} & mine

    assert found(texty.public_id[:-3].lower()) == {texty.public_id}  # a report id's first part
    assert found(case.public_id[2:].lower()) == {cased.public_id}  # part of a case id
    assert found("gambar DI") == {texty.public_id}
    assert found("zebra-77") == {noted.public_id}
    assert found("3456789") == {phoned.public_id}
    assert found("345-6789") == {phoned.public_id}  # separators typed differently
    assert found("tiada-padanan") == set()
    # PDRM's analyst finds its case's report, and nothing of the desk's by any search.
    assert found(cased.public_id[:-2], "PDRM") == {cased.public_id}
    for search in ("gambar", "zebra", "3456789", texty.public_id[:-3]):
        assert found(search, "PDRM") == set()
