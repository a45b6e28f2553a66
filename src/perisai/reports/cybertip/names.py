"""The CyberTipline schema's spellings and ours, in both directions."""

from __future__ import annotations

from typing import Final

INCIDENT_TYPES: Final = {
    "Child Pornography (possession, manufacture, and distribution)": "child_pornography",
    "Child Sex Trafficking": "child_sex_trafficking",
    "Child Sex Tourism": "child_sex_tourism",
    "Child Sexual Molestation": "child_sexual_molestation",
    "Misleading Domain Name": "misleading_domain_name",
    "Misleading Words or Digital Images on the Internet": "misleading_words_or_digital_images",
    "Online Enticement of Children for Sexual Acts": "online_enticement",
    "Unsolicited Obscene Material Sent to a Child": "unsolicited_obscene_material_to_child",
}
REPORT_ANNOTATIONS: Final = {
    "sextortion": "sextortion",
    "csamSolicitation": "csam_solicitation",
    "minorToMinorInteraction": "minor_to_minor_interaction",
    "spam": "spam",
    "sadisticOnlineExploitation": "sadistic_online_exploitation",
}
FILE_ANNOTATIONS: Final = {
    "animeDrawingVirtualHentai": "anime_drawing_virtual_hentai",
    "potentialMeme": "potential_meme",
    "viral": "viral",
    "possibleSelfProduction": "possible_self_production",
    "physicalHarm": "physical_harm",
    "violenceGore": "violence_gore",
    "bestiality": "bestiality",
    "liveStreaming": "live_streaming",
    "infant": "infant",
    "generativeAi": "generative_ai",
}
ASSOCIATED_KINDS: Final = {
    "Billing": "billing",
    "Linked": "linked",
    "Business": "business",
    "Creator": "creator",
    "Parent/Guardian": "parent_guardian",
    "Other": "other",
}
FILE_RELEVANCE: Final = {"Reported": "reported", "Supplemental Reported": "supplemental_reported"}
HASH_COLUMNS: Final = {"MD5": "md5", "SHA1": "sha1", "SHA-1": "sha1", "SHA256": "sha256",
                       "SHA-256": "sha256"}  # fmt: skip


def reverse(table: dict[str, str]) -> dict[str, str]:
    return {ours: theirs for theirs, ours in table.items()}


def event_name(ours: str) -> str:
    """``login`` → ``Login`` (the schema's ipCaptureType)."""
    return ours.capitalize()


def address_kind(ours: str) -> str:
    return ours.capitalize()
