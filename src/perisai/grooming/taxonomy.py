"""Stable ids of the signal kinds and the grooming stages they belong to.

Stages follow O'Connell / Lorenzo-Dus (access and rapport → trust → risk assessment →
exclusivity and isolation → desensitisation → approach). Ids are part of the output contract:
never rename one, only add.
"""

from __future__ import annotations

STAGES: tuple[str, ...] = (
    "access_rapport",
    "trust",
    "risk_assessment",
    "exclusivity_isolation",
    "desensitisation",
    "approach",
)
STAGE_ORDER: dict[str, int] = {name: rank for rank, name in enumerate(STAGES)}

KIND_STAGE: dict[str, str] = {
    "age_probe": "access_rapport",
    "flattery": "trust",
    "gift_offer": "trust",
    "location_probe": "risk_assessment",
    "risk_assessment": "risk_assessment",
    "secrecy": "exclusivity_isolation",
    "deletion": "exclusivity_isolation",
    "platform_migration": "exclusivity_isolation",
    "isolation": "exclusivity_isolation",
    "age_gap_normalisation": "desensitisation",
    "image_request": "desensitisation",
    "camera_request": "approach",
    "meeting_request": "approach",
    "threat": "approach",
    # Added in v2 (issue 14).
    "parent_deception": "exclusivity_isolation",
    "device_gift": "exclusivity_isolation",
    "coercion": "approach",
}
KINDS: tuple[str, ...] = tuple(KIND_STAGE)

# The requests the early-detection target is measured against: flag no later than the first one.
CONTACT_REQUEST_KINDS: frozenset[str] = frozenset(
    {"image_request", "camera_request", "meeting_request"}
)

# How much a kind says about who is grooming whom; used to pick the suspect, not to score risk
# (the learned combiner does that).
KIND_SUSPICION: dict[str, float] = {
    "age_probe": 0.5,
    "flattery": 1.0,
    "gift_offer": 1.0,
    "location_probe": 0.7,
    "risk_assessment": 1.5,
    "secrecy": 2.0,
    "deletion": 2.0,
    "platform_migration": 1.0,
    "isolation": 2.0,
    "age_gap_normalisation": 2.0,
    "image_request": 1.5,
    "camera_request": 1.2,
    "meeting_request": 1.2,
    "threat": 2.0,
    "parent_deception": 2.0,
    "device_gift": 1.5,
    "coercion": 1.5,
}

# Kinds that prepare or keep a child alone with the suspect (the "control" stages): evidence of
# grooming before any request is made, which is what early warning rests on.
CONTROL_KINDS: frozenset[str] = frozenset(
    {
        "risk_assessment",
        "secrecy",
        "deletion",
        "platform_migration",
        "isolation",
        "parent_deception",
        "device_gift",
        "age_gap_normalisation",
    }
)
