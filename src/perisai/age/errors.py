"""Why a presentation was refused: a stable reason code and a human detail.

The code is the contract (tests, the CLI's `error` field and the service's audit counts use it);
the detail names what was wrong without repeating claim values.
"""

from __future__ import annotations

import enum


class Reason(enum.StrEnum):
    # input
    MALFORMED = "malformed"
    TOO_LARGE = "too_large"
    # signatures and keys (both formats)
    ALG_NOT_ALLOWED = "alg_not_allowed"
    TYP_INVALID = "typ_invalid"
    UNTRUSTED_ISSUER = "untrusted_issuer"
    CERTIFICATE_INVALID = "certificate_invalid"
    ISSUER_SIGNATURE_INVALID = "issuer_signature_invalid"
    # SD-JWT (RFC 9901 section 7.1)
    SD_ALG_UNSUPPORTED = "sd_alg_unsupported"
    DISCLOSURE_MALFORMED = "disclosure_malformed"
    DISCLOSURE_UNREFERENCED = "disclosure_unreferenced"
    DIGEST_DUPLICATE = "digest_duplicate"
    CLAIM_NAME_FORBIDDEN = "claim_name_forbidden"
    CLAIM_NAME_CONFLICT = "claim_name_conflict"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    ISSUED_IN_FUTURE = "issued_in_future"
    EXPIRY_MISSING = "expiry_missing"
    # key binding (RFC 9901 section 7.3)
    KB_MISSING = "kb_missing"
    KB_TYP_INVALID = "kb_typ_invalid"
    KB_KEY_MISSING = "kb_key_missing"
    KB_SIGNATURE_INVALID = "kb_signature_invalid"
    KB_NONCE_MISMATCH = "kb_nonce_mismatch"
    KB_AUD_MISMATCH = "kb_aud_mismatch"
    KB_IAT_INVALID = "kb_iat_invalid"
    KB_SD_HASH_MISMATCH = "kb_sd_hash_mismatch"
    # mdoc (ISO/IEC 18013-5 section 9.3.1)
    DOCTYPE_MISMATCH = "doctype_mismatch"
    DIGEST_ALG_UNSUPPORTED = "digest_alg_unsupported"
    NAMESPACE_NOT_IN_MSO = "namespace_not_in_mso"
    DIGEST_NOT_IN_MSO = "digest_not_in_mso"
    DIGEST_MISMATCH = "digest_mismatch"
    ELEMENT_DUPLICATE = "element_duplicate"
    DEVICE_AUTH_MISSING = "device_auth_missing"
    DEVICE_AUTH_INVALID = "device_auth_invalid"
    DEVICE_ELEMENT_NOT_AUTHORISED = "device_element_not_authorised"
    ISSUER_SIGNED_ONLY = "issuer_signed_only"
    # answers
    AGE_CLAIM_INVALID = "age_claim_invalid"
    AGE_CLAIMS_CONFLICT = "age_claims_conflict"


class AgeProofError(Exception):
    """A presentation failed one check: `reason` says which, `detail` says where."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


class VerifierConfigError(ValueError):
    """The verifier was asked something it cannot check (e.g. key binding without a nonce)."""


def fail(reason: Reason, detail: str) -> AgeProofError:
    return AgeProofError(reason, detail)
