"""IP intelligence from local sources only: MaxMind databases, Tor exit lists, CIDR lists.

A pure library (no database, no web framework, no network): report enrichment and the
`perisai ipintel` CLI both call `IpIntel.lookup`.
"""

from perisai.ipintel.addresses import parse_ip, parse_time
from perisai.ipintel.errors import InvalidIp, InvalidTime, IpIntelError, IpIntelSourceError
from perisai.ipintel.intel import IpIntel
from perisai.ipintel.model import FLAG_NAMES, FlagEvidence, IpAnswer, SourceWarning

__all__ = [
    "FLAG_NAMES",
    "FlagEvidence",
    "InvalidIp",
    "InvalidTime",
    "IpAnswer",
    "IpIntel",
    "IpIntelError",
    "IpIntelSourceError",
    "SourceWarning",
    "parse_ip",
    "parse_time",
]
