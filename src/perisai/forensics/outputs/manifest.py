"""The custody manifest: what was scanned, by whom, when, with which results, signed Ed25519.

The signature covers the canonical JSON (sorted keys, no spaces) of the `manifest` object. The
public key travels inside, so anyone can check integrity; pinning the examiner's published key
(`--public-key`) is what proves who signed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "perisai-custody-manifest/1"
MANIFEST_NAME = "manifest.json"
PUBLIC_KEY_NAME = "manifest.pub"
DEFAULT_KEY_NAME = "signing-key.pem"


class ManifestInvalidError(Exception):
    """The manifest fails verification; the message says why."""


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def items_digest(items: list[dict[str, Any]]) -> str:
    """SHA-256 over the sorted `path<TAB>sha256` lines: a directory's fingerprint."""
    lines = sorted(f"{i['path']}\t{i.get('sha256') or ''}\n" for i in items)
    return hashlib.sha256("".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(pem)
    return key


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign_manifest(manifest: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    public = raw_public(key.public_key())
    return {
        "manifest": manifest,
        "signature": {
            "algorithm": "Ed25519",
            "public_key": base64.b64encode(public).decode(),
            "key_fingerprint": hashlib.sha256(public).hexdigest(),
            "value": base64.b64encode(key.sign(canonical(manifest))).decode(),
        },
    }


def write_public_key(path: Path, key: Ed25519PrivateKey) -> None:
    path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ManifestInvalidError(f"cannot read public key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ManifestInvalidError(f"{path} is not an Ed25519 public key")
    return key


def verify_signed(document: Any, pinned: Ed25519PublicKey | None) -> dict[str, Any]:
    """Return the manifest if the signature holds (with the pinned key when given)."""
    if not isinstance(document, dict) or not {"manifest", "signature"} <= document.keys():
        raise ManifestInvalidError("not a signed manifest: 'manifest' and 'signature' are required")
    signature, manifest = document["signature"], document["manifest"]
    if not isinstance(signature, dict) or signature.get("algorithm") != "Ed25519":
        raise ManifestInvalidError("unsupported signature algorithm")
    try:
        embedded = Ed25519PublicKey.from_public_bytes(base64.b64decode(signature["public_key"]))
        value = base64.b64decode(signature["value"], validate=True)
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestInvalidError(f"malformed signature block: {exc}") from exc
    if pinned is not None and raw_public(pinned) != raw_public(embedded):
        raise ManifestInvalidError("signed with a different key than the pinned public key")
    try:
        embedded.verify(value, canonical(manifest))
    except InvalidSignature as exc:
        raise ManifestInvalidError("signature does not match the manifest: it was altered") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ManifestInvalidError(f"unknown manifest format: expected {FORMAT}")
    return manifest
