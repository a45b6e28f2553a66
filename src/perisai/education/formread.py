"""Read a posted form entirely in memory, with a size cap: never a temporary file.

Starlette's `request.form()` spools uploads over 1 MB to a temporary file on disk, and
python-multipart logs pieces of malformed input; the check-a-chat page must do neither. The body
is read chunk by chunk up to the cap, then split with the standard library's MIME parser
(`email`), which works on the bytes in memory and logs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from starlette.requests import Request

MAX_PARTS = 10


class TooLarge(Exception):
    """The body is over the cap (nothing more of it is read)."""


class BadForm(Exception):
    """The body is not a form this page sent."""


@dataclass(frozen=True)
class Field:
    value: bytes
    filename: str | None = None


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def parse_form(content_type: str, body: bytes) -> dict[str, Field]:
    """Fields of a multipart or URL-encoded form; the first of a repeated name wins."""
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadForm from None
        try:
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_PARTS)
        except ValueError:
            raise BadForm from None
        fields: dict[str, Field] = {}
        for name, value in pairs:
            fields.setdefault(name, Field(value.encode("utf-8")))
        return fields
    if kind != "multipart/form-data" or "boundary=" not in content_type:
        raise BadForm
    return _multipart(content_type, body)


def _multipart(content_type: str, body: bytes) -> dict[str, Field]:
    try:
        header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    except UnicodeEncodeError:
        raise BadForm from None
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise BadForm
    fields: dict[str, Field] = {}
    for count, part in enumerate(message.iter_parts()):
        if count >= MAX_PARTS:
            raise BadForm
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        value = payload if isinstance(payload, bytes) else b""
        fields.setdefault(name, Field(value, part.get_filename()))
    return fields
