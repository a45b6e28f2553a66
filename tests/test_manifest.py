"""Every domain plugs in through its manifest, and every manifest names what its domain has."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from perisai.app import create_app
from perisai.config import Settings
from perisai.manifest import PACKAGE_ROOT, load, manifests


def _modules_matching(pattern: str) -> set[str]:
    found = set()
    for path in PACKAGE_ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        if re.search(pattern, path.read_text(encoding="utf-8"), re.MULTILINE):
            relative = path.relative_to(PACKAGE_ROOT.parent).with_suffix("")
            found.add(".".join(relative.parts))
    return found


def test_every_manifest_target_imports() -> None:
    for manifest in manifests():
        targets = [
            *manifest.routers,
            *(command.target for command in manifest.commands),
            *manifest.models,
            *manifest.jobs,
            *manifest.demo_seeders,
        ]
        for target in targets:
            assert load(target) is not None, f"{manifest.name}: {target}"
        for folder in manifest.templates:
            assert (manifest.folder / folder).is_dir(), f"{manifest.name}: {folder}"


def test_every_module_with_tables_is_named_as_models() -> None:
    named = {target for manifest in manifests() for target in manifest.models}
    assert _modules_matching(r"^\s+__tablename__ =|Table\(\s*\"\w+\",\s*\w*\.?metadata") <= named


def test_every_module_with_jobs_is_named_as_jobs() -> None:
    named = {target for manifest in manifests() for target in manifest.jobs}
    assert _modules_matching(r"^@job\(") <= named


def _endpoints(routes: list[BaseRoute]) -> Iterator[object]:
    for route in routes:
        original = getattr(route, "original_router", None)  # an included router
        if original is not None:
            yield from _endpoints(original.routes)
        elif isinstance(route, APIRoute):
            yield route.endpoint


def test_every_router_is_served(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "var", demo=False))
    served = set(_endpoints(app.routes))
    for module in _modules_matching(r"^router(: APIRouter)? = APIRouter\("):
        router = load(f"{module}:router")
        assert isinstance(router, APIRouter)
        for route in router.routes:
            if isinstance(route, APIRoute):
                assert route.endpoint in served, f"{module}: {route.path} is not served"


def test_command_names_are_unique() -> None:
    names = [command.name for manifest in manifests() for command in manifest.commands]
    assert len(names) == len(set(names))
