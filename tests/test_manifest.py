"""Every domain plugs in through its manifest, and every manifest names what its domain has."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from perisai.app import create_app
from perisai.config import Settings
from perisai.jobs.worker import JOBS
from perisai.manifest import PACKAGE_ROOT, RUNTIME_STARTED, hooks, import_all, load, manifests
from perisai.sharing.names import CASE_FACTS
from perisai.web.codes import code_label, known_codes


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


def _hook_points() -> set[str]:
    """Every hook point a layer owns: the core's, and the ones a domain's names.py declares."""
    points = {RUNTIME_STARTED}
    for path in PACKAGE_ROOT.glob("*/names.py"):
        names = importlib.import_module(f"perisai.{path.parent.name}.names")
        for attribute, value in vars(names).items():
            # Hook points read "domain.what"; their constants are written next to a comment
            # saying what the function gets, and are never a task: tasks are listed below.
            if attribute.isupper() and isinstance(value, str) and "." in value:
                points.add(value)
    return points - {task for manifest in manifests() for task in manifest.tasks}


def test_every_hook_is_at_an_owned_point_and_loads() -> None:
    points = _hook_points()
    registered = [(m.name, hook) for m in manifests() for hook in m.hooks]
    assert registered, "no manifest registers a hook"
    for name, hook in registered:
        assert hook.point in points, f"{name}: {hook.point} is declared by no names.py"
        assert hook.point.split(".")[0] != name, f"{name} hooks its own point {hook.point}"
        assert callable(load(hook.target)), f"{name}: {hook.target}"


def test_hooks_answer_in_manifest_order() -> None:
    expected = [
        load(hook.target) for m in manifests() for hook in m.hooks if hook.point == CASE_FACTS
    ]
    assert list(hooks(CASE_FACTS)) == expected == [load("perisai.cases.access:load_cases")]


def test_every_job_is_a_task_its_manifest_owns() -> None:
    import_all(lambda manifest: manifest.jobs)
    owned = [task for manifest in manifests() for task in manifest.tasks]
    assert len(owned) == len(set(owned)), "a task is claimed by two manifests"
    # Test modules may register their own jobs (tests/jobs registers "test.remember").
    assert {task for task in JOBS if not task.startswith("test.")} == set(owned)


# An event type written where an event is emitted: `type="case.created"`, and the branches of
# `type="a.b" if ... else "a.c"`.
_EVENT_TYPE = re.compile(r'\btype="([a-z_]+\.[a-z_]+)"(?: if [^\n]+ else "([a-z_]+\.[a-z_]+)")?')


def test_every_event_a_domain_emits_is_one_its_manifest_owns() -> None:
    owned = [event for manifest in manifests() for event in manifest.events]
    assert len(owned) == len(set(owned)), "an event is claimed by two manifests"
    emitted_somewhere = False
    for manifest in manifests():
        for path in manifest.folder.rglob("*.py"):
            for found in _EVENT_TYPE.finditer(path.read_text(encoding="utf-8")):
                for event in filter(None, found.groups()):
                    emitted_somewhere = True
                    assert event in manifest.events, (
                        f"{path.name} emits {event}, not in its manifest"
                    )
    assert emitted_somewhere


def test_every_case_and_report_event_has_a_label_in_both_languages() -> None:
    # The case timeline and the dashboard show these; SLA levels are shown by the clock instead.
    labelled = set(known_codes("event"))
    for manifest in manifests():
        if manifest.name not in {"cases", "triage"}:
            continue
        for event in manifest.events:
            if event.startswith("sla."):
                continue
            assert event in labelled, f"{event} has no label"
            malay, english = code_label("event", event, "ms"), code_label("event", event, "en")
            assert event not in (malay, english) and malay != english, event
