"""The workspace's demo seeder, named in the workspace manifest.

Kept import-light (the CLI imports perisai.demo at start-up); the data lives in demo_data.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from perisai.runtime import Runtime


def seed_workspace(runtime: Runtime, session: Session) -> None:
    from perisai.workspace.demo_data import seed

    seed(runtime, session)
