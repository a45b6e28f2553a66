"""Names the sharing layer owns: its hook point.

No imports: manifests read these at start-up.
"""

from typing import Final

# `function(session, case_ids) -> {case id: CaseAccess}`: the facts redaction needs of cases.
CASE_FACTS: Final = "sharing.case_facts"
