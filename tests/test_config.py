from __future__ import annotations

import pytest

from perisai.config import Settings, SettingsError, load_settings


def test_defaults_are_safe() -> None:
    settings = Settings()
    assert settings.demo is False
    assert settings.cookie_secure is True
    assert settings.host == "127.0.0.1"


def test_malformed_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERISAI_PORT", "eighty")
    with pytest.raises(SettingsError, match="PERISAI_PORT"):
        load_settings()


def test_database_url_must_be_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERISAI_DATABASE_URL", "sqlite:///x.db")
    with pytest.raises(SettingsError, match="PERISAI_DATABASE_URL"):
        load_settings()


def test_production_refuses_demo_and_insecure_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERISAI_ENVIRONMENT", "production")
    monkeypatch.setenv("PERISAI_DEMO", "true")
    with pytest.raises(SettingsError, match="demo"):
        load_settings()
    monkeypatch.setenv("PERISAI_DEMO", "false")
    monkeypatch.setenv("PERISAI_COOKIE_SECURE", "false")
    with pytest.raises(SettingsError, match="COOKIE_SECURE"):
        load_settings()


def test_every_setting_is_documented_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for name in Settings.model_fields:
        assert f"PERISAI_{name.upper()}" in readme, f"PERISAI_{name.upper()} missing from README"
