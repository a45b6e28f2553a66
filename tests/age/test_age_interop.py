"""Other implementations issue, we verify: PyPI `sd-jwt` 0.10.4 (compact and JSON) and
`pymdoccbor` 1.4 (EU AV mdoc). They are used here to issue only, never to verify."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto.jwk import JWK
from pymdoccbor.mdoc.issuer import MdocCborIssuer
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer

from perisai.age import MdocPolicy, Reason, TrustList, cose, verify_mdoc, verify_presentation
from perisai.age import issuer as test_issuer

NONCE, AUD = "interop-nonce-123456", "https://platform.example.my"


def _pypi_sd_jwt(serialization_format: str) -> tuple[str, TrustList]:
    issuer_key = JWK.generate(kty="EC", crv="P-256")
    holder_key = JWK.generate(kty="EC", crv="P-256")
    now = int(datetime.now(UTC).timestamp())
    claims = {
        "iss": "https://issuer.example.my",
        "iat": now - 60,
        "exp": now + 86400,
        "vct": "urn:test:age",
        SDObj("age_equal_or_over"): {SDObj("16"): True, SDObj("18"): False},
    }
    issued = SDJWTIssuer(
        claims,
        issuer_key,
        holder_key,
        sign_alg="ES256",
        extra_header_parameters={"typ": "dc+sd-jwt"},
        serialization_format=serialization_format,
    ).sd_jwt_issuance
    holder = SDJWTHolder(issued, serialization_format=serialization_format)
    holder.create_presentation({"age_equal_or_over": {"16": True}}, NONCE, AUD, holder_key, "ES256")
    trust = TrustList()
    trust.add_jwk(json.loads(issuer_key.export_public()))
    return holder.sd_jwt_presentation, trust


def test_pypi_sd_jwt_compact_presentation() -> None:
    text, trust = _pypi_sd_jwt("compact")
    check = verify_presentation(text.encode(), trust=trust, nonce=NONCE, audience=AUD)
    assert check.valid, check.error
    assert check.age_over == {"16": True} and check.answer(16) is True


def test_pypi_sd_jwt_json_presentation() -> None:
    """sd-jwt 0.10.4 writes `disclosures`/`kb_jwt` beside the JWS members, where RFC 9901 section 8
    puts them in the unprotected header: a pre-RFC layout that we refuse as malformed."""
    text, trust = _pypi_sd_jwt("json")
    assert "disclosures" in json.loads(text)
    check = verify_presentation(text.encode(), trust=trust, nonce=NONCE, audience=AUD)
    assert check.reason is Reason.MALFORMED


def test_pymdoccbor_issued_mdoc() -> None:
    issuer = test_issuer.TestIssuer.generate()
    numbers = issuer.key.private_numbers()
    private = {
        "KTY": "EC2",
        "CURVE": "P_256",
        "ALG": "ES256",
        "D": numbers.private_value.to_bytes(32, "big"),
        "X": numbers.public_numbers.x.to_bytes(32, "big"),
        "Y": numbers.public_numbers.y.to_bytes(32, "big"),
    }
    device = cose.cose_from_public_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    today = datetime.now(UTC)
    signed = MdocCborIssuer(private_key=private, alg="ES256").new(
        data={"eu.europa.ec.av.1": {"age_over_16": True, "age_over_18": False}},
        doctype="eu.europa.ec.av.1",
        validity={
            "issuance_date": today.strftime("%Y-%m-%d"),
            "expiry_date": (today + timedelta(days=30)).strftime("%Y-%m-%d"),
        },
        devicekeyinfo={1: 2, -1: 1, -2: device[-2], -3: device[-3]},
        x509_chain=[issuer.certificate.public_bytes(serialization.Encoding.DER)],
    )
    document = signed["documents"][0]
    assert "deviceSigned" not in document  # pymdoccbor's response has no device authentication
    trust = TrustList(roots=[issuer.root])
    response = cose.dumps(signed)
    check = verify_presentation(response, trust=trust)
    assert check.reason is Reason.DEVICE_AUTH_MISSING
    found = verify_mdoc(
        cose.dumps(document["issuerSigned"]),
        trust=trust,
        now=datetime.now(UTC),
        policy=MdocPolicy(allow_issuer_signed=True),
    )
    assert found.age_over == {"16": True, "18": False} and found.device_auth == "not checked"
