"""The provenance reader on the published C2PA test files (tests/data/c2pa/README.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.media.provenance_factory import SigningChain

from perisai.media.provenance import TrustList, read_provenance

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
TEST_SIGNER = "C2PA Signer (C2PA Test Signing Cert)"

EXPECTED = [
    # file, ai, C2PA state, signer, digital source types, an error code that must be listed
    ("c2pa-python__C.jpg", "no", "valid", TEST_SIGNER, [IPTC + "algorithmicMedia"], None),
    ("c2pa-rs__CA.jpg", "unknown", "valid", TEST_SIGNER, [], None),
    ("c2pa-rs__C_with_CAWG_data.jpg", "no", "valid", TEST_SIGNER, [IPTC + "digitalCapture"], None),
    ("c2pa-rs__E-sig-CA.jpg", "unknown", "invalid", TEST_SIGNER, [], "claimSignature.mismatch"),
    ("c2pa-rs__cloud.jpg", "unknown", "unverifiable", None, [], "manifest.inaccessible"),
    ("c2pa-rs__no_manifest.jpg", "unknown", "absent", None, [], None),
    ("c2pa-rs__libpng-test.png", "unknown", "absent", None, [], None),
    (
        "gen_AI_created_trainedAlgorithmicMedia.jpg",
        "yes",
        "valid",
        TEST_SIGNER,
        [IPTC + "trainedAlgorithmicMedia"],
        None,
    ),
]


@pytest.mark.parametrize(("name", "ai", "state", "signer", "types", "error"), EXPECTED)
def test_published_files(
    c2pa_data: Path,
    name: str,
    ai: str,
    state: str,
    signer: str | None,
    types: list[str],
    error: str | None,
) -> None:
    found = read_provenance(c2pa_data / name)
    assert found.error is None
    assert found.ai == ai
    assert found.c2pa.state == state
    assert found.c2pa.signer == signer
    assert list(found.c2pa.digital_source_types) == types
    if error:
        assert error in found.c2pa.errors
    if state == "valid":  # valid but signed by no anchor we were given
        assert "signingCredential.untrusted" in found.c2pa.errors
        assert "claimSignature.mismatch" not in found.c2pa.errors
    if state == "absent":
        assert found.c2pa.errors == ()


def test_validation_state_is_kept_apart_from_the_claims(c2pa_data: Path) -> None:
    """The invalid file still names its (claimed) signer, and its ingredient is walked."""
    found = read_provenance(c2pa_data / "c2pa-rs__E-sig-CA.jpg")
    assert found.c2pa.state == "invalid"
    assert [m.verified for m in found.c2pa.manifests] == [False]
    valid = read_provenance(c2pa_data / "c2pa-rs__CA.jpg")
    assert [m.verified for m in valid.c2pa.manifests] == [True]


def test_remote_manifest_is_not_fetched(c2pa_data: Path) -> None:
    found = read_provenance(c2pa_data / "c2pa-rs__cloud.jpg")
    assert found.c2pa.state == "unverifiable"
    remote = [h.value for h in found.hints if h.kind == "xmp.provenance"]
    assert remote and remote[0].startswith("https://")


def test_a_trust_list_of_someone_else_leaves_the_test_signer_valid(
    c2pa_data: Path, test_chain: SigningChain
) -> None:
    found = read_provenance(
        c2pa_data / "gen_AI_created_trainedAlgorithmicMedia.jpg",
        trust=TrustList.from_pem(test_chain.root_pem),
    )
    assert (found.ai, found.c2pa.state) == ("yes", "valid")


def test_contract_shape(c2pa_data: Path) -> None:
    out = read_provenance(c2pa_data / "gen_AI_created_trainedAlgorithmicMedia.jpg").to_dict()
    assert set(out) == {"path", "ai", "c2pa", "hints", "error"}
    assert set(out["c2pa"]) == {"state", "signer", "digital_source_types", "errors"}
    assert all(set(hint) == {"kind", "value"} for hint in out["hints"])


PURITY = """
import importlib, pkgutil, sys
import perisai.media.provenance.cli
import perisai.media.provenance as provenance
eager = {"c2pa", "PIL", "cryptography.x509", "perisai.media.provenance.reader"} & set(sys.modules)
assert not eager, f"eager import: {eager}"
for info in pkgutil.iter_modules(provenance.__path__):
    if info.name != "cli":
        importlib.import_module(f"perisai.media.provenance.{info.name}")
allowed = {"perisai", "perisai.media", "perisai.clikit"}
bad = sorted(
    m for m in sys.modules
    if m.split(".")[0] in ("sqlalchemy", "fastapi", "starlette", "psycopg", "alembic", "requests")
    or (m.startswith("perisai.") and not m.startswith("perisai.media") and m not in allowed)
)
print(",".join(bad), "c2pa" in sys.modules)
"""


def test_the_reader_is_a_pure_library_and_loads_the_sdk_lazily() -> None:
    out = subprocess.run([sys.executable, "-c", PURITY], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# The files we made (tests/data/provenance/README.md): name, ai, state with the test roots
# trusted, state without a trust list.
OWN = [
    ("ai_created.jpg", "yes", "trusted", "valid"),
    ("ai_ingredient.jpg", "yes", "trusted", "valid"),
    ("capture.jpg", "no", "trusted", "valid"),
    ("ai_tampered.jpg", "claimed", "invalid", "invalid"),
    ("xmp_ai.jpg", "claimed", "absent", "absent"),
    ("xmp_ai_composite.jpg", "claimed", "absent", "absent"),
    ("a1111_parameters.png", "claimed", "absent", "absent"),
    ("comfyui_prompt.png", "claimed", "absent", "absent"),
    ("plain.jpg", "unknown", "absent", "absent"),
]


@pytest.mark.parametrize(("name", "ai", "trusted_state", "state"), OWN)
def test_our_own_files(name: str, ai: str, trusted_state: str, state: str) -> None:
    from tests.datasets import PROVENANCE

    from perisai.media.provenance import load_trust_list

    trust = load_trust_list([PROVENANCE / "test-root.pem"])
    with_roots = read_provenance(PROVENANCE / name, trust=trust)
    without = read_provenance(PROVENANCE / name)
    assert (with_roots.ai, with_roots.c2pa.state) == (ai, trusted_state)
    assert (without.ai, without.c2pa.state) == (ai, state)
    if ai == "yes":
        assert with_roots.ai_manifest is not None
    if name == "ai_ingredient.jpg":
        roles = [(m.role, m.verified) for m in without.c2pa.manifests]
        assert roles == [("active", True), ("ingredient", True)]
        assert without.ai_manifest is not None and without.ai_manifest.role == "ingredient"
