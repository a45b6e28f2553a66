"""Build SD-JWTs and mdoc responses with one thing wrong, signed by keys the test controls."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from perisai.age import cose
from perisai.age import issuer as test_issuer
from perisai.age.encoding import b64url_encode
from perisai.age.jose import jwk_from_public_key, sign
from perisai.age.trust import TrustList

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
NONCE = "n-0123456789abcdef"
AUD = "https://platform.example.my"


def b64json(value: Any) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":")).encode())


def jws(
    header: dict[str, Any], payload: dict[str, Any] | str, key: ec.EllipticCurvePrivateKey
) -> str:
    body = payload if isinstance(payload, str) else b64json(payload)
    signing_input = f"{b64json(header)}.{body}"
    return f"{signing_input}.{b64url_encode(sign('ES256', key, signing_input.encode()))}"


def disclosure(*parts: Any, salt: str = "c2FsdHNhbHRzYWx0c2FsdA") -> tuple[str, str]:
    text = b64json([salt, *parts])
    return text, b64url_encode(hashlib.sha256(text.encode()).digest())


@dataclass
class SdJwtMaker:
    """An SD-JWT VC whose pieces a test may change before `build()`."""

    issuer_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    holder_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    header: dict[str, Any] = field(default_factory=lambda: {"alg": "ES256", "typ": "dc+sd-jwt"})
    kb_header: dict[str, Any] = field(default_factory=lambda: {"alg": "ES256", "typ": "kb+jwt"})
    claims: dict[str, Any] = field(default_factory=dict)
    disclosures: list[str] = field(default_factory=list)
    kb_claims: dict[str, Any] = field(default_factory=dict)
    with_kb: bool = True

    def __post_init__(self) -> None:
        outer, self.age_18 = disclosure("18", True, salt="YWdlMThzYWx0c2FsdHNhbA")
        self.age_18_text = outer
        nested_text, nested_digest = disclosure("age_equal_or_over", {"_sd": [self.age_18]})
        self.nested_text = nested_text
        self.claims = {
            "iss": "https://issuer.example.my",
            "iat": int(NOW.timestamp()) - 86400,
            "exp": int(NOW.timestamp()) + 86400,
            "vct": "urn:test:age",
            "cnf": {"jwk": jwk_from_public_key(self.holder_key.public_key())},
            "_sd_alg": "sha-256",
            "_sd": [nested_digest],
        }
        self.disclosures = [nested_text, outer]
        self.kb_claims = {"iat": int(NOW.timestamp()) - 5, "aud": AUD, "nonce": NONCE}

    @property
    def trust(self) -> TrustList:
        trust = TrustList()
        trust.add_jwk(jwk_from_public_key(self.issuer_key.public_key()))
        return trust

    def sd_jwt(self) -> str:
        jwt = jws(self.header, self.claims, self.issuer_key)
        return jwt + "~" + "".join(f"{d}~" for d in self.disclosures)

    def build(self, sd_hash_over: str | None = None) -> str:
        presented = self.sd_jwt()
        if not self.with_kb:
            return presented
        digest = hashlib.sha256((sd_hash_over or presented).encode()).digest()
        kb_claims = {"sd_hash": b64url_encode(digest), **self.kb_claims}
        return presented + jws(self.kb_header, kb_claims, self.holder_key)


# --- mdoc -----------------------------------------------------------------------------------


def mso_of(credential: test_issuer.MdocCredential) -> dict[str, Any]:
    issuer_signed = cose.loads(credential.issuer_signed, "IssuerSigned")
    payload = issuer_signed["issuerAuth"][2]
    mso: dict[str, Any] = cose.loads(cose.embedded(cose.loads(payload, "p"), "p"), "MSO")
    return mso


def resign(
    issuer: test_issuer.TestIssuer,
    credential: test_issuer.MdocCredential,
    mso: dict[str, Any],
    items: dict[str, list[Any]] | None = None,
) -> test_issuer.MdocCredential:
    """The credential with its MSO (and optionally its items) replaced, signed again."""
    issuer_signed = cose.loads(credential.issuer_signed, "IssuerSigned")
    unprotected = issuer_signed["issuerAuth"][1]
    issuer_signed["issuerAuth"] = cose.make_sign1(
        issuer.key, cose.tagged(cose.dumps(mso)), unprotected=unprotected
    )
    if items is not None:
        issuer_signed["nameSpaces"] = items
    return test_issuer.MdocCredential(
        cose.dumps(issuer_signed),
        credential.holder_key,
        credential.valid_from,
        credential.valid_until,
        credential.doc_type,
    )


def hex_bytes(path: Path) -> bytes:
    return bytes.fromhex(path.read_text().strip())


def std_b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def days(n: int) -> timedelta:
    return timedelta(days=n)
