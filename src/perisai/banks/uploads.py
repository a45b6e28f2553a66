"""Request bodies to temporary files: a raw body with a size limit, or one multipart `file`."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from perisai.http.problems import Problem

UPLOAD_CONTENT: dict[str, Any] = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "properties": {"file": {"type": "string", "format": "binary"}},
            "required": ["file"],
        }
    }
}
UPLOAD_BODY = {"requestBody": {"required": True, "content": UPLOAD_CONTENT}}
FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@contextmanager
def temp_path(suffix: str = "") -> Iterator[Path]:
    """A private temporary file's path (mode 0600), removed afterwards whatever happens."""
    handle, name = tempfile.mkstemp(prefix="perisai-bank-", suffix=suffix)
    os.close(handle)
    try:
        yield Path(name)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(name)


async def body_to(request: Request, path: Path, limit: int) -> int:
    """Stream the raw body into ``path``; 413 past ``limit`` bytes. Returns the size."""
    size = 0
    try:
        with path.open("wb") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise Problem(413, "Body too large", f"The limit is {limit} bytes.")
                out.write(chunk)
    except ClientDisconnect:
        raise Problem(400, "Upload interrupted", "The client went away mid-upload.") from None
    return size


async def upload_to(request: Request, path: Path) -> None:
    """The multipart part named `file` into ``path`` (one file, a few small fields at most)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Problem(415, "Unsupported media type", "Send multipart/form-data with a `file`.")
    async with request.form(max_files=1, max_fields=5) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Problem(
                422,
                "Invalid request",
                "A file is needed.",
                [{"field": "file", "message": "missing"}],
                "validation",
            )
        with path.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                out.write(chunk)
