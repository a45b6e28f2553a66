"""Importing reports that arrive as files, such as CyberTipline reports forwarded by NCMEC.

The idempotency key of an imported file is the SHA-256 of its bytes, so importing the same file
twice finds the first report instead of creating a second one.
"""

from __future__ import annotations

import hashlib

from pydantic import ValidationError
from sqlalchemy.orm import Session

from perisai.audit.service import Actor
from perisai.crypto import Keyring
from perisai.http.problems import field_path
from perisai.reports import service
from perisai.reports.cybertip import CybertipError, parse_report_xml
from perisai.reports.identifiers import FieldError
from perisai.reports.models import ReporterKind
from perisai.reports.schemas import ReportIn

NCMEC_CLIENT = "import:ncmec"


class CybertipImportError(ValueError):
    """The file cannot be imported; the message names the field and the reason."""


def parse_cybertip_file(raw: bytes) -> ReportIn:
    """Map and validate a CyberTipline report XML; CybertipImportError says what is wrong."""
    try:
        return ReportIn.model_validate(parse_report_xml(raw))
    except CybertipError as exc:
        raise CybertipImportError(str(exc)) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CybertipImportError(f"{field_path(first['loc'])}: {first['msg']}") from None


def import_cybertip(
    session: Session, *, keyring: Keyring, actor: Actor, raw: bytes
) -> service.Submitted:
    """Store the report in `raw` (or find the one this same file created before)."""
    data = parse_cybertip_file(raw)
    digest = hashlib.sha256(raw).hexdigest()
    try:
        return service.submit(
            session,
            keyring=keyring,
            actor=actor,
            data=data,
            body_sha256=digest,
            client_id=NCMEC_CLIENT,
            idempotency_key=digest,
            reporter_kind=ReporterKind.IMPORT,
        )
    except FieldError as exc:
        raise CybertipImportError(f"{exc.field}: {exc.message}") from None
