"""Reports and cases named inside text — triage reasons ("same phone … as report R-…"), link
reasons — are shown by id only to a viewer who may open them (issue #11, item 12).

The link itself still counts (it raised the priority); only the other report's or case's id is
replaced by a neutral mark that reads the same in Malay and English. Need-to-know is asked of
the redaction layer, as everywhere: a report in a case follows its case, a report in none is the
Secretariat's triage desk's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.cases.access import load_cases
from perisai.cases.models import Case, CaseReport
from perisai.reports.models import Report
from perisai.sharing.redaction import Viewer, can_see_case, can_see_unassigned_report

REPORT_REF = re.compile(r"\bR-\d{4}-[0-9A-Z]{10}\b")
CASE_REF = re.compile(r"\bC-\d{6}-[0-9A-Z]{6}\b")
HIDDEN_REPORT = "R-…"
HIDDEN_CASE = "C-…"


def refs_in(values: Iterable[Any]) -> set[str]:
    """Every report and case id named in these strings (or in the strings of nested values)."""
    found: set[str] = set()
    for value in values:
        if isinstance(value, str):
            found.update(REPORT_REF.findall(value))
            found.update(CASE_REF.findall(value))
        elif isinstance(value, Mapping):
            found |= refs_in(value.values())
        elif isinstance(value, list | tuple):
            found |= refs_in(value)
    return found


def openable(session: Session, viewer: Viewer, refs: set[str]) -> set[str]:
    """Of these report and case ids, the ones this viewer may open."""
    if viewer.is_system or not refs:
        return set(refs)
    reports = sorted(r for r in refs if r.startswith("R-"))
    cases = sorted(r for r in refs if r.startswith("C-"))
    report_rows = (
        session.execute(
            select(Report.public_id, CaseReport.case_id)
            .outerjoin(CaseReport, CaseReport.report_id == Report.id)
            .where(Report.public_id.in_(reports))
        ).all()
        if reports
        else []
    )
    case_rows = (
        session.execute(select(Case.public_id, Case.id).where(Case.public_id.in_(cases))).all()
        if cases
        else []
    )
    holders = load_cases(
        session,
        {row.case_id for row in report_rows if row.case_id is not None}
        | {row.id for row in case_rows},
    )
    allowed: set[str] = set()
    for row in report_rows:
        public_id, case_id = row.public_id, cast(int | None, row.case_id)  # outer join
        if case_id is None:
            seen = can_see_unassigned_report(viewer)
        else:
            holder = holders.get(case_id)
            seen = holder is not None and can_see_case(viewer, holder)
        if seen:
            allowed.add(public_id)
    for public_id, case_id in case_rows:
        holder = holders.get(case_id)
        if holder is not None and can_see_case(viewer, holder):
            allowed.add(public_id)
    return allowed


def mask(value: Any, allowed: set[str]) -> Any:
    """``value`` with every id not in ``allowed`` replaced (strings, dicts and lists, deeply)."""
    if isinstance(value, str):
        value = REPORT_REF.sub(lambda m: m[0] if m[0] in allowed else HIDDEN_REPORT, value)
        return CASE_REF.sub(lambda m: m[0] if m[0] in allowed else HIDDEN_CASE, value)
    if isinstance(value, Mapping):
        return {key: mask(item, allowed) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask(item, allowed) for item in value]
    return value


def mask_for(session: Session, viewer: Viewer, value: Any, *, also: Iterable[str] = ()) -> Any:
    """``value`` naming only the reports and cases ``viewer`` may open (``also``: ids known to
    be allowed, e.g. the report being shown)."""
    refs = refs_in([value]) - set(also)
    return mask(value, openable(session, viewer, refs) | set(also))
