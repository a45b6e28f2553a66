"""The test issuer: batches of single-use attestations that cannot be told apart by time."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from tests.age.craft import AUD, NONCE

from perisai.age import TrustList, verify_presentation
from perisai.age import issuer as test_issuer
from perisai.age import transcript as transcripts
from perisai.age.encoding import b64url_decode


def test_age_over_from_a_birth_date() -> None:
    today = date(2026, 6, 1)
    assert test_issuer.age_over(date(2010, 6, 2), today, (13, 16)) == {"13": True, "16": False}
    assert test_issuer.age_over(date(2010, 6, 1), today, (16, 18)) == {"16": True, "18": False}
    assert test_issuer.age_over(date(2008, 2, 29), today, (18,)) == {"18": True}


def test_validity_is_rounded_to_the_day_and_bounded() -> None:
    start, end = test_issuer.rounded_validity(datetime(2026, 6, 1, 17, 45, 12, tzinfo=UTC), 90)
    assert start == datetime(2026, 6, 1, tzinfo=UTC) and end - start == timedelta(days=90)
    with pytest.raises(ValueError, match="92"):
        test_issuer.rounded_validity(datetime.now(UTC), 93)


@pytest.mark.parametrize("kind", ["sd-jwt", "mdoc"])
def test_a_batch_is_unlinkable_by_content(kind: str, av_issuer: test_issuer.TestIssuer) -> None:
    now = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    batch = test_issuer.issue_batch(
        av_issuer, {"16": True, "18": False}, format=kind, count=5, now=now
    )
    assert len(batch) == 5
    assert {c.valid_from for c in batch} == {datetime(2026, 6, 1, tzinfo=UTC)}
    assert len({c.valid_until for c in batch}) == 1
    holder_keys = {c.holder_key.public_key().public_numbers().x for c in batch}
    assert len(holder_keys) == 5
    if kind == "sd-jwt":
        salts = set()
        for credential in batch:
            for text in credential.issued.rstrip("~").split("~")[1:]:  # type: ignore[union-attr]
                salt = json.loads(b64url_decode(text, "d"))[0]
                assert len(b64url_decode(salt, "salt")) >= 16
                salts.add(salt)
        assert len(salts) == 5 * 3  # the outer object and two thresholds each, all fresh


def test_batch_bounds(av_issuer: test_issuer.TestIssuer) -> None:
    for count in (0, 1001):
        with pytest.raises(ValueError, match="batch"):
            test_issuer.issue_batch(av_issuer, {"18": True}, format="mdoc", count=count)
    with pytest.raises(ValueError, match="format"):
        test_issuer.issue_batch(av_issuer, {"18": True}, format="pdf", count=1)


def test_issuer_keys_round_trip_through_files(
    tmp_path: object, av_issuer: test_issuer.TestIssuer
) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path)) / "issuer"
    av_issuer.save(folder)
    assert (folder / "ds-key.pem").stat().st_mode & 0o077 == 0
    loaded = test_issuer.TestIssuer.load(folder)
    assert loaded.certificate == av_issuer.certificate and loaded.jwk == av_issuer.jwk
    now = datetime.now(UTC)
    [credential] = test_issuer.issue_mdoc_batch(loaded, {"18": True}, count=1, now=now)
    st = transcripts.openid4vp(AUD, NONCE, "https://rp.example/cb")
    data = test_issuer.present_mdoc(credential, disclose=["18"], transcript=st)
    check = verify_presentation(data, trust=TrustList(roots=[av_issuer.root]), transcript=st)
    assert check.valid and check.age_over == {"18": True}


def test_presentation_reveals_only_what_is_asked(av_issuer: test_issuer.TestIssuer) -> None:
    now = datetime.now(UTC)
    [credential] = test_issuer.issue_sd_jwt_batch(
        av_issuer, {"13": True, "16": True, "18": False}, count=1, now=now
    )
    text = test_issuer.present_sd_jwt(
        credential,
        disclose=["16"],
        nonce=NONCE,
        audience=AUD,
        iat=int(now.timestamp()),
    )
    check = verify_presentation(
        text.encode(), trust=TrustList(roots=[av_issuer.root]), nonce=NONCE, audience=AUD
    )
    assert check.valid and check.age_over == {"16": True}
