"""`/api/v1/docs` is served from our own files within the CSP (no CDN, no inline script)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import perisai
from perisai.http.middleware import CSP

STATIC = Path(perisai.__file__).parent / "web" / "static"
VENDORED = {
    "swagger-ui-bundle.js": "e6a898692f2d768e807c3ba4626068a69a2c5dd960dd6c76f3e4d3a3de180af2",
    "swagger-ui.css": "5ed08757e53da3e026d6cbecc61fe5d43585c9560b302d534ad56692519a273d",
}


@pytest.mark.parametrize(
    ("lang", "title"), [("ms", "Dokumentasi API"), ("en", "API documentation")]
)
def test_docs_page_loads_only_our_own_files(client: TestClient, lang: str, title: str) -> None:
    page = client.get(f"/api/v1/docs?lang={lang}")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CSP
    assert f'<html lang="{lang}">' in page.text
    assert title in page.text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts
    for attributes, body in scripts:
        assert body.strip() == "", "an inline script, which the CSP blocks"
        source = re.search(r'src="([^"]+)"', attributes)
        assert source is not None and source.group(1).startswith("/static/")
    assert "style=" not in page.text
    for url in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert not url.startswith(("http:", "https:", "//")), url
        if url.startswith("/static/"):
            assert client.get(url).status_code == 200, url
    assert 'data-openapi-url="/api/v1/openapi.json"' in page.text
    assert 'href="tel:999"' in page.text and 'href="tel:15999"' in page.text
    assert client.get("/api/v1/openapi.json").json()["paths"]


def test_the_vendored_swagger_ui_is_the_one_its_readme_names() -> None:
    readme = (STATIC / "swagger-ui" / "README.md").read_text()
    for name, digest in VENDORED.items():
        assert hashlib.sha256((STATIC / "swagger-ui" / name).read_bytes()).hexdigest() == digest
        assert digest in readme
    assert "Apache License" in (STATIC / "swagger-ui" / "LICENSE").read_text()
