"""Identifier normalisation and linkage, pure (no database, no web, no network).

`normalise(kind, value)` gives an `Identifier` with a canonical value and a link `key`;
`Linkage` / `link` group records that share keys; `to_networkx` draws one neighbourhood.
"""

from perisai.identifiers.graph import to_networkx
from perisai.identifiers.linkage import Cluster, Linkage, link
from perisai.identifiers.model import Identifier, IdentifierError
from perisai.identifiers.normalise import KINDS, normalise

__all__ = [
    "KINDS",
    "Cluster",
    "Identifier",
    "IdentifierError",
    "Linkage",
    "link",
    "normalise",
    "to_networkx",
]
