"""Everything the linkage domain serves: the API and the page, mounted by `perisai.app`."""

from __future__ import annotations

from fastapi import APIRouter

from perisai.linkage import api, views

router = APIRouter()
router.include_router(api.router)
router.include_router(views.router)
