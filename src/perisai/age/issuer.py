"""A test issuer for pilots and tests: SD-JWT VC and mdoc age attestations, and their holders.

Never for production use: keys live in files and there is no identity proofing. What it does the
way the EU Age Verification profile asks:

- batches of single-use attestations (30 by default), each with its own holder (device) key,
  fresh 128-bit (SD-JWT) / 256-bit (mdoc) salts and random digest IDs, so that two
  presentations of one person cannot be linked through the attestation;
- validity rounded to the day (00:00 UTC) and identical across a batch, at most 92 days;
- nothing but `age_over_NN` answers (mdoc `eu.europa.ec.av.1`) / `age_equal_or_over`
  (SD-JWT VC, each threshold its own disclosure inside a recursively disclosable object).

It also plays the holder (`present_sd_jwt`, `present_mdoc`) so tests, the benchmark and pilots can
make presentations bound to a verifier's nonce and audience or session transcript.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID, ObjectIdentifier

from perisai.age import cose, mdoc
from perisai.age.encoding import b64url_encode
from perisai.age.jose import jwk_from_public_key, sign
from perisai.age.transcript import SessionTranscript

AV_DOCTYPE = "eu.europa.ec.av.1"
AV_NAMESPACE = "eu.europa.ec.av.1"
TEST_VCT = "urn:perisai:test:age_verification:1"
DEFAULT_THRESHOLDS = (13, 16, 18, 21)
DEFAULT_BATCH = 30
MAX_BATCH = 1000
MAX_VALIDITY_DAYS = 92
DECOYS = 3
MDL_DS_EKU = ObjectIdentifier("1.0.18013.5.1.2")


def age_over(birth_date: date, today: date, thresholds: tuple[int, ...]) -> dict[str, bool]:
    """{"16": True, "18": False, ...} for a birth date on a given day."""
    years = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    return {str(n): years >= n for n in sorted(set(thresholds))}


def rounded_validity(now: datetime, days: int) -> tuple[datetime, datetime]:
    """[today 00:00 UTC, + days): the same for every attestation of a batch."""
    if not 1 <= days <= MAX_VALIDITY_DAYS:
        raise ValueError(f"validity must be 1 to {MAX_VALIDITY_DAYS} days")
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=days)


# --- the issuer's keys -----------------------------------------------------------------------


@dataclass(frozen=True)
class TestIssuer:
    key: ec.EllipticCurvePrivateKey  # signs attestations (the document signer)
    certificate: x509.Certificate  # the document signer certificate, issued by `root`
    root: x509.Certificate  # a self-signed IACA-like root: what verifiers trust

    @property
    def jwk(self) -> dict[str, str]:
        return {**jwk_from_public_key(self.key.public_key()), "kid": self.kid}

    @property
    def kid(self) -> str:
        return hashlib.sha256(
            self.certificate.public_bytes(serialization.Encoding.DER)
        ).hexdigest()[:16]

    @classmethod
    def generate(cls, name: str = "Perisai test issuer", now: datetime | None = None) -> TestIssuer:
        moment = (now or datetime.now(UTC)) - timedelta(days=1)
        root_key = ec.generate_private_key(ec.SECP256R1())
        key = ec.generate_private_key(ec.SECP256R1())
        root_name = _name(f"{name} IACA (TEST)")
        root = (
            _builder(root_name, root_name, root_key.public_key(), moment, 5 * 365)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(cert_sign=True), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
            )
            .sign(root_key, hashes.SHA256())
        )
        certificate = (
            _builder(_name(f"{name} DS (TEST)"), root_name, key.public_key(), moment, 400)
            .add_extension(_usage(cert_sign=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([MDL_DS_EKU]), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                critical=False,
            )
            .sign(root_key, hashes.SHA256())
        )
        return cls(key, certificate, root)

    def save(self, folder: Path) -> None:
        """root.pem (trust this), ds.pem, ds-key.pem (0600), issuer.jwk.json (or trust this)."""
        folder.mkdir(parents=True, exist_ok=True)
        pem = serialization.Encoding.PEM
        (folder / "root.pem").write_bytes(self.root.public_bytes(pem))
        (folder / "ds.pem").write_bytes(self.certificate.public_bytes(pem))
        (folder / "issuer.jwk.json").write_text(json.dumps(self.jwk, indent=2) + "\n")
        key_path = folder / "ds-key.pem"
        key_path.touch(mode=0o600, exist_ok=True)
        key_path.write_bytes(_private_pem(self.key))

    @classmethod
    def load(cls, folder: Path) -> TestIssuer:
        key = serialization.load_pem_private_key((folder / "ds-key.pem").read_bytes(), None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("ds-key.pem is not an EC private key")
        certificate = x509.load_pem_x509_certificate((folder / "ds.pem").read_bytes())
        root = x509.load_pem_x509_certificate((folder / "root.pem").read_bytes())
        return cls(key, certificate, root)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "MY"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    key: ec.EllipticCurvePublicKey,
    start: datetime,
    days: int,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
    )


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def holder_key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return _private_pem(key)


# --- SD-JWT VC -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SdJwtCredential:
    issued: str  # <issuer JWT>~<every disclosure>~
    holder_key: ec.EllipticCurvePrivateKey
    valid_from: datetime
    valid_until: datetime


def _disclosure(*parts: Any) -> tuple[str, str]:
    salt = b64url_encode(secrets.token_bytes(16))
    text = b64url_encode(json.dumps([salt, *parts], separators=(",", ":")).encode())
    return text, b64url_encode(hashlib.sha256(text.encode()).digest())


def _decoys() -> list[str]:
    return [b64url_encode(hashlib.sha256(secrets.token_bytes(32)).digest()) for _ in range(DECOYS)]


def _jws(header: dict[str, Any], payload: dict[str, Any], key: ec.EllipticCurvePrivateKey) -> str:
    encoded = [
        b64url_encode(json.dumps(part, separators=(",", ":")).encode())
        for part in (header, payload)
    ]
    signing_input = ".".join(encoded)
    return f"{signing_input}.{b64url_encode(sign('ES256', key, signing_input.encode()))}"


def issue_sd_jwt(
    issuer: TestIssuer,
    answers: dict[str, bool],
    *,
    valid_from: datetime,
    valid_until: datetime,
    vct: str = TEST_VCT,
    issuer_id: str = "https://issuer.test.perisai.invalid",
) -> SdJwtCredential:
    holder = ec.generate_private_key(ec.SECP256R1())
    ages = [_disclosure(age, value) for age, value in answers.items()]
    nested = {"_sd": sorted([digest for _, digest in ages] + _decoys())}
    outer, outer_digest = _disclosure("age_equal_or_over", nested)
    payload = {
        "iss": issuer_id,
        "iat": int(valid_from.timestamp()),
        "nbf": int(valid_from.timestamp()),
        "exp": int(valid_until.timestamp()),
        "vct": vct,
        "cnf": {"jwk": jwk_from_public_key(holder.public_key())},
        "_sd_alg": "sha-256",
        "_sd": sorted([outer_digest, *_decoys()]),
    }
    der = issuer.certificate.public_bytes(serialization.Encoding.DER)
    header = {"alg": "ES256", "typ": "dc+sd-jwt", "x5c": [base64.b64encode(der).decode()]}
    jwt = _jws(header, payload, issuer.key)
    issued = jwt + "~" + "".join(f"{d}~" for d in [outer, *(text for text, _ in ages)])
    return SdJwtCredential(issued, holder, valid_from, valid_until)


def present_sd_jwt(
    credential: SdJwtCredential,
    *,
    disclose: list[str],
    nonce: str,
    audience: str,
    iat: int,
) -> str:
    """An SD-JWT+KB that discloses only the thresholds in `disclose` (e.g. ["16"])."""
    jwt, *disclosures = credential.issued.rstrip("~").split("~")
    kept = []
    for text in disclosures:
        decoded = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if decoded[1] == "age_equal_or_over" or decoded[1] in disclose:
            kept.append(text)
    sd_jwt = jwt + "~" + "".join(f"{d}~" for d in kept)
    sd_hash = b64url_encode(hashlib.sha256(sd_jwt.encode()).digest())
    kb = _jws(
        {"alg": "ES256", "typ": "kb+jwt"},
        {"iat": iat, "aud": audience, "nonce": nonce, "sd_hash": sd_hash},
        credential.holder_key,
    )
    return sd_jwt + kb


# --- mdoc ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MdocCredential:
    issuer_signed: bytes  # IssuerSigned (CBOR) with every element
    holder_key: ec.EllipticCurvePrivateKey
    valid_from: datetime
    valid_until: datetime
    doc_type: str = AV_DOCTYPE


def issue_mdoc(
    issuer: TestIssuer,
    answers: dict[str, bool],
    *,
    valid_from: datetime,
    valid_until: datetime,
    doc_type: str = AV_DOCTYPE,
    namespace: str = AV_NAMESPACE,
) -> MdocCredential:
    holder = ec.generate_private_key(ec.SECP256R1())
    ids = secrets.SystemRandom().sample(range(2**31), len(answers))
    items = []
    for digest_id, (age, value) in zip(ids, answers.items(), strict=True):
        item = {
            "digestID": digest_id,
            "random": secrets.token_bytes(32),
            "elementIdentifier": f"age_over_{age}",
            "elementValue": value,
        }
        items.append(cose.dumps(item))
    mso = {
        "version": "1.0",
        "digestAlgorithm": "SHA-256",
        "valueDigests": {
            namespace: {
                i: hashlib.sha256(cose.tagged(raw)).digest()
                for i, raw in zip(ids, items, strict=True)
            }
        },
        "deviceKeyInfo": {"deviceKey": cose.cose_from_public_key(holder.public_key())},
        "docType": doc_type,
        "validityInfo": {"signed": valid_from, "validFrom": valid_from, "validUntil": valid_until},
    }
    payload = cose.tagged(cose.dumps(mso))
    der = issuer.certificate.public_bytes(serialization.Encoding.DER)
    issuer_auth = cose.make_sign1(issuer.key, payload, unprotected={cose.HEADER_X5CHAIN: der})
    issuer_signed = {
        "nameSpaces": {namespace: [cose.tag24(raw) for raw in items]},
        "issuerAuth": issuer_auth,
    }
    return MdocCredential(cose.dumps(issuer_signed), holder, valid_from, valid_until, doc_type)


def present_mdoc(
    credential: MdocCredential,
    *,
    disclose: list[str],
    transcript: SessionTranscript,
    reader_public_key: ec.EllipticCurvePublicKey | None = None,
) -> bytes:
    """A DeviceResponse with only `age_over_NN` for NN in `disclose`, device-signed (or MACed
    for `reader_public_key`, the reader's ephemeral key) over the session transcript."""
    issuer_signed = cose.loads(credential.issuer_signed, "IssuerSigned")
    wanted = {f"age_over_{age}" for age in disclose}
    namespaces = {}
    for namespace, items in issuer_signed["nameSpaces"].items():
        kept = [i for i in items if cose.loads(i.value, "item")["elementIdentifier"] in wanted]
        if kept:
            namespaces[namespace] = kept
    device_namespaces = cose.dumps({})
    detached = mdoc.device_authentication_bytes(transcript, credential.doc_type, device_namespaces)
    if reader_public_key is None:
        auth = {"deviceSignature": cose.make_sign1(credential.holder_key, None, detached)}
    else:
        shared = credential.holder_key.exchange(ec.ECDH(), reader_public_key)
        auth = {"deviceMac": cose.make_mac0(_emac(shared, transcript), detached)}
    document = {
        "docType": credential.doc_type,
        "issuerSigned": {"nameSpaces": namespaces, "issuerAuth": issuer_signed["issuerAuth"]},
        "deviceSigned": {"nameSpaces": cose.tag24(device_namespaces), "deviceAuth": auth},
    }
    return cose.dumps({"version": "1.0", "documents": [document], "status": 0})


def _emac(shared: bytes, transcript: SessionTranscript) -> bytes:
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    salt = hashlib.sha256(transcript.tagged).digest()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"EMacKey").derive(shared)


# --- batches ---------------------------------------------------------------------------------


def issue_sd_jwt_batch(
    issuer: TestIssuer,
    answers: dict[str, bool],
    *,
    count: int = DEFAULT_BATCH,
    now: datetime | None = None,
    days: int = 90,
) -> list[SdJwtCredential]:
    """`count` single-use SD-JWT VCs with the same rounded validity and fresh keys and salts."""
    start, end = _batch_validity(count, now, days)
    return [issue_sd_jwt(issuer, answers, valid_from=start, valid_until=end) for _ in range(count)]


def issue_mdoc_batch(
    issuer: TestIssuer,
    answers: dict[str, bool],
    *,
    count: int = DEFAULT_BATCH,
    now: datetime | None = None,
    days: int = 90,
) -> list[MdocCredential]:
    """`count` single-use mdocs with the same rounded validity and fresh keys and salts."""
    start, end = _batch_validity(count, now, days)
    return [issue_mdoc(issuer, answers, valid_from=start, valid_until=end) for _ in range(count)]


def _batch_validity(count: int, now: datetime | None, days: int) -> tuple[datetime, datetime]:
    if not 1 <= count <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} attestations")
    return rounded_validity(now or datetime.now(UTC), days)


def issue_batch(
    issuer: TestIssuer,
    answers: dict[str, bool],
    *,
    format: str,
    count: int = DEFAULT_BATCH,
    now: datetime | None = None,
    days: int = 90,
) -> list[SdJwtCredential] | list[MdocCredential]:
    if format == "sd-jwt":
        return issue_sd_jwt_batch(issuer, answers, count=count, now=now, days=days)
    if format == "mdoc":
        return issue_mdoc_batch(issuer, answers, count=count, now=now, days=days)
    raise ValueError(f"unknown format {format!r}")
