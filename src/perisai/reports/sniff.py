"""What a file's bytes say it is (the media library's sniffer), compared with what the reporter
declared."""

from __future__ import annotations


def _essence(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def mismatch(declared: str | None, sniffed: str | None) -> bool | None:
    """True when both are known and differ; None when either is unknown (nothing to compare)."""
    if not declared or not sniffed or _essence(declared) == "application/octet-stream":
        return None
    return _essence(declared) != _essence(sniffed)
