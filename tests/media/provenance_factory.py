"""Benign provenance test files made on the fly: C2PA-signed images (with a throw-away
certificate chain generated per session, never stored), and images carrying XMP, EXIF and
generator text. Shared by the media, enrichment and forensics tests."""

from __future__ import annotations

import datetime as dt
import io
import json
import zlib
from dataclasses import dataclass
from typing import Any

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image
from PIL.PngImagePlugin import PngInfo

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI = IPTC + "trainedAlgorithmicMedia"
AI_COMPOSITE = IPTC + "compositeWithTrainedAlgorithmicMedia"
CAPTURE = IPTC + "digitalCapture"
ALGORITHMIC = IPTC + "algorithmicMedia"
A1111 = (
    "a red bicycle leaning on a wall, watercolour\n"
    "Negative prompt: blurry\n"
    "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 12345, Size: 512x512, Model hash: abc123"
)
COMFY_PROMPT = json.dumps({"3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20}}})
COMFY_WORKFLOW = json.dumps({"last_node_id": 9, "nodes": [{"id": 3, "type": "KSampler"}]})


@dataclass(frozen=True)
class SigningChain:
    """A root, an intermediate and a signer certificate (EC P-256), valid for ten years."""

    root_pem: bytes
    chain_pem: bytes  # signer then intermediate
    key_pem: bytes
    signer_name: str

    def signer(self) -> Any:
        info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, self.chain_pem, self.key_pem, None)
        return c2pa.Signer.from_info(info)


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if not ca:
        eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION])
        builder = builder.add_extension(eku, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_chain(organisation: str = "Perisai tests") -> SigningChain:
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(3)]
    root_name = _name(f"{organisation} root", organisation)
    middle_name = _name(f"{organisation} intermediate", organisation)
    signer_name = _name(f"{organisation} signer", organisation)
    root = _certificate(root_name, root_name, keys[0].public_key(), keys[0], ca=True)
    middle = _certificate(middle_name, root_name, keys[1].public_key(), keys[0], ca=True)
    leaf = _certificate(signer_name, middle_name, keys[2].public_key(), keys[1], ca=False)

    def pem(cert: x509.Certificate) -> bytes:
        return cert.public_bytes(serialization.Encoding.PEM)

    key = keys[2].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SigningChain(pem(root), pem(leaf) + pem(middle), key, f"{organisation} signer")


def picture(seed: int = 1, size: tuple[int, int] = (64, 48)) -> Image.Image:
    return Image.new("RGB", size, ((seed * 70) % 256, (seed * 130) % 256, (seed * 40) % 256))


def jpeg_bytes(seed: int = 1, **save: Any) -> bytes:
    out = io.BytesIO()
    picture(seed).save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def sign(
    chain: SigningChain,
    asset: bytes,
    *,
    source_type: str | None,
    fmt: str = "image/jpeg",
    title: str = "test.jpg",
    parent: bytes | None = None,
) -> bytes:
    """Sign `asset`: a `c2pa.created` action with `source_type`, or (with `parent`) an edit
    that opened `parent` as its ingredient."""
    actions: list[dict[str, Any]] = []
    if parent is not None:
        actions.append({"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent"]}})
    else:
        created: dict[str, Any] = {"action": "c2pa.created"}
        if source_type:
            created["digitalSourceType"] = source_type
        actions.append(created)
    manifest = {
        "claim_generator_info": [{"name": "perisai-tests", "version": "1"}],
        "title": title,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}],
    }
    builder = c2pa.Builder(manifest)
    if parent is not None:
        ingredient = {"title": "parent.jpg", "relationship": "parentOf", "label": "parent"}
        builder.add_ingredient(ingredient, fmt, io.BytesIO(parent))
    out = io.BytesIO()
    builder.sign(chain.signer(), fmt, io.BytesIO(asset), out)
    return out.getvalue()


def tamper(signed: bytes) -> bytes:
    """Flip bytes of the picture data after signing (the hash binding no longer matches)."""
    changed = bytearray(signed)
    for offset in (-40, -30, -20):
        changed[offset] ^= 0x55
    return bytes(changed)


def xmp_packet(
    source_type: str | None = None, creator_tool: str | None = None, element_form: bool = False
) -> bytes:
    if element_form:
        body = "".join(
            [
                f"<Iptc4xmpExt:DigitalSourceType>{source_type}</Iptc4xmpExt:DigitalSourceType>"
                if source_type
                else "",
                f"<xmp:CreatorTool>{creator_tool}</xmp:CreatorTool>" if creator_tool else "",
            ]
        )
        attributes = ""
    else:
        body = ""
        attributes = (f' Iptc4xmpExt:DigitalSourceType="{source_type}"' if source_type else "") + (
            f' xmp:CreatorTool="{creator_tool}"' if creator_tool else ""
        )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" '
        'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
        f'xmlns:xmp="http://ns.adobe.com/xap/1.0/"{attributes}>{body}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def with_jpeg_segment(jpeg: bytes, marker: int, payload: bytes) -> bytes:
    """Insert one segment right after SOI."""
    segment = bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload
    return jpeg[:2] + segment + jpeg[2:]


def with_jpeg_xmp(jpeg: bytes, packet: bytes) -> bytes:
    return with_jpeg_segment(jpeg, 0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet)


def exif_block(
    *,
    software: str | None = None,
    user_comment: bytes | None = None,
    description: str | None = None,
) -> bytes:
    exif = Image.Exif()
    if software:
        exif[0x0131] = software
    if description:
        exif[0x010E] = description
    if user_comment is not None:
        exif.get_ifd(0x8769)[0x9286] = user_comment
    return exif.tobytes()


def unicode_comment(text: str) -> bytes:
    """EXIF UserComment as AUTOMATIC1111 writes it (via piexif): UNICODE prefix, UTF-16 BE."""
    return b"UNICODE\x00" + text.encode("utf-16-be")


def png_bytes(
    texts: list[tuple[str, str]] = (),  # type: ignore[assignment]
    *,
    itxt: list[tuple[str, str]] = (),  # type: ignore[assignment]
    ztxt: list[tuple[str, str]] = (),  # type: ignore[assignment]
    xmp: bytes | None = None,
    seed: int = 1,
) -> bytes:
    info = PngInfo()
    for key, value in texts:
        info.add_text(key, value)
    for key, value in itxt:
        info.add_itxt(key, value, zip=True)
    for key, value in ztxt:
        info.add_text(key, value, zip=True)
    if xmp is not None:
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
    out = io.BytesIO()
    picture(seed).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data).to_bytes(4, "big")
    return len(data).to_bytes(4, "big") + kind + data + crc


def with_png_chunk(png: bytes, kind: bytes, data: bytes) -> bytes:
    """Insert a raw chunk right after IHDR (8-byte signature + 25-byte IHDR chunk)."""
    return png[:33] + png_chunk(kind, data) + png[33:]


def webp_bytes(*, exif: bytes | None = None, xmp: bytes | None = None, seed: int = 1) -> bytes:
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if exif is not None:
        options["exif"] = exif
    if xmp is not None:
        options["xmp"] = xmp
    picture(seed).save(out, "WEBP", **options)
    return out.getvalue()
