"""Unsigned hints: XMP digital source type, generator text in PNG, EXIF in JPEG and WebP."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.media.provenance_factory import (
    A1111,
    AI,
    CAPTURE,
    COMFY_PROMPT,
    COMFY_WORKFLOW,
    IPTC,
    exif_block,
    jpeg_bytes,
    png_bytes,
    unicode_comment,
    webp_bytes,
    with_jpeg_segment,
    with_jpeg_xmp,
    xmp_packet,
)

from perisai.media.provenance import (
    C2paResult,
    Hint,
    ManifestFacts,
    decide,
    read_provenance,
)
from perisai.media.provenance.vocabulary import meaning, normalise


def _read(tmp_path: Path, name: str, data: bytes) -> tuple[str, dict[str, Hint]]:
    path = tmp_path / name
    path.write_bytes(data)
    found = read_provenance(path)
    assert found.error is None
    assert found.c2pa.state == "absent"
    return found.ai, {hint.kind: hint for hint in found.hints}


@pytest.mark.parametrize("element_form", [False, True])
def test_jpeg_xmp_digital_source_type(tmp_path: Path, element_form: bool) -> None:
    packet = xmp_packet(AI, "Adobe Photoshop 26.0", element_form=element_form)
    ai, hints = _read(tmp_path, "x.jpg", with_jpeg_xmp(jpeg_bytes(1), packet))
    assert ai == "claimed"
    assert hints["xmp.digital_source_type"] == Hint("xmp.digital_source_type", AI, True)
    assert hints["xmp.creator_tool"] == Hint("xmp.creator_tool", "Adobe Photoshop 26.0", False)


def test_jpeg_xmp_capture_is_not_a_claim_and_not_a_no(tmp_path: Path) -> None:
    ai, hints = _read(tmp_path, "x.jpg", with_jpeg_xmp(jpeg_bytes(1), xmp_packet(CAPTURE)))
    assert ai == "unknown"  # unsigned: no answer "no" from what anyone can write
    assert hints["xmp.digital_source_type"].value == CAPTURE


def test_a_bare_term_and_a_generator_creator_tool(tmp_path: Path) -> None:
    packet = xmp_packet(" trainedAlgorithmicMedia ", "Midjourney v6", element_form=True)
    ai, hints = _read(tmp_path, "x.jpg", with_jpeg_xmp(jpeg_bytes(1), packet))
    assert ai == "claimed"
    assert hints["xmp.digital_source_type"].value == AI  # normalised to the URI
    assert hints["xmp.creator_tool"].claims_ai


def test_png_automatic1111_parameters(tmp_path: Path) -> None:
    ai, hints = _read(tmp_path, "a.png", png_bytes([("parameters", A1111), ("Title", "x")]))
    assert ai == "claimed"
    assert hints["png.parameters"].value == A1111
    assert "png.title" not in hints  # unrelated text is not a hint


def test_png_comfyui_prompt_and_workflow_compressed(tmp_path: Path) -> None:
    data = png_bytes(itxt=[("prompt", COMFY_PROMPT)], ztxt=[("workflow", COMFY_WORKFLOW)])
    ai, hints = _read(tmp_path, "c.png", data)
    assert ai == "claimed"
    assert hints["png.prompt"].value == COMFY_PROMPT
    assert hints["png.workflow"].value == COMFY_WORKFLOW


def test_png_software_and_xmp(tmp_path: Path) -> None:
    data = png_bytes([("Software", "NovelAI")], xmp=xmp_packet(IPTC + "digitalCreation"))
    ai, hints = _read(tmp_path, "n.png", data)
    assert ai == "claimed"
    assert hints["png.software"].claims_ai
    assert not hints["xmp.digital_source_type"].claims_ai
    plain = png_bytes([("Software", "GIMP 2.10"), ("Comment", "holiday at the beach")])
    ai, hints = _read(tmp_path, "g.png", plain)
    assert ai == "unknown"
    assert set(hints) == {"png.software"}


def test_png_comment_with_novelai_style_json(tmp_path: Path) -> None:
    comment = '{"prompt": "a cat", "steps": 28, "sampler": "k_euler", "seed": 1}'
    ai, hints = _read(tmp_path, "n.png", png_bytes([("Comment", comment)]))
    assert ai == "claimed"
    assert hints["png.comment"].claims_ai


def test_jpeg_exif_user_comment_software_and_description(tmp_path: Path) -> None:
    exif = exif_block(software="Adobe Photoshop 25.0", user_comment=unicode_comment(A1111))
    ai, hints = _read(tmp_path, "e.jpg", jpeg_bytes(1, exif=exif))
    assert ai == "claimed"
    assert hints["exif.user_comment"].value == A1111
    assert not hints["exif.software"].claims_ai
    holiday = exif_block(software="Camera 1.0", description="Holiday", user_comment=b"\0" * 8)
    ai, hints = _read(tmp_path, "h.jpg", jpeg_bytes(1, exif=holiday))
    assert ai == "unknown"
    assert set(hints) == {"exif.software"}


def test_ascii_user_comment_and_jpeg_comment(tmp_path: Path) -> None:
    exif = exif_block(user_comment=b"ASCII\0\0\0" + A1111.encode())
    ai, hints = _read(tmp_path, "a.jpg", jpeg_bytes(1, exif=exif))
    assert (ai, hints["exif.user_comment"].value) == ("claimed", A1111)
    commented = with_jpeg_segment(jpeg_bytes(1), 0xFE, A1111.encode())
    ai, hints = _read(tmp_path, "c.jpg", commented)
    assert (ai, hints["jpeg.comment"].claims_ai) == ("claimed", True)


def test_webp_exif_and_xmp(tmp_path: Path) -> None:
    data = webp_bytes(exif=exif_block(user_comment=unicode_comment(A1111)), xmp=xmp_packet(AI))
    ai, hints = _read(tmp_path, "w.webp", data)
    assert ai == "claimed"
    assert set(hints) == {"exif.user_comment", "xmp.digital_source_type"}


def test_aigc_implicit_label(tmp_path: Path) -> None:
    label = '{"Label": "1", "ContentProducer": "001191110108MA01KP2T5U00000"}'
    ai, hints = _read(tmp_path, "g.png", png_bytes([("AIGC", label)]))
    assert (ai, hints["png.aigc"].claims_ai) == ("claimed", True)


def test_hint_values_are_cleaned_and_cut(tmp_path: Path) -> None:
    long = "Steps: 20, Sampler: Euler\x00\x07" + "x" * 5000
    ai, hints = _read(tmp_path, "l.png", png_bytes([("parameters", long)]))
    value = hints["png.parameters"].value
    assert ai == "claimed"
    assert len(value) == 2000 and value.endswith("…")
    assert "\x00" not in value and "\x07" not in value


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("trainedAlgorithmicMedia", "ai"),
        ("compositeWithTrainedAlgorithmicMedia", "ai"),
        ("compositeSynthetic", "ai"),
        ("http://c2pa.org/digitalsourcetype/trainedAlgorithmicData", "ai"),
        ("algorithmicMedia", "not_ai"),
        ("digitalCapture", "not_ai"),
        ("composite", "neither"),
        ("http://example.org/somethingElse", "neither"),
    ],
)
def test_vocabulary(term: str, expected: str) -> None:
    assert meaning(term) == expected
    assert meaning(IPTC + term if "://" not in term else term) == expected


def test_normalise_keeps_unknown_values() -> None:
    assert normalise(" HTTP://cv.iptc.org/newscodes/digitalsourcetype/digitalcapture") == CAPTURE
    assert normalise(" whatever ") == "whatever"


def _manifest(verified: bool, *types: str, role: str = "active") -> ManifestFacts:
    return ManifestFacts("m", role, verified, "s", types)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("manifests", "hints", "expected"),
    [
        ([_manifest(True, AI)], [], "yes"),
        ([_manifest(True), _manifest(True, AI, role="ingredient")], [], "yes"),
        ([_manifest(False, AI)], [], "claimed"),
        ([_manifest(True, CAPTURE), _manifest(False, AI, role="ingredient")], [], "claimed"),
        ([_manifest(True, CAPTURE)], [Hint("png.parameters", "x", True)], "claimed"),
        ([_manifest(True, CAPTURE)], [Hint("exif.software", "GIMP", False)], "no"),
        ([_manifest(False, CAPTURE)], [], "unknown"),
        ([_manifest(True)], [], "unknown"),
        ([], [], "unknown"),
        ([], [Hint("xmp.digital_source_type", AI, True)], "claimed"),
    ],
)
def test_decide(manifests: list[ManifestFacts], hints: list[Hint], expected: str) -> None:
    result = C2paResult(state="valid" if manifests else "absent", manifests=tuple(manifests))
    assert decide(result, tuple(hints)) == expected
