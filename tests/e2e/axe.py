"""axe-core, vendored (tests/e2e/vendor/axe-core, MPL-2.0), run in the page through Playwright.

The script is evaluated through the DevTools protocol, so the pages' strict CSP (no inline
scripts) stays on while axe runs. Rules: WCAG 2.0 and 2.1, levels A and AA.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_FILE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return {version: axe.version, violations: result.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)};
}"""


@cache
def axe_source() -> str:
    data = AXE_FILE.read_bytes()
    if hashlib.sha256(data).hexdigest() != AXE_SHA256:
        raise AssertionError(f"{AXE_FILE} is not the vendored axe-core {AXE_VERSION}")
    return data.decode("utf-8")


def axe_violations(page: Any) -> list[str]:
    """WCAG 2.1 A/AA violations on the page as it is now (empty when it passes)."""
    page.evaluate(axe_source())
    found: dict[str, Any] = page.evaluate(RUN, WCAG_AA)
    assert found["version"] == AXE_VERSION
    violations: list[str] = found["violations"]
    return violations
