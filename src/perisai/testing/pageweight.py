"""What a page costs a phone before images: its HTML plus the stylesheets and scripts it links.

Used by the education tests and `benchmarks/education_pages.py` (issue 21: no page over 200 KB).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

BUDGET_BYTES = 200 * 1024
_ASSETS = re.compile(
    r"""<link\b[^>]*\brel=["']stylesheet["'][^>]*\bhref=["']([^"']+)["']"""
    r"""|<script\b[^>]*\bsrc=["']([^"']+)["']""",
    re.I,
)


@dataclass(frozen=True)
class PageWeight:
    html: int
    assets: dict[str, int]

    @property
    def total(self) -> int:
        return self.html + sum(self.assets.values())


def weigh(html: bytes, fetch: Callable[[str], bytes]) -> PageWeight:
    """`fetch(url)` returns an asset's bytes (as served, uncompressed)."""
    assets: dict[str, int] = {}
    for found in _ASSETS.finditer(html.decode("utf-8", "replace")):
        url = found.group(1) or found.group(2)
        if url not in assets:
            assets[url] = len(fetch(url))
    return PageWeight(len(html), assets)
