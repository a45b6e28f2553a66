"""Strict CBOR and the COSE pieces mdoc needs (RFC 9052/9053): Sign1, Mac0, EC2/OKP keys.

CBOR is decoded with definite lengths only, no duplicate map keys, bounded depth and no trailing
bytes. Sig_structure and MAC_structure are built from the exact protected-header bytes received.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from perisai.age.errors import Reason, fail
from perisai.age.jose import Algorithm, PrivateKey, PublicKey, sign

MAX_DEPTH = 32
COSE_SIGN1_TAG = 18
COSE_MAC0_TAG = 17
ENCODED_CBOR_TAG = 24
HEADER_ALG = 1
HEADER_CRIT = 2
HEADER_X5CHAIN = 33
HMAC_256_256 = 5
# COSE algorithm → JWS name (the signature formats are the same raw r||s / Ed25519 bytes).
SIGN_ALGS: dict[int, str] = {-7: "ES256", -35: "ES384", -36: "ES512", -8: "EdDSA"}
_CURVES = {1: (ec.SECP256R1(), 32), 2: (ec.SECP384R1(), 48), 3: (ec.SECP521R1(), 66)}
_CURVE_IDS = {"secp256r1": 1, "secp384r1": 2, "secp521r1": 3}


def loads(data: bytes, what: str) -> Any:
    """Decode exactly one strict CBOR item from `data`."""
    stream = io.BytesIO(data)
    decoder = cbor2.CBORDecoder(
        stream, allow_indefinite=False, allow_duplicate_keys=False, max_depth=MAX_DEPTH
    )
    try:
        value = decoder.decode()
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise fail(Reason.MALFORMED, f"{what} is not strict CBOR ({exc})") from None
    if stream.tell() != len(data):
        raise fail(Reason.MALFORMED, f"{what} has trailing bytes")
    return value


def dumps(value: Any) -> bytes:
    return cbor2.dumps(value)


def embedded(value: object, what: str) -> bytes:
    """The bytes inside `#6.24(bstr)` (encoded CBOR data item)."""
    if (
        not isinstance(value, cbor2.CBORTag)
        or value.tag != ENCODED_CBOR_TAG
        or not isinstance(value.value, bytes)
    ):
        raise fail(Reason.MALFORMED, f"{what} is not #6.24(bstr .cbor)")
    return value.value


def tag24(data: bytes) -> cbor2.CBORTag:
    return cbor2.CBORTag(ENCODED_CBOR_TAG, data)


def tagged(data: bytes) -> bytes:
    """The encoding of `#6.24(bstr)` around `data`."""
    return dumps(cbor2.CBORTag(ENCODED_CBOR_TAG, data))


def require_map(value: object, what: str, required: set[Any], optional: set[Any]) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise fail(Reason.MALFORMED, f"{what} is not a map")
    keys = set(value)
    if not required <= keys or not keys <= required | optional:
        raise fail(Reason.MALFORMED, f"{what} members are not the expected ones")
    return value


@dataclass(frozen=True)
class CoseMessage:
    protected_bytes: bytes
    protected: dict[Any, Any]
    unprotected: dict[Any, Any]
    payload: bytes | None
    tail: bytes  # the signature or the MAC tag


def parse_message(value: object, tag: int, what: str) -> CoseMessage:
    if isinstance(value, cbor2.CBORTag):
        if value.tag != tag:
            raise fail(Reason.MALFORMED, f"{what} has the wrong COSE tag")
        value = value.value
    if not isinstance(value, list) or len(value) != 4:
        raise fail(Reason.MALFORMED, f"{what} is not a 4-element COSE array")
    protected_bytes, unprotected, payload, tail = value
    if not isinstance(protected_bytes, bytes) or not isinstance(unprotected, dict):
        raise fail(Reason.MALFORMED, f"{what} headers are malformed")
    if not (payload is None or isinstance(payload, bytes)) or not isinstance(tail, bytes):
        raise fail(Reason.MALFORMED, f"{what} payload or signature is malformed")
    protected = loads(protected_bytes, f"{what} protected header") if protected_bytes else {}
    if not isinstance(protected, dict):
        raise fail(Reason.MALFORMED, f"{what} protected header is not a map")
    if HEADER_CRIT in protected or HEADER_CRIT in unprotected:
        raise fail(Reason.MALFORMED, f"{what} has critical headers we do not understand")
    if HEADER_ALG in unprotected or set(protected) & set(unprotected):
        raise fail(Reason.MALFORMED, f"{what} has the algorithm or a header in both buckets")
    return CoseMessage(protected_bytes, protected, unprotected, payload, tail)


def sign1_structure(protected_bytes: bytes, payload: bytes) -> bytes:
    return dumps(["Signature1", protected_bytes, b"", payload])


def verify_sign1(
    message: CoseMessage, key: PublicKey, payload: bytes, allowed: frozenset[str], what: str
) -> None:
    """Check a COSE_Sign1 signature over `payload` (the attached or the detached one)."""
    alg = SIGN_ALGS.get(message.protected.get(HEADER_ALG))  # type: ignore[arg-type]
    if alg is None or alg not in allowed:
        raise fail(Reason.ALG_NOT_ALLOWED, f"{what} algorithm is not allowed")
    if not Algorithm(alg).verify(
        key, message.tail, sign1_structure(message.protected_bytes, payload)
    ):
        reason = (
            Reason.ISSUER_SIGNATURE_INVALID if what == "issuerAuth" else Reason.DEVICE_AUTH_INVALID
        )
        raise fail(reason, f"{what} signature does not verify")


def verify_mac0(message: CoseMessage, mac_key: bytes, payload: bytes) -> None:
    if message.protected.get(HEADER_ALG) != HMAC_256_256:
        raise fail(Reason.ALG_NOT_ALLOWED, "deviceMac algorithm is not HMAC 256/256")
    structure = dumps(["MAC0", message.protected_bytes, b"", payload])
    expected = hmac.new(mac_key, structure, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, message.tail):
        raise fail(Reason.DEVICE_AUTH_INVALID, "deviceMac does not verify")


def make_sign1(
    key: PrivateKey,
    payload: bytes | None,
    detached: bytes | None = None,
    unprotected: dict[Any, Any] | None = None,
) -> list[Any]:
    """A COSE_Sign1 (untagged, as mdoc uses it); `detached` is signed when payload is None."""
    from perisai.age.jose import alg_for_key

    cose_alg = {v: k for k, v in SIGN_ALGS.items()}[alg_for_key(key)]
    protected_bytes = dumps({HEADER_ALG: cose_alg})
    signed = payload if payload is not None else detached
    assert signed is not None
    signature = sign(alg_for_key(key), key, sign1_structure(protected_bytes, signed))
    return [protected_bytes, unprotected or {}, payload, signature]


def make_mac0(mac_key: bytes, detached: bytes) -> list[Any]:
    protected_bytes = dumps({HEADER_ALG: HMAC_256_256})
    structure = dumps(["MAC0", protected_bytes, b"", detached])
    return [protected_bytes, {}, None, hmac.new(mac_key, structure, hashlib.sha256).digest()]


# --- keys ------------------------------------------------------------------------------------


def public_key_from_cose(value: object) -> PublicKey:
    """An EC2 (P-256/384/521) or OKP Ed25519 COSE_Key; other kinds and private keys refused."""
    if not isinstance(value, dict):
        raise fail(Reason.MALFORMED, "device key is not a COSE_Key map")
    if -4 in value:
        raise fail(Reason.MALFORMED, "device key holds a private key")
    kty, crv, x = value.get(1), value.get(-1), value.get(-2)
    try:
        if kty == 2 and crv in _CURVES:
            curve, size = _CURVES[crv]
            y = value.get(-3)
            if not (isinstance(x, bytes) and isinstance(y, bytes) and len(x) == len(y) == size):
                raise fail(Reason.MALFORMED, "EC2 device key coordinates are malformed")
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, b"\x04" + x + y)
        if kty == 1 and crv == 6 and isinstance(x, bytes) and len(x) == 32:
            return ed25519.Ed25519PublicKey.from_public_bytes(x)
    except ValueError as exc:
        raise fail(Reason.MALFORMED, f"device key is not a valid key ({exc})") from None
    raise fail(Reason.MALFORMED, "device key type is not supported")


def cose_from_public_key(key: PublicKey) -> dict[int, Any]:
    if isinstance(key, ed25519.Ed25519PublicKey):
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        return {1: 1, -1: 6, -2: key.public_bytes(Encoding.Raw, PublicFormat.Raw)}
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("only EC and Ed25519 keys have a COSE form here")
    crv = _CURVE_IDS[key.curve.name]
    size = _CURVES[crv][1]
    numbers = key.public_numbers()
    return {1: 2, -1: crv, -2: numbers.x.to_bytes(size, "big"), -3: numbers.y.to_bytes(size, "big")}
