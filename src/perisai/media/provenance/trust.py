"""Trust anchors for C2PA signers: the C2PA trust list, a deployment's own roots, or test roots.

A trust list is a PEM bundle of root (or intermediate) certificates: the C2PA conformance
programme publishes its list in this form (``C2PA-TRUST-LIST.pem``), and so does the older
interim list. With anchors loaded, a manifest whose signer chains to one of them is
``"trusted"``; a cryptographically valid manifest from anyone else stays ``"valid"``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from perisai.media.errors import MediaError

MAX_TRUST_FILE_BYTES: Final = 16 << 20


class TrustListError(MediaError, ValueError):
    """A trust-list file cannot be used (unreadable, too large, or no certificate in it)."""

    kind = "trust_list"


@dataclass(frozen=True, slots=True)
class TrustList:
    pem: str
    count: int
    fingerprint: str  # SHA-256 of the anchors' DER, to cache one SDK context per list

    @classmethod
    def from_pem(cls, data: bytes, *, source: str = "trust list") -> TrustList:
        try:
            certificates = x509.load_pem_x509_certificates(data)
        except (ValueError, x509.InvalidVersion):
            raise TrustListError(f"{source}: no PEM certificate could be read") from None
        digest = hashlib.sha256()
        pem_parts = []
        for certificate in certificates:
            digest.update(certificate.public_bytes(serialization.Encoding.DER))
            pem_parts.append(certificate.public_bytes(serialization.Encoding.PEM).decode())
        return cls(pem="".join(pem_parts), count=len(certificates), fingerprint=digest.hexdigest())


def load_trust_list(paths: Iterable[Path]) -> TrustList | None:
    """Every certificate of the PEM files, as one list; None when no file is given."""
    chunks = []
    for path in paths:
        try:
            if path.stat().st_size > MAX_TRUST_FILE_BYTES:
                raise TrustListError(f"{path}: larger than {MAX_TRUST_FILE_BYTES} bytes")
            data = path.read_bytes()
        except OSError as exc:
            raise TrustListError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        TrustList.from_pem(data, source=str(path))  # each file must hold a certificate
        chunks.append(data)
    return TrustList.from_pem(b"\n".join(chunks)) if chunks else None
