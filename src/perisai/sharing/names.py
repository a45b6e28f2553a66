"""Names the sharing layer owns: its tasks and its hook point.

No imports: manifests read these at start-up.
"""

from typing import Final

DISPATCH_TASK: Final = "sharing.dispatch"  # fan committed outbox events out to subscriptions
DELIVER_TASK: Final = "sharing.deliver"  # deliver one signed webhook
# `function(session, case_ids) -> {case id: CaseAccess}`: the facts redaction needs of cases.
CASE_FACTS: Final = "sharing.case_facts"
