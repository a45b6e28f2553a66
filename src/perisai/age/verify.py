"""One entry point for both formats: sniff the input, verify it, answer in one shape.

`{"valid", "error", "format", "age_over", "device_auth"}`: the CLI prints it, the platform
service reads it. `error` is `"<reason>: <detail>"` (reason codes in `perisai.age.errors`).
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric import ec

from perisai.age import ages
from perisai.age.errors import AgeProofError, Reason
from perisai.age.mdoc import MdocPolicy, verify_mdoc
from perisai.age.sdjwt import SdJwtPolicy, verify_sd_jwt
from perisai.age.timecheck import as_datetime
from perisai.age.transcript import SessionTranscript
from perisai.age.trust import TrustList

Format = Literal["sd-jwt", "mdoc"]
MAX_INPUT_BYTES = 1_048_576
_HEX = re.compile(rb"^[0-9a-fA-F\s]+$")


class UnreadableInput(ValueError):
    """Neither an SD-JWT (compact or JSON) nor an mdoc response (CBOR or hex)."""


@dataclass(frozen=True)
class AgeCheck:
    valid: bool
    format: Format
    error: str | None = None
    reason: Reason | None = None
    age_over: dict[str, bool] = field(default_factory=dict)
    device_auth: Literal["ok", "not checked"] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "error": self.error,
            "format": self.format,
            "age_over": ages.sorted_answers(self.age_over) if self.valid else {},
            "device_auth": self.device_auth if self.valid else None,
        }

    def answer(self, over: int) -> ages.Answer:
        """True / False / "unknown" for "is the holder at least `over`?" (invalid → unknown)."""
        return ages.answer(self.age_over, over) if self.valid else "unknown"


def sniff(data: bytes, format: Format | None = None) -> tuple[Format, bytes]:
    """The format and the bytes to verify (hex is decoded); raise UnreadableInput."""
    if len(data) > MAX_INPUT_BYTES:
        raise UnreadableInput(f"input is larger than {MAX_INPUT_BYTES} bytes")
    stripped = data.strip()
    if not stripped:
        raise UnreadableInput("input is empty")
    looks_sd_jwt = stripped.startswith(b"{") or (b"~" in stripped and stripped.isascii())
    if format == "sd-jwt" or (format is None and looks_sd_jwt):
        return "sd-jwt", data
    if _HEX.match(stripped):
        try:
            return "mdoc", binascii.unhexlify(b"".join(stripped.split()))
        except (binascii.Error, ValueError):
            raise UnreadableInput("input looks like hex but is not") from None
    if format == "mdoc" or 0xA0 <= stripped[0] <= 0xBF or stripped[0] in (0xD2,):
        return "mdoc", data
    raise UnreadableInput("neither an SD-JWT nor an mdoc response (CBOR or hex)")


def verify_presentation(
    data: bytes,
    *,
    trust: TrustList,
    format: Format | None = None,
    now: float | datetime | None = None,
    nonce: str | None = None,
    audience: str | None = None,
    require_key_binding: bool = True,
    transcript: SessionTranscript | None = None,
    reader_key: ec.EllipticCurvePrivateKey | None = None,
    allow_issuer_signed: bool = False,
    sd_jwt_policy: SdJwtPolicy | None = None,
    mdoc_policy: MdocPolicy | None = None,
) -> AgeCheck:
    """Verify an age presentation. Raises UnreadableInput for input of neither format and
    VerifierConfigError when a needed expected value (nonce, audience, transcript) is missing."""
    kind, payload = sniff(data, format)
    moment = as_datetime(now)
    try:
        if kind == "sd-jwt":
            policy = sd_jwt_policy or SdJwtPolicy(require_key_binding=require_key_binding)
            found = verify_sd_jwt(
                payload, trust=trust, now=moment, nonce=nonce, audience=audience, policy=policy
            )
            auth: Literal["ok", "not checked"] = "ok" if found.key_bound else "not checked"
            return AgeCheck(True, kind, age_over=found.age_over, device_auth=auth)
        mdoc = verify_mdoc(
            payload,
            trust=trust,
            now=moment,
            transcript=transcript,
            reader_key=reader_key,
            policy=mdoc_policy or MdocPolicy(allow_issuer_signed=allow_issuer_signed),
        )
        return AgeCheck(True, kind, age_over=mdoc.age_over, device_auth=mdoc.device_auth)
    except AgeProofError as exc:
        return AgeCheck(False, kind, error=str(exc), reason=exc.reason)
