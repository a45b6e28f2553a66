"""`perisai age` commands: verify an age presentation, and the test issuer and holder.

`verify` prints `{"valid", "error", "format", "age_over", "device_auth"}` and exits 0 when
valid, 1 when not, 2 for unreadable input or arguments it cannot use.
"""

from __future__ import annotations

import binascii
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from perisai import clikit

app = typer.Typer(help="Age assurance: verify SD-JWT VC and mdoc age proofs.", no_args_is_help=True)

MAX_FILE_BYTES = 1_048_576


@app.callback()
def age() -> None:
    """Verify age proofs (SD-JWT VC, ISO mdoc) offline; issue test attestations."""


def _read(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        clikit.fail(f"{what} {path}: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        clikit.fail(f"{what} {path}: larger than {MAX_FILE_BYTES} bytes")
    return data


def _cbor_or_hex(data: bytes) -> bytes:
    stripped = data.strip()
    try:
        if stripped and all(chr(b) in "0123456789abcdefABCDEF \n\r\t" for b in stripped):
            return binascii.unhexlify(b"".join(stripped.split()))
    except (binascii.Error, ValueError):
        clikit.fail("session transcript looks like hex but is not")
    return data


def _reader_key(path: Path) -> object:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        key = serialization.load_pem_private_key(_read(path, "reader key"), None)
    except (ValueError, TypeError) as exc:
        clikit.fail(f"reader key {path}: not an unencrypted PEM private key ({exc})")
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        clikit.fail(f"reader key {path}: not an EC private key")
    return key


@app.command("verify")
def verify(
    file: Annotated[
        Path, typer.Argument(help="Compact/JSON SD-JWT, or mdoc response (CBOR or hex).")
    ],
    issuer_key: Annotated[
        list[Path],
        typer.Option("--issuer-key", help="A JWK (JSON) or PEM certificate to trust (repeatable)."),
    ],
    format: Annotated[
        str | None, typer.Option("--format", help="sd-jwt or mdoc (default: detected).")
    ] = None,
    now: Annotated[
        str | None, typer.Option("--now", help="Verification time: epoch seconds or ISO 8601.")
    ] = None,
    nonce: Annotated[
        str | None, typer.Option("--nonce", help="Expected key-binding nonce.")
    ] = None,
    aud: Annotated[str | None, typer.Option("--aud", help="Expected key-binding audience.")] = None,
    no_key_binding: Annotated[
        bool, typer.Option("--no-key-binding", help="Accept an SD-JWT without key binding.")
    ] = False,
    session_transcript: Annotated[
        Path | None,
        typer.Option("--session-transcript", help="SessionTranscriptBytes (CBOR or hex)."),
    ] = None,
    reader_key: Annotated[
        Path | None,
        typer.Option(
            "--reader-key", help="Reader's ephemeral EC private key (PEM), for deviceMac."
        ),
    ] = None,
    allow_issuer_signed: Annotated[
        bool,
        typer.Option("--allow-issuer-signed", help="Accept a bare IssuerSigned (no device auth)."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Verify one age presentation against the trusted issuer keys."""
    from perisai.age.errors import AgeProofError, VerifierConfigError
    from perisai.age.timecheck import parse_time
    from perisai.age.transcript import from_bytes
    from perisai.age.trust import TrustFileError, load_trust_files
    from perisai.age.verify import UnreadableInput, verify_presentation

    if format not in (None, "sd-jwt", "mdoc"):
        clikit.fail("--format must be sd-jwt or mdoc")
    kind: Literal["sd-jwt", "mdoc"] | None = format  # type: ignore[assignment]
    try:
        trust = load_trust_files(issuer_key)
        moment = parse_time(now) if now is not None else None
        transcript = (
            from_bytes(_cbor_or_hex(_read(session_transcript, "session transcript")))
            if session_transcript is not None
            else None
        )
    except (TrustFileError, ValueError) as exc:
        clikit.fail(str(exc))
    except AgeProofError as exc:
        clikit.fail(f"session transcript: {exc}")
    key = _reader_key(reader_key) if reader_key is not None else None
    try:
        result = verify_presentation(
            _read(file, "presentation"),
            trust=trust,
            format=kind,
            now=moment,
            nonce=nonce,
            audience=aud,
            require_key_binding=not no_key_binding,
            transcript=transcript,
            reader_key=key,  # type: ignore[arg-type]
            allow_issuer_signed=allow_issuer_signed,
        )
    except UnreadableInput as exc:
        clikit.fail(f"{file}: {exc}")
    except VerifierConfigError as exc:
        clikit.fail(str(exc))
    out = result.to_dict()
    if as_json:
        clikit.emit(out)
    else:
        ages = ", ".join(f"over {k}: {'yes' if v else 'no'}" for k, v in out["age_over"].items())
        verdict = "valid" if result.valid else f"INVALID ({result.error})"
        typer.echo(f"{file}\t{result.format}\t{verdict}\t{ages or 'no age answer'}")
    raise typer.Exit(clikit.EXIT_OK if result.valid else clikit.EXIT_FAILED)


def _thresholds(text: str) -> tuple[int, ...]:
    try:
        values = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        clikit.fail("--thresholds must be whole numbers separated by commas, e.g. 13,16,18")
    if not values or any(not 1 <= v <= 150 for v in values):
        clikit.fail("--thresholds must be ages from 1 to 150")
    return values


@app.command("issue")
def issue(
    out: Annotated[Path, typer.Option("--out", help="Folder for the credentials (created).")],
    birth_date: Annotated[
        str, typer.Option("--birth-date", help="The holder's birth date, YYYY-MM-DD.")
    ],
    format: Annotated[str, typer.Option("--format", help="sd-jwt or mdoc.")] = "sd-jwt",
    count: Annotated[int, typer.Option("--count", help="Single-use attestations.")] = 30,
    days: Annotated[int, typer.Option("--days", help="Validity in days (≤ 92).")] = 90,
    thresholds: Annotated[
        str, typer.Option("--thresholds", help="Ages answered, e.g. 13,16,18,21.")
    ] = "13,16,18,21",
    issuer_dir: Annotated[
        Path | None,
        typer.Option(
            "--issuer", help="Folder of an earlier test issuer (default: a new one in OUT/issuer)."
        ),
    ] = None,
    now: Annotated[str | None, typer.Option("--now", help="Issue as of this time.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per credential.")
    ] = False,
) -> None:
    """Issue a batch of TEST age attestations (never for production: no identity proofing)."""
    from perisai.age import issuer as test_issuer
    from perisai.age.timecheck import parse_time

    if format not in ("sd-jwt", "mdoc"):
        clikit.fail("--format must be sd-jwt or mdoc")
    try:
        born = date.fromisoformat(birth_date)
        moment = parse_time(now) if now is not None else datetime.now(UTC)
        answers = test_issuer.age_over(born, moment.date(), _thresholds(thresholds))
        keys = (
            test_issuer.TestIssuer.load(issuer_dir)
            if issuer_dir is not None
            else test_issuer.TestIssuer.generate(now=moment)
        )
        batch = test_issuer.issue_batch(
            keys, answers, format=format, count=count, now=moment, days=days
        )
    except (ValueError, OSError) as exc:
        clikit.fail(str(exc))
    keys.save(out / "issuer")
    credentials: list[test_issuer.SdJwtCredential | test_issuer.MdocCredential] = list(batch)
    for index, credential in enumerate(credentials, start=1):
        stem = out / f"cred-{index:03d}"
        if isinstance(credential, test_issuer.SdJwtCredential):
            path = stem.with_suffix(".sd-jwt")
            path.write_text(credential.issued + "\n")
        else:
            path = stem.with_suffix(".mdoc")
            path.write_bytes(credential.issuer_signed)
        key_path = stem.with_suffix(".holder.pem")
        key_path.touch(mode=0o600, exist_ok=True)
        key_path.write_bytes(test_issuer.holder_key_pem(credential.holder_key))
        row = {
            "path": str(path),
            "holder_key": str(key_path),
            "format": format,
            "valid_from": credential.valid_from,
            "valid_until": credential.valid_until,
        }
        if as_json:
            clikit.emit(row)
    if not as_json:
        typer.echo(
            f"{len(batch)} {format} attestations in {out}; trust {out / 'issuer' / 'root.pem'}"
        )


@app.command("present")
def present(
    credential: Annotated[Path, typer.Argument(help="A credential from `perisai age issue`.")],
    holder_key: Annotated[Path, typer.Option("--holder-key", help="Its holder key (PEM).")],
    over: Annotated[str, typer.Option("--over", help="Thresholds to disclose, e.g. 16.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the presentation.")],
    nonce: Annotated[str, typer.Option("--nonce", help="The verifier's nonce.")],
    aud: Annotated[str, typer.Option("--aud", help="The verifier's client_id (audience).")],
    response_uri: Annotated[
        str | None, typer.Option("--response-uri", help="mdoc: OpenID4VP response_uri.")
    ] = None,
    origin: Annotated[
        str | None, typer.Option("--origin", help="mdoc: Digital Credentials API origin.")
    ] = None,
    now: Annotated[str | None, typer.Option("--now", help="Present as of this time.")] = None,
) -> None:
    """Act as the TEST holder: make a presentation of one credential for a verifier."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from perisai.age import issuer as test_issuer
    from perisai.age import transcript as transcripts
    from perisai.age.timecheck import parse_time

    disclose = [str(age) for age in _thresholds(over)]
    try:
        key = serialization.load_pem_private_key(_read(holder_key, "holder key"), None)
        moment = parse_time(now) if now is not None else datetime.now(UTC)
    except (ValueError, TypeError) as exc:
        clikit.fail(str(exc))
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        clikit.fail("holder key is not an EC private key")
    data = _read(credential, "credential")
    if credential.suffix == ".sd-jwt":
        sd = test_issuer.SdJwtCredential(data.decode().strip(), key, moment, moment)
        text = test_issuer.present_sd_jwt(
            sd, disclose=disclose, nonce=nonce, audience=aud, iat=int(moment.timestamp())
        )
        out.write_text(text + "\n")
        return
    if origin is not None:
        transcript = transcripts.dc_api(origin, nonce)
    elif response_uri is not None:
        transcript = transcripts.openid4vp(aud, nonce, response_uri)
    else:
        clikit.fail("an mdoc presentation needs --response-uri (OpenID4VP) or --origin (DC API)")
    md = test_issuer.MdocCredential(data, key, moment, moment)
    out.write_bytes(test_issuer.present_mdoc(md, disclose=disclose, transcript=transcript))
