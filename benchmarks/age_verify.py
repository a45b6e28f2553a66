"""Benchmark: verifying ES256 SD-JWT VC presentations with key binding (issue 19: ≥ 2,000/s on
one core), beside the PyPI `sd-jwt` 0.10.4 verifier in the same run.

The same presentation goes to both: issued and presented by `sd-jwt` itself (typ dc+sd-jwt,
an ES256 issuer key, a holder key bound in cnf.jwk, one disclosure of `age_equal_or_over`/"18"),
checked by each against the issuer's JWK, the nonce and the audience. A second figure is ours
with the issuer key behind an X.509 chain (`x5c` to a trusted root), as an EU issuer would sign.
Then both verifiers get the published negative vectors, and we print what each accepts.

    .venv/bin/python benchmarks/age_verify.py [--seconds S]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

from perisai.age import SdJwtPolicy, TrustList, load_trust_files, verify_sd_jwt
from perisai.age import issuer as test_issuer
from perisai.age.errors import AgeProofError
from perisai.age.timecheck import as_datetime

TARGET = 2000.0
NONCE = "bench-nonce-0123456789"
AUD = "https://platform.example.my"
NEGATIVES = Path(__file__).resolve().parents[1] / "tests" / "data" / "age" / "negative" / "sdjwt"


def _pypi_presentation() -> tuple[str, JWK]:
    issuer_key = JWK.generate(kty="EC", crv="P-256", kid="issuer-1")
    holder_key = JWK.generate(kty="EC", crv="P-256")
    now = int(time.time())
    claims = {
        "iss": "https://issuer.example.my",
        "iat": now - 3600,
        "exp": now + 30 * 86400,
        "vct": "urn:perisai:test:age_verification:1",
        SDObj("age_equal_or_over"): {SDObj("16"): True, SDObj("18"): True, SDObj("21"): False},
    }
    issued = SDJWTIssuer(
        claims,
        issuer_key,
        holder_key,
        sign_alg="ES256",
        extra_header_parameters={"typ": "dc+sd-jwt", "kid": "issuer-1"},
    ).sd_jwt_issuance
    holder = SDJWTHolder(issued)
    holder.create_presentation({"age_equal_or_over": {"18": True}}, NONCE, AUD, holder_key, "ES256")
    return holder.sd_jwt_presentation, issuer_key


def _rate(run: Callable[[], object], seconds: float) -> tuple[float, float]:
    """Verifications per second of this thread's CPU time (what one core does, whatever else
    shares the machine) and per second of wall time: medians of five rounds."""
    cpu_rounds, wall_rounds = [], []
    for _ in range(5):
        count, cpu_start, wall_start = 0, time.thread_time(), time.perf_counter()
        while time.perf_counter() - wall_start < seconds / 5:
            for _ in range(50):
                run()
            count += 50
        cpu_rounds.append(count / (time.thread_time() - cpu_start))
        wall_rounds.append(count / (time.perf_counter() - wall_start))
    return statistics.median(cpu_rounds), statistics.median(wall_rounds)


def _ours(presentation: str, trust: TrustList) -> Callable[[], object]:
    def run() -> object:
        now = datetime.now(UTC)
        return verify_sd_jwt(presentation, trust=trust, now=now, nonce=NONCE, audience=AUD)

    return run


def _theirs(presentation: str, issuer_key: JWK) -> Callable[[], object]:
    def run() -> object:
        verifier = SDJWTVerifier(presentation, lambda iss, header: issuer_key, AUD, NONCE)
        return verifier.get_verified_payload()

    return run


def _x5c_case() -> tuple[str, TrustList]:
    keys = test_issuer.TestIssuer.generate()
    [credential] = test_issuer.issue_sd_jwt_batch(keys, {"16": True, "18": True}, count=1)
    text = test_issuer.present_sd_jwt(
        credential, disclose=["18"], nonce=NONCE, audience=AUD, iat=int(time.time())
    )
    return text, TrustList(roots=[keys.root])


def _negatives() -> list[tuple[str, str, str, str]]:
    """(file, what is wrong, ours, PyPI sd-jwt) for each published negative."""
    manifest = json.loads((NEGATIVES / "manifest.json").read_text())
    trust = load_trust_files([NEGATIVES / "issuer_public_jwk.json"])
    jwk = JWK.from_json((NEGATIVES / "issuer_public_jwk.json").read_text())
    pinned = as_datetime(1748537300)
    rows = []
    for name in sorted(manifest):
        text = (NEGATIVES / name).read_text().strip()
        try:
            verify_sd_jwt(
                text, trust=trust, now=pinned, nonce="1234567890",
                audience="https://verifier.example.org", policy=SdJwtPolicy(),
            )  # fmt: skip
            ours = "accepts"
        except AgeProofError as exc:
            ours = f"rejects ({exc.reason.value})"
        try:
            SDJWTVerifier(
                text, lambda iss, header: jwk, "https://verifier.example.org", "1234567890"
            ).get_verified_payload()
            theirs = "accepts"
        except Exception as exc:
            theirs = f"rejects ({type(exc).__name__})"
        rows.append((name, manifest[name].split(" (")[0].split(" -> ")[0][:60], ours, theirs))
    rows.append(_stale_key_binding(trust, jwk))
    return rows


def _stale_key_binding(trust: TrustList, jwk: JWK) -> tuple[str, str, str, str]:
    """The valid control checked at today's time: its KB-JWT is from 2025 (replayable)."""
    text = (NEGATIVES / "neg00_CONTROL_valid_base.txt").read_text().strip()
    aud, nonce = "https://verifier.example.org", "1234567890"
    try:
        verify_sd_jwt(text, trust=trust, now=datetime.now(UTC), nonce=nonce, audience=aud)
        ours = "accepts"
    except AgeProofError as exc:
        ours = f"rejects ({exc.reason.value})"
    try:
        SDJWTVerifier(text, lambda iss, header: jwk, aud, nonce).get_verified_payload()
        theirs = "accepts"
    except Exception as exc:
        theirs = f"rejects ({type(exc).__name__})"
    return ("neg00 today (KB-JWT iat of 2025: stale)", "replay", ours, theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="timing per verifier")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    presentation, issuer_key = _pypi_presentation()
    trust = TrustList()
    trust.add_jwk(json.loads(issuer_key.export_public()))
    ours_run, theirs_run = _ours(presentation, trust), _theirs(presentation, issuer_key)
    assert verify_sd_jwt(
        presentation, trust=trust, now=datetime.now(UTC), nonce=NONCE, audience=AUD
    ).age_over == {"18": True}
    assert theirs_run() is not None
    x5c_text, x5c_trust = _x5c_case()
    x5c_run = _ours(x5c_text, x5c_trust)
    x5c_run()

    print(
        f"# age_verify  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC  Python {platform.python_version()}"
    )
    print(f"# one core; ES256 SD-JWT VC + KB-JWT, {len(presentation)} bytes, 2 disclosures")
    ours, ours_wall = _rate(ours_run, args.seconds)
    theirs, theirs_wall = _rate(theirs_run, args.seconds)
    chained, chained_wall = _rate(x5c_run, args.seconds)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    verdict = "PASS" if ours >= TARGET and ours > theirs else "FAIL"
    print(f"# load average {load:.1f}: 'CPU' counts this thread's CPU time, 'wall' the clock")
    print(f"{'verifier':<44} {'/s (CPU)':>9} {'µs each':>8} {'/s (wall)':>10}")
    for name, cpu, wall in [
        ("perisai.age (issuer JWK trusted)", ours, ours_wall),
        ("perisai.age (x5c chain to a trusted root)", chained, chained_wall),
        ("PyPI sd-jwt 0.10.4 SDJWTVerifier", theirs, theirs_wall),
    ]:
        print(f"{name:<44} {cpu:>9,.0f} {1e6 / cpu:>8.0f} {wall:>10,.0f}")
    ratio = ours / theirs
    print(f"target ≥ {TARGET:,.0f}/s on one core, faster than sd-jwt: {verdict} ({ratio:.1f}×)")
    print()
    print(f"{'published negative':<42} {'perisai.age':<34} PyPI sd-jwt")
    for name, _, mine, other in _negatives():
        flag = "  <- wrong" if other == "accepts" and name != "neg00_CONTROL_valid_base.txt" else ""
        print(f"{name:<42} {mine:<34} {other}{flag}")


if __name__ == "__main__":
    main()
