"""Images we sign ourselves with c2pa-python and a throw-away chain: AI created, AI ingredient,
non-AI capture, tampered after signing; with and without the chain's root as a trust anchor."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.media.provenance_factory import (
    AI,
    AI_COMPOSITE,
    ALGORITHMIC,
    CAPTURE,
    IPTC,
    SigningChain,
    jpeg_bytes,
    make_chain,
    sign,
    tamper,
    with_jpeg_xmp,
    xmp_packet,
)

from perisai.media.provenance import TrustList, read_provenance


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("source_type", "ai"),
    [
        (AI, "yes"),
        (AI_COMPOSITE, "yes"),
        (IPTC + "compositeSynthetic", "yes"),
        (CAPTURE, "no"),
        (ALGORITHMIC, "no"),
        (IPTC + "composite", "unknown"),
        ("http://c2pa.org/digitalsourcetype/empty", "unknown"),
    ],
)
def test_a_valid_manifest_answers_by_its_source_type(
    tmp_path: Path, test_chain: SigningChain, source_type: str, ai: str
) -> None:
    path = _file(tmp_path, "signed.jpg", sign(test_chain, jpeg_bytes(1), source_type=source_type))
    found = read_provenance(path)
    assert (found.ai, found.c2pa.state) == (ai, "valid")
    assert found.c2pa.signer == "Perisai tests signer (Perisai tests)"
    assert list(found.c2pa.digital_source_types) == [source_type]


def test_the_root_as_trust_anchor_makes_it_trusted(
    tmp_path: Path, test_chain: SigningChain
) -> None:
    path = _file(tmp_path, "ai.jpg", sign(test_chain, jpeg_bytes(1), source_type=AI))
    trusted = read_provenance(path, trust=TrustList.from_pem(test_chain.root_pem))
    assert (trusted.ai, trusted.c2pa.state, trusted.c2pa.errors) == ("yes", "trusted", ())
    other = read_provenance(path, trust=TrustList.from_pem(make_chain("Elsewhere").root_pem))
    assert (other.c2pa.state, other.c2pa.errors) == ("valid", ("signingCredential.untrusted",))


def test_an_ai_ingredient_of_an_edit_makes_it_yes(tmp_path: Path, test_chain: SigningChain) -> None:
    generated = sign(test_chain, jpeg_bytes(1), source_type=AI)
    edit = sign(test_chain, jpeg_bytes(2), source_type=None, parent=generated)
    found = read_provenance(_file(tmp_path, "edit.jpg", edit))
    assert found.ai == "yes"
    assert [(m.role, m.verified) for m in found.c2pa.manifests] == [
        ("active", True),
        ("ingredient", True),
    ]
    assert found.c2pa.manifests[0].digital_source_types == ()
    assert found.ai_manifest is found.c2pa.manifests[1]
    assert list(found.c2pa.digital_source_types) == [AI]


def test_a_capture_edited_stays_no(tmp_path: Path, test_chain: SigningChain) -> None:
    capture = sign(test_chain, jpeg_bytes(1), source_type=CAPTURE)
    edit = sign(test_chain, jpeg_bytes(2), source_type=None, parent=capture)
    assert read_provenance(_file(tmp_path, "edit.jpg", edit)).ai == "no"


def test_tampered_after_signing_is_invalid_and_only_claimed(
    tmp_path: Path, test_chain: SigningChain
) -> None:
    ai = read_provenance(
        _file(tmp_path, "ai.jpg", tamper(sign(test_chain, jpeg_bytes(1), source_type=AI)))
    )
    assert (ai.ai, ai.c2pa.state) == ("claimed", "invalid")
    assert "assertion.dataHash.mismatch" in ai.c2pa.errors
    assert ai.c2pa.signer is not None  # the claim is still shown, as a claim
    assert ai.ai_manifest is None
    capture = sign(test_chain, jpeg_bytes(1), source_type=CAPTURE)
    tampered_capture = read_provenance(_file(tmp_path, "capture.jpg", tamper(capture)))
    assert (tampered_capture.ai, tampered_capture.c2pa.state) == ("unknown", "invalid")


def test_a_tampered_ai_ingredient_inside_a_valid_edit_is_claimed(
    tmp_path: Path, test_chain: SigningChain
) -> None:
    broken = tamper(sign(test_chain, jpeg_bytes(1), source_type=AI))
    edit = sign(test_chain, jpeg_bytes(2), source_type=None, parent=broken)
    found = read_provenance(_file(tmp_path, "edit.jpg", edit))
    assert found.c2pa.state == "valid"
    assert [(m.role, m.verified) for m in found.c2pa.manifests] == [
        ("active", True),
        ("ingredient", False),
    ]
    assert found.ai == "claimed"


def test_unsigned_ai_xmp_beside_a_signed_capture_makes_it_claimed(
    tmp_path: Path, test_chain: SigningChain
) -> None:
    """The signer vouches for a capture while the signed file itself says AI: an analyst must
    see the contradiction, so the answer is "claimed", not "no"."""
    marked = with_jpeg_xmp(jpeg_bytes(1), xmp_packet(AI))
    found = read_provenance(_file(tmp_path, "c.jpg", sign(test_chain, marked, source_type=CAPTURE)))
    assert found.c2pa.state == "valid"
    assert found.ai == "claimed"
