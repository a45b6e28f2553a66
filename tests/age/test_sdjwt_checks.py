"""Our own negatives: one SD-JWT per check, each otherwise valid, refused for its reason."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from tests.age.craft import AUD, NONCE, NOW, SdJwtMaker, b64json, disclosure, jws, std_b64

from perisai.age import Reason, SdJwtPolicy, TrustList, VerifierConfigError, verify_sd_jwt
from perisai.age import issuer as test_issuer
from perisai.age.encoding import b64url_encode
from perisai.age.errors import AgeProofError
from perisai.age.jose import jwk_from_public_key


def _verify(maker: SdJwtMaker, text: str | None = None, **policy: object) -> object:
    return verify_sd_jwt(
        text if text is not None else maker.build(),
        trust=maker.trust,
        now=NOW,
        nonce=NONCE,
        audience=AUD,
        policy=SdJwtPolicy(**policy),  # type: ignore[arg-type]
    )


def _reason(maker: SdJwtMaker, text: str | None = None, **policy: object) -> Reason:
    with pytest.raises(AgeProofError) as caught:
        _verify(maker, text, **policy)
    return caught.value.reason


def test_the_base_case_is_valid() -> None:
    maker = SdJwtMaker()
    found = verify_sd_jwt(maker.build(), trust=maker.trust, now=NOW, nonce=NONCE, audience=AUD)
    assert found.age_over == {"18": True} and found.key_bound and found.typ == "dc+sd-jwt"
    assert "_sd" not in found.payload and "_sd_alg" not in found.payload


# --- the issuer-signed JWT ------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "HS256", "RS1", ""])
def test_algorithms_outside_the_allow_list(alg: str) -> None:
    maker = SdJwtMaker()
    maker.header["alg"] = alg
    assert _reason(maker) is Reason.ALG_NOT_ALLOWED


def test_an_allowed_algorithm_can_be_narrowed() -> None:
    maker = SdJwtMaker()
    assert _reason(maker, algs=frozenset({"EdDSA"})) is Reason.ALG_NOT_ALLOWED
    with pytest.raises(ValueError, match="none"):
        SdJwtPolicy(algs=frozenset({"none"}))


@pytest.mark.parametrize("typ", [None, "JWT", "sd-jwt", "+sd-jwt", "kb+jwt", "vc+sd-jwt"])
def test_typ_must_be_an_sd_jwt_type(typ: str | None) -> None:
    maker = SdJwtMaker()
    if typ is None:
        del maker.header["typ"]
    else:
        maker.header["typ"] = typ
    assert _reason(maker) is Reason.TYP_INVALID


def test_legacy_vc_typ_only_when_asked_and_vc_only_refuses_other_types() -> None:
    maker = SdJwtMaker()
    maker.header["typ"] = "vc+sd-jwt"
    assert _verify(maker, accept_legacy_vc_typ=True)
    maker.header["typ"] = "example+sd-jwt"
    assert _verify(maker)
    assert _reason(maker, vc_only=True) is Reason.TYP_INVALID


def test_an_sd_jwt_vc_must_carry_vct() -> None:
    maker = SdJwtMaker()
    del maker.claims["vct"]
    assert _reason(maker) is Reason.MALFORMED


def test_critical_header_extensions_are_refused() -> None:
    maker = SdJwtMaker()
    maker.header["crit"] = ["x"]
    assert _reason(maker) is Reason.MALFORMED


def test_a_changed_payload_breaks_the_issuer_signature() -> None:
    maker = SdJwtMaker()
    jwt, rest = maker.build().split("~", 1)
    header, _, signature = jwt.split(".")
    forged = {**maker.claims, "iss": "https://forged.example"}
    text = f"{header}.{b64json(forged)}.{signature}~{rest}"
    assert _reason(maker, text) is Reason.ISSUER_SIGNATURE_INVALID


def test_a_key_not_on_the_trust_list() -> None:
    maker = SdJwtMaker()
    other = TrustList()
    other.add_jwk(jwk_from_public_key(ec.generate_private_key(ec.SECP256R1()).public_key()))
    with pytest.raises(AgeProofError) as caught:
        verify_sd_jwt(maker.build(), trust=other, now=NOW, nonce=NONCE, audience=AUD)
    assert caught.value.reason is Reason.ISSUER_SIGNATURE_INVALID
    maker.header["kid"] = "k1"
    keyed = TrustList()
    keyed.add_jwk({**jwk_from_public_key(maker.issuer_key.public_key()), "kid": "k2"})
    with pytest.raises(AgeProofError) as caught:
        verify_sd_jwt(maker.build(), trust=keyed, now=NOW, nonce=NONCE, audience=AUD)
    assert caught.value.reason is Reason.UNTRUSTED_ISSUER


def test_an_embedded_jwk_header_is_never_trusted() -> None:
    maker = SdJwtMaker()
    maker.header["jwk"] = jwk_from_public_key(maker.issuer_key.public_key())
    with pytest.raises(AgeProofError) as caught:
        verify_sd_jwt(maker.build(), trust=TrustList(), now=NOW, nonce=NONCE, audience=AUD)
    assert caught.value.reason is Reason.UNTRUSTED_ISSUER


def test_x5c_chains(
    av_issuer: test_issuer.TestIssuer, other_issuer: test_issuer.TestIssuer
) -> None:
    start, end = NOW - timedelta(days=1), NOW + timedelta(days=30)
    credential = test_issuer.issue_sd_jwt(
        av_issuer, {"16": True}, valid_from=start, valid_until=end
    )
    text = test_issuer.present_sd_jwt(
        credential, disclose=["16"], nonce=NONCE, audience=AUD, iat=int(NOW.timestamp())
    )

    def run(trust: TrustList, now: object = NOW) -> object:
        return verify_sd_jwt(text, trust=trust, now=now, nonce=NONCE, audience=AUD)  # type: ignore[arg-type]

    assert run(TrustList(roots=[av_issuer.root]))
    assert run(TrustList(pinned=[av_issuer.certificate]))
    for trust, reason in [
        (TrustList(roots=[other_issuer.root]), Reason.CERTIFICATE_INVALID),
        (TrustList(pinned=[other_issuer.certificate]), Reason.UNTRUSTED_ISSUER),
        (TrustList(), Reason.UNTRUSTED_ISSUER),
    ]:
        with pytest.raises(AgeProofError) as caught:
            run(trust)
        assert caught.value.reason is reason
    later = av_issuer.certificate.not_valid_after_utc + timedelta(days=1)
    reused = TrustList(roots=[av_issuer.root])
    assert run(reused)  # the checked chain is remembered ...
    with pytest.raises(AgeProofError) as caught:
        run(reused, later)  # ... but only within the window where every certificate is valid
    assert caught.value.reason is Reason.CERTIFICATE_INVALID


def test_a_ca_certificate_cannot_sign(av_issuer: test_issuer.TestIssuer) -> None:
    maker = SdJwtMaker()
    maker.header["x5c"] = [std_b64(av_issuer.root.public_bytes(_der()))]
    with pytest.raises(AgeProofError) as caught:
        verify_sd_jwt(
            maker.build(),
            trust=TrustList(roots=[av_issuer.root]),
            now=NOW,
            nonce=NONCE,
            audience=AUD,
        )
    assert caught.value.reason is Reason.CERTIFICATE_INVALID


def _der() -> Encoding:
    return Encoding.DER


# --- disclosures ------------------------------------------------------------------------------


def test_unreferenced_disclosure() -> None:
    maker = SdJwtMaker()
    maker.disclosures.append(disclosure("nickname", "kid")[0])
    assert _reason(maker) is Reason.DISCLOSURE_UNREFERENCED


def test_recursive_disclosure_needs_its_parent() -> None:
    """The "18" disclosure is referenced only from inside `age_equal_or_over`'s disclosure."""
    maker = SdJwtMaker()
    maker.disclosures = [maker.age_18_text]
    assert _reason(maker) is Reason.DISCLOSURE_UNREFERENCED
    maker.disclosures = [maker.nested_text]  # the parent alone: valid, and no age said
    assert _verify(maker).age_over == {}  # type: ignore[attr-defined]


def test_the_same_disclosure_twice() -> None:
    maker = SdJwtMaker()
    maker.disclosures.append(maker.disclosures[0])
    assert _reason(maker) is Reason.DIGEST_DUPLICATE


def test_a_digest_referenced_twice() -> None:
    maker = SdJwtMaker()
    maker.claims["_sd"] = maker.claims["_sd"] * 2
    assert _reason(maker) is Reason.DIGEST_DUPLICATE
    maker = SdJwtMaker()
    maker.claims["extra"] = {"_sd": list(maker.claims["_sd"])}
    assert _reason(maker) is Reason.DIGEST_DUPLICATE


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_forbidden_claim_names(name: str) -> None:
    maker = SdJwtMaker()
    text, digest = disclosure(name, ["x"])
    maker.claims["_sd"].append(digest)
    maker.disclosures.append(text)
    assert _reason(maker) is Reason.CLAIM_NAME_FORBIDDEN


def test_a_disclosed_name_that_already_exists() -> None:
    maker = SdJwtMaker()
    text, digest = disclosure("iss", "https://other.example")
    maker.claims["_sd"].append(digest)
    maker.disclosures.append(text)
    assert _reason(maker) is Reason.CLAIM_NAME_CONFLICT


def test_array_element_disclosures() -> None:
    maker = SdJwtMaker()
    element, digest = disclosure("MY")
    maker.claims["nationalities"] = [{"...": digest}, {"...": "decoy-digest-never-disclosed"}]
    maker.disclosures.append(element)
    assert _verify(maker).payload["nationalities"] == ["MY"]  # type: ignore[attr-defined]
    maker.claims["_sd"].append(digest)  # the same digest also under _sd
    assert _reason(maker) is Reason.DIGEST_DUPLICATE
    maker = SdJwtMaker()
    maker.claims["_sd"].append(digest)  # an array-element disclosure under _sd
    maker.disclosures.append(element)
    assert _reason(maker) is Reason.DISCLOSURE_MALFORMED
    maker = SdJwtMaker()
    named, named_digest = disclosure("nickname", "x")
    maker.claims["list"] = [{"...": named_digest}]  # an object disclosure in an array
    maker.disclosures.append(named)
    assert _reason(maker) is Reason.DISCLOSURE_MALFORMED
    maker = SdJwtMaker()
    maker.claims["list"] = [{"...": digest, "other": 1}]
    assert _reason(maker) is Reason.MALFORMED


@pytest.mark.parametrize(
    "content",
    [["only-salt"], ["s", "n", "v", "extra"], [1, "n", "v"], ["s", 5, "v"], {"a": 1}, "text"],
)
def test_malformed_disclosures(content: object) -> None:
    maker = SdJwtMaker()
    maker.disclosures.append(b64json(content))
    reason = _reason(maker)
    assert reason is Reason.DISCLOSURE_MALFORMED


def test_disclosure_encoding_must_be_strict() -> None:
    maker = SdJwtMaker()
    maker.disclosures.append(base64.urlsafe_b64encode(b'["s","n","v"]').decode())  # padded
    assert _reason(maker) is Reason.MALFORMED
    maker = SdJwtMaker()
    maker.disclosures.append(b64url_encode(b'["s","n","v","n"]'.replace(b"]", b',"x":1]')))
    assert _reason(maker) is Reason.MALFORMED
    maker = SdJwtMaker()
    maker.disclosures.append(b64url_encode(b'{"a":1,"a":2}'))
    assert _reason(maker) is Reason.MALFORMED


def test_duplicate_member_names_in_the_payload() -> None:
    maker = SdJwtMaker()
    raw = json.dumps(maker.claims)[:-1] + ', "iss": "https://second.example"}'
    body = b64url_encode(raw.encode())
    jwt = jws(maker.header, body, maker.issuer_key)
    text = jwt + "~" + "".join(f"{d}~" for d in maker.disclosures)
    assert _reason(maker, text, require_key_binding=False) is Reason.MALFORMED


def test_sd_alg() -> None:
    maker = SdJwtMaker()
    maker.claims["_sd_alg"] = "md5"
    assert _reason(maker) is Reason.SD_ALG_UNSUPPORTED
    maker.claims["_sd_alg"] = 256
    assert _reason(maker) is Reason.SD_ALG_UNSUPPORTED


# --- time -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda c: c.update(exp=int(NOW.timestamp()) - 61), Reason.EXPIRED),
        (lambda c: c.pop("exp"), Reason.EXPIRY_MISSING),
        (lambda c: c.update(exp="tomorrow"), Reason.MALFORMED),
        (lambda c: c.update(exp=True), Reason.MALFORMED),
        (lambda c: c.update(nbf=int(NOW.timestamp()) + 61), Reason.NOT_YET_VALID),
        (lambda c: c.update(iat=int(NOW.timestamp()) + 61), Reason.ISSUED_IN_FUTURE),
    ],
)
def test_validity_claims(change: Callable[[dict[str, object]], object], reason: Reason) -> None:
    maker = SdJwtMaker()
    change(maker.claims)
    assert _reason(maker) is reason


def test_leeway_is_bounded_and_applies() -> None:
    maker = SdJwtMaker()
    maker.claims["exp"] = int(NOW.timestamp()) - 30
    assert _verify(maker)  # within the default 60 s
    assert _reason(maker, leeway=10) is Reason.EXPIRED
    with pytest.raises(ValueError, match="leeway"):
        SdJwtPolicy(leeway=3600)


def test_expiry_can_be_optional() -> None:
    maker = SdJwtMaker()
    del maker.claims["exp"]
    assert _verify(maker, require_expiry=False)


# --- key binding ------------------------------------------------------------------------------


def test_key_binding_needs_expected_values() -> None:
    maker = SdJwtMaker()
    with pytest.raises(VerifierConfigError):
        verify_sd_jwt(maker.build(), trust=maker.trust, now=NOW, nonce=NONCE)


def test_key_binding_missing_and_optional() -> None:
    maker = SdJwtMaker(with_kb=False)
    assert _reason(maker) is Reason.KB_MISSING
    found = verify_sd_jwt(
        maker.build(), trust=maker.trust, now=NOW, policy=SdJwtPolicy(require_key_binding=False)
    )
    assert found.age_over == {"18": True} and not found.key_bound


@pytest.mark.parametrize("typ", [None, "JWT", "jwt", "dc+sd-jwt", "KB+JWT"])
def test_kb_typ(typ: str | None) -> None:
    maker = SdJwtMaker()
    if typ is None:
        del maker.kb_header["typ"]
    else:
        maker.kb_header["typ"] = typ
    assert _reason(maker) is Reason.KB_TYP_INVALID


def test_kb_alg_none() -> None:
    maker = SdJwtMaker()
    maker.kb_header["alg"] = "none"
    assert _reason(maker) is Reason.ALG_NOT_ALLOWED


def test_kb_signed_by_another_key() -> None:
    maker = SdJwtMaker()
    maker.holder_key = ec.generate_private_key(ec.SECP256R1())  # cnf.jwk keeps the first key
    assert _reason(maker) is Reason.KB_SIGNATURE_INVALID


def test_kb_without_cnf() -> None:
    maker = SdJwtMaker()
    del maker.claims["cnf"]
    assert _reason(maker) is Reason.KB_KEY_MISSING


def test_cnf_with_a_private_key_is_refused() -> None:
    maker = SdJwtMaker()
    maker.claims["cnf"]["jwk"]["d"] = b64url_encode(b"\x01" * 32)
    assert _reason(maker) is Reason.MALFORMED


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"nonce": "other"}, Reason.KB_NONCE_MISMATCH),
        ({"nonce": None}, Reason.KB_NONCE_MISMATCH),
        ({"aud": "https://other.example"}, Reason.KB_AUD_MISMATCH),
        ({"aud": [AUD]}, Reason.KB_AUD_MISMATCH),
        ({"aud": [AUD, "https://other.example"]}, Reason.KB_AUD_MISMATCH),
        ({"iat": int(NOW.timestamp()) - 301}, Reason.KB_IAT_INVALID),
        ({"iat": int(NOW.timestamp()) + 61}, Reason.KB_IAT_INVALID),
        ({"iat": None}, Reason.KB_IAT_INVALID),
        ({"iat": "now"}, Reason.MALFORMED),
        ({"exp": int(NOW.timestamp()) - 61}, Reason.KB_IAT_INVALID),
        ({"sd_hash": "AAAA"}, Reason.KB_SD_HASH_MISMATCH),
        ({"sd_hash": None}, Reason.KB_SD_HASH_MISMATCH),
    ],
)
def test_kb_claims(claims: dict[str, object], reason: Reason) -> None:
    maker = SdJwtMaker()
    for name, value in claims.items():
        if value is None:
            maker.kb_claims.pop(name, None)
            if name == "sd_hash":
                maker.kb_claims["sd_hash"] = None
        else:
            maker.kb_claims[name] = value
    if claims.get("sd_hash", "") is None:
        text = maker.build().rsplit("~", 1)[0] + "~"
        kb = {k: v for k, v in maker.kb_claims.items() if k != "sd_hash"}
        text += jws(maker.kb_header, kb, maker.holder_key)
        assert _reason(maker, text) is reason
        return
    assert _reason(maker) is reason


def test_kb_bound_to_another_selection_of_disclosures() -> None:
    maker = SdJwtMaker()
    fewer = maker.sd_jwt().replace(f"{maker.age_18_text}~", "")
    assert _reason(maker, maker.build(sd_hash_over=fewer)) is Reason.KB_SD_HASH_MISMATCH


def test_kb_max_age_is_configurable() -> None:
    maker = SdJwtMaker()
    maker.kb_claims["iat"] = int(NOW.timestamp()) - 100
    assert _verify(maker)
    assert _reason(maker, kb_max_age=60) is Reason.KB_IAT_INVALID


# --- ages -------------------------------------------------------------------------------------


def test_age_claims_must_be_booleans_and_agree() -> None:
    maker = SdJwtMaker()
    maker.claims["is_over_18"] = False
    assert _reason(maker) is Reason.AGE_CLAIMS_CONFLICT
    maker = SdJwtMaker()
    maker.claims["is_over_16"] = "yes"
    assert _reason(maker) is Reason.AGE_CLAIM_INVALID
    maker = SdJwtMaker()
    maker.claims["is_over_21"] = True
    assert _verify(maker).age_over == {"18": True, "21": True}  # type: ignore[attr-defined]


def test_undisclosed_ages_are_never_reported() -> None:
    maker = SdJwtMaker()
    hidden, hidden_digest = disclosure("21", False)
    maker.claims["_sd"].append(hashlib.sha256(b"decoy").hexdigest())
    nested = json.loads(base64.urlsafe_b64decode(maker.nested_text + "=="))
    assert hidden_digest not in nested[2]["_sd"]
    assert _verify(maker).age_over == {"18": True}  # type: ignore[attr-defined]
    assert hidden not in maker.build()


# --- JSON serialisation -----------------------------------------------------------------------


def _flattened(maker: SdJwtMaker) -> dict[str, object]:
    compact = maker.build()
    jwt, *rest = compact.split("~")
    protected, payload, signature = jwt.split(".")
    return {
        "protected": protected,
        "payload": payload,
        "signature": signature,
        "header": {"disclosures": rest[:-1], "kb_jwt": rest[-1]},
    }


def test_json_flattened_and_general() -> None:
    maker = SdJwtMaker()
    flattened = _flattened(maker)
    assert _verify(maker, json.dumps(flattened)).age_over == {"18": True}  # type: ignore[attr-defined]
    general = {
        "payload": flattened["payload"],
        "signatures": [{k: flattened[k] for k in ("protected", "signature", "header")}],
    }
    assert _verify(maker, json.dumps(general))
    assert _reason(maker, json.dumps({**flattened, "extra": 1})) is Reason.MALFORMED
    second = {"protected": flattened["protected"], "signature": flattened["signature"]}
    second["header"] = {"disclosures": []}
    general["signatures"].append(second)  # type: ignore[attr-defined]
    assert _reason(maker, json.dumps(general)) is Reason.MALFORMED
    moved = {**flattened, "header": {"kb_jwt": flattened["header"]["kb_jwt"], "x5c": ["AA"]}}  # type: ignore[index]
    assert _reason(maker, json.dumps(moved)) is Reason.MALFORMED


# --- garbage ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "~",
        "a.b.c",
        "a.b~",
        "a.b.c~~",
        "e30.e30.~",
        "{",
        "[]",
        "{}",
        '{"payload": 1}',
        "é~",
        "~~~~",
    ],
)
def test_garbage_is_refused(text: str) -> None:
    with pytest.raises(AgeProofError) as caught:
        verify_sd_jwt(text, trust=TrustList(), now=NOW, nonce=NONCE, audience=AUD)
    assert caught.value.reason in (Reason.MALFORMED, Reason.TYP_INVALID, Reason.ALG_NOT_ALLOWED)


def test_size_limits() -> None:
    maker = SdJwtMaker()
    assert _reason(maker, "a" * (64 * 1024 + 1)) is Reason.TOO_LARGE
    assert _reason(maker, "a.b.c" + "~x" * 300 + "~") is Reason.TOO_LARGE
    deep: dict[str, object] = {}
    node = deep
    for _ in range(40):
        node["n"] = {}
        node = node["n"]  # type: ignore[assignment]
    maker.claims["deep"] = deep
    assert _reason(maker) is Reason.TOO_LARGE


def test_holder_keys_are_bounded() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from perisai.age.jose import public_key_from_jwk

    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()  # noqa: S505 - refused on purpose
    with pytest.raises(AgeProofError, match="RSA"):
        public_key_from_jwk(jwk_from_public_key(small))
    huge = {"kty": "RSA", "n": b64url_encode(b"\xff" * 1100), "e": "AQAB"}
    with pytest.raises(AgeProofError, match="RSA"):
        public_key_from_jwk(huge)
    ok = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    assert public_key_from_jwk(jwk_from_public_key(ok)) == ok
    for bad in [{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}, {"kty": "oct", "k": "AA"}, []]:
        with pytest.raises(AgeProofError):
            public_key_from_jwk(bad)
