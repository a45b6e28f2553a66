"""What a file's bytes say it is, compared with what the reporter declared."""

from __future__ import annotations

import filetype


def sniff(head: bytes) -> str | None:
    """The MIME type the first bytes reveal, or None when they match no known signature."""
    if not head:
        return None
    kind = filetype.guess(head)
    return None if kind is None else str(kind.mime)


def _essence(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def mismatch(declared: str | None, sniffed: str | None) -> bool | None:
    """True when both are known and differ; None when either is unknown (nothing to compare)."""
    if not declared or not sniffed or _essence(declared) == "application/octet-stream":
        return None
    return _essence(declared) != _essence(sniffed)
