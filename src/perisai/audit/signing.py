"""The deployment's Ed25519 key, which signs audit chain heads for outside verification."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from perisai.crypto import create_once


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    create_once(
        path,
        lambda: Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def public_key_b64(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_payload(key: Ed25519PrivateKey, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the payload with ``signature`` and ``public_key`` (both base64) added."""
    signature = key.sign(canonical(payload))
    return {
        **payload,
        "signature": base64.b64encode(signature).decode("ascii"),
        "public_key": public_key_b64(key),
    }


def verify_signed(document: dict[str, Any], public_key_b64_text: str | None = None) -> bool:
    """Check a document made by :func:`sign_payload` (against a trusted key when given)."""
    body = {k: v for k, v in document.items() if k not in ("signature", "public_key")}
    key_text = public_key_b64_text or str(document.get("public_key", ""))
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_text))
        public.verify(base64.b64decode(str(document.get("signature", ""))), canonical(body))
    except (InvalidSignature, ValueError):
        return False
    return True
