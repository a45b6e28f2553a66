"""Every published vector (tests/data/age): valid ones with the right ages, negatives for their
stated reason. Times are pinned as the vectors' README says; at today's time all are refused."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from tests.age.craft import hex_bytes
from tests.datasets import AGE as DATA

from perisai.age import (
    AgeCheck,
    Reason,
    SdJwtPolicy,
    TrustList,
    load_trust_files,
    verify_presentation,
)
from perisai.age.timecheck import parse_time
from perisai.age.transcript import from_bytes

RFC = DATA / "sdjwt" / "rfc9901"
VC18 = DATA / "sdjwt" / "sd-jwt-vc-draft18"
ANNEX_D = DATA / "mdoc" / "iso18013-5-annexD"
RFC_NOW = 1748537300
VC18_NOW = 1785785100
MDOC_NOW = parse_time("2021-01-01T00:00:00Z")
NONCE = "1234567890"
RFC_AUD = "https://verifier.example.org"
VC18_AUD = "https://example.com/verifier"


def _rfc_trust() -> TrustList:
    return load_trust_files(
        [RFC / "issuer_public_jwk.json", RFC / "json_general" / "issuer_key_2_public_jwk.json"]
    )


@pytest.mark.parametrize(
    ("path", "ages", "key_bound"),
    [
        ("simple/sd_jwt_presentation.txt", {}, True),
        ("arf_pid_sd_jwt_vc/sd_jwt_presentation.txt", {"18": True}, True),
        ("json_flattened/sd_jwt_presentation.json", {}, True),
        ("json_general/sd_jwt_presentation.json", {}, True),
    ],
)
def test_rfc9901_presentations_with_key_binding(
    path: str, ages: dict[str, bool], key_bound: bool
) -> None:
    check = verify_presentation(
        (RFC / path).read_bytes(), trust=_rfc_trust(), now=RFC_NOW, nonce=NONCE, audience=RFC_AUD
    )
    assert check.valid, check.error
    assert check.age_over == ages
    assert check.device_auth == ("ok" if key_bound else "not checked")


def test_arf_pid_reports_only_the_disclosed_age() -> None:
    """The issuance also holds 12/14/16/21 true and 65 false: none of them may be reported."""
    issuance = json.loads((RFC / "arf_pid_sd_jwt_vc" / "user_claims.json").read_text())
    assert set(issuance["age_equal_or_over"]) > {"18"}
    check = verify_presentation(
        (RFC / "arf_pid_sd_jwt_vc" / "sd_jwt_presentation.txt").read_bytes(),
        trust=_rfc_trust(),
        now=RFC_NOW,
        nonce=NONCE,
        audience=RFC_AUD,
    )
    assert check.to_dict()["age_over"] == {"18": True}
    assert check.answer(16) is True and check.answer(21) == "unknown"


def test_w3c_vcdm2_is_valid_once_expiry_is_not_required() -> None:
    data = (RFC / "w3c_vcdm2" / "sd_jwt_presentation.txt").read_bytes()
    strict = verify_presentation(
        data, trust=_rfc_trust(), now=RFC_NOW, nonce=NONCE, audience=RFC_AUD
    )
    assert strict.reason is Reason.EXPIRY_MISSING  # our default: an attestation must expire
    lenient = SdJwtPolicy(require_expiry=False)
    check = verify_presentation(
        data, trust=_rfc_trust(), now=RFC_NOW, sd_jwt_policy=lenient, nonce=NONCE, audience=RFC_AUD
    )
    assert check.valid, check.error


@pytest.mark.parametrize("folder", ["simple_structured", "complex_ekyc"])
def test_rfc9901_without_key_binding(folder: str) -> None:
    data = (RFC / folder / "sd_jwt_presentation.txt").read_bytes()
    required = verify_presentation(
        data, trust=_rfc_trust(), now=RFC_NOW, nonce=NONCE, audience=RFC_AUD
    )
    assert required.reason is Reason.KB_MISSING
    check = verify_presentation(data, trust=_rfc_trust(), now=RFC_NOW, require_key_binding=False)
    assert check.valid and check.device_auth == "not checked"


def test_json_general_needs_both_signers_trusted() -> None:
    data = (RFC / "json_general" / "sd_jwt_presentation.json").read_bytes()
    only_first = load_trust_files([RFC / "issuer_public_jwk.json"])
    check = verify_presentation(data, trust=only_first, now=RFC_NOW, nonce=NONCE, audience=RFC_AUD)
    assert (
        check.reason is Reason.UNTRUSTED_ISSUER or check.reason is Reason.ISSUER_SIGNATURE_INVALID
    )


def test_sd_jwt_vc_draft18() -> None:
    trust = load_trust_files([VC18 / "issuer_public_jwk.json"])
    kb = verify_presentation(
        (VC18 / "01_identity_credential_kb" / "sd_jwt_presentation.txt").read_bytes(),
        trust=trust,
        now=VC18_NOW,
        nonce=NONCE,
        audience=VC18_AUD,
    )
    assert kb.valid and kb.age_over == {"65": True}  # is_over_18/21 exist but are not disclosed
    no_kb = (VC18 / "02_identity_credential_no_kb" / "sd_jwt_presentation.txt").read_bytes()
    assert (
        verify_presentation(no_kb, trust=trust, now=VC18_NOW, nonce=NONCE, audience=VC18_AUD).reason
        is Reason.KB_MISSING
    )
    check = verify_presentation(no_kb, trust=trust, now=VC18_NOW, require_key_binding=False)
    assert check.valid and check.age_over == {"65": True}


SD_NEGATIVES = {
    "neg01_extra_unreferenced_disclosure.txt": Reason.DISCLOSURE_UNREFERENCED,
    "neg02_disclosure_claim_name__sd.txt": Reason.CLAIM_NAME_FORBIDDEN,
    "neg05_expired_exp.txt": Reason.EXPIRED,
    "neg06_kb_wrong_nonce.txt": Reason.KB_NONCE_MISMATCH,
    "neg10_kb_wrong_sd_hash.txt": Reason.KB_SD_HASH_MISMATCH,
    "neg13_kb_missing_when_required.txt": Reason.KB_MISSING,
    "neg15_issuer_alg_none.txt": Reason.ALG_NOT_ALLOWED,
}


def test_every_sd_jwt_negative_is_listed() -> None:
    listed = json.loads((DATA / "negative" / "sdjwt" / "manifest.json").read_text())
    assert set(listed) == set(SD_NEGATIVES) | {"neg00_CONTROL_valid_base.txt"}


@pytest.mark.parametrize(("name", "reason"), sorted(SD_NEGATIVES.items()))
def test_sd_jwt_negative_fails_for_its_reason(name: str, reason: Reason) -> None:
    folder = DATA / "negative" / "sdjwt"
    trust = load_trust_files([folder / "issuer_public_jwk.json"])
    control = verify_presentation(
        (folder / "neg00_CONTROL_valid_base.txt").read_bytes(),
        trust=trust,
        now=RFC_NOW,
        nonce=NONCE,
        audience=RFC_AUD,
    )
    assert control.valid and control.age_over == {"18": True}
    check = verify_presentation(
        (folder / name).read_bytes(), trust=trust, now=RFC_NOW, nonce=NONCE, audience=RFC_AUD
    )
    assert not check.valid
    assert check.reason is reason, check.error
    assert check.to_dict()["age_over"] == {}


def test_published_sd_jwts_are_refused_at_the_real_time() -> None:
    trust = _rfc_trust()
    for path in [
        RFC / "simple" / "sd_jwt_presentation.txt",
        RFC / "arf_pid_sd_jwt_vc" / "sd_jwt_presentation.txt",
    ]:
        check = verify_presentation(path.read_bytes(), trust=trust, nonce=NONCE, audience=RFC_AUD)
        assert check.reason is Reason.KB_IAT_INVALID


# --- mdoc -----------------------------------------------------------------------------------


def _reader_key() -> ec.EllipticCurvePrivateKey:
    d = int((ANNEX_D / "ephemeral_reader_key_d.hex").read_text().strip(), 16)
    return ec.derive_private_key(d, ec.SECP256R1())


def _annex_d(
    data: bytes, *, now: datetime = MDOC_NOW, reader_key: ec.EllipticCurvePrivateKey | None = None
) -> AgeCheck:
    return verify_presentation(
        data,
        trust=load_trust_files([ANNEX_D / "ds_cert.pem"]),
        now=now,
        transcript=from_bytes(hex_bytes(ANNEX_D / "session_transcript_bytes.hex")),
        reader_key=reader_key or _reader_key(),
    )


def test_annex_d_device_response_is_valid_and_answers_nothing_about_age() -> None:
    check = _annex_d((ANNEX_D / "device_response.hex").read_bytes())
    assert check.valid, check.error
    assert check.device_auth == "ok"
    assert check.age_over == {}
    assert check.answer(18) == "unknown"


def test_annex_d_device_mac_needs_the_right_reader_key() -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    check = _annex_d((ANNEX_D / "device_response.hex").read_bytes(), reader_key=other)
    assert check.reason is Reason.DEVICE_AUTH_INVALID


def test_annex_d_outside_its_validity() -> None:
    data = (ANNEX_D / "device_response.hex").read_bytes()
    assert (
        _annex_d(data, now=parse_time("2021-10-02T00:00:00Z")).reason is Reason.CERTIFICATE_INVALID
    )
    assert _annex_d(data, now=parse_time("2020-10-01T12:00:00Z")).reason is Reason.NOT_YET_VALID


MDOC_NEGATIVES = {
    "negM01_annexD_element_digest_not_in_mso.hex": Reason.DIGEST_NOT_IN_MSO,
    "negM03_annexD_doctype_mismatch.hex": Reason.DOCTYPE_MISMATCH,
    "negM04_annexD_issuer_signature_invalid.hex": Reason.ISSUER_SIGNATURE_INVALID,
}


def test_every_mdoc_negative_is_listed() -> None:
    listed = json.loads((DATA / "negative" / "mdoc" / "manifest.json").read_text())
    assert set(listed) == set(MDOC_NEGATIVES)


@pytest.mark.parametrize(("name", "reason"), sorted(MDOC_NEGATIVES.items()))
def test_mdoc_negative_fails_for_its_reason(name: str, reason: Reason) -> None:
    check = _annex_d((DATA / "negative" / "mdoc" / name).read_bytes())
    assert not check.valid
    assert check.reason is reason, check.error
    assert check.to_dict()["age_over"] == {}


def test_vectors_copied_with_their_licences() -> None:
    assert (DATA / "README.md").exists() and (DATA / "LICENSES.md").exists()
    assert "Apache" in (DATA / "LICENSES.md").read_text()
    assert Path(__file__).resolve().parents[1] in DATA.parents
