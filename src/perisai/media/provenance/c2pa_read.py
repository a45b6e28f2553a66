"""C2PA manifests read with the C2PA SDK (``c2pa-python``), offline, and walked.

The SDK is set up never to reach the network: remote manifests and OCSP are not fetched and no
host is allowed. It validates the manifest store; we keep its verdict (``state``, ``errors``)
apart from what the manifests claim (signer, digital source types), and walk every manifest
from the active one through its ingredients, so that an AI ingredient inside an edited picture
is seen. An ingredient's manifest counts as verified only when it and every manifest between it
and the active one are valid.

The SDK is imported on first use (it loads a large native library).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO, Final

from perisai.media.provenance.model import C2paResult, C2paState, ManifestFacts, ManifestRole
from perisai.media.provenance.trust import TrustList
from perisai.media.provenance.vocabulary import normalise

#: Failure codes that leave a manifest valid: only trust in the signer is missing.
_TRUST_ONLY: Final = frozenset({"signingCredential.untrusted", "timeStamp.untrusted"})
_STATES: Final[dict[str, C2paState]] = {
    "Trusted": "trusted",
    "Valid": "valid",
    "Invalid": "invalid",
}
_MAX_MANIFESTS: Final = 256
_URL: Final = re.compile(r"https?://\S+")

_lock = threading.Lock()
_contexts: dict[tuple[int, str], Any] = {}


class Unsupported(Exception):
    """The SDK does not know this format (so it cannot carry an embedded manifest)."""


def _reset_after_fork() -> None:
    global _lock  # noqa: PLW0603 - a lock held by a parent thread would never be released
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_after_fork)


def sdk_settings(trust: TrustList | None) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False, "verify_trust": True},
        "core": {"allowed_network_hosts": []},
    }
    if trust is not None:
        settings["trust"] = {"trust_anchors": trust.pem}
    return settings


def _context(trust: TrustList | None) -> Any:
    """One SDK context per process and trust list (a forked child builds its own)."""
    import c2pa

    key = (os.getpid(), trust.fingerprint if trust else "")
    with _lock:
        context = _contexts.get(key)
        if context is None:
            context = c2pa.Context.from_dict(sdk_settings(trust))
            _contexts[key] = context
    return context


def _codes(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(item["code"]) for item in items if isinstance(item, dict) and "code" in item]


def _signer(manifest: dict[str, Any]) -> str | None:
    info = manifest.get("signature_info")
    if not isinstance(info, dict):
        return None
    name, issuer = info.get("common_name"), info.get("issuer")
    if name and issuer and issuer != name:
        return f"{name} ({issuer})"
    return str(name or issuer) if (name or issuer) else None


def _source_types(manifest: dict[str, Any]) -> Iterator[str]:
    for assertion in manifest.get("assertions") or []:
        if not isinstance(assertion, dict) or not isinstance(assertion.get("data"), dict):
            continue
        label, data = str(assertion.get("label", "")), assertion["data"]
        if label.startswith("c2pa.actions"):
            for item in [*(data.get("actions") or []), *(data.get("templates") or [])]:
                if isinstance(item, dict) and isinstance(item.get("digitalSourceType"), str):
                    yield normalise(item["digitalSourceType"])
        elif label.startswith("stds.iptc"):
            for key in ("Iptc4xmpExt:DigitalSourceType", "digitalSourceType"):
                if isinstance(data.get(key), str):
                    yield normalise(data[key])


def _ingredient_failures(ingredient: dict[str, Any], deltas: dict[str, list[str]]) -> list[str]:
    results = ingredient.get("validation_results")
    active = results.get("activeManifest") if isinstance(results, dict) else None
    codes = _codes(active.get("failure")) if isinstance(active, dict) else []
    codes += _codes(ingredient.get("validation_status"))
    label = str(ingredient.get("label", ""))
    codes += [code for uri, found in deltas.items() if uri.endswith("/" + label) for code in found]
    return codes


def _deltas(store: dict[str, Any]) -> dict[str, list[str]]:
    """Failure codes per ingredient assertion URI (the SDK's ingredient deltas)."""
    results = store.get("validation_results")
    items = results.get("ingredientDeltas") if isinstance(results, dict) else None
    found: dict[str, list[str]] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            deltas = item.get("validationDeltas") or {}
            found[str(item.get("ingredientAssertionURI", ""))] = _codes(deltas.get("failure"))
    return found


def _walk(store: dict[str, Any], active_valid: bool) -> list[ManifestFacts]:
    manifests = store.get("manifests") or {}
    deltas = _deltas(store)
    out: list[ManifestFacts] = []
    seen: set[str] = set()
    pending: list[tuple[str, ManifestRole, bool]] = [
        (str(store.get("active_manifest")), "active", active_valid)
    ]
    while pending and len(out) < _MAX_MANIFESTS:
        label, role, verified = pending.pop(0)
        manifest = manifests.get(label)
        if label in seen or not isinstance(manifest, dict):
            continue
        seen.add(label)
        out.append(
            ManifestFacts(
                label=label,
                role=role,
                verified=verified,
                signer=_signer(manifest),
                digital_source_types=tuple(dict.fromkeys(_source_types(manifest))),
                title=manifest.get("title") if isinstance(manifest.get("title"), str) else None,
            )
        )
        for ingredient in manifest.get("ingredients") or []:
            if isinstance(ingredient, dict) and ingredient.get("active_manifest"):
                failures = _ingredient_failures(ingredient, deltas)
                ok = verified and set(failures) <= _TRUST_ONLY
                pending.append((str(ingredient["active_manifest"]), "ingredient", ok))
    return out


def _result_of(store: dict[str, Any]) -> C2paResult:
    failures = _codes(store.get("validation_status"))
    state = _STATES.get(str(store.get("validation_state")))
    if state is None:  # an SDK without validation_state: judge from the codes
        state = "valid" if set(failures) <= _TRUST_ONLY else "invalid"
    manifests = _walk(store, active_valid=state in ("trusted", "valid"))
    active = manifests[0] if manifests else None
    return C2paResult(
        state=state,
        signer=active.signer if active else None,
        digital_source_types=tuple(
            dict.fromkeys(t for m in manifests for t in m.digital_source_types)
        ),
        errors=tuple(dict.fromkeys(failures)),
        manifests=tuple(manifests),
    )


def read_c2pa(handle: BinaryIO, mime: str | None, trust: TrustList | None) -> C2paResult:
    """The C2PA verdict and claims of the asset in `handle`; raises Unsupported."""
    import c2pa

    handle.seek(0)
    try:
        reader = c2pa.Reader.try_create(mime, handle, context=_context(trust))
    except c2pa.C2paError.NotSupported:
        raise Unsupported from None
    except c2pa.C2paError as exc:
        message = " ".join(str(exc).split())
        if isinstance(exc, c2pa.C2paError.RemoteManifest) or message.startswith("Remote"):
            url = _URL.search(message)
            return C2paResult(
                state="unverifiable",
                errors=("manifest.inaccessible",),
                remote_url=url.group(0) if url else None,
            )
        return C2paResult(state="unverifiable", errors=(message[:300],))
    if reader is None:
        return C2paResult(state="absent")
    try:
        store = json.loads(reader.json())
    except (c2pa.C2paError, ValueError) as exc:
        return C2paResult(state="unverifiable", errors=(" ".join(str(exc).split())[:300],))
    finally:
        reader.close()
    return _result_of(store if isinstance(store, dict) else {})
