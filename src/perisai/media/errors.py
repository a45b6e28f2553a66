"""Errors of the media library: each one's ``str()`` is a one-line reason a person can act on.

Callers that process many files (the CLI, a platform's upload pipeline) catch ``MediaError``,
record ``str(exc)`` for that file and go on with the next one.
"""

from __future__ import annotations


class MediaError(Exception):
    """Base class: a file or signal could not be processed. ``str()`` is one human line."""

    kind = "media_error"

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class UnreadableFile(MediaError):
    """The file could not be opened or read (missing, a directory, no permission, I/O error)."""

    kind = "unreadable"


class EmptyFile(MediaError):
    """The file has zero bytes."""

    kind = "empty"


class UnsupportedMedia(MediaError):
    """The content is not an image or video format that can be decoded."""

    kind = "unsupported"


class CorruptMedia(MediaError):
    """The content claims a supported format but cannot be decoded (truncated, damaged)."""

    kind = "corrupt"


class MediaTooLarge(MediaError):
    """The content exceeds a safety limit (pixels, duration, bytes): a decompression bomb guard."""

    kind = "too_large"


class InvalidSignal(MediaError, ValueError):
    """A hash string is malformed for its signal type (wrong length, not hex, bad frame list)."""

    kind = "invalid_signal"


class UnknownSignalType(MediaError, KeyError):
    """No signal type is registered under that name."""

    kind = "unknown_signal_type"

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class BankFormatError(MediaError, ValueError):
    """A bank file (or one of its rows) is malformed; carries the file and the line number."""

    kind = "bank_format"

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = " ".join(message.split())
        where = ""
        if file is not None:
            where = f"{file}:{line}: " if line is not None else f"{file}: "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(where + self.reason)
