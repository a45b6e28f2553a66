"""Every route must declare who may call it: a permission, a scope, or Public."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount

from perisai.identity.deps import PublicAccess, Requires, RequiresKeyScope, RequiresScope

ACCESS_DECLARATIONS = (Requires, RequiresScope, RequiresKeyScope, PublicAccess)


def _declares_access(dependant: Dependant) -> bool:
    return any(
        isinstance(dependency.call, ACCESS_DECLARATIONS) or _declares_access(dependency)
        for dependency in dependant.dependencies
    )


def _walk(routes: list[BaseRoute], inherited: bool = False) -> Iterator[tuple[Any, bool]]:
    """Yield (route, declared by an enclosing router) through included routers."""
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            context = route.include_context  # type: ignore[attr-defined]
            declared = inherited or any(
                isinstance(dep.dependency, ACCESS_DECLARATIONS) for dep in context.dependencies
            )
            yield from _walk(original.routes, declared)
        else:
            yield route, inherited


def undeclared_routes(app: FastAPI) -> tuple[int, list[str]]:
    undeclared, checked = [], 0
    for route, inherited in _walk(app.routes):
        if isinstance(route, APIRoute):
            checked += 1
            if not (inherited or _declares_access(route.dependant)):
                undeclared.append(f"{sorted(route.methods or ())} {route.path}")
        elif isinstance(route, Mount):
            assert route.path == "/static", f"unexpected mount {route.path}"
    return checked, undeclared


def test_every_route_declares_its_access(app: FastAPI) -> None:
    checked, undeclared = undeclared_routes(app)
    assert checked >= 8
    assert undeclared == []


def test_the_check_itself_catches_an_undeclared_route(app: FastAPI) -> None:
    @app.get("/undeclared-probe")
    def probe() -> dict[str, str]:
        return {}

    _, undeclared = undeclared_routes(app)
    assert undeclared == ["['GET'] /undeclared-probe"]
