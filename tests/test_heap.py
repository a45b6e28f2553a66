"""perisai.heap: start-up objects leave the garbage collector's full passes; garbage does not."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from perisai.app import create_app
from perisai.heap import freeze_startup_objects
from perisai.runtime import Runtime


class _Node:
    """A reference cycle: only the cyclic collector (never reference counting) frees it."""

    def __init__(self) -> None:
        self.me = self


def _tracked(obj: object) -> bool:
    """Whether a collection can visit `obj` (frozen objects are in no generation)."""
    return any(candidate is obj for candidate in gc.get_objects())


@pytest.fixture
def unfrozen_afterwards() -> Iterator[None]:
    """The test process must not keep what a test froze (it would never be collected)."""
    assert gc.get_freeze_count() == 0, "something froze the test process's heap"
    try:
        yield
    finally:
        gc.unfreeze()


@pytest.mark.usefixtures("unfrozen_afterwards")
def test_live_objects_are_frozen_and_garbage_is_collected_first() -> None:
    kept = _Node()
    dropped = _Node()
    dropped_ref = weakref.ref(dropped)
    del dropped

    frozen = freeze_startup_objects()

    assert dropped_ref() is None, "garbage must be collected, not frozen for ever"
    # Not equal: a frozen object freed by reference counting meanwhile leaves the count.
    assert frozen > 0 and gc.get_freeze_count() > 0
    assert not _tracked(kept), "a live start-up object must be out of the collector's passes"
    gc.unfreeze()
    assert _tracked(kept)


@pytest.mark.usefixtures("unfrozen_afterwards")
def test_garbage_made_after_the_freeze_is_still_collected() -> None:
    freeze_startup_objects()
    later = _Node()
    later_ref = weakref.ref(later)
    del later
    gc.collect()
    assert later_ref() is None


@pytest.mark.usefixtures("unfrozen_afterwards")
def test_a_server_processs_app_freezes_once_started(runtime: Runtime) -> None:
    app = create_app(runtime.settings, runtime=runtime, freeze_heap=True)
    assert gc.get_freeze_count() == 0, "nothing may be frozen before start-up"
    with TestClient(app, base_url="https://testserver") as client:
        assert gc.get_freeze_count() > 0
        assert not _tracked(app), "the started app must be frozen"
        assert client.get("/healthz").status_code == 200


@pytest.mark.usefixtures("unfrozen_afterwards")
def test_a_tests_app_freezes_nothing(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver"):
        assert gc.get_freeze_count() == 0
