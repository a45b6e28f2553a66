"""Our own mdoc negatives: each response otherwise valid, refused for its reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from tests.age.craft import AUD, NONCE, NOW, mso_of, resign

from perisai.age import MdocPolicy, Reason, TrustList, VerifierConfigError, cose, verify_mdoc
from perisai.age import issuer as test_issuer
from perisai.age import transcript as transcripts
from perisai.age.errors import AgeProofError

TRANSCRIPT = transcripts.openid4vp(AUD, NONCE, "https://platform.example.my/age/response")
START, END = NOW - timedelta(hours=12), NOW + timedelta(days=60)
ANSWERS = {"13": True, "16": True, "18": False}


@pytest.fixture
def credential(av_issuer: test_issuer.TestIssuer) -> test_issuer.MdocCredential:
    return test_issuer.issue_mdoc(av_issuer, ANSWERS, valid_from=START, valid_until=END)


def _response(credential: test_issuer.MdocCredential, disclose: list[str] | None = None) -> bytes:
    return test_issuer.present_mdoc(credential, disclose=disclose or ["16"], transcript=TRANSCRIPT)


def _verify(
    data: bytes,
    issuer: test_issuer.TestIssuer,
    *,
    now: datetime = NOW,
    transcript: transcripts.SessionTranscript | None = TRANSCRIPT,
    **policy: Any,
) -> Any:
    return verify_mdoc(
        data,
        trust=TrustList(roots=[issuer.root]),
        now=now,
        transcript=transcript,
        policy=MdocPolicy(**policy),
    )


def _reason(data: bytes, issuer: test_issuer.TestIssuer, **kwargs: Any) -> Reason:
    with pytest.raises(AgeProofError) as caught:
        _verify(data, issuer, **kwargs)
    return caught.value.reason


def _edit(data: bytes, change: Any) -> bytes:
    response = cose.loads(data, "r")
    change(response)
    return cose.dumps(response)


def test_the_base_case_is_valid(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    found = _verify(_response(credential, ["16", "18"]), av_issuer)
    assert found.age_over == {"16": True, "18": False}
    assert found.device_auth == "ok" and found.doc_types == ("eu.europa.ec.av.1",)


def test_dc_api_transcript(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    dc = transcripts.dc_api("https://platform.example.my", NONCE)
    data = test_issuer.present_mdoc(credential, disclose=["16"], transcript=dc)
    assert _verify(data, av_issuer, transcript=dc).age_over == {"16": True}
    assert _reason(data, av_issuer) is Reason.DEVICE_AUTH_INVALID  # the OpenID4VP transcript


def test_a_response_for_another_nonce(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    other = transcripts.openid4vp(AUD, "another-nonce", "https://platform.example.my/age/response")
    assert _reason(_response(credential), av_issuer, transcript=other) is Reason.DEVICE_AUTH_INVALID
    with pytest.raises(VerifierConfigError):
        _verify(_response(credential), av_issuer, transcript=None)


def test_issuer_trust(
    credential: test_issuer.MdocCredential,
    av_issuer: test_issuer.TestIssuer,
    other_issuer: test_issuer.TestIssuer,
) -> None:
    data = _response(credential)
    assert _reason(data, other_issuer) is Reason.CERTIFICATE_INVALID
    pinned = verify_mdoc(
        data, trust=TrustList(pinned=[av_issuer.certificate]), now=NOW, transcript=TRANSCRIPT
    )
    assert pinned.age_over == {"16": True}
    later = av_issuer.certificate.not_valid_after_utc + timedelta(days=1)
    assert _reason(data, av_issuer, now=later) is Reason.CERTIFICATE_INVALID


def test_no_x5chain(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    def drop(response: dict[str, Any]) -> None:
        response["documents"][0]["issuerSigned"]["issuerAuth"][1] = {}

    assert _reason(_edit(_response(credential), drop), av_issuer) is Reason.CERTIFICATE_INVALID


def test_a_certificate_with_a_mangled_version_is_refused(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    # X.509 version 2 (encoded 1) is one byte away from version 3; `cryptography` refuses it with
    # an error that is not a ValueError, found by the byte-change property test.
    def mangle(response: dict[str, Any]) -> None:
        header = response["documents"][0]["issuerSigned"]["issuerAuth"][1]
        chain = header[33]
        der = chain[0] if isinstance(chain, list) else chain
        assert b"\xa0\x03\x02\x01\x02" in der
        mangled = der.replace(b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x01", 1)
        header[33] = [mangled, *chain[1:]] if isinstance(chain, list) else mangled

    data = _edit(_response(credential), mangle)
    assert _reason(data, av_issuer) is Reason.CERTIFICATE_INVALID


def test_issuer_signature_and_algorithms(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    def flip(response: dict[str, Any]) -> None:
        auth = response["documents"][0]["issuerSigned"]["issuerAuth"]
        auth[3] = bytes([auth[3][0] ^ 1]) + auth[3][1:]

    assert _reason(_edit(_response(credential), flip), av_issuer) is Reason.ISSUER_SIGNATURE_INVALID
    assert (
        _reason(_response(credential), av_issuer, algs=frozenset({"ES384"}))
        is Reason.ALG_NOT_ALLOWED
    )


def test_mso_validity(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    data = _response(credential)
    assert _reason(data, av_issuer, now=END + timedelta(seconds=61)) is Reason.EXPIRED
    assert _verify(data, av_issuer, now=END + timedelta(seconds=30))  # leeway
    assert _reason(data, av_issuer, now=START - timedelta(seconds=61)) is Reason.NOT_YET_VALID
    mso = mso_of(credential)
    mso["validityInfo"]["validFrom"] = mso["validityInfo"]["signed"] - timedelta(days=1)
    bad = resign(av_issuer, credential, mso)
    assert _reason(_response(bad), av_issuer) is Reason.MALFORMED
    mso = mso_of(credential)
    mso["validityInfo"]["signed"] = av_issuer.certificate.not_valid_before_utc - timedelta(days=1)
    mso["validityInfo"]["validFrom"] = mso["validityInfo"]["signed"]
    outside = resign(av_issuer, credential, mso)
    assert _reason(_response(outside), av_issuer) is Reason.CERTIFICATE_INVALID


def test_mso_fields(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    changes: list[tuple[Callable[[dict[str, Any]], object], Reason]] = [
        (lambda m: m.update(digestAlgorithm="MD5"), Reason.DIGEST_ALG_UNSUPPORTED),
        (lambda m: m.update(docType="org.iso.18013.5.1.mDL"), Reason.DOCTYPE_MISMATCH),
        (lambda m: m.update(version="2.0"), Reason.MALFORMED),
        (lambda m: m.pop("deviceKeyInfo"), Reason.MALFORMED),
        (lambda m: m.update(extra=1), Reason.MALFORMED),
        (lambda m: m["validityInfo"].update(validUntil="2030-01-01"), Reason.MALFORMED),
    ]
    for change, reason in changes:
        mso = mso_of(credential)
        change(mso)
        assert _reason(_response(resign(av_issuer, credential, mso)), av_issuer) is reason


def test_digests(credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer) -> None:
    data = _response(credential)

    def change_value(response: dict[str, Any]) -> None:
        items = response["documents"][0]["issuerSigned"]["nameSpaces"]["eu.europa.ec.av.1"]
        item = cose.loads(items[0].value, "item")
        item["elementValue"] = not item["elementValue"]
        items[0] = cose.tag24(cose.dumps(item))

    def unknown_id(response: dict[str, Any]) -> None:
        items = response["documents"][0]["issuerSigned"]["nameSpaces"]["eu.europa.ec.av.1"]
        item = cose.loads(items[0].value, "item")
        item["digestID"] = 2**40
        items[0] = cose.tag24(cose.dumps(item))

    def rename_namespace(response: dict[str, Any]) -> None:
        spaces = response["documents"][0]["issuerSigned"]["nameSpaces"]
        spaces["org.iso.18013.5.1"] = spaces.pop("eu.europa.ec.av.1")

    def twice(response: dict[str, Any]) -> None:
        items = response["documents"][0]["issuerSigned"]["nameSpaces"]["eu.europa.ec.av.1"]
        items.append(items[0])

    def untagged(response: dict[str, Any]) -> None:
        items = response["documents"][0]["issuerSigned"]["nameSpaces"]["eu.europa.ec.av.1"]
        items[0] = items[0].value

    for change, reason in [
        (change_value, Reason.DIGEST_MISMATCH),
        (unknown_id, Reason.DIGEST_NOT_IN_MSO),
        (rename_namespace, Reason.NAMESPACE_NOT_IN_MSO),
        (twice, Reason.ELEMENT_DUPLICATE),
        (untagged, Reason.MALFORMED),
    ]:
        assert _reason(_edit(data, change), av_issuer) is reason, change.__name__


def test_item_fields_under_a_valid_digest(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    """A short `random` or an extra member is refused even when the issuer signed it."""
    import hashlib

    for field, value in [("random", b"short"), ("extra", 1), ("digestID", -1)]:
        mso = mso_of(credential)
        issuer_signed = cose.loads(credential.issuer_signed, "is")
        items = issuer_signed["nameSpaces"]["eu.europa.ec.av.1"]
        item = cose.loads(items[0].value, "item")
        old_id = item["digestID"]
        item[field] = value
        raw = cose.dumps(item)
        items[0] = cose.tag24(raw)
        digests = mso["valueDigests"]["eu.europa.ec.av.1"]
        digests[old_id] = hashlib.sha256(cose.tagged(raw)).digest()
        bad = resign(av_issuer, credential, mso, issuer_signed["nameSpaces"])
        age = cose.loads(raw, "i")["elementIdentifier"].removeprefix("age_over_")
        assert _reason(_response(bad, [age]), av_issuer) is Reason.MALFORMED, field


def test_device_authentication(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    data = _response(credential)

    def no_device(response: dict[str, Any]) -> None:
        del response["documents"][0]["deviceSigned"]

    def attached(response: dict[str, Any]) -> None:
        response["documents"][0]["deviceSigned"]["deviceAuth"]["deviceSignature"][2] = b"x"

    def both(response: dict[str, Any]) -> None:
        auth = response["documents"][0]["deviceSigned"]["deviceAuth"]
        auth["deviceMac"] = auth["deviceSignature"]

    def unauthorised(response: dict[str, Any]) -> None:
        signed = response["documents"][0]["deviceSigned"]
        signed["nameSpaces"] = cose.tag24(cose.dumps({"eu.europa.ec.av.1": {"age_over_21": True}}))

    for change, reason in [
        (no_device, Reason.DEVICE_AUTH_MISSING),
        (attached, Reason.MALFORMED),
        (both, Reason.MALFORMED),
        (unauthorised, Reason.DEVICE_ELEMENT_NOT_AUTHORISED),
    ]:
        assert _reason(_edit(data, change), av_issuer) is reason, change.__name__
    stolen = test_issuer.MdocCredential(
        credential.issuer_signed, ec.generate_private_key(ec.SECP256R1()), START, END
    )
    assert _reason(_response(stolen), av_issuer) is Reason.DEVICE_AUTH_INVALID


def test_device_mac(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    reader = ec.generate_private_key(ec.SECP256R1())
    data = test_issuer.present_mdoc(
        credential, disclose=["13"], transcript=TRANSCRIPT, reader_public_key=reader.public_key()
    )
    found = verify_mdoc(
        data,
        trust=TrustList(roots=[av_issuer.root]),
        now=NOW,
        transcript=TRANSCRIPT,
        reader_key=reader,
    )
    assert found.age_over == {"13": True}
    with pytest.raises(VerifierConfigError):
        _verify(data, av_issuer)
    with pytest.raises(AgeProofError) as caught:
        verify_mdoc(
            data,
            trust=TrustList(roots=[av_issuer.root]),
            now=NOW,
            transcript=TRANSCRIPT,
            reader_key=ec.generate_private_key(ec.SECP256R1()),
        )
    assert caught.value.reason is Reason.DEVICE_AUTH_INVALID


def test_bare_issuer_signed(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    assert _reason(credential.issuer_signed, av_issuer) is Reason.ISSUER_SIGNED_ONLY
    found = _verify(credential.issuer_signed, av_issuer, transcript=None, allow_issuer_signed=True)
    assert found.device_auth == "not checked" and found.age_over == ANSWERS


def test_containers_are_strict(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    data = _response(credential)
    for change in [
        lambda r: r.update(version="1.1"),
        lambda r: r.update(status=10),
        lambda r: r.update(extra=True),
        lambda r: r.update(documents=[]),
        lambda r: r.update(documentErrors=[{"x": 1}]),
        lambda r: r["documents"][0].update(extra=True),
        lambda r: r["documents"][0]["issuerSigned"].update(extra=True),
        lambda r: r["documents"][0]["deviceSigned"].update(extra=True),
        lambda r: r["documents"][0].update(docType=7),
    ]:
        assert _reason(_edit(data, change), av_issuer) is Reason.MALFORMED


def test_age_answers_across_documents(
    credential: test_issuer.MdocCredential, av_issuer: test_issuer.TestIssuer
) -> None:
    older = test_issuer.issue_mdoc(av_issuer, {"16": False}, valid_from=START, valid_until=END)
    first, second = cose.loads(_response(credential), "r"), cose.loads(_response(older), "r")
    first["documents"].append(second["documents"][0])
    assert _reason(cose.dumps(first), av_issuer) is Reason.AGE_CLAIMS_CONFLICT


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xa0",
        b"\x80",
        b"\xa1\x01\x02",
        b"\xff" * 10,
        cbor2.dumps({"version": "1.0", "status": 0}),
        cbor2.dumps({"version": "1.0", "status": 0, "documents": [1]}) + b"\x00",
        bytes.fromhex("bf61610161620200ff"),  # indefinite-length map
        bytes.fromhex("a2616101616102"),  # duplicate key
        bytes.fromhex("81" * 100 + "00"),  # too deep
    ],
)
def test_garbage(data: bytes, av_issuer: test_issuer.TestIssuer) -> None:
    assert _reason(data, av_issuer) is Reason.MALFORMED


def test_size_limit(av_issuer: test_issuer.TestIssuer) -> None:
    assert _reason(b"\x00" * (512 * 1024 + 1), av_issuer) is Reason.TOO_LARGE
