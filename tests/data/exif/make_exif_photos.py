"""Make the EXIF-rotated photos of this folder and their reference hashes (run from the repo
root, with ../shared/testdata beside it):

    .venv/bin/python tests/data/exif/make_exif_photos.py

Each photo shows a benign ThreatExchange test image (BSD licence, LICENSE.ThreatExchange) the
right way up only once its EXIF orientation is applied: the pixels are stored turned by the
inverse of orientation N and the tag says N, as a phone camera writes them.
`reference-hashes.tsv` holds, for each photo, the PDQ hash the reference implementation (the
`pdqhash` package, ThreatExchange's C++ PDQ) computes from the file as stored, orientation
ignored: what a bank built by ThreatExchange/HMA tools holds for that file. The source image's
own reference hash (ThreatExchange's reference-hashes.tsv, where it lists it) is beside it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, ImageOps

HERE = Path(__file__).resolve().parent
PDQ = HERE.parents[3] / "shared" / "testdata" / "pdq"
# Pillow's transpose that *applies* orientation N (as ImageOps.exif_transpose does) and the one
# that undoes it (how the pixels must be stored so that applying N shows the picture upright).
APPLY = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
         4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
         6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
         8: Image.Transpose.ROTATE_90}  # fmt: skip
UNDO = {**APPLY, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}
PHOTOS = {
    "bridge-mods/aaa-orig.jpg": (2, 3, 4, 5, 6, 7, 8),
    "reg-test-input/labelme-subset/q0122.jpg": (3, 6, 8),
    "reg-test-input/labelme-subset/q0291.jpg": (6,),
    "reg-test-input/labelme-subset/q1050.jpg": (8,),
}


def reference_pdq(path: Path) -> tuple[str, int]:
    with Image.open(path) as image:  # Image.open does not apply the EXIF orientation
        bits, quality = pdqhash.compute(np.asarray(image.convert("RGB")))
    return bytes(np.packbits(np.asarray(bits, dtype=np.uint8))).hex(), int(quality)


def main() -> None:
    listed = dict(
        line.split("\t")
        for line in (PDQ / "reference-hashes.tsv").read_text().splitlines()[1:]
        if line.strip()
    )
    rows = ["file\torientation\tsource\treference_pdq_as_stored\tquality\tsource_reference_pdq"]
    for source, orientations in PHOTOS.items():
        with Image.open(PDQ / source) as original:
            upright = original.convert("RGB")
        if max(upright.size) > 640:
            upright = upright.resize((640, round(640 * upright.height / upright.width)))
        stem = Path(source).stem
        for orientation in orientations:
            stored = upright.transpose(UNDO[orientation])
            exif = Image.Exif()
            exif[0x0112] = orientation
            name = f"{stem}-orientation-{orientation}.jpg"
            stored.save(HERE / name, "JPEG", quality=90, exif=exif.tobytes())
            with Image.open(HERE / name) as check:
                shown = ImageOps.exif_transpose(check)
                assert shown.size == upright.size, name
            hex_hash, quality = reference_pdq(HERE / name)
            rows.append(
                f"{name}\t{orientation}\t{source}\t{hex_hash}\t{quality}\t{listed.get(source, '')}"
            )
    (HERE / "reference-hashes.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
