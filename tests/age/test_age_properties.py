"""Any single-byte change to a valid presentation is refused.

SD-JWT: over the compact string. Every byte is covered: the issuer JWT by its signature, the
disclosures by their digests, everything before the KB-JWT by `sd_hash`, the KB-JWT by its
signature; base64url must be canonical, so a changed unused low bit in a last character (which
decodes to the same bytes) is refused too.

mdoc: over the CBOR bytes of the Annex D DeviceResponse. Not every byte is under a signature:
the DeviceResponse `version`/`status`, the container keys, the COSE headers' framing and the
issuerAuth unprotected header (the x5chain) are not signed. They are checked instead: exact
version and status, no unknown members, strict CBOR (no trailing bytes, definite lengths, no
duplicate keys), and the DS certificate byte-for-byte equal to the pinned one (or chained to a
root, where its own signature covers it). The deviceMac covers the session transcript, docType
and device namespaces, not issuerSigned, which the issuer signature and digests cover.
"""

from __future__ import annotations

import random

from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.age.craft import hex_bytes
from tests.datasets import AGE as DATA

from perisai.age import UnreadableInput, load_trust_files, verify_presentation
from perisai.age.timecheck import parse_time
from perisai.age.transcript import from_bytes

SD_FOLDER = DATA / "negative" / "sdjwt"
SD_TRUST = load_trust_files([SD_FOLDER / "issuer_public_jwk.json"])
SD_VALID = (SD_FOLDER / "neg00_CONTROL_valid_base.txt").read_bytes().strip()
ANNEX_D = DATA / "mdoc" / "iso18013-5-annexD"
MDOC_TRUST = load_trust_files([ANNEX_D / "ds_cert.pem"])
MDOC_VALID = hex_bytes(ANNEX_D / "device_response.hex")
TRANSCRIPT = from_bytes(hex_bytes(ANNEX_D / "session_transcript_bytes.hex"))
READER = ec.derive_private_key(
    int((ANNEX_D / "ephemeral_reader_key_d.hex").read_text().strip(), 16), ec.SECP256R1()
)
MDOC_NOW = parse_time("2021-01-01T00:00:00Z")


def _sd_jwt_accepts(data: bytes) -> bool:
    try:
        check = verify_presentation(
            data,
            trust=SD_TRUST,
            format="sd-jwt",
            now=1748537300,
            nonce="1234567890",
            audience="https://verifier.example.org",
        )
    except UnreadableInput:
        return False
    return check.valid


def _mdoc_accepts(data: bytes) -> bool:
    try:
        check = verify_presentation(
            data,
            trust=MDOC_TRUST,
            format="mdoc",
            now=MDOC_NOW,
            transcript=TRANSCRIPT,
            reader_key=READER,
        )
    except UnreadableInput:
        return False
    return check.valid


def _changed(data: bytes, position: int, value: int) -> bytes:
    changed = bytearray(data)
    changed[position % len(data)] = value
    return bytes(changed)


def test_the_originals_are_accepted() -> None:
    assert _sd_jwt_accepts(SD_VALID)
    assert _mdoc_accepts(MDOC_VALID)


@settings(max_examples=400, deadline=None)
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_any_byte_change_to_an_sd_jwt_is_refused(position: int, value: int) -> None:
    changed = _changed(SD_VALID, position, value)
    if changed != SD_VALID:
        assert not _sd_jwt_accepts(changed)


@settings(max_examples=400, deadline=None)
@given(position=st.integers(min_value=0), value=st.integers(min_value=0, max_value=255))
def test_any_byte_change_to_an_mdoc_response_is_refused(position: int, value: int) -> None:
    changed = _changed(MDOC_VALID, position, value)
    if changed != MDOC_VALID:
        assert not _mdoc_accepts(changed)


def test_every_position_once() -> None:
    """A deterministic sweep: each byte of both presentations changed to one other value."""
    rng = random.Random(19)
    for original, accepts in ((SD_VALID, _sd_jwt_accepts), (MDOC_VALID, _mdoc_accepts)):
        for position in range(len(original)):
            value = rng.choice([v for v in range(256) if v != original[position]])
            assert not accepts(_changed(original, position, value)), position


def test_base64url_unused_bits_are_refused() -> None:
    """The KB-JWT signature's last character carries 4 unused bits: another character with the
    same used bits decodes to the same signature, and must still be refused."""
    last = SD_VALID[-1:].decode()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    index = alphabet.index(last)
    twin = alphabet[(index & ~0b1111) | ((index + 1) & 0b1111)]
    assert twin != last
    assert not _sd_jwt_accepts(SD_VALID[:-1] + twin.encode())
