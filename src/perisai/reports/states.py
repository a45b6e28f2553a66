"""Malaysia's 13 states and 3 federal territories, by their ISO 3166-2:MY codes.

A report's `jurisdiction` holds one of these codes when the place is known (the hotline form's
optional state field writes it; platforms may send it); monitoring counts reports per state by it.
"""

from __future__ import annotations

from typing import Final

# code -> (Malay name, English name); the order is the ISO code order, as forms list them.
STATES: Final[dict[str, tuple[str, str]]] = {
    "MY-01": ("Johor", "Johor"),
    "MY-02": ("Kedah", "Kedah"),
    "MY-03": ("Kelantan", "Kelantan"),
    "MY-04": ("Melaka", "Malacca"),
    "MY-05": ("Negeri Sembilan", "Negeri Sembilan"),
    "MY-06": ("Pahang", "Pahang"),
    "MY-07": ("Pulau Pinang", "Penang"),
    "MY-08": ("Perak", "Perak"),
    "MY-09": ("Perlis", "Perlis"),
    "MY-10": ("Selangor", "Selangor"),
    "MY-11": ("Terengganu", "Terengganu"),
    "MY-12": ("Sabah", "Sabah"),
    "MY-13": ("Sarawak", "Sarawak"),
    "MY-14": ("Wilayah Persekutuan Kuala Lumpur", "Federal Territory of Kuala Lumpur"),
    "MY-15": ("Wilayah Persekutuan Labuan", "Federal Territory of Labuan"),
    "MY-16": ("Wilayah Persekutuan Putrajaya", "Federal Territory of Putrajaya"),
}


def state_name(code: str, lang: str) -> str:
    """The state's name in `lang` ("ms" or "en"); the code itself when it is not a state."""
    names = STATES.get(code)
    if names is None:
        return code
    return names[0] if lang == "ms" else names[1]
