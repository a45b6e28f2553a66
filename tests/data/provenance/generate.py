"""Make the provenance test files of this folder (run from the repository root):

    PYTHONPATH=. .venv/bin/python tests/data/provenance/generate.py

Signed with a throw-away chain made on the spot (tests/media/provenance_factory.py): the root
certificate is kept as `test-root.pem` (a trust anchor for the tests), the private key is not
kept anywhere. Running it again makes new files with a new chain; the expected answers
(README.md) stay the same.
"""

from __future__ import annotations

from pathlib import Path

from tests.media.provenance_factory import (
    A1111,
    AI,
    AI_COMPOSITE,
    CAPTURE,
    COMFY_PROMPT,
    COMFY_WORKFLOW,
    jpeg_bytes,
    make_chain,
    png_bytes,
    sign,
    tamper,
    with_jpeg_xmp,
    xmp_packet,
)

HERE = Path(__file__).resolve().parent


def main() -> None:
    chain = make_chain("Perisai test AI generator")
    camera = make_chain("Perisai test camera")
    (HERE / "test-root.pem").write_bytes(chain.root_pem + camera.root_pem)
    generated = sign(chain, jpeg_bytes(11), source_type=AI, title="ai_created.jpg")
    files = {
        "ai_created.jpg": generated,
        "ai_ingredient.jpg": sign(
            camera, jpeg_bytes(12), source_type=None, parent=generated, title="ai_ingredient.jpg"
        ),
        "capture.jpg": sign(camera, jpeg_bytes(13), source_type=CAPTURE, title="capture.jpg"),
        "ai_tampered.jpg": tamper(
            sign(chain, jpeg_bytes(14), source_type=AI, title="ai_tampered.jpg")
        ),
        "a1111_parameters.png": png_bytes([("parameters", A1111)], seed=15),
        "comfyui_prompt.png": png_bytes(
            [("prompt", COMFY_PROMPT), ("workflow", COMFY_WORKFLOW)], seed=16
        ),
        "xmp_ai.jpg": with_jpeg_xmp(jpeg_bytes(17), xmp_packet(AI)),
        "xmp_ai_composite.jpg": with_jpeg_xmp(jpeg_bytes(18), xmp_packet(AI_COMPOSITE)),
        "plain.jpg": jpeg_bytes(19),
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
