"""A strict SD-JWT / SD-JWT VC verifier (RFC 9901 section 7, SD-JWT VC draft 18).

Compact (`<JWT>~<D1>~...~<Dn>~[<KB-JWT>]`) and JSON serialisations (flattened and general,
RFC 9901 section 8). Every check the RFC asks for is made and fails closed:

- the issuer-signed JWT: an allow-listed algorithm (never `none`), an explicit `typ`, no `crit`,
  a signature by a trusted key (configured JWK, or an `x5c` chain to a configured root/pin);
- disclosures: canonical base64url, strict JSON, 2 or 3 elements, a string salt; each one
  referenced exactly once (directly or from another disclosure: recursive disclosures), no digest
  twice, never the claim names `_sd` or `...`, never a name that already exists, array-element
  disclosures only in arrays; `_sd_alg` sha-256/384/512;
- `exp`/`nbf`/`iat` of the processed payload with a bounded leeway (`exp` required by default);
- key binding (required by default): `typ` `kb+jwt`, a signature by `cnf.jwk`, the expected
  nonce, one audience equal to the expected one, `iat` within the allowed window, and `sd_hash`
  over the presented SD-JWT.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from perisai.age import ages
from perisai.age.encoding import b64url_decode, b64url_encode, json_object, strict_json
from perisai.age.errors import Reason, VerifierConfigError, fail
from perisai.age.jose import DEFAULT_ALGS, check_alg, public_key_from_jwk
from perisai.age.timecheck import check_leeway
from perisai.age.trust import TrustList

SD_JWT_VC_TYP = "dc+sd-jwt"
LEGACY_VC_TYP = "vc+sd-jwt"
KB_TYP = "kb+jwt"
MAX_PRESENTATION_BYTES = 64 * 1024
MAX_DISCLOSURES = 200
MAX_DEPTH = 16
_HASHES: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
_FORBIDDEN_NAMES = ("_sd", "...")
_JSON_UNPROTECTED = frozenset({"disclosures", "kb_jwt", "kid"})


@dataclass(frozen=True)
class SdJwtPolicy:
    """What the verifier accepts; the defaults are the strict choice."""

    algs: frozenset[str] = DEFAULT_ALGS
    kb_algs: frozenset[str] = DEFAULT_ALGS
    require_key_binding: bool = True
    require_expiry: bool = True
    # Only `dc+sd-jwt` (SD-JWT VC). When False, any explicit `application/<x>+sd-jwt` type
    # (RFC 9901 section 9.11) is accepted too, as in the RFC's own examples.
    vc_only: bool = False
    # `vc+sd-jwt` was SD-JWT VC's media type until draft 06; refused unless asked for.
    accept_legacy_vc_typ: bool = False
    leeway: int = 60
    kb_max_age: int = 300

    def __post_init__(self) -> None:
        check_leeway(self.leeway)
        if not 0 < self.kb_max_age <= 3600:
            raise ValueError("kb_max_age must be between 1 and 3600 seconds")
        if "none" in {alg.lower() for alg in self.algs | self.kb_algs}:
            raise ValueError("'none' is never an allowed algorithm")


@dataclass(frozen=True)
class SdJwtVerified:
    payload: dict[str, Any]  # the processed payload: only what was disclosed (and always visible)
    age_over: dict[str, bool]
    key_bound: bool
    typ: str
    disclosed: int


@dataclass
class _Parsed:
    protected: str
    payload: str
    signatures: list[tuple[str, str, dict[str, Any]]]  # (protected, signature, unprotected)
    disclosures: list[str]
    kb_jwt: str | None

    @property
    def issuer_jwt(self) -> str:
        return f"{self.protected}.{self.payload}.{self.signatures[0][1]}"


@dataclass
class _Disclosure:
    text: str
    salt: str
    name: str | None
    value: Any
    used: bool = False


@dataclass
class _Context:
    digests: dict[str, _Disclosure]
    seen: set[str] = field(default_factory=set)


# --- parsing --------------------------------------------------------------------------------


def _parse(presentation: str) -> _Parsed:
    if presentation.lstrip().startswith("{"):
        return _parse_json(presentation)
    return _parse_compact(presentation.strip())


def _parse_compact(text: str) -> _Parsed:
    parts = text.split("~")
    if len(parts) < 2:
        raise fail(Reason.MALFORMED, "not an SD-JWT (no '~' separator)")
    if len(parts) - 2 > MAX_DISCLOSURES:
        raise fail(Reason.TOO_LARGE, f"more than {MAX_DISCLOSURES} disclosures")
    jwt = parts[0].split(".")
    if len(jwt) != 3:
        raise fail(Reason.MALFORMED, "issuer-signed JWT is not a compact JWS")
    disclosures = parts[1:-1]
    if any(not item for item in disclosures):
        raise fail(Reason.MALFORMED, "empty disclosure between separators")
    return _Parsed(jwt[0], jwt[1], [(jwt[0], jwt[2], {})], disclosures, parts[-1] or None)


def _string(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise fail(Reason.MALFORMED, f"{what} is not a string")
    return value


def _parse_json(text: str) -> _Parsed:
    document = strict_json(text, "JSON serialisation")
    if not isinstance(document, dict):
        raise fail(Reason.MALFORMED, "JSON serialisation is not an object")
    payload = _string(document.get("payload"), "payload")
    if "signatures" in document:
        if set(document) != {"payload", "signatures"}:
            raise fail(Reason.MALFORMED, "general JSON serialisation has unexpected members")
        entries = document["signatures"]
        if not isinstance(entries, list) or not entries or len(entries) > 8:
            raise fail(Reason.MALFORMED, "signatures must be a list of 1 to 8 entries")
    else:
        if not set(document) <= {"payload", "protected", "signature", "header"}:
            raise fail(Reason.MALFORMED, "flattened JSON serialisation has unexpected members")
        entries = [{k: v for k, v in document.items() if k != "payload"}]
    signatures = [_json_signature(entry, index) for index, entry in enumerate(entries)]
    first = signatures[0][2]
    disclosures = first.get("disclosures", [])
    if not isinstance(disclosures, list) or not all(isinstance(d, str) for d in disclosures):
        raise fail(Reason.MALFORMED, "disclosures is not a list of strings")
    if len(disclosures) > MAX_DISCLOSURES:
        raise fail(Reason.TOO_LARGE, f"more than {MAX_DISCLOSURES} disclosures")
    kb_jwt = first.get("kb_jwt")
    if kb_jwt is not None:
        kb_jwt = _string(kb_jwt, "kb_jwt")
    return _Parsed(signatures[0][0], payload, signatures, list(disclosures), kb_jwt)


def _json_signature(entry: object, index: int) -> tuple[str, str, dict[str, Any]]:
    if not isinstance(entry, dict) or not set(entry) <= {"protected", "signature", "header"}:
        raise fail(Reason.MALFORMED, f"signature {index} is not a JWS signature object")
    header = entry.get("header", {})
    if not isinstance(header, dict) or not set(header) <= _JSON_UNPROTECTED:
        raise fail(Reason.MALFORMED, f"signature {index} has unexpected unprotected members")
    if index > 0 and ("disclosures" in header or "kb_jwt" in header):
        raise fail(Reason.MALFORMED, "disclosures and kb_jwt belong to the first signature only")
    protected = _string(entry.get("protected"), f"signature {index} protected header")
    return protected, _string(entry.get("signature"), f"signature {index}"), header


# --- the issuer-signed JWT -------------------------------------------------------------------


def _header(encoded: str, what: str) -> dict[str, Any]:
    header = json_object(b64url_decode(encoded, f"{what} header"), f"{what} header")
    if "crit" in header:
        raise fail(Reason.MALFORMED, f"{what} header has 'crit' extensions we do not understand")
    return header


def _check_typ(header: dict[str, Any], policy: SdJwtPolicy) -> str:
    typ = header.get("typ")
    if not isinstance(typ, str):
        raise fail(Reason.TYP_INVALID, "issuer-signed JWT has no typ")
    media = typ.lower().removeprefix("application/")
    if media == SD_JWT_VC_TYP:
        return media
    if media == LEGACY_VC_TYP:
        if policy.accept_legacy_vc_typ:
            return media
        raise fail(Reason.TYP_INVALID, "typ vc+sd-jwt is the superseded SD-JWT VC type")
    if not policy.vc_only and media.endswith("+sd-jwt") and len(media) > len("+sd-jwt"):
        return media
    raise fail(Reason.TYP_INVALID, f"typ {typ!r} is not an SD-JWT type accepted here")


def _verify_issuer(
    parsed: _Parsed, trust: TrustList, now: datetime, policy: SdJwtPolicy
) -> tuple[dict[str, Any], str]:
    typ = ""
    for index, (protected, signature, unprotected) in enumerate(parsed.signatures):
        header = _header(protected, "issuer-signed JWT")
        if set(header) & set(unprotected):
            raise fail(Reason.MALFORMED, "a header member is both protected and unprotected")
        alg = check_alg(header.get("alg"), policy.algs, "issuer-signed JWT")
        kind = _check_typ(header, policy)
        typ = typ or kind
        signing_input = f"{protected}.{parsed.payload}".encode("ascii")
        raw = b64url_decode(signature, "issuer signature")
        keys = trust.jws_keys({**unprotected, **header}, now)
        if not any(alg.verify(key, raw, signing_input) for key in keys):
            raise fail(Reason.ISSUER_SIGNATURE_INVALID, f"issuer signature {index} does not verify")
    payload = json_object(b64url_decode(parsed.payload, "payload"), "payload")
    return payload, typ


# --- disclosures -----------------------------------------------------------------------------


def _decode_disclosures(texts: list[str], hash_alg: Callable[[bytes], Any]) -> _Context:
    digests: dict[str, _Disclosure] = {}
    for index, text in enumerate(texts):
        value = strict_json(b64url_decode(text, f"disclosure {index}"), f"disclosure {index}")
        if not isinstance(value, list) or len(value) not in (2, 3):
            raise fail(Reason.DISCLOSURE_MALFORMED, f"disclosure {index} is not a 2/3-array")
        if not isinstance(value[0], str):
            raise fail(Reason.DISCLOSURE_MALFORMED, f"disclosure {index} salt is not a string")
        name = value[1] if len(value) == 3 else None
        if len(value) == 3 and not isinstance(name, str):
            raise fail(Reason.DISCLOSURE_MALFORMED, f"disclosure {index} name is not a string")
        if name in _FORBIDDEN_NAMES:
            raise fail(Reason.CLAIM_NAME_FORBIDDEN, f"disclosure {index} claim name {name!r}")
        digest = b64url_encode(hash_alg(text.encode("ascii")).digest())
        if digest in digests:
            raise fail(Reason.DIGEST_DUPLICATE, f"disclosure {index} is presented twice")
        digests[digest] = _Disclosure(text, value[0], name, value[-1])
    return _Context(digests)


def _mark(context: _Context, digest: object) -> _Disclosure | None:
    if not isinstance(digest, str):
        raise fail(Reason.MALFORMED, "a digest is not a string")
    if digest in context.seen:
        raise fail(Reason.DIGEST_DUPLICATE, "a digest appears more than once")
    context.seen.add(digest)
    found = context.digests.get(digest)
    if found is not None:
        found.used = True
    return found


def _process(value: Any, context: _Context, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise fail(Reason.TOO_LARGE, f"claims nested deeper than {MAX_DEPTH}")
    if isinstance(value, dict):
        return _process_object(value, context, depth)
    if isinstance(value, list):
        return _process_array(value, context, depth)
    return value


def _process_object(value: dict[str, Any], context: _Context, depth: int) -> dict[str, Any]:
    result = {k: _process(v, context, depth + 1) for k, v in value.items() if k != "_sd"}
    listed = value.get("_sd", [])
    if not isinstance(listed, list):
        raise fail(Reason.MALFORMED, "_sd is not a list")
    for digest in listed:
        disclosure = _mark(context, digest)
        if disclosure is None:
            continue  # a decoy or an undisclosed claim
        if disclosure.name is None:
            raise fail(Reason.DISCLOSURE_MALFORMED, "an array-element disclosure is under _sd")
        if disclosure.name in result:
            raise fail(Reason.CLAIM_NAME_CONFLICT, f"claim {disclosure.name!r} exists already")
        result[disclosure.name] = _process(disclosure.value, context, depth + 1)
    return result


def _process_array(value: list[Any], context: _Context, depth: int) -> list[Any]:
    result = []
    for element in value:
        if isinstance(element, dict) and "..." in element:
            if len(element) != 1:
                raise fail(Reason.MALFORMED, "an array-element digest object has other members")
            disclosure = _mark(context, element["..."])
            if disclosure is None:
                continue
            if disclosure.name is not None:
                raise fail(Reason.DISCLOSURE_MALFORMED, "an object disclosure is in an array")
            result.append(_process(disclosure.value, context, depth + 1))
        else:
            result.append(_process(element, context, depth + 1))
    return result


# --- time and key binding ---------------------------------------------------------------------


def _number(claims: dict[str, Any], name: str, what: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(Reason.MALFORMED, f"{what} {name} is not a number")
    return float(value)


def _check_times(claims: dict[str, Any], now: float, leeway: int, require_exp: bool) -> None:
    exp = _number(claims, "exp", "SD-JWT")
    if exp is None:
        if require_exp:
            raise fail(Reason.EXPIRY_MISSING, "SD-JWT has no exp")
    elif now - leeway >= exp:
        raise fail(Reason.EXPIRED, "SD-JWT has expired")
    nbf = _number(claims, "nbf", "SD-JWT")
    if nbf is not None and now + leeway < nbf:
        raise fail(Reason.NOT_YET_VALID, "SD-JWT is not valid yet (nbf)")
    iat = _number(claims, "iat", "SD-JWT")
    if iat is not None and now + leeway < iat:
        raise fail(Reason.ISSUED_IN_FUTURE, "SD-JWT iat is in the future")


@dataclass(frozen=True)
class _Expected:
    nonce: str | None
    audience: str | None


def _verify_kb(
    parsed: _Parsed,
    claims: dict[str, Any],
    hash_alg: Callable[[bytes], Any],
    expected: _Expected,
    now: float,
    policy: SdJwtPolicy,
) -> None:
    assert parsed.kb_jwt is not None
    parts = parsed.kb_jwt.split(".")
    if len(parts) != 3:
        raise fail(Reason.MALFORMED, "key-binding JWT is not a compact JWS")
    header = _header(parts[0], "key-binding JWT")
    if header.get("typ") != KB_TYP:
        raise fail(Reason.KB_TYP_INVALID, f"key-binding JWT typ is {header.get('typ')!r}")
    alg = check_alg(header.get("alg"), policy.kb_algs, "key-binding JWT")
    cnf = claims.get("cnf")
    if not isinstance(cnf, dict) or "jwk" not in cnf:
        raise fail(Reason.KB_KEY_MISSING, "the SD-JWT has no cnf.jwk to check key binding")
    holder = public_key_from_jwk(cnf["jwk"])
    raw = b64url_decode(parts[2], "key-binding signature")
    if not alg.verify(holder, raw, f"{parts[0]}.{parts[1]}".encode("ascii")):
        raise fail(Reason.KB_SIGNATURE_INVALID, "key-binding JWT is not signed by cnf.jwk")
    payload = json_object(b64url_decode(parts[1], "key-binding payload"), "key-binding payload")
    _check_kb_claims(payload, expected, now, policy)
    presented = parsed.issuer_jwt + "~" + "".join(f"{d}~" for d in parsed.disclosures)
    sd_hash = b64url_encode(hash_alg(presented.encode("ascii")).digest())
    if not isinstance(payload.get("sd_hash"), str) or not hmac.compare_digest(
        payload["sd_hash"], sd_hash
    ):
        raise fail(Reason.KB_SD_HASH_MISMATCH, "sd_hash is not the hash of this presentation")


def _check_kb_claims(
    payload: dict[str, Any], expected: _Expected, now: float, policy: SdJwtPolicy
) -> None:
    iat = _number(payload, "iat", "key-binding JWT")
    if iat is None or iat > now + policy.leeway or iat < now - policy.kb_max_age:
        raise fail(Reason.KB_IAT_INVALID, "key-binding JWT iat is missing, stale or in the future")
    exp = _number(payload, "exp", "key-binding JWT")
    if exp is not None and now - policy.leeway >= exp:
        raise fail(Reason.KB_IAT_INVALID, "key-binding JWT has expired")
    nonce = payload.get("nonce")
    if not isinstance(nonce, str) or (
        expected.nonce is not None
        and not hmac.compare_digest(nonce.encode(), expected.nonce.encode())
    ):
        raise fail(Reason.KB_NONCE_MISMATCH, "key-binding JWT nonce is not the expected one")
    aud = payload.get("aud")
    if not isinstance(aud, str) or (expected.audience is not None and aud != expected.audience):
        raise fail(Reason.KB_AUD_MISMATCH, "key-binding JWT aud is not the one expected audience")


# --- the entry point -------------------------------------------------------------------------


def verify_sd_jwt(
    presentation: str | bytes,
    *,
    trust: TrustList,
    now: datetime,
    nonce: str | None = None,
    audience: str | None = None,
    policy: SdJwtPolicy | None = None,
) -> SdJwtVerified:
    """Verify a presentation; raise AgeProofError (its `reason` says which check failed)."""
    policy = policy or SdJwtPolicy()
    if policy.require_key_binding and (nonce is None or audience is None):
        raise VerifierConfigError("key binding needs the expected nonce and audience")
    text = _as_text(presentation)
    parsed = _parse(text)
    payload, typ = _verify_issuer(parsed, trust, now, policy)
    sd_alg = payload.get("_sd_alg", "sha-256")
    hash_alg = _HASHES.get(sd_alg) if isinstance(sd_alg, str) else None
    if hash_alg is None:
        raise fail(Reason.SD_ALG_UNSUPPORTED, f"_sd_alg {sd_alg!r} is not supported")
    context = _decode_disclosures(parsed.disclosures, hash_alg)
    claims = _process(payload, context, 0)
    claims.pop("_sd_alg", None)
    if any(not d.used for d in context.digests.values()):
        raise fail(Reason.DISCLOSURE_UNREFERENCED, "a disclosure is referenced nowhere")
    moment = now.timestamp()
    _check_times(claims, moment, policy.leeway, policy.require_expiry)
    if typ in (SD_JWT_VC_TYP, LEGACY_VC_TYP) and not isinstance(claims.get("vct"), str):
        raise fail(Reason.MALFORMED, "an SD-JWT VC must carry a vct string")
    if parsed.kb_jwt is None:
        if policy.require_key_binding:
            raise fail(Reason.KB_MISSING, "key binding is required and there is no KB-JWT")
    else:
        _verify_kb(parsed, claims, hash_alg, _Expected(nonce, audience), moment, policy)
    return SdJwtVerified(
        payload=claims,
        age_over=ages.from_sd_jwt_claims(claims),
        key_bound=parsed.kb_jwt is not None,
        typ=typ,
        disclosed=len(parsed.disclosures),
    )


def _as_text(presentation: str | bytes) -> str:
    if len(presentation) > MAX_PRESENTATION_BYTES:
        raise fail(Reason.TOO_LARGE, f"presentation is larger than {MAX_PRESENTATION_BYTES} bytes")
    if isinstance(presentation, bytes):
        try:
            presentation = presentation.decode("ascii")
        except UnicodeDecodeError:
            raise fail(Reason.MALFORMED, "SD-JWT is not ASCII") from None
    if not presentation.isascii():
        raise fail(Reason.MALFORMED, "SD-JWT is not ASCII")
    return presentation
