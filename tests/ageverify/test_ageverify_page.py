"""The parents' page: Malay at /umur, English at /age-checks, no scripts."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_malay_and_english_pages(client: TestClient) -> None:
    malay = client.get("/umur")
    english = client.get("/age-checks")
    assert malay.status_code == english.status_code == 200
    assert '<html lang="ms">' in malay.text and "Apa yang tidak dikongsi" in malay.text
    assert '<html lang="en">' in english.text and "What is not shared" in english.text
    assert "MyKad" in english.text and "16" in english.text
    assert 'href="/lapor"' in malay.text and 'href="/report"' in english.text
    for page in (malay, english):
        assert "<script" not in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<html lang="en">' in client.get("/umur?lang=en").text
