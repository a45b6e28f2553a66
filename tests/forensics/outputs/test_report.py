from __future__ import annotations

import base64
import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image
from tests.forensics.conftest import image_with_exif, md5_of, write_bank

from perisai.forensics.outputs.write import write_outputs
from perisai.forensics.scanner import ScanOptions, run_scan

OptionsFactory = Callable[..., ScanOptions]
HOSTILE = "<img src=x onerror=alert(1)>&\"'.jpg"  # file names cannot hold "/"


def test_report_escapes_names_and_shows_only_blurred_grey_thumbnails(
    tmp_path: Path, make_options: OptionsFactory
) -> None:
    source = tmp_path / "seized"
    source.mkdir()
    photo = image_with_exif(source / HOSTILE, 3)
    shutil.copy(photo, source / "plain.jpg")
    bank = write_bank(tmp_path / "bank.csv", [("md5", md5_of(photo), "<b>label</b>", "1")])
    options = make_options(source, banks=(bank,))
    write_outputs(run_scan(options), options)
    html = (options.out_dir / "report.html").read_text(encoding="utf-8")

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#x27;.jpg" in html
    assert "<b>label</b>" not in html
    assert "101.6866667" in html  # the GPS point is listed
    assert "2024-05-06 07:08:09" in html  # and the EXIF time is on the timeline
    thumbnails = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(thumbnails) == 2  # both copies matched
    original = Image.open(photo).convert("L").resize((96, 72))
    for encoded in thumbnails:
        with Image.open(io.BytesIO(base64.b64decode(encoded))) as thumb:
            assert thumb.mode == "L"
            assert max(thumb.size) <= 96
            # Blurred: far fewer sharp edges than the same-size original.
            assert _edge_energy(thumb) < 0.5 * _edge_energy(original)


def _edge_energy(image: Image.Image) -> float:
    pixels = np.asarray(image, dtype=np.int32)
    return float(np.abs(np.diff(pixels, axis=1)).mean())
