"""A strict ISO/IEC 18013-5 mdoc verifier (section 9.3.1: mdoc authentication).

For each document of a DeviceResponse (or a bare IssuerSigned, when the caller allows it):

1. the DS certificate in the issuerAuth `x5chain` is pinned or chains to a configured IACA root,
   and is valid at the verification time;
2. the issuerAuth COSE_Sign1 verifies with it (ES256/384/512 or EdDSA);
3. the MSO: version 1.x, a supported digestAlgorithm, docType equal to the document's,
   signed within the certificate's validity, validFrom ≤ now < validUntil (bounded leeway);
4. every returned IssuerSignedItem: its namespace is in the MSO valueDigests, its digestID is
   there too and the digest of its IssuerSignedItemBytes (the tag-24 item as encoded) is equal;
   no digestID or element twice;
5. device authentication with the MSO's device key over DeviceAuthentication (the session
   transcript, docType and DeviceNameSpacesBytes): deviceSignature (COSE_Sign1, detached) or
   deviceMac (HMAC-SHA256 under EMacKey = HKDF-SHA256(ECDH(reader ephemeral key, device key),
   salt SHA-256(SessionTranscriptBytes), info "EMacKey")); device-signed elements must be
   authorised by the MSO keyAuthorizations (and are never used for answers).

Unknown members of the unsigned containers (DeviceResponse, Document, IssuerSigned,
DeviceSigned) are refused, so every byte of a response is either signed or checked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from perisai.age import ages, cose
from perisai.age.errors import Reason, VerifierConfigError, fail
from perisai.age.jose import PublicKey
from perisai.age.timecheck import check_leeway
from perisai.age.transcript import SessionTranscript
from perisai.age.trust import TrustList

MAX_RESPONSE_BYTES = 512 * 1024
MAX_DOCUMENTS = 8
MAX_ELEMENTS = 256
MIN_RANDOM_BYTES = 16
AGE_NAMESPACES = frozenset({"org.iso.18013.5.1", "eu.europa.ec.av.1", "eu.europa.ec.eudi.pid.1"})
DEFAULT_ALGS = frozenset({"ES256", "ES384", "ES512", "EdDSA"})
_DIGESTS: dict[str, Callable[[bytes], Any]] = {
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}

DeviceAuth = Literal["ok", "not checked"]


@dataclass(frozen=True)
class MdocPolicy:
    algs: frozenset[str] = DEFAULT_ALGS
    allow_issuer_signed: bool = False
    leeway: int = 60

    def __post_init__(self) -> None:
        check_leeway(self.leeway)


@dataclass(frozen=True)
class MdocVerified:
    doc_types: tuple[str, ...]
    age_over: dict[str, bool]
    device_auth: DeviceAuth
    elements: int


@dataclass
class _Document:
    doc_type: str | None  # None for a bare IssuerSigned (the MSO's is used)
    issuer_signed: dict[str, Any]
    device_signed: dict[str, Any] | None


@dataclass
class _Mso:
    doc_type: str
    digest: Callable[[bytes], Any]
    value_digests: dict[str, dict[int, bytes]]
    device_key: PublicKey
    key_authorizations: dict[str, Any] = field(default_factory=dict)


# --- containers ------------------------------------------------------------------------------


def _documents(value: object, policy: MdocPolicy) -> list[_Document]:
    if isinstance(value, dict) and "issuerAuth" in value:
        if not policy.allow_issuer_signed:
            raise fail(
                Reason.ISSUER_SIGNED_ONLY, "a bare IssuerSigned has no device authentication"
            )
        return [_Document(None, value, None)]
    response = cose.require_map(
        value, "DeviceResponse", {"version", "status"}, {"documents", "documentErrors"}
    )
    if response["version"] != "1.0" or response["status"] != 0:
        raise fail(Reason.MALFORMED, "DeviceResponse version must be '1.0' and status 0")
    if "documentErrors" in response:
        raise fail(Reason.MALFORMED, "DeviceResponse reports document errors")
    documents = response.get("documents")
    if not isinstance(documents, list) or not 0 < len(documents) <= MAX_DOCUMENTS:
        raise fail(Reason.MALFORMED, f"DeviceResponse must hold 1 to {MAX_DOCUMENTS} documents")
    found = []
    for document in documents:
        doc = cose.require_map(document, "Document", {"docType", "issuerSigned"}, {"deviceSigned"})
        if not isinstance(doc["docType"], str):
            raise fail(Reason.MALFORMED, "docType is not a string")
        found.append(_Document(doc["docType"], doc["issuerSigned"], doc.get("deviceSigned")))
    return found


# --- issuer data authentication --------------------------------------------------------------


def _x5chain(message: cose.CoseMessage) -> list[bytes]:
    chain = message.unprotected.get(cose.HEADER_X5CHAIN, message.protected.get(cose.HEADER_X5CHAIN))
    if isinstance(chain, bytes):
        return [chain]
    if isinstance(chain, list) and chain and all(isinstance(c, bytes) for c in chain):
        return chain
    raise fail(Reason.CERTIFICATE_INVALID, "issuerAuth has no x5chain")


def _time(value: object, what: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise fail(Reason.MALFORMED, f"MSO {what} is not a tdate")
    return value


def _mso(
    document: _Document, trust: TrustList, now: datetime, policy: MdocPolicy
) -> tuple[_Mso, dict[str, list[Any]]]:
    issuer_signed = cose.require_map(
        document.issuer_signed, "IssuerSigned", {"issuerAuth"}, {"nameSpaces"}
    )
    message = cose.parse_message(issuer_signed["issuerAuth"], cose.COSE_SIGN1_TAG, "issuerAuth")
    if message.payload is None:
        raise fail(Reason.MALFORMED, "issuerAuth has no MSO payload")
    key, certificate = trust.chain_key_and_leaf(_x5chain(message), now)
    cose.verify_sign1(message, key, message.payload, policy.algs, "issuerAuth")
    mso = cose.loads(cose.embedded(cose.loads(message.payload, "MSO"), "MSO"), "MSO")
    parsed = _parse_mso(mso, certificate.not_valid_before_utc, certificate.not_valid_after_utc)
    _check_validity(mso["validityInfo"], now, policy.leeway)
    if document.doc_type is not None and document.doc_type != parsed.doc_type:
        raise fail(Reason.DOCTYPE_MISMATCH, "the document's docType is not the MSO's")
    namespaces = issuer_signed.get("nameSpaces", {})
    if not isinstance(namespaces, dict):
        raise fail(Reason.MALFORMED, "IssuerNameSpaces is not a map")
    return parsed, namespaces


def _parse_mso(mso: object, cert_from: datetime, cert_until: datetime) -> _Mso:
    body = cose.require_map(
        mso,
        "MSO",
        {"version", "digestAlgorithm", "valueDigests", "deviceKeyInfo", "docType", "validityInfo"},
        {"status", "revocation"},
    )
    if not isinstance(body["version"], str) or not body["version"].startswith("1."):
        raise fail(Reason.MALFORMED, "MSO version is not 1.x")
    digest = _DIGESTS.get(body["digestAlgorithm"])
    if digest is None:
        raise fail(Reason.DIGEST_ALG_UNSUPPORTED, "MSO digestAlgorithm is not supported")
    if not isinstance(body["docType"], str):
        raise fail(Reason.MALFORMED, "MSO docType is not a string")
    signed = _time(
        cose.require_map(
            body["validityInfo"],
            "validityInfo",
            {"signed", "validFrom", "validUntil"},
            {"expectedUpdate"},
        )["signed"],
        "signed",
    )
    if not cert_from <= signed <= cert_until:
        raise fail(
            Reason.CERTIFICATE_INVALID, "MSO was signed outside the DS certificate's validity"
        )
    key_info = cose.require_map(
        body["deviceKeyInfo"], "deviceKeyInfo", {"deviceKey"}, {"keyAuthorizations", "keyInfo"}
    )
    authorizations = key_info.get("keyAuthorizations", {})
    if not isinstance(authorizations, dict):
        raise fail(Reason.MALFORMED, "keyAuthorizations is not a map")
    return _Mso(
        doc_type=body["docType"],
        digest=digest,
        value_digests=_value_digests(body["valueDigests"]),
        device_key=cose.public_key_from_cose(key_info["deviceKey"]),
        key_authorizations=authorizations,
    )


def _value_digests(value: object) -> dict[str, dict[int, bytes]]:
    if not isinstance(value, dict):
        raise fail(Reason.MALFORMED, "valueDigests is not a map")
    for namespace, digests in value.items():
        if (
            not isinstance(namespace, str)
            or not isinstance(digests, dict)
            or not all(
                isinstance(k, int) and k >= 0 and isinstance(v, bytes) for k, v in digests.items()
            )
        ):
            raise fail(Reason.MALFORMED, "valueDigests is not {namespace: {uint: bstr}}")
    return value


def _check_validity(info: dict[str, Any], now: datetime, leeway: int) -> None:
    signed, valid_from = _time(info["signed"], "signed"), _time(info["validFrom"], "validFrom")
    valid_until = _time(info["validUntil"], "validUntil")
    if not signed <= valid_from < valid_until:
        raise fail(Reason.MALFORMED, "MSO validity must be signed ≤ validFrom < validUntil")
    margin = timedelta(seconds=leeway)
    if now + margin < valid_from:
        raise fail(Reason.NOT_YET_VALID, "MSO is not valid yet")
    if now - margin >= valid_until:
        raise fail(Reason.EXPIRED, "MSO has expired")


def _elements(mso: _Mso, namespaces: dict[str, list[Any]]) -> list[tuple[str, str, Any]]:
    """(namespace, identifier, value) of every returned element, each digest checked."""
    found: list[tuple[str, str, Any]] = []
    for namespace, items in namespaces.items():
        expected = mso.value_digests.get(namespace) if isinstance(namespace, str) else None
        if expected is None:
            raise fail(Reason.NAMESPACE_NOT_IN_MSO, "a returned namespace is not in the MSO")
        if not isinstance(items, list) or not items:
            raise fail(Reason.MALFORMED, "a namespace's items are not a non-empty list")
        ids: set[int] = set()
        names: set[str] = set()
        for item in items:
            digest_id, name, value = _item(item, mso, expected)
            if digest_id in ids or name in names:
                raise fail(Reason.ELEMENT_DUPLICATE, "an element or digestID is returned twice")
            ids.add(digest_id)
            names.add(name)
            found.append((namespace, name, value))
            if len(found) > MAX_ELEMENTS:
                raise fail(Reason.TOO_LARGE, f"more than {MAX_ELEMENTS} elements")
    return found


def _item(item: object, mso: _Mso, expected: dict[int, bytes]) -> tuple[int, str, Any]:
    raw = cose.embedded(item, "IssuerSignedItemBytes")
    body = cose.require_map(
        cose.loads(raw, "IssuerSignedItem"),
        "IssuerSignedItem",
        {"digestID", "random", "elementIdentifier", "elementValue"},
        set(),
    )
    digest_id, random, name = body["digestID"], body["random"], body["elementIdentifier"]
    if not isinstance(digest_id, int) or isinstance(digest_id, bool) or digest_id < 0:
        raise fail(Reason.MALFORMED, "digestID is not an unsigned integer")
    if not isinstance(random, bytes) or len(random) < MIN_RANDOM_BYTES:
        raise fail(Reason.MALFORMED, f"random is not a bstr of at least {MIN_RANDOM_BYTES} bytes")
    if not isinstance(name, str):
        raise fail(Reason.MALFORMED, "elementIdentifier is not a string")
    if digest_id not in expected:
        raise fail(Reason.DIGEST_NOT_IN_MSO, "an element's digestID is not in the MSO")
    if mso.digest(cose.tagged(raw)).digest() != expected[digest_id]:
        raise fail(Reason.DIGEST_MISMATCH, "an element's digest differs from the MSO's")
    return digest_id, name, body["elementValue"]


# --- device authentication -------------------------------------------------------------------


def _device_auth(
    document: _Document,
    doc_type: str,
    mso: _Mso,
    transcript: SessionTranscript | None,
    reader_key: ec.EllipticCurvePrivateKey | None,
    policy: MdocPolicy,
) -> None:
    if document.device_signed is None:
        raise fail(Reason.DEVICE_AUTH_MISSING, "the document has no deviceSigned")
    signed = cose.require_map(
        document.device_signed, "DeviceSigned", {"nameSpaces", "deviceAuth"}, set()
    )
    namespaces_bytes = cose.embedded(signed["nameSpaces"], "DeviceNameSpacesBytes")
    _check_device_namespaces(cose.loads(namespaces_bytes, "DeviceNameSpaces"), mso)
    auth = signed["deviceAuth"]
    if not isinstance(auth, dict) or len(auth) != 1:
        raise fail(Reason.MALFORMED, "deviceAuth must hold exactly one of signature or MAC")
    if transcript is None:
        raise VerifierConfigError("device authentication needs the session transcript")
    detached = device_authentication_bytes(transcript, doc_type, namespaces_bytes)
    if "deviceSignature" in auth:
        message = cose.parse_message(
            auth["deviceSignature"], cose.COSE_SIGN1_TAG, "deviceSignature"
        )
        if message.payload is not None:
            raise fail(Reason.MALFORMED, "deviceSignature payload must be detached (null)")
        cose.verify_sign1(message, mso.device_key, detached, policy.algs, "deviceSignature")
    elif "deviceMac" in auth:
        message = cose.parse_message(auth["deviceMac"], cose.COSE_MAC0_TAG, "deviceMac")
        if message.payload is not None:
            raise fail(Reason.MALFORMED, "deviceMac payload must be detached (null)")
        if reader_key is None:
            raise VerifierConfigError("a deviceMac needs the reader's ephemeral private key")
        cose.verify_mac0(message, emac_key(reader_key, mso.device_key, transcript), detached)
    else:
        raise fail(Reason.MALFORMED, "deviceAuth holds neither deviceSignature nor deviceMac")


def device_authentication_bytes(
    transcript: SessionTranscript, doc_type: str, namespaces_bytes: bytes
) -> bytes:
    """DeviceAuthenticationBytes, with the transcript spliced in as given (not re-encoded)."""
    body = (
        b"\x84"
        + cose.dumps("DeviceAuthentication")
        + transcript.raw
        + cose.dumps(doc_type)
        + cose.tagged(namespaces_bytes)
    )
    return cose.tagged(body)


def emac_key(
    reader_key: ec.EllipticCurvePrivateKey, device_key: PublicKey, transcript: SessionTranscript
) -> bytes:
    if not isinstance(device_key, ec.EllipticCurvePublicKey) or (
        device_key.curve.name != reader_key.curve.name
    ):
        raise fail(Reason.DEVICE_AUTH_INVALID, "the device key cannot agree a MAC key with ours")
    shared = reader_key.exchange(ec.ECDH(), device_key)
    salt = hashlib.sha256(transcript.tagged).digest()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"EMacKey").derive(shared)


def _check_device_namespaces(value: object, mso: _Mso) -> None:
    if not isinstance(value, dict):
        raise fail(Reason.MALFORMED, "DeviceNameSpaces is not a map")
    allowed_namespaces = mso.key_authorizations.get("nameSpaces", [])
    allowed_elements = mso.key_authorizations.get("dataElements", {})
    for namespace, elements in value.items():
        if not isinstance(elements, dict):
            raise fail(Reason.MALFORMED, "DeviceSignedItems is not a map")
        if isinstance(allowed_namespaces, list) and namespace in allowed_namespaces:
            continue
        listed = allowed_elements.get(namespace, []) if isinstance(allowed_elements, dict) else []
        if not all(isinstance(listed, list) and name in listed for name in elements):
            raise fail(
                Reason.DEVICE_ELEMENT_NOT_AUTHORISED, "a device-signed element is not authorised"
            )


# --- the entry point -------------------------------------------------------------------------


def verify_mdoc(
    data: bytes,
    *,
    trust: TrustList,
    now: datetime,
    transcript: SessionTranscript | None = None,
    reader_key: ec.EllipticCurvePrivateKey | None = None,
    policy: MdocPolicy | None = None,
) -> MdocVerified:
    """Verify a DeviceResponse (or a bare IssuerSigned when the policy allows it)."""
    policy = policy or MdocPolicy()
    if len(data) > MAX_RESPONSE_BYTES:
        raise fail(Reason.TOO_LARGE, f"mdoc response is larger than {MAX_RESPONSE_BYTES} bytes")
    documents = _documents(cose.loads(data, "mdoc response"), policy)
    doc_types: list[str] = []
    elements: list[tuple[str, object]] = []
    device_auth: DeviceAuth = "ok"
    for document in documents:
        mso, namespaces = _mso(document, trust, now, policy)
        found = _elements(mso, namespaces)
        if document.doc_type is None:
            device_auth = "not checked"
        else:
            _device_auth(document, mso.doc_type, mso, transcript, reader_key, policy)
        doc_types.append(mso.doc_type)
        elements.extend((name, value) for ns, name, value in found if ns in AGE_NAMESPACES)
    return MdocVerified(
        doc_types=tuple(doc_types),
        age_over=ages.from_mdoc_elements(elements),
        device_auth=device_auth,
        elements=len(elements),
    )
