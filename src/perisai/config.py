"""Typed settings, read once at startup from the environment (prefix ``PERISAI_``).

Nothing here runs at import: call :func:`load_settings` where the process starts. Defaults are the
safe choice; the ones that only make sense on a developer's machine are refused in production.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(Exception):
    """A setting is malformed; the message names it."""


class Settings(BaseSettings):
    """Every setting Perisai reads. Each field's description is its documentation (README table)."""

    model_config = SettingsConfigDict(env_prefix="PERISAI_", extra="ignore", frozen=True)

    environment: Literal["development", "production"] = Field(
        "development", description="`production` refuses demo mode and insecure cookies."
    )
    database_url: str | None = Field(
        None,
        description="PostgreSQL URL of an external server; unset starts the embedded server.",
    )
    migration_database_url: str | None = Field(
        None,
        description="PostgreSQL URL of the role that owns the schema and runs migrations; "
        "with it, `PERISAI_DATABASE_URL` names the application's own role (neither owner nor "
        "superuser), which migrations grant what it needs. Unset: migrations use "
        "`PERISAI_DATABASE_URL`.",
    )
    data_dir: Path = Field(
        Path("var"), description="Where the embedded database, keys and evidence live."
    )
    host: str = Field("127.0.0.1", description="Address `perisai serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `perisai serve` listens on.")
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses or networks of reverse proxies whose "
        "`X-Forwarded-For`/`-Proto` are believed (e.g. `127.0.0.1` behind a local nginx); empty: "
        "none, the client is the connection's peer.",
    )
    demo: bool = Field(
        False, description="Demo mode: seeded demo users may log in without TOTP; DEMO banner."
    )
    cookie_secure: bool = Field(
        True,
        description="Mark session cookies Secure: browsers then keep them only over HTTPS and on "
        "localhost, so a lab reached over plain HTTP by another name sets `false` (the login "
        "page says so); refused in production.",
    )
    session_idle_minutes: int = Field(
        30, ge=1, le=24 * 60, description="A session ends after this long without a request."
    )
    session_max_hours: int = Field(
        12, ge=1, le=7 * 24, description="A session ends this long after login, whatever else."
    )
    login_max_failures: int = Field(
        5, ge=1, le=100, description="Failed logins in a row before the account is locked."
    )
    lockout_minutes: int = Field(
        15, ge=1, le=24 * 60, description="How long a locked account stays locked."
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Largest request body outside evidence uploads (413)."
    )
    max_evidence_bytes: int = Field(
        512 * 1_048_576, ge=1024, description="Largest evidence file accepted by an upload."
    )
    body_min_bytes_per_second: int = Field(
        1024,
        ge=1,
        description="Slowest average rate a request body may arrive at, after the grace period "
        "(408 below it).",
    )
    body_grace_seconds: float = Field(
        15.0, gt=0, le=600, description="Time a request body may take before the rate applies."
    )
    bodies_per_client: int = Field(
        8,
        ge=1,
        le=1000,
        description="Request bodies one API key or session may send at once (429 past it); "
        "a body that arrives in one piece does not count.",
    )
    bodies_per_source: int = Field(
        64,
        ge=1,
        le=100_000,
        description="Request bodies one source address may send at once (429 past it).",
    )
    master_key_file: Path | None = Field(
        None,
        description="32-byte master key for evidence and victim fields; default "
        "`DATA_DIR/keys/master.key`, created with mode 0600 on first start.",
    )
    signing_key_file: Path | None = Field(
        None,
        description="Ed25519 key that signs audit chain heads; default "
        "`DATA_DIR/keys/audit-ed25519.pem`, created on first start.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Lowest level written to the JSON log on stderr."
    )
    worker_in_process: bool = Field(
        True, description="`perisai serve` also runs the background job worker in a thread."
    )
    job_stalled_seconds: float = Field(
        120.0,
        ge=30,
        le=86_400,
        description="A running job whose worker has sent no heartbeat for this long (or is gone) "
        "is retried by the other workers.",
    )
    worker_yield_rate: float = Field(
        100.0,
        ge=0,
        le=1_000_000,
        description="While reports arrive faster than this (per second, across every server "
        "process), the job worker holds enrichment and triage back so that intake keeps the "
        "cores; webhook delivery and the SLA sweep run as usual. 0: never.",
    )
    worker_yield_max_seconds: float = Field(
        90.0,
        ge=1,
        le=3_600,
        description="After holding enrichment and triage back this long, the job worker lets "
        "one batch through and counts again, so a flood that never ends slows triage down but "
        "never stops it.",
    )
    ipintel_mmdb: str = Field(
        "", description="Colon-separated MaxMind-format databases used by IP enrichment."
    )
    ipintel_tor_lists: str = Field(
        "", description="Colon-separated TorDNSEL exit-list snapshots used by IP enrichment."
    )
    ipintel_cidr_lists: str = Field(
        "", description="`flag=path,flag=path` CIDR lists (e.g. `vpn=vpn.txt`) for IP enrichment."
    )
    age_trust_files: str = Field(
        "",
        description="Colon-separated issuer keys (JWK) and certificates (PEM roots or pinned "
        "signers) that platform age checks trust; empty: age verification answers 503.",
    )

    subject_keys_dir: Path | None = Field(
        None,
        description="Where per-subject data keys (victims' identity) are kept, outside the "
        "database so that no database backup holds them; back it up on its own "
        "(docs/security.md); default `DATA_DIR/subject-keys`.",
    )
    erasure_ledger_dir: Path | None = Field(
        None,
        description="Where the append-only ledger of erasures is kept, replayed after any "
        "restore; never restore it from an older copy; default `DATA_DIR/erasure-ledger`.",
    )
    audit_heads_dir: Path | None = Field(
        None,
        description="Where signed audit chain heads are appended (outside the database); "
        "default `DATA_DIR/audit-heads`.",
    )
    audit_anchor_minutes: int = Field(
        5,
        ge=1,
        le=24 * 60,
        description="`perisai serve` signs and stores the audit chain's head this often "
        "(and at shutdown).",
    )
    webhook_allow_hosts: str = Field(
        "",
        description="Comma-separated host names, addresses or networks (`10.1.2.0/24`) that "
        "webhooks may reach although they are loopback, private or link-local; empty: public "
        "addresses only.",
    )

    @field_validator("webhook_allow_hosts")
    @classmethod
    def _allow_list(cls, value: str) -> str:
        from perisai.urlguard import UrlGuard

        UrlGuard.from_setting(value)
        return value

    retrohunt_days: int = Field(
        90,
        ge=0,
        le=3660,
        description="A hash added to a bank (or re-enabled) is matched against the stored "
        "signals of reports received in this many days before (the retro-hunt); 0: no "
        "retro-hunt.",
    )
    provenance_trust_files: str = Field(
        "",
        description="Colon-separated PEM trust anchors for C2PA signers of evidence files (the "
        "C2PA trust list, your own roots); empty: a well-signed manifest is `valid`, not "
        "`trusted`.",
    )

    viral_platforms: int = Field(
        3,
        ge=2,
        le=100,
        description="A cluster of copies of one picture or video reported from this many distinct "
        "platforms within `PERISAI_VIRAL_WINDOW_HOURS` raises a viral-spread alert.",
    )
    viral_accounts: int = Field(
        5,
        ge=2,
        le=100_000,
        description="A cluster reported with this many distinct accounts within "
        "`PERISAI_VIRAL_WINDOW_HOURS` also raises the alert (either rule suffices).",
    )
    viral_window_hours: float = Field(
        6.0,
        gt=0,
        le=24 * 30,
        description="The sliding window of the viral-spread rule, in hours.",
    )
    viral_bank: str = Field(
        "viral-shared",
        min_length=1,
        max_length=64,
        description="The bank (shared with platforms) that a confirmed viral-spread proposal adds "
        "the cluster's hashes to; created, owned by the secretariat, when first needed.",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses_only(cls, value: str) -> str:
        import ipaddress

        for part in (p.strip() for p in value.split(",")):
            if part:
                try:
                    ipaddress.ip_network(part, strict=False)
                except ValueError:
                    raise ValueError(f"{part!r} is not an IP address or network") from None
        return value

    @field_validator("database_url", "migration_database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgresql", "postgres:")):
            raise ValueError("must be a postgresql:// URL")
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment == "production":
            if self.demo:
                raise ValueError("demo mode is refused when PERISAI_ENVIRONMENT=production")
            if not self.cookie_secure:
                raise ValueError("PERISAI_COOKIE_SECURE must stay true in production")
        return self

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def master_key_path(self) -> Path:
        return self.master_key_file or self.keys_dir / "master.key"

    @property
    def subject_keys_path(self) -> Path:
        return self.subject_keys_dir or self.data_dir / "subject-keys"

    @property
    def erasure_ledger_path(self) -> Path:
        return self.erasure_ledger_dir or self.data_dir / "erasure-ledger"

    @property
    def audit_heads_path(self) -> Path:
        return self.audit_heads_dir or self.data_dir / "audit-heads"

    @property
    def signing_key_path(self) -> Path:
        return self.signing_key_file or self.keys_dir / "audit-ed25519.pem"


def load_settings(**overrides: object) -> Settings:
    """Read the environment; a malformed setting raises SettingsError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "settings"
            name = f"PERISAI_{field.upper()}" if field != "settings" else "settings"
            problems.append(f"{name}: {error['msg']}")
        raise SettingsError("; ".join(problems)) from None
