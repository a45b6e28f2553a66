"""Which issuers a verifier believes: public JWKs, X.509 roots, and pinned certificates.

A certificate that is a CA (basicConstraints cA=true) is a root: a presented chain (SD-JWT `x5c`,
mdoc `x5chain`) must lead to it, checked by `cryptography`'s path builder at the verification
time. Any other certificate is pinned: the presented leaf must be byte-for-byte that certificate
and valid at the verification time. Keys a token brings itself (`jwk`, `jku`, `x5u`) are never
trusted, and nothing is fetched.
"""

from __future__ import annotations

import base64
import binascii
import json
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification

from perisai.age.errors import AgeProofError, Reason, fail
from perisai.age.jose import PublicKey, jwk_from_public_key, public_key_from_jwk

MAX_CHAIN = 5
MAX_TRUST_FILE_BYTES = 1_048_576
MAX_CACHED_CHAINS = 256


@dataclass(frozen=True)
class TrustedKey:
    key: PublicKey
    kid: str | None = None


@dataclass
class TrustList:
    keys: list[TrustedKey] = field(default_factory=list)
    roots: list[x509.Certificate] = field(default_factory=list)
    pinned: list[x509.Certificate] = field(default_factory=list)
    # Chains already checked: DERs → (leaf key, leaf, the window in which every certificate of
    # the path is valid). A chain is re-checked at a time outside its window.
    _checked: dict[tuple[bytes, ...], tuple[PublicKey, x509.Certificate, datetime, datetime]] = (
        field(default_factory=dict, repr=False, compare=False)
    )

    def __bool__(self) -> bool:
        return bool(self.keys or self.roots or self.pinned)

    def add_jwk(self, jwk: object) -> None:
        kid = jwk.get("kid") if isinstance(jwk, dict) else None
        self.keys.append(
            TrustedKey(public_key_from_jwk(jwk), kid if isinstance(kid, str) else None)
        )

    def add_certificate(self, cert: x509.Certificate) -> None:
        if _is_ca(cert):
            self.roots.append(cert)
        else:
            self.pinned.append(cert)

    # --- look-ups -------------------------------------------------------------------------

    def jws_keys(self, header: dict[str, Any], now: datetime) -> list[PublicKey]:
        """Candidate keys for a JWS header: its `x5c` chain's leaf, else the configured JWKs."""
        if "x5c" in header:
            return [self._x5c_key(_x5c_ders(header["x5c"]), now)]
        kid = header.get("kid")
        matching = [k.key for k in self.keys if kid is None or k.kid is None or k.kid == kid]
        if not matching:
            raise fail(Reason.UNTRUSTED_ISSUER, "no trusted issuer key matches the header")
        return matching

    def _x5c_key(self, ders: list[bytes], now: datetime) -> PublicKey:
        """The chain's leaf key; a leaf whose key is a configured JWK needs no root."""
        try:
            return self.chain_key(ders, now)
        except AgeProofError:
            leaf = _leaf_with_trusted_key(ders[:1], self.keys, now)
            if leaf is None:
                raise
            return leaf

    def chain_key(self, ders: Sequence[bytes], now: datetime) -> PublicKey:
        """The leaf's public key once the chain is pinned or leads to a root, valid at `now`."""
        return self.chain_key_and_leaf(ders, now)[0]

    def chain_key_and_leaf(
        self, ders: Sequence[bytes], now: datetime
    ) -> tuple[PublicKey, x509.Certificate]:
        if not ders or len(ders) > MAX_CHAIN:
            raise fail(Reason.CERTIFICATE_INVALID, "certificate chain is empty or too long")
        cache_key = tuple(ders)
        known = self._checked.get(cache_key)
        if known is not None and known[2] <= now <= known[3]:
            return known[0], known[1]
        certs = [_load_der(der) for der in ders]
        leaf = certs[0]
        if any(leaf == pinned for pinned in self.pinned):
            _check_validity(leaf, now)
            path = [leaf]
        elif self.roots:
            path = _check_path(leaf, certs[1:], self.roots, now)
        else:
            raise fail(Reason.UNTRUSTED_ISSUER, "certificate is neither pinned nor under a root")
        _check_leaf_usage(leaf)
        key = leaf.public_key()
        if not isinstance(
            key, ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | rsa.RSAPublicKey
        ):
            raise fail(Reason.CERTIFICATE_INVALID, "certificate key type is not supported")
        if len(self._checked) >= MAX_CACHED_CHAINS:
            self._checked.clear()
        start = max(cert.not_valid_before_utc for cert in path)
        end = min(cert.not_valid_after_utc for cert in path)
        self._checked[cache_key] = (key, leaf, start, end)
        return key, leaf

    def describe(self) -> list[str]:
        return (
            [f"jwk {json.dumps(jwk_from_public_key(k.key), sort_keys=True)}" for k in self.keys]
            + [f"root {c.subject.rfc4514_string()}" for c in self.roots]
            + [f"pinned {c.subject.rfc4514_string()}" for c in self.pinned]
        )


def _load_der(der: bytes) -> x509.Certificate:
    """A DER certificate; what `cryptography` only warns about (a negative serial) is refused."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", CryptographyDeprecationWarning)
        try:
            return x509.load_der_x509_certificate(der)
        # A mangled version field raises InvalidVersion, which is not a ValueError.
        except (ValueError, x509.InvalidVersion, CryptographyDeprecationWarning):
            raise fail(Reason.CERTIFICATE_INVALID, "certificate is not strict DER X.509") from None


def _leaf_with_trusted_key(
    ders: list[bytes], keys: list[TrustedKey], now: datetime
) -> PublicKey | None:
    try:
        leaf = _load_der(ders[0])
    except (AgeProofError, IndexError):
        return None
    key = leaf.public_key()
    if any(key == trusted.key for trusted in keys):
        _check_validity(leaf, now)
        _check_leaf_usage(leaf)
        return key  # type: ignore[return-value]
    return None


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _check_validity(cert: x509.Certificate, now: datetime) -> None:
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise fail(Reason.CERTIFICATE_INVALID, "certificate is not valid at the verification time")


def _check_path(
    leaf: x509.Certificate,
    intermediates: list[x509.Certificate],
    roots: list[x509.Certificate],
    now: datetime,
) -> list[x509.Certificate]:
    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store(roots))
        .time(now)
        .max_chain_depth(MAX_CHAIN)
        .extension_policies(
            ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
            ee_policy=verification.ExtensionPolicy.permit_all(),
        )
        .build_client_verifier()
    )
    try:
        return list(verifier.verify(leaf, intermediates).chain)
    except verification.VerificationError as exc:
        raise fail(Reason.CERTIFICATE_INVALID, f"certificate chain: {exc}") from None


def _check_leaf_usage(leaf: x509.Certificate) -> None:
    if _is_ca(leaf):
        raise fail(Reason.CERTIFICATE_INVALID, "a CA certificate may not sign presentations")
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not usage.digital_signature:
        raise fail(Reason.CERTIFICATE_INVALID, "certificate key usage excludes signatures")


def _x5c_ders(value: object) -> list[bytes]:
    """RFC 7515 `x5c`: a list of standard-base64 DER certificates."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail(Reason.MALFORMED, "x5c is not a list of strings")
    try:
        return [base64.b64decode(item, validate=True) for item in value]
    except (binascii.Error, ValueError):
        raise fail(Reason.MALFORMED, "x5c holds something that is not base64") from None


# --- loading ----------------------------------------------------------------------------------


class TrustFileError(ValueError):
    """A trust file is unreadable or holds no usable key or certificate."""


def load_trust_files(paths: Iterable[Path]) -> TrustList:
    trust = TrustList()
    for path in paths:
        add_trust_file(trust, path)
    return trust


def add_trust_file(trust: TrustList, path: Path) -> None:
    """Add a JWK, a JWK set, or PEM/DER certificate(s) from `path`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrustFileError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > MAX_TRUST_FILE_BYTES:
        raise TrustFileError(f"{path}: larger than {MAX_TRUST_FILE_BYTES} bytes")
    try:
        add_trust_bytes(trust, data)
    except (AgeProofError, ValueError) as exc:
        raise TrustFileError(f"{path}: {exc}") from None


def add_trust_bytes(trust: TrustList, data: bytes) -> None:
    stripped = data.strip()
    if stripped.startswith(b"{"):
        from perisai.age.encoding import json_object

        document = json_object(stripped, "trust file")
        jwks = document.get("keys")
        for jwk in jwks if isinstance(jwks, list) else [document]:
            trust.add_jwk(jwk)
        return
    try:
        if b"-----BEGIN CERTIFICATE-----" in stripped:
            for cert in x509.load_pem_x509_certificates(stripped):
                trust.add_certificate(cert)
            return
        trust.add_certificate(x509.load_der_x509_certificate(data))
    except (ValueError, x509.InvalidVersion):
        raise ValueError("neither a JWK (JSON) nor a PEM/DER certificate") from None
