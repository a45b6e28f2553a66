"""One registration point per domain.

Each domain folder that plugs into the app has a `manifest.py` defining `MANIFEST`: its routers,
CLI commands, models, job modules, template folders and demo seeders, named as import paths
("package.module" or "package.module:attribute") so that reading the manifests imports nothing
heavy. The app factory, the CLI root, the job worker, the migrations and the demo read them all
through :func:`manifests`; nothing else keeps a list of domains.

A domain is found by the presence of its `manifest.py` (no list to edit): adding a domain is
adding a folder with a manifest.

A manifest also registers **hooks**: functions a lower layer calls without importing the domain
that provides them (dependency inversion). The layer that calls owns the hook point's name as a
constant (e.g. `perisai.runtime.RUNTIME_STARTED`); a domain registers `Hook(point, target)` and
the caller asks :func:`hooks` for every function registered at that point.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

PACKAGE_ROOT = Path(__file__).parent


@dataclass(frozen=True)
class Command:
    """A CLI entry under `perisai`: a Typer group (`perisai NAME VERB`) or a single command."""

    name: str
    target: str  # "module:attribute" of a typer.Typer (group) or a function (command)
    kind: Literal["group", "command"] = "group"
    help: str | None = None


@dataclass(frozen=True)
class Hook:
    """`target` ("module:function") is called at `point` (a name owned by the calling layer)."""

    point: str
    target: str


@dataclass(frozen=True)
class Manifest:
    name: str
    # Routers are included in ascending `order` (then name); earlier routers win a shared path.
    order: int = 100
    routers: tuple[str, ...] = ()  # "module:attribute" of fastapi.APIRouter
    commands: tuple[Command, ...] = ()
    models: tuple[str, ...] = ()  # modules whose import registers tables on Base.metadata
    jobs: tuple[str, ...] = ()  # modules whose import registers jobs with perisai.jobs.worker.job
    templates: tuple[str, ...] = ()  # template folders, relative to the domain's folder
    demo_seeders: tuple[str, ...] = ()  # "module:function(runtime, session)"
    hooks: tuple[Hook, ...] = ()
    # Names this domain owns and other domains refer to (documentation and checks).
    tasks: tuple[str, ...] = field(default=())
    events: tuple[str, ...] = field(default=())

    @property
    def folder(self) -> Path:
        return PACKAGE_ROOT / self.name


def load(target: str) -> Any:
    """Import "module:attribute" (or a bare module) and return it."""
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def _discover() -> list[str]:
    return sorted(
        path.parent.name
        for path in PACKAGE_ROOT.glob("*/manifest.py")
        if (path.parent / "__init__.py").exists()
    )


@cache
def manifests() -> tuple[Manifest, ...]:
    """Every domain's manifest, in router order."""
    found: list[Manifest] = []
    for name in _discover():
        manifest = importlib.import_module(f"perisai.{name}.manifest").MANIFEST
        if not isinstance(manifest, Manifest) or manifest.name != name:
            raise TypeError(f"perisai/{name}/manifest.py must define MANIFEST = Manifest({name!r})")
        found.append(manifest)
    return tuple(sorted(found, key=lambda m: (m.order, m.name)))


def import_all(select: Callable[[Manifest], tuple[str, ...]]) -> None:
    """Import every module that `select` names in any manifest (for their registrations)."""
    for manifest in manifests():
        for target in select(manifest):
            load(target)


# Hook point of the core: `function(runtime)` of each manifest, called when a runtime is made.
RUNTIME_STARTED = "runtime.started"


@cache
def hooks(point: str) -> tuple[Callable[..., Any], ...]:
    """Every function registered at `point`, in manifest order (loaded once per process)."""
    return tuple(
        load(hook.target)
        for manifest in manifests()
        for hook in manifest.hooks
        if hook.point == point
    )
