"""The agencies' short names that the code itself refers to (core_0001 seeds the agencies)."""

from __future__ import annotations

from typing import Final

# The task force's secretariat: its analysts work the triage desk and its supervisors steer.
SECRETARIAT: Final = "SECRETARIAT"
WELFARE_AGENCY: Final = "JKM"
POLICE_AGENCY: Final = "PDRM"
# Every agency of the task force; GREEN items reach all of them.
TASK_FORCE_AGENCIES: Final = frozenset({"PDRM", "CSM", "MCMC", "MOE", "JKM", "NGO", SECRETARIAT})
