"""SessionTranscript for mdoc device authentication (ISO/IEC 18013-5 section 9.1.5.1).

Three sources: the OpenID4VP redirect handover and the Digital Credentials API handover
(OpenID4VP 1.0 appendix B.2.6), or the bytes a proximity session produced (given as
SessionTranscriptBytes, `#6.24(bstr .cbor SessionTranscript)`, or the bare array).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from perisai.age import cose
from perisai.age.errors import Reason, fail


@dataclass(frozen=True)
class SessionTranscript:
    raw: bytes  # the encoded SessionTranscript array

    @property
    def tagged(self) -> bytes:
        """SessionTranscriptBytes: what the deviceMac key derivation hashes."""
        return cose.tagged(self.raw)


def openid4vp(
    client_id: str, nonce: str, response_uri: str, jwk_thumbprint: bytes | None = None
) -> SessionTranscript:
    """[null, null, ["OpenID4VPHandover", SHA-256(cbor([client_id, nonce, thumb, uri]))]]."""
    info = cose.dumps([client_id, nonce, jwk_thumbprint, response_uri])
    handover = ["OpenID4VPHandover", hashlib.sha256(info).digest()]
    return SessionTranscript(cose.dumps([None, None, handover]))


def dc_api(origin: str, nonce: str, jwk_thumbprint: bytes | None = None) -> SessionTranscript:
    """[null, null, ["OpenID4VPDCAPIHandover", SHA-256(cbor([origin, nonce, thumb]))]]."""
    info = cose.dumps([origin, nonce, jwk_thumbprint])
    handover = ["OpenID4VPDCAPIHandover", hashlib.sha256(info).digest()]
    return SessionTranscript(cose.dumps([None, None, handover]))


def from_bytes(data: bytes) -> SessionTranscript:
    """SessionTranscriptBytes (tag 24) or the bare SessionTranscript array."""
    value = cose.loads(data, "session transcript")
    raw = data
    if not isinstance(value, list):
        raw = cose.embedded(value, "session transcript")
        value = cose.loads(raw, "session transcript")
    if not isinstance(value, list) or len(value) != 3:
        raise fail(Reason.MALFORMED, "session transcript is not a 3-element array")
    return SessionTranscript(raw)
