"""JWS algorithms and JWKs on `cryptography`: an allow-list, never `none`, keys matched to algs.

Signatures are checked over exact bytes; an ECDSA signature must be the fixed-length r||s of its
curve (RFC 7518 section 3.4), so no other encoding of the same values is accepted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from perisai.age.encoding import b64url_decode, b64url_encode
from perisai.age.errors import Reason, fail

PublicKey = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | rsa.RSAPublicKey
PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey

_CURVES: dict[str, tuple[ec.EllipticCurve, int]] = {
    "P-256": (ec.SECP256R1(), 32),
    "P-384": (ec.SECP384R1(), 48),
    "P-521": (ec.SECP521R1(), 66),
}
_EC_ALGS = {"ES256": ("P-256", hashes.SHA256), "ES384": ("P-384", hashes.SHA384)}
_EC_ALGS["ES512"] = ("P-521", hashes.SHA512)
_RSA_HASHES: dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    "256": hashes.SHA256,
    "384": hashes.SHA384,
    "512": hashes.SHA512,
}
MIN_RSA_BITS = 2048
MAX_RSA_BITS = 8192  # bounds the work one presentation can ask for

ALL_ALGS = frozenset(
    {"ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "RS384", "RS512"}
    | {"PS256", "PS384", "PS512"}
)
# What the verifiers accept unless told otherwise: every asymmetric JWS algorithm we implement.
DEFAULT_ALGS = ALL_ALGS


def _coordinate(jwk: dict[str, Any], name: str, size: int) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise fail(Reason.MALFORMED, f"JWK lacks {name!r}")
    data = b64url_decode(value, f"JWK {name!r}")
    if len(data) != size:
        raise fail(Reason.MALFORMED, f"JWK {name!r} must be {size} bytes")
    return data


def _rsa_int(jwk: dict[str, Any], name: str) -> int:
    value = jwk.get(name)
    if not isinstance(value, str) or not value:
        raise fail(Reason.MALFORMED, f"JWK lacks {name!r}")
    return int.from_bytes(b64url_decode(value, f"JWK {name!r}"), "big")


def public_key_from_jwk(jwk: object) -> PublicKey:
    """A public key from a JWK (EC P-256/384/521, OKP Ed25519, RSA ≥ 2048); private JWKs refused."""
    if not isinstance(jwk, dict):
        raise fail(Reason.MALFORMED, "JWK is not an object")
    if "d" in jwk or "p" in jwk:
        raise fail(Reason.MALFORMED, "JWK holds a private key; give the public key only")
    kty = jwk.get("kty")
    try:
        if kty == "EC":
            crv = jwk.get("crv")
            if crv not in _CURVES:
                raise fail(Reason.MALFORMED, f"unsupported EC curve {crv!r}")
            curve, size = _CURVES[crv]
            point = b"\x04" + _coordinate(jwk, "x", size) + _coordinate(jwk, "y", size)
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
        if kty == "OKP":
            if jwk.get("crv") != "Ed25519":
                raise fail(Reason.MALFORMED, f"unsupported OKP curve {jwk.get('crv')!r}")
            return ed25519.Ed25519PublicKey.from_public_bytes(_coordinate(jwk, "x", 32))
        if kty == "RSA":
            exponent, modulus = _rsa_int(jwk, "e"), _rsa_int(jwk, "n")
            if not MIN_RSA_BITS <= modulus.bit_length() <= MAX_RSA_BITS or exponent >= 2**32:
                raise fail(Reason.MALFORMED, f"RSA key outside {MIN_RSA_BITS}–{MAX_RSA_BITS} bits")
            return rsa.RSAPublicNumbers(exponent, modulus).public_key()
    except ValueError as exc:
        raise fail(Reason.MALFORMED, f"JWK is not a valid key ({exc})") from None
    raise fail(Reason.MALFORMED, f"unsupported JWK kty {kty!r}")


def jwk_from_public_key(key: PublicKey) -> dict[str, str]:
    if isinstance(key, ec.EllipticCurvePublicKey):
        name = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}[key.curve.name]
        size = _CURVES[name][1]
        numbers = key.public_numbers()
        x, y = numbers.x.to_bytes(size, "big"), numbers.y.to_bytes(size, "big")
        return {"kty": "EC", "crv": name, "x": b64url_encode(x), "y": b64url_encode(y)}
    if isinstance(key, ed25519.Ed25519PublicKey):
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    rsa_numbers = key.public_numbers()
    n = rsa_numbers.n.to_bytes((rsa_numbers.n.bit_length() + 7) // 8, "big")
    e = rsa_numbers.e.to_bytes((rsa_numbers.e.bit_length() + 7) // 8, "big")
    return {"kty": "RSA", "n": b64url_encode(n), "e": b64url_encode(e)}


def jwk_thumbprint(jwk: dict[str, str]) -> bytes:
    """RFC 7638 SHA-256 thumbprint of a public JWK."""
    members = {"EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x"), "RSA": ("e", "kty", "n")}
    required = {name: jwk[name] for name in members[jwk["kty"]]}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).digest()


@dataclass(frozen=True)
class Algorithm:
    name: str

    def verify(self, key: PublicKey, signature: bytes, signing_input: bytes) -> bool:
        """True when `signature` is this algorithm's signature by `key`; False otherwise."""
        try:
            return _verify(self.name, key, signature, signing_input)
        except InvalidSignature:
            return False


def _verify(alg: str, key: PublicKey, signature: bytes, signing_input: bytes) -> bool:
    if alg in _EC_ALGS:
        return _verify_ec(alg, key, signature, signing_input)
    if alg in ("EdDSA", "Ed25519"):
        if not isinstance(key, ed25519.Ed25519PublicKey):
            return False
        key.verify(signature, signing_input)
        return True
    if alg[:2] in ("RS", "PS") and alg[2:] in _RSA_HASHES:
        return _verify_rsa(alg, key, signature, signing_input)
    return False


def _verify_ec(alg: str, key: PublicKey, signature: bytes, signing_input: bytes) -> bool:
    crv, digest = _EC_ALGS[alg]
    curve, size = _CURVES[crv]
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != curve.name:
        return False
    if len(signature) != 2 * size:
        return False
    r = int.from_bytes(signature[:size], "big")
    s = int.from_bytes(signature[size:], "big")
    key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(digest()))
    return True


def _verify_rsa(alg: str, key: PublicKey, signature: bytes, signing_input: bytes) -> bool:
    if not isinstance(key, rsa.RSAPublicKey) or len(signature) != (key.key_size + 7) // 8:
        return False
    digest: hashes.HashAlgorithm = _RSA_HASHES[alg[2:]]()
    pad: padding.AsymmetricPadding = (
        padding.PKCS1v15()
        if alg.startswith("RS")
        else padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
    )
    key.verify(signature, signing_input, pad, digest)
    return True


def check_alg(alg: object, allowed: frozenset[str], what: str) -> Algorithm:
    """The header's algorithm if it is on the allow-list (`none` never is)."""
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in allowed:
        raise fail(Reason.ALG_NOT_ALLOWED, f"{what} algorithm {alg!r} is not allowed")
    if alg not in ALL_ALGS:
        raise fail(Reason.ALG_NOT_ALLOWED, f"{what} algorithm {alg!r} is not implemented")
    return Algorithm(alg)


def sign(alg: str, key: PrivateKey, signing_input: bytes) -> bytes:
    """A JWS signature (ES256/384/512 as raw r||s, or EdDSA) for the test issuer and holders."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        if alg not in ("EdDSA", "Ed25519"):
            raise ValueError(f"{alg} does not sign with Ed25519")
        return key.sign(signing_input)
    crv, digest = _EC_ALGS[alg]
    curve, size = _CURVES[crv]
    if key.curve.name != curve.name:
        raise ValueError(f"{alg} needs curve {crv}")
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(digest())))
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def alg_for_key(key: PrivateKey) -> str:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "EdDSA"
    return {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}[key.curve.name]
