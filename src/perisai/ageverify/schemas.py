"""What platforms send and get back. Every field is bounded; unknown fields are refused."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

FEATURE_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
MAX_VP_TOKEN = 64 * 1024
ACCOUNT_CREATION = "account_creation"
NATIONAL_MINIMUM = 16  # Malaysia's announced minimum age for social-media accounts


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RequestIn(_Strict):
    feature: str = Field(ACCOUNT_CREATION, pattern=FEATURE_PATTERN)
    client_id: str = Field(
        min_length=1,
        max_length=255,
        pattern=r"^[!-~]+$",
        description="The platform's client_id as the wallet sees it (the key-binding audience).",
    )
    response_uri: HttpUrl | None = Field(
        None, description="OpenID4VP direct_post endpoint (binds mdoc responses to it)."
    )
    origin: HttpUrl | None = Field(
        None, description="Digital Credentials API origin (instead of response_uri)."
    )
    expires_in: int = Field(300, ge=60, le=900, description="Seconds the request may be answered.")

    @field_validator("response_uri", "origin")
    @classmethod
    def _https(cls, value: HttpUrl | None) -> HttpUrl | None:
        if value is not None and (value.scheme != "https" or len(str(value)) > 255):
            raise ValueError("must be an https URL of at most 255 characters")
        return value


class RequestOut(BaseModel):
    request_id: str
    nonce: str
    over: int
    on_unknown: Literal["deny", "fallback"]
    expires_at: str
    request_object: dict[str, object]


class VerifyIn(_Strict):
    request_id: str = Field(min_length=8, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    nonce: str = Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    format: Literal["dc+sd-jwt", "mso_mdoc"]
    vp_token: str = Field(
        min_length=1,
        max_length=MAX_VP_TOKEN,
        pattern=r"^[!-~]+$",
        description="The compact SD-JWT+KB, or base64url of the mdoc DeviceResponse.",
    )


class VerifyOut(BaseModel):
    over: int
    result: bool | Literal["unknown"]


class PolicyIn(_Strict):
    min_age: int = Field(ge=13, le=25)
    on_unknown: Literal["deny", "fallback"] = "deny"


class FeaturePolicy(BaseModel):
    min_age: int
    on_unknown: Literal["deny", "fallback"]
